"""The model registry: registration, lookups, hierarchy resolution, snapshots."""

from __future__ import annotations

import pytest

from runic.ogm import (
    Edge,
    EdgeMeta,
    Field,
    MetaData,
    MetadataError,
    Node,
    NodeMeta,
    Relation,
    get_metadata,
    metadata,
)
from runic.ogm.core.metadata import fields_of

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def _isolated_registry():
    registry = get_metadata()
    saved = registry.snapshot()
    yield
    registry.restore(saved)


def test_get_metadata_is_the_global_registry_and_metadata_its_alias():
    assert isinstance(get_metadata(), MetaData) and metadata is get_metadata()


def test_classes_register_themselves_with_their_label_and_type():
    class Person(Node):
        name: str = Field(default=None)

    class Knows(Edge):
        source: Person
        target: Person
        since: int = 0

    node_meta = get_metadata().nodes["Person"]
    edge_meta = get_metadata().edges["KNOWS"]
    assert isinstance(node_meta, NodeMeta) and node_meta.label == "Person" and node_meta.model_cls is Person
    assert node_meta.cls is Person and node_meta.labels == ("Person",) and node_meta.primary_label == "Person"
    assert node_meta.pk_field_name == "id" and set(node_meta.fields) == {"id", "name"}
    assert [f.name for f in node_meta.field_list] == ["id", "name"]
    assert isinstance(edge_meta, EdgeMeta) and edge_meta.type_ == edge_meta.edge_type == "KNOWS"
    assert edge_meta.model_cls is Knows and set(edge_meta.fields) == {"since"}
    assert edge_meta.source_model is Person and edge_meta.target_model is Person


def test_nodes_and_edges_are_read_only():
    with pytest.raises(TypeError):
        get_metadata().nodes["X"] = None  # type: ignore[index]
    with pytest.raises(TypeError):
        get_metadata().edges["X"] = None  # type: ignore[index]


def test_lookups_accept_labels_or_classes_and_require_variants_raise():
    class Person(Node):
        pass

    class Likes(Edge):
        pass

    registry = get_metadata()
    assert registry.get_node_meta("Person").model_cls is Person
    assert registry.get_node_meta(Person).label == "Person"
    assert registry.get_edge_meta(Likes).type_ == "LIKES" and registry.get_edge_meta("LIKES").model_cls is Likes
    assert registry.get_node_meta("Nobody") is None and registry.get_edge_meta("NOPE") is None
    with pytest.raises(MetadataError, match="did you mean 'Person'"):
        registry.require_node_meta("Persn")
    with pytest.raises(MetadataError, match="not a registered edge"):
        registry.require_edge_meta("NOPE")
    assert registry.resolve_node("Person") is Person and registry.resolve_edge("LIKES") is Likes
    assert Person in registry.all_nodes() and Likes in registry.all_edges()


def test_register_dispatches_and_refuses_other_classes():
    class Person(Node):
        pass

    registry = get_metadata()
    assert registry.register(Person).model_cls is Person
    with pytest.raises(TypeError, match="not a Node or Edge"):
        registry.register(int)


def test_redefining_the_same_class_replaces_it_like_a_notebook_rerun():
    namespace: dict = {"Node": Node, "Field": Field, "__name__": "notebook_cell"}
    source = "class Person(Node):\n    name: str = Field(default=None)\n"
    exec(source, namespace)  # noqa: S102 - simulates re-running a notebook cell
    first = namespace["Person"]
    exec(source.replace("name", "title"), namespace)  # noqa: S102 - simulates re-running a notebook cell
    second = namespace["Person"]
    assert first is not second and get_metadata().resolve_node("Person") is second
    assert "title" in fields_of(get_metadata().resolve_node("Person"))


def test_another_class_on_the_same_label_or_type_is_refused():
    class Person(Node):
        pass

    with pytest.raises(MetadataError, match="already used"):
        class Human(Node, label="Person"):
            pass

    class Likes(Edge):
        pass

    with pytest.raises(MetadataError, match="already used"):
        class Fancies(Edge, type="LIKES"):
            pass


def test_equal_label_sets_are_refused():
    class Animal(Node, labels=["Animal", "Pet"]):
        pass

    with pytest.raises(MetadataError, match="same labels"):
        class Pet(Node, labels=["Pet", "Animal"]):
            pass


def test_resolve_node_class_picks_the_most_specific_class_in_a_hierarchy():
    class Person(Node):
        pass

    class Employee(Person):
        pass

    class Manager(Employee):
        pass

    class Robot(Node):
        pass

    registry = get_metadata()
    assert Manager.__labels__ == ("Person", "Employee", "Manager") and Manager.__primary_label__ == "Person"
    assert registry.resolve_node_class(["Person", "Employee", "Manager"], base=Person) is Manager
    assert registry.resolve_node_class(["Employee", "Person"], base=Person) is Employee
    assert registry.resolve_node_class(["Person", "Other"], base=Person) is Person
    assert registry.resolve_node_class(["Robot"]) is Robot
    assert registry.resolve_node_class(["Robot"], base=Person) is Person


def test_resolve_edge_class_falls_back_to_the_base():
    class Knows(Edge):
        pass

    registry = get_metadata()
    assert registry.resolve_edge_class("KNOWS") is Knows
    assert registry.resolve_edge_class("UNKNOWN", base=Knows) is Knows


def test_finalize_resolves_forward_references():
    class Person(Node):
        pets: list[Pet] = Relation("OWNS")

    class Pet(Node):
        pass

    get_metadata().finalize()
    assert fields_of(Person)["pets"]._target is Pet


def test_snapshot_restore_and_clear():
    registry = get_metadata()
    saved = registry.snapshot()

    class Temporary(Node):
        pass

    assert registry.get_node_meta("Temporary") is not None
    registry.restore(saved)
    assert registry.get_node_meta("Temporary") is None
    registry.clear()
    assert not registry.nodes and not registry.edges


def test_fields_of_lists_inherited_fields_first_with_relations():
    class Person(Node):
        name: str = Field(default=None)

    class Employee(Person):
        boss: Person | None = Relation("REPORTS_TO", target="Person")
        salary: int = 0

    assert list(fields_of(Employee)) == ["id", "name", "boss", "salary"]
    assert fields_of(Employee)["name"].owner is Person


def test_redefining_an_edge_class_replaces_it_too():
    namespace: dict = {"Edge": Edge, "__name__": "notebook_cell"}
    exec("class Rates(Edge):\n    score: int = 0\n", namespace)  # noqa: S102 - simulates re-running a notebook cell
    first = namespace["Rates"]
    exec("class Rates(Edge):\n    stars: int = 0\n", namespace)  # noqa: S102
    assert namespace["Rates"] is not first and get_metadata().resolve_edge("RATES") is namespace["Rates"]

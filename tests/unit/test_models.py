"""Declaring models: labels, keys, fields, relations, construction and serialisation."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

import pytest

from runic.ogm import (
    DetachedEntityError,
    Edge,
    EntityState,
    Field,
    FieldValidationError,
    GeoLocation,
    MetadataError,
    Node,
    Relation,
    Vector,
    get_metadata,
    inspect,
)
from runic.ogm.core.metadata import fields_of

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def _isolated_registry():
    registry = get_metadata()
    saved = registry.snapshot()
    yield
    registry.restore(saved)


class Mood(enum.Enum):
    HAPPY = "happy"
    SAD = "sad"


def test_label_defaults_to_class_name_and_type_to_upper_case():
    class Person(Node):
        name: str = Field(default=None)

    class FriendOf(Edge):
        pass

    assert Person.__label__ == "Person"
    assert FriendOf.__type__ == "FRIENDOF"


def test_label_and_type_keywords_and_reference_aliases():
    class A(Node, label="Alpha"):
        pass

    class B(Node):
        _labels = ["Beta", "Extra"]  # noqa: RUF012

    class T(Edge, type="LINKS"):
        pass

    class U(Edge):
        _edge_type = "USES"

    assert A.__label__ == "Alpha"
    assert B.__labels__ == ("Beta", "Extra") and B.__label__ == "Extra"
    assert T.__type__ == "LINKS" and U.__type__ == "USES"
    assert A._labels == ["Alpha"] and A._primary_label == "Alpha" and T._edge_type == "LINKS"


def test_subclass_labels_are_inherited_root_first_and_primary_label_is_the_root():
    class Animal(Node):
        name: str = Field(default=None)

    class Dog(Animal):
        breed: str | None = None

    assert Dog.__labels__ == ("Animal", "Dog")
    assert Dog.__primary_label__ == "Animal"
    assert list(fields_of(Dog)) == ["id", "name", "breed"]


def test_implicit_uuid_key_is_added_when_none_is_declared():
    class Thing(Node):
        pass

    a, b = Thing(), Thing()
    assert isinstance(a.id, str) and len(a.id) == 36 and a.id != b.id
    assert inspect(a).key == a.id


def test_field_named_id_becomes_the_key():
    class Item(Node):
        id: int = Field()

    assert fields_of(Item)["id"].primary_key
    assert inspect(Item(id=7)).key == 7


def test_two_primary_keys_are_refused():
    with pytest.raises(MetadataError, match="two primary keys"):
        class Bad(Node):
            a: str = Field(primary_key=True)
            b: str = Field(primary_key=True)


@pytest.mark.parametrize("name", ["save", "delete", "to_dict", "asave"])
def test_reserved_names_are_refused(name):
    with pytest.raises(MetadataError, match="reserved"):
        type("Bad", (Node,), {"__annotations__": {name: "int"}, name: Field(default=0), "__module__": __name__})


@pytest.mark.parametrize("label", ["has space", "1starts", "semi;colon", "back`tick", "brace}"])
def test_labels_must_be_identifiers(label):
    with pytest.raises(MetadataError, match="not a valid identifier"):
        class Bad(Node, label=label):
            pass


def test_another_class_on_the_same_label_is_refused_but_redefinition_replaces():
    class Person(Node):
        pass

    first = Person

    class Person(Node):
        pass

    assert get_metadata().get_node_meta("Person").model_cls is Person is not first
    with pytest.raises(MetadataError, match="already used"):
        class Other(Node, label="Person"):
            pass


def test_unknown_constructor_argument_suggests_a_name():
    class Person(Node):
        name: str = Field(default=None)

    with pytest.raises(TypeError, match="did you mean 'name'"):
        Person(nme="Ada")


def test_required_field_without_default_must_be_given():
    class Person(Node):
        name: str

    with pytest.raises(TypeError, match="missing required field"):
        Person()
    assert Person(name="Ada").name == "Ada"


def test_bare_annotations_are_fields_and_optional_defaults_to_none():
    class Person(Node):
        nickname: str | None
        score: int = 3

    p = Person()
    assert p.nickname is None and p.score == 3


def test_mutable_defaults_are_copied_per_instance():
    class Person(Node):
        tags: list[str] = Field(default=[])

    a, b = Person(), Person()
    a.tags.append("x")
    assert b.tags == []


def test_values_are_coerced_on_assignment():
    class Place(Node):
        weight: float = 0.0
        mood: Mood | None = None
        where: GeoLocation | None = None
        emb: Vector | None = Field(default=None, vector=True, dimension=2)

    p = Place(weight=3, mood="happy", where=(1.5, 2.5), emb=[1, 2])
    assert p.weight == 3.0 and isinstance(p.weight, float)
    assert p.mood is Mood.HAPPY
    assert p.where == GeoLocation(1.5, 2.5)
    assert isinstance(p.emb, Vector) and p.emb == [1.0, 2.0]


def test_validation_errors_name_model_field_value_and_rule():
    class Person(Node):
        age: int = Field(default=0, min_value=0, max_value=150)
        code: str | None = Field(default=None, pattern=r"[A-Z]{3}")

    p = Person()
    with pytest.raises(FieldValidationError) as err:
        p.age = "forty"
    assert (err.value.model, err.value.field, err.value.value, err.value.rule) == (Person, "age", "forty", "type")
    assert "Person.age = 'forty' (str): expected int" in str(err.value)
    with pytest.raises(FieldValidationError, match="at most 150"):
        p.age = 200
    with pytest.raises(FieldValidationError) as err:
        p.code = "abc"
    assert err.value.rule == "pattern"
    with pytest.raises(FieldValidationError):
        p.age = True  # bool is not an int


def test_vector_length_must_match_dimension():
    class Doc(Node):
        emb: Vector | None = Field(default=None, vector=True, dimension=3)

    with pytest.raises(FieldValidationError) as err:
        Doc(emb=[1.0, 2.0])
    assert err.value.rule == "dimension"


def test_to_dict_modes():
    class Event(Node):
        at: datetime | None = None
        mood: Mood | None = None
        note: str | None = None

    when = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    e = Event(at=when, mood=Mood.SAD)
    assert e.to_dict()["at"] == when
    assert e.to_dict(mode="db")["at"] == when.isoformat()
    assert e.to_dict(mode="json")["mood"] == "sad"
    assert "note" not in e.to_dict(exclude_none=True)


def test_to_dict_with_relations_includes_loaded_ones_one_level():
    class Person(Node):
        name: str = Field(default=None)
        friends: list[Person] = Relation("FRIEND_OF", target="Person")

    a, b = Person(name="a"), Person(name="b")
    a.friends = [b]
    data = a.to_dict(relations=True)
    assert data["friends"] == [b.to_dict()]
    assert "friends" not in a.to_dict()


def test_relation_target_resolves_from_string_and_annotation():
    class Person(Node):
        friends: list[Person] = Relation("FRIEND_OF", direction="BOTH")
        boss: Person | None = Relation("REPORTS_TO", target="Person")

    info = fields_of(Person)
    assert info["friends"].target_model is Person and info["friends"].is_collection
    assert info["friends"].direction == "both"
    assert info["boss"].target_model is Person and not info["boss"].is_collection


def test_unresolvable_relation_target_suggests_a_model():
    class Person(Node):
        pets: list["Pet"] = Relation("OWNS", target="Persn")  # noqa: F821, UP037

    with pytest.raises(MetadataError, match="did you mean 'Person'"):
        _ = fields_of(Person)["pets"].target_model


def test_index_keywords_normalise_and_conflicts_are_refused():
    class Doc(Node):
        a: str = Field(default=None, index=True)
        b: str = Field(default=None, index_type="UNIQUE")
        c: str = Field(default=None, index_type="FULLTEXT")
        d: Vector | None = Field(default=None, index_type="vector", dimension=4)

    info = fields_of(Doc)
    assert (info["a"].index_type, info["a"].unique) == ("exact", False)
    assert (info["b"].index_type, info["b"].unique) == ("exact", True)
    assert info["c"].index_type == "fulltext"
    assert (info["d"].index_type, info["d"].similarity, info["d"].db_type) == ("vector", "cosine", "vector")
    with pytest.raises(MetadataError, match="several index kinds"):
        class Bad(Node):
            x: str = Field(default=None, index=True, fulltext=True)
    with pytest.raises(MetadataError, match="vector fields only"):
        class Bad2(Node):
            x: str = Field(default=None, dimension=3)
    with pytest.raises(MetadataError, match="index option"):
        class Bad3(Node):
            x: list[Bad3] = Relation("R", target="Bad3", index=True)


def test_edge_endpoints_are_not_properties_and_are_fixed_when_stored():
    class P(Node):
        pass

    class Knows(Edge):
        source: P
        target: P
        since: int = 0

    a, b = P(), P()
    k = Knows(source=a, target=b, since=2)
    assert "source" not in fields_of(Knows)
    assert k.source is a and k.to_dict()["target"] == b.id
    inspect(k).state = EntityState.PERSISTENT
    with pytest.raises(ValueError, match="cannot change"):
        k.target = a
    with pytest.raises(MetadataError, match="endpoint"):
        class Bad(Edge):
            source: str = Field(default=None)


def test_save_without_session_explains_both_fixes():
    class Person(Node):
        name: str = Field(default=None)

    with pytest.raises(DetachedEntityError) as err:
        Person(name="Ada").save()
    assert "session.add(obj)" in str(err.value) and "with Session(driver)" in str(err.value)


def test_delete_of_a_transient_entity_is_refused():
    class Person(Node):
        pass

    with pytest.raises(DetachedEntityError, match="never saved"):
        Person().delete()


def test_class_access_gives_the_descriptor_and_instance_access_the_value():
    class Person(Node):
        age: int = 5

    assert Person.age.field_name == "age" and Person.age.field_info.default == 5
    assert Person().age == 5
    assert isinstance(hash(Person.age), int)


def test_repr_is_constructor_like_and_bounded():
    class Person(Node):
        name: str = Field(default=None)

    p = Person(name="x" * 500)
    text = repr(p)
    assert text.startswith("Person(id=") and len(text) < 200


def test_abstract_mixins_carry_fields_without_a_label():
    class Timestamped(Node):
        __abstract__ = True
        created: int = 0

    class Post(Timestamped):
        title: str = Field(default=None)

    assert "created" in fields_of(Post) and Post.__labels__ == ("Post",)
    assert get_metadata().get_node_meta("Timestamped") is None
    with pytest.raises(TypeError, match="abstract"):
        Timestamped()


def test_save_and_delete_are_shared_by_edges():
    class Knows(Edge):
        pass

    with pytest.raises(DetachedEntityError, match="not attached to a session"):
        Knows().save()
    with pytest.raises(DetachedEntityError, match="never saved"):
        Knows().delete()


def test_loaded_entities_can_be_built_without_validation():
    class Person(Node):
        age: int = Field(default=0, min_value=0)

    p = Person._from_db_values({"id": "k", "age": -5})
    assert p.age == -5 and inspect(p).state is EntityState.TRANSIENT and inspect(p).key == "k"

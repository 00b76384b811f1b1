"""FieldDescriptor and FieldInfo: class vs instance access, coercion, expressions, lazy loads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

import pytest

from runic.ogm import (
    Field,
    FieldDescriptor,
    FieldInfo,
    FieldValidationError,
    GeoLocation,
    LazyLoadError,
    MetadataError,
    Node,
    Relation,
    Vector,
    get_metadata,
    inspect,
)
from runic.ogm.core.descriptors import MISSING
from runic.ogm.core.types import DatetimeConverter, VectorConverter
from runic.ogm.query.expressions import FilterExpr, OrderExpr

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def _isolated_registry():
    registry = get_metadata()
    saved = registry.snapshot()
    yield
    registry.restore(saved)


def test_field_and_relation_return_descriptors_bound_to_their_owner():
    class Person(Node):
        name: str = Field(default=None)
        friends: list[Person] = Relation("FRIEND_OF", target="Person")

    assert isinstance(Person.name, FieldDescriptor) and isinstance(Person.friends, FieldDescriptor)
    assert Person.name.field_name == Person.name.name == "name"
    assert Person.name.owner is Person and Person.name.field_info.owner is Person
    assert isinstance(Person.name.field_info, FieldInfo) and not Person.name.field_info.is_relation
    assert Person.friends.field_info.is_relation and Person.friends.relationship == "FRIEND_OF"
    assert Person.__fields__["friends"] is Person.friends


def test_field_info_exposes_normalised_options():
    class Doc(Node):
        title: str | None = Field(default=None, fulltext=True, description="the title")
        score: int = Field(default=0, index_type="RANGE")
        tags: list[str] = Field(default_factory=list)
        embedding: Vector | None = Field(default=None, vector=True, dimension=3, similarity="EUCLIDEAN")

    title, score, tags, emb = (Doc.__fields__[n].field_info for n in ("title", "score", "tags", "embedding"))
    assert title.index_type == "fulltext" and title.python_type is str and title.description == "the title"
    assert score.index_type == "exact" and score.index and score.unique is False and score.has_default
    assert tags.is_collection and tags.get_default() == [] and tags.get_default() is not tags.get_default()
    assert emb.index_type == "vector" and emb.similarity == "euclidean" and emb.dimension == 3
    assert isinstance(emb.converter, VectorConverter) and emb.db_type == "vector"
    assert title.field is title and title.annotation == "str | None"


def test_field_without_default_has_no_default():
    info = Field().field_info
    assert info.default is MISSING and not info.has_default and info.get_default() is None


def test_to_db_and_from_db_apply_the_converter_and_pass_none_through():
    class Event(Node):
        at: datetime | None = None

    info = Event.__fields__["at"].field_info
    moment = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert isinstance(info.converter, DatetimeConverter)
    assert info.to_db(moment) == "2024-05-01T12:00:00+00:00"
    assert info.from_db("2024-05-01T12:00:00+00:00") == moment
    assert info.to_db(None) is None and info.from_db(None) is None


def test_set_coerces_validates_and_stores_in_instance_dict():
    class Place(Node):
        ratio: float = 0.0
        where: GeoLocation | None = None
        kind: Literal["city", "town"] = "city"

    p = Place()
    p.ratio = 2
    p.where = (52.5, 13.4)
    assert p.__dict__["ratio"] == 2.0 and isinstance(p.__dict__["ratio"], float)
    assert p.__dict__["where"] == GeoLocation(52.5, 13.4)
    p.ratio = None
    assert p.ratio is None
    with pytest.raises(FieldValidationError, match="expected one of"):
        p.kind = "village"


def test_setting_the_primary_key_sets_the_state_key():
    class Person(Node):
        email: str = Field(primary_key=True)

    p = Person(email="a@x.org")
    assert inspect(p).key == "a@x.org"
    p.email = "b@x.org"
    assert inspect(p).key == "b@x.org"


def test_comparison_operators_build_filter_expressions():
    class Person(Node):
        age: int = 0
        name: str | None = None

    assert isinstance(Person.age > 30, FilterExpr)
    for expr, op in [
        (Person.age == 1, "="), (Person.age != 1, "<>"), (Person.age < 1, "<"), (Person.age <= 1, "<="),
        (Person.age >= 1, ">="), (Person.name.contains("a"), "CONTAINS"), (Person.name.startswith("a"), "STARTS WITH"),
        (Person.name.endswith("a"), "ENDS WITH"), (Person.name.matches("A.*"), "=~"), (Person.age.in_([1]), "IN"),
        (Person.age.not_in_([1]), "NOT IN"), (Person.name.is_null(), "IS NULL"), (Person.name.is_not_null(), "IS NOT NULL"),
    ]:
        assert isinstance(expr, FilterExpr) and expr.operator == op and expr.field == Person.__fields__[expr.field].field_name


def test_ordering_helpers_build_order_expressions():
    class Person(Node):
        age: int = 0

    assert isinstance(Person.age.asc(), OrderExpr) and Person.age.asc().direction == "ASC"
    assert Person.age.desc().direction == "DESC"


def test_descriptors_stay_hashable_by_identity():
    class Person(Node):
        age: int = 0
        size: int = 0

    table = {Person.age: "a", Person.size: "s"}
    assert table[Person.age] == "a" and table[Person.size] == "s"


def test_unloaded_relation_of_a_detached_entity_raises_lazy_load_error():
    class Person(Node):
        friends: list[Person] = Relation("FRIEND_OF", target="Person")

    p = Person._from_db_values({"id": "k1"})
    with pytest.raises(LazyLoadError) as err:
        _ = p.friends
    assert err.value.reason == "detached" and "fetch" in str(err.value)


def test_unloaded_relation_with_closed_or_async_session_names_the_reason():
    class Person(Node):
        friends: list[Person] = Relation("FRIEND_OF", target="Person")

    class ClosedSession:
        is_closed = True

    class OtherSession:
        is_closed = False

    p = Person._from_db_values({"id": "k1"})
    inspect(p).session = ClosedSession()
    with pytest.raises(LazyLoadError) as err:
        _ = p.friends
    assert err.value.reason == "closed"
    inspect(p).session = OtherSession()
    with pytest.raises(LazyLoadError) as err:
        _ = p.friends
    assert err.value.reason == "async" and "load_relationship" in str(err.value)


def test_relations_of_new_entities_start_loaded_and_assignments_replace_them():
    class Person(Node):
        friends: list[Person] = Relation("FRIEND_OF", target="Person")
        best: Person | None = Relation("BEST", target="Person")

    a, b = Person(), Person()
    assert a.friends == [] and a.best is None
    a.friends = (b,)
    assert a.friends == [b] and "friends" in inspect(a).loaded_relations


def test_relation_type_comes_from_relationship_or_edge_model():
    from runic.ogm import Edge

    class Knows(Edge):
        since: int = 0

    class Person(Node):
        a: list[Person] = Relation(relationship="LIKES", target="Person")
        b: list[Person] = Relation(edge_model=Knows, target="Person", direction="INCOMING")

    assert Person.a.field_info.relation_type == "LIKES"
    assert Person.b.field_info.relation_type == "KNOWS" and Person.b.field_info.direction == "incoming"
    with pytest.raises(MetadataError, match="two types"):
        Relation("A", relationship="B")
    with pytest.raises(MetadataError, match="relationship type"):
        class Bad(Node):
            c: list[Person] = Relation(target="Person")


def test_index_options_on_a_relation_are_refused():
    with pytest.raises(MetadataError, match="index options"):
        Relation("FRIEND_OF", index=True)


def test_default_and_default_factory_together_are_refused():
    with pytest.raises(MetadataError, match="default_factory"):
        class Bad(Node):
            tags: list[str] = Field(default=[], default_factory=list)


def test_fields_cannot_be_deleted():
    class Person(Node):
        age: int = 0

    with pytest.raises(AttributeError, match="assign None"):
        del Person().age


def test_positional_fields_are_not_supported():
    with pytest.raises(MetadataError, match="keyword-only"):
        Field(kw_only=False)


def test_descriptor_repr_names_owner_field_and_description():
    class Person(Node):
        name: str | None = Field(default=None, description="full name")
        friends: list["Person"] = Relation("FRIEND_OF", target="Person")

    assert repr(Person.name) == "<Field Person.name: full name>"
    assert repr(Person.friends) == "<Relation Person.friends>"


def test_init_false_fields_are_not_constructor_arguments():
    class Person(Node):
        score: int = Field(default=7, init=False)

    assert Person().score == 7
    with pytest.raises(TypeError, match="unexpected field 'score'"):
        Person(score=1)


def test_bare_collection_annotations_declare_collections():
    from runic.ogm import Field, Node, Relation

    class BcPerson(Node):
        name: str = Field(primary_key=True)
        friends: list = Relation("BC_KNOWS", target="BcPerson")
        fans: set = Relation("BC_KNOWS", target="BcPerson", direction="incoming")
        links: tuple = Relation("BC_LINK")
        tags: list = Field(default_factory=list)
        flags: set | None = Field(default=None)

    infos = {name: BcPerson.__dict__[name].field_info for name in ("friends", "fans", "links", "tags", "flags")}
    assert {name: info.is_collection for name, info in infos.items()} == dict.fromkeys(infos, True)
    assert infos["friends"].target_model is BcPerson and infos["links"].target_model is None
    person = BcPerson(name="x")
    assert person.friends == [] and person.links == [] and person.tags == []

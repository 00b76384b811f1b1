"""Assignment checks: types, coercions and declared constraints."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Literal

import pytest

from runic.ogm import Field, FieldValidationError, GeoLocation, Node, Vector, get_metadata

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def _isolated_registry():
    registry = get_metadata()
    saved = registry.snapshot()
    yield
    registry.restore(saved)


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@pytest.fixture
def Person():
    class Person(Node):
        name: str | None = None
        age: int | None = None
        height: float | None = None
        active: bool | None = None
        born: datetime | None = None
        colour: Colour | None = None
        tags: list[str] = Field(default_factory=list)
        kind: Literal["a", "b"] | None = None
        home: GeoLocation | None = None
        emb: Vector | None = Field(default=None, vector=True, dimension=2)

    return Person


def test_type_mismatch_message_names_model_field_value_and_fix(Person):
    with pytest.raises(FieldValidationError) as err:
        Person(age="forty")
    assert str(err.value) == "Person.age = 'forty' (str): expected int — pass an int or change the annotation"
    assert err.value.model is Person and err.value.field == "age" and err.value.value == "forty" and err.value.rule == "type"
    assert isinstance(err.value, ValueError)


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", 3), ("age", True), ("age", 1.5), ("height", "tall"), ("active", 1), ("born", "2024-01-01"),
     ("colour", "green"), ("tags", "abc"), ("tags", [1]), ("kind", "c"), ("home", (100, 0)), ("emb", [1.0, 2.0, 3.0])],
)
def test_each_checked_type_refuses_a_wrong_value(Person, field, value):
    with pytest.raises(FieldValidationError) as err:
        Person(**{field: value})
    assert err.value.field == field


def test_accepted_values_are_coerced_to_the_annotation(Person):
    p = Person(height=2, colour="red", home={"latitude": 1, "longitude": 2}, emb=(0.5, 1), tags=("x", "y"))
    assert p.height == 2.0 and isinstance(p.height, float)
    assert p.colour is Colour.RED
    assert p.home == GeoLocation(1.0, 2.0)
    assert isinstance(p.emb, Vector) and p.emb == [0.5, 1.0] and p.emb.dimensions == 2
    assert p.tags == ["x", "y"]
    p.born = datetime(2024, 1, 1, tzinfo=UTC)
    p.active = False
    assert p.active is False


def test_none_is_always_allowed_on_assignment(Person):
    p = Person(age=3)
    p.age = None
    assert p.age is None


def test_numeric_and_length_constraints():
    class Rating(Node):
        score: int = Field(default=0, min_value=0, max_value=5)
        code: str = Field(default="ab", min_length=2, max_length=3)

    Rating(score=5, code="abc")
    for kwargs, rule in [({"score": -1}, "min_value"), ({"score": 6}, "max_value"), ({"code": "a"}, "min_length"), ({"code": "abcd"}, "max_length")]:
        with pytest.raises(FieldValidationError) as err:
            Rating(**kwargs)
        assert err.value.rule == rule


def test_pattern_choices_and_validator_constraints():
    def shout(value: str) -> str:
        if not value.isupper():
            raise ValueError("must be upper case")
        return value + "!"

    class Account(Node):
        email: str = Field(default="a@b.c", pattern=r"[^@]+@[^@]+")
        plan: str = Field(default="free", choices=["free", "pro"])
        motto: str | None = Field(default=None, validator=shout)

    assert Account(motto="HI").motto == "HI!"
    with pytest.raises(FieldValidationError, match="does not match") as err:
        Account(email="nope")
    assert err.value.rule == "pattern"
    with pytest.raises(FieldValidationError, match="one of") as err:
        Account(plan="gold")
    assert err.value.rule == "choices"
    with pytest.raises(FieldValidationError, match="must be upper case") as err:
        Account(motto="hi")
    assert err.value.rule == "validator"


def test_long_values_are_shortened_in_messages():
    class Note(Node):
        n: int = 0

    with pytest.raises(FieldValidationError) as err:
        Note(n="x" * 1000)
    assert len(str(err.value)) < 200

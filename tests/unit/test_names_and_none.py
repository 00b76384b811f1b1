"""Identifiers with control characters or lone surrogates are refused with a clear error;
converters pass ``None`` (an absent value) through."""

from __future__ import annotations

import enum

import pytest

from runic.cypher import escape_identifier
from runic.ogm.core.types import DatetimeConverter, EnumConverter, TypeConverter

pytestmark = [pytest.mark.unit]


@pytest.mark.parametrize("name", ["a\x00b", "line\nbreak", "tab\there", "bell\x07", "del\x7f", "c1\x85", "\ud800", "x\udfff"])
def test_escape_identifier_refuses_control_characters_and_lone_surrogates(name):
    with pytest.raises(ValueError, match="control character|lone surrogate") as err:
        escape_identifier(name)
    assert "remove it" in str(err.value)


@pytest.mark.parametrize("name", ["plain", "with space", "back`tick", "émoji 🐍", "@rid", "-dash"])
def test_escape_identifier_quotes_printable_names(name):
    assert escape_identifier(name) == "`" + name.replace("`", "``") + "`"


class Colour(enum.Enum):
    RED = "red"


def test_converters_pass_none_through():
    assert DatetimeConverter().to_db(None) is None
    assert EnumConverter(Colour).to_db(None) is None
    assert EnumConverter(Colour).to_db(Colour.RED) == "red"


def test_user_converters_pass_none_through_too():
    class Upper(TypeConverter):
        def to_db(self, value):
            return value.upper()

        def from_db(self, value):
            return value.lower()

    assert Upper().to_db(None) is None
    assert Upper().to_db("a") == "A"

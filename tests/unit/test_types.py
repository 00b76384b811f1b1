"""Converters and the types behind them."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta, timezone

import pytest

from runic.ogm.core.types import (
    DatetimeConverter,
    EnumConverter,
    GeoLocation,
    GeoLocationConverter,
    TypeConverter,
    Vector,
    VectorConverter,
    converter_for,
)

pytestmark = pytest.mark.unit


class Color(enum.Enum):
    RED = "red"


def test_datetime_round_trips_with_its_offset():
    conv = DatetimeConverter()
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    assert conv.from_db(conv.to_db(when)) == when
    assert conv.to_db(when) == "2024-01-02T03:04:05+02:00"


def test_enum_converter_stores_the_value():
    conv = EnumConverter(Color)
    assert conv.to_db(Color.RED) == "red" and conv.from_db("red") is Color.RED
    with pytest.raises(ValueError):
        conv.from_db("blue")


def test_vector_accepts_array_likes_and_checks_dimensions():
    class ArrayLike:
        def tolist(self):
            return [1, 2, 3]

    v = Vector(ArrayLike())
    assert v == [1.0, 2.0, 3.0] and v.values == [1.0, 2.0, 3.0]
    assert VectorConverter().from_db([0.5]) == Vector([0.5])
    with pytest.raises(ValueError):
        Vector([1.0], dimensions=2)


def test_geolocation_is_range_checked_and_converts_to_a_dict():
    with pytest.raises(ValueError, match="latitude"):
        GeoLocation(91, 0)
    conv = GeoLocationConverter()
    assert conv.to_db(GeoLocation(1, 2)) == {"latitude": 1.0, "longitude": 2.0}
    assert conv.from_db({"latitude": 1, "longitude": 2}) == GeoLocation(1.0, 2.0)


def test_reference_to_graph_from_graph_pair_is_enough():
    class Upper(TypeConverter):
        def to_graph(self, value):
            return value.upper()

        def from_graph(self, value):
            return value.lower()

    assert Upper().to_db("a") == "A" and Upper().from_db("A") == "a"


def test_converter_without_methods_says_what_to_implement():
    class Empty(TypeConverter):
        pass

    with pytest.raises(TypeError, match="to_db"):
        Empty().to_db(1)


def test_automatic_converters_follow_the_annotation():
    assert isinstance(converter_for(datetime | None), DatetimeConverter)
    assert isinstance(converter_for(Color), EnumConverter)
    assert isinstance(converter_for(Vector), VectorConverter)
    assert isinstance(converter_for(GeoLocation | None), GeoLocationConverter)
    assert converter_for(int) is None and converter_for(str | None) is None


def test_datetime_from_epoch_seconds_is_utc():
    from datetime import UTC, datetime

    from runic.ogm.core.types import DatetimeConverter

    assert DatetimeConverter().from_db(0) == datetime(1970, 1, 1, tzinfo=UTC)


def test_converters_expose_db_type_and_cypher_fn():
    from runic.ogm.core.types import GeoLocationConverter, TypeConverter, VectorConverter

    assert VectorConverter.db_type == "vector" and VectorConverter.cypher_fn == "vecf32"
    assert GeoLocationConverter.db_type == "point"
    assert TypeConverter.db_type is None and TypeConverter.cypher_fn is None

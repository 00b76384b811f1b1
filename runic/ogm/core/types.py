"""Type converters: how a field's Python value is stored in the graph and read back.

Converters are never given ``None`` (``None`` means the property is absent).
Automatic converters exist for ``datetime`` (and ``pandas.Timestamp``), ``date``, ``time``,
``timedelta``, ``Decimal``, ``bytes``, ``dict``, ``numpy.ndarray``, ``Enum``, ``Vector`` and
``GeoLocation`` (``X | None`` is unwrapped): each stores a form every backend keeps exactly
(docs/type-fidelity.md); other values pass through unchanged.
"""

from __future__ import annotations

import base64
import enum
import json
import math
import types as _pytypes
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

__all__ = [
    "ArrayConverter",
    "BytesConverter",
    "DateConverter",
    "DatetimeConverter",
    "DecimalConverter",
    "EnumConverter",
    "GeoLocation",
    "GeoLocationConverter",
    "JsonConverter",
    "TimeConverter",
    "TimedeltaConverter",
    "TypeConverter",
    "Vector",
    "VectorConverter",
    "converter_for",
    "is_missing",
    "is_numpy_temporal",
    "unwrap_optional",
]


class TypeConverter:
    """Base class of field converters.

    Implement ``to_db``/``from_db``, or the reference spelling ``to_graph``/``from_graph``:
    the other pair is derived. ``cypher_fn`` names a Cypher function that wraps the
    parameter (``vecf32``); ``db_type`` (``"vector"``/``"point"``) lets the dialect wrap it.
    """

    cypher_fn: str | None = None
    db_type: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # ``to_db(None)`` is ``None`` for every converter: an absent value stays absent
        super().__init_subclass__(**kwargs)
        to_db = cls.__dict__.get("to_db")
        if to_db is not None and not getattr(to_db, "_passes_none", False):
            cls.to_db = _passing_none(to_db)

    def to_db(self, value: Any) -> Any:
        if type(self).to_graph is not TypeConverter.to_graph:
            return self.to_graph(value)
        raise TypeError(f"{type(self).__name__} must implement to_db(value) (or to_graph)")

    def from_db(self, value: Any) -> Any:
        if type(self).from_graph is not TypeConverter.from_graph:
            return self.from_graph(value)
        raise TypeError(f"{type(self).__name__} must implement from_db(value) (or from_graph)")

    def to_graph(self, value: Any) -> Any:
        return self.to_db(value)

    def from_graph(self, value: Any) -> Any:
        return self.from_db(value)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _passing_none(to_db: Any) -> Any:
    def passing_none(self: TypeConverter, value: Any, *args: Any, **kwargs: Any) -> Any:
        return None if value is None else to_db(self, value, *args, **kwargs)

    passing_none.__name__ = passing_none.__qualname__ = "to_db"
    passing_none.__doc__ = to_db.__doc__
    passing_none._passes_none = True  # type: ignore[attr-defined]
    return passing_none


class DatetimeConverter(TypeConverter):
    """``datetime`` ↔ ISO-8601 text (the offset is kept; prefer UTC).

    ``DatetimeConverter(pandas.Timestamp)`` reads values back as that class (nanoseconds kept).
    """

    def __init__(self, cls: type | None = None) -> None:
        self.cls = cls if cls is not None and cls is not datetime else None

    def to_db(self, value: Any) -> str:
        if isinstance(value, str):
            return datetime.fromisoformat(value).isoformat()
        if isinstance(value, date) and not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)
        return value.isoformat()

    def from_db(self, value: Any) -> datetime:
        if self.cls is not None:
            return self.cls(value.isoformat() if isinstance(value, datetime) else value)
        if isinstance(value, datetime):
            return value
        if hasattr(value, "to_native"):  # driver temporal types
            return value.to_native()
        if isinstance(value, (int, float)):
            return datetime.fromtimestamp(value, tz=UTC)
        return datetime.fromisoformat(str(value))


class DateConverter(TypeConverter):
    """``date`` ↔ ISO-8601 text (``2024-01-02``)."""

    def to_db(self, value: Any) -> str:
        if isinstance(value, datetime):
            value = value.date()
        return value.isoformat() if isinstance(value, date) else date.fromisoformat(str(value)).isoformat()

    def from_db(self, value: Any) -> date:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if hasattr(value, "to_native"):
            return value.to_native()
        return date.fromisoformat(str(value))


class TimeConverter(TypeConverter):
    """``time`` ↔ ISO-8601 text (``03:04:05.000001``, the offset kept when there is one)."""

    def to_db(self, value: Any) -> str:
        return value.isoformat() if isinstance(value, time) else time.fromisoformat(str(value)).isoformat()

    def from_db(self, value: Any) -> time:
        if isinstance(value, time):
            return value
        if hasattr(value, "to_native"):
            return value.to_native()
        return time.fromisoformat(str(value))


class TimedeltaConverter(TypeConverter):
    """``timedelta`` ↔ whole microseconds (an int, exact, sortable in Cypher)."""

    def to_db(self, value: Any) -> int:
        return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds

    def from_db(self, value: Any) -> timedelta:
        if isinstance(value, timedelta):
            return value
        return timedelta(microseconds=int(value))


class DecimalConverter(TypeConverter):
    """``Decimal`` ↔ its text (every digit kept; no backend keeps a decimal number exactly)."""

    def to_db(self, value: Any) -> str:
        return str(value if isinstance(value, Decimal) else Decimal(value))

    def from_db(self, value: Any) -> Decimal:
        return value if isinstance(value, Decimal) else Decimal(str(value))


class BytesConverter(TypeConverter):
    """``bytes`` ↔ base64 text (FalkorDB and Apache AGE keep no bytes)."""

    def to_db(self, value: Any) -> str:
        return base64.b64encode(bytes(value)).decode("ascii")

    def from_db(self, value: Any) -> bytes:
        if isinstance(value, (bytes, bytearray)):
            return bytes(value)
        return base64.b64decode(value)


class JsonConverter(TypeConverter):
    """``dict`` ↔ JSON text (FalkorDB, ArcadeDB and Neo4j keep no maps as property values).

    Keys must be strings and values JSON-able (tuples come back as lists).
    """

    def to_db(self, value: Any) -> str:
        try:
            return json.dumps(value, ensure_ascii=False, sort_keys=False)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"a dict field holds a value JSON cannot carry ({exc}) — keep str keys and "
                "str/int/float/bool/None/list/dict values, or declare the field with its own converter"
            ) from None

    def from_db(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value


class ArrayConverter(TypeConverter):
    """``numpy.ndarray`` ↔ list (nested for more dimensions); read back with ``numpy.asarray``."""

    def to_db(self, value: Any) -> list[Any]:
        return value.tolist() if hasattr(value, "tolist") else list(value)

    def from_db(self, value: Any) -> Any:
        import numpy

        return numpy.asarray(value)


class EnumConverter(TypeConverter):
    """``Enum`` member ↔ its ``.value``."""

    def __init__(self, enum_cls: type[enum.Enum]) -> None:
        self.enum_cls = enum_cls

    def to_db(self, value: Any) -> Any:
        if isinstance(value, self.enum_cls):
            return value.value
        return self.enum_cls(value).value

    def from_db(self, value: Any) -> enum.Enum:
        return self.enum_cls(value)

    def __repr__(self) -> str:
        return f"EnumConverter({self.enum_cls.__name__})"


class Vector(list):
    """An embedding: a list of floats with an optional expected length.

    ``Vector([0.1, 0.2])``, ``Vector(values=[...], dimensions=384)``; array-likes with
    ``tolist()`` (numpy) are accepted.
    """

    def __init__(self, values: Iterable[float] = (), dimensions: int | None = None) -> None:
        if hasattr(values, "tolist"):
            values = values.tolist()
        floats = [float(v) for v in values]
        super().__init__(floats)
        self.dimensions = dimensions
        if dimensions is not None and len(floats) != dimensions:
            raise ValueError(f"Vector has {len(floats)} values, expected {dimensions}")

    @property
    def values(self) -> list[float]:
        return list(self)

    def __repr__(self) -> str:
        shown = ", ".join(f"{v:g}" for v in self[:6])
        more = ", …" if len(self) > 6 else ""
        return f"Vector([{shown}{more}], dimensions={len(self)})"


class VectorConverter(TypeConverter):
    """``Vector`` ↔ ``list[float]``."""

    db_type = "vector"
    cypher_fn = "vecf32"

    def to_db(self, value: Any) -> list[float]:
        if hasattr(value, "tolist"):
            value = value.tolist()
        return [float(v) for v in value]

    def from_db(self, value: Any) -> Vector:
        return Vector(value)


@dataclass(frozen=True)
class GeoLocation:
    """A point on Earth: ``latitude`` in [-90, 90], ``longitude`` in [-180, 180]."""

    latitude: float
    longitude: float

    def __post_init__(self) -> None:
        lat, lon = float(self.latitude), float(self.longitude)
        if math.isnan(lat) or not -90.0 <= lat <= 90.0:
            raise ValueError(f"latitude {self.latitude!r} is outside [-90, 90]")
        if math.isnan(lon) or not -180.0 <= lon <= 180.0:
            raise ValueError(f"longitude {self.longitude!r} is outside [-180, 180]")
        object.__setattr__(self, "latitude", lat)
        object.__setattr__(self, "longitude", lon)

    @classmethod
    def coerce(cls, value: Any) -> GeoLocation:
        if isinstance(value, GeoLocation):
            return value
        if isinstance(value, dict):
            lat = value.get("latitude", value.get("lat", value.get("y")))
            lon = value.get("longitude", value.get("lon", value.get("lng", value.get("x"))))
            if lat is None or lon is None:
                raise ValueError(f"{value!r} needs 'latitude' and 'longitude'")
            return cls(lat, lon)
        if isinstance(value, (tuple, list)) and len(value) == 2:
            return cls(value[0], value[1])
        if hasattr(value, "latitude") and hasattr(value, "longitude"):
            return cls(value.latitude, value.longitude)
        if hasattr(value, "y") and hasattr(value, "x"):  # driver point types
            return cls(value.y, value.x)
        raise TypeError(f"cannot read a GeoLocation from {type(value).__name__}")


class GeoLocationConverter(TypeConverter):
    """``GeoLocation`` ↔ ``{"latitude": ..., "longitude": ...}``."""

    db_type = "point"
    cypher_fn = "point"

    def to_db(self, value: Any) -> dict[str, float]:
        loc = GeoLocation.coerce(value)
        return {"latitude": loc.latitude, "longitude": loc.longitude}

    def from_db(self, value: Any) -> GeoLocation:
        return GeoLocation.coerce(value)


def is_missing(value: Any) -> bool:
    """``pandas.NA`` / ``pandas.NaT``: markers of a missing value, stored as ``None``."""
    kind = type(value)
    return kind.__name__ in ("NAType", "NaTType") and kind.__module__.startswith("pandas")


def is_numpy_temporal(value: Any) -> bool:
    """A numpy ``datetime64``/``timedelta64`` scalar or array (``tolist()`` would give bare ints)."""
    return getattr(getattr(value, "dtype", None), "kind", "") in ("m", "M") and type(value).__module__ == "numpy"


def unwrap_optional(annotation: Any) -> Any:
    """``X | None`` / ``Optional[X]`` → ``X``; anything else unchanged."""
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is _pytypes.UnionType:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def converter_for(annotation: Any) -> TypeConverter | None:
    """The automatic converter for an annotation, or ``None`` when values pass through."""
    tp = unwrap_optional(annotation)
    if isinstance(tp, type):
        if issubclass(tp, Vector):
            return VectorConverter()
        if issubclass(tp, GeoLocation):
            return GeoLocationConverter()
        if issubclass(tp, enum.Enum):
            return EnumConverter(tp)
        if issubclass(tp, datetime):
            return DatetimeConverter(tp)
        if issubclass(tp, date):
            return DateConverter()
        if issubclass(tp, time):
            return TimeConverter()
        if issubclass(tp, timedelta):
            return TimedeltaConverter()
        if issubclass(tp, Decimal):
            return DecimalConverter()
        if issubclass(tp, (bytes, bytearray)):
            return BytesConverter()
        if tp is dict:
            return JsonConverter()
        if tp.__name__ == "ndarray" and tp.__module__ == "numpy":
            return ArrayConverter()
    elif typing.get_origin(tp) is dict:
        return JsonConverter()
    return None

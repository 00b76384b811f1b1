"""Field value checks: type coercion and declared constraints.

``check_value(info, value)`` returns the value to store (coerced where the annotation
allows: int → float, tuple/dict → GeoLocation, sequence → Vector, value → Enum member,
a numpy scalar → the int/float/bool it holds; ``pandas.NA``/``NaT`` → ``None``)
or raises ``FieldValidationError`` naming the model, field, value and rule.
"""

from __future__ import annotations

import enum
import re
import typing
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from runic.ogm.exceptions import FieldValidationError

from .types import GeoLocation, Vector, is_missing, unwrap_optional

if TYPE_CHECKING:  # pragma: no cover
    from .descriptors import FieldInfo

__all__ = ["check_value", "short_repr"]

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def short_repr(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _where(info: FieldInfo) -> str:
    owner = getattr(info.owner, "__name__", "?")
    return f"{owner}.{info.name}"


def _fail(info: FieldInfo, value: Any, rule: str, expected: str, fix: str) -> FieldValidationError:
    return FieldValidationError(
        f"{_where(info)} = {short_repr(value)} ({type(value).__name__}): {expected}",
        hint=fix,
        model=info.owner,
        field=info.name,
        value=value,
        rule=rule,
    )


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or str(tp).replace("typing.", "")


def _coerce_type(info: FieldInfo, tp: Any, value: Any) -> Any:
    """Check ``value`` against ``tp``; return the (possibly coerced) value."""
    if tp is None or tp is Any or tp is object:
        return value
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        choices = typing.get_args(tp)
        if value not in choices:
            raise _fail(info, value, "type", f"expected one of {list(choices)}", "pass one of the listed values")
        return value
    if origin in (list, tuple, set, frozenset) or tp in (list, tuple, set, frozenset):
        container = origin or tp
        if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
            raise _fail(info, value, "type", f"expected {_type_name(tp)}", f"pass a {container.__name__}")
        args = typing.get_args(tp)
        items = list(value)
        if args and container is list:
            items = [_coerce_type(info, args[0], item) for item in items]
        return items if container is list else container(items)
    if origin is dict or tp is dict:
        if not isinstance(value, dict):
            raise _fail(info, value, "type", "expected dict", "pass a dict")
        return value
    if origin in (typing.Union,) or type(tp).__name__ == "UnionType":
        for arg in typing.get_args(tp):
            try:
                return _coerce_type(info, arg, value)
            except FieldValidationError:
                continue
        raise _fail(info, value, "type", f"expected {_type_name(tp)}", "pass a value of one of the listed types")
    if not isinstance(tp, type):
        return value
    if tp in (bool, int, float) and type(value).__module__ == "numpy" and hasattr(value, "item"):
        value = value.item()  # numpy scalars: the Python value they hold
    if tp is bool:
        if not isinstance(value, bool):
            raise _fail(info, value, "type", "expected bool", "pass True or False")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(info, value, "type", "expected int", "pass an int or change the annotation")
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise _fail(info, value, "type", "is outside the 64-bit range no graph backend stores", "declare the field Decimal (stored exactly as text) or str")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _fail(info, value, "type", "expected float", "pass a number or change the annotation")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise _fail(info, value, "type", "expected str", "pass a str or change the annotation")
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise _fail(info, value, "type", "holds a lone surrogate (not valid UTF-8), which no graph backend stores", "encode the text properly") from None
        return value
    if issubclass(tp, Vector):
        try:
            vec = value if isinstance(value, Vector) else Vector(value)
        except (TypeError, ValueError):
            raise _fail(info, value, "type", "expected a sequence of floats", "pass a list of floats or a Vector") from None
        return vec
    if issubclass(tp, GeoLocation):
        try:
            return GeoLocation.coerce(value)
        except (TypeError, ValueError) as exc:
            raise _fail(info, value, "type", f"expected GeoLocation ({exc})", "pass GeoLocation(lat, lon), (lat, lon) or a dict") from None
    if issubclass(tp, enum.Enum):
        if isinstance(value, tp):
            return value
        try:
            return tp(value)
        except ValueError:
            names = [m.value for m in tp]
            raise _fail(info, value, "type", f"expected {tp.__name__} (one of {names})", f"pass a {tp.__name__} member") from None
    if issubclass(tp, datetime):
        if not isinstance(value, datetime):
            raise _fail(info, value, "type", "expected datetime", "pass a datetime (prefer timezone-aware UTC)")
        return value
    if tp is date and isinstance(value, datetime):
        raise _fail(info, value, "type", "expected date, got a datetime", "pass value.date(), or annotate the field with datetime")
    if not isinstance(value, tp):
        raise _fail(info, value, "type", f"expected {tp.__name__}", f"pass a {tp.__name__} or change the annotation")
    return value


def _check_constraints(info: FieldInfo, value: Any) -> Any:
    if info.min_value is not None and value < info.min_value:
        raise _fail(info, value, "min_value", f"must be ≥ {info.min_value}", f"pass a value of at least {info.min_value}")
    if info.max_value is not None and value > info.max_value:
        raise _fail(info, value, "max_value", f"must be ≤ {info.max_value}", f"pass a value of at most {info.max_value}")
    if info.min_length is not None and len(value) < info.min_length:
        raise _fail(info, value, "min_length", f"length {len(value)} is below {info.min_length}", f"pass at least {info.min_length} items/characters")
    if info.max_length is not None and len(value) > info.max_length:
        raise _fail(info, value, "max_length", f"length {len(value)} is above {info.max_length}", f"pass at most {info.max_length} items/characters")
    if info.pattern is not None and not re.fullmatch(info.pattern, str(value)):
        raise _fail(info, value, "pattern", f"does not match {info.pattern!r}", "pass a value matching the pattern")
    if info.choices is not None and value not in info.choices:
        raise _fail(info, value, "choices", f"must be one of {list(info.choices)!r}", "pass one of the allowed choices")
    if info.dimension is not None and isinstance(value, list) and len(value) != info.dimension:
        raise _fail(info, value, "dimension", f"has {len(value)} values, expected {info.dimension}", f"pass a vector of length {info.dimension}")
    if info.validator is not None:
        try:
            value = info.validator(value)
        except FieldValidationError:
            raise
        except (TypeError, ValueError) as exc:
            raise _fail(info, value, "validator", f"rejected by validator: {exc}", "pass a value the validator accepts") from exc
    return value


def check_value(info: FieldInfo, value: Any) -> Any:
    """Coerce and validate ``value`` for ``info``; ``None`` always passes (``required`` is checked at flush)."""
    if value is None or is_missing(value):
        return None
    tp = info.python_type
    is_vector = info.index_type == "vector" or getattr(info.converter, "db_type", None) == "vector"
    if is_vector and (tp in (None, list, Any) or typing.get_origin(tp) is list):
        tp = Vector
    value = _coerce_type(info, unwrap_optional(tp), value)
    if isinstance(value, Vector) and info.dimension is not None and value.dimensions is None:
        value.dimensions = info.dimension
    return _check_constraints(info, value)

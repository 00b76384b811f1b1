"""agtype text, both ways: parameters to agtype, and agtype results to plain Python values.

agtype's text form is JSON with a few additions: a value may carry an annotation
(``{...}::vertex``, ``{...}::edge``, ``[...]::path``, ``1.5::numeric``), and floats may be
``NaN``, ``Infinity`` or ``-Infinity``. Vertices become ``NodeRecord`` (the ``_labels``
property, runic's emulation of several labels, becomes part of ``labels``), edges
``EdgeRecord``, paths ``PathRecord``; numerics ``Decimal``. Nothing here does I/O.
"""

from __future__ import annotations

import datetime as _dt
import enum
import json
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from json.decoder import scanstring
from typing import Any

from runic.ogm.core.types import is_missing, is_numpy_temporal
from runic.ogm.exceptions import UnsupportedValueError

from .result import EdgeRecord, NodeRecord, PathRecord

__all__ = ["LABELS_PROPERTY", "AgtypeParameterError", "decode_agtype", "encode_params", "node_labels_of"]

#: the property that holds every label of a node on AGE (one real label per vertex)
LABELS_PROPERTY = "_labels"

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?")
_ANNOTATION = re.compile(r"::([a-z_]+)")
_WS = " \t\n\r"


class AgtypeParameterError(UnsupportedValueError):
    """A parameter value that agtype cannot carry. Names the parameter, never the value."""

    def __init__(self, name: str, what: str = "", fix: str = "", *, value_type: str | None = None, **attrs: Any) -> None:
        if attrs:  # rebuilt from a pickle: the message is already whole
            super().__init__(name, **attrs)
            return
        super().__init__(f"parameter {name!r} {what}", hint=fix, param_name=name, value_type=value_type, backend="age")


# -- parameters -----------------------------------------------------------------------------


def encode_params(params: Mapping[str, Any] | None) -> str:
    """All parameters as ONE agtype map in text form (``{}`` when there are none)."""
    if not params:
        return "{}"
    parts = []
    for key, value in params.items():
        if not isinstance(key, str):
            raise TypeError(f"parameter names must be strings, got {type(key).__name__} — name it with a str")
        try:
            literal = _fast(value)
            if "\\u0000" in literal:  # a NUL (or the text of one): the careful path decides
                raise _Slow
            literal.encode("utf-8")  # a lone surrogate fails here
        except (_Slow, UnicodeEncodeError):
            literal = _encode(value, key)
        parts.append(_string(key, key) + ": " + literal)
    return "{" + ", ".join(parts) + "}"


class _Slow(Exception):
    """A value the fast encoder leaves to ``_encode`` (which checks it and names it)."""


_quote = json.encoder.encode_basestring  # type: ignore[attr-defined]
_isfinite = math.isfinite


def _fast(value: Any) -> str:
    """``_encode`` for the plain types bulk rows are made of, checked once afterwards."""
    kind = type(value)
    if kind is str:
        return _quote(value)
    if kind is int:
        if _INT64_MIN <= value <= _INT64_MAX:
            return str(value)
        raise _Slow
    if kind is float:
        if _isfinite(value):
            return repr(value)
        raise _Slow
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is dict:
        return _fast_map(value)
    if kind is list or kind is tuple:
        if value and type(value[0]) is dict:  # bulk rows: their maps without a dispatch each
            return "[" + ", ".join([_fast_map(item) if type(item) is dict else _fast(item) for item in value]) + "]"
        return "[" + ", ".join([_fast(item) for item in value]) + "]"
    raise _Slow


#: ``"key": `` of the map keys seen lately (bulk rows repeat a handful of keys)
_KEYS: dict[str, str] = {}


def _fast_map(value: dict[Any, Any]) -> str:
    """``_fast`` of a dict (the body of a bulk row)."""
    keys = _KEYS
    parts = []
    for key, item in value.items():
        literal = keys.get(key)
        if literal is None:
            if type(key) is not str:
                raise _Slow
            literal = keys[key] = _quote(key) + ": "
            if len(keys) > 10_000:
                keys.clear()
        t = type(item)
        if t is str:
            parts.append(literal + _quote(item))
        elif t is int and _INT64_MIN <= item <= _INT64_MAX:
            parts.append(f"{literal}{item}")
        elif t is float and _isfinite(item):
            parts.append(f"{literal}{item!r}")
        else:
            parts.append(literal + _fast(item))
    return "{" + ", ".join(parts) + "}"


def _string(text: str, name: str) -> str:
    if "\x00" in text:
        raise AgtypeParameterError(name, "holds a str with a NUL character, which PostgreSQL (Apache AGE) cannot store", "remove it", value_type="str")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise AgtypeParameterError(name, "holds a str with a lone surrogate, which is not valid UTF-8 and Apache AGE cannot store", "encode the text properly", value_type="str") from None
    return json.dumps(text, ensure_ascii=False)


def _encode(value: Any, name: str) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, enum.Enum):
        return _encode(value.value, name)
    if isinstance(value, int):
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise AgtypeParameterError(
                name, "holds an int outside the 64-bit range, which Apache AGE would return as a Decimal",
                "pass Decimal(value) to store it as a numeric, or str(value)", value_type=type(value).__name__,
            )
        return str(int(value))
    if isinstance(value, float):
        value = float(value)  # numpy.float64 is a float whose repr is not agtype
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            return _encode(float(value), name)
        return str(value) + "::numeric"
    if isinstance(value, str):
        return _string(value, name)
    if is_missing(value):  # before dates: pandas.NaT is a datetime
        return "null"
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return _string(value.isoformat(), name)
    if isinstance(value, Mapping):
        items = []
        for key, item in value.items():
            items.append(_string(str(key), name) + ": " + _encode(item, name))
        return "{" + ", ".join(items) + "}"
    if isinstance(value, (list, tuple, set, frozenset)):
        seq = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return "[" + ", ".join(_encode(item, name) for item in seq) + "]"
    if isinstance(value, (NodeRecord, EdgeRecord, PathRecord)):
        raise AgtypeParameterError(name, f"is a {type(value).__name__}", "pass its id or its properties instead", value_type=type(value).__name__)
    if type(value).__module__ == "numpy" and hasattr(value, "tolist") and not is_numpy_temporal(value):  # numpy scalars and arrays
        return _encode(value.tolist(), name)
    raise AgtypeParameterError(
        name, f"has type {type(value).__name__}, which Apache AGE (agtype) cannot carry",
        "pass None, bool, int, float, Decimal, str, a date/time, or lists and maps of those",
        value_type=type(value).__name__,
    )


# -- results --------------------------------------------------------------------------------


_NUMBER_START = frozenset("-0123456789")
_DIGITS = frozenset("0123456789")
_CONSTANTS = {"true": True, "false": False, "null": None}
_NOT_CONSTANT = object()


def decode_agtype(text: str | None) -> Any:
    """One agtype value in text form as plain Python (records for graph values)."""
    if text is None:
        return None
    # scalars, most cells of a table, without the general parser
    first = text[:1]
    if first == '"' and '"' not in text[1:-1] and "\\" not in text and len(text) > 1 and text[-1] == '"':
        return text[1:-1]
    if first in _NUMBER_START and ":" not in text:
        if "." not in text and "e" not in text and "E" not in text:
            try:
                return int(text)
            except ValueError:
                pass
        elif text[-1] in _DIGITS:
            try:
                return float(text)
            except ValueError:
                pass
    constant = _CONSTANTS.get(text, _NOT_CONSTANT)
    if constant is not _NOT_CONSTANT:
        return constant
    value, end = _Parser(text).value(0)
    end = _skip_ws(text, end)
    if end != len(text):
        raise ValueError(f"unexpected text after an agtype value at offset {end}")
    return value


def node_labels_of(label: str, properties: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """``(label, labels)`` of a vertex: its own label first, then the others ``_labels`` lists."""
    extra = properties.get(LABELS_PROPERTY)
    labels = [label] if label else []
    if isinstance(extra, list):
        labels += [item for item in extra if isinstance(item, str) and item not in labels]
    return label, tuple(labels)


def _skip_ws(text: str, pos: int) -> int:
    n = len(text)
    while pos < n and text[pos] in _WS:
        pos += 1
    return pos


class _Parser:
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def value(self, pos: int) -> tuple[Any, int]:
        text = self.text
        pos = _skip_ws(text, pos)
        if pos >= len(text):
            raise ValueError("agtype text ended early")
        ch = text[pos]
        if ch == "{":
            value, pos = self._object(pos + 1)
        elif ch == "[":
            value, pos = self._array(pos + 1)
        elif ch == '"':
            value, pos = scanstring(text, pos + 1)
        elif text.startswith("null", pos):
            value, pos = None, pos + 4
        elif text.startswith("true", pos):
            value, pos = True, pos + 4
        elif text.startswith("false", pos):
            value, pos = False, pos + 5
        elif text.startswith("NaN", pos):
            value, pos = math.nan, pos + 3
        elif text.startswith("Infinity", pos):
            value, pos = math.inf, pos + 8
        elif text.startswith("-Infinity", pos):
            value, pos = -math.inf, pos + 9
        else:
            match = _NUMBER.match(text, pos)
            if not match:
                raise ValueError(f"unexpected character {ch!r} in agtype text at offset {pos}")
            raw = match.group(0)
            value = float(raw) if (match.group(1) or match.group(2)) else int(raw)
            pos = match.end()
            annotated = _ANNOTATION.match(text, pos)
            if annotated and annotated.group(1) == "numeric":
                return Decimal(raw), annotated.end()
        annotated = _ANNOTATION.match(text, pos)
        if annotated:
            return _annotate(value, annotated.group(1)), annotated.end()
        return value, pos

    def _object(self, pos: int) -> tuple[dict[str, Any], int]:
        text = self.text
        out: dict[str, Any] = {}
        pos = _skip_ws(text, pos)
        if text[pos] == "}":
            return out, pos + 1
        while True:
            pos = _skip_ws(text, pos)
            if text[pos] != '"':
                raise ValueError(f"expected a key in agtype text at offset {pos}")
            key, pos = scanstring(text, pos + 1)
            pos = _skip_ws(text, pos)
            if text[pos] != ":":
                raise ValueError(f"expected ':' in agtype text at offset {pos}")
            out[key], pos = self.value(pos + 1)
            pos = _skip_ws(text, pos)
            if text[pos] == ",":
                pos += 1
                continue
            if text[pos] == "}":
                return out, pos + 1
            raise ValueError(f"expected ',' or '}}' in agtype text at offset {pos}")

    def _array(self, pos: int) -> tuple[list[Any], int]:
        text = self.text
        out: list[Any] = []
        pos = _skip_ws(text, pos)
        if text[pos] == "]":
            return out, pos + 1
        while True:
            item, pos = self.value(pos)
            out.append(item)
            pos = _skip_ws(text, pos)
            if text[pos] == ",":
                pos += 1
                continue
            if text[pos] == "]":
                return out, pos + 1
            raise ValueError(f"expected ',' or ']' in agtype text at offset {pos}")


def _annotate(value: Any, kind: str) -> Any:
    if kind == "vertex" and isinstance(value, dict):
        return _vertex(value)
    if kind == "edge" and isinstance(value, dict):
        return _edge(value)
    if kind == "path" and isinstance(value, list):
        return _path(value)
    if kind == "numeric":
        return Decimal(str(value))
    return value


def _vertex(raw: dict[str, Any]) -> NodeRecord:
    props = dict(raw.get("properties") or {})
    _, labels = node_labels_of(raw.get("label") or "", props)
    props.pop(LABELS_PROPERTY, None)
    return NodeRecord(raw.get("id"), labels, props)


def _edge(raw: dict[str, Any]) -> EdgeRecord:
    return EdgeRecord(raw.get("id"), raw.get("label") or "", raw.get("start_id"), raw.get("end_id"), dict(raw.get("properties") or {}))


def _path(items: list[Any]) -> PathRecord:
    nodes = tuple(item for item in items if isinstance(item, NodeRecord))
    edges = tuple(item for item in items if isinstance(item, EdgeRecord))
    return PathRecord(nodes, edges)

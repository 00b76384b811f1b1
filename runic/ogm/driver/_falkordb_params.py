"""Query parameters for FalkorDB, sent as a ``CYPHER name=value ...`` header (no I/O).

FalkorDB takes parameters only as literals in front of the query. This module writes
those literals so every value comes back exactly as it was sent:

* strings in single quotes; ``\\`` and ``'`` escaped, and newline, carriage return and
  tab written as ``\\n``, ``\\r``, ``\\t`` so the header stays on one line; every other
  character (unicode, control characters) goes through as it is. NUL cannot travel
  (the server reads C strings) → ``ValueError``;
* integers within 64 bits, floats with ``repr`` precision, ``inf``/``-inf`` as an
  overflowing literal; booleans, ``None``; lists/tuples, maps with backtick-quoted keys;
* ``pandas.NA`` / ``NaT`` as ``null``; numpy scalars and arrays as the Python values
  ``tolist()`` gives; ``Decimal``, bytes, dates and times and anything else are refused
  (``Decimal`` would come back as a 15-digit float): docs/type-fidelity.md;
* NaN has no literal in the header: a parameter holding one is written into the query
  instead, as an expression (``0.0/0.0``) built from the same safe literals, at the
  places where the query refers to it (found by a scanner that skips strings, comments
  and quoted names).

Errors name the parameter, never its value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from runic.ogm.core.types import is_missing, is_numpy_temporal
from runic.ogm.exceptions import UnsupportedValueError

__all__ = ["ParameterError", "build_query", "encode_value"]

_INT_MIN = -(2**63)
_INT_MAX = 2**63 - 1
_NAME_OK = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_STR_ESCAPES = str.maketrans({"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_POS_INF = "1e999"
_NEG_INF = "-1e999"
_NAN_EXPR = "(0.0/0.0)"


class ParameterError(UnsupportedValueError):
    """A parameter value FalkorDB cannot receive; the message names the parameter only."""

    def __init__(self, message: str = "", **attrs: Any) -> None:
        attrs.setdefault("backend", "falkordb")
        if attrs.get("hint") is None and " — " in message:
            message, attrs["hint"] = message.rsplit(" — ", 1)
        super().__init__(message, **attrs)


class _NaNFound(Exception):
    pass


def _encode(value: Any, name: str, nan: str | None) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        if "\x00" in value:
            raise ParameterError(
                f"parameter ${name} holds a string with a NUL character, which FalkorDB cannot store — remove it",
                param_name=name, value_type="str",
            )
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ParameterError(
                f"parameter ${name} holds a string that is not valid unicode (lone surrogate), which FalkorDB cannot store — fix its encoding",
                param_name=name, value_type="str",
            ) from None
        return "'" + value.translate(_STR_ESCAPES) + "'"
    if isinstance(value, int):
        if not _INT_MIN <= value <= _INT_MAX:
            raise ParameterError(
                f"parameter ${name} holds an int outside the 64-bit range, which FalkorDB cannot store — pass str(value) or float(value)",
                param_name=name, value_type=type(value).__name__,
            )
        return str(int(value))
    if isinstance(value, float):
        value = float(value)  # numpy.float64 is a float whose repr is not a literal
        if math.isnan(value):
            if nan is None:
                raise _NaNFound
            return nan
        if value == math.inf:
            return _POS_INF
        if value == -math.inf:
            return _NEG_INF
        return repr(value)
    if isinstance(value, Mapping):
        parts = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise ParameterError(
                    f"parameter ${name} holds a map with a non-string key ({type(key).__name__}) — use string keys"
                )
            parts.append(_map_key(key, name) + ":" + _encode(item, name, nan))
        return "{" + ",".join(parts) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_encode(item, name, nan) for item in value) + "]"
    if isinstance(value, (bytes, bytearray)):
        raise ParameterError(
            f"parameter ${name} holds bytes, which FalkorDB cannot store — decode them to str or store a list of ints",
            param_name=name, value_type=type(value).__name__,
        )
    if isinstance(value, Decimal):
        raise ParameterError(
            f"parameter ${name} holds a Decimal, which FalkorDB would return as a float rounded to 15 digits"
            " — pass str(value) to keep every digit, or float(value) to accept the rounding",
            param_name=name, value_type="Decimal",
        )
    if is_missing(value):
        return "null"
    as_list = getattr(value, "tolist", None)  # numpy arrays and scalars
    if callable(as_list) and not is_numpy_temporal(value):
        return _encode(as_list(), name, nan)
    raise ParameterError(
        f"parameter ${name} holds a {type(value).__name__}, which FalkorDB cannot receive — "
        "convert it to str, int, float, bool, None, list or dict",
        param_name=name, value_type=type(value).__name__,
    )


def _cypher_name(text: str) -> str | None:
    """``text`` as a name in the query (backticked where it must be), or None where FalkorDB
    cannot name it (empty, or containing a backtick or NUL)."""
    if _NAME_OK.match(text):
        return text
    if not text or "`" in text or "\x00" in text:
        return None
    return f"`{text}`"


def _map_key(key: str, name: str) -> str:
    named = _cypher_name(key)
    if named is None:
        raise ParameterError(
            f"parameter ${name} holds a map key FalkorDB cannot name (empty, or containing a backtick or NUL) — rename the key"
        )
    return named


class _Slow(Exception):
    """A value the fast encoder leaves to ``_encode`` (which checks it and names it)."""


_KEYS: dict[str, str] = {}
_isfinite = math.isfinite
_NEEDS_ESCAPE = re.compile(r"[\\'\n\r\t]")


def _fast(value: Any) -> str:
    """``_encode`` for the plain types bulk rows are made of, without per-value checks.

    NUL characters and lone surrogates are checked once on the whole text afterwards
    (``build_query``); anything unusual raises ``_Slow`` and goes the careful way."""
    kind = type(value)
    if kind is str:
        if _NEEDS_ESCAPE.search(value) is not None:
            value = value.translate(_STR_ESCAPES)
        return f"'{value}'"
    if kind is int:
        if _INT_MIN <= value <= _INT_MAX:
            return str(value)
        raise _Slow
    if kind is float:
        if math.isnan(value) or math.isinf(value):
            raise _Slow
        return repr(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is dict:
        return _fast_map(value)
    if kind is list or kind is tuple:
        if value:  # bulk rows: their maps and lists without a dispatch each
            first = type(value[0])
            if first is dict:
                return "[" + ",".join([_fast_map(item) if type(item) is dict else _fast(item) for item in value]) + "]"
            if first is list:
                text = _fast_rows(value)
                if text is not None:
                    return text
                return "[" + ",".join([_fast_list(item) if type(item) is list else _fast(item) for item in value]) + "]"
        return "[" + ",".join([_fast(item) for item in value]) + "]"
    raise _Slow


def _fast_rows(rows: list[Any]) -> str | None:
    """``_fast`` of bulk rows (lists of one length) a column at a time: each column's type
    and range are checked once, then every row is written by one format. ``None`` when a
    column is not all plain strings, all 64-bit ints or all finite floats (``_fast_list``
    then writes the rows one value at a time)."""
    width = len(rows[0])
    if not width or set(map(type, rows)) != {list} or set(map(len, rows)) != {width}:
        return None
    specs = []
    columns = list(zip(*rows))
    for column in columns:
        kinds = set(map(type, column))
        if len(kinds) != 1:
            return None
        kind = kinds.pop()
        if kind is str:
            if _NEEDS_ESCAPE.search("".join(column)) is not None:
                return None
            specs.append("'{}'")
        elif kind is int:
            if min(column) < _INT_MIN or max(column) > _INT_MAX:
                return None
            specs.append("{}")
        elif kind is float:
            if not _isfinite(math.fsum(column)):
                return None
            specs.append("{!r}")
        else:
            return None
    row_format = "[" + ",".join(specs) + "]"
    return "[" + ",".join(map(row_format.format, *columns)) + "]"


def _fast_list(value: list[Any]) -> str:
    """``_fast`` of a list (a bulk row), its common scalars inline."""
    parts = []
    for item in value:
        kind = type(item)
        if kind is str:
            if _NEEDS_ESCAPE.search(item) is not None:
                item = item.translate(_STR_ESCAPES)
            parts.append(f"'{item}'")
        elif kind is int and _INT_MIN <= item <= _INT_MAX:
            parts.append(str(item))
        elif kind is float and _isfinite(item):
            parts.append(repr(item))
        else:
            parts.append(_fast(item))
    return "[" + ",".join(parts) + "]"


def _fast_map(value: dict[Any, Any]) -> str:
    """``_fast`` of a dict (the body of a bulk row)."""
    keys = _KEYS
    parts = []
    for key, item in value.items():
        literal = keys.get(key)
        if literal is None:
            if type(key) is not str or not _NAME_OK.match(key):
                raise _Slow
            literal = keys[key] = key + ":"
            if len(keys) > 10_000:
                keys.clear()
        kind = type(item)  # the common scalars inline: bulk rows are maps of them
        if kind is str:
            if _NEEDS_ESCAPE.search(item) is not None:
                item = item.translate(_STR_ESCAPES)
            parts.append(f"{literal}'{item}'")
        elif kind is int and _INT_MIN <= item <= _INT_MAX:
            parts.append(f"{literal}{item}")
        elif kind is float and _isfinite(item):
            parts.append(f"{literal}{item!r}")
        else:
            parts.append(literal + _fast(item))
    return "{" + ",".join(parts) + "}"


def encode_value(value: Any, name: str = "value") -> str:
    """The Cypher literal for ``value``; NaN anywhere inside becomes ``(0.0/0.0)``."""
    return _encode(value, name, _NAN_EXPR)


def _param_name(name: Any) -> str:
    if not isinstance(name, str):
        raise ParameterError(f"parameter names must be strings, got {type(name).__name__}")
    named = _cypher_name(name)
    if named is None:
        raise ParameterError(
            f"parameter name {name!r} cannot be sent to FalkorDB (empty, or containing a backtick or NUL) — rename it"
        )
    return named


def build_query(query: str, params: Mapping[str, Any] | None) -> tuple[str, str]:
    """``(header, text)``: the full query text to send and its header part (for error positions)."""
    if not params:
        return "", query
    header_parts = []
    inline: dict[str, str] = {}
    for name, value in params.items():
        key = _param_name(name)
        try:
            try:
                literal = _fast(value)
                if "\x00" in literal:
                    raise _Slow
                literal.encode("utf-8")
            except (_Slow, UnicodeEncodeError):
                literal = _encode(value, name, None)
        except _NaNFound:
            inline[name] = _encode(value, name, _NAN_EXPR)
            continue
        header_parts.append(f"{key}={literal}")
    if inline:
        query = _substitute(query, inline)
    if not header_parts:
        return "", query
    header = "CYPHER " + " ".join(header_parts) + " "
    return header, header + query


def _substitute(query: str, inline: dict[str, str]) -> str:
    """Replace ``$name`` references outside strings, comments and backtick names."""
    out: list[str] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch in "'\"":
            j = i + 1
            while j < n and query[j] != ch:
                j += 2 if query[j] == "\\" else 1
            out.append(query[i : j + 1])
            i = j + 1
        elif ch == "`":
            j = query.find("`", i + 1)
            j = n if j < 0 else j
            out.append(query[i : j + 1])
            i = j + 1
        elif query.startswith("//", i):
            j = query.find("\n", i)
            j = n if j < 0 else j
            out.append(query[i:j])
            i = j
        elif query.startswith("/*", i):
            j = query.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(query[i:j])
            i = j
        elif ch == "$":
            m = re.compile(r"\$(?:([A-Za-z_][A-Za-z0-9_]*)|`([^`]*)`)").match(query, i)
            name = (m.group(1) or m.group(2)) if m else None
            if m and name in inline:
                out.append(inline[name])
                i = m.end()
            else:
                out.append(ch)
                i += 1
        else:
            j = i + 1
            while j < n and query[j] not in "'\"`/$":
                j += 1
            out.append(query[i:j])
            i = j
    return "".join(out)

"""Columnar results without pandas in the way: ``to_arrow(x)`` and ``to_polars(x)``.

Both are built column by column from the decoded reply (the driver's column lists when it
has them), with the dtype rules of ``to_dataframe``: ints stay 64-bit ints (nulls as
nulls, not NaN), floats are float64, booleans bool, strings strings, dates and datetimes
temporal types; ``expand=True`` turns a node/edge column into one column per property.
A column arrow cannot type (mixed kinds, ints past 64 bits) holds the values' text.
Node/edge/path values that are not expanded become structs of their parts.

``pyarrow`` (extra ``runic[arrow]``) and ``polars`` (extra ``runic[polars]``) are
optional: a missing one raises ImportError naming the extra.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from runic.ogm import gc_paused
from runic.ogm.driver.result import ColumnRows, EdgeRecord, NodeRecord, PathRecord

from .convert import _first_non_null, table_of

__all__ = ["to_arrow", "to_polars"]


def _require(module: str, extra: str) -> Any:
    try:
        return __import__(module)
    except ImportError as exc:
        raise ImportError(f"{module} is not installed — pip install 'runic[{extra}]' (or pip install {module})") from exc


def _columns(x: Any, expand: bool) -> tuple[list[str], list[Sequence[Any]]]:
    """``(names, value lists)`` of ``x``, node/edge columns expanded on request."""
    columns, rows = table_of(x)
    column_data = getattr(x, "column_data", None)
    if column_data is None and isinstance(rows, ColumnRows):
        column_data = rows.columns_data
    n = len(rows)
    if column_data is not None:
        data = [col if len(col) == n else col[:n] for col in column_data]
    else:
        data = [list(col) for col in zip(*rows)] if rows else [[] for _ in columns]
    names: list[str] = []
    values: list[Sequence[Any]] = []
    single = len(columns) == 1
    for name, col in zip(columns, data):
        first = _first_non_null(col)
        if expand and isinstance(first, (NodeRecord, EdgeRecord)) and all(v is None or isinstance(v, type(first)) for v in col):
            keys: dict[str, None] = {}
            for v in col:
                if v is not None:
                    keys.update(dict.fromkeys(v.properties))
            for key in keys:
                names.append(f"{name}.{key}" if not single else key)
                values.append([v.properties.get(key) if v is not None else None for v in col])
        else:
            names.append(name)
            values.append(col)
    return names, values


def _plain(value: Any) -> Any:
    """A node/edge/path as a plain mapping arrow can store."""
    kind = value.__class__
    if kind is NodeRecord:
        return {"id": str(value.id), "labels": list(value.labels), "properties": dict(value.properties)}
    if kind is EdgeRecord:
        return {"id": str(value.id), "type": value.type, "start": str(value.start_id), "end": str(value.end_id), "properties": dict(value.properties)}
    if kind is PathRecord:
        return {"nodes": [_plain(n) for n in value.nodes], "edges": [_plain(e) for e in value.edges]}
    return value


_SIMPLE = {int: "int64", float: "float64", bool: "bool", str: "string"}


def _array(pa: Any, values: Sequence[Any]) -> Any:
    values = values if isinstance(values, list) else list(values)
    kinds = set(map(type, values))
    kinds.discard(type(None))
    simple = _SIMPLE.get(kinds.pop()) if len(kinds) == 1 else None
    if simple is not None:
        try:
            return pa.array(values, type=simple)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, TypeError):
            pass
    if any(k in (NodeRecord, EdgeRecord, PathRecord) for k in map(type, values)):
        values = [None if v is None else _plain(v) for v in values]
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError, TypeError):
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def to_arrow(x: Any, *, expand: bool = False) -> Any:
    """A ``pyarrow.Table`` of a result-like ``x`` (a result, a ``GraphResult``, a builder)."""
    pa = _require("pyarrow", "arrow")
    with gc_paused():  # many short-lived lists: no collector passes over the whole heap
        names, values = _columns(x, expand)
        return pa.table({name: _array(pa, col) for name, col in zip(names, values)}) if names else pa.table({})


def to_polars(x: Any, *, expand: bool = False) -> Any:
    """A ``polars.DataFrame`` of a result-like ``x`` (built through arrow, no copy of pandas)."""
    pl = _require("polars", "polars")
    return pl.from_arrow(to_arrow(x, expand=expand))

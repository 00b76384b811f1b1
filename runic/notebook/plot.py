"""Charts: quick ones of a result's rows, and ones the database aggregates first.

``plot_result(result, ...)`` draws what a result already holds (pandas' ``DataFrame.plot``).
``histogram(...)`` and ``bar(...)`` (behind ``%runic plot``) never fetch the rows: the
database counts them with a Cypher aggregation (min/max, then one count per bucket, or
one count per value) and only the counts cross the wire, so a chart of ten million nodes
costs a few rows. The source is a label (``label=``), a relationship type (``type=``) or a
saved query (``query=``: its final ``RETURN`` becomes a ``WITH``, so the column is one of
its aliases). Values travel as parameters; names are quoted identifiers.

matplotlib is an optional dependency: ``pip install runic[plot]``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from runic.cypher import escape_identifier

from .statement import mask

__all__ = ["BarCounts", "Histogram", "bar", "bar_counts", "histogram", "histogram_counts", "plot_result", "source_clause"]

_RETURN = re.compile(r"\bRETURN\b", re.IGNORECASE)


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError("plotting needs matplotlib: pip install 'runic[plot]' (or pip install matplotlib)") from exc
    return plt


def plot_result(result: Any, *args: Any, **kwargs: Any) -> Any:
    """``result.to_dataframe().plot(*args, **kwargs)``: pandas' plotting over the rows held."""
    _pyplot()
    frame = result.to_dataframe()
    if frame.empty:
        raise ValueError("the result has no rows to plot")
    return frame.plot(*args, **kwargs)


def source_clause(column: str, *, label: str | None = None, type: str | None = None, query: str | None = None) -> str:
    """Cypher that ends in ``WITH <value> AS value`` for one of the three sources."""
    chosen = [name for name, v in (("label", label), ("type", type), ("query", query)) if v]
    if len(chosen) != 1:
        raise ValueError("name exactly one source: a label (--label L), a relationship type (--type T) or a saved query (--query NAME)")
    if not column:
        raise ValueError("name the column (property) to plot")
    if label:
        return f"MATCH (n:{escape_identifier(label)}) WITH n.{escape_identifier(column)} AS value"
    if type:
        return f"MATCH ()-[r:{escape_identifier(type)}]->() WITH r.{escape_identifier(column)} AS value"
    assert query is not None
    masked = mask(query)
    returns = list(_RETURN.finditer(masked))
    if not returns:
        raise ValueError("the saved query has no RETURN to plot from")
    last = returns[-1]
    body = query.rstrip()
    if masked.rstrip().endswith(";"):
        body = query[: len(masked.rstrip()) - 1].rstrip()
    return f"{body[: last.start()]}WITH{body[last.end():]}\nWITH {escape_identifier(column)} AS value"


@dataclass
class Histogram:
    """Counts per bucket, as the database computed them."""

    column: str
    lo: float | None
    hi: float | None
    width: float
    counts: list[int]
    total: int

    @property
    def edges(self) -> list[float]:
        if self.lo is None:
            return []
        return [self.lo + i * self.width for i in range(len(self.counts) + 1)]


@dataclass
class BarCounts:
    """The most frequent values and their counts, as the database computed them."""

    column: str
    values: list[Any]
    counts: list[int]
    distinct: int


def _execute(driver: Any, query: str, params: Mapping[str, Any] | None) -> Any:
    return driver.execute(query, dict(params) or None, readonly=True)


def _check_count(option: str, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{option} {value!r} must be a whole number of 1 or more (e.g. --{option} 20)")


def histogram_counts(driver: Any, column: str, *, bins: int = 10, label: str | None = None, type: str | None = None,
                     query: str | None = None, params: Mapping[str, Any] | None = None) -> Histogram:
    """Two aggregations in the database: the range of ``column``, then a count per bucket."""
    _check_count("bins", bins)
    source = source_clause(column, label=label, type=type, query=query)
    base = dict(params or {})
    span = _execute(driver, f"{source}\nWITH value WHERE value IS NOT NULL\nRETURN min(value) AS lo, max(value) AS hi, count(value) AS n", base)
    row = span.rows[0] if span.rows else [None, None, 0]
    lo, hi, total = row[0], row[1], int(row[2] or 0)
    if total == 0 or lo is None:
        return Histogram(column, None, None, 1.0, [], 0)
    if isinstance(lo, bool) or not isinstance(lo, (int, float)) or not isinstance(hi, (int, float)):
        raise TypeError(f"a histogram needs numbers; {column} holds {type_name(lo)} values — use %runic plot bar {column} to count them")
    lo, hi = float(lo), float(hi)
    if hi == lo:
        bins, width = 1, 1.0
    else:
        width = (hi - lo) / bins
    counted = _execute(
        driver,
        f"{source}\nWITH value WHERE value IS NOT NULL\n"
        "WITH CASE WHEN toFloat(value) >= $runic_hi THEN $runic_last "
        "ELSE toInteger(floor((toFloat(value) - $runic_lo) / $runic_width)) END AS bucket\n"
        "RETURN bucket, count(*) AS count ORDER BY bucket",
        {**base, "runic_lo": lo, "runic_hi": hi, "runic_width": width, "runic_last": bins - 1},
    )
    counts = [0] * bins
    for bucket, count in counted.rows:
        if bucket is not None:
            counts[min(max(int(bucket), 0), bins - 1)] += int(count)
    return Histogram(column, lo, hi if hi != lo else lo + 1.0, width, counts, total)


def type_name(value: Any) -> str:
    return type(value).__name__


def bar_counts(driver: Any, column: str, *, top: int = 20, label: str | None = None, type: str | None = None,
               query: str | None = None, params: Mapping[str, Any] | None = None) -> BarCounts:
    """Two aggregations in the database: the ``top`` most frequent values, and how many distinct values exist."""
    _check_count("top", top)
    source = source_clause(column, label=label, type=type, query=query)
    base = dict(params or {})
    counted = _execute(
        driver,
        f"{source}\nWITH value WHERE value IS NOT NULL\nRETURN value, count(*) AS count ORDER BY count DESC, value LIMIT {int(top)}",
        base,
    )
    distinct = _execute(driver, f"{source}\nWITH value WHERE value IS NOT NULL\nRETURN count(DISTINCT value) AS n", base)
    return BarCounts(column, [r[0] for r in counted.rows], [int(r[1]) for r in counted.rows], int(distinct.value(0, 0) or 0))


def _axes(ax: Any, figsize: tuple[float, float]) -> Any:
    """``ax``, or the axes of a new figure of ``figsize`` inches."""
    if ax is not None:
        return ax
    _, ax = _pyplot().subplots(figsize=figsize)
    return ax


def _source_text(label: str | None, type: str | None, query: str | None) -> str:
    if label:
        return f":{label}"
    if type:
        return f"[:{type}]"
    return "the saved query"


def histogram(column: str, *, bins: int = 10, label: str | None = None, type: str | None = None, query: str | None = None,
              params: Mapping[str, Any] | None = None, connection: Any = None, ax: Any = None) -> Any:
    """A histogram of ``column`` counted in the database; returns the matplotlib ``Axes``."""
    from .run import _connection

    data = histogram_counts(_connection(connection).driver, column, bins=bins, label=label, type=type, query=query, params=params)
    ax = _axes(ax, (7, 3.5))
    if data.counts:
        ax.bar(data.edges[:-1], data.counts, width=data.width, align="edge", edgecolor="white")
    ax.set_xlabel(column)
    ax.set_ylabel("count")
    where = _source_text(label, type, query)
    ax.set_title(f"{column} of {where}: {data.total:,} values in {len(data.counts)} bins (counted in the database)", fontsize=10)
    return ax


def bar(column: str, *, top: int = 20, label: str | None = None, type: str | None = None, query: str | None = None,
        params: Mapping[str, Any] | None = None, connection: Any = None, ax: Any = None) -> Any:
    """A bar chart of the ``top`` most frequent values of ``column``, counted in the database."""
    from .run import _connection

    data = bar_counts(_connection(connection).driver, column, top=top, label=label, type=type, query=query, params=params)
    ax = _axes(ax, (7, max(2.0, 0.3 * len(data.values) + 1)))
    names = [_tick(v) for v in data.values]
    ax.barh(names[::-1], data.counts[::-1])
    ax.set_xlabel("count")
    ax.set_ylabel(column)
    shown = f"top {len(data.values):,} of {data.distinct:,} values" if data.distinct > len(data.values) else f"{data.distinct:,} values"
    ax.set_title(f"{column} of {_source_text(label, type, query)}: {shown} (counted in the database)", fontsize=10)
    return ax


def _tick(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 30 else text[:29] + "…"



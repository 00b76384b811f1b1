"""What every driver returns: plain data, fetched eagerly, no I/O, no display code.

``GraphResult`` holds ``columns`` and ``rows``; graph values inside rows are
``NodeRecord``, ``EdgeRecord`` and ``PathRecord`` on every backend, so the mapper,
the converters and the notebook layer never look at a client library's own types.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ColumnRows", "Counters", "EdgeRecord", "GraphResult", "NodeRecord", "PathRecord", "Records", "ResultSummary"]


@dataclass(frozen=True, slots=True)
class NodeRecord:
    """A node as the database returned it. ``id`` is what the dialect's id function gives."""

    id: Any
    labels: tuple[str, ...]
    properties: dict[str, Any]

    @property
    def element_id(self) -> Any:
        return self.id

    def __hash__(self) -> int:
        return hash(("node", self.id))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NodeRecord) and other.id == self.id and other.labels == self.labels and other.properties == self.properties


@dataclass(frozen=True, slots=True)
class EdgeRecord:
    """A relationship as the database returned it."""

    id: Any
    type: str
    start_id: Any
    end_id: Any
    properties: dict[str, Any]

    @property
    def element_id(self) -> Any:
        return self.id

    def __hash__(self) -> int:
        return hash(("edge", self.id))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, EdgeRecord)
            and other.id == self.id
            and other.type == self.type
            and other.start_id == self.start_id
            and other.end_id == self.end_id
            and other.properties == self.properties
        )


@dataclass(frozen=True, slots=True)
class PathRecord:
    """A path: ``nodes[i]`` and ``nodes[i + 1]`` are joined by ``edges[i]``."""

    nodes: tuple[NodeRecord, ...]
    edges: tuple[EdgeRecord, ...]

    def __len__(self) -> int:
        return len(self.edges)


#: the update counters of ``Counters``, in the order they are read and shown
COUNTER_NAMES = (
    "nodes_created",
    "nodes_deleted",
    "relationships_created",
    "relationships_deleted",
    "properties_set",
    "labels_added",
    "labels_removed",
    "indexes_added",
    "indexes_removed",
    "constraints_added",
    "constraints_removed",
)


@dataclass(slots=True)
class Counters:
    """Update counters of one statement. ``available`` is False where the backend gives none (AGE)."""

    nodes_created: int = 0
    nodes_deleted: int = 0
    relationships_created: int = 0
    relationships_deleted: int = 0
    properties_set: int = 0
    labels_added: int = 0
    labels_removed: int = 0
    indexes_added: int = 0
    indexes_removed: int = 0
    constraints_added: int = 0
    constraints_removed: int = 0
    available: bool = True

    @property
    def contains_updates(self) -> bool:
        return any(getattr(self, name) for name in COUNTER_NAMES)

    def as_dict(self) -> dict[str, int]:
        """Non-zero counters only, in a stable order."""
        return {name: getattr(self, name) for name in COUNTER_NAMES if getattr(self, name)}


@dataclass(slots=True)
class ResultSummary:
    counters: Counters = field(default_factory=Counters)
    server_time_ms: float | None = None
    client_time_ms: float | None = None
    notifications: list[str] = field(default_factory=list)
    backend: str | None = None


def _walk(value: Any) -> Iterator[Any]:
    """Every graph value inside ``value``: records, paths, and anything in lists/maps."""
    if isinstance(value, (NodeRecord, EdgeRecord)):
        yield value
    elif isinstance(value, PathRecord):
        yield value
        yield from value.nodes
        yield from value.edges
    elif isinstance(value, (list, tuple, ColumnRows)):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)


class ColumnRows(Sequence):
    """The rows of a column-wise result (``data[j]`` = column ``j``), built only when asked.

    A DataFrame built from the columns never pays for per-row lists; indexing one row
    or a slice builds just those rows; iterating builds them all once.
    """

    __slots__ = ("_data", "_rows")

    def __init__(self, data: list[list[Any]]) -> None:
        self._data = data
        self._rows: list[list[Any]] | None = None

    @property
    def columns_data(self) -> list[list[Any]]:
        """The values column by column."""
        return self._data

    def _all(self) -> list[list[Any]]:
        if self._rows is None:
            self._rows = list(map(list, zip(*self._data))) if self._data else []
        return self._rows

    def __len__(self) -> int:
        if self._rows is not None:
            return len(self._rows)
        return len(self._data[0]) if self._data else 0

    def __getitem__(self, index: Any) -> Any:
        if self._rows is not None:
            return self._rows[index]
        if isinstance(index, slice):
            return list(map(list, zip(*(column[index] for column in self._data)))) if self._data else []
        if not self._data:
            raise IndexError("row index out of range: the result has no rows")
        return [column[index] for column in self._data]

    def __iter__(self) -> Iterator[list[Any]]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ColumnRows):
            return self._all() == other._all()
        if isinstance(other, list):
            return self._all() == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._all())


class Records:
    """Rows seen as records: ``records``, ``len()`` and iteration give ``dict`` column →
    value over the ``columns`` and ``rows`` a subclass provides (``GraphResult``, the
    notebook's ``QueryResult``)."""

    __slots__ = ()
    columns: list[str]
    rows: list[list[Any]]

    @property
    def records(self) -> list[dict[str, Any]]:
        cols = self.columns
        return [dict(zip(cols, row)) for row in self.rows]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        cols = self.columns
        for row in self.rows:
            yield dict(zip(cols, row))


class GraphResult(Records):
    """Columns and rows of one statement, plus its summary.

    Iterating or indexing gives records (``dict`` column → value); ``rows`` keeps the
    plain lists. ``nodes()``, ``edges()`` and ``paths()`` collect every graph value in
    the result, nested ones too, deduplicated by id in first-seen order.
    """

    __slots__ = ("columns", "params", "query", "rows", "summary")

    def __init__(
        self,
        columns: list[str] | None = None,
        rows: list[list[Any]] | None = None,
        summary: ResultSummary | None = None,
        query: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        self.columns: list[str] = list(columns or [])
        self.rows: list[list[Any]] = rows if rows is not None else []
        self.summary: ResultSummary = summary if summary is not None else ResultSummary()
        self.query = query
        self.params = params

    def __getitem__(self, index: int) -> dict[str, Any]:
        return dict(zip(self.columns, self.rows[index]))

    def __bool__(self) -> bool:
        return bool(self.rows)

    def column_index(self, col: int | str) -> int:
        """The position of column ``col`` (a name or a position); KeyError names the columns."""
        if isinstance(col, int):
            return col
        try:
            return self.columns.index(col)
        except ValueError:
            raise KeyError(f"no column {col!r} in this result; columns are {self.columns}") from None

    def value(self, col: int | str = 0, default: Any = None) -> Any:
        """The value of ``col`` in the first row, or ``default`` when there is no row."""
        if not self.rows:
            return default
        return self.rows[0][self.column_index(col)]

    def values(self, col: int | str = 0) -> list[Any]:
        i = self.column_index(col)
        return [row[i] for row in self.rows]

    def _collect(self, kind: type) -> list[Any]:
        seen: set[Any] = set()
        out: list[Any] = []
        for row in self.rows:
            for item in _walk(row):
                if isinstance(item, kind):
                    key = id(item) if kind is PathRecord else item.id
                    if key not in seen:
                        seen.add(key)
                        out.append(item)
        return out

    def nodes(self) -> list[NodeRecord]:
        return self._collect(NodeRecord)

    def edges(self) -> list[EdgeRecord]:
        return self._collect(EdgeRecord)

    def paths(self) -> list[PathRecord]:
        return self._collect(PathRecord)

    def __repr__(self) -> str:
        return f"<GraphResult columns={self.columns!r} rows={len(self.rows)}>"

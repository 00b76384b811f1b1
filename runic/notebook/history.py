"""What this kernel ran, and the queries kept by name (no I/O).

``history`` records every statement ``run()`` sent (the magics go through it): its text,
parameters, connection, when, how long, how many rows, and the error when it failed.
``saved`` holds queries kept with ``--save NAME`` (or ``save_query``) together with their
parameter values, so a later cell can run them again (``%runic run NAME``) or plot them
(``%runic plot ... --query NAME``). Both show as tables; secret-looking parameters show
as ``***``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import render

__all__ = [
    "HistoryEntry",
    "QueryHistory",
    "SavedQueries",
    "SavedQuery",
    "SavedQueryError",
    "history",
    "saved",
]

#: entries kept in the history (the oldest are dropped first)
HISTORY_SIZE = 1000
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _shown_params(params: Mapping[str, Any]) -> str:
    return ", ".join(f"${k} = {'***' if render.is_secret_key(k) else render.format_value(v)}" for k, v in params.items())


def _first_line(query: str, width: int = 100) -> str:
    text = " ".join(query.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass
class HistoryEntry:
    """One statement run from the notebook."""

    number: int
    query: str
    params: dict[str, Any]
    connection: str
    started: datetime
    duration_ms: float | None = None
    rows: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class QueryHistory:
    """The statements this kernel ran, oldest first; ``[-1]`` is the latest."""

    def __init__(self, size: int = HISTORY_SIZE) -> None:
        self.size = size
        self._entries: list[HistoryEntry] = []
        self._next = 1

    def record(
        self,
        query: str,
        params: Mapping[str, Any] | None,
        connection: str,
        *,
        started: float,
        rows: int | None = None,
        error: str | None = None,
    ) -> HistoryEntry:
        """Add one entry; ``started`` is a ``time.time()`` stamp taken before the run."""
        entry = HistoryEntry(
            number=self._next,
            query=query,
            params=dict(params or {}),
            connection=connection,
            started=datetime.fromtimestamp(started),
            duration_ms=(time.time() - started) * 1000.0,
            rows=rows,
            error=error,
        )
        self._next += 1
        self._entries.append(entry)
        if len(self._entries) > self.size:
            del self._entries[: len(self._entries) - self.size]
        return entry

    def clear(self) -> None:
        self._entries.clear()

    def last(self, n: int | None = None, *, search: str | None = None) -> HistoryTable:
        """The latest ``n`` entries (all when None), optionally only those whose text holds ``search``."""
        entries = self._entries
        if search:
            needle = search.lower()
            entries = [e for e in entries if needle in e.query.lower()]
        if n is not None:
            entries = entries[-n:] if n > 0 else []
        return HistoryTable(entries, total=len(self._entries))

    def get(self, number: int) -> HistoryEntry:
        for entry in self._entries:
            if entry.number == number:
                return entry
        raise KeyError(f"no history entry #{number} — %runic history lists them")

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[HistoryEntry]:
        return iter(list(self._entries))

    def __getitem__(self, index: int) -> HistoryEntry:
        return self._entries[index]


class _ShownAsTable:
    """A collection shown as a table of ``_COLUMNS`` (HTML and text) with a footer that
    tells what is shown; an empty one shows the footer alone."""

    _COLUMNS: tuple[str, ...]

    def _rows(self) -> list[list[Any]]: ...
    def _footer(self) -> str: ...

    def _repr_html_(self) -> str:
        return render.html_table(list(self._COLUMNS), self._rows(), footer=self._footer())

    def __repr__(self) -> str:
        if not self:
            return self._footer()
        return f"{render.text_table(list(self._COLUMNS), self._rows(), style='plain')}\n{self._footer()}"


class HistoryTable(_ShownAsTable, list):
    """Entries shown as a table (newest last)."""

    _COLUMNS = ("#", "at", "connection", "took", "outcome", "query", "parameters")

    def __init__(self, entries: list[HistoryEntry], total: int) -> None:
        super().__init__(entries)
        self.total = total

    def _rows(self) -> list[list[Any]]:
        rows = []
        for e in self:
            outcome = f"error: {e.error}" if e.error else (f"{e.rows:,} rows" if e.rows is not None else "")
            ms = f"{e.duration_ms:,.0f} ms" if e.duration_ms is not None else ""
            rows.append([e.number, e.started.strftime("%H:%M:%S"), e.connection, ms, outcome, _first_line(e.query), _shown_params(e.params)])
        return rows

    def _footer(self) -> str:
        if not self.total:
            return "no statements run yet"
        return f"{len(self):,} of {self.total:,} statement(s) — %runic history -n N shows the last N"


class SavedQueryError(LookupError):
    """A saved query name that is not valid or not known."""


@dataclass
class SavedQuery:
    """A query kept by name with the parameter values it ran with."""

    name: str
    query: str
    params: dict[str, Any] = field(default_factory=dict)
    connection: str | None = None

    def merged_params(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The saved values, with ``overrides`` taking precedence."""
        return {**self.params, **dict(overrides or {})}


class SavedQueries(_ShownAsTable):
    """Name → ``SavedQuery``; shows as a table."""

    _COLUMNS = ("name", "query", "parameters")

    def __init__(self) -> None:
        self._queries: dict[str, SavedQuery] = {}

    def save(self, name: str, query: str, params: Mapping[str, Any] | None = None, *, connection: str | None = None) -> SavedQuery:
        if not _NAME.match(name or ""):
            raise SavedQueryError(f"cannot save a query as {name!r}: use a name made of letters, digits and _ (e.g. --save older_people)")
        saved = SavedQuery(name=name, query=query.strip(), params=dict(params or {}), connection=connection)
        self._queries[name] = saved
        return saved

    def get(self, name: str) -> SavedQuery:
        try:
            return self._queries[name]
        except KeyError:
            from runic.ogm.exceptions import did_you_mean

            known = ", ".join(self._queries) or "none yet"
            guess = did_you_mean(name, list(self._queries))
            hint = f" {guess}" if guess else " — save one with %%runic --save NAME"
            raise SavedQueryError(f"no saved query named {name!r} (saved: {known}){hint}") from None

    def remove(self, name: str) -> SavedQuery:
        saved = self.get(name)
        del self._queries[name]
        return saved

    def clear(self) -> None:
        self._queries.clear()

    def names(self) -> list[str]:
        return list(self._queries)

    def __contains__(self, name: object) -> bool:
        return name in self._queries

    def __len__(self) -> int:
        return len(self._queries)

    def __iter__(self) -> Iterator[SavedQuery]:
        return iter(list(self._queries.values()))

    def _rows(self) -> list[list[Any]]:
        return [[q.name, _first_line(q.query), _shown_params(q.params)] for q in self]

    def _footer(self) -> str:
        if not self._queries:
            return "no saved queries — %%runic --save NAME keeps one"
        return f"{len(self):,} saved quer{'y' if len(self) == 1 else 'ies'} — %runic run NAME runs one (--param k=v overrides a value)"


#: this kernel's history and saved queries (what the magics use)
history = QueryHistory()
saved = SavedQueries()

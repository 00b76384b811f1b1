"""Running a Cypher cell: the function behind ``%%runic`` that works without magics.

``run(query, ...)`` binds ``$name`` parameters from a namespace, pushes ``LIMIT n+1`` to
the database for read queries without a limit of their own, runs the statement on a
connection (read-only through the database's own read-only path when asked) and wraps
the answer in a ``QueryResult``.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from runic.ogm import gc_paused
from runic.ogm.exceptions import QueryError, QueryTimeoutError, ReadOnlyError

from .connections import Connection, registry
from .fetching import FetchProgress, accepts_progress, interrupted
from .history import history
from .result import DEFAULT_DISPLAYLIMIT, QueryResult
from .statement import mask, prepare

__all__ = ["NO_LIMIT", "Plan", "explain", "run", "schema_notices"]

#: pass as ``limit=`` to fetch every row
NO_LIMIT = None
_LABEL_USE = re.compile(r"[(,]\s*[A-Za-z_]\w*\s*:\s*([A-Za-z_]\w*)|\(\s*:\s*([A-Za-z_]\w*)")
_TYPE_USE = re.compile(r"\[\s*[A-Za-z_]?\w*\s*:\s*([A-Za-z_]\w*)")
_PROP_USE = re.compile(r"\b[A-Za-z_]\w*\.([A-Za-z_]\w*)\b")
#: names a query uses, checked against the schema: (pattern, schema key, how a note names
#: one, note only when there is a suggestion)
_NAME_USES = (
    (_LABEL_USE, "labels", "label :", False),
    (_TYPE_USE, "types", "relationship type :", False),
    (_PROP_USE, "keys", "property key .", True),
)


def _connection(connection: Connection | Any | str | None) -> Connection:
    if connection is None or isinstance(connection, str):
        return registry.get(connection)
    if isinstance(connection, Connection):
        return connection
    return Connection(alias=str(getattr(connection, "backend", "driver")), driver=connection, readonly=bool(getattr(connection, "readonly", False)))


@dataclass
class Plan:
    """An execution plan (``explain``) or profile as lines of text."""

    lines: list[str]
    profile: bool = False

    def __str__(self) -> str:
        return "\n".join(self.lines)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        import html

        from .render import CSS

        text = str(self)
        return {"text/plain": text, "text/html": f'<div class="runic-out">{CSS}<pre class="runic-cypher">{html.escape(text)}</pre></div>'}


def explain(query: str, *, connection: Any = None, namespace: Mapping[str, Any] | None = None, params: Mapping[str, Any] | None = None, profile: bool = False) -> Plan:
    """The plan of ``query`` (``profile=True`` runs it and shows the profile)."""
    conn = _connection(connection)
    prepared = prepare(query, namespace, params, limit=None)
    return Plan(conn.driver.explain(prepared.query, prepared.params or None, profile=profile), profile=profile)


def run(
    query: str,
    *,
    connection: Any = None,
    namespace: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
    limit: int | None = DEFAULT_DISPLAYLIMIT,
    readonly: bool = False,
    timeout: float | None = None,
    name: str | None = None,
    style: str = "grid",
    feedback: int = 1,
    progress: bool | None = None,
) -> QueryResult:
    """Run one Cypher statement and return a ``QueryResult``.

    ``connection``: a notebook connection, its alias, a driver, or None (the current
    one). ``$name`` parameters come from ``params`` first, then ``namespace``. ``limit``:
    for read queries without their own trailing ``LIMIT``, at most this many rows are
    fetched (``LIMIT limit+1`` is sent so the result knows whether more exist); ``None``
    fetches everything. Writes are never rewritten. ``readonly`` uses the database's
    read-only path, so a write is refused by the server.

    ``progress``: a fetch that runs longer than a second shows a bar with the rows that
    have arrived and rows per second (``None``: when ``feedback`` > 0; ``True``/``False``
    force it). An interrupt while rows arrive raises ``FetchInterrupted`` with the count.
    """
    _check_timeout(timeout)
    conn = _connection(connection)
    prepared = prepare(query, namespace, params, limit=limit)
    ro = bool(readonly or conn.readonly)
    started = time.time()
    show = progress if progress is not None else feedback > 0
    fetch = FetchProgress(show=show, total=prepared.fetch_limit)
    try:
        try:
            with fetch, gc_paused():
                raw, column_data = _execute(conn.driver, prepared.sent, prepared.params or None, ro, timeout, fetch if show else None)
                if fetch.rows != len(raw.rows):  # a driver that hands over its rows in one piece
                    fetch(len(raw.rows))
        except KeyboardInterrupt as exc:
            raise interrupted(exc, fetch, getattr(conn.driver, "backend", None)) from None
        except QueryError as exc:
            if prepared.autolimited and not isinstance(exc, (ReadOnlyError, QueryTimeoutError)):
                _raise_error_of_original(conn, prepared.query, prepared.params)
            raise
    except BaseException as exc:
        history.record(query, prepared.params, conn.alias, started=started, error=str(exc).split("\n", 1)[0] or type(exc).__name__)
        raise
    shown_rows = len(raw.rows)
    if prepared.fetch_limit is not None and shown_rows >= prepared.fetch_limit:
        shown_rows = prepared.fetch_limit - 1
    history.record(query, prepared.params, conn.alias, started=started, rows=shown_rows)
    if raw.summary.counters.contains_updates or prepared.is_write:
        conn.schema_cache.clear()
    notices = schema_notices(conn, query) if not raw.rows and not prepared.is_write and raw.columns else []
    return QueryResult(
        raw,
        driver=conn.driver,
        query=query,
        params=prepared.params,
        fetch_limit=prepared.fetch_limit,
        readonly=ro,
        timeout=timeout,
        displaylimit=limit if limit is not None else None,
        name=name,
        notices=notices,
        style=style,
        feedback=feedback,
        column_data=column_data,
    )


def _check_timeout(timeout: Any) -> None:
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int | float) or not math.isfinite(timeout) or timeout <= 0):
        raise ValueError(
            f"--timeout {timeout!r} is not a usable limit: give a finite number of seconds greater than 0 "
            "(e.g. --timeout 30, or timeout=30), or leave it out for no limit"
        )


def _execute(driver: Any, query: str, params: dict[str, Any] | None, readonly: bool, timeout: float | None, progress: FetchProgress | None = None) -> tuple[Any, list[list[Any]] | None]:
    """Run through the driver's column-wise path when it has one (``execute_columns``:
    values decoded column by column, no per-row lists), else ``execute``; ``progress``
    goes to drivers that count rows as they arrive."""
    columnar = getattr(driver, "execute_columns", None)
    method = "execute_columns" if callable(columnar) else "execute"
    options: dict[str, Any] = {"readonly": readonly or None, "timeout": timeout}
    if progress is not None and accepts_progress(driver, method):
        options["progress"] = progress
    if callable(columnar):
        from runic.ogm.driver.result import ColumnRows, GraphResult

        columns, data, summary = columnar(query, params, **options)
        return GraphResult(columns, ColumnRows(data), summary, query=query, params=params), data
    return driver.execute(query, params, **options), None


def _raise_error_of_original(conn: Connection, query: str, params: Mapping[str, Any]) -> None:
    """Re-check the query as written (plan only, nothing runs), so an error points into
    the user's text rather than at the ``LIMIT`` the notebook appended."""
    explain_fn = getattr(conn.driver, "explain", None)
    if explain_fn is None:
        return
    try:
        explain_fn(query, dict(params) or None)
    except QueryError as original:
        raise original from None
    except Exception:  # noqa: BLE001 - keep the first error
        return


def cached_schema(conn: Connection, *, refresh: bool = False) -> dict[str, list[str]]:
    """Labels, relationship types and property keys of ``conn``, cached until a write."""
    cache = conn.schema_cache
    if refresh or not cache:
        schema = getattr(conn.driver, "schema", None)
        if schema is None:
            return {"labels": [], "types": [], "keys": []}
        cache["labels"] = list(schema.labels())
        cache["types"] = list(schema.relationship_types())
        cache["keys"] = list(schema.property_keys())
    return cache


def schema_notices(conn: Connection, query: str) -> list[str]:
    """Did-you-mean notes for labels, types and property keys the graph does not have.

    Called when a read query returned nothing: a misspelt name is the usual cause.
    """
    from runic.ogm.exceptions import did_you_mean

    try:
        schema = cached_schema(conn, refresh=True)
    except Exception:  # noqa: BLE001 - notes are a courtesy; never fail the query for them
        return []
    masked = mask(query)
    notes = []
    seen: set[str] = set()
    for pattern, kind, what, only_with_guess in _NAME_USES:
        known = schema[kind]
        if only_with_guess and not known:
            continue
        for m in pattern.finditer(masked):
            name = next(filter(None, m.groups()), None)
            if name not in known and name not in seen:
                seen.add(name)
                guess = did_you_mean(name, known)
                if guess or not only_with_guess:
                    notes.append(f"{what}{name} does not exist in this graph" + (f" — {guess}" if guess else ""))
    return notes

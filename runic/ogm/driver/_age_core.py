"""The I/O-free core of the AGE drivers: every statement as a generator of SQL steps.

Each operation (connect setup, execute, explain, begin/commit/rollback, schema work) is
written once as a generator that yields ``SqlStep`` objects and receives their rows (or has
the client's exception thrown into it). ``AGEDriver`` runs the steps with psycopg's sync
connection, ``AsyncAGEDriver`` awaits them on the async one; neither holds any logic.

Read-only execution (drivers.md): ``BEGIN READ ONLY`` … ``ROLLBACK``. PostgreSQL refuses
some writes there (AGE's CREATE and MERGE), not all (AGE's SET and DELETE write around the
check), so after the statement the core asks whether the transaction got an id — only a
write assigns one — and reports ``ReadOnlyError`` with nothing kept.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from runic.ogm.exceptions import (
    ConnectionFailedError,
    ConstraintViolationError,
    DriverError,
    QueryError,
    QueryTimeoutError,
    ReadOnlyError,
)

from ._age_agtype import AgtypeParameterError, decode_agtype, encode_params
from ._age_cypher import (
    MAX_IDENTIFIER_BYTES,
    body_offset,
    long_identifier,
    sent_text,
    validate_graph_name,
    wrap_cypher,
)
from ._checks import check_params, check_query, check_timeout
from .result import Counters, GraphResult, ResultSummary

__all__ = ["AGECore", "AgtypeText", "SqlStep", "Steps"]

BACKEND = "age"
_SEARCH_PATH = 'SET search_path = ag_catalog, "$user", public'
_XID = "SELECT pg_current_xact_id_if_assigned()"
_WRITES = (
    "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables "
    "WHERE schemaname = %s"
)


class AgtypeText(str):
    """Text that psycopg sends with agtype's OID (the shells register the dumper)."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class SqlStep:
    """One SQL statement to run; ``args`` None means no placeholders (several statements allowed)."""

    sql: str
    args: tuple[Any, ...] | None = None


Steps = Generator[SqlStep, Any, Any]


class AGECore:
    """Per-connection state without I/O: graph, defaults, transaction flags, secrets-free URL."""

    backend = BACKEND

    def __init__(self, graph_name: str, url: str, *, readonly: bool = False, timeout: float | None = None, password: str | None = None) -> None:
        self.graph_name = validate_graph_name(graph_name)
        self.url = url
        self.readonly = bool(readonly)
        self.timeout = self._check_timeout(timeout)
        self._password = password or None
        self.tx_open = False
        self.tx_readonly = False

    # -- defaults ------------------------------------------------------------------------
    _check_timeout = staticmethod(check_timeout)

    def effective_readonly(self, readonly: bool | None) -> bool:
        if readonly is None:
            return self.readonly or (self.tx_open and self.tx_readonly)
        if self.readonly and not readonly:
            raise ValueError(
                f"this driver for {self.url} is read-only; a call cannot switch that off — "
                "create a driver without readonly=True to write"
            )
        return bool(readonly) or self.readonly or (self.tx_open and self.tx_readonly)

    def effective_timeout(self, timeout: float | None) -> float | None:
        return self._check_timeout(self.timeout if timeout is None else timeout)

    # -- connection setup ------------------------------------------------------------------
    def setup_steps(self, create_graph: bool) -> Steps:
        """LOAD 'age', search_path, agtype's OID (returned), graph created if missing."""
        try:
            yield SqlStep("LOAD 'age'")
        except Exception as exc:
            raise DriverError(
                f"PostgreSQL at {self.url} cannot load the Apache AGE library: {_first_line(exc, self._password)}",
                backend=BACKEND, url=self.url,
                hint="install Apache AGE on the server (Debian: postgresql-17-age) or connect as a superuser",
            ) from exc
        yield SqlStep(_SEARCH_PATH)
        rows = yield SqlStep("SELECT t.oid FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = 'agtype' AND n.nspname = 'ag_catalog'")
        if not rows:
            raise DriverError(
                f"the database at {self.url} has no Apache AGE extension",
                backend=BACKEND, url=self.url,
                hint="run CREATE EXTENSION age; in that database (as a superuser), then connect again",
            )
        oid = int(rows[0][0])
        rows = yield SqlStep("SELECT count(*) FROM ag_catalog.ag_graph WHERE name = %s", (self.graph_name,))
        if not rows[0][0]:
            if not create_graph:
                raise DriverError(
                    f"graph '{self.graph_name}' does not exist on {self.url}",
                    backend=BACKEND, url=self.url, hint="pass create_graph=True or create it with SELECT create_graph(...)",
                )
            yield SqlStep("SELECT ag_catalog.create_graph(%s::name)", (self.graph_name,))
        return oid

    # -- statements ------------------------------------------------------------------------
    def wrap(self, query: str, params: Mapping[str, Any] | None, columns: Sequence[str] | None = None) -> tuple[str, tuple[Any, ...], list[str]]:
        check_query(query, BACKEND)
        check_params(params)
        too_long = long_identifier(query)
        if too_long is not None:
            raise QueryError(
                f"the name {too_long!r} is {len(too_long.encode())} bytes long; Apache AGE keeps only the first "
                f"{MAX_IDENTIFIER_BYTES} bytes of a label, property or variable name, so the query was not sent",
                query=query, param_names=_names(params), backend=BACKEND,
                hint=f"use a name of at most {MAX_IDENTIFIER_BYTES} bytes (UTF-8) on Apache AGE",
            )
        sql, names = wrap_cypher(self.graph_name, query, columns)
        return sql, (AgtypeText(encode_params(params)),), names

    def execute_steps(self, query: str, params: Mapping[str, Any] | None = None, *, readonly: bool | None = None, timeout: float | None = None, columns: Sequence[str] | None = None) -> Steps:
        """Run one Cypher statement; returns a ``GraphResult``."""
        ro = self.effective_readonly(readonly)
        limit = self.effective_timeout(timeout)
        started = time.perf_counter()
        sql, args, names = self.wrap(query, params, columns)
        rows = yield from self._guarded(query, params, sql, args, ro, limit)
        decoded = [[decode_agtype(v) for v in row] for row in rows] if names else []
        return GraphResult(
            names, decoded,
            ResultSummary(Counters(available=False), client_time_ms=(time.perf_counter() - started) * 1000, backend=BACKEND),
            query=query, params=dict(params) if params else None,
        )

    def explain_steps(self, query: str, params: Mapping[str, Any] | None = None, *, profile: bool = False) -> Steps:
        """``EXPLAIN [ANALYZE]`` of the wrapped statement, always rolled back; the plan lines."""
        sql, args, _ = self.wrap(query, params)
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if profile else "EXPLAIN "
        rows = yield from self._guarded(query, params, prefix + sql, args, False, self.timeout, always_rollback=True, sql_offset=len(prefix))
        return [str(row[0]) for row in rows]

    def _guarded(self, query: str, params: Mapping[str, Any] | None, sql: str, args: tuple[Any, ...], ro: bool, limit: float | None, *, always_rollback: bool = False, sql_offset: int = 0) -> Steps:
        """The statement inside whatever read-only/timeout/rollback frame it needs."""
        timeout_sql = f"SET LOCAL statement_timeout = {max(int(limit * 1000), 1)}" if limit else None
        sent = sent_text(query)
        offset = sql_offset + body_offset(self.graph_name, sent)
        mapped = lambda exc: self.error(exc, query, params, readonly=ro, timeout=limit, offset=offset, sent=sent)

        framed = ro or timeout_sql is not None or always_rollback
        if not framed and not (self.tx_open and self.tx_readonly):
            # nothing to guard: the statement alone (in the open write transaction, if any)
            try:
                return (yield SqlStep(sql, args))
            except Exception as exc:
                raise mapped(exc) from exc

        if not self.tx_open:
            own_ro = ro
            begin = "BEGIN READ ONLY" if own_ro else "BEGIN"
            yield SqlStep("; ".join(s for s in (begin, timeout_sql) if s))
            try:
                rows = yield SqlStep(sql, args)
                if own_ro:
                    xid = yield SqlStep(_XID)
                    if xid and xid[0][0] is not None:
                        raise self.readonly_error(query, params)
            except Exception as exc:
                yield from self._quiet("ROLLBACK")
                if isinstance(exc, ReadOnlyError):
                    raise
                raise mapped(exc) from exc
            yield SqlStep("ROLLBACK" if (own_ro or always_rollback) else "COMMIT")
            return rows

        if self.tx_readonly:
            # the whole transaction is read-only: a write ends it (nothing kept)
            if timeout_sql:
                yield SqlStep(timeout_sql)
            try:
                rows = yield SqlStep(sql, args)
                xid = yield SqlStep(_XID)
                if xid and xid[0][0] is not None:
                    raise self.readonly_error(query, params, transaction=True)
            except Exception as exc:
                if isinstance(exc, ReadOnlyError) or _is_readonly_refusal(exc):
                    yield from self._quiet("ROLLBACK")
                    self.tx_open = self.tx_readonly = False
                    if isinstance(exc, ReadOnlyError):
                        raise
                    raise self.readonly_error(query, params, transaction=True) from exc
                raise mapped(exc) from exc
            if timeout_sql:
                yield SqlStep("SET LOCAL statement_timeout = DEFAULT")
            return rows

        # inside a write transaction: a savepoint keeps the transaction usable
        head = ["SAVEPOINT runic_stmt"]
        if ro:
            head.append("SET LOCAL transaction_read_only = on")
        if timeout_sql:
            head.append(timeout_sql)
        yield SqlStep("; ".join(head))
        try:
            before = (yield SqlStep(_WRITES, (self.graph_name,)))[0][0] if ro else 0
            rows = yield SqlStep(sql, args)
            if ro:
                after = (yield SqlStep(_WRITES, (self.graph_name,)))[0][0]
                if after != before:
                    raise self.readonly_error(query, params)
        except Exception as exc:
            yield from self._quiet("ROLLBACK TO SAVEPOINT runic_stmt; RELEASE SAVEPOINT runic_stmt")
            if isinstance(exc, ReadOnlyError):
                raise
            raise mapped(exc) from exc
        if ro or always_rollback:
            yield SqlStep("ROLLBACK TO SAVEPOINT runic_stmt; RELEASE SAVEPOINT runic_stmt")
        else:
            yield SqlStep("RELEASE SAVEPOINT runic_stmt; SET LOCAL statement_timeout = DEFAULT")
        return rows

    @staticmethod
    def _quiet(sql: str) -> Steps:
        try:
            yield SqlStep(sql)
        except Exception:  # noqa: BLE001 - cleanup after an error; the first error is what counts
            pass

    # -- transactions ----------------------------------------------------------------------
    def begin_steps(self, readonly: bool = False) -> Steps:
        if self.tx_open:
            raise DriverError(
                f"a transaction is already open on {self.url}", backend=BACKEND, url=self.url,
                hint="commit() or rollback() it before begin()",
            )
        ro = bool(readonly) or self.readonly
        yield SqlStep("BEGIN READ ONLY" if ro else "BEGIN")
        self.tx_open, self.tx_readonly = True, ro

    def commit_steps(self) -> Steps:
        if not self.tx_open:
            raise DriverError(
                f"no transaction is open on {self.url} to commit", backend=BACKEND, url=self.url,
                hint="call begin() first (statements outside a transaction commit on their own)",
            )
        ro = self.tx_readonly
        self.tx_open = self.tx_readonly = False
        try:
            yield SqlStep("ROLLBACK" if ro else "COMMIT")
        except Exception as exc:
            if connection_lost(exc):
                import psycopg.errors as pe

                if isinstance(exc, pe.AdminShutdown | pe.CrashShutdown | pe.CannotConnectNow):
                    outcome = "the server ended the connection before COMMIT, so the transaction was not committed"
                    hint = "run the transaction again once the server answers (the driver reconnects on its next call)"
                else:
                    outcome = (
                        "the connection broke while COMMIT was on its way: PostgreSQL rolls the transaction back "
                        "unless COMMIT had reached it, so whether it was committed is unknown"
                    )
                    hint = "check what the graph holds before running the transaction again"
                raise DriverError(
                    f"COMMIT on graph '{self.graph_name}' at {self.url} failed: {outcome} ({_first_line(exc, self._password)})",
                    backend=BACKEND, url=self.url, hint=hint,
                ) from exc
            raise self.error(exc, "COMMIT", None, readonly=ro, timeout=None, offset=0) from exc

    def rollback_steps(self) -> Steps:
        """ROLLBACK; after a lost connection there is nothing to undo (the server ended the
        transaction with the connection), so that is not an error."""
        if not self.tx_open:
            return
        self.tx_open = self.tx_readonly = False
        try:
            yield SqlStep("ROLLBACK")
        except Exception as exc:
            if connection_lost(exc):
                return
            raise self.error(exc, "ROLLBACK", None, readonly=False, timeout=None, offset=0) from exc

    # -- errors ----------------------------------------------------------------------------
    def readonly_error(self, query: str, params: Mapping[str, Any] | None, *, transaction: bool = False) -> ReadOnlyError:
        where = "the read-only transaction was rolled back" if transaction else "the statement was rolled back"
        return ReadOnlyError(
            f"the query tried to write to graph '{self.graph_name}' in read-only mode; {where} and nothing was kept",
            query=query, param_names=_names(params), backend=BACKEND,
            hint="drop readonly=True (on the call, the transaction or the driver) to write",
        )

    def connect_error(self, exc: BaseException) -> Exception:
        """runic's error for a failed connect (raise it ``from exc``); ``exc`` and its chain
        lose the connection options psycopg keeps on them (the password among them)."""
        _forget_connection_info(exc)
        text = _first_line(exc, self._password)
        low = text.lower()
        if "password" in low or "authentication" in low or "role" in low and "does not exist" in low:
            return ConnectionFailedError(
                f"PostgreSQL at {self.url} refused the login: {text}", backend=BACKEND, url=self.url, reason="auth",
                hint="check username and password",
            )
        if "ssl" in low or "certificate" in low:
            return ConnectionFailedError(
                f"TLS to PostgreSQL at {self.url} failed: {text}", backend=BACKEND, url=self.url, reason="tls",
                hint="check sslmode and the server certificate",
            )
        return ConnectionFailedError(
            f"cannot reach PostgreSQL at {self.url}: {text}", backend=BACKEND, url=self.url, reason="unreachable",
            hint="check that the server runs and host/port are right",
        )

    def error(self, exc: BaseException, query: str, params: Mapping[str, Any] | None, *, readonly: bool, timeout: float | None, offset: int, sent: str | None = None) -> Exception:
        """The runic error for a psycopg exception (raise it ``from exc``).

        ``sent`` is the Cypher text the server saw, when runic rewrote ``query``; positions
        refer to it.
        """
        if isinstance(exc, (QueryError, DriverError, AgtypeParameterError)):
            return exc
        import psycopg
        import psycopg.errors as pe

        names = _names(params)
        if connection_lost(exc):
            lost = " with the open transaction (nothing of it was kept)" if self.tx_open else ""
            return DriverError(
                f"the connection to PostgreSQL at {self.url} was lost{lost}: {_first_line(exc, self._password)}",
                backend=BACKEND, url=self.url,
                hint="check that the server runs; the driver reconnects on its next call once it answers",
            )
        if not isinstance(exc, psycopg.Error):
            return DriverError(
                f"Apache AGE at {self.url} failed: {type(exc).__name__}: {_first_line(exc, self._password)}",
                backend=BACKEND, url=self.url, hint="retry; if it persists, check the server log",
            )
        diag = exc.diag
        message = _redact(diag.message_primary or _first_line(exc, None), self._password)
        common: dict[str, Any] = {
            "query": query, "param_names": names, "backend": BACKEND,
            "backend_message": message, "code": getattr(exc, "sqlstate", None),
        }
        if isinstance(exc, pe.QueryCanceled):
            if timeout is not None:
                return QueryTimeoutError(
                    f"the query ran past its timeout ({timeout:g} s) on graph '{self.graph_name}' and was cancelled",
                    timeout_s=timeout, hint="add an index or a LIMIT, or pass a larger timeout=", **common,
                )
            return QueryError(f"the query on graph '{self.graph_name}' was cancelled: {message}", hint="run it again", **common)
        if _is_readonly_refusal(exc):
            return ReadOnlyError(
                f"PostgreSQL refused a write to graph '{self.graph_name}' in read-only mode; nothing was kept",
                hint="drop readonly=True (on the call, the transaction or the driver) to write", **common,
            )
        if isinstance(exc, pe.UniqueViolation):
            label = diag.table_name
            index = diag.constraint_name or ""
            prefix = f"runic_{label}_" if label else ""
            field = index[len(prefix):] if prefix and index.startswith(prefix) else None
            what = f"{label}.{field}" if label and field else (label or "a label")
            return ConstraintViolationError(
                f"the write broke a uniqueness constraint on {what} (index {index or '?'})",
                label=label, field=field, hint="load the existing one with get(), or write with bulk_save(..., key=...)", **common,
            )
        if isinstance(exc, pe.InFailedSqlTransaction):
            return QueryError(
                f"the transaction on graph '{self.graph_name}' failed earlier and ignores further statements",
                hint="call rollback(), then run the work again", **common,
            )
        line = column = position = None
        detail = f"Apache AGE rejected the query: {message}"
        if diag.statement_position:
            text = sent if sent is not None else query
            pos = int(diag.statement_position) - 1 - offset
            if 0 <= pos <= len(text):
                before = text[:pos]
                line = before.count("\n") + 1
                column = pos - (before.rfind("\n") + 1) + 1
                position = pos
                lines = text.splitlines() or [""]
                src = lines[line - 1] if line <= len(lines) else ""
                detail += f" (line {line}, column {column})\n  {src}\n  {' ' * (column - 1)}^"
        return QueryError(detail, line=line, column=column, position=position, hint=_hint_for(message), **common)


def connection_lost(exc: BaseException) -> bool:
    """True for psycopg's errors that mean the connection itself is gone."""
    import psycopg
    import psycopg.errors as pe

    if isinstance(exc, pe.AdminShutdown | pe.CrashShutdown):  # pg_terminate_backend, server stop
        return True
    return (
        isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError)
        and not isinstance(exc, pe.QueryCanceled)
        and getattr(exc, "sqlstate", None) is None
    )


def _forget_connection_info(exc: BaseException | None) -> None:
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if getattr(exc, "_pgconn", None) is not None:
            exc._pgconn = None  # type: ignore[attr-defined]  # psycopg: the failed connection, with its conninfo
        exc = exc.__cause__ or exc.__context__


def _is_readonly_refusal(exc: BaseException) -> bool:
    return getattr(exc, "sqlstate", None) == "25006"


def _names(params: Mapping[str, Any] | None) -> list[str]:
    return sorted(str(k) for k in params) if params else []


def _redact(text: str, password: str | None) -> str:
    return text.replace(password, "***") if password else text


def _first_line(exc: BaseException, password: str | None) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = " ".join(lines[:2]) if lines else type(exc).__name__
    return _redact(text, password)


def _hint_for(message: str) -> str:
    low = message.lower()
    if "does not exist" in low and "function" in low:
        return "Apache AGE lacks that function; check its Cypher docs for an equivalent"
    if "invalid memory alloc" in low:
        return "AGE builds lists such as range() whole in memory; use smaller ranges or batches"
    if "syntax error" in low:
        return "fix the Cypher syntax near the caret and run it again"
    return "fix the query and run it again"

"""Bolt drivers (Neo4j, Memgraph, ArcadeDB) on the ``neo4j`` client package.

``BoltDriver`` and ``AsyncBoltDriver`` are thin shells over ``BoltCore``
(``_bolt_core.py``), which converts values, summaries and errors without I/O; the
dialects live in ``_bolt_dialects.py`` and ``driver.schema`` in ``_bolt_schema.py``. The
dialect comes from the caller, the URI scheme (``memgraph://``, ``arcadedb://``) or the
server agent (``memgraph``/``arcadedb`` in it, else Neo4j).

Read-only: Neo4j runs the statement in a READ access-mode transaction and refuses writes
itself; Memgraph and ArcadeDB do not enforce the mode, so the statement runs in an explicit
transaction that is always rolled back, and counters that show changes raise
``ReadOnlyError`` (nothing was kept).

Timeouts: sent to the server as the transaction timeout, and enforced on the client too
(the connection of a statement past its limit is closed, which ends its transaction);
``QueryTimeoutError`` follows and the driver stays usable. Neo4j stops the statement;
ArcadeDB ignores the transaction timeout and finishes the statement on the server (its
writes are rolled back with the closed connection).

Reads: a result is pulled whole (``fetch_size=-1`` unless the caller sets one), the records
stay the client's tuples until ``BoltCore`` converts them column by column (plain scalars
are kept as they are), and the sync driver reads through a read-ahead buffer
(``_bolt_readahead.py``). ``execute(..., progress=f)`` calls ``f(rows)`` every
``PROGRESS_EVERY`` rows; an interrupt while rows arrive raises ``FetchInterrupted`` with
the number of rows that had arrived (the sync driver closes that connection, which may
have stopped mid-message; the asyncio one discards the rest with its session).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Callable, Mapping
from typing import Any, Self, TypeVar

from runic.ogm.core.flow import Flow, run_flow, run_flow_async
from runic.ogm.exceptions import DriverError, FetchInterrupted, SessionError

from ._bolt_core import BoltCore, client_uri_for
from ._bolt_dialects import MemgraphDialect, Neo4jDialect, dialect_for_agent
from ._bolt_dialects import dialect_named as _dialect_named
from ._bolt_flows import (
    FetchPlan,
    FinishTransaction,
    LearnDialect,
    OpenTransaction,
    RunStatement,
    StatementTimedOut,
    begin_flow,
    commit_flow,
    execute_flow,
    explain_flow,
)
from ._bolt_readahead import install_read_ahead
from .base import DriverState, GraphDialect
from .result import GraphResult
from .urls import Secret, redact_url, split_userinfo

T = TypeVar("T")

__all__ = [
    "AsyncBoltDriver",
    "BoltDriver",
    "MemgraphDialect",
    "Neo4jDialect",
    "create_memgraph_driver",
    "create_neo4j_driver",
    "dialect_for_agent",
]


#: ``fetch_size`` that asks the server for all of a result at once (no PULL per 1,000 rows)
WHOLE_RESULT = -1


# -- shared shell state -------------------------------------------------------------------------------
def _split_auth(auth: Any) -> tuple[str | None, Secret]:
    if auth is None:
        return None, Secret(None)
    if isinstance(auth, (tuple, list)) and len(auth) == 2:
        return (str(auth[0]) if auth[0] is not None else None), Secret(auth[1] if auth[1] else None)
    principal = getattr(auth, "principal", None)
    credentials = getattr(auth, "credentials", None)
    if principal is not None or credentials is not None:
        return principal, Secret(credentials)
    raise TypeError("auth must be (username, password) or a neo4j Auth object")


def _display_url(uri: str, username: str | None, password: Secret, database: str | None) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(uri)
    user = parts.username or username
    auth = ""
    if user or password:
        auth = (user or "") + (":***" if password or parts.password else "") + "@"
    host = parts.hostname or "localhost"
    port = parts.port or 7687
    path = f"/{database}" if database else ""
    return redact_url(f"{parts.scheme}://{auth}{host}:{port}{path}")


class _BoltBase(DriverState):
    """State both shells share; no I/O."""

    _client_module: str = "GraphDatabase"

    def __init__(
        self,
        uri: str,
        auth: Any = None,
        database: str | None = None,
        dialect: GraphDialect | str | None = None,
        *,
        encrypted: bool | None = None,
        readonly: bool = False,
        timeout: float | None = None,
        http_port: int | None = None,
        connection_timeout: float = 10.0,
        **client_config: Any,
    ) -> None:
        try:
            import neo4j
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise DriverError(
                "the Bolt driver needs the 'neo4j' package",
                backend="bolt",
                hint="install runic with the 'neo4j' extra (pip install 'runic[neo4j]')",
            ) from exc
        client_uri, scheme_dialect = client_uri_for(uri, encrypted)
        username, password = _split_auth(auth)
        from urllib.parse import unquote, urlsplit

        prefix, userinfo, rest = split_userinfo(uri)
        parts = urlsplit(prefix + rest)
        if userinfo is not None:
            user, colon, secret = userinfo.partition(":")
            if username is None and user:
                username = unquote(user)
            if not password and colon and secret:
                password = Secret(unquote(secret))
        if isinstance(dialect, str):
            dialect = _dialect_named(dialect.lower())
        self._dialect: GraphDialect | None = dialect or _dialect_named(scheme_dialect)
        scheme = parts.scheme.lower()
        display_scheme = scheme
        if encrypted is True and "+" not in scheme:
            display_scheme = f"{scheme}+s"
        elif encrypted is False:
            display_scheme = scheme.split("+")[0]
        url = _display_url(f"{display_scheme}://{parts.netloc}", username, password, database)
        self._core = BoltCore(
            client_uri=client_uri,
            url=url,
            backend=self._dialect.name if self._dialect else "bolt",
            database=database,
            username=username,
            password=password,
            readonly=readonly,
            timeout=timeout,
        )
        self.http_port = http_port
        self._closed = False
        self._tx: Any = None
        self._tx_session: Any = None
        self._tx_readonly = False
        #: results are pulled whole (runic keeps every row anyway) unless the caller chose
        self._fetch_size = client_config.get("fetch_size", WHOLE_RESULT)
        factory = getattr(neo4j, self._client_module)
        client_auth = (
            neo4j.basic_auth(username or "", password.reveal() or "")
            if (username or password)
            else None
        )
        try:
            self._driver = factory.driver(
                client_uri, auth=client_auth, connection_timeout=connection_timeout, **client_config
            )
        except (neo4j.exceptions.ConfigurationError, ValueError) as exc:
            raise self._core.connection_error(exc) from None

    def _statement_flow(
        self,
        query: str,
        params: Mapping[str, Any] | None,
        readonly: bool | None,
        timeout: float | None,
        progress: Callable[[int], Any] | None,
        *,
        columnar: bool = False,
    ) -> Flow[GraphResult]:
        """The core's flow for one statement, in the open transaction if there is one."""
        return execute_flow(
            self._core,
            query,
            params,
            readonly,
            timeout,
            in_transaction=self._tx is not None,
            transaction_readonly=self._tx_readonly,
            columnar=columnar,
            progress=progress,
        )

    @classmethod
    def from_params(
        cls,
        host: str = "localhost",
        port: int = 7687,
        database: str | None = None,
        username: str | None = None,
        password: str | None = None,
        *,
        scheme: str = "bolt",
        dialect: GraphDialect | str | None = None,
        encrypted: bool | None = None,
        **kwargs: Any,
    ) -> Self:
        """A driver from host/port/credentials instead of a URI."""
        auth = (username or "", password or "") if (username or password) else None
        return cls(
            f"{scheme}://{host}:{int(port)}", auth, database, dialect, encrypted=encrypted, **kwargs
        )

    # -- public state --------------------------------------------------------------------
    @property
    def database(self) -> str | None:
        return self._core.database

    @property
    def backend(self) -> str:
        return self.dialect.name

    @property
    def neo4j_driver(self) -> Any:
        """The underlying ``neo4j`` driver (for what runic does not wrap)."""
        return self._driver

    def in_transaction(self) -> bool:
        return self._tx is not None

    def _set_dialect(self, dialect: GraphDialect) -> None:
        self._dialect = dialect
        self._core.backend = dialect.name

    def _session_kwargs(self, readonly: bool) -> dict[str, Any]:
        import neo4j

        kwargs: dict[str, Any] = {
            "default_access_mode": neo4j.READ_ACCESS if readonly else neo4j.WRITE_ACCESS,
            "fetch_size": self._fetch_size,
        }
        if self._core.database:
            kwargs["database"] = self._core.database
        return kwargs

    def _check_open(self) -> None:
        if self._closed:
            raise SessionError(
                f"{type(self).__name__} for {self.url} is closed — create a new driver"
            )

    def _node_id(self) -> Any:
        return getattr(self.dialect, "decode_id", None)

    def _no_tx_error(self, what: str) -> SessionError:
        return SessionError(
            f"{what}() without an open transaction on {self.url} — call begin() first"
        )

    def __repr__(self) -> str:
        name = self._dialect.name if self._dialect else "auto"
        state = " closed" if self._closed else ""
        return f"<{type(self).__name__} {self.url} dialect={name}{state}>"


def _kill_connection(holder: Any) -> None:
    """Close the socket under a running statement so its blocking read ends (timeout)."""
    connection = getattr(holder, "_connection", None)
    sock = getattr(getattr(connection, "socket", None), "_socket", None)
    if sock is None:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class _Watchdog:
    """Ends a statement's connection when it runs past ``timeout`` seconds."""

    def __init__(self, holder: Any, timeout: float | None) -> None:
        self.fired = False
        self._timer: threading.Timer | None = None
        if timeout is not None:
            self._timer = threading.Timer(timeout, self._fire, args=(holder,))
            self._timer.daemon = True

    def _fire(self, holder: Any) -> None:
        self.fired = True
        _kill_connection(holder)

    def __enter__(self) -> Self:
        if self._timer is not None:
            self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()


# -- sync -----------------------------------------------------------------------------------------------
class BoltDriver(_BoltBase):
    """A synchronous Bolt connection (Neo4j, Memgraph, ArcadeDB) to one database.

    ``BoltDriver("neo4j+s://db:7687", auth=("alice", pw), database="neo4j")``; with no
    ``dialect`` the server agent decides. ``encrypted`` rewrites the scheme (None: the
    scheme decides). Transactions: ``begin(readonly=False)``, ``commit()``, ``rollback()``.
    """

    _client_module = "GraphDatabase"

    @property
    def dialect(self) -> GraphDialect:
        """The dialect; asked of the server agent on first use when not given."""
        if self._dialect is None:
            self._check_open()
            try:
                info = self._driver.get_server_info()
            except Exception as exc:
                raise self._core.connection_error(exc) from exc
            self._set_dialect(dialect_for_agent(getattr(info, "agent", None)))
        assert self._dialect is not None
        return self._dialect

    def verify_connectivity(self) -> None:
        """Connect and log in now; ``ConnectionFailedError`` says why not."""
        self._check_open()
        try:
            self._driver.verify_connectivity()
        except Exception as exc:
            raise self._core.connection_error(exc) from exc

    @property
    def schema(self) -> Any:
        """Live labels, types, property keys and indexes (``SchemaOps``)."""
        from ._bolt_schema import BoltSchema

        return BoltSchema(self)

    # -- flows (``_bolt_flows.py``) and the steps this shell performs ------------------------
    def _run(self, flow: Flow[T]) -> T:
        self._check_open()
        return run_flow(flow, self._perform)

    def _perform(self, step: Any) -> Any:
        if isinstance(step, RunStatement):
            return self._run_statement(step)
        if isinstance(step, LearnDialect):
            return self.dialect
        if isinstance(step, FetchPlan):
            with self._driver.session(**self._session_kwargs(False)) as session:
                result = session.run(step.query, step.params)
                rows = [list(r) for r in result]
                return rows, result.consume()
        if isinstance(step, OpenTransaction):
            session = self._driver.session(**self._session_kwargs(step.readonly))
            try:
                self._tx = session.begin_transaction()
            except Exception:
                session.close()
                raise
            self._tx_session, self._tx_readonly = session, step.readonly
            return None
        if isinstance(step, FinishTransaction):
            tx, session = self._tx, self._tx_session
            self._tx = self._tx_session = None
            try:
                tx.commit() if step.commit else tx.rollback()
            finally:
                session.close()
            return None
        self._abandon_tx()
        return None

    def _run_statement(self, step: RunStatement) -> tuple[list[str], list[Any], Any]:
        """Run a statement; past its timeout the watchdog ends its connection."""
        import neo4j

        watchdog: _Watchdog | None = None
        backend = self._core.backend
        try:
            if self._tx is not None:
                with _Watchdog(self._tx, step.timeout) as watchdog:
                    return _consume(self._tx.run(step.query, step.params), step.progress, backend)
            with self._driver.session(**self._session_kwargs(step.readonly)) as session:
                if step.readonly:
                    tx = session.begin_transaction(timeout=step.timeout)
                    done = False
                    try:
                        with _Watchdog(tx, step.timeout) as watchdog:
                            reply = _consume(tx.run(step.query, step.params), step.progress, backend)
                        done = True
                        return reply
                    finally:
                        _close_tx(tx, commit=done and step.commit_read and not watchdog_fired(watchdog))
                with _Watchdog(session, step.timeout) as watchdog:
                    return _consume(session.run(neo4j.Query(step.query, timeout=step.timeout), step.params), step.progress, backend)
        except FetchInterrupted:
            if self._tx is not None:
                self._abandon_tx()
            raise
        except Exception as exc:
            if watchdog_fired(watchdog):
                raise StatementTimedOut(exc) from exc
            raise

    def execute(
        self,
        query: str,
        params: Mapping[str, Any] | None = None,
        *,
        readonly: bool | None = None,
        timeout: float | None = None,
        progress: Callable[[int], Any] | None = None,
    ) -> GraphResult:
        """Run one statement; auto-commits unless a transaction is open.

        ``progress(rows)`` is called every ``PROGRESS_EVERY`` rows while they arrive; an
        interrupt meanwhile raises ``FetchInterrupted`` counting them."""
        return self._run(
            self._statement_flow(query, params, readonly, timeout, progress)
        )

    def execute_columns(
        self,
        query: str,
        params: Mapping[str, Any] | None = None,
        *,
        readonly: bool | None = None,
        timeout: float | None = None,
        progress: Callable[[int], Any] | None = None,
    ) -> tuple[list[str], list[list[Any]], Any]:
        """Run one statement and return ``(columns, data, summary)`` with ``data[j]`` the
        values of column ``j`` — the fast path for building DataFrames."""
        result = self._run(
            self._statement_flow(query, params, readonly, timeout, progress, columnar=True)
        )
        return result.columns, result.rows.columns_data, result.summary

    def explain(
        self, query: str, params: Mapping[str, Any] | None = None, *, profile: bool = False
    ) -> list[str]:
        """The server's plan as text lines (``EXPLAIN``/``PROFILE``)."""
        return self._run(explain_flow(self._core, query, params, profile))

    # -- transactions ---------------------------------------------------------------------
    def begin(self, readonly: bool | None = None) -> None:
        """Open an explicit transaction; statements run in it until commit() or rollback()."""
        self._run(begin_flow(self._core, readonly, in_transaction=self._tx is not None))

    def commit(self) -> None:
        """Commit the open transaction (a read-only one on Memgraph/ArcadeDB is rolled back)."""
        self._run(commit_flow(self._core, in_transaction=self._tx is not None, transaction_readonly=self._tx_readonly))

    def rollback(self) -> None:
        """Undo everything since begin(). Without an open transaction: nothing happens."""
        if self._tx is None:
            return
        self._abandon_tx()

    def _abandon_tx(self) -> None:
        tx, session = self._tx, self._tx_session
        self._tx = self._tx_session = None
        # the transaction may already be dead (timeout, closed connection): clean up quietly
        with contextlib.suppress(Exception):
            tx.rollback()
        with contextlib.suppress(Exception):
            session.close()

    def close(self) -> None:
        """Close the connections. Idempotent; an open transaction is rolled back."""
        if self._closed:
            return
        if self._tx is not None:
            self._abandon_tx()
        self._closed = True
        self._driver.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- async ----------------------------------------------------------------------------------------------
class AsyncBoltDriver(_BoltBase):
    """The asyncio twin of ``BoltDriver``: the same members, I/O as coroutines.

    With no ``dialect`` and a ``bolt://``/``neo4j://`` URI, ``await driver.connect()``
    (or the first ``execute``) asks the server agent; until then ``dialect`` is Neo4j's.
    """

    _client_module = "AsyncGraphDatabase"

    @property
    def dialect(self) -> GraphDialect:
        return self._dialect or Neo4jDialect()

    async def connect(self) -> AsyncBoltDriver:
        """Connect and log in now, and learn the dialect from the server when not given."""
        self._check_open()
        try:
            await self._driver.verify_connectivity()
            if self._dialect is None:
                info = await self._driver.get_server_info()
                self._set_dialect(dialect_for_agent(getattr(info, "agent", None)))
        except Exception as exc:
            raise self._core.connection_error(exc) from exc
        return self

    verify_connectivity = connect

    @property
    def schema(self) -> Any:
        from ._bolt_schema import AsyncBoltSchema

        return AsyncBoltSchema(self)

    # -- flows (``_bolt_flows.py``) and the steps this shell performs ------------------------
    async def _run(self, flow: Flow[T]) -> T:
        self._check_open()
        return await run_flow_async(flow, self._perform)

    async def _perform(self, step: Any) -> Any:
        if isinstance(step, RunStatement):
            return await self._run_statement(step)
        if isinstance(step, LearnDialect):
            if self._dialect is None:
                await self.connect()
            return self.dialect
        if isinstance(step, FetchPlan):
            async with self._driver.session(**self._session_kwargs(False)) as session:
                result = await session.run(step.query, step.params)
                rows = [list(r.values()) async for r in result]
                return rows, await result.consume()
        if isinstance(step, OpenTransaction):
            session = self._driver.session(**self._session_kwargs(step.readonly))
            try:
                self._tx = await session.begin_transaction()
            except Exception:
                await session.close()
                raise
            self._tx_session, self._tx_readonly = session, step.readonly
            return None
        if isinstance(step, FinishTransaction):
            tx, session = self._tx, self._tx_session
            self._tx = self._tx_session = None
            try:
                await (tx.commit() if step.commit else tx.rollback())
            finally:
                await session.close()
            return None
        await self._abandon_tx()
        return None

    async def _run_statement(self, step: RunStatement) -> tuple[list[str], list[Any], Any]:
        """Run a statement; past its timeout ``asyncio.wait_for`` cancels it."""
        import neo4j

        backend = self._core.backend

        async def run() -> tuple[list[str], list[Any], Any]:
            if self._tx is not None:
                return await _aconsume(self._tx.run(step.query, step.params), step.progress, backend)
            async with self._driver.session(**self._session_kwargs(step.readonly)) as session:
                if step.readonly:
                    tx = await session.begin_transaction(timeout=step.timeout)
                    done = False
                    try:
                        reply = await _aconsume(tx.run(step.query, step.params), step.progress, backend)
                        done = True
                        return reply
                    finally:
                        await _aclose_tx(tx, commit=done and step.commit_read)
                return await _aconsume(session.run(neo4j.Query(step.query, timeout=step.timeout), step.params), step.progress, backend)

        try:
            return await asyncio.wait_for(run(), step.timeout)
        except TimeoutError as exc:
            raise StatementTimedOut(exc) from exc
        except FetchInterrupted:
            if self._tx is not None:
                await self._abandon_tx()
            raise

    async def execute(
        self,
        query: str,
        params: Mapping[str, Any] | None = None,
        *,
        readonly: bool | None = None,
        timeout: float | None = None,
        progress: Callable[[int], Any] | None = None,
    ) -> GraphResult:
        """Run one statement; auto-commits unless a transaction is open."""
        return await self._run(
            self._statement_flow(query, params, readonly, timeout, progress)
        )

    async def execute_columns(
        self,
        query: str,
        params: Mapping[str, Any] | None = None,
        *,
        readonly: bool | None = None,
        timeout: float | None = None,
        progress: Callable[[int], Any] | None = None,
    ) -> tuple[list[str], list[list[Any]], Any]:
        """Run one statement and return ``(columns, data, summary)`` column by column."""
        result = await self._run(
            self._statement_flow(query, params, readonly, timeout, progress, columnar=True)
        )
        return result.columns, result.rows.columns_data, result.summary

    async def explain(
        self, query: str, params: Mapping[str, Any] | None = None, *, profile: bool = False
    ) -> list[str]:
        return await self._run(explain_flow(self._core, query, params, profile))

    async def begin(self, readonly: bool | None = None) -> None:
        self._check_open()
        if self._tx is None:
            self._core.refuse_loosening(readonly)
            if self._dialect is None:
                await self.connect()
        await self._run(begin_flow(self._core, readonly, in_transaction=self._tx is not None))

    async def commit(self) -> None:
        await self._run(commit_flow(self._core, in_transaction=self._tx is not None, transaction_readonly=self._tx_readonly))

    async def rollback(self) -> None:
        if self._tx is None:
            return
        await self._abandon_tx()

    async def _abandon_tx(self) -> None:
        tx, session = self._tx, self._tx_session
        self._tx = self._tx_session = None
        with contextlib.suppress(Exception):
            await tx.rollback()
        with contextlib.suppress(Exception):
            await session.close()

    async def close(self) -> None:
        if self._closed:
            return
        if self._tx is not None:
            await self._abandon_tx()
        self._closed = True
        await self._driver.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


# -- helpers ----------------------------------------------------------------------------------------------
def watchdog_fired(watchdog: _Watchdog | None) -> bool:
    return bool(watchdog is not None and watchdog.fired)


#: rows between two calls of a fetch's ``progress`` callback
PROGRESS_EVERY = 1000


def _interrupted(result: Any, rows: int, backend: str, *, cut: bool = True) -> FetchInterrupted:
    """The report of a fetch cut by an interrupt. ``cut``: the sync client may have stopped
    in the middle of a message, so its connection is closed (the pool drops it); the asyncio
    client stops between records, and closing its session discards the rest."""
    if cut:
        _kill_connection(result)
    return FetchInterrupted(
        f"the query on {backend} was interrupted after {rows:,} rows had arrived; they are dropped",
        hint="add a LIMIT, or a timeout to stop long queries on the server",
        rows_fetched=rows,
        backend=backend,
    )


def _consume(result: Any, progress: Callable[[int], Any] | None = None, backend: str = "bolt") -> tuple[list[str], list[Any], Any]:
    """``(keys, records, summary)`` of a running statement; records are the client's own
    (tuples), converted later by the core."""
    keys = list(result.keys())
    install_read_ahead(result)
    records: list[Any] = []
    try:
        if progress is None:
            records.extend(result)
        else:
            add = records.append
            mark = PROGRESS_EVERY
            for record in result:
                add(record)
                mark -= 1
                if not mark:
                    mark = PROGRESS_EVERY
                    progress(len(records))
            progress(len(records))
    except KeyboardInterrupt:
        raise _interrupted(result, len(records), backend) from None
    return keys, records, result.consume()


async def _aconsume(pending: Any, progress: Callable[[int], Any] | None = None, backend: str = "bolt") -> tuple[list[str], list[Any], Any]:
    result = await pending
    keys = list(result.keys())
    records: list[Any] = []
    add = records.append
    mark = PROGRESS_EVERY
    try:
        async for record in result:
            add(record)
            mark -= 1
            if not mark:
                mark = PROGRESS_EVERY
                if progress is not None:
                    progress(len(records))
        if progress is not None:
            progress(len(records))
    except KeyboardInterrupt:
        raise _interrupted(result, len(records), backend, cut=False) from None
    return keys, records, await result.consume()


def _close_tx(tx: Any, *, commit: bool) -> None:
    try:
        if commit:
            tx.commit()
        else:
            tx.rollback()
    except Exception:
        if commit:
            raise
    finally:
        with contextlib.suppress(Exception):
            tx.close()


async def _aclose_tx(tx: Any, *, commit: bool) -> None:
    try:
        if commit:
            await tx.commit()
        else:
            await tx.rollback()
    except Exception:
        if commit:
            raise
    finally:
        with contextlib.suppress(Exception):
            await tx.close()


# -- factories -----------------------------------------------------------------------------------------------
def bolt_family_driver(
    scheme: str,
    dialect: GraphDialect,
    async_: bool,
    host: str,
    port: int,
    database: str | None,
    username: str | None,
    password: str | None,
    **kwargs: Any,
) -> BoltDriver | AsyncBoltDriver:
    """A ``BoltDriver`` (``AsyncBoltDriver`` with ``async_``) for one server of the Bolt
    family: what ``create_neo4j_driver``, ``create_memgraph_driver`` and
    ``create_arcadedb_driver`` have in common."""
    cls = AsyncBoltDriver if async_ else BoltDriver
    return cls.from_params(host, port, database, username, password, scheme=scheme, dialect=dialect, **kwargs)


def create_neo4j_driver(
    host: str = "localhost",
    port: int = 7687,
    database: str | None = None,
    username: str | None = "neo4j",
    password: str | None = None,
    *,
    encrypted: bool = True,
    async_: bool = False,
    readonly: bool = False,
    timeout: float | None = None,
    **kwargs: Any,
) -> BoltDriver | AsyncBoltDriver:
    """A Bolt driver with the Neo4j dialect (TLS on by default: ``bolt+s://``)."""
    return bolt_family_driver(
        "bolt", Neo4jDialect(), async_, host, port, database, username, password,
        encrypted=encrypted, readonly=readonly, timeout=timeout, **kwargs,
    )


def create_memgraph_driver(
    host: str = "localhost",
    port: int = 7687,
    database: str | None = None,
    username: str | None = "",
    password: str | None = "",
    *,
    encrypted: bool = False,
    async_: bool = False,
    readonly: bool = False,
    timeout: float | None = None,
    **kwargs: Any,
) -> BoltDriver | AsyncBoltDriver:
    """A Bolt driver with the Memgraph dialect (plaintext by default)."""
    return bolt_family_driver(
        "memgraph", MemgraphDialect(), async_, host, port, database, username, password,
        encrypted=encrypted, readonly=readonly, timeout=timeout, **kwargs,
    )

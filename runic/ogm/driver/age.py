"""Apache AGE (PostgreSQL's graph extension): dialect, sync and async drivers, factory.

AGE runs Cypher inside SQL: ``SELECT * FROM ag_catalog.cypher('<graph>', $runic$<query>$runic$,
$1) AS (c0 agtype, ...)``. ``AGEDialect.wrap_query`` writes that call, naming one column per
RETURN item; every parameter travels in ONE agtype map bound as ``$1`` with agtype's OID
(AGE refuses casts and literals in that place). Results come back as agtype text and are
decoded into plain values and ``NodeRecord``/``EdgeRecord``/``PathRecord``.

A vertex has exactly one label on AGE; runic keeps every label of a node in its
``_labels`` property and filters subtypes with ``'Dog' IN n._labels``.

The drivers are psycopg 3 connections in autocommit mode with explicit transactions
(``begin()``/``commit()``/``rollback()``). ``readonly=True`` runs the statement in
``BEGIN READ ONLY`` … ``ROLLBACK``; ``timeout=`` sets ``statement_timeout`` for the
statement only, and the connection stays usable after it fires.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from runic.cypher import (
    CYPHER_KEYWORDS,
    escape_identifier,
    escape_string,
    is_plain_identifier,
    quote_identifier,
)
from runic.ogm.core.flow import run_flow, run_flow_async
from runic.ogm.exceptions import DriverError, UnsupportedFeatureError
from runic.ogm.schema.index_manager import IndexSpec

from ._age_agtype import LABELS_PROPERTY
from ._age_core import AGECore, AgtypeText, SqlStep, Steps
from ._age_cypher import return_columns, validate_graph_name, wrap_cypher
from ._age_schema import AGESchemaSteps
from .base import AsyncSchemaCapabilities, GraphDialect, GraphNamed, SchemaCapabilities
from .result import GraphResult
from .urls import ConnectionTarget, Secret, format_url

__all__ = ["AGEDialect", "AGEDriver", "AGESchema", "AsyncAGEDriver", "AsyncAGESchema", "create_age_driver"]


def _needs_map(name: str) -> bool:
    """True for a property name AGE refuses after a dot in ``SET`` (a keyword, any case)."""
    return name.lower() in CYPHER_KEYWORDS


class AGEDialect(GraphDialect):
    """How runic writes Cypher for Apache AGE."""

    name = "age"
    multiple_labels = False
    supports_undirected_merge = False
    transactional = True
    #: AGE's ``=~`` is PostgreSQL's regular-expression search
    regex_searches = True
    #: AGE drops the properties of all but the first row a ``MERGE`` inside ``UNWIND``
    #: creates, so bulk writes send one row per statement
    batched_merge = False
    #: ``id(n) = $x`` scans the label (no index on the id expression): bulk edges match
    #: their endpoints by an indexed key instead
    indexed_id_lookup = False

    def property_ref(self, var: str, prop: str) -> str:
        """``var.prop``; reserved words and names that need quoting are read by subscript
        (``var['order']``): AGE's parser refuses them after the dot, even backtick-quoted."""
        if is_plain_identifier(prop) and prop.lower() not in CYPHER_KEYWORDS:
            return f"{var}.{prop}"
        return f"{var}[{escape_string(prop)}]"

    def set_items(self, var: str, items: Sequence[tuple[str, str]]) -> str:
        """The body of a ``SET`` clause assigning each ``(property, expression)`` pair.

        Names AGE accepts after the dot become ``var.name = expr``; keywords (``order``,
        ``end``, ``limit``…) go in one ``var += {`order`: expr}`` map, the only form AGE's
        ``SET`` takes for them (a ``null`` there removes the property, as ``= NULL`` does)."""
        dotted = [f"{var}.{escape_identifier(name)} = {expr}" for name, expr in items if not _needs_map(name)]
        mapped = [f"{escape_identifier(name)}: {expr}" for name, expr in items if _needs_map(name)]
        if mapped:
            dotted.append(f"{var} += {{{', '.join(mapped)}}}")
        return ", ".join(dotted)

    # -- labels -------------------------------------------------------------------------
    def label_pattern(self, labels: Sequence[str] | str) -> str:
        """Only the first label goes into a pattern (AGE: one label per vertex)."""
        if isinstance(labels, str):
            labels = (labels,)
        return ":" + quote_identifier(labels[0]) if labels else ""

    def subtype_filter(self, alias: str, labels: Sequence[str] | str) -> str | None:
        """``'Dog' IN n._labels`` for every label after the first (None when there is one)."""
        if isinstance(labels, str):
            labels = (labels,)
        extra = [label for label in labels[1:] if label != labels[0]]
        if not extra:
            return None
        return " AND ".join(f"{escape_string(label)} IN {alias}.{LABELS_PROPERTY}" for label in extra)

    def label_properties(self, labels: Sequence[str] | str) -> dict[str, list[str]]:
        """Properties a created node with ``labels`` also stores: ``{"_labels": [...]}`` when
        it has more than one label, else ``{}``. Writers add them to the node's properties."""
        if isinstance(labels, str):
            return {}
        unique = list(dict.fromkeys(labels))
        return {LABELS_PROPERTY: unique} if len(unique) > 1 else {}

    # -- statements ---------------------------------------------------------------------
    def stored_labels(self, labels: tuple[str, ...]) -> tuple[str, ...]:
        """One label per vertex in AGE: the first; the rest travel in ``label_properties``."""
        return labels[:1]

    def render_index(self, label: str, field: str) -> str:
        """AGE has no Cypher index DDL: the PostgreSQL expression index ``driver.schema`` makes."""
        from ._age_schema import index_ddl

        return index_ddl("<graph>", IndexSpec(label, field))

    def wrap_query(self, graph_name: str, query: str, columns: Sequence[str] | None = None) -> str:
        """The SQL that runs ``query`` on ``graph_name``: ``SELECT * FROM ag_catalog.cypher(...)``.

        One ``%s`` placeholder (psycopg style) takes the parameter map; ``%`` in the query is
        doubled for psycopg. Columns come from ``columns`` or the RETURN items.
        """
        return wrap_cypher(graph_name, query, columns)[0]

    def return_columns(self, query: str) -> list[str]:
        """The column names of ``query``'s result (its last RETURN's items)."""
        return return_columns(query)

    def fulltext_call(self, label: str, index_name: str | None, query_param: str, alias: str, score: str) -> str:
        raise UnsupportedFeatureError(
            f"Apache AGE has no fulltext search (label {label})",
            backend="age", feature="fulltext search", alternative="PostgreSQL full-text search",
            hint="use PostgreSQL full-text search (to_tsvector/tsquery) on the label's table, or FalkorDB, Neo4j or Memgraph",
        )

    def vector_call(self, label: str, field: str, index_name: str | None, k_param: str, vector_param: str, alias: str, score: str) -> str:
        raise UnsupportedFeatureError(
            f"Apache AGE has no vector search ({label}.{field})",
            backend="age", feature="vector search", alternative="pgvector",
            hint="use pgvector on the label's table, or FalkorDB, Neo4j or Memgraph",
        )

    def vector_distance(self, expr: str, vector_param: str, similarity: str | None) -> str:
        raise UnsupportedFeatureError(
            f"Apache AGE cannot compute vector distances in Cypher ({expr}): it has no reduce() or list comprehension",
            backend="age", feature="vector search", alternative="pgvector",
            hint="use pgvector on the label's table, or FalkorDB, ArcadeDB, Neo4j or Memgraph",
        )


_DIALECT = AGEDialect()


def _url(host: str | None, port: int | None, database: str | None, graph: str, username: str | None, password: str | None) -> str:
    return format_url(ConnectionTarget(
        scheme="postgresql", backend="age", host=host or "localhost", port=port, username=username,
        password=Secret(password), database=database, graph=graph,
    ))


def _url_of_conn(conn: Any, graph: str) -> str:
    info = getattr(conn, "info", None)
    if info is None:
        return f"postgresql://localhost/?graph={graph}"
    return _url(info.host, info.port, info.dbname, graph, info.user, None)


def _register_agtype(conn: Any, oid: int) -> None:
    from psycopg.adapt import Dumper

    class _AgtypeDumper(Dumper):
        def dump(self, obj: str) -> bytes:
            return obj.encode("utf-8")

    _AgtypeDumper.oid = oid
    conn.adapters.register_dumper(AgtypeText, _AgtypeDumper)


class _AGEDriverBase(GraphNamed):
    """State shared by the twins; no I/O."""

    backend = "age"
    dialect: AGEDialect = _DIALECT

    def __init__(self, conn: Any, graph_name: str, *, url: str | None = None, readonly: bool = False, timeout: float | None = None, password: str | None = None) -> None:
        self._conn = conn
        self._core = AGECore(graph_name, url or _url_of_conn(conn, graph_name), readonly=readonly, timeout=timeout, password=password)
        self._closed = False
        self._ready = False

    @property
    def connection(self) -> Any:
        """The psycopg connection."""
        return self._conn

    def in_transaction(self) -> bool:
        return self._core.tx_open

    def wrap_query(self, query: str, columns: Sequence[str] | None = None) -> str:
        """The SQL this driver sends for ``query``."""
        return self.dialect.wrap_query(self.graph_name, query, columns)

    def __repr__(self) -> str:
        state = " closed" if self._closed else (" in transaction" if self._core.tx_open else "")
        return f"<{type(self).__name__} {self.url}{state}>"


class AGEDriver(_AGEDriverBase):
    """A synchronous connection to one AGE graph (psycopg 3)."""

    def __init__(self, conn: Any, graph_name: str, *, url: str | None = None, readonly: bool = False, timeout: float | None = None, create_graph: bool = True, password: str | None = None, connect: Any = None) -> None:
        super().__init__(conn, graph_name, url=url, readonly=readonly, timeout=timeout, password=password)
        self._connect = connect
        self._prepare(conn, create_graph)

    def _prepare(self, conn: Any, create_graph: bool) -> None:
        self._conn = conn
        self._ready = False
        if not conn.autocommit:
            conn.autocommit = True
        oid = self._run(self._core.setup_steps(create_graph))
        _register_agtype(conn, oid)
        self._ready = True

    def _reconnect_if_lost(self) -> None:
        """A connection the server ended (outside a transaction) is replaced by a new one."""
        if self._ready and self._connect is not None and self._conn.closed and not self._core.tx_open and not self._closed:
            try:
                conn = self._connect()
            except Exception as exc:
                raise self._core.connect_error(exc) from exc
            self._prepare(conn, False)

    def _run(self, steps: Steps) -> Any:
        self._reconnect_if_lost()
        try:
            return run_flow(steps, self._send)
        except BaseException as exc:
            if not isinstance(exc, Exception):
                # Ctrl-C: psycopg has cancelled the statement on the server; end runic's own frame
                self._recover()
            raise

    def _send(self, step: SqlStep) -> Any:
        cur = self._conn.execute(step.sql, step.args, prepare=False)
        return cur.fetchall() if cur.description is not None else []

    def _recover(self) -> None:
        """After an interrupt: roll back a transaction runic opened for one statement."""
        from psycopg.pq import TransactionStatus

        if self._core.tx_open or self._conn.closed:
            return
        try:
            if self._conn.info.transaction_status != TransactionStatus.IDLE:
                self._conn.execute("ROLLBACK")
        except Exception:  # noqa: BLE001 - the connection is broken; the next call reports it
            pass

    @property
    def schema(self) -> AGESchema:
        return AGESchema(self)

    def execute(self, query: str, params: Mapping[str, Any] | None = None, *, readonly: bool | None = None, timeout: float | None = None, columns: Sequence[str] | None = None) -> GraphResult:
        """Run one Cypher statement; auto-commits unless a transaction is open."""
        self._check_open()
        return self._run(self._core.execute_steps(query, params, readonly=readonly, timeout=timeout, columns=columns))

    def explain(self, query: str, params: Mapping[str, Any] | None = None, *, profile: bool = False) -> list[str]:
        """PostgreSQL's plan for the statement (``profile=True``: EXPLAIN ANALYZE, rolled back)."""
        self._check_open()
        return self._run(self._core.explain_steps(query, params, profile=profile))

    def begin(self, readonly: bool = False) -> None:
        self._check_open()
        self._run(self._core.begin_steps(readonly))

    def commit(self) -> None:
        self._check_open()
        self._run(self._core.commit_steps())

    def rollback(self) -> None:
        if self._closed:
            return
        self._run(self._core.rollback_steps())

    def drop_graph(self) -> None:
        """Delete this graph with everything in it (``drop_graph(name, true)``)."""
        self._check_open()
        self._run(_drop_graph_steps(self._core))

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._conn.close()

    def __enter__(self) -> AGEDriver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncAGEDriver(_AGEDriverBase):
    """The asyncio twin of ``AGEDriver`` (psycopg 3 ``AsyncConnection``).

    Built from a factory, it connects on first use; built from a connection, it prepares
    that connection (``LOAD 'age'``, search_path, graph) on first use.
    """

    def __init__(self, conn: Any, graph_name: str, *, url: str | None = None, readonly: bool = False, timeout: float | None = None, create_graph: bool = True, password: str | None = None, connect: Any = None) -> None:
        super().__init__(conn, graph_name, url=url, readonly=readonly, timeout=timeout, password=password)
        self._create_graph = create_graph
        self._connect = connect
        self._connect_lock: asyncio.Lock | None = None

    async def _ensure_ready(self) -> None:
        self._check_open()
        if self._ready and self._conn.closed and self._connect is not None and not self._core.tx_open:
            self._ready, self._conn = False, None  # the server ended it: connect again
        if self._ready:
            return
        if self._connect_lock is None:
            self._connect_lock = asyncio.Lock()
        async with self._connect_lock:
            if not self._ready:
                await self._prepare()

    async def _prepare(self) -> None:
        if self._conn is None:
            try:
                self._conn = await self._connect()
            except Exception as exc:
                raise self._core.connect_error(exc) from exc
        if not self._conn.autocommit:
            await self._conn.set_autocommit(True)
        oid = await self._run(self._core.setup_steps(self._create_graph))
        _register_agtype(self._conn, oid)
        self._ready = True

    async def connect(self) -> AsyncAGEDriver:
        """Connect now instead of on first use; returns the driver."""
        await self._ensure_ready()
        return self

    async def _run(self, steps: Steps) -> Any:
        try:
            return await run_flow_async(steps, self._send)
        except BaseException as exc:
            if not isinstance(exc, Exception):
                # task cancelled or Ctrl-C: psycopg has cancelled the statement on the server
                await self._recover()
            raise

    async def _send(self, step: SqlStep) -> Any:
        cur = await self._conn.execute(step.sql, step.args, prepare=False)
        return await cur.fetchall() if cur.description is not None else []

    async def _recover(self) -> None:
        """After a cancellation: roll back a transaction runic opened for one statement."""
        from psycopg.pq import TransactionStatus

        if self._core.tx_open or self._conn.closed:
            return
        try:
            if self._conn.info.transaction_status != TransactionStatus.IDLE:
                await self._conn.execute("ROLLBACK")
        except BaseException:  # noqa: BLE001 - the connection is broken; the next call reports it
            pass

    @property
    def schema(self) -> AsyncAGESchema:
        return AsyncAGESchema(self)

    async def execute(self, query: str, params: Mapping[str, Any] | None = None, *, readonly: bool | None = None, timeout: float | None = None, columns: Sequence[str] | None = None) -> GraphResult:
        await self._ensure_ready()
        return await self._run(self._core.execute_steps(query, params, readonly=readonly, timeout=timeout, columns=columns))

    async def explain(self, query: str, params: Mapping[str, Any] | None = None, *, profile: bool = False) -> list[str]:
        await self._ensure_ready()
        return await self._run(self._core.explain_steps(query, params, profile=profile))

    async def begin(self, readonly: bool = False) -> None:
        await self._ensure_ready()
        await self._run(self._core.begin_steps(readonly))

    async def commit(self) -> None:
        await self._ensure_ready()
        await self._run(self._core.commit_steps())

    async def rollback(self) -> None:
        if self._closed or not self._ready:
            return
        await self._run(self._core.rollback_steps())

    async def drop_graph(self) -> None:
        await self._ensure_ready()
        await self._run(_drop_graph_steps(self._core))

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._conn is not None:
            await self._conn.close()

    async def __aenter__(self) -> AsyncAGEDriver:
        await self._ensure_ready()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


def _drop_graph_steps(core: AGECore) -> Steps:
    if core.tx_open:
        raise DriverError(f"cannot drop graph '{core.graph_name}' inside a transaction", backend="age", url=core.url, hint="commit() or rollback() first")
    yield SqlStep("SELECT ag_catalog.drop_graph(%s::name, true)", (core.graph_name,))


class _AGESchemaMembers:
    """The members of ``driver.schema``, written once over ``AGESchemaSteps``: each runs a
    flow through ``_run``, which returns the answer (sync) or an awaitable (async). AGE
    holds exact and unique indexes only (``supports`` / ``unsupported_reason``)."""

    _run: Any

    def __init__(self, driver: Any) -> None:
        self._driver = driver
        self._steps = AGESchemaSteps(driver._core)

    def supports(self, spec: IndexSpec) -> bool:
        return self._steps.supports(spec)

    def unsupported_reason(self, spec: IndexSpec) -> str:
        return self._steps.unsupported_reason(spec)

    def labels(self) -> Any:
        return self._run(self._steps.labels())

    def relationship_types(self) -> Any:
        return self._run(self._steps.relationship_types())

    def property_keys(self) -> Any:
        return self._run(self._steps.property_keys())

    def list_indexes(self) -> Any:
        return self._run(self._steps.list_indexes())

    def create_index(self, spec: IndexSpec) -> Any:
        return self._run(self._steps.create_index(spec))

    def drop_index(self, spec: IndexSpec) -> Any:
        return self._run(self._steps.drop_index(spec))


class AGESchema(_AGESchemaMembers, SchemaCapabilities):
    """``driver.schema`` of a sync AGE driver."""

    def _run(self, steps: Steps) -> Any:
        return self._driver._run(steps)


class AsyncAGESchema(_AGESchemaMembers, AsyncSchemaCapabilities):
    """``driver.schema`` of an async AGE driver (the same members, awaited)."""

    async def _run(self, steps: Steps) -> Any:
        await self._driver._ensure_ready()
        return await self._driver._run(steps)


def create_age_driver(
    host: str = "localhost",
    port: int = 5432,
    database: str = "postgres",
    graph: str = "runic",
    username: str = "postgres",
    password: str = "",
    *,
    create_graph: bool = True,
    async_: bool = False,
    readonly: bool = False,
    timeout: float | None = None,
    **connect_kwargs: Any,
) -> AGEDriver | AsyncAGEDriver:
    """Connect to PostgreSQL with Apache AGE and return a driver for ``graph``.

    The password goes to psycopg as its own argument, never inside a DSN; the driver's
    ``url``, ``repr`` and errors show ``***``. With ``async_=True`` the returned
    ``AsyncAGEDriver`` connects on first use (or ``await driver.connect()``).
    Other keywords (``sslmode``, ``connect_timeout``, ...) go to libpq.
    """
    validate_graph_name(graph)
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - psycopg is a base dependency
        raise DriverError("the AGE driver needs psycopg 3", backend="age", hint="install runic with the 'age' extra (pip install 'runic[age]')") from exc
    url = _url(host, port, database, graph, username, password)
    kwargs: dict[str, Any] = {"host": host, "port": port, "dbname": database, "user": username, "autocommit": True}
    kwargs.setdefault("connect_timeout", 10)
    kwargs.update(connect_kwargs)
    if password:
        kwargs["password"] = password
    secret = password or None
    if async_:
        async def connect() -> Any:
            return await psycopg.AsyncConnection.connect(**kwargs)

        return AsyncAGEDriver(None, graph, url=url, readonly=readonly, timeout=timeout, create_graph=create_graph, password=secret, connect=connect)
    core = AGECore(graph, url, password=secret)

    def connect_sync() -> Any:
        return psycopg.connect(**kwargs)

    try:
        conn = connect_sync()
    except Exception as exc:
        raise core.connect_error(exc) from exc
    try:
        return AGEDriver(conn, graph, url=url, readonly=readonly, timeout=timeout, create_graph=create_graph, password=secret, connect=connect_sync)
    except BaseException:
        conn.close()
        raise

"""FalkorDB: dialect, sync and async drivers, and ``create_falkordb_driver``.

The drivers wrap a ``falkordb`` / ``falkordb.asyncio`` graph handle but send queries
themselves through its redis connection (``GRAPH.QUERY <graph> <query> --compact``) and
decode the compact reply with runic's own decoder, which is several times faster than the
client's parser on large results. Parameters travel as a ``CYPHER name=value`` header
written by ``_falkordb_params``.

With no host and no socket, ``create_falkordb_driver()`` starts a private embedded server
(``EmbeddedFalkorDB``) and stops it when the driver closes.

FalkorDB has no transactions: every statement is atomic on its own. ``readonly=True``
sends ``GRAPH.RO_QUERY``, which the server refuses for writes (``ReadOnlyError``); a
read of a graph that does not exist yet finds an empty graph (created empty on the way).
``timeout=`` is the server-side limit in seconds; FalkorDB enforces it on read queries
(``QueryTimeoutError``, connection stays usable) — a write it cannot undo runs to its end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from runic.cypher import is_plain_identifier
from runic.ogm.core.flow import Flow, run_flow, run_flow_async
from runic.ogm.exceptions import ConnectionFailedError, DriverError

from ._falkordb_core import FalkorDBCore
from ._falkordb_pipeline import (
    PipelinedStatement,
    pipeline_flow,
    run_pipelined,
    run_pipelined_async,
)
from ._falkordb_schema import AsyncFalkorDBSchema, FalkorDBSchema, exact_index_ddl
from .base import GraphDialect, GraphNamed
from .embedded import EmbeddedFalkorDB
from .result import GraphResult, ResultSummary
from .urls import ConnectionTarget, Secret, format_url

if TYPE_CHECKING:  # pragma: no cover
    from runic.ogm.core.descriptors import FieldInfo

__all__ = ["AsyncFalkorDBDriver", "FalkorDBDialect", "FalkorDBDriver", "create_falkordb_driver"]

T = TypeVar("T")


class FalkorDBDialect(GraphDialect):
    """How runic writes Cypher for FalkorDB."""

    name = "falkordb"
    supports_undirected_merge = False
    transactional = False
    regex_searches = True
    #: ``MERGE (n:L {k: $v})`` finds ``n`` through an index on ``L.k`` (bulk merges use it)
    merge_uses_index = True
    #: ``MATCH (a) WHERE id(a) = row.s`` under ``UNWIND`` scans every node (no id seek)
    indexed_id_lookup = False
    #: parameters travel as Cypher literals: a list row is shorter to write and to parse than a map row
    list_rows = True
    #: one fulltext index per label, one vector index per label and field
    fulltext_procedure = "CALL db.idx.fulltext.queryNodes({label}, {query}) YIELD node AS {alias}, score AS {score}"
    vector_procedure = (
        "CALL db.idx.vector.queryNodes({label}, {field}, {k}, vecf32({vector})) YIELD node AS {alias}, score AS {score}"
    )

    def regex_match(self, lhs: str, ref: str) -> str:
        """FalkorDB has no ``=~``: ``string.matchRegEx`` lists the matches (none for null)."""
        return f"CASE WHEN {lhs} IS NULL OR {ref} IS NULL THEN null ELSE size(string.matchRegEx({lhs}, {ref})) > 0 END"

    def param_ref(self, expr: str, field_info: FieldInfo | None = None) -> str:
        """``vecf32(...)`` for vector fields, ``point(...)`` for geo fields, ``intern(...)``
        for interned strings, the converter's ``cypher_fn`` if it names one."""
        if field_info is None:
            return expr
        db_type = getattr(field_info, "db_type", None)
        if db_type == "vector":
            return f"vecf32({expr})"
        if db_type == "point":
            return f"point({expr})"
        if getattr(field_info, "interned", False):
            return f"intern({expr})"
        converter = getattr(field_info, "converter", None)
        fn = getattr(converter, "cypher_fn", None) if converter is not None else None
        if isinstance(fn, str) and is_plain_identifier(fn):
            return f"{fn}({expr})"
        return expr

    def id_function(self, alias: str) -> str:
        return f"id({alias})"

    def id_param(self, expr: str) -> str:
        return f"toInteger({expr})"

    def node_value(self, ref: str, value: Any, info: FieldInfo | None) -> tuple[str, Any]:
        """With field info, the value wrapped for the field's db type; without, ``Vector``
        values get ``vecf32`` and ``GeoLocation`` values ``point`` (sent as a list / map)."""
        if info is None:
            return _wrap_by_value(ref, value)
        to_db = getattr(info, "to_db", None)
        if callable(to_db) and _is_model_value(value):
            value = to_db(value)
        return self.param_ref(ref, info), value

    def render_index(self, label: str, field: str) -> str:
        """``CREATE INDEX FOR (n:Person) ON (n.email)``, the DDL ``driver.schema`` sends for an
        exact index; other kinds go through ``driver.schema`` only."""
        return exact_index_ddl(label, field)

    def vector_distance(self, expr: str, vector_param: str, similarity: str | None) -> str:
        """FalkorDB's own exact distances over ``vecf32`` values."""
        fn = "vec.euclideanDistance" if similarity == "euclidean" else "vec.cosineDistance"
        return f"{fn}({expr}, vecf32({vector_param}))"


def _is_model_value(value: Any) -> bool:
    return type(value).__name__ in ("Vector", "GeoLocation") or hasattr(
        value, "__dataclass_fields__"
    )


def _wrap_by_value(ref: str, value: Any) -> tuple[str, Any]:
    kind = type(value).__name__
    if kind == "Vector":
        values = getattr(value, "values", value)
        return f"vecf32({ref})", [float(x) for x in values]
    if kind == "GeoLocation":
        return f"point({ref})", {
            "latitude": float(value.latitude),
            "longitude": float(value.longitude),
        }
    return ref, value


_DIALECT = FalkorDBDialect()


def _graph_name(graph: Any) -> str:
    name = getattr(graph, "name", None) or getattr(graph, "_name", None)
    if not isinstance(name, str):
        raise TypeError(
            f"FalkorDBDriver needs a falkordb graph handle (db.select_graph(name)), got {type(graph).__name__}"
        )
    return name


def _url_of_handle(db: Any, graph_name: str) -> str:
    """The redacted URL of a client handle the caller built (host/port or socket, never a password)."""
    try:
        kwargs = db.connection.connection_pool.connection_kwargs
    except AttributeError:
        return f"falkordb://localhost/{graph_name}"
    password = Secret(kwargs.get("password"))
    if kwargs.get("path"):
        target = ConnectionTarget(
            scheme="unix",
            backend="falkordb",
            unix_socket_path=kwargs["path"],
            username=kwargs.get("username"),
            password=password,
            graph=graph_name,
        )
    else:
        target = ConnectionTarget(
            scheme="falkordb",
            backend="falkordb",
            host=kwargs.get("host", "localhost"),
            port=kwargs.get("port", 6379),
            username=kwargs.get("username"),
            password=password,
            graph=graph_name,
        )
    return format_url(target)


class _FalkorDBDriverBase(GraphNamed):
    """Shared state of the twins; everything here is free of I/O."""

    backend = "falkordb"
    dialect: FalkorDBDialect = _DIALECT

    def __init__(
        self,
        graph: Any,
        db: Any = None,
        *,
        url: str | None = None,
        readonly: bool = False,
        timeout: float | None = None,
        server: EmbeddedFalkorDB | None = None,
        owns_server: bool = False,
    ) -> None:
        self._graph = graph
        self._db = db if db is not None else getattr(graph, "client", None)
        name = _graph_name(graph)
        self._core = FalkorDBCore(
            name, url or _url_of_handle(self._db, name), readonly=readonly, timeout=timeout
        )
        self._server = server
        self._owns_server = owns_server
        self._closed = False

    @property
    def graph(self) -> Any:
        """The wrapped ``falkordb`` graph handle."""
        return self._graph

    @property
    def embedded(self) -> EmbeddedFalkorDB | None:
        """The embedded server this driver talks to, if any."""
        return self._server

    def falkordb_connection(self) -> tuple[Any, Any]:
        """``(db, graph)`` of the client library (for the reference's migration adapter)."""
        return self._db, self._graph

    def _stop_owned_server(self) -> None:
        if self._owns_server and self._server is not None:
            self._server.stop()

    def __repr__(self) -> str:
        state = " closed" if self._closed else ""
        mode = " readonly" if self.readonly else ""
        return f"<{type(self).__name__} {self.url}{mode}{state}>"


class FalkorDBDriver(_FalkorDBDriverBase):
    """Synchronous FalkorDB driver over a ``falkordb`` graph handle (``db.select_graph(name)``)."""

    @property
    def schema(self) -> FalkorDBSchema:
        """Live labels, types, property keys and index DDL."""
        return FalkorDBSchema(self)

    def _run(self, flow: Flow[T]) -> T:
        """Run one of the core's flows on this connection."""
        self._check_open()
        return run_flow(flow, lambda command: self._graph.execute_command(*command))

    def execute(
        self,
        query: str,
        params: Mapping[str, Any] | None = None,
        *,
        readonly: bool | None = None,
        timeout: float | None = None,
    ) -> GraphResult:
        """Run one statement and return its ``GraphResult``."""
        return self._run(self._core.execute_flow(query, params, readonly, timeout))

    def execute_columns(
        self,
        query: str,
        params: Mapping[str, Any] | None = None,
        *,
        readonly: bool | None = None,
        timeout: float | None = None,
    ) -> tuple[list[str], list[list[Any]], ResultSummary]:
        """Run one statement and return ``(columns, data, summary)`` with ``data[j]`` the
        values of column ``j`` — the fast path for building DataFrames."""
        return self._run(self._core.columns_flow(query, params, readonly, timeout))

    def execute_pipelined(
        self, statements: Iterable[PipelinedStatement], on_result: Callable[[int, GraphResult], Any]
    ) -> int:
        """Run write statements in order, each sent while the server still runs the one
        before; ``on_result(index, result)`` gets each result in order. Returns how many ran.

        ``statements`` are ``(query, params)`` pairs, ``params`` a mapping or a function
        that makes one when the statement is sent. After a failure nothing more is sent;
        the statement still in flight is read and handed to ``on_result`` before the error
        is raised."""
        self._check_open()
        return run_pipelined(self._db.connection.connection_pool, pipeline_flow(self._core, statements, on_result))

    def raw_command(self, *args: Any) -> Any:
        """Send a raw redis command on this connection (errors mapped to runic's)."""
        return self._run(self._core.raw_flow(args))

    def explain(
        self, query: str, params: Mapping[str, Any] | None = None, *, profile: bool = False
    ) -> list[str]:
        """The execution plan (``GRAPH.EXPLAIN``), or with ``profile=True`` the profile
        (``GRAPH.PROFILE`` — this runs the query)."""
        return self._run(self._core.explain_flow(query, params, profile))

    def delete_graph(self) -> None:
        """Delete the whole graph (``GRAPH.DELETE``), its indexes included."""
        self._run(self._core.delete_graph_flow())

    def close(self) -> None:
        """Release the connection; stop the embedded server this driver started. Idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            conn = getattr(self._db, "connection", None)
            if conn is not None and hasattr(conn, "close"):
                conn.close()
        finally:
            self._stop_owned_server()

    def __enter__(self) -> FalkorDBDriver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncFalkorDBDriver(_FalkorDBDriverBase):
    """Asyncio FalkorDB driver over a ``falkordb.asyncio`` graph handle: the same flows as
    ``FalkorDBDriver``, awaited."""

    @property
    def schema(self) -> AsyncFalkorDBSchema:
        """Live labels, types, property keys and index DDL (coroutines)."""
        return AsyncFalkorDBSchema(self)

    async def _run(self, flow: Flow[T]) -> T:
        """Run one of the core's flows on this connection."""
        self._check_open()

        async def send(command: list[Any]) -> Any:
            return await self._graph.execute_command(*command)

        return await run_flow_async(flow, send)

    async def execute(
        self,
        query: str,
        params: Mapping[str, Any] | None = None,
        *,
        readonly: bool | None = None,
        timeout: float | None = None,
    ) -> GraphResult:
        """Run one statement and return its ``GraphResult``."""
        return await self._run(self._core.execute_flow(query, params, readonly, timeout))

    async def execute_columns(
        self,
        query: str,
        params: Mapping[str, Any] | None = None,
        *,
        readonly: bool | None = None,
        timeout: float | None = None,
    ) -> tuple[list[str], list[list[Any]], ResultSummary]:
        """Run one statement and return ``(columns, data, summary)`` column by column."""
        return await self._run(self._core.columns_flow(query, params, readonly, timeout))

    async def execute_pipelined(
        self, statements: Iterable[PipelinedStatement], on_result: Callable[[int, GraphResult], Any]
    ) -> int:
        """``FalkorDBDriver.execute_pipelined``, awaited."""
        self._check_open()
        return await run_pipelined_async(self._db.connection.connection_pool, pipeline_flow(self._core, statements, on_result))

    async def raw_command(self, *args: Any) -> Any:
        """Send a raw redis command on this connection (errors mapped to runic's)."""
        return await self._run(self._core.raw_flow(args))

    async def explain(
        self, query: str, params: Mapping[str, Any] | None = None, *, profile: bool = False
    ) -> list[str]:
        """The execution plan, or with ``profile=True`` the profile (runs the query)."""
        return await self._run(self._core.explain_flow(query, params, profile))

    async def delete_graph(self) -> None:
        """Delete the whole graph (``GRAPH.DELETE``), its indexes included."""
        await self._run(self._core.delete_graph_flow())

    async def close(self) -> None:
        """Release the connection; stop the embedded server this driver started. Idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            conn = getattr(self._db, "connection", None)
            if conn is not None:
                closer = getattr(conn, "aclose", None) or getattr(conn, "close", None)
                if closer is not None:
                    result = closer()
                    if hasattr(result, "__await__"):
                        await result
        finally:
            self._stop_owned_server()

    async def __aenter__(self) -> AsyncFalkorDBDriver:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


# -- factory ------------------------------------------------------------------------------
def _redis_kwargs(
    *,
    host: str | None,
    port: int,
    username: str | None,
    password: str | None,
    ssl: bool,
    unix_socket_path: str | None,
    db: int,
    connect_timeout: float,
) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "db": db,
        "username": username,
        "password": password,
        "decode_responses": True,
        "socket_timeout": None,
        "socket_connect_timeout": connect_timeout,
    }
    if unix_socket_path:
        kwargs["unix_socket_path"] = unix_socket_path
    else:
        kwargs["host"] = host
        kwargs["port"] = port
        if ssl:
            kwargs["ssl"] = True
    return kwargs


def _async_pool(aredis: Any, kwargs: dict[str, Any]) -> Any:
    """An asyncio connection pool for the same target as ``kwargs`` (``redis.Redis`` style)."""
    opts = dict(kwargs)
    path = opts.pop("unix_socket_path", None)
    if path:
        opts.pop("host", None), opts.pop("port", None), opts.pop("ssl", None)
        return aredis.ConnectionPool(
            connection_class=aredis.UnixDomainSocketConnection, path=path, **opts
        )
    # without "maintenance notifications" (a Redis Enterprise feature FalkorDB does not
    # send) the pool checks an idle connection before reuse and replaces one the server closed
    from redis.maint_notifications import MaintNotificationsConfig

    opts["maint_notifications_config"] = MaintNotificationsConfig(enabled=False)
    if opts.pop("ssl", False):
        return aredis.ConnectionPool(connection_class=aredis.SSLConnection, **opts)
    return aredis.ConnectionPool(**opts)


def _no_retry(async_: bool) -> Any:
    from redis.backoff import NoBackoff

    if async_:
        from redis.asyncio.retry import Retry
    else:
        from redis.retry import Retry
    return Retry(NoBackoff(), 0)


def create_falkordb_driver(
    host: str | None = None,
    port: int = 6379,
    graph: str = "runic",
    *,
    username: str | None = None,
    password: str | None = None,
    ssl: bool = False,
    unix_socket_path: str | None = None,
    data_dir: str | None = None,
    embedded: EmbeddedFalkorDB | None = None,
    async_: bool = False,
    timeout: float | None = None,
    readonly: bool = False,
    db: int = 0,
    connect_timeout: float = 10.0,
) -> FalkorDBDriver | AsyncFalkorDBDriver:
    """A FalkorDB driver for ``graph``.

    ``host``/``port`` (TCP, ``ssl=True`` for TLS) or ``unix_socket_path``; with neither,
    an embedded server: the one given as ``embedded=`` (shared, not stopped by the
    driver), else a new private one (kept in ``data_dir`` if given, stopped by
    ``close()``). ``async_=True`` returns an ``AsyncFalkorDBDriver``. ``timeout``: default
    per-statement limit in seconds; ``readonly=True``: every statement via ``GRAPH.RO_QUERY``.
    """
    import redis
    import redis.exceptions as rx

    if not isinstance(graph, str) or not graph:
        raise ValueError(f"graph={graph!r} must be a non-empty string")
    server: EmbeddedFalkorDB | None = None
    owns_server = False
    if host is None and unix_socket_path is None:
        if embedded is not None:
            server = embedded
            if not server.running:
                server.start()
        else:
            server = EmbeddedFalkorDB(data_dir).start()
            owns_server = True
        unix_socket_path = server.unix_socket_path
        target = ConnectionTarget(
            scheme="falkordb+embedded",
            backend="falkordb",
            embedded=True,
            data_dir=str(server.data_dir) if server.data_dir else None,
            graph=graph,
        )
    elif unix_socket_path is not None:
        target = ConnectionTarget(
            scheme="unix",
            backend="falkordb",
            unix_socket_path=unix_socket_path,
            username=username,
            password=Secret(password),
            graph=graph,
            redis_db=db,
        )
    else:
        target = ConnectionTarget(
            scheme="falkordbs" if ssl else "falkordb",
            backend="falkordb",
            host=host,
            port=port,
            username=username,
            password=Secret(password),
            graph=graph,
            redis_db=db,
        )
    url = format_url(target)
    kwargs = _redis_kwargs(
        host=host,
        port=port,
        username=username,
        password=password,
        ssl=ssl,
        unix_socket_path=unix_socket_path,
        db=db,
        connect_timeout=connect_timeout,
    )
    try:
        if async_:
            import redis.asyncio as aredis
            from falkordb.asyncio import FalkorDB as AsyncFalkorDB

            pool = _async_pool(aredis, kwargs)
            client = AsyncFalkorDB(connection_pool=pool)
            # set after construction: the client probes the server with a sync copy of these kwargs
            pool.connection_kwargs["retry"] = _no_retry(True)
            handle = client.select_graph(graph)
            return AsyncFalkorDBDriver(
                handle,
                client,
                url=url,
                readonly=readonly,
                timeout=timeout,
                server=server,
                owns_server=owns_server,
            )
        from falkordb import FalkorDB

        pool = redis.Redis(**kwargs, retry=_no_retry(False)).connection_pool
        client = FalkorDB(connection_pool=pool)  # connects (INFO) and so checks the login
        handle = client.select_graph(graph)
        return FalkorDBDriver(
            handle,
            client,
            url=url,
            readonly=readonly,
            timeout=timeout,
            server=server,
            owns_server=owns_server,
        )
    except Exception as exc:
        if owns_server and server is not None:
            server.stop()
        if isinstance(exc, rx.AuthenticationError) or (
            isinstance(exc, rx.ResponseError) and "WRONGPASS" in str(exc).upper()
        ):
            raise ConnectionFailedError(
                f"FalkorDB at {url} refused the login",
                backend="falkordb",
                url=url,
                reason="auth",
                hint="check username and password",
            ) from exc
        if isinstance(exc, (rx.ConnectionError, OSError)):
            reason = "tls" if "ssl" in str(exc).lower() else "unreachable"
            raise ConnectionFailedError(
                f"cannot connect to FalkorDB at {url}: {(str(exc).splitlines() or [''])[0]}",
                backend="falkordb",
                url=url,
                reason=reason,
                hint="check that the server runs and the host, port or socket path; leave host out to start an embedded server",
            ) from exc
        if isinstance(exc, ImportError):
            raise DriverError(
                f"cannot use FalkorDB: {exc}",
                backend="falkordb",
                url=url,
                hint="pip install falkordb",
            ) from exc
        raise

"""The I/O-free part of the FalkorDB drivers: commands, replies, errors.

``FalkorDBCore`` builds the ``GRAPH.QUERY`` / ``GRAPH.RO_QUERY`` command (parameters as a
``CYPHER`` header, ``--compact`` replies, the server-side ``timeout``), turns a reply into
a ``GraphResult`` and a client exception into runic's error. Each round trip is a flow
(``runic.ogm.core.flow``) that yields the command to send — a list of redis arguments —
and receives the reply: ``statement_flow`` (a query, with the refresh of stale label/type/
key names and the creation of a missing graph before a read), ``explain_flow``,
``raw_flow`` and ``delete_graph_flow``. ``FalkorDBDriver`` and ``AsyncFalkorDBDriver``
only run them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from typing import Any

from runic.ogm.core.collector import gc_paused
from runic.ogm.core.flow import Flow
from runic.ogm.exceptions import (
    ConnectionFailedError,
    ConstraintViolationError,
    DriverError,
    QueryError,
    QueryTimeoutError,
    ReadOnlyError,
)

from ._checks import check_params, check_query, check_timeout
from ._error_text import caret, param_names
from ._falkordb_decode import (
    GraphNames,
    UnknownNameError,
    decode_columns,
    decode_reply,
    parse_stats,
    rows_of_strings,
)
from ._falkordb_params import ParameterError, build_query
from .result import GraphResult, ResultSummary

__all__ = ["MAX_NAME_REFRESHES", "NAME_QUERIES", "FalkorDBCore", "UnknownNameError"]

#: how often one statement may refresh stale names before the reply is taken as it is
MAX_NAME_REFRESHES = 3

#: name kind → procedure listing the names in id order
NAME_QUERIES = {
    "labels": "CALL db.labels()",
    "types": "CALL db.relationshipTypes()",
    "keys": "CALL db.propertyKeys()",
}
_POSITION = re.compile(r"line:\s*(\d+),\s*column:\s*(\d+),\s*offset:\s*(\d+)")
_UNIQUE = re.compile(
    r"unique constraint violation(?: on (?:node|edge|relationship) of type (\S+))?", re.IGNORECASE
)


class FalkorDBCore:
    """Per-driver state that involves no I/O: graph name, defaults, name cache."""

    backend = "falkordb"

    def __init__(
        self, graph_name: str, url: str, *, readonly: bool = False, timeout: float | None = None
    ) -> None:
        self.graph_name = graph_name
        self.url = url
        self.readonly = bool(readonly)
        self.timeout = timeout
        self.names = GraphNames()
        #: schema version the name cache belongs to; sent with every query so the server
        #: refuses to run it (and names the new version) when labels, types or keys changed
        self.version = 0

    # -- commands --------------------------------------------------------------------
    # -- flows: each yields a command (a list of redis arguments) and receives its reply -----
    def statement_flow(
        self,
        query: str,
        params: Mapping[str, Any] | None,
        readonly: bool | None,
        timeout: float | None,
        decode: Any,
    ) -> Flow[Any]:
        """Send a statement, refresh stale names, and return the reply decoded by ``decode``
        (``self.decode`` for rows, ``self.decode_columns`` for columns)."""
        ro = self.effective_readonly(readonly)
        limit = self.effective_timeout(timeout)
        command, header = self.query_command(query, params, ro, limit)
        try:
            with gc_paused():  # a large reply is parsed into many small lists
                reply = yield from (self._reading_flow(command) if ro else self._sending_flow(command))
            return (yield from self.settle_flow(command, reply, decode))
        except Exception as exc:
            raise self.error(exc, query, params, header, readonly=ro, timeout=limit) from exc

    def settle_flow(self, command: list[Any], reply: Any, decode: Any) -> Flow[Any]:
        """``reply`` to ``command`` decoded by ``decode``: sent again with the current schema
        version if the server refused it for a stale one, names refreshed where the reply
        holds unknown ones."""
        for _ in range(MAX_NAME_REFRESHES):
            version = self.version_mismatch(reply)
            if version is None:
                break
            self.version = version
            for kind in ("labels", "types", "keys"):
                yield from self._refresh_names_flow(kind)
            reply = yield self.with_current_version(command)
        self.check_reply(reply)
        for _ in range(MAX_NAME_REFRESHES):
            try:
                return decode(reply)
            except UnknownNameError as missing:
                yield from self._refresh_names_flow(missing.kind)
        return decode(reply)

    def execute_flow(
        self, query: str, params: Mapping[str, Any] | None, readonly: bool | None, timeout: float | None
    ) -> Flow[GraphResult]:
        """One statement as a ``GraphResult`` (rows, and a summary with the time it took)."""
        started = time.perf_counter()
        decoded = yield from self.statement_flow(query, params, readonly, timeout, self.decode)
        return self.result(decoded, query, params, started)

    def columns_flow(
        self, query: str, params: Mapping[str, Any] | None, readonly: bool | None, timeout: float | None
    ) -> Flow[tuple[list[str], list[list[Any]], ResultSummary]]:
        """One statement as ``(columns, data, summary)``, ``data[j]`` the values of column ``j``."""
        started = time.perf_counter()
        columns, data, stats = yield from self.statement_flow(query, params, readonly, timeout, self.decode_columns)
        return columns, data, self.summary(stats, started)

    def explain_flow(self, query: str, params: Mapping[str, Any] | None, profile: bool) -> Flow[list[str]]:
        """The plan (``GRAPH.EXPLAIN``) or the profile (``GRAPH.PROFILE``, which runs the query)."""
        command, header = self.plan_command(query, params, profile)
        try:
            reply = yield from self._reading_flow(command)
            self.check_reply(reply)
        except Exception as exc:
            raise self.error(exc, query, params, header, readonly=False, timeout=None) from exc
        return self.plan_lines(reply)

    def raw_flow(self, args: tuple[Any, ...]) -> Flow[Any]:
        """One raw redis command, its errors mapped to runic's."""
        try:
            reply = yield list(args)
            self.check_reply(reply)
            return reply
        except Exception as exc:
            raise self.error(exc, " ".join(map(str, args)), None, "", readonly=False, timeout=None) from exc

    def delete_graph_flow(self) -> Flow[None]:
        """``GRAPH.DELETE`` the whole graph, indexes included, and forget its names."""
        yield from self.raw_flow(("GRAPH.DELETE", self.graph_name))
        self.names.clear()
        self.version = 0

    @staticmethod
    def _sending_flow(command: list[Any]) -> Flow[Any]:
        return (yield command)

    def _reading_flow(self, command: list[Any]) -> Flow[Any]:
        """Send a statement that only reads; a graph that does not exist yet is created
        empty first (reading it then finds no data instead of failing)."""
        try:
            return (yield command)
        except Exception as exc:
            if not self.is_missing_graph(exc):
                raise
        yield self.create_graph_command()
        return (yield command)

    def _refresh_names_flow(self, kind: str) -> Flow[None]:
        self.store_names(kind, (yield self.names_command(kind)))

    # -- commands and replies ------------------------------------------------------------------
    def effective_readonly(self, readonly: bool | None) -> bool:
        if readonly is None:
            return self.readonly
        if self.readonly and not readonly:
            raise ValueError(
                f"this driver for {self.url} is read-only; a call cannot switch that off — "
                "create a driver without readonly=True to write"
            )
        return bool(readonly)

    def effective_timeout(self, timeout: float | None) -> float | None:
        return check_timeout(self.timeout if timeout is None else timeout)

    def query_command(
        self, query: str, params: Mapping[str, Any] | None, readonly: bool, timeout: float | None
    ) -> tuple[list[Any], str]:
        """``(command, header)`` for one statement."""
        check_query(query, "falkordb")
        check_params(params)
        header, text = build_query(query, params)
        command: list[Any] = [
            "GRAPH.RO_QUERY" if readonly else "GRAPH.QUERY",
            self.graph_name,
            text,
            "--compact",
        ]
        if timeout is not None:
            command += ["timeout", max(1, round(timeout * 1000))]
        command += ["version", self.version]
        return command, header

    def with_current_version(self, command: list[Any]) -> list[Any]:
        """``command`` again, carrying the name cache's current schema version."""
        return [*command[:-1], self.version]

    @staticmethod
    def version_mismatch(reply: Any) -> int | None:
        """The server's schema version when it refused the query for a stale cache (the
        query did not run), else ``None``."""
        if (
            isinstance(reply, list)
            and len(reply) == 2
            and isinstance(reply[0], Exception)
            and "version mismatch" in str(reply[0])
        ):
            return int(reply[1])
        return None

    def plan_command(
        self, query: str, params: Mapping[str, Any] | None, profile: bool
    ) -> tuple[list[Any], str]:
        check_query(query, "falkordb")
        check_params(params)
        header, text = build_query(query, params)
        return ["GRAPH.PROFILE" if profile else "GRAPH.EXPLAIN", self.graph_name, text], header

    def create_graph_command(self) -> list[Any]:
        """A statement that makes the (empty) graph exist, so reads of a new graph see no data."""
        return ["GRAPH.QUERY", self.graph_name, "RETURN 0", "--compact"]

    @staticmethod
    def is_missing_graph(exc: BaseException) -> bool:
        return "empty key" in str(exc).lower()

    def names_command(self, kind: str) -> list[Any]:
        return ["GRAPH.RO_QUERY", self.graph_name, NAME_QUERIES[kind], "--compact"]

    def store_names(self, kind: str, reply: Any) -> None:
        self.names.set(kind, rows_of_strings(reply))

    # -- replies ---------------------------------------------------------------------
    def check_reply(self, reply: Any) -> None:
        """Raise an error object the client left inside the reply list."""
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, list) and reply:
            for item in (reply[0], reply[-1]):
                if isinstance(item, Exception):
                    raise item

    def decode(self, reply: Any) -> tuple[list[str], list[list[Any]], list[str]]:
        """Decode, raising ``UnknownNameError`` when the name cache must be refreshed."""
        return decode_reply(reply, self.names)

    def decode_columns(self, reply: Any) -> tuple[list[str], list[list[Any]], list[str]]:
        """Column-wise twin of ``decode``."""
        return decode_columns(reply, self.names)

    def summary(self, stats: list[str], started: float) -> ResultSummary:
        counters, server_ms = parse_stats(stats)
        return ResultSummary(
            counters=counters,
            server_time_ms=server_ms,
            client_time_ms=(time.perf_counter() - started) * 1000.0,
            backend=self.backend,
        )

    def result(
        self,
        decoded: tuple[list[str], list[list[Any]], list[str]],
        query: str,
        params: Mapping[str, Any] | None,
        started: float,
    ) -> GraphResult:
        columns, rows, stats = decoded
        return GraphResult(
            columns, rows, self.summary(stats, started), query=query, params=dict(params) if params else None
        )

    @staticmethod
    def plan_lines(reply: Any) -> list[str]:
        if isinstance(reply, (list, tuple)):
            return [line.decode() if isinstance(line, bytes) else str(line) for line in reply]
        return [str(reply)]

    # -- errors ----------------------------------------------------------------------
    def error(
        self,
        exc: BaseException,
        query: str,
        params: Mapping[str, Any] | None,
        header: str,
        *,
        readonly: bool,
        timeout: float | None,
    ) -> Exception:
        """The runic error for a client exception (chain it with ``raise ... from exc``)."""
        import redis.exceptions as rx

        if isinstance(exc, ParameterError):
            return exc
        #: what every statement error carries; a connection error names the server instead
        common: dict[str, Any] = {"query": query, "param_names": param_names(params), "backend": self.backend}
        server = {"backend": self.backend, "url": self.url}
        if isinstance(exc, rx.TimeoutError):
            return QueryTimeoutError(
                f"FalkorDB did not answer within the socket timeout on {self.url}",
                timeout_s=timeout,
                hint="the connection was reset and stays usable; add an index or LIMIT, or raise timeout=",
                **common,
            )
        if isinstance(exc, rx.AuthenticationError) or (
            isinstance(exc, rx.ResponseError) and _is_auth(str(exc))
        ):
            return ConnectionFailedError(
                f"FalkorDB at {self.url} refused the login", reason="auth", hint="check username and password", **server
            )
        if isinstance(exc, rx.ConnectionError):
            return ConnectionFailedError(
                f"cannot reach FalkorDB at {self.url}: {_first_line(exc)}",
                reason="unreachable",
                hint="check that the server runs and host/port or socket path are right",
                **server,
            )
        if not isinstance(exc, rx.ResponseError):
            return DriverError(
                f"FalkorDB at {self.url} failed: {type(exc).__name__}: {_first_line(exc)}",
                hint="retry; if it persists, check the server log",
                **server,
            )
        text = str(exc)
        common["backend_message"] = text
        lowered = text.lower()
        if "timed out" in lowered:
            limit = f"{timeout:g} s" if timeout is not None else "the server's limit"
            return QueryTimeoutError(
                f"the query ran past its timeout ({limit}) on {self.url} and was stopped",
                timeout_s=timeout,
                hint="add an index or a LIMIT, or pass a larger timeout=",
                **common,
            )
        if "read-only" in lowered and "ro_query" in lowered:
            return ReadOnlyError(
                f"FalkorDB refused a write in read-only mode on graph '{self.graph_name}'; nothing was kept",
                hint="drop readonly=True (on the call or the driver) to write",
                **common,
            )
        unique = _UNIQUE.search(text)
        if unique:
            label = unique.group(1)
            what = f"label {label}" if label else "a label"
            return ConstraintViolationError(
                f"the write broke a uniqueness constraint on {what}: {text}",
                label=label,
                hint="load the existing one with get(), or write with bulk_save(..., key=...)",
                **common,
            )
        if "empty key" in lowered:
            return QueryError(
                f"graph '{self.graph_name}' does not exist yet on {self.url}",
                hint="write to it first (read-only statements and plans cannot create it)",
                **common,
            )
        message, line, column, position = _position(text, query, header)
        detail = f"FalkorDB rejected the query: {message}"
        if line is not None:
            detail += f" (line {line}, column {column}){caret(query, line, column)}"
        return QueryError(
            detail, line=line, column=column, position=position, hint=_hint_for(message), **common
        )


def _is_auth(text: str) -> bool:
    t = text.lower()
    return (
        "wrongpass" in t
        or "noauth" in t
        or "invalid username-password" in t
        or "authentication required" in t
    )


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0]


def _hint_for(message: str) -> str:
    low = message.lower()
    if "missing parameters" in low:
        return "pass every $name the query uses in params"
    if "not registered" in low:
        return "check the procedure name (CALL dbms.procedures() lists them)"
    if "db.idx.vector.querynodes" in low and "invalid arguments" in low:
        return (
            "no vector index of that dimension exists on this label and property — apply the model's indexes "
            "(IndexManager(driver).apply(...)) or pass a vector of the declared dimension"
        )
    return "fix the query and run it again"


def _position(text: str, query: str, header: str) -> tuple[str, int | None, int | None, int | None]:
    """Message, and line/column/offset within the caller's query (FalkorDB counts bytes
    from the start of the query body, after the parameter header)."""
    match = _POSITION.search(text)
    message = text
    message = message.removeprefix("errMsg: ")
    if not match:
        return message.strip(), None, None, None
    message = text[: match.start()].strip()
    message = message.removeprefix("errMsg: ")
    offset = int(match.group(3))
    data = query.encode("utf-8")
    if not 0 <= offset <= len(data):
        return message, None, None, None
    before = data[:offset].decode("utf-8", errors="ignore")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    return message, line, column, len(before)

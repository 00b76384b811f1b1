"""The I/O-free part of the Bolt drivers: values, summaries, errors, URIs.

``BoltCore`` holds what a Bolt driver knows without touching the network — the client
URI, the redacted URL, database, read-only and timeout defaults — and turns the ``neo4j``
package's values into runic's (``NodeRecord``, ``EdgeRecord``, ``PathRecord``, plain
Python values), its summaries into ``ResultSummary`` and its exceptions into runic's
errors. ``BoltDriver`` and ``AsyncBoltDriver`` only open sessions, send and await.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from runic.ogm.exceptions import (
    ConnectionFailedError,
    ConstraintViolationError,
    DriverError,
    QueryError,
    QueryTimeoutError,
    ReadOnlyError,
    UnsupportedValueError,
)

from ._checks import check_params, check_query, check_timeout
from ._error_text import caret, param_names
from .result import (
    COUNTER_NAMES,
    ColumnRows,
    Counters,
    EdgeRecord,
    GraphResult,
    NodeRecord,
    PathRecord,
    ResultSummary,
)
from .urls import Secret, redact_url, split_userinfo

__all__ = [
    "BoltCore",
    "ReadOnlyChanges",
    "client_uri_for",
    "convert_column",
    "convert_params",
    "convert_value",
    "record_columns",
    "summary_from_neo4j",
]

#: runic's Bolt-family schemes → the scheme the neo4j client understands
_CLIENT_SCHEMES = {
    "bolt": "bolt",
    "bolt+s": "bolt+s",
    "bolt+ssc": "bolt+ssc",
    "neo4j": "neo4j",
    "neo4j+s": "neo4j+s",
    "neo4j+ssc": "neo4j+ssc",
    "memgraph": "bolt",
    "memgraph+s": "bolt+s",
    "arcadedb": "bolt",
    "arcadedb+s": "bolt+s",
}
_SCHEME_DIALECT = {
    "memgraph": "memgraph",
    "memgraph+s": "memgraph",
    "arcadedb": "arcadedb",
    "arcadedb+s": "arcadedb",
}
_POSITION_PATTERNS = (
    re.compile(r"line (\d+), column (\d+) \(offset: (\d+)\)"),
    re.compile(r"line[: ]+(\d+)[:,]\s*(?:column[: ]+)?(\d+)"),
)


class ReadOnlyChanges(Exception):
    """Internal signal: a statement in a rolled-back read-only transaction showed changes."""


def client_uri_for(uri: str, encrypted: bool | None) -> tuple[str, str | None]:
    """``(uri for the neo4j client, dialect implied by the scheme)``.

    ``encrypted=True`` turns ``bolt://``/``neo4j://`` into their ``+s`` forms, ``False``
    drops TLS, ``None`` keeps what the scheme says. Path, query and user info are dropped.
    """
    from urllib.parse import urlsplit

    if "://" not in uri:
        raise ValueError(
            f"{redact_url(uri)!r} is not a Bolt URI — write bolt://host:7687 or neo4j+s://host"
        )
    prefix, _userinfo, rest = split_userinfo(uri)
    parts = urlsplit(prefix + rest)
    scheme = parts.scheme.lower()
    if scheme not in _CLIENT_SCHEMES:
        raise ValueError(
            f"{redact_url(uri)!r} is not a Bolt URI — use one of "
            + ", ".join(f"{s}://" for s in _CLIENT_SCHEMES)
        )
    client = _CLIENT_SCHEMES[scheme]
    base, _, tls = client.partition("+")
    if encrypted is True and not tls:
        client = f"{base}+s"
    elif encrypted is False:
        client = base
    host = parts.hostname or "localhost"
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port or 7687
    except ValueError:
        raise ValueError(f"the port in {redact_url(uri)} is not a number between 0 and 65535") from None
    return f"{client}://{host}:{port}", _SCHEME_DIALECT.get(scheme)


# -- values ---------------------------------------------------------------------------------
def _point(value: Any) -> dict[str, float]:
    from neo4j.spatial import WGS84Point

    coords = tuple(value)
    if isinstance(value, WGS84Point):
        out = {"latitude": float(coords[1]), "longitude": float(coords[0])}
        if len(coords) > 2:
            out["height"] = float(coords[2])
        return out
    keys = ("x", "y", "z")
    return {keys[i]: float(c) for i, c in enumerate(coords)}


_CLIENT_TYPES: tuple[Any, ...] | None = None


def _client_types() -> tuple[Any, ...]:
    """The neo4j client's graph, temporal and spatial classes, imported once."""
    global _CLIENT_TYPES
    if _CLIENT_TYPES is None:
        from neo4j.graph import Node, Path, Relationship
        from neo4j.spatial import Point
        from neo4j.time import Date, DateTime, Duration, Time

        try:
            from neo4j._codec.hydration import BrokenHydrationObject
        except ImportError:  # pragma: no cover - depends on the client version
            BrokenHydrationObject = ()
        _CLIENT_TYPES = (Node, Relationship, Path, (DateTime, Date, Time), Duration, Point, BrokenHydrationObject)
    return _CLIENT_TYPES


#: values the neo4j client already hands over as runic's own (no conversion)
_PLAIN = frozenset({type(None), bool, int, float, str, bytes})


def convert_value(value: Any, node_id: Any = None) -> Any:
    """A neo4j client value as runic's: graph values as records, temporals as ``datetime``
    objects, points as maps, lists and maps converted recursively.

    ``node_id`` turns a client ``element_id`` into the id the dialect's id function gives
    (default: the element id unchanged).
    """
    if value.__class__ in _PLAIN:
        return value
    Node, Relationship, Path, temporal, Duration, Point, broken = _client_types()
    to_id = node_id or (lambda element_id: element_id)
    if isinstance(value, (bool, int, float, str, bytes)):
        return value
    if isinstance(value, Node):
        return NodeRecord(
            to_id(value.element_id), tuple(sorted(value.labels)), _props(value, to_id)
        )
    if isinstance(value, Relationship):
        start = value.start_node.element_id if value.start_node is not None else None
        end = value.end_node.element_id if value.end_node is not None else None
        return EdgeRecord(
            to_id(value.element_id), value.type, to_id(start), to_id(end), _props(value, to_id)
        )
    if isinstance(value, Path):
        nodes = tuple(convert_value(n, node_id) for n in value.nodes)
        edges = tuple(convert_value(r, node_id) for r in value.relationships)
        return PathRecord(nodes, edges)
    if isinstance(value, temporal):
        return value.to_native()
    if isinstance(value, Duration):
        if value.months == 0:
            return _dt.timedelta(
                days=value.days, seconds=value.seconds, microseconds=value.nanoseconds // 1000
            )
        return value
    if isinstance(value, Point):
        return _point(value)
    if isinstance(value, (list, tuple)):
        return [convert_value(v, node_id) for v in value]
    if isinstance(value, Mapping):
        return {str(k): convert_value(v, node_id) for k, v in value.items()}
    if broken and isinstance(value, broken):
        raise ValueError(f"the server sent a value the neo4j client could not read: {value.error}") from value.error
    return value


def convert_column(values: Sequence[Any], node_id: Any = None) -> list[Any]:
    """One column's values as runic's; a column of plain scalars is taken as it is."""
    values = values if isinstance(values, list) else list(values)
    if set(map(type, values)) <= _PLAIN:
        return values
    return [convert_value(v, node_id) for v in values]


def record_columns(records: Sequence[Any], width: int) -> list[list[Any]]:
    """The values of ``records`` (neo4j records or plain rows) column by column, unconverted.

    A neo4j ``Record`` is a tuple: its values are read through ``tuple.__iter__``, which
    skips the per-value checks of ``Record.__iter__`` (broken values are caught by
    ``convert_value``)."""
    if not records:
        return [[] for _ in range(width)]
    rows = map(tuple.__iter__, records) if isinstance(records[0], tuple) else records
    return [list(column) for column in zip(*rows)]


def _props(entity: Any, to_id: Any) -> dict[str, Any]:
    return {key: convert_value(val, to_id) for key, val in dict(entity).items()}


def convert_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Parameters as the neo4j client sends them: tuples and sets become lists, maps are
    copied, anything with a ``to_db``-free form (dates, numbers, strings) passes through."""
    if params is None:
        return {}
    check_params(params)
    return {str(k): _param(v) for k, v in params.items()}


def _param(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_param(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _param(v) for k, v in value.items()}
    if isinstance(value, NodeRecord):
        return value.id
    return value


_SENDABLE = (type(None), bool, int, float, str, bytes, bytearray, _dt.date, _dt.time, _dt.timedelta)


def unsendable_param(params: Mapping[str, Any] | None, backend: str) -> UnsupportedValueError | None:
    """The error for the first parameter the Bolt client refused to pack, or ``None``.

    Runs only after the client failed, so sending stays free of an extra walk.
    """
    for name, value in (params or {}).items():
        found = _unsendable(value)
        if found is not None:
            kind, what, fix = found
            return UnsupportedValueError(
                f"parameter ${name} holds {what}, which {backend} cannot receive over Bolt",
                hint=fix, param_name=str(name), value_type=kind, backend=backend,
            )
    return None


def _unsendable(value: Any) -> tuple[str, str, str] | None:
    kind = type(value).__name__
    if isinstance(value, Mapping):
        for item in value.values():
            found = _unsendable(item)
            if found:
                return found
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            found = _unsendable(item)
            if found:
                return found
        return None
    if isinstance(value, Decimal):
        return kind, "a Decimal", "pass str(value) to keep every digit, or float(value)"
    if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
        return kind, "an int outside the 64-bit range", "pass str(value), or Decimal(value) on Apache AGE"
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return kind, "a str with a lone surrogate (not valid UTF-8)", "encode the text properly"
        return None
    if isinstance(value, _SENDABLE) or type(value).__module__.split(".")[0] in ("neo4j", "numpy", "pandas"):
        return None
    return kind, f"a {kind}", "convert it to str, int, float, bool, None, bytes, a date/time, or lists and maps of those"


# -- summaries --------------------------------------------------------------------------------
def summary_from_neo4j(summary: Any, backend: str, client_ms: float | None) -> ResultSummary:
    """runic's ``ResultSummary`` from a ``neo4j.ResultSummary``."""
    counters = Counters()
    source = getattr(summary, "counters", None)
    for name in COUNTER_NAMES:
        setattr(counters, name, int(getattr(source, name, 0) or 0))
    after = getattr(summary, "result_available_after", None)
    consumed = getattr(summary, "result_consumed_after", None)
    server_ms = (
        None if after is None and consumed is None else float((after or 0) + (consumed or 0))
    )
    notes: list[str] = []
    for status in getattr(summary, "gql_status_objects", None) or []:
        if getattr(status, "is_notification", False):
            text = getattr(status, "status_description", None)
            if text:
                notes.append(str(text))
    return ResultSummary(
        counters=counters,
        server_time_ms=server_ms,
        client_time_ms=client_ms,
        notifications=notes,
        backend=backend,
    )


# -- the core -----------------------------------------------------------------------------------
@dataclass(kw_only=True, eq=False, repr=False)
class BoltCore:
    """Per-driver state and the translations that involve no I/O."""

    client_uri: str
    url: str
    backend: str
    database: str | None
    username: str | None
    password: Secret
    readonly: bool = False
    timeout: float | None = None

    def __post_init__(self) -> None:
        self.readonly = bool(self.readonly)
        self.timeout = self.check_timeout(self.timeout)

    # -- per-call settings --------------------------------------------------------------
    def effective_readonly(self, readonly: bool | None) -> bool:
        if readonly is None or readonly is False:
            return self.readonly
        return True

    def refuse_loosening(self, readonly: bool | None) -> None:
        if self.readonly and readonly is False:
            raise ValueError(
                f"this driver for {self.url} is read-only; a call cannot switch that off — "
                "create a driver without readonly=True to write"
            )

    check_timeout = staticmethod(check_timeout)

    def effective_timeout(self, timeout: float | None) -> float | None:
        return check_timeout(self.timeout if timeout is None else timeout)

    def check_query(self, query: Any) -> str:
        return check_query(query, self.backend)

    # -- results ----------------------------------------------------------------------------
    def build_result(
        self,
        keys: list[str],
        records: Sequence[Any],
        summary: Any,
        query: str,
        params: Mapping[str, Any] | None,
        client_ms: float | None,
        node_id: Any = None,
        *,
        columnar: bool = False,
    ) -> GraphResult:
        """The result of ``records`` (neo4j records or plain rows), converted column by
        column; ``columnar=True`` keeps the columns (``rows`` is a ``ColumnRows``)."""
        data = [convert_column(column, node_id) for column in record_columns(records, len(keys))]
        rows: Any = ColumnRows(data) if columnar else (list(map(list, zip(*data))) if keys else [[] for _ in records])
        return GraphResult(
            columns=list(keys),
            rows=rows,
            summary=summary_from_neo4j(summary, self.backend, client_ms),
            query=query,
            params=dict(params) if params else {},
        )

    # -- errors -------------------------------------------------------------------------------
    def scrub(self, text: str) -> str:
        secret = self.password.reveal()
        text = str(text)
        if secret and secret in text:
            text = text.replace(secret, "***")
        return text

    def commit_error(self, exc: BaseException) -> Exception:
        """The runic error for a failed COMMIT, saying whether the transaction was committed:
        a connection that broke before COMMIT was written means it was not; one that broke
        while waiting for the answer leaves it unknown."""
        from neo4j import exceptions as ne

        if not isinstance(exc, ne.ServiceUnavailable | ne.SessionExpired | OSError) or isinstance(exc, ne.Neo4jError):
            return self.query_error(exc, "COMMIT", None)
        text = self.scrub(getattr(exc, "message", None) or str(exc) or type(exc).__name__)
        if "failed to write" in text.lower():
            outcome = "the connection broke before COMMIT was sent, so the transaction was not committed"
            hint = "run the transaction again once the server answers (the driver reconnects)"
        else:
            outcome = (
                "the connection broke while COMMIT was on its way: the server rolls the transaction back "
                "unless COMMIT had reached it, so whether it was committed is unknown"
            )
            hint = "check what the database holds before running the transaction again"
        return DriverError(
            f"COMMIT on {self.backend} at {self.url} failed: {outcome} ({text})",
            backend=self.backend, url=self.url, hint=hint,
        )

    def connection_error(self, exc: BaseException) -> ConnectionFailedError | DriverError:
        """A connection-level failure (refused, TLS, login) as runic's error."""
        from neo4j import exceptions as ne

        text = self.scrub(getattr(exc, "message", None) or str(exc) or type(exc).__name__)
        lowered = text.lower()
        if (
            isinstance(exc, (ne.AuthError, ne.TokenExpired))
            or "unauthorized" in lowered
            or "authentication" in lowered
        ):
            who = self.username or "(no user)"
            return ConnectionFailedError(
                f"{self.backend} at {self.url} refused the login of user {who!r}",
                backend=self.backend,
                url=self.url,
                reason="auth",
                hint="check the username and password",
            )
        if (
            "ssl" in lowered
            or "certificate" in lowered
            or "tls" in lowered
            or isinstance(exc, ne.CertificateConfigurationError)
        ):
            return ConnectionFailedError(
                f"TLS handshake with {self.backend} at {self.url} failed: {text}",
                backend=self.backend,
                url=self.url,
                reason="tls",
                hint="use a +s / +ssc scheme that matches the server, or encrypted=False for a plaintext server",
            )
        if isinstance(exc, (ne.ServiceUnavailable, ne.SessionExpired, OSError)):
            return ConnectionFailedError(
                f"cannot reach {self.backend} at {self.url}: {text}",
                backend=self.backend,
                url=self.url,
                reason="unreachable",
                hint="check that the server is running and the host and port are right",
            )
        return DriverError(
            f"{self.backend} at {self.url} failed: {text}", backend=self.backend, url=self.url
        )

    def query_error(
        self,
        exc: BaseException,
        query: str,
        params: Mapping[str, Any] | None,
        *,
        timeout: float | None = None,
        timed_out: bool = False,
        readonly: bool = False,
    ) -> Exception:
        """The runic error for a failed statement (``exc`` is chained by the caller)."""
        from neo4j import exceptions as ne

        #: what every statement error carries
        common: dict[str, Any] = {"query": query, "param_names": param_names(params), "backend": self.backend}
        if isinstance(exc, (TypeError, ValueError, OverflowError)) and not isinstance(exc, ne.Neo4jError):
            refused = unsendable_param(params, self.backend)
            if refused is not None:
                return refused
        if timed_out:
            return QueryTimeoutError(
                f"the query ran past its timeout of {timeout:g} s on {self.backend} and was cancelled",
                timeout_s=timeout,
                hint="add an index, a LIMIT, or pass a larger timeout=",
                **common,
            )
        if isinstance(
            exc, (ne.AuthError, ne.ServiceUnavailable, ne.SessionExpired, OSError)
        ) and not isinstance(exc, ne.Neo4jError):
            return self.connection_error(exc)
        if isinstance(exc, ne.AuthError):
            return self.connection_error(exc)
        code = getattr(exc, "code", None)
        message = self.scrub(getattr(exc, "message", None) or str(exc))
        common.update(backend_message=message, code=code)
        lowered = (code or "").lower() + " " + message.lower()
        if "transactiontimedout" in lowered or "timed out" in lowered and timeout is not None:
            return QueryTimeoutError(
                f"the query ran past its timeout of {timeout:g} s on {self.backend} and was cancelled"
                if timeout
                else f"{self.backend} cancelled the query: {message}",
                timeout_s=timeout,
                hint="add an index, a LIMIT, or pass a larger timeout=",
                **common,
            )
        if (
            isinstance(exc, ne.ForbiddenOnReadOnlyDatabase)
            or "accessmode" in lowered
            or "writeonreadonly" in lowered
            or "read access mode" in lowered
            or (readonly and "read only" in lowered)
        ):
            return ReadOnlyError(
                f"{self.backend} refused a write in read-only mode: {_first_line(message)} — nothing was kept",
                hint="drop readonly=True (call, transaction or driver) to write",
                **common,
            )
        if (
            isinstance(exc, ne.ConstraintError)
            or "constraintvalidationfailed" in lowered
            or "duplicated key" in lowered
            or "unique" in lowered
            and "violat" in lowered
        ):
            label, field = _constraint_target(message)
            return ConstraintViolationError(
                f"{self.backend} refused the write: it breaks a uniqueness constraint ({message})",
                label=label,
                field=field,
                hint="load the existing one with get(), or write with bulk_save(..., key=...)",
                **common,
            )
        if isinstance(exc, ne.TransientError):
            return QueryError(
                f"{self.backend} could not run the query now: {_first_line(message)}",
                hint="retry it; if this repeats, the server is overloaded or a lock is held",
                **common,
            )
        line, column, position = _position(message, query)
        where = f" at line {line}, column {column}" if line is not None else ""
        caret_text = caret(query, line, column)
        return QueryError(
            f"{self.backend} rejected the query{where}: {_first_line(message)}{caret_text}",
            line=line,
            column=column,
            position=position,
            hint="fix the Cypher; parameters are sent separately as $name",
            **common,
        )

    @staticmethod
    def transaction_lost(error: Exception) -> Exception:
        """``error`` re-worded for a statement whose transaction had to be rolled back."""
        if isinstance(error, QueryTimeoutError):
            return QueryTimeoutError(
                f"{error.message}; the open transaction was rolled back with it",
                timeout_s=error.timeout_s,
                query=error.query,
                param_names=error.param_names,
                backend=error.backend,
                hint="begin() a new transaction; add an index, a LIMIT, or pass a larger timeout=",
            )
        return error

    def read_only_violation(
        self, query: str, params: Mapping[str, Any] | None, counters: Counters
    ) -> ReadOnlyError:
        changes = ", ".join(f"{k}={v}" for k, v in counters.as_dict().items())
        return ReadOnlyError(
            f"the query tried to write in read-only mode on {self.backend} ({changes}); its transaction was rolled back — nothing was kept",
            query=query,
            param_names=param_names(params),
            backend=self.backend,
            hint="drop readonly=True (call, transaction or driver) to write",
        )


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else message


def _position(message: str, query: str) -> tuple[int | None, int | None, int | None]:
    for pattern in _POSITION_PATTERNS:
        m = pattern.search(message)
        if m:
            line = int(m.group(1))
            column = int(m.group(2))
            if pattern is _POSITION_PATTERNS[0]:
                return line, column, int(m.group(3))
            # ArcadeDB counts columns from 0
            column += 1
            lines = query.splitlines(True)
            offset = (
                sum(len(x) for x in lines[: line - 1]) + column - 1
                if 0 < line <= len(lines)
                else None
            )
            return line, column, offset
    return None, None, None


def _constraint_target(message: str) -> tuple[str | None, str | None]:
    m = re.search(r"label `?(\w+)`? and propert(?:y|ies) `?(\w+)`?", message)
    if m:
        return m.group(1), m.group(2)
    m = re.search(r"index (\w+)\[(\w+)\]", message)
    if m:
        return m.group(1), m.group(2)
    return None, None

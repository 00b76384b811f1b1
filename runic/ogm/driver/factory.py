"""``create_driver``: one entry point for every backend.

``create_driver()`` starts an embedded FalkorDB; ``create_driver("bolt://h/movies",
username=..., password=...)`` picks the backend from the URL scheme;
``create_driver("neo4j", host=..., database=...)`` (the reference's form) calls that
backend's factory with the keyword arguments. Bolt, ArcadeDB and AGE factories are
imported only when asked for, so their client libraries stay optional.
"""

from __future__ import annotations

import difflib
import importlib
from typing import Any

from runic.ogm.exceptions import DriverError

from .urls import ConnectionTarget, parse_url, redact_url, scheme_suggestion

__all__ = ["BACKENDS", "create_driver"]

#: backend name → (module, factory)
BACKENDS: dict[str, tuple[str, str]] = {
    "falkordb": ("falkordb", "create_falkordb_driver"),
    "neo4j": ("bolt", "create_neo4j_driver"),
    "memgraph": ("bolt", "create_memgraph_driver"),
    "arcadedb": ("arcadedb", "create_arcadedb_driver"),
    "age": ("age", "create_age_driver"),
}
_BACKEND_ALIASES = {
    "falkor": "falkordb",
    "redis": "falkordb",
    "embedded": "falkordb",
    "bolt": "neo4j",
    "postgres": "age",
    "postgresql": "age",
    "arcade": "arcadedb",
}
_URL_KEYS = ("graph", "database", "username", "password", "readonly", "timeout", "async_")
_EXTRAS = {"bolt": "neo4j", "arcadedb": "arcadedb", "age": "age"}


def _factory(module: str, name: str) -> Any:
    try:
        mod = importlib.import_module(f"runic.ogm.driver.{module}")
    except ImportError as exc:
        extra = _EXTRAS.get(module, module)
        raise DriverError(
            f"the {module} driver cannot be loaded: {exc}",
            backend=module,
            hint=f"install runic with the '{extra}' extra (pip install 'runic[{extra}]')",
        ) from exc
    return getattr(mod, name)


def _not_default(kwargs: dict[str, Any], **values: Any) -> dict[str, Any]:
    """Add the values that differ from their defaults (so factories without them still work)."""
    out = dict(kwargs)
    for key, value in values.items():
        if value not in (None, False):
            out[key] = value
    return out


def create_driver(target: str | None = None, /, **kwargs: Any) -> Any:
    """A driver for ``target``: a URL (``scheme://…``), a backend name, or nothing (embedded FalkorDB).

    With a URL, ``graph``, ``database``, ``username``, ``password`` (overriding the
    URL's), ``readonly``, ``timeout`` and ``async_`` may be given as keywords. With a
    backend name (``falkordb``, ``neo4j``, ``memgraph``, ``arcadedb``, ``age``) the
    keywords go to that backend's factory. Unknown schemes or names → ``ValueError``
    with a did-you-mean.
    """
    if target is None:
        return _factory("falkordb", "create_falkordb_driver")(**kwargs)
    if not isinstance(target, str):
        raise TypeError(f"create_driver() takes a URL or backend name, got {type(target).__name__}")
    if "://" in target:
        return _from_url(target, kwargs)
    name = target.strip().lower()
    name = _BACKEND_ALIASES.get(name, name)
    if name not in BACKENDS:
        close = difflib.get_close_matches(
            name, list(BACKENDS) + list(_BACKEND_ALIASES), n=1, cutoff=0.5
        )
        guess = f"did you mean {close[0]!r}? " if close else ""
        raise ValueError(
            f"unknown backend {target!r} — {guess}use one of {', '.join(BACKENDS)}, "
            f"or a URL such as falkordb://host:6379/graph ({scheme_suggestion('')})"
        )
    module, factory = BACKENDS[name]
    return _factory(module, factory)(**kwargs)


def _from_url(url: str, kwargs: dict[str, Any]) -> Any:
    unknown = (
        set(kwargs) - set(_URL_KEYS) - {"connect_timeout", "dialect", "http_port", "create_graph"}
    )
    if unknown:
        allowed = ", ".join(_URL_KEYS)
        guess = difflib.get_close_matches(sorted(unknown)[0], _URL_KEYS, n=1)
        hint = f" — did you mean {guess[0]!r}?" if guess else ""
        raise TypeError(
            f"create_driver({redact_url(url)!r}) got unexpected keywords {sorted(unknown)}{hint} (accepted with a URL: {allowed})"
        )
    t = parse_url(url)
    username = kwargs.pop("username", None) or t.username
    password = kwargs.pop("password", None) or t.password.reveal()
    readonly = kwargs.pop("readonly", None)
    readonly = t.readonly if readonly is None else readonly
    timeout = kwargs.pop("timeout", None)
    timeout = t.timeout if timeout is None else timeout
    async_ = bool(kwargs.pop("async_", False))
    graph = kwargs.pop("graph", None)
    database = kwargs.pop("database", None)
    if t.backend == "falkordb":
        return _falkordb(
            t,
            graph or t.graph or "runic",
            username,
            password,
            bool(readonly),
            timeout,
            async_,
            kwargs,
        )
    if t.backend == "age":
        factory = _factory("age", "create_age_driver")
        extra = _not_default(dict(t.options), readonly=readonly, timeout=timeout, async_=async_)
        if t.tls and "sslmode" not in extra:
            extra["sslmode"] = "require"
        extra.update(kwargs)
        return factory(
            host=t.host,
            port=t.port,
            database=database or t.database,
            graph=graph or t.graph or "runic",
            username=username or "postgres",
            password=password or "",
            **extra,
        )
    database = database or t.database
    dialect = kwargs.pop("dialect", None) or t.dialect
    family = next(
        (name for name in ("arcadedb", "memgraph") if t.backend == name or (t.backend == "bolt" and dialect == name and not t.self_signed)),
        None,
    )
    if family is None:
        return _bolt(t, database, dialect, username, password, readonly, timeout, async_, kwargs)
    extra = _not_default({}, readonly=readonly, timeout=timeout, async_=async_)
    extra.update(kwargs)
    if family == "arcadedb":
        if not database:
            raise ValueError(
                f"{redact_url(url)} names no database — ArcadeDB needs one: arcadedb://host:7687/<database>"
            )
        extra.setdefault("http_port", t.http_port or 2480)
    return _factory(*BACKENDS[family])(
        host=t.host,
        port=t.port,
        database=database,
        username=username or ("root" if family == "arcadedb" else ""),
        password=password or "",
        encrypted=t.tls,
        **extra,
    )


def _falkordb(
    t: ConnectionTarget,
    graph: str,
    username: str | None,
    password: str | None,
    readonly: bool,
    timeout: float | None,
    async_: bool,
    kwargs: dict[str, Any],
) -> Any:
    factory = _factory("falkordb", "create_falkordb_driver")
    common = dict(graph=graph, readonly=readonly, timeout=timeout, async_=async_, **kwargs)
    if t.embedded:
        return factory(data_dir=t.data_dir, **common)
    if t.unix_socket_path is not None:
        return factory(
            unix_socket_path=t.unix_socket_path,
            username=username,
            password=password,
            db=t.redis_db,
            **common,
        )
    return factory(
        t.host, t.port, username=username, password=password, ssl=t.tls, db=t.redis_db, **common
    )


def _bolt(
    t: ConnectionTarget,
    database: str | None,
    dialect: str | None,
    username: str | None,
    password: str | None,
    readonly: Any,
    timeout: Any,
    async_: bool,
    kwargs: dict[str, Any],
) -> Any:
    """``bolt://`` / ``neo4j://``: a ``BoltDriver`` on the URI without path or keys; the
    dialect is detected from the server unless ``?dialect=`` names it."""
    cls = _factory("bolt", "AsyncBoltDriver" if async_ else "BoltDriver")
    dialect_obj = None
    if dialect == "neo4j":
        dialect_obj = _factory("bolt", "Neo4jDialect")()
    elif dialect == "memgraph":
        dialect_obj = _factory("bolt", "MemgraphDialect")()
    elif dialect == "arcadedb":
        dialect_obj = _factory("arcadedb", "ArcadeDBDialect")()
    auth = (username or "", password or "") if (username or password) else None
    extra = _not_default(kwargs, readonly=readonly, timeout=timeout)
    return cls(t.client_uri(), auth=auth, database=database, dialect=dialect_obj, **extra)


def default_dialect() -> Any:
    """The dialect a query compiles for when none is given and no session is bound: FalkorDB's
    (the backend ``create_driver()`` starts with nothing)."""
    from .falkordb import FalkorDBDialect

    return FalkorDBDialect()

"""Connection URLs: parsing every form ``create_driver`` accepts, and password redaction.

``parse_url(url) -> ConnectionTarget`` turns a URL into a structured target (backend,
host, port, credentials, graph/database, TLS, socket or embedded data directory and the
remaining query keys). Passwords are kept in a ``Secret`` whose ``repr`` and ``str`` are
``***``; ``redact_url(url)`` gives the URL with ``***`` in place of any password, and is
what reprs, errors and logs show.

| scheme | backend | default port |
|---|---|---|
| ``falkordb://``, ``redis://``, ``falkor://`` (+ TLS: ``falkordbs``, ``rediss``, ``falkors``) | falkordb | 6379 |
| ``unix:///path/to.sock?graph=g`` | falkordb (socket) | — |
| ``falkordb+embedded://[/data/dir]?graph=g`` | falkordb (embedded) | — |
| ``bolt``, ``bolt+s``, ``bolt+ssc``, ``neo4j``, ``neo4j+s``, ``neo4j+ssc`` | bolt | 7687 |
| ``memgraph``, ``memgraph+s`` | memgraph | 7687 |
| ``arcadedb``, ``arcadedb+s`` | arcadedb | 7687 |
| ``postgresql``, ``postgres``, ``age`` | age | 5432 |
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

__all__ = [
    "SCHEMES",
    "ConnectionTarget",
    "Secret",
    "format_url",
    "parse_url",
    "redact_url",
    "scheme_suggestion",
    "split_userinfo",
]

REDACTED = "***"
_SECRET_KEYS = {
    "password",
    "pass",
    "passwd",
    "pwd",
    "secret",
    "token",
    "sslpassword",
    "auth_token",
    "api_key",
}


class Secret:
    """A password that never shows itself: ``repr``/``str`` are ``***``; ``.reveal()`` gives it."""

    __slots__ = ("_value",)

    def __init__(self, value: str | None) -> None:
        self._value = value

    def reveal(self) -> str | None:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('***')" if self._value else "Secret(None)"

    def __str__(self) -> str:
        return REDACTED if self._value else ""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("secret", self._value))

    def __reduce__(self):  # never pickled in clear text by accident
        raise TypeError("a Secret cannot be pickled")


@dataclass(frozen=True)
class _Scheme:
    backend: str
    port: int | None
    tls: bool = False
    self_signed: bool = False


#: every accepted scheme and what it means
SCHEMES: dict[str, _Scheme] = {
    "falkordb": _Scheme("falkordb", 6379),
    "redis": _Scheme("falkordb", 6379),
    "falkor": _Scheme("falkordb", 6379),
    "falkordbs": _Scheme("falkordb", 6379, tls=True),
    "rediss": _Scheme("falkordb", 6379, tls=True),
    "falkors": _Scheme("falkordb", 6379, tls=True),
    "unix": _Scheme("falkordb", None),
    "falkordb+embedded": _Scheme("falkordb", None),
    "bolt": _Scheme("bolt", 7687),
    "bolt+s": _Scheme("bolt", 7687, tls=True),
    "bolt+ssc": _Scheme("bolt", 7687, tls=True, self_signed=True),
    "neo4j": _Scheme("bolt", 7687),
    "neo4j+s": _Scheme("bolt", 7687, tls=True),
    "neo4j+ssc": _Scheme("bolt", 7687, tls=True, self_signed=True),
    "memgraph": _Scheme("memgraph", 7687),
    "memgraph+s": _Scheme("memgraph", 7687, tls=True),
    "arcadedb": _Scheme("arcadedb", 7687),
    "arcadedb+s": _Scheme("arcadedb", 7687, tls=True),
    "postgresql": _Scheme("age", 5432),
    "postgres": _Scheme("age", 5432),
    "age": _Scheme("age", 5432),
}

_RUNIC_KEYS = {
    "graph",
    "database",
    "dialect",
    "http_port",
    "readonly",
    "timeout",
    "username",
    "password",
}
_URL_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")


@dataclass(frozen=True)
class ConnectionTarget:
    """Where a URL points. ``password`` is a ``Secret``; ``options`` holds the other query keys."""

    scheme: str
    backend: str
    host: str | None = None
    port: int | None = None
    username: str | None = None
    password: Secret = field(default_factory=lambda: Secret(None))
    database: str | None = None
    graph: str | None = None
    tls: bool = False
    self_signed: bool = False
    unix_socket_path: str | None = None
    embedded: bool = False
    data_dir: str | None = None
    redis_db: int = 0
    dialect: str | None = None
    http_port: int | None = None
    readonly: bool | None = None
    timeout: float | None = None
    options: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The redacted URL of this target."""
        return format_url(self)

    def client_uri(self) -> str:
        """The URI a client library gets: scheme, host and port only (no path, keys or password)."""
        host = self.host or "localhost"
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"{self.scheme}://{host}:{self.port}" if self.port else f"{self.scheme}://{host}"

    def __repr__(self) -> str:
        return f"<ConnectionTarget {self.backend} {self.url}>"


def scheme_suggestion(scheme: str) -> str:
    """``" — did you mean 'x://'? accepted: ..."`` text for an unknown scheme."""
    close = difflib.get_close_matches(scheme.lower(), list(SCHEMES), n=1, cutoff=0.5)
    accepted = ", ".join(f"{name}://" for name in SCHEMES)
    guess = f"did you mean '{close[0]}://'? " if close else ""
    return f"{guess}accepted schemes: {accepted}"


def _bool(value: str, key: str, url: str) -> bool:
    text = value.strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"?{key}={value!r} in {redact_url(url)} is not a boolean — use true or false")


def _int(value: str, key: str, url: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"?{key}={value!r} in {redact_url(url)} is not a whole number") from None


#: a host (name, IPv4 or bracketed IPv6) with an optional port, then the end of the
#: authority: what must follow the '@' that ends the user-info part
_HOST_AFTER_AT = re.compile(r"(?:\[[0-9A-Fa-f:.]*\]|[A-Za-z0-9._~\-%]*)(?::[0-9]*)?(?=[/?#]|$)")


def split_userinfo(url: str, *, cautious: bool = False) -> tuple[str, str | None, str]:
    """``(scheme://, user-info or None, the rest)`` of ``url``, read as users mean it.

    A password may hold ``#``, ``@``, ``/``, ``?`` or ``%`` without percent-encoding: the
    user-info part (``user:password``) ends at the last ``@`` that is followed by a host
    (and port) and then the end of the URL or a ``/``, ``?`` or ``#`` — unless that ``@``
    sits in a query value (``?graph=a@b``). ``cautious=True`` (for redaction) skips that
    exception: hiding too much is safe, hiding too little is not. Text that is not a URL
    gives ``("", None, url)``.
    """
    match = _URL_RE.match(url)
    if not match:
        return "", None, url
    prefix, rest = url[: match.end()], url[match.end():]
    for at in reversed([i for i, c in enumerate(rest) if c == "@"]):
        head = rest[:at]
        if ":" not in head or not _HOST_AFTER_AT.match(rest, at + 1):
            continue
        if not cautious and _in_query_value(rest, at):
            continue
        return prefix, head, rest[at + 1:]
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    at = rest.rfind("@", 0, end)
    if at >= 0:  # "user@host": a user name without a password
        return prefix, rest[:at], rest[at + 1:]
    return prefix, None, rest


def _in_query_value(rest: str, at: int) -> bool:
    """Is ``rest[at]`` inside the value of a ``?key=value`` pair?"""
    question = rest.find("?")
    if question < 0 or question > at:
        return False
    start = max(rest.rfind("?", 0, at), rest.rfind("&", 0, at))
    return "=" in rest[start + 1 : at]


def parse_url(url: str) -> ConnectionTarget:
    """Parse a connection URL into a ``ConnectionTarget``; ``ValueError`` for unknown forms."""
    if not isinstance(url, str):
        raise TypeError(f"a connection URL must be a str, got {type(url).__name__}")
    match = _URL_RE.match(url.strip())
    if not match:
        raise ValueError(
            f"{redact_url(url)!r} is not a connection URL (scheme://...) — {scheme_suggestion('')}"
        )
    url = url.strip()
    scheme = match.group(1).lower()
    info = SCHEMES.get(scheme)
    if info is None:
        raise ValueError(
            f"unknown URL scheme '{scheme}://' in {redact_url(url)} — {scheme_suggestion(scheme)}"
        )
    prefix, userinfo, rest = split_userinfo(url)
    parts = urlsplit(prefix + rest)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    try:
        port = parts.port
    except ValueError:
        raise ValueError(
            f"the port in {redact_url(url)} is not a number between 0 and 65535"
        ) from None
    username = password = None
    if userinfo is not None:
        user, colon, secret = userinfo.partition(":")
        username = unquote(user) if user else None
        password = unquote(secret) if colon else None
    username = query.pop("username", None) or username
    password = query.pop("password", None) or password
    path = unquote(parts.path or "")
    common: dict[str, Any] = {
        "scheme": scheme,
        "backend": info.backend,
        "username": username,
        "password": Secret(password),
        "tls": info.tls,
        "self_signed": info.self_signed,
    }
    if "readonly" in query:
        common["readonly"] = _bool(query.pop("readonly"), "readonly", url)
    if "timeout" in query:
        raw = query.pop("timeout")
        try:
            common["timeout"] = float(raw)
        except ValueError:
            raise ValueError(
                f"?timeout={raw!r} in {redact_url(url)} is not a number of seconds"
            ) from None

    if scheme == "falkordb+embedded":
        data_dir = (unquote(parts.netloc) + path) or None
        return ConnectionTarget(
            **common,
            embedded=True,
            data_dir=data_dir,
            graph=query.pop("graph", None) or "runic",
            options=query,
        )
    if scheme == "unix":
        socket_path = unquote(parts.netloc) + path
        if not socket_path:
            raise ValueError(
                f"{redact_url(url)} names no socket — write unix:///path/to/falkordb.sock?graph=g"
            )
        db = _int(query.pop("db"), "db", url) if "db" in query else 0
        return ConnectionTarget(
            **common,
            unix_socket_path=socket_path,
            graph=query.pop("graph", None) or "runic",
            redis_db=db,
            options=query,
        )

    #: what every host/port target carries
    network = {**common, "host": parts.hostname or "localhost", "port": port if port is not None else info.port, "options": query}
    segment = path.strip("/")
    if info.backend == "falkordb":
        redis_db = 0
        graph = None
        if segment:
            if scheme in ("redis", "rediss") and segment.isdigit():
                redis_db = int(segment)
            else:
                graph = segment
        if "db" in query:
            redis_db = _int(query.pop("db"), "db", url)
        graph = query.pop("graph", None) or graph or "runic"
        return ConnectionTarget(**network, graph=graph, redis_db=redis_db)
    if info.backend == "age":
        database = query.pop("database", None) or segment or "postgres"
        graph = query.pop("graph", None) or "runic"
        return ConnectionTarget(**network, database=database, graph=graph)
    database = query.pop("database", None) or segment or None
    dialect = query.pop("dialect", None)
    if dialect is not None:
        dialect = dialect.lower()
        if dialect not in ("neo4j", "memgraph", "arcadedb"):
            raise ValueError(
                f"?dialect={dialect!r} in {redact_url(url)} is not known — use neo4j, memgraph or arcadedb"
            )
    http_port = _int(query.pop("http_port"), "http_port", url) if "http_port" in query else None
    if info.backend == "arcadedb":
        if not database:
            raise ValueError(
                f"{redact_url(url)} names no database — ArcadeDB needs one: arcadedb://host:7687/<database>"
            )
        http_port = http_port or 2480
    return ConnectionTarget(**network, database=database, dialect=dialect, http_port=http_port)


def _netloc(username: str | None, password: str | None, host: str | None, port: int | None) -> str:
    auth = ""
    if username or password:
        auth = quote(username or "", safe="") + (f":{REDACTED}" if password else "") + "@"
    host = host or ""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"{auth}{host}" + (f":{port}" if port else "")


def format_url(target: ConnectionTarget) -> str:
    """The redacted URL of ``target`` (``***`` for the password)."""
    keys: dict[str, str] = {}
    t = target
    pw = bool(t.password)
    if t.embedded:
        base = f"{t.scheme}://{t.data_dir or ''}"
        if t.graph:
            keys["graph"] = t.graph
    elif t.unix_socket_path is not None:
        auth = (
            (quote(t.username or "", safe="") + (f":{REDACTED}" if pw else "") + "@")
            if (t.username or pw)
            else ""
        )
        base = f"{t.scheme}://{auth}{t.unix_socket_path}"
        if t.graph:
            keys["graph"] = t.graph
        if t.redis_db:
            keys["db"] = str(t.redis_db)
    else:
        path = ""
        if t.backend == "falkordb":
            path = f"/{t.graph}" if t.graph else ""
            if t.redis_db:
                keys["db"] = str(t.redis_db)
        elif t.database:
            path = f"/{t.database}"
        if t.backend == "age" and t.graph:
            keys["graph"] = t.graph
        if t.dialect:
            keys["dialect"] = t.dialect
        if (
            t.http_port
            and t.backend != "arcadedb"
            or (t.backend == "arcadedb" and t.http_port not in (None, 2480))
        ):
            keys["http_port"] = str(t.http_port)
        base = f"{t.scheme}://{_netloc(t.username, REDACTED if pw else None, t.host, t.port)}{quote(path, safe='/')}"
    if t.readonly:
        keys["readonly"] = "true"
    for key, value in t.options.items():
        keys[key] = REDACTED if key.lower() in _SECRET_KEYS else value
    return base + ("?" + urlencode(keys, safe="*/:") if keys else "")


def redact_url(url: str) -> str:
    """``url`` with ``***`` for any password (in the user-info part or a ``?password=`` key).

    Works on any text that looks like a URL, also one that does not parse.
    """
    if not isinstance(url, str):
        return repr(type(url).__name__)
    prefix, userinfo, rest = split_userinfo(url, cautious=True)
    text = url
    if userinfo is not None and ":" in userinfo:
        text = f"{prefix}{userinfo.split(':', 1)[0]}:{REDACTED}@{rest}"

    def _mask(m: re.Match[str]) -> str:
        return f"{m.group(1)}={REDACTED}"

    keys = "|".join(sorted(_SECRET_KEYS))
    return re.sub(rf"(?i)(?<=[?&])({keys})=([^&#]*)", _mask, text)

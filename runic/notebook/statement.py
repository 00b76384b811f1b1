"""What a Cypher cell says, read without running it (no I/O).

``mask(query)`` blanks string literals, quoted identifiers and comments so the other
helpers can look for ``$name`` parameters, write clauses and a trailing ``LIMIT`` without
being fooled by text inside quotes. ``prepare(...)`` turns a cell into the statement that
is sent: parameters bound from the notebook namespace, ``LIMIT n+1`` appended to read
queries that have no limit of their own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "MissingParameterError",
    "PreparedStatement",
    "add_limit",
    "has_trailing_limit",
    "is_write_query",
    "mask",
    "parameter_names",
    "prepare",
]

_PARAM = re.compile(r"\$(?:([A-Za-z_][A-Za-z0-9_]*)|`((?:[^`]|``)+)`)")
_WRITE = re.compile(r"\b(CREATE|MERGE|SET|DELETE|DETACH|REMOVE|DROP|FOREACH|LOAD\s+CSV)\b", re.IGNORECASE)
_CALL = re.compile(r"\bCALL\s+([A-Za-z_][\w.]*)", re.IGNORECASE)
_TRAILING_LIMIT = re.compile(r"\bLIMIT\s+(?:\d+|\$[A-Za-z_]\w*|\$x+|[\w.]+\s*\([^()]*\)|\([^()]*\))\s*;?\s*\Z", re.IGNORECASE)
_RETURN = re.compile(r"\bRETURN\b", re.IGNORECASE)
_UNION = re.compile(r"\bUNION\b", re.IGNORECASE)
_PREFIX = re.compile(r"\A\s*(EXPLAIN|PROFILE)\b", re.IGNORECASE)

#: procedures that only read; any other CALL is treated as a possible write
READ_PROCEDURES = frozenset(
    name.lower()
    for name in (
        "db.labels",
        "db.relationshipTypes",
        "db.propertyKeys",
        "db.indexes",
        "db.constraints",
        "db.schema.visualization",
        "db.schema.nodeTypeProperties",
        "db.schema.relTypeProperties",
        "db.meta.stats",
        "db.idx.fulltext.queryNodes",
        "db.idx.fulltext.queryRelationships",
        "db.idx.vector.queryNodes",
        "db.idx.vector.queryRelationships",
        "db.index.fulltext.queryNodes",
        "db.index.fulltext.queryRelationships",
        "db.index.vector.queryNodes",
        "dbms.procedures",
        "dbms.functions",
        "dbms.components",
        "algo.pageRank",
        "algo.BFS",
        "algo.betweenness",
        "algo.WCC",
        "algo.labelPropagation",
        "algo.SPpaths",
        "algo.SSpaths",
        "show.indexes",
    )
)


class MissingParameterError(LookupError):
    """A ``$name`` in the cell has no value in the namespace or the ``--param`` options."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return (
            f"${self.name} is not defined in the notebook; define it "
            f"({self.name} = ...) or pass --param {self.name}=..."
        )


def mask(query: str) -> str:
    """``query`` with string literals, backtick identifiers and comments replaced by spaces.

    The result has the same length, so positions still line up with the original text.
    """
    out = list(query)
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch in ("'", '"'):
            j = i + 1
            while j < n and query[j] != ch:
                j += 2 if query[j] == "\\" else 1
            end = min(j + 1, n)
            for k in range(i, end):
                if out[k] != "\n":
                    out[k] = " "
            i = end
        elif ch == "`":
            j = i + 1
            while j < n:
                if query[j] == "`":
                    if j + 1 < n and query[j + 1] == "`":
                        j += 2
                        continue
                    break
                j += 1
            end = min(j + 1, n)
            # a quoted identifier stays a word for the clause scanners: fill with 'x'
            for k in range(i, end):
                out[k] = "x"
            if i > 0 and query[i - 1] == "$":
                for k in range(i, end):
                    out[k] = query[k]
            i = end
        elif query.startswith("//", i):
            j = query.find("\n", i)
            j = n if j < 0 else j
            for k in range(i, j):
                out[k] = " "
            i = j
        elif query.startswith("/*", i):
            j = query.find("*/", i + 2)
            j = n if j < 0 else j + 2
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
        else:
            i += 1
    return "".join(out)


def parameter_names(query: str) -> list[str]:
    """Names of the ``$name`` parameters in ``query``, first-seen order, quotes and comments ignored."""
    seen: dict[str, None] = {}
    for match in _PARAM.finditer(mask(query)):
        name = match.group(1) if match.group(1) is not None else match.group(2).replace("``", "`")
        seen.setdefault(name, None)
    return list(seen)


def _procedures(masked: str) -> list[str]:
    return [m.group(1) for m in _CALL.finditer(masked)]


def is_write_query(query: str) -> bool:
    """True when the statement may change the graph (write clause or an unknown procedure).

    This only decides whether the notebook may add a ``LIMIT``; it is never a
    safety check (read-only mode is enforced by the database).
    """
    masked = mask(query)
    if _WRITE.search(masked):
        return True
    return any(proc.lower() not in READ_PROCEDURES for proc in _procedures(masked))


def has_trailing_limit(query: str) -> bool:
    """Does the last clause end with ``LIMIT <expr>``?"""
    masked = mask(query).rstrip()
    return bool(_TRAILING_LIMIT.search(masked))


def add_limit(query: str, limit: int) -> str | None:
    """``query`` with ``LIMIT limit`` appended, or ``None`` when it must not be rewritten.

    Not rewritten: writes, statements without a final ``RETURN``, ``UNION`` queries (a
    limit would bind to the last part only), ``EXPLAIN``/``PROFILE`` and queries that
    already end with a ``LIMIT``.
    """
    masked = mask(query)
    if is_write_query(query) or _UNION.search(masked) or _PREFIX.match(masked):
        return None
    returns = list(_RETURN.finditer(masked))
    if not returns:
        return None
    tail = masked[returns[-1].end():]
    if tail.count("}") > tail.count("{"):  # the last RETURN sits inside a subquery
        return None
    if has_trailing_limit(query):
        return None
    body = query.rstrip()
    stripped = masked.rstrip()
    if stripped.endswith(";"):
        body = query[: len(stripped) - 1].rstrip()
    return f"{body}\nLIMIT {int(limit)}"


@dataclass
class PreparedStatement:
    """A cell ready to send: the text as written, the text sent, and bound parameters."""

    query: str
    sent: str
    params: dict[str, Any] = field(default_factory=dict)
    #: rows asked for beyond the display (``LIMIT fetch_limit`` was appended), or None
    fetch_limit: int | None = None
    is_write: bool = False

    @property
    def autolimited(self) -> bool:
        return self.fetch_limit is not None


def bind_parameters(query: str, namespace: Mapping[str, Any] | None, explicit: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Values for every ``$name`` in ``query``: ``explicit`` first, then ``namespace``.

    Raises ``MissingParameterError`` for the first name found in neither.
    """
    explicit = dict(explicit or {})
    namespace = namespace or {}
    params: dict[str, Any] = {}
    for name in parameter_names(query):
        if name in explicit:
            params[name] = explicit[name]
        elif name in namespace:
            params[name] = namespace[name]
        elif name.isdigit():
            raise MissingParameterError(name)
        else:
            raise MissingParameterError(name)
    # explicit values the query does not name still travel (harmless, and lets
    # `--param` feed procedures that read parameters)
    for name, value in explicit.items():
        params.setdefault(name, value)
    return params


def prepare(
    query: str,
    namespace: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
    *,
    limit: int | None = None,
) -> PreparedStatement:
    """Bind parameters and, for read queries with ``limit`` set, append ``LIMIT limit+1``.

    The extra row tells the display whether more rows exist without fetching them.
    """
    bound = bind_parameters(query, namespace, params)
    write = is_write_query(query)
    sent = query
    fetch_limit = None
    if limit is not None and limit >= 0 and not write:
        rewritten = add_limit(query, limit + 1)
        if rewritten is not None:
            sent = rewritten
            fetch_limit = limit + 1
    return PreparedStatement(query=query, sent=sent, params=bound, fetch_limit=fetch_limit, is_write=write)

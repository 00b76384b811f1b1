"""Safe pieces of Cypher text: identifiers and string literals.

Values never go into query text (they travel as parameters); identifiers (labels,
relationship types, property names, aliases) do, so they pass through here.
"""

from __future__ import annotations

import re

__all__ = [
    "CYPHER_KEYWORDS",
    "IDENTIFIER",
    "escape_identifier",
    "escape_string",
    "is_plain_identifier",
    "quote_identifier",
    "validate_identifier",
]

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
#: characters no identifier may hold: C0/C1 control characters, DEL, lone surrogates
_UNSAFE_IN_IDENTIFIER = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


#: Cypher's reserved words: they cannot name a query variable, and some parsers refuse
#: them as property names after a dot
CYPHER_KEYWORDS = frozenset(
    ["all", "and", "any", "as", "asc", "ascending", "assert", "by", "call", "case", "constraint", "contains", "count", "create", "csv", "delete", "desc", "descending", "detach", "distinct", "drop", "else", "end", "ends", "exists", "explain", "false", "fieldterminator", "foreach", "from", "headers", "in", "index", "is", "join", "limit", "load", "match", "merge", "none", "not", "null", "on", "optional", "or", "order", "periodic", "profile", "remove", "return", "scan", "set", "single", "skip", "start", "starts", "then", "true", "union", "unique", "unwind", "using", "when", "where", "with", "xor", "yield"]
)


def is_plain_identifier(name: str) -> bool:
    return isinstance(name, str) and bool(IDENTIFIER.match(name))


def validate_identifier(name: str, what: str = "identifier") -> str:
    """Return ``name`` if it is a plain identifier (``[A-Za-z_][A-Za-z0-9_]*``), else raise ``ValueError``."""
    if not is_plain_identifier(name):
        raise ValueError(
            f"{what} {name!r} is not a valid identifier — use letters, digits and '_' only, "
            "not starting with a digit"
        )
    return name


def escape_identifier(name: str) -> str:
    """Backtick-quote ``name`` for use as a label, type, property or alias.

    Embedded backticks are doubled, so any string becomes one identifier token.
    Control characters (NUL, newline, tab, DEL, ...) and lone surrogates are refused:
    backends store them wrongly or not at all, and they cannot be sent as UTF-8.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"identifier {name!r} must be a non-empty string")
    bad = _UNSAFE_IN_IDENTIFIER.search(name)
    if bad is not None:
        char = bad.group()
        what = "a lone surrogate" if "\ud800" <= char <= "\udfff" else "a control character"
        raise ValueError(
            f"identifier {name!r} contains {what} ({char!r} at position {bad.start()}) — "
            "remove it; names are printable text"
        )
    return "`" + name.replace("`", "``") + "`"


def quote_identifier(name: str) -> str:
    """``name`` as it goes into query or DDL text: bare when plain, backtick-quoted otherwise."""
    return name if is_plain_identifier(name) else escape_identifier(name)


def escape_string(value: str) -> str:
    """A single-quoted Cypher string literal. Prefer parameters; this is for DDL that takes none."""
    if "\x00" in value:
        raise ValueError("string contains a NUL character — remove it")
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"

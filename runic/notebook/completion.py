"""Tab completion inside ``%%runic`` cells, kernel-side (IPython's completer API).

After ``:`` in a node pattern → labels; after ``[:`` or ``|`` in a relationship
pattern → relationship types; after ``alias.`` → the property keys of ``alias``'s label
or relationship type (read from a sample of the graph), or every key when the alias has
none; elsewhere, a word being typed → Cypher keywords and functions. Names come from the
current connection's live schema, cached and refreshed after writes (and at most every
``REFRESH_S`` seconds otherwise). Works wherever the kernel answers completion requests:
JupyterLab, Notebook 7, VS Code, Colab.
"""

from __future__ import annotations

import re
import time
from typing import Any

from IPython.core.completer import SimpleCompletion, context_matcher

from .statement import mask

__all__ = ["CYPHER_FUNCTIONS", "CYPHER_WORDS", "REFRESH_S", "complete_cypher", "register", "runic_matcher", "unregister"]

#: clause and operator words offered while a word is typed
CYPHER_WORDS = (
    "MATCH", "OPTIONAL MATCH", "WHERE", "RETURN", "WITH", "UNWIND", "ORDER BY", "SKIP", "LIMIT",
    "CREATE", "MERGE", "ON CREATE SET", "ON MATCH SET", "SET", "DELETE", "DETACH DELETE", "REMOVE",
    "CALL", "YIELD", "UNION", "UNION ALL", "DISTINCT", "AS", "AND", "OR", "XOR", "NOT", "IN",
    "IS NULL", "IS NOT NULL", "STARTS WITH", "ENDS WITH", "CONTAINS", "CASE", "WHEN", "THEN",
    "ELSE", "END", "ASC", "DESC", "EXISTS", "FOREACH", "EXPLAIN", "PROFILE", "true", "false", "null",
)
#: functions offered while a word is typed (common to the supported backends)
CYPHER_FUNCTIONS = (
    "count", "sum", "avg", "min", "max", "collect", "stDev", "percentileCont", "percentileDisc",
    "id", "labels", "type", "keys", "properties", "nodes", "relationships", "length", "size",
    "startNode", "endNode", "head", "last", "tail", "range", "reverse", "coalesce", "exists",
    "toInteger", "toFloat", "toString", "toBoolean", "toLower", "toUpper", "trim", "ltrim",
    "rtrim", "replace", "substring", "left", "right", "split", "abs", "ceil", "floor", "round",
    "sign", "sqrt", "rand", "log", "exp", "timestamp", "date", "datetime", "duration",
)

REFRESH_S = 30.0
_CELL = re.compile(r"\A\s*%%runic\b")
_LINE = re.compile(r"%runic\s")
_FRAGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)?\Z")


def _context(before: str) -> tuple[str, str] | None:
    """``(kind, fragment)`` for the text before the cursor, or None when not a name position."""
    frag_match = _FRAGMENT.search(before)
    fragment = frag_match.group(1) or "" if frag_match else ""
    head = before[: len(before) - len(fragment)]
    masked = mask(head)
    if len(masked) != len(head) or (head and masked[-1:] != head[-1:]):
        return None  # inside a string or comment
    if head.endswith("."):
        owner = re.search(r"([A-Za-z_]\w*|\))\s*\.\Z", head)
        if not owner:
            return None
        if owner.group(1) != ")" and not head[: owner.start()].rstrip().endswith("$"):
            return (f"keys:{owner.group(1)}", fragment)
        return ("keys", fragment)
    stripped = head.rstrip()
    if stripped.endswith(":") or (stripped.endswith("|") and _open_bracket(masked) == "["):
        bracket = _open_bracket(masked)
        if bracket == "[":
            return ("types", fragment)
        if bracket == "(":
            return ("labels", fragment)
        if bracket == "{":
            return None  # a map literal: key: value
        return ("labels", fragment)
    if fragment and not head.endswith("$") and _open_bracket(masked) != "{":
        return ("words", fragment)
    return None


def _open_bracket(masked: str) -> str | None:
    depth: dict[str, int] = {"(": 0, "[": 0, "{": 0}
    pairs = {")": "(", "]": "[", "}": "{"}
    for ch in reversed(masked):
        if ch in pairs:
            depth[pairs[ch]] += 1
        elif ch in depth:
            if depth[ch]:
                depth[ch] -= 1
            else:
                return ch
    return None


def _schema(refresh: bool = False) -> dict[str, list[str]] | None:
    from .connections import registry
    from .run import cached_schema

    try:
        conn = registry.get()
    except Exception:  # noqa: BLE001 - no connection: nothing to offer
        return None
    stamp = conn.schema_cache.get("_at")
    stale = stamp is None or time.monotonic() - stamp > REFRESH_S
    try:
        schema = cached_schema(conn, refresh=refresh or stale)
    except Exception:  # noqa: BLE001 - completion must never raise
        return None
    if stale or refresh:
        for key in [k for k in conn.schema_cache if k.startswith("_props:")]:
            del conn.schema_cache[key]
        schema["_at"] = time.monotonic()  # type: ignore[assignment]
    return schema


_OWNER_NODE = r"\(\s*{alias}\s*:\s*([A-Za-z_]\w*|`[^`]+`)"
_OWNER_EDGE = r"\[\s*{alias}\s*:\s*([A-Za-z_]\w*|`[^`]+`)"


def owner_of(query: str, alias: str) -> tuple[str, str] | None:
    """``("label", L)`` or ``("type", T)`` for the first pattern binding ``alias`` in ``query``."""
    masked = mask(query)
    for kind, pattern in (("label", _OWNER_NODE), ("type", _OWNER_EDGE)):
        m = re.search(pattern.format(alias=re.escape(alias)), masked)
        if m:
            start, end = m.span(1)
            return kind, query[start:end].strip("`")
    return None


def complete_cypher(
    before: str,
    schema: dict[str, list[str]],
    keys_of: Any = None,
    *,
    after: str = "",
) -> tuple[str, list[tuple[str, str]]] | None:
    """``(fragment, [(name, kind), ...])`` for the Cypher text before the cursor.

    ``keys_of(kind, name)`` returns the property keys of a label (``kind="label"``) or a
    relationship type (``"type"``); ``after`` is the rest of the cell, where the alias
    before a ``.`` may be bound too."""
    ctx = _context(before)
    if ctx is None:
        return None
    kind, fragment = ctx
    low = fragment.lower()
    if kind == "words":
        words = [(w, "keyword") for w in CYPHER_WORDS if w.lower().startswith(low)]
        words += [(f, "function") for f in CYPHER_FUNCTIONS if f.lower().startswith(low)]
        return (fragment, words) if words else None
    what = "property"
    if kind.startswith("keys:"):
        alias = kind.split(":", 1)[1]
        owner = owner_of(before + after, alias)
        names: list[str] = []
        if owner is not None and keys_of is not None:
            try:
                names = list(keys_of(*owner))
            except Exception:  # noqa: BLE001 - completion must never raise
                names = []
            what = f"property of :{owner[1]}"
        if not names:
            names = schema.get("keys") or []
            what = "property"
    else:
        names = schema.get(kind) or []
        what = {"labels": "label", "types": "relationship type", "keys": "property"}[kind]
    matches = sorted({n for n in names if n.lower().startswith(low)}, key=str.lower)
    return fragment, [(n if re.fullmatch(r"[A-Za-z_]\w*", n) else f"`{n}`", what) for n in matches]


def _keys_of(kind: str, name: str) -> list[str]:
    """Property keys seen on a sample of nodes with label ``name`` (or edges of type ``name``), cached."""
    from runic.cypher import escape_identifier

    from .connections import registry

    conn = registry.get()
    cache_key = f"_props:{kind}:{name}"
    if cache_key in conn.schema_cache:
        return conn.schema_cache[cache_key]
    pattern = f"(n:{escape_identifier(name)})" if kind == "label" else f"()-[n:{escape_identifier(name)}]->()"
    result = conn.driver.execute(f"MATCH {pattern} WITH n LIMIT 200 UNWIND keys(n) AS k RETURN DISTINCT k AS k", readonly=True)
    keys = sorted({row[0] for row in result.rows if isinstance(row[0], str)})
    conn.schema_cache[cache_key] = keys
    return keys


@context_matcher()
def runic_matcher(context: Any) -> dict[str, Any]:
    """IPython matcher (API v2): Cypher names inside ``%%runic`` cells and ``%runic`` lines."""
    empty: dict[str, Any] = {"completions": [], "suppress": False}
    full = context.full_text
    lines = full.split("\n")
    line_index = context.cursor_line
    before = "\n".join(lines[:line_index] + [lines[line_index][: context.cursor_position]])
    if _CELL.match(full):
        first_line_end = full.find("\n")
        if first_line_end < 0 or len(before) <= first_line_end:
            return empty
        before = before[first_line_end + 1 :]
    else:
        current = lines[line_index][: context.cursor_position]
        m = _LINE.search(current)
        if not m:
            return empty
        before = current[m.end():]
    schema = _schema()
    if schema is None:
        return empty
    after = "\n".join([lines[line_index][context.cursor_position :], *lines[line_index + 1 :]])
    found = complete_cypher(before, schema, _keys_of, after=after)
    if found is None:
        return empty
    fragment, items = found
    return {
        "completions": [SimpleCompletion(text, type=kind) for text, kind in items],
        "matched_fragment": fragment,
        "suppress": True,
        "ordered": True,
    }


def register(ip: Any) -> None:
    completer = getattr(ip, "Completer", None)
    if completer is not None and runic_matcher not in completer.custom_matchers:
        completer.custom_matchers.append(runic_matcher)


def unregister(ip: Any) -> None:
    completer = getattr(ip, "Completer", None)
    if completer is not None and runic_matcher in completer.custom_matchers:
        completer.custom_matchers.remove(runic_matcher)

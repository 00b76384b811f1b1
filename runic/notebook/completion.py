"""Tab completion inside ``%%runic`` cells, kernel-side (IPython's completer API).

After ``:`` in a node pattern → labels; after ``[:`` or ``|`` in a relationship
pattern → relationship types; after ``alias.`` → property keys. Names come from the
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

__all__ = ["REFRESH_S", "complete_cypher", "register", "runic_matcher", "unregister"]

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
        return ("keys", fragment) if owner else None
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
        schema["_at"] = time.monotonic()  # type: ignore[assignment]
    return schema


def complete_cypher(before: str, schema: dict[str, list[str]]) -> tuple[str, list[tuple[str, str]]] | None:
    """``(fragment, [(name, kind), ...])`` for the Cypher text before the cursor."""
    ctx = _context(before)
    if ctx is None:
        return None
    kind, fragment = ctx
    names = schema.get(kind) or []
    low = fragment.lower()
    matches = sorted({n for n in names if n.lower().startswith(low)}, key=str.lower)
    label = {"labels": "label", "types": "relationship type", "keys": "property"}[kind]
    return fragment, [(n if re.fullmatch(r"[A-Za-z_]\w*", n) else f"`{n}`", label) for n in matches]


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
    found = complete_cypher(before, schema)
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

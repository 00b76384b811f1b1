"""Cypher text inside SQL for Apache AGE: the ``cypher()`` call and the RETURN columns.

AGE runs Cypher through ``SELECT * FROM ag_catalog.cypher('<graph>', $tag$<query>$tag$, $1)
AS (c0 agtype, ...)``: the SQL needs one column per RETURN item of the last query part.
``return_columns`` finds them with a small scanner that skips string literals, quoted
identifiers, comments and anything inside brackets, and knows ``DISTINCT``, ``AS`` and
``UNION``. Nothing here does I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from runic.ogm.exceptions import UnsupportedFeatureError

__all__ = [
    "GRAPH_NAME",
    "body_offset",
    "dollar_tag",
    "inline_order_by_aliases",
    "long_identifier",
    "return_columns",
    "validate_graph_name",
    "wrap_cypher",
]

GRAPH_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPEN = "([{"
_CLOSE = ")]}"
_END_OF_RETURN = {"ORDER", "SKIP", "LIMIT"}
#: PostgreSQL's NAMEDATALEN - 1: AGE cuts every longer name (label, property, variable) to this
MAX_IDENTIFIER_BYTES = 63


def validate_graph_name(name: str) -> str:
    """``name`` if AGE can hold it as a graph (``[A-Za-z_][A-Za-z0-9_]*``, 3 to 63 characters)."""
    if not isinstance(name, str) or not GRAPH_NAME.match(name):
        raise ValueError(
            f"graph name {name!r} is not valid for Apache AGE — use letters, digits and '_' only, "
            "not starting with a digit"
        )
    if not 3 <= len(name) <= 63:
        raise ValueError(f"graph name {name!r} must have 3 to 63 characters on Apache AGE — pick another name")
    return name


class _Token:
    __slots__ = ("depth", "end", "kind", "start", "text")

    def __init__(self, kind: str, text: str, start: int, end: int, depth: int) -> None:
        self.kind = kind  # "word", "punct", "string", "ident", "other"
        self.text = text
        self.start = start
        self.end = end
        self.depth = depth

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


@lru_cache(maxsize=256)
def _tokens(query: str) -> tuple[_Token, ...]:
    """Tokens with their bracket depth; strings, quoted identifiers and comments skipped over
    (kept for the last queries: a flush sends one text many times)."""
    out: list[_Token] = []
    depth = 0
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif query.startswith("//", i):
            j = query.find("\n", i)
            i = n if j < 0 else j + 1
        elif query.startswith("/*", i):
            j = query.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif ch in "'\"":
            j = i + 1
            while j < n and query[j] != ch:
                j += 2 if query[j] == "\\" else 1
            out.append(_Token("string", query[i : j + 1], i, min(j + 1, n), depth))
            i = j + 1
        elif ch == "`":
            j = i + 1
            while j < n:
                if query[j] == "`":
                    if query.startswith("``", j):
                        j += 2
                        continue
                    break
                j += 1
            out.append(_Token("ident", query[i : j + 1], i, min(j + 1, n), depth))
            i = j + 1
        elif ch in _OPEN:
            out.append(_Token("punct", ch, i, i + 1, depth))
            depth += 1
            i += 1
        elif ch in _CLOSE:
            depth = max(depth - 1, 0)
            out.append(_Token("punct", ch, i, i + 1, depth))
            i += 1
        else:
            match = _WORD.match(query, i)
            if match:
                out.append(_Token("word", match.group(0), i, match.end(), depth))
                i = match.end()
            else:
                out.append(_Token("punct" if ch in ",.;*" else "other", ch, i, i + 1, depth))
                i += 1
    return tuple(out)


def _is_keyword(tokens: Sequence[_Token], k: int, word: str) -> bool:
    """Token ``k`` is the top-level keyword ``word`` (not a property after ``.``, not ``$word``)."""
    tok = tokens[k]
    if tok.depth != 0 or tok.upper != word:
        return False
    prev = tokens[k - 1] if k > 0 else None
    return not (prev is not None and prev.text in (".", "$") and prev.end == tok.start)


def _unquote(token: _Token) -> str:
    if token.kind == "ident":
        return token.text[1:-1].replace("``", "`")
    return token.text


@lru_cache(maxsize=1024)
def long_identifier(query: str) -> str | None:
    """The first name in ``query`` longer than AGE keeps (63 UTF-8 bytes), else None.

    AGE silently cuts such a name (a label, property key, variable or ``$parameter``) to
    its first 63 bytes, so the data would land under another name; runic refuses instead."""
    if len(query.encode()) <= MAX_IDENTIFIER_BYTES:
        return None
    for token in _tokens(query):
        if token.kind in ("word", "ident"):
            name = _unquote(token)
            if len(name.encode()) > MAX_IDENTIFIER_BYTES:
                return name
    return None


def return_columns(query: str) -> list[str]:
    """Column names of the last query part's RETURN, as other backends name them.

    ``RETURN a, b.name AS name, count(*)`` → ``["a", "name", "count(*)"]``; no RETURN → ``[]``.
    ``RETURN *`` cannot be counted without the server → ``UnsupportedFeatureError``.
    """
    tokens = _tokens(query)
    start = 0
    for k in range(len(tokens)):
        if _is_keyword(tokens, k, "UNION"):
            start = k + 1
    ret = None
    for k in range(start, len(tokens)):
        if _is_keyword(tokens, k, "RETURN"):
            ret = k
    if ret is None:
        return []
    k = ret + 1
    if k < len(tokens) and _is_keyword(tokens, k, "DISTINCT"):
        k += 1
    items: list[list[_Token]] = [[]]
    while k < len(tokens):
        tok = tokens[k]
        if tok.depth == 0 and tok.upper in _END_OF_RETURN and not (k > 0 and tokens[k - 1].text == "." and tokens[k - 1].end == tok.start):
            break
        if tok.depth == 0 and tok.kind == "punct" and tok.text == ";":
            break
        if tok.depth == 0 and tok.kind == "punct" and tok.text == ",":
            items.append([])
        else:
            items[-1].append(tok)
        k += 1
    names = []
    for item in items:
        if not item:
            continue
        if len(item) == 1 and item[0].text == "*":
            raise UnsupportedFeatureError(
                "Apache AGE cannot run RETURN * through runic: the SQL around cypher() must name every column",
                backend="age", feature="RETURN *", alternative="name the columns",
                hint="list the returned items (RETURN n, m) instead of RETURN *",
            )
        if len(item) >= 3 and item[-2].upper == "AS" and item[-2].depth == 0 and item[-1].kind in ("word", "ident"):
            names.append(_unquote(item[-1]))
        else:
            names.append(query[item[0].start : item[-1].end].strip())
    return names


def strip_final_semicolon(query: str) -> str:
    """The query without a closing ``;`` (AGE's parser refuses it inside ``cypher()``)."""
    tokens = _tokens(query)
    if tokens and tokens[-1].kind == "punct" and tokens[-1].text == ";" and tokens[-1].depth == 0:
        return query[: tokens[-1].start].rstrip()
    return query


def sent_text(query: str) -> str:
    """The Cypher text runic sends to AGE for ``query`` (see ``wrap_cypher``)."""
    return inline_label_predicates(inline_order_by_aliases(strip_final_semicolon(query)))


def _label_test(var: str, label: str) -> str:
    literal = "'" + label.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return f"(label({var}) = {literal} OR {literal} IN coalesce({var}._labels, []))"


def inline_label_predicates(query: str) -> str:
    """``WHERE n:Person`` → ``WHERE (label(n) = 'Person' OR 'Person' IN coalesce(n._labels, []))``.

    AGE's parser has no label predicates; runic's stand-in also sees the labels a node keeps
    in ``_labels``. Only WHERE conditions are rewritten; patterns and map literals stay.
    """
    tokens = _tokens(query)
    n = len(tokens)
    edits: list[tuple[int, int, str]] = []
    where_ends = _CLAUSE_WORDS - {"WHERE"}
    in_where = False
    stack: list[int] = []  # indexes of the open brackets around the current token
    k = 0
    while k < n:
        tok = tokens[k]
        if tok.kind == "punct" and tok.text in _OPEN:
            stack.append(k)
            k += 1
            continue
        if tok.kind == "punct" and tok.text in _CLOSE:
            if stack:
                stack.pop()
            k += 1
            continue
        if tok.depth == 0 and tok.upper == "WHERE":
            in_where = True
        elif tok.depth == 0 and tok.upper in where_ends:
            in_where = False
        if (
            in_where
            and tok.kind in ("word", "ident")
            and k + 2 < n
            and tokens[k + 1].text == ":"
            and tokens[k + 2].kind in ("word", "ident")
            and not (k > 0 and tokens[k - 1].text in (".", "$", ":") and tokens[k - 1].end == tok.start)
            and not _in_map_or_pattern(tokens, stack)
        ):
            var = tok.text
            labels = []
            j = k + 1
            while j + 1 < n and tokens[j].text == ":" and tokens[j + 1].kind in ("word", "ident"):
                labels.append(_unquote(tokens[j + 1]))
                j += 2
            edits.append((tok.start, tokens[j - 1].end, "(" + " AND ".join(_label_test(var, label) for label in labels) + ")"))
            k = j
            continue
        k += 1
    return _apply_edits(query, edits)


def _in_map_or_pattern(tokens: Sequence[_Token], stack: list[int]) -> bool:
    """Inside a map literal, or inside the parentheses of a node pattern like ``(n:L)-->()``."""
    if not stack:
        return False
    opener = tokens[stack[-1]]
    if opener.text == "{":
        return True
    before_opener = tokens[stack[-1] - 1] if stack[-1] > 0 else None
    if opener.text == "[" and before_opener is not None and before_opener.text in ("-", "<"):
        return True
    if opener.text == "(":
        before = tokens[stack[-1] - 1] if stack[-1] > 0 else None
        if before is not None and before.text in ("-", ">", "<"):
            return True
        depth = opener.depth
        for j in range(stack[-1] + 1, len(tokens)):
            if tokens[j].text == ")" and tokens[j].depth == depth:
                after = tokens[j + 1] if j + 1 < len(tokens) else None
                return after is not None and after.text in ("-", "<")
    return False


def dollar_tag(query: str) -> str:
    """A dollar-quote tag that does not occur in ``query``: ``$runic$``, else ``$runic1$``, ..."""
    tag = "$runic$"
    number = 0
    while tag in query:
        number += 1
        tag = f"$runic{number}$"
    return tag


def body_offset(graph_name: str, query: str) -> int:
    """Where the Cypher text starts (0-based character offset) in the wrapped SQL."""
    return len(f"SELECT * FROM ag_catalog.cypher('{graph_name}', {dollar_tag(query)}")


def wrap_cypher(graph_name: str, query: str, columns: Sequence[str] | None = None) -> tuple[str, list[str]]:
    """``(sql, cypher column names)``. The SQL takes one ``%s`` (psycopg style): the parameter map.

    ``%`` in the query is doubled for psycopg; the server sees the query as written, except
    that a final ``;`` is dropped and ORDER BY on an alias of the same RETURN/WITH is spelt
    out (``inline_order_by_aliases``).
    """
    validate_graph_name(graph_name)
    names = list(columns) if columns is not None else return_columns(query)
    query = sent_text(query)
    tag = dollar_tag(query)
    sql_columns = ", ".join(f"c{i} agtype" for i in range(max(len(names), 1)))
    body = query.replace("%", "%%")
    sql = f"SELECT * FROM ag_catalog.cypher('{graph_name}', {tag}{body}{tag}, %s) AS ({sql_columns})"
    return sql, names


_CLAUSE_WORDS = {
    "ORDER", "SKIP", "LIMIT", "WHERE", "MATCH", "OPTIONAL", "CREATE", "MERGE", "SET", "DELETE",
    "DETACH", "REMOVE", "UNWIND", "WITH", "RETURN", "UNION", "CALL", "FOREACH",
}


def inline_order_by_aliases(query: str) -> str:
    """``RETURN n.name AS name ORDER BY name`` → ``… ORDER BY (n.name)``.

    AGE cannot sort by an alias its own RETURN/WITH defines ("could not find rte"), so
    each such alias in that clause's ORDER BY is replaced by its expression. Other text is
    left exactly as written.
    """
    tokens = _tokens(query)
    edits: list[tuple[int, int, str]] = []
    n = len(tokens)
    k = 0
    while k < n:
        if not (_is_keyword(tokens, k, "RETURN") or _is_keyword(tokens, k, "WITH")):
            k += 1
            continue
        k += 1
        if k < n and _is_keyword(tokens, k, "DISTINCT"):
            k += 1
        aliases: dict[str, str] = {}
        item: list[_Token] = []
        while k <= n:
            tok = tokens[k] if k < n else None
            at_end = tok is None or (tok.depth == 0 and (tok.upper in _CLAUSE_WORDS or tok.text == ";"))
            if at_end or (tok.depth == 0 and tok.kind == "punct" and tok.text == ","):
                if len(item) >= 3 and item[-2].upper == "AS" and item[-1].kind in ("word", "ident"):
                    expr = query[item[0].start : item[-3].end]
                    aliases[_unquote(item[-1])] = expr
                item = []
                if at_end:
                    break
            else:
                item.append(tok)
            k += 1
        if not (k < n and _is_keyword(tokens, k, "ORDER") and k + 1 < n and tokens[k + 1].upper == "BY"):
            continue
        k += 2
        while k < n:
            tok = tokens[k]
            if tok.depth == 0 and (tok.upper in _CLAUSE_WORDS or tok.text == ";"):
                break
            name = _unquote(tok) if tok.kind in ("word", "ident") else None
            if name in aliases:
                prev = tokens[k - 1] if k > 0 else None
                nxt = tokens[k + 1] if k + 1 < n else None
                after_dot = prev is not None and prev.text in (".", "$") and prev.end == tok.start
                is_call = nxt is not None and nxt.text == "(" and tok.kind == "word"
                is_key = nxt is not None and nxt.text == ":"
                if not (after_dot or is_call or is_key):
                    edits.append((tok.start, tok.end, f"({aliases[name]})"))
            k += 1
    return _apply_edits(query, edits)


def _apply_edits(query: str, edits: list[tuple[int, int, str]]) -> str:
    """``query`` with each ``(start, end, text)`` span (in order, not overlapping) replaced."""
    if not edits:
        return query
    out, last = [], 0
    for start, end, text in edits:
        out.append(query[last:start])
        out.append(text)
        last = end
    out.append(query[last:])
    return "".join(out)

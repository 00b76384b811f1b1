"""Plain and HTML rendering of values and tables (no IPython, no I/O).

Everything here is bounded (long strings, lists and maps are cut), cycle-safe (a
container met again while rendering itself shows as ``…``) and hides the values of
secret-looking keys. Colours are CSS variables of JupyterLab with fallbacks, so the
output reads in light and dark themes alike.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

from runic.ogm.driver.result import EdgeRecord, NodeRecord, PathRecord

__all__ = [
    "CSS",
    "column_types",
    "format_value",
    "html_table",
    "html_value",
    "is_secret_key",
    "text_table",
]

MAX_STR = 80
MAX_ITEMS = 10
MAX_DEPTH = 4
_SECRET = re.compile(r"pass(word|wd)?$|secret|token|api[_-]?key|credential", re.IGNORECASE)

#: one style block shared by every runic HTML output (theme-neutral)
CSS = (
    "<style>"
    ".runic-out{font-family:var(--jp-ui-font-family,system-ui,sans-serif);font-size:var(--jp-ui-font-size1,13px);"
    "color:var(--jp-ui-font-color1,inherit)}"
    ".runic-out table.runic-table{border-collapse:collapse;margin:0}"
    ".runic-out .runic-scroll{max-height:420px;overflow:auto;display:inline-block;max-width:100%}"
    ".runic-out table.runic-table th{position:sticky;top:0;background:var(--jp-layout-color2,rgba(127,127,127,.15));"
    "text-align:left;padding:2px 8px;border-bottom:1px solid var(--jp-border-color1,rgba(127,127,127,.4))}"
    ".runic-out table.runic-table td{padding:2px 8px;border-bottom:1px solid var(--jp-border-color3,rgba(127,127,127,.15));"
    "vertical-align:top;font-family:var(--jp-code-font-family,monospace);white-space:pre-wrap;text-align:left}"
    ".runic-out table.runic-table td.runic-n{text-align:right}"
    ".runic-out table.runic-table th .runic-coltype{display:block;font-weight:normal;font-size:90%;"
    "color:var(--jp-ui-font-color2,rgba(127,127,127,1))}"
    ".runic-out .runic-footer{color:var(--jp-ui-font-color2,rgba(127,127,127,1));margin-top:4px}"
    ".runic-out .runic-more{color:var(--jp-warn-color0,#b86e00)}"
    ".runic-out .runic-chip{display:inline-block;border-radius:8px;padding:0 6px;margin-right:3px;"
    "background:var(--jp-brand-color3,rgba(33,150,243,.18));color:var(--jp-ui-font-color0,inherit)}"
    ".runic-out .runic-type{display:inline-block;border-radius:3px;padding:0 5px;"
    "background:var(--jp-accent-color3,rgba(76,175,80,.18))}"
    ".runic-out .runic-key{color:var(--jp-mirror-editor-property-color,#2a6fb0)}"
    ".runic-out .runic-str{color:var(--jp-mirror-editor-string-color,#a2462c)}"
    ".runic-out .runic-num{color:var(--jp-mirror-editor-number-color,#197e48)}"
    ".runic-out .runic-kw{color:var(--jp-mirror-editor-keyword-color,#8a2ab0);font-weight:bold}"
    ".runic-out .runic-var{color:var(--jp-mirror-editor-variable-2-color,#0b6dab)}"
    ".runic-out .runic-muted{color:var(--jp-ui-font-color2,rgba(127,127,127,1))}"
    ".runic-out .runic-card{display:inline-block;border:1px solid var(--jp-border-color1,rgba(127,127,127,.4));"
    "border-radius:6px;padding:6px 10px;margin:2px 0}"
    ".runic-out .runic-state-transient,.runic-out .runic-state-pending{color:var(--jp-warn-color0,#b86e00)}"
    ".runic-out .runic-state-persistent{color:var(--jp-success-color0,#2e7d32)}"
    ".runic-out .runic-state-deleted{color:var(--jp-error-color0,#c62828)}"
    ".runic-out .runic-state-detached{color:var(--jp-ui-font-color2,rgba(127,127,127,1))}"
    ".runic-out pre.runic-cypher{margin:2px 0;padding:6px;background:var(--jp-cell-editor-background,rgba(127,127,127,.08));"
    "border-radius:4px;white-space:pre-wrap}"
    "</style>"
)


def is_secret_key(key: Any) -> bool:
    """Does a property/parameter name look like it holds a secret?"""
    return isinstance(key, str) and bool(_SECRET.search(key))


def _cut(text: str, limit: int = MAX_STR) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _props_text(props: dict[str, Any], seen: set[int], depth: int) -> str:
    items = list(props.items())
    parts = [f"{k}: {'***' if is_secret_key(k) else _fmt(v, seen, depth + 1)}" for k, v in items[:MAX_ITEMS]]
    if len(items) > MAX_ITEMS:
        parts.append(f"…+{len(items) - MAX_ITEMS}")
    return "{" + ", ".join(parts) + "}"


def _path_node(node: NodeRecord, seen: set[int], depth: int) -> str:
    """A node inside a path: its labels and first property (``(:Person {name: 'Ada'})``), or its id."""
    labels = "".join(f":{label}" for label in node.labels)
    if node.properties:
        key, val = next(iter(node.properties.items()))
        shown = "***" if is_secret_key(key) else _fmt(val, seen, depth + 1)
        return f"({labels} {{{key}: {shown}}})"
    return f"({labels}#{node.id})"


def _fmt(value: Any, seen: set[int], depth: int) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return _cut(repr(value))
    if depth > MAX_DEPTH:
        return "…"
    if isinstance(value, NodeRecord):
        labels = "".join(f":{label}" for label in value.labels)
        props = _props_text(value.properties, seen, depth) if value.properties else ""
        return f"({labels}{' ' if props and labels else ''}{props})"
    if isinstance(value, EdgeRecord):
        props = _props_text(value.properties, seen, depth) if value.properties else ""
        return f"[:{value.type}{' ' if props else ''}{props}]"
    if isinstance(value, PathRecord):
        parts = []
        for i, node in enumerate(value.nodes):
            parts.append(_path_node(node, seen, depth))
            if i < len(value.edges):
                edge = value.edges[i]
                arrow_out = edge.start_id == node.id
                parts.append(f"-[:{edge.type}]->" if arrow_out else f"<-[:{edge.type}]-")
        return _cut("".join(parts), MAX_STR * 3)
    key = id(value)
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        if key in seen:
            return "…"
        seen.add(key)
        try:
            if isinstance(value, dict):
                return _props_text(value, seen, depth)
            items = list(value)
            body = ", ".join(_fmt(v, seen, depth + 1) for v in items[:MAX_ITEMS])
            if len(items) > MAX_ITEMS:
                body += f", …+{len(items) - MAX_ITEMS}"
            return f"[{body}]"
        finally:
            seen.discard(key)
    try:
        return _cut(repr(value))
    except Exception as exc:  # noqa: BLE001 - a repr must never break the display
        return f"<repr-error {type(exc).__name__}>"


def format_value(value: Any) -> str:
    """A short, single-line Cypher-like text for one cell value."""
    return _fmt(value, set(), 0)


def cell_text(value: Any) -> str:
    """A table cell's text: a string as it is (cut, not quoted), anything else ``format_value``."""
    if isinstance(value, str):
        return _cut(value)
    return format_value(value)


_TYPE_NAMES = [
    (bool, "bool"),
    (int, "int"),
    (float, "float"),
    (str, "string"),
    (NodeRecord, "node"),
    (EdgeRecord, "edge"),
    (PathRecord, "path"),
    (dict, "map"),
    ((list, tuple), "list"),
]


def _type_name(value: Any) -> str:
    for cls, name in _TYPE_NAMES:
        if isinstance(value, cls):
            return name
    return type(value).__name__


def column_types(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    """Per column, the type names of its non-null values (``int``, ``string``, ``node``, …,
    ``int | string`` when mixed, ``null`` when every value is null)."""
    out = []
    for i in range(len(columns)):
        seen: dict[str, None] = {}
        for row in rows:
            value = row[i] if i < len(row) else None
            if value is not None:
                seen[_type_name(value)] = None
                if len(seen) > 3:
                    break
        out.append(" | ".join(seen) if seen else "null")
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def html_value(value: Any) -> str:
    """``format_value`` as HTML, with chips for labels and types; strings unquoted."""
    if isinstance(value, NodeRecord):
        chips = "".join(f'<span class="runic-chip">{html.escape(label)}</span>' for label in value.labels)
        props = html.escape(_props_text(value.properties, set(), 0)) if value.properties else ""
        return f'{chips}<span class="runic-muted">#{html.escape(str(value.id))}</span> {props}'
    if isinstance(value, EdgeRecord):
        props = html.escape(_props_text(value.properties, set(), 0)) if value.properties else ""
        return (
            f'<span class="runic-type">{html.escape(value.type)}</span>'
            f'<span class="runic-muted">#{html.escape(str(value.id))} '
            f'{html.escape(str(value.start_id))}→{html.escape(str(value.end_id))}</span> {props}'
        )
    if value is None:
        return '<span class="runic-muted">null</span>'
    return html.escape(cell_text(value))


def html_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    footer: str | None = None,
    footer_class: str = "",
    raw_cells: bool = False,
    standalone: bool = True,
    types: Sequence[str] | None = None,
) -> str:
    """An HTML table in a scroll box, with an optional footer line.

    Strings are shown as they are (left-aligned, unquoted), numbers right-aligned;
    ``types`` puts each column's type under its name. ``standalone=False`` leaves out the
    wrapper and style block (for a table inside another runic output)."""
    if types is not None:
        head = "".join(
            f'<th>{html.escape(str(c))}<span class="runic-coltype">{html.escape(t)}</span></th>' for c, t in zip(columns, types)
        )
    else:
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = []
    for row in rows:
        if raw_cells:
            cells = "".join(f"<td>{cell}</td>" for cell in row)
        else:
            cells = "".join(f'<td class="runic-n">{html_value(c)}</td>' if _is_number(c) else f"<td>{html_value(c)}</td>" for c in row)
        body.append(f"<tr>{cells}</tr>")
    foot = ""
    if footer:
        foot = f'<div class="runic-footer {footer_class}">{html.escape(footer)}</div>'
    table = (
        f'<div class="runic-scroll"><table class="runic-table">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>{foot}"
    )
    return f'<div class="runic-out">{CSS}{table}</div>' if standalone else table


def text_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], *, style: str = "grid", max_rows: int | None = None) -> str:
    """A fixed-width text table (``style``: ``grid``, ``plain`` or ``markdown``)."""
    shown = list(rows if max_rows is None else rows[:max_rows])
    cells = [[cell_text(v) for v in row] for row in shown]
    headers = [str(c) for c in columns]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, cell in enumerate(row):
            if i < len(widths):
                widths[i] = max(widths[i], len(cell))

    def line(values: Sequence[str], sep: str, edge: str) -> str:
        return edge + sep.join(v.ljust(w) for v, w in zip(values, widths)) + edge[::-1]

    if style == "markdown":
        out = [line(headers, " | ", "| "), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
        out += [line(r, " | ", "| ") for r in cells]
    elif style == "plain":
        out = [line(headers, "  ", ""), line(["-" * w for w in widths], "  ", "")]
        out += [line(r, "  ", "") for r in cells]
    else:
        rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
        out = [rule, line(headers, " | ", "| "), rule]
        out += [line(r, " | ", "| ") for r in cells]
        out.append(rule)
    return "\n".join(s.rstrip() for s in out)

"""Rich reprs for OGM objects, registered with IPython's display formatters.

The OGM never imports this module: ``register(ip)`` attaches HTML/plain printers by type
(lazily by module and class name for classes not imported yet), so a Node instance, a
query builder or a ``GraphResult`` shows itself richly once ``%load_ext runic`` ran.
Building a repr never runs a query, never raises (a ``<repr-error …>`` line instead) and
never shows a secret.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from runic.ogm import Edge, Node, inspect
from runic.ogm.core.metadata import fields_of
from runic.ogm.driver.result import EdgeRecord, GraphResult, NodeRecord

from . import render
from .convert import is_edge_class
from .render import html_table

__all__ = [
    "builder_html",
    "builder_text",
    "entity_html",
    "entity_list_html",
    "entity_text",
    "graph_result_html",
    "highlight_cypher",
    "html_table",
    "register",
    "unregister",
]

_KEYWORDS = (
    "MATCH|OPTIONAL|WHERE|RETURN|WITH|UNWIND|ORDER|BY|SKIP|LIMIT|CREATE|MERGE|SET|DELETE|DETACH|REMOVE|"
    "CALL|YIELD|AS|AND|OR|NOT|XOR|IN|IS|NULL|DISTINCT|ON|CASE|WHEN|THEN|ELSE|END|UNION|ALL|ASC|DESC|"
    "ASCENDING|DESCENDING|EXISTS|COUNT|TRUE|FALSE|CONTAINS|STARTS|ENDS|FOREACH|INDEX|FOR|DROP|EXPLAIN|PROFILE"
)
_TOKEN = re.compile(
    r"(?P<str>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
    r"|(?P<comment>//[^\n]*)"
    r"|(?P<param>\$[A-Za-z_]\w*)"
    r"|(?P<ident>`(?:[^`]|``)*`)"
    r"|(?P<num>\b\d+(?:\.\d+)?\b)"
    rf"|(?P<kw>\b(?:{_KEYWORDS})\b)",
    re.IGNORECASE,
)
_CLASS = {"str": "runic-str", "comment": "runic-muted", "param": "runic-var", "ident": "runic-key", "num": "runic-num", "kw": "runic-kw"}


def highlight_cypher(query: str) -> str:
    """Cypher as HTML with keywords, strings, numbers, parameters and comments marked."""
    out = []
    pos = 0
    for m in _TOKEN.finditer(query):
        out.append(html.escape(query[pos : m.start()]))
        out.append(f'<span class="{_CLASS[m.lastgroup]}">{html.escape(m.group(0))}</span>')  # type: ignore[index]
        pos = m.end()
    out.append(html.escape(query[pos:]))
    return "".join(out)


def _safe(fn: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
    def wrapper(obj: Any) -> str | None:
        try:
            return fn(obj)
        except Exception as exc:  # noqa: BLE001 - a repr never raises
            return f"<pre>{html.escape(f'<repr-error {type(exc).__name__}: {exc}>')}</pre>"

    wrapper.__name__ = getattr(fn, "__name__", "repr")
    wrapper.__doc__ = fn.__doc__
    return wrapper


# -- entities ---------------------------------------------------------------------------
def _entity_view(entity: Any) -> tuple[str, list[str], dict[str, Any], str, Any, Any]:
    """``(kind, names, properties, state, element_id, endpoints)`` of a model entity."""
    state = inspect(entity)
    cls = type(entity)
    props: dict[str, Any] = {}
    for name, info in fields_of(cls).items():
        if getattr(info, "is_relation", False):
            continue
        props[name] = entity.__dict__.get(name)
    is_edge = is_edge_class(cls)
    if is_edge:
        src = entity.__dict__.get("source")
        dst = entity.__dict__.get("target")
        ends = (type(src).__name__ if src is not None else "?", type(dst).__name__ if dst is not None else "?")
        return "edge", [str(cls.__type__)], props, str(state.state), state.element_id, ends
    label = getattr(cls, "__labels__", None) or getattr(cls, "__label__", cls.__name__)
    names = list(label) if isinstance(label, (list, tuple)) else [str(label)]
    return "node", names, props, str(state.state), state.element_id, None


def entity_html(entity: Any) -> str:
    """A card: label chips (or type), properties, state and database id."""
    kind, names, props, state, element_id, ends = _entity_view(entity)
    chip_class = "runic-type" if kind == "edge" else "runic-chip"
    chips = "".join(f'<span class="{chip_class}">{html.escape(n)}</span>' for n in names)
    rows = []
    for key, value in list(props.items())[: render.MAX_ITEMS * 3]:
        shown = "***" if render.is_secret_key(key) else html.escape(render.format_value(value))
        rows.append(f'<tr><td class="runic-key">{html.escape(str(key))}</td><td>{shown}</td></tr>')
    if len(props) > render.MAX_ITEMS * 3:
        rows.append(f'<tr><td colspan="2" class="runic-muted">… {len(props) - render.MAX_ITEMS * 3} more</td></tr>')
    ident = f'<span class="runic-muted">id {html.escape(str(element_id))}</span>' if element_id is not None else '<span class="runic-muted">not saved</span>'
    endpoint = ""
    if ends:
        endpoint = f' <span class="runic-muted">{html.escape(ends[0])} → {html.escape(ends[1])}</span>'
    return (
        f'<div class="runic-out">{render.CSS}<div class="runic-card">'
        f"<div>{chips} <b>{html.escape(type(entity).__name__)}</b>{endpoint} "
        f'<span class="runic-state-{html.escape(state)}">{html.escape(state)}</span> {ident}</div>'
        f'<table class="runic-table">{"".join(rows)}</table></div></div>'
    )


def entity_text(entity: Any, p: Any = None, cycle: bool = False) -> str:
    """``Person(name='Ada', age=36)``: a constructor-like line (used for text/plain)."""
    if cycle:
        text = f"{type(entity).__name__}(…)"
    else:
        _, _, props, _, _, _ = _entity_view(entity)
        parts = [f"{k}={'***' if render.is_secret_key(k) else render.format_value(v)}" for k, v in list(props.items())[: render.MAX_ITEMS]]
        text = f"{type(entity).__name__}({', '.join(parts)})"
    return _printed(text, p)


def _printed(text: str, p: Any) -> str:
    """``text`` sent to IPython's pretty printer ``p`` (then ``""``), or returned without one."""
    if p is not None:
        p.text(text)
        return ""
    return text


def _is_entity(obj: Any) -> bool:
    return isinstance(obj, (Node, Edge))


def entity_list_html(items: Any) -> str | None:
    """A table for a non-empty list of entities or node/edge records; None for other lists."""
    if not isinstance(items, list) or not items:
        return None
    if all(isinstance(x, (NodeRecord, EdgeRecord)) for x in items):
        from .convert import _frame_from_items  # noqa: F401 - same column rules as to_dataframe

        keys: dict[str, None] = {}
        for x in items:
            keys.update(dict.fromkeys(x.properties))
        cols = ["id", "labels/type", *keys]
        rows = []
        for x in items[:1000]:
            kind = ":".join(x.labels) if isinstance(x, NodeRecord) else x.type
            rows.append([x.id, kind, *(None if render.is_secret_key(k) and k in x.properties else x.properties.get(k) for k in keys)])
        return html_table(cols, rows, footer=f"{len(items):,} item(s)" + (" — first 1,000 shown" if len(items) > 1000 else ""))
    if not all(_is_entity(x) for x in items):
        return None
    views = [_entity_view(x) for x in items[:1000]]
    keys = {}
    for v in views:
        keys.update(dict.fromkeys(v[2]))
    cols = ["model", "state", "id", *keys]
    rows = []
    for x, (kind, names, props, state, element_id, _) in zip(items, views):
        rows.append([type(x).__name__, state, element_id, *("***" if render.is_secret_key(k) else props.get(k) for k in keys)])
    footer = f"{len(items):,} entit{'y' if len(items) == 1 else 'ies'}" + (" — first 1,000 shown" if len(items) > 1000 else "")
    return html_table(cols, rows, footer=footer)


# -- query builders -----------------------------------------------------------------------
def _compiled(builder: Any) -> tuple[str, dict[str, Any]]:
    """Compile without running: the builder's ``build()`` against its session's dialect or the default."""
    dialect = None
    session = getattr(builder, "session", None)
    if session is not None:
        dialect = getattr(session, "dialect", None)
    try:
        return builder.build(dialect) if dialect is not None else builder.build()
    except TypeError:
        return builder.build()


def builder_text(builder: Any, p: Any = None, cycle: bool = False) -> str:
    try:
        query, params = _compiled(builder)
        shown = {k: ("***" if render.is_secret_key(k) else render.format_value(v)) for k, v in params.items()}
        text = f"<{type(builder).__name__}>\n{query}"
        if shown:
            text += "\nparams: " + ", ".join(f"${k} = {v}" for k, v in shown.items())
    except Exception as exc:  # noqa: BLE001
        text = f"<repr-error {type(exc).__name__}: {exc}>"
    return _printed(text, p)


def builder_html(builder: Any) -> str:
    """The compiled Cypher, highlighted, and its parameters. Nothing runs."""
    query, params = _compiled(builder)
    rows = [[html.escape("$" + k), "***" if render.is_secret_key(k) else html.escape(render.format_value(v))] for k, v in params.items()]
    table = html_table(["parameter", "value"], rows, raw_cells=True, standalone=False) if rows else ""
    return (
        f'<div class="runic-out">{render.CSS}<div class="runic-muted">{html.escape(type(builder).__name__)} — not run; '
        f"call .all(), .one() or to_dataframe(...)</div>"
        f'<pre class="runic-cypher">{highlight_cypher(query)}</pre>{table}</div>'
    )


# -- GraphResult ---------------------------------------------------------------------------
def _result_view(result: GraphResult) -> Any:
    from .result import QueryResult

    return QueryResult(result, driver=None)


def graph_result_html(result: GraphResult) -> str:
    return _result_view(result)._html()


def graph_result_text(result: GraphResult, p: Any = None, cycle: bool = False) -> str:
    text = _result_view(result)._text()
    return _printed(text, p)


def node_record_text(record: Any, p: Any = None, cycle: bool = False) -> str:
    text = render.format_value(record)
    return _printed(text, p)


# -- registration ------------------------------------------------------------------------------
_BY_NAME = [
    ("runic.ogm.core.models", "Node", "entity"),
    ("runic.ogm.core.models", "Edge", "entity"),
    ("runic.ogm.query.builder", "BaseQueryBuilder", "builder"),
    ("runic.ogm.query.builder", "QueryBuilder", "builder"),
    ("runic.ogm.query.specialised", "AsyncQueryBuilder", "builder"),
]


def register(ip: Any) -> None:
    """Attach runic's printers to ``ip``'s display formatters."""
    formatters = ip.display_formatter.formatters
    html_f = formatters["text/html"]
    plain_f = formatters["text/plain"]
    for module, name, kind in _BY_NAME:
        if kind == "entity":
            html_f.for_type_by_name(module, name, _safe(entity_html))
            plain_f.for_type_by_name(module, name, entity_text)
        else:
            html_f.for_type_by_name(module, name, _safe(builder_html))
            plain_f.for_type_by_name(module, name, builder_text)
    html_f.for_type(GraphResult, _safe(graph_result_html))
    plain_f.for_type(GraphResult, graph_result_text)
    html_f.for_type(NodeRecord, _safe(lambda r: html_table(["node"], [[r]])))
    html_f.for_type(EdgeRecord, _safe(lambda r: html_table(["edge"], [[r]])))
    plain_f.for_type(NodeRecord, node_record_text)
    plain_f.for_type(EdgeRecord, node_record_text)
    previous = html_f.type_printers.get(list)
    html_f.for_type(list, _list_printer(previous))


def _list_printer(previous: Any) -> Callable[[Any], str | None]:
    def list_html(items: Any) -> str | None:
        try:
            out = entity_list_html(items)
        except Exception:  # noqa: BLE001 - fall back to the plain list display
            out = None
        if out is None and previous is not None:
            return previous(items)
        return out

    list_html.runic_printer = True  # type: ignore[attr-defined]
    list_html.previous = previous  # type: ignore[attr-defined]
    return list_html


def unregister(ip: Any) -> None:
    formatters = ip.display_formatter.formatters
    for mime in ("text/html", "text/plain"):
        f = formatters[mime]
        for module, name, _ in _BY_NAME:
            f.deferred_printers.pop((module, name), None)
            for cls in list(f.type_printers):
                if getattr(cls, "__module__", None) == module and cls.__name__ == name:
                    f.type_printers.pop(cls, None)
        for cls in (GraphResult, NodeRecord, EdgeRecord):
            f.type_printers.pop(cls, None)
    html_f = formatters["text/html"]
    printer = html_f.type_printers.get(list)
    if printer is not None and getattr(printer, "runic_printer", False):
        previous = printer.previous
        if previous is None:
            html_f.type_printers.pop(list, None)
        else:
            html_f.type_printers[list] = previous

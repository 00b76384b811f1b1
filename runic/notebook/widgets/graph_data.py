"""The data behind a graph view: nodes and edges in JSON-safe form, and which are shown.

Nothing here does I/O or display. ``collect_elements`` turns what a user has in hand — a
``GraphResult``, records, paths, OGM entities, or lists of those — into ``ViewNode`` /
``ViewEdge`` values; ``GraphModel`` keeps them and applies the node cap as a guardrail: a
graph bigger than the cap is sampled (best-connected nodes first) and the message says
what was left out. Styling lives in ``graph_style``, the static picture in ``graph_svg``.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import enum
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from runic.ogm import inspect
from runic.ogm.driver.result import EdgeRecord, GraphResult, NodeRecord, PathRecord
from runic.ogm.exceptions import OrmError

__all__ = [
    "DEFAULT_NODE_CAP",
    "PALETTE",
    "GraphModel",
    "ViewEdge",
    "ViewNode",
    "collect_elements",
    "json_safe",
    "node_key",
    "safe_properties",
]

#: colours given to labels in first-seen order (readable on light and dark backgrounds)
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
_UNLABELLED = "(no label)"
#: most nodes a view draws before it samples (the browser stays interactive up to here)
DEFAULT_NODE_CAP = 10_000
_MAX_TEXT = 200


def node_key(db_id: Any) -> str:
    """The string a node id travels as between Python and the browser."""
    return str(db_id)


def json_safe(value: Any, depth: int = 0) -> Any:
    """``value`` in a form JSON (and so a widget trait) can carry; long text is shortened."""
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return value if len(value) <= _MAX_TEXT else value[: _MAX_TEXT - 1] + "…"
    if depth > 3:
        return "…"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
        out = [json_safe(v, depth + 1) for v in items[:20]]
        if len(items) > 20:
            out.append(f"… {len(items) - 20} more")
        return out
    if isinstance(value, dict):
        return {str(k): json_safe(v, depth + 1) for k, v in list(value.items())[:50]}
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return json_safe(value.value, depth + 1)
    if isinstance(value, decimal.Decimal):
        return str(value)
    text = repr(value)
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


@dataclass(slots=True)
class ViewNode:
    """One node as the view shows it."""

    key: str
    db_id: Any
    labels: tuple[str, ...]
    properties: dict[str, Any]

    @property
    def label(self) -> str:
        return self.labels[0] if self.labels else _UNLABELLED

    @property
    def caption(self) -> str:
        """A short name to print next to the node: a name-like property, else label + id."""
        for name in ("name", "title", "caption", "label", "id", "key"):
            value = self.properties.get(name)
            if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
                text = str(value)
                return text if len(text) <= 24 else text[:23] + "…"
        return f"{self.label} {self.key}"


@dataclass(slots=True)
class ViewEdge:
    """One relationship as the view shows it."""

    key: str
    db_id: Any
    type: str
    source: str
    target: str
    properties: dict[str, Any]


# -- turning user values into view elements ------------------------------------------


def _entity_view(entity: Any) -> ViewNode | ViewEdge | None:
    """A runic OGM Node/Edge instance as a view element, or None when it is not one."""
    state = _state_of(entity)
    if state is None:
        return None
    cls = type(entity)
    props = _entity_properties(entity)
    extra = getattr(state, "extra_properties", None) or {}
    props.update({k: v for k, v in extra.items() if k not in props})
    db_id = getattr(state, "element_id", None)
    if db_id is None:
        db_id = getattr(state, "key", None)
    if db_id is None:
        db_id = f"py-{id(entity)}"
    edge_type = getattr(cls, "__type__", None)
    if isinstance(edge_type, str) and hasattr(entity, "source") and hasattr(entity, "target"):
        source = _entity_view(entity.__dict__.get("source"))
        target = _entity_view(entity.__dict__.get("target"))
        if not isinstance(source, ViewNode) or not isinstance(target, ViewNode):
            return None
        return ViewEdge(node_key(db_id), db_id, edge_type, source.key, target.key, json_safe(props))
    labels = getattr(cls, "__labels__", None) or (getattr(cls, "__label__", None) or cls.__name__,)
    primary = getattr(cls, "__label__", None)
    ordered = (
        tuple([primary] + [lb for lb in labels if lb != primary]) if primary else tuple(labels)
    )
    return ViewNode(node_key(db_id), db_id, ordered, json_safe(props))


def _entity_properties(entity: Any) -> dict[str, Any]:
    try:
        from runic.ogm.core.metadata import fields_of

        infos = fields_of(type(entity))
    except (ImportError, TypeError, AttributeError, LookupError, OrmError):
        infos = None
    values = entity.__dict__
    if infos:
        return {
            name: info.to_db(values[name]) if hasattr(info, "to_db") else values[name]
            for name, info in infos.items()
            if not getattr(info, "is_relation", False) and name in values
        }
    return {
        k: v for k, v in values.items() if not k.startswith("_") and k not in ("source", "target")
    }


def _state_of(value: Any) -> Any:
    """The OGM state of an entity (``runic.ogm.inspect``), or None for any other value."""
    try:
        return inspect(value)
    except TypeError:
        return None


def _walk(value: Any) -> Iterator[NodeRecord | EdgeRecord | ViewNode | ViewEdge]:
    if isinstance(value, (NodeRecord, EdgeRecord)):
        yield value
    elif isinstance(value, PathRecord):
        yield from value.nodes
        yield from value.edges
    elif isinstance(value, GraphResult):
        for row in value.rows:
            yield from _walk(row)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _walk(item)
    elif _state_of(value) is not None:
        element = _entity_view(value)
        if element is not None:
            if isinstance(element, ViewEdge):
                yield from (
                    v for v in (_entity_view(value.source), _entity_view(value.target)) if v
                )
            yield element
    elif hasattr(value, "rows") and hasattr(value, "columns"):
        # the notebook's result object and other GraphResult look-alikes
        for row in value.rows:
            yield from _walk(row)


def safe_properties(properties: Any) -> dict[str, Any]:
    """A node's properties as ``json_safe`` gives them, without the walk when they are plain."""
    out = dict(properties)
    for value in out.values():
        kind = type(value)
        if kind is str:
            if len(value) > _MAX_TEXT:
                return json_safe(out)
        elif kind is float:
            if not math.isfinite(value):
                return json_safe(out)
        elif value is not None and kind is not int and kind is not bool:
            return json_safe(out)
    return out


_SCALARS = (int, float, str, bool, type(None))
_SOURCE = attrgetter("source")
_TARGET = attrgetter("target")


def collect_elements(data: Any) -> tuple[list[ViewNode], list[ViewEdge]]:
    """Every node and edge in ``data``, deduplicated by id, in first-seen order.

    Rows of a result are read directly (records in cells, no recursion); anything nested —
    paths, lists, maps, OGM entities — goes through the general walk. Edge properties are
    kept as the database returned them; they are made JSON-safe only when shown.
    """
    nodes: dict[str, ViewNode] = {}
    edges: dict[str, ViewEdge] = {}

    def add_node(item: NodeRecord) -> None:
        key = node_key(item.id)
        if key not in nodes:
            nodes[key] = ViewNode(key, item.id, tuple(item.labels), safe_properties(item.properties))

    def add_edge(item: EdgeRecord) -> None:
        key = node_key(item.id)
        if key not in edges:
            edges[key] = ViewEdge(
                key, item.id, item.type, node_key(item.start_id), node_key(item.end_id), item.properties
            )

    def take(item: Any) -> None:
        if isinstance(item, NodeRecord):
            add_node(item)
        elif isinstance(item, EdgeRecord):
            add_edge(item)
        elif isinstance(item, ViewNode):
            nodes.setdefault(item.key, item)
        elif isinstance(item, ViewEdge):
            edges.setdefault(item.key, item)

    rows = (
        data.rows
        if isinstance(data, GraphResult) or (hasattr(data, "rows") and hasattr(data, "columns"))
        else None
    )
    if rows is None:
        for item in _walk(data):
            take(item)
        return list(nodes.values()), list(edges.values())
    for row in rows:
        for value in row if isinstance(row, (list, tuple)) else (row,):
            kind = type(value)
            # records in cells are taken without the walk: this loop runs once per cell
            if kind is NodeRecord:
                add_node(value)
            elif kind is EdgeRecord:
                add_edge(value)
            elif kind not in _SCALARS:
                for item in _walk(value):
                    take(item)
    return list(nodes.values()), list(edges.values())


# -- the model: what is known, what is shown ---------------------------------------------


@dataclass
class GraphModel:
    """Nodes and edges known to a view, and which of them are shown.

    ``node_cap`` is a guardrail, not a cut-off: when more nodes are known, the view shows a
    sample of ``node_cap`` nodes — the best-connected first (ties: the order they arrived),
    so hubs and the edges between them survive — and ``message()`` names what was left out.
    ``node_cap <= 0`` shows everything.
    """

    node_cap: int = DEFAULT_NODE_CAP
    nodes: dict[str, ViewNode] = field(default_factory=dict)
    edges: dict[str, ViewEdge] = field(default_factory=dict)
    _shown: tuple[list[ViewNode], list[ViewEdge]] | None = field(default=None, repr=False)

    def add(self, nodes: Iterable[ViewNode], edges: Iterable[ViewEdge]) -> tuple[int, int]:
        """Add elements not seen before; returns how many nodes and edges were new."""
        known_nodes, known_edges = self.nodes, self.edges
        before_nodes, before_edges = len(known_nodes), len(known_edges)
        for node in nodes:
            if node.key not in known_nodes:
                known_nodes[node.key] = node
        for edge in edges:
            if edge.key not in known_edges:
                known_edges[edge.key] = edge
        added = (len(known_nodes) - before_nodes, len(known_edges) - before_edges)
        if any(added):
            self._shown = None
        return added

    def set_cap(self, node_cap: int) -> None:
        if node_cap != self.node_cap:
            self.node_cap = node_cap
            self._shown = None

    @property
    def total_nodes(self) -> int:
        return len(self.nodes)

    @property
    def sampled(self) -> bool:
        return 0 < self.node_cap < len(self.nodes)

    def degrees(self) -> Counter[str]:
        """Edges at each known node (both directions), over every known edge."""
        edges = self.edges.values()
        counts: Counter[str] = Counter(map(_SOURCE, edges))
        counts.update(map(_TARGET, edges))
        return counts

    def shown(self) -> tuple[list[ViewNode], list[ViewEdge]]:
        """The nodes drawn (arrival order) and the known edges between them."""
        if self._shown is None:
            if self.sampled:
                degree = self.degrees()
                order = {key: i for i, key in enumerate(self.nodes)}
                ranked = sorted(self.nodes, key=lambda k: (-degree[k], order[k]))[: self.node_cap]
                keep = set(ranked)
                nodes = [n for k, n in self.nodes.items() if k in keep]
                edges = [e for e in self.edges.values() if e.source in keep and e.target in keep]
            else:
                nodes = list(self.nodes.values())
                edges = [
                    e
                    for e in self.edges.values()
                    if e.source in self.nodes and e.target in self.nodes
                ]
            self._shown = (nodes, edges)
        return self._shown

    def message(self) -> str:
        """What the view shows, and — when it samples — what it left out and how to see it."""
        nodes, edges = self.shown()
        if not self.sampled:
            return f"{_count(len(nodes), 'node')}, {_count(len(edges), 'edge')}"
        shown_keys = {n.key for n in nodes}
        left = Counter(n.label for k, n in self.nodes.items() if k not in shown_keys)
        by_label = ", ".join(f"{count:,} {label}" for label, count in left.most_common(3))
        if len(left) > 3:
            by_label += ", …"
        hidden_edges = sum(
            1 for e in self.edges.values() if e.source in self.nodes and e.target in self.nodes
        ) - len(edges)
        return (
            f"showing a sample of {len(nodes):,} of {self.total_nodes:,} nodes (node cap {self.node_cap:,}; "
            f"best-connected first) — left out {self.total_nodes - len(nodes):,} nodes ({by_label}) and "
            f"{_count(hidden_edges, 'edge')}; raise node_cap or narrow the query to see them"
        )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"

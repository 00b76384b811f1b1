"""The data behind a graph view: nodes and edges in JSON-safe form, colours, layout.

Nothing here does I/O or display. ``collect_elements`` turns what a user has in hand — a
``GraphResult``, records, paths, OGM entities, or lists of those — into ``ViewNode`` /
``ViewEdge`` values; ``GraphModel`` keeps them, applies the node cap and computes a seeded
spring layout with networkx, so the widget and its static SVG draw the same picture.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import enum
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from runic.ogm import inspect
from runic.ogm.driver.result import EdgeRecord, GraphResult, NodeRecord, PathRecord
from runic.ogm.exceptions import OrmError

__all__ = [
    "PALETTE",
    "GraphModel",
    "ViewEdge",
    "ViewNode",
    "collect_elements",
    "json_safe",
    "node_key",
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


@dataclass
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


@dataclass
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
    ordered = tuple([primary] + [lb for lb in labels if lb != primary]) if primary else tuple(labels)
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
    return {k: v for k, v in values.items() if not k.startswith("_") and k not in ("source", "target")}


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
                yield from (v for v in (_entity_view(value.source), _entity_view(value.target)) if v)
            yield element
    elif hasattr(value, "rows") and hasattr(value, "columns"):
        # the notebook's result object and other GraphResult look-alikes
        for row in value.rows:
            yield from _walk(row)


def collect_elements(data: Any) -> tuple[list[ViewNode], list[ViewEdge]]:
    """Every node and edge in ``data``, deduplicated by id, in first-seen order."""
    nodes: dict[str, ViewNode] = {}
    edges: dict[str, ViewEdge] = {}
    for item in _walk(data):
        if isinstance(item, NodeRecord):
            key = node_key(item.id)
            if key not in nodes:
                nodes[key] = ViewNode(key, item.id, tuple(item.labels), json_safe(dict(item.properties)))
        elif isinstance(item, EdgeRecord):
            key = node_key(item.id)
            if key not in edges:
                edges[key] = ViewEdge(
                    key, item.id, item.type, node_key(item.start_id), node_key(item.end_id), json_safe(dict(item.properties))
                )
        elif isinstance(item, ViewNode):
            nodes.setdefault(item.key, item)
        elif isinstance(item, ViewEdge):
            edges.setdefault(item.key, item)
    return list(nodes.values()), list(edges.values())


# -- the model: cap, colours, layout ----------------------------------------------------


@dataclass
class GraphModel:
    """Nodes and edges known to a view, which of them are shown, and where.

    ``node_cap`` bounds how many nodes are shown; nodes beyond it are known (counted in
    ``total_nodes``) but not drawn, and neither are edges touching them. Coordinates are in
    a ``width`` × ``height`` box; the layout is networkx's spring layout with ``seed``, and
    nodes already placed keep their place when more arrive.
    """

    node_cap: int = 500
    width: int = 800
    height: int = 500
    seed: int = 7
    nodes: dict[str, ViewNode] = field(default_factory=dict)
    edges: dict[str, ViewEdge] = field(default_factory=dict)
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)
    colors: dict[str, str] = field(default_factory=dict)

    def add(self, nodes: Iterable[ViewNode], edges: Iterable[ViewEdge]) -> tuple[int, int]:
        """Add elements not seen before; returns how many nodes and edges were new."""
        new_nodes = new_edges = 0
        for node in nodes:
            if node.key not in self.nodes:
                self.nodes[node.key] = node
                self.colors.setdefault(node.label, PALETTE[len(self.colors) % len(PALETTE)])
                new_nodes += 1
        for edge in edges:
            if edge.key not in self.edges:
                self.edges[edge.key] = edge
                new_edges += 1
        return new_nodes, new_edges

    @property
    def total_nodes(self) -> int:
        return len(self.nodes)

    def shown_node_keys(self) -> list[str]:
        """Keys of the nodes drawn: the first ``node_cap`` in the order they arrived."""
        keys = list(self.nodes)
        return keys if self.node_cap <= 0 else keys[: self.node_cap]

    def shown(self) -> tuple[list[ViewNode], list[ViewEdge]]:
        keys = self.shown_node_keys()
        keep = set(keys)
        edges = [e for e in self.edges.values() if e.source in keep and e.target in keep]
        return [self.nodes[k] for k in keys], edges

    def layout(self) -> dict[str, tuple[float, float]]:
        """Place every shown node; earlier positions stay fixed. Returns the positions."""
        nodes, edges = self.shown()
        graph = nx.MultiGraph()
        graph.add_nodes_from(n.key for n in nodes)
        graph.add_edges_from((e.source, e.target) for e in edges)
        placed = {k: self._to_unit(xy) for k, xy in self.positions.items() if k in graph}
        if not nodes:
            self.positions = {}
            return {}
        if len(placed) == len(nodes):
            return {k: self.positions[k] for k in graph}
        if placed:
            start = dict(placed)
            anchors = list(placed.values())
            for i, key in enumerate(k for k in graph if k not in placed):
                # start a new node next to a placed neighbour, so it settles near it
                near = next((placed[m] for m in graph.neighbors(key) if m in placed), anchors[i % len(anchors)])
                start[key] = (near[0] + 0.01 * math.cos(i), near[1] + 0.01 * math.sin(i))
            unit = nx.spring_layout(
                graph, pos=start, fixed=list(placed), seed=self.seed, k=self._spacing(len(nodes)),
                iterations=self._iterations(len(nodes) - len(placed)),
            )
        else:
            unit = nx.spring_layout(
                graph, seed=self.seed, k=self._spacing(len(nodes)), iterations=self._iterations(len(nodes))
            )
            unit = self._normalise(unit)
        self.positions = {k: self._to_box(tuple(unit[k])) for k in graph}
        return self.positions

    @staticmethod
    def _iterations(n: int) -> int:
        """Spring-layout rounds: 50 for small graphs, fewer for big ones so a view stays quick."""
        return 50 if n <= 300 else max(15, 50 * 300 // n)

    @staticmethod
    def _spacing(n: int) -> float | None:
        return None if n < 2 else 1.5 / math.sqrt(n)

    @staticmethod
    def _normalise(unit: dict[str, Any]) -> dict[str, tuple[float, float]]:
        xs = [float(p[0]) for p in unit.values()]
        ys = [float(p[1]) for p in unit.values()]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        sx = (x1 - x0) or 1.0
        sy = (y1 - y0) or 1.0
        return {k: (2 * (float(p[0]) - x0) / sx - 1, 2 * (float(p[1]) - y0) / sy - 1) for k, p in unit.items()}

    def _margin(self) -> float:
        return 30.0

    def _to_box(self, unit: tuple[float, float]) -> tuple[float, float]:
        m = self._margin()
        x = m + (min(max(unit[0], -1.0), 1.0) + 1) / 2 * (self.width - 2 * m)
        y = m + (min(max(unit[1], -1.0), 1.0) + 1) / 2 * (self.height - 2 * m)
        return (round(x, 2), round(y, 2))

    def _to_unit(self, xy: tuple[float, float]) -> tuple[float, float]:
        m = self._margin()
        return (
            (xy[0] - m) / max(self.width - 2 * m, 1) * 2 - 1,
            (xy[1] - m) / max(self.height - 2 * m, 1) * 2 - 1,
        )

    def legend(self) -> list[dict[str, Any]]:
        """Label, colour and count of shown nodes, in the order labels first appeared."""
        counts: dict[str, int] = {}
        for node in self.shown()[0]:
            counts[node.label] = counts.get(node.label, 0) + 1
        return [{"label": lb, "color": self.colors[lb], "count": counts[lb]} for lb in self.colors if lb in counts]

    def message(self) -> str:
        """The honest count: how many nodes are drawn out of how many are known."""
        shown = len(self.shown_node_keys())
        total = self.total_nodes
        if shown < total:
            return f"showing {shown:,} of {total:,} nodes (node cap {self.node_cap:,})"
        return f"{total:,} node{'s' if total != 1 else ''}, {len(self.shown()[1]):,} edge{'s' if len(self.shown()[1]) != 1 else ''}"

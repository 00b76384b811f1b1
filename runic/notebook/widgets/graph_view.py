"""``GraphView``: an interactive picture of nodes and edges in a notebook.

An anywidget. The Python side owns the data, the guardrail (``node_cap``) and the styling;
it sends the shown graph column-wise (numbers as binary buffers) in one ``data`` trait.
The browser side (``graph_view.bundle.js``: sigma.js + graphology + ForceAtlas2, bundled
from ``extension/graph-view``, no CDN) draws it with WebGL, runs the layout in a web worker while
``physics`` is on, and reports the selection (``selected``), expansion requests and the
settled positions back. Front-ends without a widget manager (untrusted notebooks, GitHub,
nbval) get a static SVG picture from ``_repr_mimebundle_``.

    view = GraphView(result, color_by="community", size_by="degree", caption_by="name")
    view.selected                              # ids of the nodes clicked in the browser
    GraphView(paths, driver=driver)            # double-click a node to expand it
"""

from __future__ import annotations

import pathlib
from array import array
from typing import Any

import anywidget
import traitlets

from runic.ogm import gc_paused
from runic.ogm.driver.result import GraphResult
from runic.ogm.exceptions import OrmError
from runic.progress import progress_bar

from ._fallback import StaticFallback
from .graph_data import DEFAULT_NODE_CAP, GraphModel, ViewNode, collect_elements, json_safe
from .graph_style import Style, Styler
from .graph_svg import layout_positions, render_html, render_svg

__all__ = ["GraphView"]

_HERE = pathlib.Path(__file__).parent
#: expansions returning more rows than this show a progress bar
PROGRESS_THRESHOLD = 200
#: most nodes the static picture draws (the best-connected of those shown)
STATIC_CAP = 300


class GraphView(StaticFallback, anywidget.AnyWidget):
    """An interactive graph of ``data``: a GraphResult, records, paths, OGM entities or lists of them.

    ``driver`` (or a session with ``execute`` and ``dialect``) enables expanding a node.
    ``node_cap`` is a guardrail: past it the view shows a sample and says what it left out.
    ``color_by`` ("label" or a property), ``size_by`` ("degree" or a numeric property),
    ``caption_by`` and ``tooltip_fields`` choose the look; change them at any time.
    """

    _esm = _HERE / "graph_view.bundle.js"
    _css = _HERE / "graph_view.css"

    # -- what the browser draws (synced) ---------------------------------------------------
    data = traitlets.Dict(
        help="The shown graph, column-wise: node ids, captions, tooltips, colours, sizes, edges."
    ).tag(sync=True)
    legend = traitlets.List(help="One dict per colour shown: label, color, count.").tag(sync=True)
    message = traitlets.Unicode(
        "", help="What the view shows, and what the node cap left out."
    ).tag(sync=True)
    status = traitlets.Unicode("", help="Outcome of the last expansion, or the error it met.").tag(
        sync=True
    )
    busy = traitlets.Bool(False, help="True while the kernel is fetching neighbours.").tag(
        sync=True
    )
    can_expand = traitlets.Bool(
        False, help="Whether nodes can be expanded (a driver was given)."
    ).tag(sync=True)
    width = traitlets.Int(800, help="Width of the drawing area in pixels.").tag(sync=True)
    height = traitlets.Int(500, help="Height of the drawing area in pixels.").tag(sync=True)
    seed = traitlets.Int(7, help="Seed of the initial placement and of the static layout.").tag(
        sync=True
    )
    physics = traitlets.Bool(
        True,
        help="Whether the force layout runs (in a web worker); it stops by itself once settled.",
    ).tag(sync=True)
    layout_seconds = traitlets.Float(
        0.0, help="How long the layout runs before stopping (0 = by graph size)."
    ).tag(sync=True)
    selected = traitlets.List(
        traitlets.Unicode(), help="Ids of the selected nodes (click, shift-click in the browser)."
    ).tag(sync=True)

    # -- kernel-side settings -------------------------------------------------------------
    node_cap = traitlets.Int(
        DEFAULT_NODE_CAP, help="Most nodes drawn; past it the view samples (0 = no cap)."
    )
    expand_limit = traitlets.Int(50, help="Most neighbours one expansion adds.")
    static_cap = traitlets.Int(
        STATIC_CAP, help="Most nodes in the static picture (the best-connected)."
    )
    color_by = traitlets.Unicode("label", help='"label" or a property name.')
    size_by = traitlets.Unicode(None, allow_none=True, help='None, "degree" or a numeric property.')
    caption_by = traitlets.Unicode(
        None, allow_none=True, help="None (a name-like property) or a property name."
    )
    tooltip_fields = traitlets.List(
        traitlets.Unicode(), default_value=None, allow_none=True, help="None = every property."
    )

    def __init__(self, data: Any = None, *, driver: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._driver = driver
        self.can_expand = driver is not None
        self._model = GraphModel(node_cap=self.node_cap)
        self._styler = Styler(self._style())
        self._revision = 0
        self._restyling = False
        self._ids: list[str] = []
        self._known_positions: dict[str, tuple[float, float]] = {}
        self._picture: tuple[Any, dict[str, Any]] | None = None
        if data is not None:
            with gc_paused():  # many small objects that all stay alive: nothing to collect
                self._model.add(*collect_elements(data))
        self._publish()
        self.on_msg(self._on_custom_msg)
        self.observe(self._on_cap, names=["node_cap"])
        self.observe(self._on_style, names=["color_by", "size_by", "caption_by", "tooltip_fields"])
        self.observe(self._on_picture_change, names=["width", "height", "seed", "static_cap"])

    # -- public API ---------------------------------------------------------------------

    @classmethod
    def from_result(cls, result: Any, **kwargs: Any) -> GraphView:
        """A view of a result; a notebook result's own connection is used to expand nodes."""
        kwargs.setdefault("driver", getattr(result, "driver", None))
        return cls(result, **kwargs)

    def style(
        self,
        *,
        color_by: str | None = None,
        size_by: str | None = None,
        caption_by: str | None = None,
        tooltip_fields: list[str] | None = None,
    ) -> GraphView:
        """Set several styling options at once (one redraw); returns the view."""
        self._restyling = True
        try:
            if color_by is not None:
                self.color_by = color_by
            if size_by is not None:
                self.size_by = size_by
            if caption_by is not None:
                self.caption_by = caption_by
            if tooltip_fields is not None:
                self.tooltip_fields = list(tooltip_fields)
        finally:
            self._restyling = False
        self._on_style({})
        return self

    @property
    def nodes(self) -> list[dict[str, Any]]:
        """The shown nodes as dicts: id, db_id, labels, label, caption, color, size, properties."""
        nodes, _ = self._model.shown()
        colors, _legend = self._styler.colors(nodes)
        sizes = self._styler.sizes(nodes, self._model.degrees())
        return [
            {
                "id": n.key,
                "db_id": n.db_id,
                "labels": list(n.labels),
                "label": n.label,
                "caption": self._styler.caption(n),
                "color": c,
                "size": s,
                "properties": n.properties,
            }
            for n, c, s in zip(nodes, colors, sizes)
        ]

    @property
    def edges(self) -> list[dict[str, Any]]:
        """The shown edges as dicts: id, db_id, type, source, target, properties."""
        return [
            {
                "id": e.key,
                "db_id": e.db_id,
                "type": e.type,
                "source": e.source,
                "target": e.target,
                "properties": json_safe(dict(e.properties)),
            }
            for e in self._model.shown()[1]
        ]

    @property
    def total_nodes(self) -> int:
        """How many distinct nodes the view knows, shown or not."""
        return self._model.total_nodes

    @property
    def selected_nodes(self) -> list[dict[str, Any]]:
        """The selected nodes: id, db_id, labels and properties, in the order they were selected."""
        known = self._model.nodes
        return [
            {
                "id": key,
                "db_id": known[key].db_id,
                "labels": list(known[key].labels),
                "properties": known[key].properties,
            }
            for key in self.selected
            if key in known
        ]

    def add(self, data: Any) -> tuple[int, int]:
        """Add the nodes and edges of ``data``; returns how many nodes and edges were new."""
        with gc_paused():
            added = self._model.add(*collect_elements(data))
        if any(added):
            self._publish()
        return added

    def expand(self, node_id: Any) -> tuple[int, int]:
        """Fetch the neighbours of the node with this id (its key as shown) and add them.

        Runs ``MATCH (n)-[r]-(m) WHERE <id of n> = $id RETURN n, r, m LIMIT expand_limit + 1``
        read-only. Returns (new nodes, new edges); ``status`` says what happened.
        """
        key = str(node_id)
        node = self._model.nodes.get(key)
        if node is None:
            self.status = f"node {key} is not in this view — expand a node that is shown"
            return (0, 0)
        if self._driver is None:
            self.status = (
                "expanding needs a connection — create the view with GraphView(data, driver=driver)"
            )
            return (0, 0)
        limit = max(int(self.expand_limit), 1)
        dialect = self._driver.dialect
        query = (
            f"MATCH (n)-[r]-(m) WHERE {dialect.id_function('n')} = {dialect.id_param('$id')} "
            f"RETURN n, r, m LIMIT {limit + 1}"
        )
        caption = self._styler.caption(node) or node.caption
        self.busy = True
        try:
            result: GraphResult = self._driver.execute(query, {"id": node.db_id}, readonly=True)
        except OrmError as exc:
            self.status = f"could not expand {caption}: {exc}"
            return (0, 0)
        finally:
            self.busy = False
        rows = result.rows[:limit]
        more = len(result.rows) > limit
        added = self._add_rows(rows)
        neighbours = "neighbour" if added[0] == 1 else "neighbours"
        self.status = f"{caption}: added {added[0]} {neighbours}, {added[1]} edges" + (
            f" (first {limit}; more exist — raise expand_limit)" if more else ""
        )
        return added

    def to_svg(self) -> str:
        """The static SVG picture (the browser's settled layout when it reported one)."""
        return render_svg(self._static_drawing())

    def to_html(self) -> str:
        """The static picture with its legend and message line, as HTML."""
        return render_html(self._static_drawing(), self.legend)

    def save_svg(self, path: str | pathlib.Path) -> pathlib.Path:
        """Write the static SVG picture to ``path``; returns the path."""
        target = pathlib.Path(path)
        target.write_text(self.to_svg(), encoding="utf-8")
        return target

    # -- display ------------------------------------------------------------------------

    #: a static picture and page beside the live view (``StaticFallback``)
    _fallbacks = (("image/svg+xml", "to_svg"), ("text/html", "to_html"))

    def __repr__(self) -> str:
        return f"<GraphView {self.message}>"

    # -- internals ----------------------------------------------------------------------

    def _style(self) -> Style:
        fields = tuple(self.tooltip_fields) if self.tooltip_fields is not None else None
        return Style(
            color_by=self.color_by,
            size_by=self.size_by,
            caption_by=self.caption_by,
            tooltip_fields=fields,
        )

    def _add_rows(self, rows: list[list[Any]]) -> tuple[int, int]:
        if len(rows) > PROGRESS_THRESHOLD:
            new_nodes = new_edges = 0
            step = 100
            with progress_bar(len(rows), "adding neighbours", unit="rows", show=True) as bar:
                for start in range(0, len(rows), step):
                    chunk = rows[start : start + step]
                    a, b = self._model.add(*collect_elements(chunk))
                    new_nodes, new_edges = new_nodes + a, new_edges + b
                    bar.update(len(chunk))
            self._publish()
            return new_nodes, new_edges
        return self.add(rows)

    def _on_custom_msg(self, _widget: Any, content: Any, buffers: Any = None) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "expand":
            ids = content.get("ids") or ([content["id"]] if "id" in content else [])
            for key in ids:
                self.expand(key)
        elif kind == "positions" and buffers:
            self._take_positions(content.get("revision"), buffers[0])

    def _take_positions(self, revision: Any, buffer: Any) -> None:
        """Keep the layout the browser settled on, so the static picture matches the screen."""
        if revision != self._revision:
            return  # drawn from data that has changed since
        xy = array("f")
        xy.frombytes(bytes(buffer))
        if len(xy) != 2 * len(self._ids):
            return
        self._known_positions.update(
            (key, (xy[2 * i], xy[2 * i + 1])) for i, key in enumerate(self._ids)
        )
        self._picture = None

    def _on_cap(self, change: dict[str, Any]) -> None:
        self._model.set_cap(int(change["new"]))
        self._publish()

    def _on_style(self, _change: dict[str, Any]) -> None:
        if self._restyling:
            return
        self._styler.restyle(self._style())
        self._publish()

    def _on_picture_change(self, _change: dict[str, Any]) -> None:
        self._picture = None

    def _publish(self) -> None:
        with gc_paused():
            self._publish_shown()

    def _publish_shown(self) -> None:
        nodes, edges = self._model.shown()
        payload, legend, _colors, _sizes = self._styler.columns(nodes, edges, self._model.degrees())
        self._revision += 1
        payload["revision"] = self._revision
        self._ids = [n.key for n in nodes]
        self._picture = None
        with self.hold_sync():
            self.data = payload
            self.legend = legend
            self.message = self._model.message()
            shown = set(self._ids)
            if any(key not in shown for key in self.selected):
                self.selected = [key for key in self.selected if key in shown]

    def _static_drawing(self) -> dict[str, Any]:
        key = (self._revision, self.width, self.height, self.seed, self.static_cap)
        if self._picture is not None and self._picture[0] == key:
            return self._picture[1]
        nodes, edges = self._model.shown()
        colors, _legend = self._styler.colors(nodes)
        degree = self._model.degrees()
        sizes = self._styler.sizes(nodes, degree)
        look = {n.key: (c, s) for n, c, s in zip(nodes, colors, sizes)}
        cap = int(self.static_cap)
        if 0 < cap < len(nodes):
            order = {n.key: i for i, n in enumerate(nodes)}
            keep = set(sorted(order, key=lambda k: (-degree[k], order[k]))[:cap])
            nodes = [n for n in nodes if n.key in keep]
            edges = [e for e in edges if e.source in keep and e.target in keep]
        keys = [n.key for n in nodes]
        pos = layout_positions(
            keys,
            [(e.source, e.target) for e in edges],
            self.width,
            self.height,
            seed=self.seed,
            known=self._known_positions,
        )
        message = self.message
        if len(nodes) < len(self._ids):
            message += f" — this static picture shows the {len(nodes):,} best-connected"
        drawing = {
            "width": self.width,
            "height": self.height,
            "message": message,
            "nodes": [self._drawn_node(n, look[n.key], pos[n.key]) for n in nodes],
            "edges": [{"source": e.source, "target": e.target, "type": e.type} for e in edges],
        }
        self._picture = (key, drawing)
        return drawing

    def _drawn_node(
        self, node: ViewNode, look: tuple[str, float], xy: tuple[float, float]
    ) -> dict[str, Any]:
        return {
            "id": node.key,
            "x": xy[0],
            "y": xy[1],
            "color": look[0],
            "size": look[1],
            "caption": self._styler.caption(node),
            "tip": self._styler.tooltip(node),
        }

"""``GraphView``: an interactive picture of nodes and edges in a notebook.

An anywidget: the Python side owns the data, the cap and the layout (networkx spring
layout, seeded); the browser side (``graph_view.js``, shipped in the package, no build
step) only draws the traits and reports clicks. Clicking a node asks the kernel for its
neighbours with one bounded read-only query. Front-ends without a widget manager get the
same picture as static SVG from ``_repr_mimebundle_`` / ``_repr_html_``.

    GraphView(result)                          # a GraphResult or the notebook result
    GraphView(paths, driver=driver)            # click a node to expand it
"""

from __future__ import annotations

from runic.progress import progress_bar

import pathlib
from typing import Any

import anywidget
import traitlets

from runic.ogm.driver.result import GraphResult
from runic.ogm.exceptions import OrmError

from .graph_data import GraphModel, collect_elements
from .graph_svg import render_html, render_svg

__all__ = ["GraphView"]

_HERE = pathlib.Path(__file__).parent
#: expansions returning more rows than this show a progress bar
PROGRESS_THRESHOLD = 200


class GraphView(anywidget.AnyWidget):
    """An interactive graph of ``data``: a GraphResult, records, paths, OGM entities or lists of them.

    ``driver`` (or a session with ``execute`` and ``dialect``) enables click-to-expand.
    ``node_cap`` bounds the nodes drawn; the message line says how many are shown of how
    many are known.
    """

    _esm = _HERE / "graph_view.js"
    _css = _HERE / "graph_view.css"

    nodes = traitlets.List(
        help="Shown nodes: dicts with id, labels, label, caption, color, properties, x, y."
    ).tag(sync=True)
    edges = traitlets.List(
        help="Shown edges: dicts with id, type, source, target, properties."
    ).tag(sync=True)
    legend = traitlets.List(help="One dict per label shown: label, color, count.").tag(sync=True)
    message = traitlets.Unicode("", help="The 'showing N of M nodes' line under the graph.").tag(sync=True)
    status = traitlets.Unicode("", help="Outcome of the last expansion, or the error it met.").tag(sync=True)
    busy = traitlets.Bool(False, help="True while the kernel is fetching neighbours.").tag(sync=True)
    total_nodes = traitlets.Int(0, help="How many distinct nodes the view knows, shown or not.").tag(sync=True)
    node_cap = traitlets.Int(500, help="Most nodes drawn; later ones are counted but not drawn (0 = no cap).").tag(
        sync=True
    )
    expand_limit = traitlets.Int(50, help="Most neighbours one click on a node adds.").tag(sync=True)
    width = traitlets.Int(800, help="Width of the drawing area in pixels.").tag(sync=True)
    height = traitlets.Int(500, help="Height of the drawing area in pixels.").tag(sync=True)
    seed = traitlets.Int(7, help="Seed of the spring layout, so a view looks the same each run.").tag(sync=True)
    can_expand = traitlets.Bool(False, help="Whether clicks on nodes fetch neighbours (a driver was given).").tag(
        sync=True
    )

    def __init__(
        self,
        data: Any = None,
        *,
        driver: Any = None,
        node_cap: int = 500,
        expand_limit: int = 50,
        width: int = 800,
        height: int = 500,
        seed: int = 7,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            node_cap=node_cap, expand_limit=expand_limit, width=width, height=height, seed=seed, **kwargs
        )
        self._driver = driver
        self.can_expand = driver is not None
        self._model = GraphModel(node_cap=node_cap, width=width, height=height, seed=seed)
        if data is not None:
            nodes, edges = collect_elements(data)
            self._model.add(nodes, edges)
        self._publish()
        self.on_msg(self._on_custom_msg)
        self.observe(self._on_geometry, names=["node_cap", "width", "height", "seed"])

    # -- public API ---------------------------------------------------------------------

    @classmethod
    def from_result(cls, result: Any, **kwargs: Any) -> GraphView:
        """A view of a result; a notebook result's own connection is used to expand nodes."""
        kwargs.setdefault("driver", getattr(result, "driver", None))
        return cls(result, **kwargs)

    def add(self, data: Any) -> tuple[int, int]:
        """Add the nodes and edges of ``data``; returns how many nodes and edges were new."""
        nodes, edges = collect_elements(data)
        added = self._model.add(nodes, edges)
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
            self.status = "expanding needs a connection — create the view with GraphView(data, driver=driver)"
            return (0, 0)
        limit = max(int(self.expand_limit), 1)
        dialect = self._driver.dialect
        query = (
            f"MATCH (n)-[r]-(m) WHERE {dialect.id_function('n')} = {dialect.id_param('$id')} "
            f"RETURN n, r, m LIMIT {limit + 1}"
        )
        self.busy = True
        try:
            result: GraphResult = self._driver.execute(query, {"id": node.db_id}, readonly=True)
        except OrmError as exc:
            self.status = f"could not expand {node.caption}: {exc}"
            return (0, 0)
        finally:
            self.busy = False
        rows = result.rows[:limit]
        more = len(result.rows) > limit
        added = self._add_rows(rows)
        neighbours = "neighbour" if added[0] == 1 else "neighbours"
        self.status = f"{node.caption}: added {added[0]} {neighbours}, {added[1]} edges" + (
            f" (first {limit}; more exist — raise expand_limit)" if more else ""
        )
        return added

    def to_svg(self) -> str:
        """The static SVG drawing (same layout as the widget)."""
        return render_svg(self._view())

    def to_html(self) -> str:
        """The static drawing with its legend and message line."""
        return render_html(self._view())

    # -- display ------------------------------------------------------------------------

    def _repr_html_(self) -> str:
        try:
            return self.to_html()
        except Exception as exc:  # noqa: BLE001 - a repr never raises
            return f"<pre>&lt;GraphView repr-error {type(exc).__name__}&gt;</pre>"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | tuple[dict, dict]:
        bundle = super()._repr_mimebundle_(**kwargs)
        data, meta = (bundle if isinstance(bundle, tuple) else (bundle or {}, {}))
        data = dict(data)
        data["text/html"] = self._repr_html_()
        data["text/plain"] = repr(self)
        return (data, meta) if isinstance(bundle, tuple) else data

    def __repr__(self) -> str:
        return f"<GraphView {self.message}>"

    # -- internals ----------------------------------------------------------------------

    def _add_rows(self, rows: list[list[Any]]) -> tuple[int, int]:
        if len(rows) > PROGRESS_THRESHOLD:
            new_nodes = new_edges = 0
            step = 100
            with progress_bar(len(rows), "adding neighbours", unit="rows", show=True) as bar:
                for start in range(0, len(rows), step):
                    chunk = rows[start : start + step]
                    nodes, edges = collect_elements(chunk)
                    a, b = self._model.add(nodes, edges)
                    new_nodes, new_edges = new_nodes + a, new_edges + b
                    bar.update(len(chunk))
            self._publish()
            return new_nodes, new_edges
        return self.add(rows)

    def _on_custom_msg(self, _widget: Any, content: Any, _buffers: Any = None) -> None:
        if isinstance(content, dict) and content.get("type") == "expand":
            self.expand(content.get("id"))

    def _on_geometry(self, change: dict[str, Any]) -> None:
        model = self._model
        model.node_cap, model.seed = self.node_cap, self.seed
        if change["name"] in ("width", "height", "seed"):
            model.width, model.height = self.width, self.height
            model.positions = {}
        self._publish()

    def _view(self) -> dict[str, Any]:
        return {
            "nodes": self.nodes,
            "edges": self.edges,
            "legend": self.legend,
            "message": self.message,
            "width": self.width,
            "height": self.height,
        }

    def _publish(self) -> None:
        model = self._model
        positions = model.layout()
        shown_nodes, shown_edges = model.shown()
        with self.hold_sync():
            self.nodes = [
                {
                    "id": n.key,
                    "labels": list(n.labels),
                    "label": n.label,
                    "caption": n.caption,
                    "color": model.colors[n.label],
                    "properties": n.properties,
                    "x": positions[n.key][0],
                    "y": positions[n.key][1],
                }
                for n in shown_nodes
            ]
            self.edges = [
                {"id": e.key, "type": e.type, "source": e.source, "target": e.target, "properties": e.properties}
                for e in shown_edges
            ]
            self.legend = model.legend()
            self.total_nodes = model.total_nodes
            self.message = model.message()

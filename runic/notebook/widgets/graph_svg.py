"""The static picture of a graph view: layout, SVG with non-overlapping captions, HTML.

Used where no widget front-end draws the view: untrusted notebooks, GitHub, nbviewer, nbval
and a closed kernel. The picture shows at most ``static_cap`` nodes (the best-connected);
it uses the positions the browser settled on when it reported them, else a seeded spring
layout, so the same data gives the same picture. Every text is escaped; hovering a node
shows its tooltip through the SVG ``<title>``.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import networkx as nx

__all__ = ["CAPTION_SIZE", "caption_boxes", "layout_positions", "render_html", "render_svg"]

CAPTION_SIZE = 10
#: width of one caption character, as a share of the font size (sans-serif, generous)
CHAR_WIDTH = 0.62
MARGIN = 20.0
_GRID = 64.0


def layout_positions(
    keys: Sequence[str],
    edges: Sequence[tuple[str, str]],
    width: int,
    height: int,
    *,
    seed: int = 7,
    known: Mapping[str, tuple[float, float]] | None = None,
) -> dict[str, tuple[float, float]]:
    """Screen positions inside ``width`` × ``height`` for ``keys``.

    ``known`` are graph-space positions the browser reported (y grows upwards there); when
    every key has one they are used, scaled into the box. Otherwise a seeded spring layout.
    """
    if not keys:
        return {}
    if known and all(k in known for k in keys):
        raw = {k: (float(known[k][0]), -float(known[k][1])) for k in keys}
    else:
        graph = nx.Graph()
        graph.add_nodes_from(keys)
        graph.add_edges_from((a, b) for a, b in edges if a != b)
        n = len(keys)
        iterations = 50 if n <= 100 else max(15, 5000 // n)
        try:
            unit = nx.spring_layout(
                graph, seed=seed, k=(1.5 / math.sqrt(n)) if n > 1 else None, iterations=iterations
            )
        except ImportError:  # 500 nodes and more need scipy, which is optional
            unit = nx.circular_layout(graph)
        raw = {k: (float(unit[k][0]), float(unit[k][1])) for k in keys}
    return _fit(raw, width, height)


def _fit(
    raw: Mapping[str, tuple[float, float]], width: int, height: int
) -> dict[str, tuple[float, float]]:
    xs = [p[0] for p in raw.values()]
    ys = [p[1] for p in raw.values()]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    scale = min(
        (width - 2 * MARGIN) / ((x1 - x0) or 1.0), (height - 2 * MARGIN) / ((y1 - y0) or 1.0)
    )
    dx = (width - (x1 - x0) * scale) / 2
    dy = (height - (y1 - y0) * scale) / 2
    return {
        k: (round((x - x0) * scale + dx, 1), round((y - y0) * scale + dy, 1))
        for k, (x, y) in raw.items()
    }


def caption_boxes(
    nodes: Sequence[Mapping[str, Any]], width: int, height: int
) -> dict[str, tuple[float, float, float, float]]:
    """Which captions to write, and where: boxes that never overlap each other.

    Bigger nodes are placed first; a caption that would touch one already placed, or leave
    the picture, is dropped. Returns node id → (x0, y0, x1, y1) of its caption's box.
    """
    grid: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
    placed: dict[str, tuple[float, float, float, float]] = {}
    for node in sorted(nodes, key=lambda n: -float(n.get("size", 5))):
        text = node.get("caption") or ""
        if not text:
            continue
        r = float(node.get("size", 5))
        x0 = node["x"] + r + 2
        y0 = node["y"] - CAPTION_SIZE / 2 - 1
        box = (x0, y0, x0 + len(text) * CAPTION_SIZE * CHAR_WIDTH + 2, y0 + CAPTION_SIZE + 2)
        if box[2] > width or box[0] < 0 or box[1] < 0 or box[3] > height:
            continue
        cells = [
            (i, j)
            for i in range(int(box[0] // _GRID), int(box[2] // _GRID) + 1)
            for j in range(int(box[1] // _GRID), int(box[3] // _GRID) + 1)
        ]
        if any(_overlap(box, other) for cell in cells for other in grid.get(cell, ())):
            continue
        for cell in cells:
            grid.setdefault(cell, []).append(box)
        placed[node["id"]] = box
    return placed


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def render_svg(drawing: Mapping[str, Any]) -> str:
    """An ``<svg>`` of ``drawing``: width, height, message, nodes (id, x, y, size, color,
    caption, tip) and edges (source, target, type)."""
    width, height = int(drawing["width"]), int(drawing["height"])
    nodes = drawing["nodes"]
    pos = {n["id"]: (n["x"], n["y"]) for n in nodes}
    arrows = len(drawing["edges"]) <= 2000
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="runic-graph-svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(drawing.get("message", ""))}" '
            f'font-family="sans-serif" font-size="{CAPTION_SIZE}">'
        ),
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    if arrows:
        parts.append(
            '<defs><marker id="runic-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="5" '
            'markerHeight="5" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#999"/></marker></defs>'
        )
    parts.append('<g class="runic-gv-edges" stroke="#999" stroke-opacity="0.6" stroke-width="0.8">')
    radius = {n["id"]: float(n.get("size", 5)) for n in nodes}
    for edge in drawing["edges"]:
        a, b = pos.get(edge["source"]), pos.get(edge["target"])
        if a is None or b is None or a == b:
            continue
        if arrows:
            # stop the line at the target's rim so the arrow head shows
            dx, dy = b[0] - a[0], b[1] - a[1]
            length = math.hypot(dx, dy) or 1.0
            r = radius[edge["target"]] + 1
            bx, by = round(b[0] - dx / length * r, 1), round(b[1] - dy / length * r, 1)
            parts.append(
                f'<line x1="{a[0]}" y1="{a[1]}" x2="{bx}" y2="{by}" marker-end="url(#runic-arrow)"/>'
            )
        else:
            parts.append(f'<line x1="{a[0]}" y1="{a[1]}" x2="{b[0]}" y2="{b[1]}"/>')
    parts.append('</g><g class="runic-gv-nodes" stroke="#ffffff" stroke-width="1">')
    titles = len(nodes) <= 1000
    for node in nodes:
        circle = f'cx="{node["x"]}" cy="{node["y"]}" r="{float(node.get("size", 5)):g}" fill="{escape(node["color"])}"'
        if titles:
            parts.append(
                f'<circle class="runic-gv-node" {circle}><title>{escape(node.get("tip", ""))}</title></circle>'
            )
        else:
            parts.append(f"<circle {circle}/>")
    parts.append('</g><g class="runic-gv-captions" fill="#222222">')
    by_id = {n["id"]: n for n in nodes}
    for key, box in caption_boxes(nodes, width, height).items():
        parts.append(
            f'<text x="{round(box[0] + 1, 1)}" y="{round(box[3] - 3, 1)}">{escape(by_id[key]["caption"])}</text>'
        )
    parts.append("</g></svg>")
    return "".join(parts)


def render_html(drawing: Mapping[str, Any], legend: Sequence[Mapping[str, Any]]) -> str:
    """The picture as an ``<img>`` (an SVG data URI, which survives the HTML sanitizer of an
    untrusted notebook) with its legend and message line."""
    items = "".join(
        f'<span style="margin-right:12px;white-space:nowrap"><span style="display:inline-block;width:10px;'
        f'height:10px;border-radius:50%;background:{escape(item["color"])};margin-right:4px"></span>'
        f"{escape(str(item['label']))} ({item['count']:,})</span>"
        for item in legend
    )
    svg = render_svg(drawing)
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return (
        '<div class="runic-graph-static" style="font-family:sans-serif;font-size:12px">'
        f'<div class="runic-gv-legend">{items}</div>'
        f'<img class="runic-gv-picture" src="{uri}" width="{int(drawing["width"])}" '
        f'alt="{escape(drawing.get("message", ""))}" style="max-width:100%;height:auto"/>'
        f'<div class="runic-gv-message" style="opacity:0.75">{escape(drawing.get("message", ""))}</div>'
        "</div>"
    )

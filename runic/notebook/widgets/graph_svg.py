"""Static SVG of a graph view: the same layout, colours and legend as the widget.

Used where no widget front-end is connected (nbconvert, GitHub, a closed kernel). Every
text is escaped; hovering a node shows its properties through the SVG ``<title>``.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

__all__ = ["properties_text", "render_html", "render_svg"]

NODE_RADIUS = 7
#: captions of nodes closer than this to the right edge are written to their left
CAPTION_ROOM = 90


def properties_text(labels: list[str] | tuple[str, ...], properties: dict[str, Any]) -> str:
    """The hover text of a node or edge: labels, then one ``key: value`` line per property."""
    head = ":".join(labels)
    lines = [head] if head else []
    for key, value in properties.items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        lines.append(f"{key}: {shown}")
    return "\n".join(lines)


def render_svg(view: dict[str, Any]) -> str:
    """An ``<svg>`` drawing of ``view`` (the widget's traits as a dict: nodes, edges, width, height)."""
    width, height = int(view["width"]), int(view["height"])
    nodes = view["nodes"]
    pos = {n["id"]: (n["x"], n["y"]) for n in nodes}
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="runic-graph-svg" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{escape(view.get("message", ""))}" '
            'style="max-width:100%;height:auto;font-family:sans-serif;font-size:9px">'
        ),
        (
            '<defs><marker id="runic-arrow" viewBox="0 0 10 10" refX="17" refY="5" markerWidth="6" '
            'markerHeight="6" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#999"/></marker></defs>'
        ),
        '<g class="runic-gv-edges" stroke="#999" stroke-opacity="0.7">',
    ]
    show_edge_labels = len(view["edges"]) <= 300
    for edge in view["edges"]:
        a, b = pos.get(edge["source"]), pos.get(edge["target"])
        if a is None or b is None:
            continue
        title = escape(properties_text([edge["type"]], edge["properties"]))
        parts.append(
            f'<g class="runic-gv-edge"><title>{title}</title>'
            f'<line x1="{a[0]}" y1="{a[1]}" x2="{b[0]}" y2="{b[1]}" marker-end="url(#runic-arrow)"/>'
        )
        if show_edge_labels:
            mx, my = round((a[0] + b[0]) / 2, 2), round((a[1] + b[1]) / 2, 2)
            parts.append(
                f'<text x="{mx}" y="{my}" fill="#777" stroke="none" text-anchor="middle">{escape(edge["type"])}</text>'
            )
        parts.append("</g>")
    parts.append('</g><g class="runic-gv-nodes" stroke="#fff" stroke-width="1.5">')
    show_captions = len(nodes) <= 200
    for node in nodes:
        title = escape(properties_text(node["labels"], node["properties"]))
        parts.append(
            f'<g class="runic-gv-node" data-node-id="{escape(node["id"])}"><title>{title}</title>'
            f'<circle cx="{node["x"]}" cy="{node["y"]}" r="{NODE_RADIUS}" fill="{escape(node["color"])}"/>'
        )
        if show_captions:
            left = node["x"] > width - CAPTION_ROOM
            x = node["x"] - NODE_RADIUS - 2 if left else node["x"] + NODE_RADIUS + 2
            anchor = "end" if left else "start"
            parts.append(
                f'<text x="{round(x, 2)}" y="{node["y"] + 3}" text-anchor="{anchor}" fill="currentColor" '
                f'stroke="none">{escape(node["caption"])}</text>'
            )
        parts.append("</g>")
    parts.append("</g></svg>")
    return "".join(parts)


def render_html(view: dict[str, Any]) -> str:
    """The SVG with its legend and the "showing N of M" line, as one HTML block."""
    legend = "".join(
        f'<span style="margin-right:12px;white-space:nowrap"><span style="display:inline-block;width:10px;'
        f'height:10px;border-radius:50%;background:{escape(item["color"])};margin-right:4px"></span>'
        f'{escape(item["label"])} ({item["count"]:,})</span>'
        for item in view["legend"]
    )
    return (
        '<div class="runic-graph-static" style="font-family:sans-serif;font-size:12px">'
        f'<div class="runic-gv-legend">{legend}</div>'
        f'{render_svg(view)}'
        f'<div class="runic-gv-message" style="opacity:0.75">{escape(view.get("message", ""))}</div>'
        "</div>"
    )

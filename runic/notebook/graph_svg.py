"""A static SVG picture of a small graph, laid out in Python (the graph view's fallback)."""

from __future__ import annotations

import html
from typing import Any

__all__ = ["StaticGraph"]

_PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")


class StaticGraph:
    """An SVG drawing of ``G`` (nodes coloured by first label), capped at ``max_nodes``."""

    def __init__(self, G: Any, *, max_nodes: int = 200, width: int = 640, height: int = 420, seed: int = 7) -> None:
        self.G = G
        self.max_nodes = max_nodes
        self.width = width
        self.height = height
        self.seed = seed

    def _repr_svg_(self) -> str:
        import networkx as nx

        nodes = list(self.G.nodes)[: self.max_nodes]
        H = self.G.subgraph(nodes)
        pos = nx.spring_layout(H, seed=self.seed) if len(H) else {}
        w, h, pad = self.width, self.height, 24

        def xy(p: Any) -> tuple[float, float]:
            return pad + (p[0] + 1) / 2 * (w - 2 * pad), pad + (p[1] + 1) / 2 * (h - 2 * pad)

        colours: dict[str, str] = {}
        parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">']
        for u, v, data in H.edges(data=True):
            (x1, y1), (x2, y2) = xy(pos[u]), xy(pos[v])
            title = html.escape(str(data.get("type", "")))
            parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#999" stroke-opacity="0.6"><title>{title}</title></line>')
        for n, data in H.nodes(data=True):
            x, y = xy(pos[n])
            labels = data.get("labels") or ["?"]
            colour = colours.setdefault(str(labels[0]), _PALETTE[len(colours) % len(_PALETTE)])
            title = html.escape(f"{':'.join(map(str, labels))} {n}")
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{colour}"><title>{title}</title></circle>')
        if len(self.G) > self.max_nodes:
            parts.append(f'<text x="8" y="{h - 8}" font-size="12" fill="#888">showing {self.max_nodes} of {len(self.G)} nodes</text>')
        parts.append("</svg>")
        return "".join(parts)

    def __repr__(self) -> str:
        return f"<StaticGraph {self.G.number_of_nodes()} nodes, {self.G.number_of_edges()} edges>"

"""How a graph view's nodes look: colour, size, caption and tooltip, chosen by property.

Nothing here does I/O. ``Styler`` turns the shown nodes and edges into the columns the
browser draws (lists for text, packed binary arrays for numbers) and keeps colours stable:
a label or property value keeps its colour when more nodes arrive.

* colour: ``"label"`` (the default), or any property — categories get palette colours,
  a numeric property with many values a light-to-dark scale;
* size: constant, ``"degree"``, or a numeric property (square-root scale, 3–15 px);
* caption: a name-like property by default, or the property named;
* tooltip: labels and every property by default, or the listed properties.
"""

from __future__ import annotations

import json
import math
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .graph_data import PALETTE, ViewEdge, ViewNode

__all__ = ["MISSING_COLOR", "Style", "Styler", "properties_text", "text_column"]

#: colour of nodes that lack the property they are coloured by
MISSING_COLOR = "#bab0ac"
#: a numeric property with more distinct values than the palette gets this scale (low → high)
SCALE = ("#fde725", "#5ec962", "#21918c", "#3b528b", "#440154")
DEFAULT_SIZE = 5.0
#: categories listed in the legend before it says "… N more values"
LEGEND_ITEMS = 12
MIN_SIZE, MAX_SIZE = 3.0, 15.0
_CAPTION_PROPERTIES = ("name", "title", "caption", "label", "id", "key")
_MAX_CAPTION = 24


def properties_text(labels: Sequence[str], properties: dict[str, Any]) -> str:
    """The hover text of a node or edge: labels, then one ``key: value`` line per property."""
    head = ":".join(labels)
    lines = [head] if head else []
    for key, value in properties.items():
        lines.append(f"{key}: {_text(value)}")
    return "\n".join(lines)


def _text(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return value
    if kind is int or kind is float:
        return repr(value)
    if value is None:
        return "null"
    return json.dumps(value, ensure_ascii=False, default=str)


@dataclass(frozen=True)
class Style:
    """What decides a node's look; every field names a property (or says "label"/"degree")."""

    color_by: str = "label"
    size_by: str | None = None
    caption_by: str | None = None
    tooltip_fields: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        for name in ("color_by", "size_by", "caption_by"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value):
                raise ValueError(
                    f"{name} must be a property name (a non-empty string), not {value!r}"
                )
        if self.tooltip_fields is not None and not all(
            isinstance(f, str) for f in self.tooltip_fields
        ):
            raise ValueError(f"tooltip_fields must be property names, not {self.tooltip_fields!r}")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _mix(a: str, b: str, t: float) -> str:
    ca = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ca, cb))


def scale_color(t: float) -> str:
    """The colour at ``t`` (0..1) on the light-to-dark scale."""
    t = min(max(t, 0.0), 1.0) * (len(SCALE) - 1)
    i = min(int(t), len(SCALE) - 2)
    return _mix(SCALE[i], SCALE[i + 1], t - i)


@dataclass
class Styler:
    """Computes the look of nodes; remembers which category got which colour."""

    style: Style = field(default_factory=Style)
    categories: dict[str, str] = field(default_factory=dict)

    def restyle(self, style: Style) -> None:
        if style.color_by != self.style.color_by:
            self.categories = {}
        self.style = style

    # -- single attributes ---------------------------------------------------------------

    def caption(self, node: ViewNode) -> str:
        name = self.style.caption_by
        if name is None:
            return node.caption
        value = node.properties.get(name)
        if value is None or value == "":
            return ""
        text = _text(value)
        return text if len(text) <= _MAX_CAPTION else text[: _MAX_CAPTION - 1] + "…"

    def tooltip(self, node: ViewNode) -> str:
        fields = self.style.tooltip_fields
        props = (
            node.properties
            if fields is None
            else {f: node.properties[f] for f in fields if f in node.properties}
        )
        return properties_text(node.labels, props)

    # -- whole columns ------------------------------------------------------------------

    def colors(self, nodes: list[ViewNode]) -> tuple[list[str], list[dict[str, Any]]]:
        """Each node's colour, and the legend (label, colour, count) in first-seen order."""
        by = self.style.color_by
        if by == "label":
            values: list[Any] = [n.label for n in nodes]
        else:
            values = [n.properties.get(by) for n in nodes]
        present = [v for v in values if v is not None]
        numbers = [_number(v) for v in values] if by != "label" else []
        numeric = (
            by != "label"
            and present
            and all(x is not None for x, v in zip(numbers, values) if v is not None)
        )
        if numeric and len({x for x in numbers if x is not None}) > len(PALETTE):
            lo = min(x for x in numbers if x is not None)
            hi = max(x for x in numbers if x is not None)
            span = (hi - lo) or 1.0
            colors = [MISSING_COLOR if x is None else scale_color((x - lo) / span) for x in numbers]
            legend = [
                {"label": f"{by} {_fmt(lo)}", "color": SCALE[0], "count": len(present)},
                {"label": f"{by} {_fmt(hi)}", "color": SCALE[-1], "count": len(present)},
            ]
            missing = len(values) - len(present)
            if missing:
                legend.append({"label": f"no {by}", "color": MISSING_COLOR, "count": missing})
            return colors, legend
        keys = values if by == "label" else ["(none)" if v is None else _text(v) for v in values]
        cats = self.categories
        for key in keys:
            if key not in cats:
                used = len(cats) - ("(none)" in cats)
                cats[key] = MISSING_COLOR if key == "(none)" else PALETTE[used % len(PALETTE)]
        counts = Counter(keys)
        prefix = "" if by == "label" else f"{by}: "
        shown = [key for key in cats if key in counts]
        legend = [
            {"label": prefix + key, "color": cats[key], "count": counts[key]}
            for key in shown[:LEGEND_ITEMS]
        ]
        if len(shown) > LEGEND_ITEMS:
            rest = sum(counts[key] for key in shown[LEGEND_ITEMS:])
            legend.append(
                {
                    "label": f"… {len(shown) - LEGEND_ITEMS:,} more values",
                    "color": MISSING_COLOR,
                    "count": rest,
                }
            )
        return [cats[k] for k in keys], legend

    def sizes(self, nodes: list[ViewNode], degree: Counter[str]) -> list[float]:
        by = self.style.size_by
        if by is None:
            return [DEFAULT_SIZE] * len(nodes)
        values = (
            [float(degree[n.key]) for n in nodes]
            if by == "degree"
            else [_number(n.properties.get(by)) for n in nodes]
        )
        present = [v for v in values if v is not None]
        if not present:
            return [DEFAULT_SIZE] * len(nodes)
        lo, hi = min(present), max(present)
        span = (hi - lo) or 1.0
        return [
            MIN_SIZE
            if v is None
            else round(MIN_SIZE + (MAX_SIZE - MIN_SIZE) * math.sqrt((v - lo) / span), 2)
            for v in values
        ]

    def columns(
        self, nodes: list[ViewNode], edges: list[ViewEdge], degree: Counter[str]
    ) -> tuple[dict[str, Any], list[dict[str, Any]], list[str], list[float]]:
        """The browser's payload (column-wise, numbers as binary), the legend, colours, sizes."""
        colors, legend = self.colors(nodes)
        palette: dict[str, int] = {}
        color_index = array("H", (palette.setdefault(c, len(palette)) for c in colors))
        sizes = self.sizes(nodes, degree)
        index = {n.key: i for i, n in enumerate(nodes)}
        types: dict[str, int] = {}
        source = array("i", (index[e.source] for e in edges))
        target = array("i", (index[e.target] for e in edges))
        type_index = array("H", (types.setdefault(e.type, len(types)) for e in edges))
        payload = {
            "nodes": {
                # text columns travel as one JSON buffer each: one binary frame, no per-item walk
                "id": _json_buffer([n.key for n in nodes]),
                "caption": _json_buffer([self.caption(n) for n in nodes]),
                "tip": _json_buffer([self.tooltip(n) for n in nodes]),
                "palette": list(palette),
                "color": color_index.tobytes(),
                "size": array("f", sizes).tobytes(),
            },
            "edges": {
                "source": source.tobytes(),
                "target": target.tobytes(),
                "type": type_index.tobytes(),
                "types": list(types),
            },
        }
        return payload, legend, colors, sizes


def _json_buffer(texts: list[str]) -> bytes:
    return json.dumps(texts, ensure_ascii=False, separators=(",", ":")).encode()


def text_column(buffer: bytes) -> list[str]:
    """A text column of the payload back as a list (what the browser decodes)."""
    return json.loads(bytes(buffer).decode())


def _fmt(x: float) -> str:
    return f"{int(x)}" if x.is_integer() else f"{x:.3g}"

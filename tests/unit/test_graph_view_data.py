"""The graph view's I/O-free parts: element collection, the sampling cap, styling, the
browser payload, caption placement, the static SVG, and the widget's traits (no browser)."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import re
import xml.etree.ElementTree as ET
from array import array
from pathlib import Path

import pytest

from runic.notebook.widgets.graph_data import PALETTE, GraphModel, collect_elements, json_safe
from runic.notebook.widgets.graph_style import (
    MISSING_COLOR,
    SCALE,
    Style,
    Styler,
    properties_text,
    text_column,
)
from runic.notebook.widgets.graph_svg import caption_boxes, layout_positions, render_svg
from runic.notebook.widgets.graph_view import GraphView
from runic.ogm.driver.result import EdgeRecord, GraphResult, NodeRecord, PathRecord

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "runic/notebook/widgets/graph_view.bundle.js"

pytestmark = [pytest.mark.unit]


class Colour(enum.Enum):
    RED = "red"


def test_json_safe_turns_values_into_what_a_trait_can_carry():
    assert json_safe(dt.date(2024, 5, 1)) == "2024-05-01"
    assert json_safe(Colour.RED) == "red"
    assert json_safe(float("nan")) == "nan"
    assert json_safe({"a": (1, 2)}) == {"a": [1, 2]}
    assert len(json_safe("x" * 1000)) == 200
    assert json_safe(list(range(30)))[-1] == "… 10 more"


def test_elements_are_collected_from_rows_paths_and_lists_once_each():
    a, b = NodeRecord(1, ("A",), {"name": "a"}), NodeRecord(2, ("B",), {})
    edge = EdgeRecord(7, "T", 1, 2, {"w": 1})
    result = GraphResult(["p", "n"], [[PathRecord((a, b), (edge,)), a], [None, {"x": [b]}]])
    nodes, edges = collect_elements(result)
    assert [n.key for n in nodes] == ["1", "2"]
    assert [(e.key, e.source, e.target) for e in edges] == [("7", "1", "2")]
    assert nodes[0].caption == "a" and nodes[1].caption == "B 2"


def ring(n, labels=("A", "B", "C")):
    """n nodes in a ring, plus a hub (id 1000) linked to the first ten."""
    nodes = [NodeRecord(i, (labels[i % len(labels)],), {"name": f"n{i}", "w": i}) for i in range(n)]
    edges = [EdgeRecord(10_000 + i, "NEXT", i, (i + 1) % n, {}) for i in range(n)]
    hub = NodeRecord(1000, ("Hub",), {"name": "hub"})
    spokes = [EdgeRecord(20_000 + i, "SPOKE", 1000, i, {}) for i in range(10)]
    return nodes + [hub] + edges + spokes


def test_node_cap_samples_the_best_connected_nodes_and_says_what_it_left_out():
    model = GraphModel(node_cap=5)
    model.add(*collect_elements(ring(30)))
    nodes, edges = model.shown()
    assert "1000" in {n.key for n in nodes}  # the hub, degree 10, survives the sample
    assert len(nodes) == 5 and all(
        e.source in {n.key for n in nodes} and e.target in {n.key for n in nodes} for e in edges
    )
    message = model.message()
    assert message.startswith(
        "showing a sample of 5 of 31 nodes (node cap 5; best-connected first)"
    )
    assert re.search(
        r"left out 26 nodes \(\d+ [ABC], \d+ [ABC], \d+ [ABC]\) and \d+ edges", message
    )
    model.set_cap(0)
    assert model.message() == "31 nodes, 40 edges"


def test_labels_keep_their_colours_when_more_nodes_arrive():
    styler = Styler()
    first = [NodeRecord(i, (f"L{i % 3}",), {}) for i in range(6)]
    colours, legend = styler.colors(collect_elements(first)[0])
    assert colours[:3] == list(PALETTE[:3]) and [item["count"] for item in legend] == [2, 2, 2]
    later = [NodeRecord(9, ("New",), {}), NodeRecord(1, ("L1",), {})]
    colours, _ = styler.colors(collect_elements(later)[0])
    assert colours == [PALETTE[3], PALETTE[1]]


def test_numeric_property_with_many_values_gets_a_scale_and_missing_values_grey():
    styler = Styler(Style(color_by="w"))
    nodes = collect_elements(
        [NodeRecord(i, ("N",), {"w": i}) for i in range(20)] + [NodeRecord(99, ("N",), {})]
    )[0]
    colours, legend = styler.colors(nodes)
    assert colours[0] == SCALE[0] and colours[19] == SCALE[-1] and colours[20] == MISSING_COLOR
    assert [item["label"] for item in legend] == ["w 0", "w 19", "no w"]


def test_categorical_property_legend_is_bounded():
    styler = Styler(Style(color_by="name"))
    nodes = collect_elements([NodeRecord(i, ("N",), {"name": f"x{i}"}) for i in range(40)])[0]
    _, legend = styler.colors(nodes)
    assert (
        len(legend) == 13
        and legend[-1]["label"] == "… 28 more values"
        and legend[-1]["count"] == 28
    )


def test_sizes_follow_degree_or_a_numeric_property():
    model = GraphModel()
    model.add(*collect_elements(ring(20)))
    nodes, _ = model.shown()
    by_degree = dict(
        zip((n.key for n in nodes), Styler(Style(size_by="degree")).sizes(nodes, model.degrees()))
    )
    assert by_degree["1000"] == 15.0 and by_degree["15"] == 3.0
    by_w = Styler(Style(size_by="w")).sizes(nodes, model.degrees())
    assert by_w[0] == 3.0 and by_w[19] == 15.0 and by_w[20] == 3.0  # the hub has no w


def test_style_refuses_what_is_not_a_property_name():
    with pytest.raises(ValueError, match="color_by must be a property name"):
        Style(color_by="")
    with pytest.raises(ValueError, match="tooltip_fields must be property names"):
        Style(tooltip_fields=(1,))


def test_payload_is_column_wise_with_numbers_as_binary():
    model = GraphModel()
    model.add(*collect_elements(ring(6)))
    nodes, edges = model.shown()
    payload, _legend, colours, sizes = Styler(
        Style(caption_by="w", tooltip_fields=("name",))
    ).columns(nodes, edges, model.degrees())
    cols = payload["nodes"]
    assert text_column(cols["id"]) == ["0", "1", "2", "3", "4", "5", "1000"]
    assert (
        text_column(cols["caption"])[:3] == ["0", "1", "2"]
        and text_column(cols["tip"])[0] == "A\nname: n0"
    )
    index, size = array("H"), array("f")
    index.frombytes(cols["color"])
    size.frombytes(cols["size"])
    assert [cols["palette"][i] for i in index] == colours and list(size) == sizes
    source, target = array("i"), array("i")
    source.frombytes(payload["edges"]["source"])
    target.frombytes(payload["edges"]["target"])
    assert list(zip(source, target))[:2] == [(0, 1), (1, 2)] and list(zip(source, target))[-1] == (
        6,
        5,
    )
    assert payload["edges"]["types"] == ["NEXT", "SPOKE"]


def test_captions_never_overlap_and_stay_inside_the_picture():
    nodes = [
        {
            "id": str(i),
            "x": (i * 37) % 300,
            "y": (i * 53) % 200,
            "size": 3 + i % 5,
            "caption": f"node number {i}",
        }
        for i in range(400)
    ]
    boxes = list(caption_boxes(nodes, 300, 200).values())
    assert 5 < len(boxes) < 400
    for i, a in enumerate(boxes):
        assert 0 <= a[0] and a[2] <= 300 and 0 <= a[1] and a[3] <= 200
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)


def test_layout_is_seeded_inside_the_box_and_prefers_reported_positions():
    keys = [str(i) for i in range(12)]
    edges = [(str(i), str((i + 1) % 12)) for i in range(12)]
    first = layout_positions(keys, edges, 300, 200, seed=3)
    assert first == layout_positions(keys, edges, 300, 200, seed=3)
    assert all(0 <= x <= 300 and 0 <= y <= 200 for x, y in first.values())
    known = {k: (float(i), float(i)) for i, k in enumerate(keys)}
    placed = layout_positions(keys, edges, 300, 200, known=known)
    assert placed["0"][1] > placed["11"][1]  # y grows upwards in the browser's graph space


def test_svg_escapes_every_text_and_draws_one_circle_per_node():
    drawing = {
        "width": 100,
        "height": 80,
        "message": "<m>",
        "nodes": [
            {
                "id": "1",
                "caption": "<b>",
                "color": "#fff",
                "size": 5,
                "tip": "<L>\nk: <v>",
                "x": 10,
                "y": 20,
            }
        ],
        "edges": [],
    }
    svg = render_svg(drawing)
    ET.fromstring(svg)
    assert svg.count("<circle") == 1
    assert (
        "<b>" not in svg
        and "&lt;b&gt;" in svg
        and "&lt;L&gt;" in svg
        and 'aria-label="&lt;m&gt;"' in svg
    )
    assert (
        properties_text(["A", "B"], {"n": 1, "s": "x", "f": 1.5, "z": None, "l": [1]})
        == "A:B\nn: 1\ns: x\nf: 1.5\nz: null\nl: [1]"
    )


# -- the widget without a browser: traits set as the front end would set them ----------------


def test_widget_loads_the_bundled_module_and_its_bundle_matches_its_sources():
    text = BUNDLE.read_text()
    assert str(GraphView._esm) == text
    stamp = re.match(r"// runic-graph-view source-hash: ([0-9a-f]{64})", text)
    assert stamp, (
        "graph_view.bundle.js has no source-hash line; rebuild it with .ci/build-graph-view.sh"
    )
    root = REPO / "extension/graph-view"
    files = ["build.mjs", "package.json", "package-lock.json"] + sorted(
        f"src/{p.name}" for p in (root / "src").iterdir()
    )
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
    assert stamp.group(1) == digest.hexdigest(), (
        "extension/graph-view changed since the bundle was built: run .ci/build-graph-view.sh"
    )
    assert not re.search(r"""(?:import|from)\s*\(?\s*["']https?://""", text), (
        "the bundle must not load code from a CDN"
    )


def test_selection_physics_and_styling_are_traits_python_reads_and_sets():
    view = GraphView(ring(6))
    assert view.physics is True and view.selected == []
    view.set_state({"selected": ["1000", "2"], "physics": False})  # what the browser syncs
    assert [n["properties"]["name"] for n in view.selected_nodes] == ["hub", "n2"]
    assert view.physics is False
    revision = view.data["revision"]
    view.style(color_by="w", caption_by="w")
    assert (
        view.data["revision"] == revision + 1
        and text_column(view.data["nodes"]["caption"])[0] == "0"
    )
    view.node_cap = 3
    assert len(text_column(view.data["nodes"]["id"])) == 3 and view.selected == [
        "1000"
    ]  # node 2 was sampled out
    assert view.message.startswith("showing a sample of 3 of 7 nodes")


def test_mimebundle_carries_svg_html_image_and_text_and_never_raises():
    view = GraphView(ring(6))
    data, _ = view._repr_mimebundle_()
    assert (
        data["image/svg+xml"].startswith("<svg")
        and data["text/plain"] == "<GraphView 7 nodes, 12 edges>"
    )
    assert 'src="data:image/svg+xml;base64,' in data["text/html"]
    view._styler, view._picture = None, None  # a broken view still displays
    data, _ = view._repr_mimebundle_()
    assert "repr-error" in data["text/html"]


def test_static_picture_is_capped_and_says_so():
    view = GraphView(ring(40), static_cap=10)
    root = ET.fromstring(view.to_svg())
    assert len(root.findall(".//{http://www.w3.org/2000/svg}circle")) == 10
    assert "this static picture shows the 10 best-connected" in root.get("aria-label")


def test_expand_without_a_driver_or_for_an_unknown_node_explains_what_to_do():
    view = GraphView(ring(3))
    assert view.expand("0") == (0, 0) and "driver=driver" in view.status
    assert view.expand("nope") == (0, 0) and "not in this view" in view.status


class _Entity:
    """The entity contract (architecture.md): fields in ``__dict__``, an ``InstanceState``."""

    def __init__(self, element_id, **fields):
        from runic.ogm.core.state import InstanceState

        self.__dict__.update(fields)
        self._runic_state = InstanceState(self)
        self._runic_state.element_id = element_id


class Person(_Entity):
    __label__ = "Person"
    __labels__ = ("Being", "Person")


class Knows(_Entity):
    __type__ = "KNOWS"


def test_entities_become_nodes_and_edges_with_their_endpoints():
    ada, bob = Person(1, name="Ada"), Person(2, name="Bob")
    knows = Knows(5, source=ada, target=bob, since=1843)
    nodes, edges = collect_elements([knows])
    assert [(n.key, n.labels, n.properties["name"]) for n in nodes] == [
        ("1", ("Person", "Being"), "Ada"),
        ("2", ("Person", "Being"), "Bob"),
    ]
    assert [(e.key, e.type, e.source, e.target, e.properties) for e in edges] == [
        ("5", "KNOWS", "1", "2", {"since": 1843})
    ]

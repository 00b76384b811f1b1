"""The graph view's I/O-free parts: element collection, cap, colours, layout, SVG."""

from __future__ import annotations

import datetime as dt
import enum

import pytest

from runic.notebook.widgets.graph_data import PALETTE, GraphModel, collect_elements, json_safe
from runic.notebook.widgets.graph_svg import properties_text, render_svg
from runic.ogm.driver.result import EdgeRecord, GraphResult, NodeRecord, PathRecord

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


def test_labels_get_colours_in_first_seen_order():
    model = GraphModel()
    nodes, edges = collect_elements([NodeRecord(i, (f"L{i % 3}",), {}) for i in range(6)])
    model.add(nodes, edges)
    assert model.colors == {"L0": PALETTE[0], "L1": PALETTE[1], "L2": PALETTE[2]}
    assert [item["count"] for item in model.legend()] == [2, 2, 2]


def test_cap_hides_later_nodes_and_their_edges_and_the_message_says_so():
    model = GraphModel(node_cap=2)
    nodes, edges = collect_elements(
        [NodeRecord(i, ("N",), {}) for i in range(4)] + [EdgeRecord(10, "T", 0, 1, {}), EdgeRecord(11, "T", 1, 3, {})]
    )
    model.add(nodes, edges)
    shown_nodes, shown_edges = model.shown()
    assert [n.key for n in shown_nodes] == ["0", "1"]
    assert [e.key for e in shown_edges] == ["10"]
    assert model.message() == "showing 2 of 4 nodes (node cap 2)"


def test_layout_stays_inside_the_box_and_keeps_placed_nodes_fixed():
    model = GraphModel(width=300, height=200)
    model.add(*collect_elements([NodeRecord(i, ("N",), {}) for i in range(5)] + [EdgeRecord(9, "T", 0, 1, {})]))
    first = dict(model.layout())
    assert all(0 <= x <= 300 and 0 <= y <= 200 for x, y in first.values())
    model.add(*collect_elements([NodeRecord(99, ("N",), {}), EdgeRecord(98, "T", 0, 99, {})]))
    second = model.layout()
    assert {k: second[k] for k in first} == first
    assert "99" in second


def test_svg_escapes_every_text_and_draws_one_circle_per_node():
    view = {
        "width": 100,
        "height": 80,
        "message": "<m>",
        "nodes": [
            {"id": "1", "labels": ["<L>"], "caption": "<b>", "color": "#fff", "properties": {"k": "<v>"}, "x": 10, "y": 20},
        ],
        "edges": [],
    }
    svg = render_svg(view)
    assert svg.count("<circle") == 1
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "&lt;L&gt;" in svg
    assert properties_text(["A", "B"], {"n": 1, "s": "x"}) == "A:B\nn: 1\ns: x"


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
    assert [(e.key, e.type, e.source, e.target, e.properties) for e in edges] == [("5", "KNOWS", "1", "2", {"since": 1843})]

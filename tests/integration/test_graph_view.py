"""GraphView against live databases (FalkorDB, ArcadeDB, AGE): query results in, the
browser's columns out, expansion through the kernel, selection, styling, static picture."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from array import array

import pytest

from runic.notebook.widgets.graph_style import text_column
from runic.notebook.widgets.graph_view import GraphView
from runic.ogm.driver.result import PathRecord

pytestmark = [pytest.mark.integration]

SVG = {"s": "http://www.w3.org/2000/svg"}


@pytest.fixture
def star(driver):
    """A hub with five friends, one of whom lives in a city."""
    driver.execute("CREATE (:Person {name: 'Hub', age: 40})")
    for i in range(1, 6):
        driver.execute(
            "MATCH (h:Person {name: 'Hub'}) CREATE (h)-[:KNOWS {since: $since}]->(:Person {name: $name, age: $age})",
            {"since": 2000 + i, "name": f"Friend {i}", "age": 20 + i},
        )
    driver.execute(
        "MATCH (p:Person {name: 'Friend 1'}) CREATE (p)-[:LIVES_IN]->(:City {name: 'Lyon'})"
    )
    return driver


def hub(driver):
    return driver.execute("MATCH (h:Person {name: 'Hub'}) RETURN h")


def everything(driver):
    return driver.execute("MATCH (a)-[r]->(b) RETURN a, r, b")


def click(view, message, buffers=()):
    """A message from the browser, through ipywidgets' own dispatch."""
    view._handle_msg(
        {"content": {"data": {"method": "custom", "content": message}}, "buffers": list(buffers)}
    )


def test_view_of_a_query_result_sends_nodes_and_edges_column_wise(star):
    view = GraphView(star.execute("MATCH (a:Person)-[r:KNOWS]->(b:Person) RETURN a, r, b"))
    nodes = {k: text_column(view.data["nodes"][k]) for k in ("id", "caption", "tip")}
    edges = view.data["edges"]
    assert len(nodes["id"]) == 6 and sorted(nodes["caption"]) == [
        "Friend 1",
        "Friend 2",
        "Friend 3",
        "Friend 4",
        "Friend 5",
        "Hub",
    ]
    source, target = array("i"), array("i")
    source.frombytes(edges["source"])
    target.frombytes(edges["target"])
    hub_index = nodes["caption"].index("Hub")
    assert list(source) == [hub_index] * 5 and sorted(target) == sorted(set(range(6)) - {hub_index})
    assert edges["types"] == ["KNOWS"]
    assert view.legend == [{"label": "Person", "color": view.nodes[0]["color"], "count": 6}]
    assert view.message == "6 nodes, 5 edges"
    hub_tip = nodes["tip"][hub_index]
    assert hub_tip.splitlines()[0] == "Person" and "name: Hub" in hub_tip and "age: 40" in hub_tip


def test_nodes_are_coloured_by_label_and_restyled_by_property(star):
    view = GraphView(everything(star))
    colours = {n["label"]: n["color"] for n in view.nodes}
    assert set(colours) == {"Person", "City"} and colours["Person"] != colours["City"]
    view.style(color_by="age", size_by="degree", caption_by="age", tooltip_fields=["name"])
    by_name = {n["properties"]["name"]: n for n in view.nodes}
    assert by_name["Lyon"]["caption"] == "" and by_name["Hub"]["caption"] == "40"
    assert by_name["Hub"]["size"] > by_name["Friend 2"]["size"]  # five edges against one
    assert by_name["Lyon"]["color"] == "#bab0ac"  # no age
    assert [item["label"] for item in view.legend][-1] == "age: (none)"
    tips = dict(
        zip(text_column(view.data["nodes"]["caption"]), text_column(view.data["nodes"]["tip"]))
    )
    assert tips["40"] == "Person\nname: Hub"


def test_a_click_in_the_browser_is_readable_as_the_selection(star):
    view = GraphView(everything(star))
    lyon = next(n for n in view.nodes if n["caption"] == "Lyon")
    view.set_state({"selected": [lyon["id"]]})  # what the front end syncs on a click
    assert view.selected == [lyon["id"]]
    assert view.selected_nodes == [
        {
            "id": lyon["id"],
            "db_id": lyon["db_id"],
            "labels": ["City"],
            "properties": {"name": "Lyon"},
        }
    ]


def test_expanding_a_node_adds_its_neighbours_through_the_kernel(star):
    view = GraphView(hub(star), driver=star)
    assert len(view.nodes) == 1 and view.can_expand
    click(view, {"type": "expand", "ids": [view.nodes[0]["id"]]})
    assert len(view.nodes) == 6 and len(view.edges) == 5
    assert view.status == "Hub: added 5 neighbours, 5 edges"
    assert len(text_column(view.data["nodes"]["id"])) == 6


def test_expansion_is_bounded_read_only_and_says_when_more_exist(star, monkeypatch):
    seen = []
    real = star.execute

    def spy(query, params=None, **kwargs):
        seen.append((query, params, kwargs))
        return real(query, params, **kwargs)

    view = GraphView(hub(star), driver=star, expand_limit=2)
    monkeypatch.setattr(star, "execute", spy)
    assert view.expand(view.nodes[0]["id"]) == (2, 2)
    assert "first 2; more exist" in view.status
    query, params, kwargs = seen[-1]
    assert (
        kwargs.get("readonly") is True and re.search(r"LIMIT 3$", query) and list(params) == ["id"]
    )


def test_node_cap_samples_the_best_connected_and_names_what_it_left_out(star):
    view = GraphView(everything(star), node_cap=3)
    shown = {n["properties"]["name"] for n in view.nodes}
    assert (
        "Hub" in shown and len(shown) == 3 and "Friend 1" in shown
    )  # the two best-connected first
    assert view.total_nodes == 7
    assert view.message.startswith(
        "showing a sample of 3 of 7 nodes (node cap 3; best-connected first)"
    )
    assert "left out 4 nodes (" in view.message and "raise node_cap" in view.message
    ids = {n["id"] for n in view.nodes}
    assert all(e["source"] in ids and e["target"] in ids for e in view.edges)
    view.node_cap = 0
    assert len(view.nodes) == 7 and view.message == "7 nodes, 6 edges"


def test_paths_are_accepted(star):
    result = star.execute(
        "MATCH p = (:Person {name: 'Hub'})-[:KNOWS]->(:Person)-[:LIVES_IN]->(:City) RETURN p"
    )
    path = result.rows[0][0]
    assert isinstance(path, PathRecord)
    view = GraphView(result)
    assert [n["label"] for n in view.nodes] == ["Person", "Person", "City"]
    assert [e["type"] for e in view.edges] == ["KNOWS", "LIVES_IN"]


def test_static_picture_is_svg_with_every_node_and_an_html_image_for_untrusted_notebooks(star):
    view = GraphView(everything(star))
    data, _meta = view._repr_mimebundle_()
    assert {"image/svg+xml", "text/html", "text/plain"} <= set(data)
    root = ET.fromstring(data["image/svg+xml"])
    assert len(root.findall(".//s:circle", SVG)) == 7
    assert len(root.findall(".//s:line", SVG)) == 6
    assert data["text/plain"] == "<GraphView 7 nodes, 6 edges>"
    assert '<img class="runic-gv-picture" src="data:image/svg+xml;base64,' in data["text/html"]
    assert "7 nodes, 6 edges" in data["text/html"]
    assert view.to_svg() == data["image/svg+xml"]  # seeded: the same data, the same picture


def test_static_picture_uses_the_layout_the_browser_reported(star):
    view = GraphView(everything(star), width=200, height=100)
    ids = text_column(view.data["nodes"]["id"])
    xy = array("f", [v for i in range(len(ids)) for v in (float(i), 0.0 if i % 2 else 1.0)])
    click(
        view, {"type": "positions", "revision": view.data["revision"]}, [memoryview(xy.tobytes())]
    )
    root = ET.fromstring(view.to_svg())
    xs = sorted(float(c.get("cx")) for c in root.findall(".//s:circle", SVG))
    assert xs == sorted(xs) and xs[0] < 30 and xs[-1] > 170
    assert len({round(float(c.get("cy"))) for c in root.findall(".//s:circle", SVG)}) == 2


def test_hover_text_is_escaped(driver):
    driver.execute("CREATE (:Tag {name: $name})", {"name": "<script>alert(1)</script>"})
    view = GraphView(driver.execute("MATCH (t:Tag) RETURN t"))
    svg = view.to_svg()
    assert "<script>" not in svg and "name: &lt;script&gt;alert(1)&lt;/script&gt;" in svg


def test_from_result_takes_the_results_connection_for_expanding(star):
    from runic.notebook.result import QueryResult

    view = GraphView.from_result(QueryResult(hub(star), driver=star))
    assert view.can_expand
    assert view.expand(view.nodes[0]["id"]) == (5, 5)


@pytest.mark.falkordb
def test_big_expansion_goes_through_the_progress_bar(falkordb_driver, capsys):
    falkordb_driver.execute(
        "CREATE (h:Hub {name: 'big'}) WITH h UNWIND range(1, 250) AS i CREATE (h)-[:HAS]->(:Leaf {i: i})"
    )
    view = GraphView(
        falkordb_driver.execute("MATCH (h:Hub) RETURN h"), driver=falkordb_driver, expand_limit=300
    )
    assert view.expand(view.nodes[0]["id"]) == (250, 250)
    assert view.total_nodes == 251 and len(view.nodes) == 251
    assert "adding neighbours" in capsys.readouterr().err

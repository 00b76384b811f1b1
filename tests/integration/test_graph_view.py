"""GraphView against a live embedded FalkorDB: data in, traits out, clicks expand."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from runic.notebook.widgets.graph_view import GraphView
from runic.ogm.driver.result import EdgeRecord, NodeRecord, PathRecord

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]


@pytest.fixture
def star(falkordb_driver):
    """A hub with five friends, one of whom lives in a city."""
    falkordb_driver.execute(
        "CREATE (h:Person {name: 'Hub', age: 40}) "
        "WITH h UNWIND range(1, 5) AS i "
        "CREATE (h)-[:KNOWS {since: 2000 + i}]->(:Person {name: 'Friend ' + toString(i), age: 20 + i})"
    )
    falkordb_driver.execute(
        "MATCH (p:Person {name: 'Friend 1'}) CREATE (p)-[:LIVES_IN]->(:City {name: 'Lyon'})"
    )
    return falkordb_driver


def hub_result(driver):
    return driver.execute("MATCH (h:Person {name: 'Hub'}) RETURN h")


def test_view_of_a_result_shows_its_nodes_edges_and_legend(star):
    result = star.execute("MATCH (a:Person)-[r:KNOWS]->(b:Person) RETURN a, r, b")
    view = GraphView(result)
    assert len(view.nodes) == 6
    assert {e["type"] for e in view.edges} == {"KNOWS"}
    assert len(view.edges) == 5
    assert view.legend == [{"label": "Person", "color": view.nodes[0]["color"], "count": 6}]
    assert view.message == "6 nodes, 5 edges"
    hub = next(n for n in view.nodes if n["caption"] == "Hub")
    assert hub["properties"] == {"name": "Hub", "age": 40}


def test_nodes_are_coloured_by_label(star):
    result = star.execute("MATCH (a)-[r]->(b) RETURN a, r, b")
    view = GraphView(result)
    colours = {n["label"]: n["color"] for n in view.nodes}
    assert set(colours) == {"Person", "City"}
    assert colours["Person"] != colours["City"]
    assert [item["label"] for item in view.legend] == ["Person", "City"]


def test_clicking_a_node_adds_its_neighbours_through_the_kernel(star):
    view = GraphView(hub_result(star), driver=star)
    assert len(view.nodes) == 1 and view.can_expand
    hub_id = view.nodes[0]["id"]
    # the message the browser sends on a click, through ipywidgets' own dispatch
    view._handle_msg({"content": {"data": {"method": "custom", "content": {"type": "expand", "id": hub_id}}}, "buffers": []})
    assert len(view.nodes) == 6
    assert len(view.edges) == 5
    assert view.status == "Hub: added 5 neighbours, 5 edges"
    assert view.total_nodes == 6


def test_expansion_keeps_placed_nodes_where_they_were(star):
    view = GraphView(star.execute("MATCH (a:Person)-[r:KNOWS]->(b) RETURN a, r, b"), driver=star)
    before = {n["id"]: (n["x"], n["y"]) for n in view.nodes}
    friend = next(n for n in view.nodes if n["caption"] == "Friend 1")
    assert view.expand(friend["id"]) == (1, 1)
    after = {n["id"]: (n["x"], n["y"]) for n in view.nodes}
    assert {k: after[k] for k in before} == before
    assert "Lyon" in {n["caption"] for n in view.nodes}


def test_expansion_is_bounded_and_says_when_more_exist(star):
    view = GraphView(hub_result(star), driver=star, expand_limit=2)
    assert view.expand(view.nodes[0]["id"]) == (2, 2)
    assert "first 2; more exist" in view.status
    assert len(view.nodes) == 3


def test_expansion_runs_read_only(star, monkeypatch):
    seen = []
    real = star.execute

    def spy(query, params=None, **kwargs):
        seen.append((query, params, kwargs))
        return real(query, params, **kwargs)

    monkeypatch.setattr(star, "execute", spy)
    view = GraphView(hub_result(star), driver=star)
    view.expand(view.nodes[0]["id"])
    query, params, kwargs = seen[-1]
    assert kwargs.get("readonly") is True
    assert re.search(r"LIMIT \d+$", query)
    assert list(params) == ["id"]


def test_node_cap_limits_what_is_drawn_and_says_so(star):
    result = star.execute("MATCH (a)-[r]->(b) RETURN a, r, b")
    view = GraphView(result, node_cap=3)
    assert len(view.nodes) == 3
    assert view.total_nodes == 7
    assert view.message == "showing 3 of 7 nodes (node cap 3)"
    shown = {n["id"] for n in view.nodes}
    assert all(e["source"] in shown and e["target"] in shown for e in view.edges)
    view.node_cap = 0
    assert len(view.nodes) == 7
    assert view.message.startswith("7 nodes")


def test_expanding_without_a_driver_explains_what_to_do(star):
    view = GraphView(hub_result(star))
    assert view.expand(view.nodes[0]["id"]) == (0, 0)
    assert "driver=driver" in view.status
    assert view.expand("no-such-node") == (0, 0)
    assert "not in this view" in view.status


def test_layout_is_seeded_so_a_view_looks_the_same_each_time(star):
    result = star.execute("MATCH (a)-[r]->(b) RETURN a, r, b")
    first = GraphView(result).nodes
    second = GraphView(result).nodes
    assert [(n["x"], n["y"]) for n in first] == [(n["x"], n["y"]) for n in second]
    assert all(0 <= n["x"] <= 800 and 0 <= n["y"] <= 500 for n in first)
    assert len({(n["x"], n["y"]) for n in first}) == len(first)


def test_paths_and_record_lists_are_accepted(star):
    result = star.execute("MATCH p = (:Person {name: 'Hub'})-[:KNOWS]->(:Person)-[:LIVES_IN]->(:City) RETURN p")
    path = result.value()
    assert isinstance(path, PathRecord)
    view = GraphView([path])
    assert [n["label"] for n in view.nodes] == ["Person", "Person", "City"]
    assert [e["type"] for e in view.edges] == ["KNOWS", "LIVES_IN"]
    records = [NodeRecord(1, ("A",), {}), NodeRecord(2, ("B",), {}), EdgeRecord(9, "T", 1, 2, {})]
    assert GraphView(records).message == "2 nodes, 1 edge"


def test_static_fallback_draws_the_same_layout_as_svg(star):
    result = star.execute("MATCH (a)-[r]->(b) RETURN a, r, b")
    view = GraphView(result)
    svg = view.to_svg()
    root = ET.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    circles = root.findall(".//s:circle", ns)
    assert len(circles) == len(view.nodes) == 7
    drawn = {(float(c.get("cx")), float(c.get("cy"))) for c in circles}
    assert drawn == {(n["x"], n["y"]) for n in view.nodes}
    assert len(root.findall(".//s:line", ns)) == len(view.edges) == 6
    html = view._repr_html_()
    assert "runic-gv-legend" in html and "7 nodes, 6 edges" in html
    bundle = view._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert data["text/html"] == html
    assert data["text/plain"] == "<GraphView 7 nodes, 6 edges>"


def test_hover_text_carries_properties_and_is_escaped(falkordb_driver):
    falkordb_driver.execute("CREATE (:Tag {name: $name})", {"name": "<script>alert(1)</script>"})
    view = GraphView(falkordb_driver.execute("MATCH (t:Tag) RETURN t"))
    svg = view.to_svg()
    assert "<script>" not in svg
    assert "name: &lt;script&gt;alert(1)&lt;/script&gt;" in svg


def test_traits_document_themselves():
    view = GraphView()
    synced = [name for name in view.keys if not name.startswith("_") and name not in ("layout", "tabbable", "tooltip")]
    for name in synced:
        assert view.trait_metadata(name, "help"), f"trait {name} has no help="
    assert view.message == "0 nodes, 0 edges"


def test_from_result_takes_the_results_connection_for_expanding(star):
    from runic.notebook.result import QueryResult

    view = GraphView.from_result(QueryResult(hub_result(star), driver=star))
    assert view.can_expand
    assert view.expand(view.nodes[0]["id"]) == (5, 5)


def test_big_expansion_goes_through_the_progress_bar(falkordb_driver, capsys):
    falkordb_driver.execute(
        "CREATE (h:Hub {name: 'big'}) WITH h UNWIND range(1, 250) AS i CREATE (h)-[:HAS]->(:Leaf {i: i})"
    )
    view = GraphView(falkordb_driver.execute("MATCH (h:Hub) RETURN h"), driver=falkordb_driver, expand_limit=300)
    assert view.expand(view.nodes[0]["id"]) == (250, 250)
    assert view.total_nodes == 251 and len(view.nodes) == 251
    assert "adding neighbours" in capsys.readouterr().err

"""Converters: DataFrame / networkx out, networkx / DataFrame in (bulk, batched)."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from runic.notebook.convert import NX_KEY, from_dataframe, from_networkx, to_dataframe, to_networkx
from runic.ogm.driver.result import EdgeRecord, GraphResult, NodeRecord
from runic.ogm.exceptions import BulkWriteError

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]


def _strip(G):
    """``G`` as comparable data: nodes with attrs, edges with keys and attrs."""
    nodes = {n: dict(a) for n, a in G.nodes(data=True)}
    edges = sorted((repr(u), repr(v), repr(k), sorted(d.items(), key=repr)) for u, v, k, d in G.edges(keys=True, data=True))
    return nodes, edges


def _sample_graph():
    G = nx.MultiDiGraph()
    G.add_node("ada", name="Ada", age=36, tags=["x", "y"], score=0.5, active=True)
    G.add_node("bob", name="Bob O'Brien")
    G.add_node(7, name="seven")  # an int key next to string keys
    G.add_edge("ada", "bob", key=0, weight=1.5)
    G.add_edge("ada", "bob", key=1, weight=2.5, note="second")  # multi-edge
    G.add_edge("bob", "bob", key=0)  # self-loop
    G.add_edge(7, "ada", key="k", since=2020)  # non-int edge key
    return G


def test_networkx_round_trip_is_lossless(conn):
    G = _sample_graph()
    report = from_networkx(G, conn, label="Thing", type="LINK")
    assert (report.nodes, report.edges) == (3, 4)
    result = cell_result(conn, "MATCH (n:Thing) OPTIONAL MATCH (n)-[e:LINK]->(m) RETURN n, e, m")
    back = to_networkx(result, node_key=NX_KEY, edge_key=NX_KEY, label_attr=None, type_attr=None)
    assert _strip(back) == _strip(G)


def test_round_trip_keeps_labels_and_types_from_attributes(conn):
    G = nx.MultiDiGraph()
    G.add_node(1, labels=["Person", "Admin"], name="Ada")
    G.add_node(2, labels=["Person"], name="Bob")
    G.add_edge(1, 2, key=0, type="KNOWS", since=2020)
    G.add_edge(2, 1, key=0, type="LIKES")
    from_networkx(G, conn)
    result = cell_result(conn, "MATCH (n) OPTIONAL MATCH (n)-[e]->(m) RETURN n, e, m")
    back = to_networkx(result, node_key=NX_KEY, edge_key=NX_KEY)
    assert sorted(back.nodes[1]["labels"]) == ["Admin", "Person"]
    assert back.edges[1, 2, 0] == {"type": "KNOWS", "since": 2020}
    assert back.edges[2, 1, 0]["type"] == "LIKES"


def test_les_miserables_loads_in_batches(conn):
    G = nx.les_miserables_graph()
    report = from_networkx(G, conn, label="Character", type="APPEARS_WITH", key="name", batch_size=50)
    assert report.nodes == 77 and report.edges == 254
    assert report.batches == 2 + 6
    counts = cell_result(conn, "MATCH (c:Character) WITH count(c) AS n MATCH ()-[r:APPEARS_WITH]->() RETURN n, count(r) AS e")
    assert counts.rows == [[77, 254]]
    weight = cell_result(conn, "MATCH (:Character {name: 'Valjean'})-[r]-(:Character {name: 'Javert'}) RETURN r.weight")
    assert weight.rows == [[G["Valjean"]["Javert"]["weight"]]]


def test_failing_batch_reports_its_row_range_and_keeps_earlier_batches(conn):
    G = nx.DiGraph()
    for i in range(300):
        G.add_node(i, n=i)
    G.nodes[250]["bad"] = {"maps": "cannot be stored"}
    with pytest.raises(BulkWriteError) as info:
        from_networkx(G, conn, label="B", batch_size=100)
    err = info.value
    assert err.row_range == (200, 300)
    assert err.committed_rows == 200 and err.batches_committed == 2
    assert "rows 200–299" in str(err)
    assert cell_result(conn, "MATCH (b:B) RETURN count(b)").rows == [[200]]


def test_from_dataframe_creates_and_merges_on_key(conn):
    class Person:  # a plain class: label = class name (no registered metadata needed)
        __label__ = "Person"

    df = pd.DataFrame(
        {
            "name": ["Ada", "Bob", "Cyd"],
            "age": pd.array([36, None, 41], dtype="Int64"),
            "score": [1.5, float("nan"), 3.0],
            "note": ["it's", None, "{x}"],
        }
    )
    report = from_dataframe(df, Person, conn, key="name", batch_size=2)
    assert report.rows == 3 and report.batches == 2
    rows = cell_result(conn, "MATCH (p:Person) RETURN p.name, p.age, p.score, p.note ORDER BY p.name").rows
    assert rows == [["Ada", 36, 1.5, "it's"], ["Bob", None, None, None], ["Cyd", 41, 3.0, "{x}"]]
    from_dataframe(pd.DataFrame({"name": ["Ada"], "age": [37]}), Person, conn, key="name")
    assert cell_result(conn, "MATCH (p:Person) RETURN count(p), max(p.age)").rows == [[3, 41]]
    assert cell_result(conn, "MATCH (p:Person {name: 'Ada'}) RETURN p.age").rows == [[37]]


def test_from_dataframe_unknown_key_column_suggests(conn):
    class Person:
        __label__ = "Person"

    with pytest.raises(KeyError, match="did you mean 'name'"):
        from_dataframe(pd.DataFrame({"name": ["Ada"]}), Person, conn, key="nme")


def test_to_dataframe_accepts_graph_results_and_record_lists(conn):
    raw = conn.driver.execute("UNWIND range(1, 3) AS i CREATE (n:R {i: i}) RETURN n")
    df = to_dataframe(raw, expand=True)
    assert df["i"].tolist() == [1, 2, 3]
    nodes = [row[0] for row in raw.rows]
    assert to_dataframe(nodes)["i"].tolist() == [1, 2, 3]
    edges = [EdgeRecord(1, "T", 1, 2, {"w": 1}), EdgeRecord(2, "T", 2, 3, {})]
    assert str(to_dataframe(edges)["w"].dtype) == "Int64"


def test_to_networkx_accepts_record_lists(conn):
    nodes = [NodeRecord(1, ("A",), {"x": 1}), NodeRecord(2, ("B",), {})]
    edges = [EdgeRecord(10, "T", 1, 2, {}), EdgeRecord(11, "T", 2, 3, {})]
    G = to_networkx(nodes + edges)
    assert set(G.nodes) == {1, 2, 3} and G.number_of_edges() == 2
    assert G.nodes[1] == {"x": 1, "labels": ["A"]}


def cell_result(conn, query):
    return conn.driver.execute(query)


@pytest.mark.unit
def test_to_dataframe_rejects_unknown_inputs():
    with pytest.raises(TypeError, match="expected a result"):
        to_dataframe(42)
    assert to_dataframe(GraphResult(["a"], [])).columns.tolist() == ["a"]

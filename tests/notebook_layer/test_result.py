"""The result object: rows, DataFrames, networkx graphs, fetching more, summary."""

from __future__ import annotations

import pandas as pd
import pytest
from _notebook_helpers import cell

from runic.notebook.result import QueryResult
from runic.ogm.driver.result import EdgeRecord, GraphResult, NodeRecord

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]

SOCIAL = """
CREATE (ada:Person {name: 'Ada', age: 36}),
       (bob:Person {name: 'Bob', age: 25}),
       (cyd:Person:Admin {name: 'Cyd'}),
       (ada)-[:KNOWS {since: 2020}]->(bob),
       (ada)-[:KNOWS {since: 2021}]->(bob),
       (bob)-[:KNOWS]->(cyd),
       (cyd)-[:LIKES]->(cyd)
"""


@pytest.fixture
def social(shell):
    cell(shell, "", SOCIAL)
    return shell


def test_rows_columns_len_iteration_and_indexing(social):
    r = cell(social, "", "MATCH (p:Person) RETURN p.name AS name, p.age AS age ORDER BY name")
    assert r.columns == ["name", "age"]
    assert r.rows == [["Ada", 36], ["Bob", 25], ["Cyd", None]]
    assert len(r) == 3
    assert next(iter(r)) == {"name": "Ada", "age": 36}
    assert r[1] == {"name": "Bob", "age": 25}
    assert r["name"] == ["Ada", "Bob", "Cyd"]
    assert r[0:2] == [{"name": "Ada", "age": 36}, {"name": "Bob", "age": 25}]
    with pytest.raises(KeyError, match="did you mean 'name'"):
        r["nmae"]
    assert isinstance(r.raw, GraphResult)


def test_graph_values_are_lightweight_records(social):
    r = cell(social, "", "MATCH (a {name: 'Ada'})-[k:KNOWS]->(b) RETURN a, k, b LIMIT 1")
    a, k, b = r.rows[0]
    assert isinstance(a, NodeRecord) and a.labels == ("Person",) and a.properties == {"name": "Ada", "age": 36}
    assert isinstance(k, EdgeRecord) and k.type == "KNOWS" and (k.start_id, k.end_id) == (a.id, b.id)


def test_dataframe_keeps_ints_and_uses_na_for_nulls(social):
    r = cell(social, "", "MATCH (p:Person) RETURN p.name AS name, p.age AS age ORDER BY name")
    df = r.to_dataframe()
    assert list(df.columns) == ["name", "age"]
    assert str(df["age"].dtype) == "Int64"
    assert df["age"].tolist()[:2] == [36, 25] and df["age"].isna().tolist() == [False, False, True]
    assert df["name"].tolist() == ["Ada", "Bob", "Cyd"]
    full = cell(social, "", "MATCH (p:Person) WHERE p.age IS NOT NULL RETURN p.age AS age").df
    assert full["age"].dtype == "int64"
    assert r.df is r.df  # built once


def test_dataframe_mixed_and_float_columns(shell):
    r = cell(shell, "", "UNWIND [[1, 1.5, true, 'x'], [2, null, false, null], [3, 2.5, null, [1, 2]]] AS row "
             "RETURN row[0] AS i, row[1] AS f, row[2] AS b, row[3] AS mixed")
    df = r.to_dataframe()
    assert df["i"].dtype == "int64"
    assert str(df["f"].dtype) == "Float64" and pd.isna(df["f"][1])
    assert str(df["b"].dtype) == "boolean" and pd.isna(df["b"][2])
    assert df["mixed"].dtype == object and df["mixed"][2] == [1, 2]


def test_node_and_edge_columns_are_readable_by_default_with_label_and_type_columns(social):
    r = cell(social, "", "MATCH (a:Person)-[k:KNOWS]->(b) RETURN a, k, b ORDER BY k.since")
    df = r.to_dataframe()
    assert {"a.label", "a.name", "a.age", "k.type", "k.since", "b.label", "b.name"} <= set(df.columns)
    assert df["a.label"].tolist() == ["Person"] * 3 and set(df["k.type"]) == {"KNOWS"}
    assert df["a.name"].tolist() == ["Ada", "Ada", "Bob"]
    assert str(df["k.since"].dtype) == "Int64" and pd.isna(df["k.since"].iloc[-1]) is True
    single = cell(social, "", "MATCH (p:Person) RETURN p ORDER BY p.name").to_dataframe()
    assert list(single.columns) == ["label", "name", "age"]
    raw = r.to_dataframe(expand=False)  # the records themselves, one column each
    assert isinstance(raw["a"][0], NodeRecord)


def test_to_csv_and_to_parquet_write_the_readable_frame(social, tmp_path):
    r = cell(social, "", "MATCH (p:Person) RETURN p ORDER BY p.name")
    text = r.to_csv()
    assert text.splitlines()[0] == "label,name,age" and "Person,Ada," in text
    r.to_csv(tmp_path / "people.csv")
    assert (tmp_path / "people.csv").read_text() == text
    r.to_parquet(tmp_path / "people.parquet")
    back = pd.read_parquet(tmp_path / "people.parquet")
    assert back["name"].tolist() == r.to_dataframe()["name"].tolist()


def test_empty_result_has_its_columns(shell):
    df = cell(shell, "", "MATCH (n:Nothing) RETURN n.a AS a, n.b AS b").to_dataframe()
    assert list(df.columns) == ["a", "b"] and len(df) == 0


def test_to_networkx_holds_every_node_and_edge_including_paths_and_lists(social):
    r = cell(social, "", "MATCH p = (:Person {name: 'Ada'})-[:KNOWS*1..2]->(x) RETURN p, [x] AS xs")
    G = r.to_networkx()
    names = {attrs["name"] for _, attrs in G.nodes(data=True)}
    assert names == {"Ada", "Bob", "Cyd"}
    assert G.number_of_edges() == 3  # both parallel KNOWS edges and Bob→Cyd
    ada = next(n for n, a in G.nodes(data=True) if a["name"] == "Ada")
    bob = next(n for n, a in G.nodes(data=True) if a["name"] == "Bob")
    parallel = G.get_edge_data(ada, bob)
    assert len(parallel) == 2 and {d["since"] for d in parallel.values()} == {2020, 2021}
    assert all(d["type"] == "KNOWS" for d in parallel.values())
    cyd = next(n for n, a in G.nodes(data=True) if a["name"] == "Cyd")
    assert sorted(G.nodes[cyd]["labels"]) == ["Admin", "Person"]


def test_to_networkx_keys_are_database_ids(social):
    r = cell(social, "", "MATCH (c {name: 'Cyd'})-[l:LIKES]->(c) RETURN c, l, id(c) AS cid, id(l) AS lid")
    G = r.to_networkx()
    cid, lid = r.rows[0][2], r.rows[0][3]
    assert list(G.nodes) == [cid]
    assert list(G.edges(keys=True)) == [(cid, cid, lid)]  # self-loop kept


def test_summary_reports_counters_and_times(shell):
    r = cell(shell, "", "CREATE (:A {x: 1})-[:R]->(:B)")
    counters = r.summary.counters
    assert (counters.nodes_created, counters.relationships_created, counters.properties_set) == (2, 1, 1)
    assert r.summary.client_time_ms is not None and r.summary.client_time_ms >= 0
    assert r.summary.server_time_ms is not None


def test_fetch_all_shows_progress_only_when_slow_and_returns_self(social):
    r = cell(social, "--limit 1", "MATCH (p:Person) RETURN p.name AS name ORDER BY name")
    assert r.fetch_all() is r and r.values() == ["Ada", "Bob", "Cyd"]
    assert r.fetch_all() is r  # nothing more to fetch


def test_entities_leaves_unmodelled_records_as_records(social):
    r = cell(social, "", "MATCH (n:Person {name: 'Ada'})-[k:KNOWS]->() RETURN n, k LIMIT 1")
    entities = r.entities()
    assert len(entities) == 2
    assert isinstance(entities[0], (NodeRecord,)) or type(entities[0]).__name__ != "NodeRecord"


def test_show_graph_gives_a_view(social):
    r = cell(social, "", "MATCH (a)-[k]->(b) RETURN a, k, b")
    view = r.show_graph()
    assert type(view).__name__ == "GraphView"
    assert view.can_expand  # the result's own connection expands neighbours


@pytest.mark.unit
def test_result_without_connection_cannot_fetch_more():
    raw = GraphResult(["x"], [[1], [2], [3]], query="MATCH (n) RETURN n.x AS x")
    r = QueryResult(raw, fetch_limit=3)
    assert r.has_more and len(r) == 2
    with pytest.raises(RuntimeError, match="--no-limit"):
        r.fetch_all()


def test_column_wise_driver_path_feeds_rows_and_dataframes(shell, conn):
    """A driver offering ``execute_columns`` is used as is (rows built from its columns)."""
    calls = []

    class ColumnarDriver(type(conn.driver)):
        def execute_columns(self, query, params=None, *, readonly=None, timeout=None):
            calls.append(query)
            raw = self.execute(query, params, readonly=readonly, timeout=timeout)
            return raw.columns, [list(col) for col in zip(*raw.rows)], raw.summary

    driver = ColumnarDriver(conn.driver.graph, url=conn.driver.url)
    from runic.notebook.connections import registry

    registry.connect(driver=driver, alias="columnar")
    cell(shell, "", "UNWIND range(1, 5) AS i CREATE (:C {i: i, s: toString(i)})")
    r = cell(shell, "--limit 3", "MATCH (c:C) RETURN c.i AS i, c.s AS s ORDER BY i")
    assert calls and r.column_data is not None
    assert r.rows == [[1, "1"], [2, "2"], [3, "3"]] and r.has_more
    df = r.to_dataframe()
    assert df["i"].tolist() == [1, 2, 3] and df["s"].tolist() == ["1", "2", "3"]
    registry.close("columnar")

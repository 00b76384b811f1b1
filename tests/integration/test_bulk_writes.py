"""Every bulk path on every live backend: bulk_save, from_dataframe, from_networkx.

Counts reported after a failure or an interrupt are checked against what the database
holds; index use of merges and endpoint matches is read from the backend's own plan.
"""

from __future__ import annotations

import os
import signal

import networkx as nx
import pandas as pd
import pytest

from runic.notebook.convert import NX_KEY, from_dataframe, from_networkx, to_networkx
from runic.ogm import EdgeRows, Session
from runic.ogm.core.descriptors import Field
from runic.ogm.core.models import Edge, Node
from runic.ogm.exceptions import BulkWriteError, BulkWriteInterrupted
from runic.ogm.schema.index_manager import IndexSpec

pytestmark = [pytest.mark.integration]


class BkCity(Node):
    name: str = Field(primary_key=True)
    population: int = Field(default=0)
    country: str = Field(default=None)


class BkTicket(Node):
    id: str = Field(primary_key=True, generated="uuid")
    seat: int = Field(default=0)


class BkRoad(Edge):
    source: BkCity
    target: BkCity
    km: int = Field(default=None)


def count(driver, label: str) -> int:
    return driver.execute(f"MATCH (n:{label}) RETURN count(n)").rows[0][0]


class Recorder:
    """Notes every statement a driver runs (to read their plans afterwards)."""

    def __init__(self, driver, monkeypatch):
        self.seen: list[tuple[str, dict]] = []
        original = driver.execute

        def execute(query, params=None, **kwargs):
            self.seen.append((query, dict(params or {})))
            return original(query, params, **kwargs)

        monkeypatch.setattr(driver, "execute", execute)

    def matching(self, text: str) -> list[tuple[str, dict]]:
        return [(q, p) for q, p in self.seen if text in q and q.startswith("UNWIND")]


# -- writes ---------------------------------------------------------------------------------------
def test_from_dataframe_creates_rows_then_merges_them_on_the_key(driver):
    df = pd.DataFrame({"name": [f"c{i}" for i in range(25)], "population": range(25), "country": ["x"] * 24 + [None]})
    with Session(driver) as session:
        report = from_dataframe(df, BkCity, session, batch_size=10)
        assert (report.rows, report.batches) == (25, 3)
        from_dataframe(pd.DataFrame({"name": ["c3", "new"], "population": [300, 1]}), BkCity, session, batch_size=10)
    assert count(driver, "BkCity") == 26
    rows = driver.execute("MATCH (n:BkCity) WHERE n.name IN ['c3', 'c24', 'new'] RETURN n.name, n.population, n.country ORDER BY n.name").rows
    assert rows == [["c24", 24, None], ["c3", 300, "x"], ["new", 1, None]]


def test_from_dataframe_with_a_plain_label_creates_without_a_key(driver):
    class BkRow:
        __label__ = "BkRow"

    df = pd.DataFrame({"a": [1, 2, 3], "b": ["x", None, "z"], "c": [0.5, float("nan"), 1.5]})
    report = from_dataframe(df, BkRow, driver, batch_size=2)
    assert report.rows == 3
    rows = driver.execute("MATCH (n:BkRow) RETURN n.a, n.b, n.c ORDER BY n.a").rows
    assert rows == [[1, "x", 0.5], [2, None, None], [3, "z", 1.5]]


def test_from_networkx_round_trip_keeps_nodes_edges_and_labels(driver):
    G = nx.MultiDiGraph()
    G.add_node("ada", labels=["BkPerson", "BkAdmin"], name="Ada", age=36)
    G.add_node("bob", labels=["BkPerson"], name="Bob")
    G.add_node(7, labels=["BkPerson"], name="seven")
    G.add_edge("ada", "bob", key=0, type="BK_KNOWS", weight=1.5)
    G.add_edge("ada", "bob", key=1, type="BK_KNOWS", weight=2.5)
    G.add_edge("bob", "bob", key=0, type="BK_LIKES")
    G.add_edge(7, "ada", key="k", type="BK_KNOWS", since=2020)
    report = from_networkx(G, driver, batch_size=2)
    assert (report.nodes, report.edges) == (3, 4)
    result = driver.execute("MATCH (n:BkPerson) OPTIONAL MATCH (n)-[e]->(m) RETURN n, e, m")
    back = to_networkx(result, node_key=NX_KEY, edge_key=NX_KEY, label_attr=None)
    assert set(back.nodes) == {"ada", "bob", 7}
    assert back.nodes["ada"]["name"] == "Ada" and back.nodes[7]["name"] == "seven"
    assert sorted((u, v, k, d.get("weight"), d["type"]) for u, v, k, d in back.edges(keys=True, data=True) if u != 7) == [
        ("ada", "bob", 0, 1.5, "BK_KNOWS"),
        ("ada", "bob", 1, 2.5, "BK_KNOWS"),
        ("bob", "bob", 0, None, "BK_LIKES"),
    ]
    assert back.edges[7, "ada", "k"]["since"] == 2020
    admins = driver.execute("MATCH (n:BkAdmin) RETURN n.name").rows if driver.dialect.multiple_labels else [["Ada"]]
    assert admins == [["Ada"]]


def test_from_networkx_of_a_bigger_graph_writes_every_node_and_edge(driver):
    G = nx.gnm_random_graph(300, 600, seed=3, directed=True)
    report = from_networkx(G, driver, label="BkG", type="BK_E", batch_size=100)
    assert (report.nodes, report.edges) == (300, 600)
    assert count(driver, "BkG") == 300
    assert driver.execute("MATCH (:BkG)-[e:BK_E]->(:BkG) RETURN count(e)").rows == [[600]]


def test_bulk_save_creates_rows_whose_generated_key_is_fresh(driver, monkeypatch):
    seen = Recorder(driver, monkeypatch)
    with Session(driver) as session:
        assert session.bulk_save(BkTicket, [{"seat": i} for i in range(5)]) == 5
    assert not seen.matching("MERGE")
    keys = driver.execute("MATCH (t:BkTicket) RETURN t.id").rows
    assert len({k for (k,) in keys if k}) == 5


def test_bulk_save_of_label_rows_and_edge_rows_by_element_id(driver):
    ids: dict[int, object] = {}
    with Session(driver) as session:
        session.bulk_save("BkDot", [{"n": i} for i in range(6)], batch_size=4, on_ids=lambda pairs: ids.update(pairs))
        assert sorted(ids) == list(range(6))
        rows = [{"source": ids[i], "target": ids[i + 1], "w": i} for i in range(5)]
        assert session.bulk_save(EdgeRows("BK_NEXT"), rows, batch_size=2) == 5
    chain = driver.execute("MATCH (a:BkDot)-[e:BK_NEXT]->(b:BkDot) RETURN a.n, b.n, e.w ORDER BY a.n").rows
    assert chain == [[i, i + 1, i] for i in range(5)]


def test_edge_rows_whose_endpoint_is_missing_are_not_counted(driver):
    with Session(driver) as session:
        session.bulk_save("BkEnd", [{"k": 1}, {"k": 2}], key="k")
        rows = [{"source": 1, "target": 2}, {"source": 1, "target": 99}]
        assert session.bulk_save(EdgeRows("BK_TO", ("BkEnd",), ("BkEnd",), by="k"), rows) == 1
    assert driver.execute("MATCH ()-[e:BK_TO]->() RETURN count(e)").rows == [[1]]


# -- failures and interrupts tell the truth ------------------------------------------------------------
def test_a_failing_batch_reports_the_rows_the_database_holds(driver):
    driver.schema.create_index(IndexSpec("BkU", "k", unique=True))
    rows = [{"k": i} for i in range(25)] + [{"k": 3}] + [{"k": 100 + i} for i in range(10)]
    with Session(driver) as session, pytest.raises(BulkWriteError) as info:
        session.bulk_save("BkU", rows, batch_size=10)
    err = info.value
    assert err.committed_rows == count(driver, "BkU")
    assert err.row_range == (20, 30)
    assert err.committed_rows == 20 or not driver.dialect.transactional


def test_from_networkx_inside_a_session_counts_what_is_stored(driver):
    driver.schema.create_index(IndexSpec("BkN", "k", unique=True))
    G = nx.DiGraph()
    for i in range(9):
        G.add_node(i, k=i % 7)  # nodes 7 and 8 repeat keys 0 and 1: the third batch fails
    with Session(driver) as session, pytest.raises(BulkWriteError) as info:
        from_networkx(G, session, label="BkN", batch_size=3)
    err = info.value
    assert err.committed_rows == count(driver, "BkN")
    assert f"with {err.committed_rows} rows stay written" in str(err)


def test_an_interrupt_from_the_progress_callback_stops_between_batches(driver):
    def stop_after_two(done, total):
        if done >= 20:
            raise KeyboardInterrupt

    with Session(driver) as session, pytest.raises(BulkWriteInterrupted) as info:
        session.bulk_save("BkI", ({"n": i} for i in range(100)), batch_size=10, progress=stop_after_two)
    assert isinstance(info.value, KeyboardInterrupt)
    assert info.value.committed_rows == 20 == count(driver, "BkI")


@pytest.fixture
def python_sigint():
    """SIGINT raises KeyboardInterrupt, as in an interactive Python or a kernel, even when
    the test run itself was started in the background (where the shell ignores SIGINT)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_a_sigint_during_a_bulk_write_leaves_a_true_count(driver, python_sigint):
    def interrupt(done, total):
        if done == 30:
            os.kill(os.getpid(), signal.SIGINT)  # arrives while the next batch may be in flight

    with pytest.raises(BulkWriteInterrupted) as info, Session(driver) as session:
        session.bulk_save("BkSig", ({"n": i} for i in range(200)), batch_size=10, progress=interrupt)
    assert info.value.committed_rows == count(driver, "BkSig")
    assert 30 <= info.value.committed_rows < 200


# -- plans: merges and endpoint matches use an index ---------------------------------------------------------
def _plan_uses_index(driver, query: str, params: dict, label: str) -> bool:
    """Does the backend's plan find nodes by index (or id seek) rather than by a scan?

    ArcadeDB decides on its index at run time: its EXPLAIN shows id lookups, its PROFILE
    (which runs the statement; the callers' statements are idempotent or checked first)
    shows ``[index: L[k]]``. AGE: PostgreSQL's EXPLAIN of the SQL, with no scan of the
    nodes' label table (``label``)."""
    name = driver.dialect.name
    if name == "age":
        # PostgreSQL prefers a hash join over a scan until a label is large (it guesses 1000
        # rows for any UNWIND); with scans and hash/merge joins priced out, the plan shows
        # whether an index serves the lookup at all, as it will once the label is large
        settings = ("enable_seqscan", "enable_hashjoin", "enable_mergejoin")
        for setting in settings:
            driver.connection.execute(f"SET {setting} = off")
        try:
            plan = "\n".join(driver.explain(query, params))
        finally:
            for setting in settings:
                driver.connection.execute(f"RESET {setting}")
    else:
        plan = "\n".join(driver.explain(query, params))
    if name == "falkordb":
        return "Node By Index Scan" in plan and "Label Scan" not in plan and "All Node Scan" not in plan
    if name == "arcadedb":
        if "[id: per-row]" in plan:
            return True
        profile = "\n".join(driver.explain(query, params, profile=True))
        matches = [line for line in profile.splitlines() if "MATCH NODE" in line]
        return bool(matches) and all("[index:" in line for line in matches)
    scans = [line for line in plan.splitlines() if "Seq Scan on" in line and label in line]
    return "Index Cond" in plan and not scans


def test_bulk_merges_find_existing_nodes_through_an_index(driver, monkeypatch):
    n = 2000
    with Session(driver) as session:
        session.bulk_save(BkCity, [{"name": f"c{i}", "population": i} for i in range(n)])
    seen = Recorder(driver, monkeypatch)
    with Session(driver) as session:
        session.bulk_save(BkCity, [{"name": f"c{i}", "population": -i} for i in range(1990, 2010)])
    assert any((s.label, s.field) == ("BkCity", "name") for s in driver.schema.list_indexes())
    finders = [(q, p) for q, p in seen.seen if "MERGE" in q or ("MATCH" in q and "UNWIND" in q)]
    assert finders, seen.seen
    for query, params in finders:
        assert _plan_uses_index(driver, query, params, "BkCity"), (query, driver.explain(query, params))
    assert count(driver, "BkCity") == max(n, 2010)
    assert driver.execute("MATCH (n:BkCity {name: 'c1995'}) RETURN n.population").rows == [[-1995]]


def test_bulk_edges_find_their_endpoints_through_an_index_or_the_id(driver, monkeypatch):
    G = nx.path_graph(2000, create_using=nx.DiGraph)
    seen = Recorder(driver, monkeypatch)
    from_networkx(G, driver, label="BkP", type="BK_STEP", batch_size=500)
    assert driver.execute("MATCH (:BkP)-[e:BK_STEP]->(:BkP) RETURN count(e)").rows == [[1999]]
    edge_writes = seen.matching("BK_STEP")
    assert edge_writes
    for query, params in edge_writes[:1]:
        assert _plan_uses_index(driver, query, params, "BkP"), (query, driver.explain(query, params))


def test_bulk_edges_of_a_model_find_their_endpoints_through_the_key_index(driver, monkeypatch):
    with Session(driver) as session:
        session.bulk_save(BkCity, [{"name": f"c{i}"} for i in range(2000)])  # PostgreSQL picks an index over a scan
    seen = Recorder(driver, monkeypatch)
    with Session(driver) as session:
        assert session.bulk_save(BkRoad, [{"source": f"c{i}", "target": f"c{i + 1}", "km": i} for i in range(19)], batch_size=5) == 19
    assert driver.execute("MATCH (:BkCity)-[r:BKROAD]->(:BkCity) RETURN count(r), sum(r.km)").rows == [[19, sum(range(19))]]
    writes = [(q, p) for q, p in seen.seen if "BKROAD" in q and "MERGE" in q]
    assert writes
    for query, params in writes:
        assert _plan_uses_index(driver, query, params, "BkCity"), (query, driver.explain(query, params))


def test_the_key_index_a_bulk_merge_makes_is_one_the_schema_manager_declares(driver):
    from runic.migrate.schema import SchemaManager

    with Session(driver) as session:
        session.bulk_save(BkCity, [{"name": "a"}, {"name": "b"}])
    result = SchemaManager(driver, [BkCity], scope="models").validate()
    assert [(s.label, s.field) for s in result.declared if s.label == "BkCity"] == [("BkCity", "name")]
    assert not result.missing and not any(spec.label == "BkCity" for spec in result.extra)


def test_a_sigint_while_a_batch_is_in_flight_lets_that_batch_finish_and_counts_it(
    driver, monkeypatch, python_sigint
):
    original = driver.execute
    calls = []

    def execute(query, params=None, **kwargs):
        if query.startswith("UNWIND"):
            calls.append(query)
            if len(calls) == 3:  # the third batch: the interrupt lands while it is sent
                os.kill(os.getpid(), signal.SIGINT)
        return original(query, params, **kwargs)

    monkeypatch.setattr(driver, "execute", execute)
    with pytest.raises(BulkWriteInterrupted) as info, Session(driver) as session:
        session.bulk_save("BkFlight", ({"n": i} for i in range(100)), batch_size=10)
    assert info.value.committed_rows == 30 == count(driver, "BkFlight")
    assert info.value.row_range == (30, 30)

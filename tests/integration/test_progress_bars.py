"""Long operations of the interactive layer show a tqdm bar that appears and closes.

The bars are real ``tqdm`` objects; a recording subclass notes which were made, whether
they were visible, how far they got and that they were closed.
"""

from __future__ import annotations

import io

import networkx as nx
import pytest
from tqdm.std import tqdm as std_tqdm

import runic.notebook.result as result_module
import runic.progress
from runic.migrate.schema import SchemaManager
from runic.notebook import from_networkx, run
from runic.notebook.widgets.graph_view import PROGRESS_THRESHOLD, GraphView
from runic.ogm import Session
from runic.ogm.schema.index_manager import IndexSpec

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]


class RecordingBar(std_tqdm):
    made: list["RecordingBar"] = []

    def __init__(self, *args, **kwargs):
        kwargs["file"] = io.StringIO()  # keep the test output clean
        super().__init__(*args, **kwargs)
        self.visible = not self.disable
        self.closed_at: int | None = None
        RecordingBar.made.append(self)

    def close(self):
        if self.closed_at is None:
            self.closed_at = self.n
        super().close()


@pytest.fixture
def bars(monkeypatch):
    RecordingBar.made = []
    monkeypatch.setattr(runic.progress, "tqdm", RecordingBar)
    return RecordingBar.made


def test_bulk_import_shows_a_bar_that_reaches_the_total_and_closes(falkordb_driver, bars):
    graph = nx.path_graph(300)
    with Session(falkordb_driver) as session:
        from_networkx(graph, session, label="P", type="NEXT", batch_size=50, progress=True)
    visible = [b for b in bars if b.visible]
    assert visible, "no progress bar was shown"
    assert all(b.closed_at is not None for b in bars)
    assert sum(b.closed_at for b in visible) == graph.number_of_nodes() + graph.number_of_edges()


def test_small_imports_stay_quiet_by_default(falkordb_driver, bars):
    with Session(falkordb_driver) as session:
        from_networkx(nx.path_graph(5), session, label="P", type="NEXT")
    assert not any(b.visible for b in bars)


def test_schema_sync_shows_a_bar_per_step_and_closes(falkordb_driver, bars):
    specs = [IndexSpec("Doc", f"f{i}") for i in range(6)]
    manager = SchemaManager(falkordb_driver, [])
    manager.indexes.apply(specs, progress=True)
    created = [b for b in bars if b.visible]
    assert [(b.desc, b.total, b.closed_at) for b in created] == [("creating indexes", 6, 6)]
    manager.indexes.drop(specs)  # six operations: above the automatic threshold
    dropping = [b for b in bars if b.desc == "dropping indexes"]
    assert dropping[0].visible and dropping[0].closed_at == 6


def test_graph_view_expansion_of_a_big_neighbourhood_shows_a_bar(falkordb_driver, bars):
    size = PROGRESS_THRESHOLD + 50
    falkordb_driver.execute("CREATE (h:Hub {name: 'hub'}) WITH h UNWIND range(1, $n) AS i CREATE (h)-[:LINK]->(:Leaf {i: i})", {"n": size})
    view = GraphView(falkordb_driver.execute("MATCH (h:Hub) RETURN h"), driver=falkordb_driver, expand_limit=size)
    view.expand(view.nodes[0]["id"])
    visible = [b for b in bars if b.visible]
    assert [(b.desc, b.closed_at) for b in visible] == [("adding neighbours", size)]


def test_fetch_all_of_a_slow_result_shows_an_elapsed_time_bar_and_closes(falkordb_driver, bars, monkeypatch):
    monkeypatch.setattr(result_module, "PROGRESS_AFTER_S", 0.0)
    falkordb_driver.execute("UNWIND range(1, 3000) AS i CREATE (:Row {i: i})")
    result = run("MATCH (a:Row), (b:Row) WHERE a.i < 40 RETURN a.i, b.i", connection=falkordb_driver, limit=10)
    assert len(result) == 10
    result.fetch_all()
    assert len(result) == 39 * 3000
    visible = [b for b in bars if b.visible]
    assert [b.desc for b in visible] == ["fetching all rows"]
    assert visible[0].closed_at is not None

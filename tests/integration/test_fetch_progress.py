"""Long fetches show rows and rows per second, and an interrupt reports the rows that had arrived.

The Bolt drivers (ArcadeDB here) count rows while they stream in; FalkorDB and AGE hand
over a reply in one piece, so their bar and their count move once, when the rows are in.
Interrupts are raised from the progress callback at a known row count, so the report can
be checked against what had really arrived.
"""

from __future__ import annotations

import io
from typing import ClassVar

import pytest
from tqdm.std import tqdm as std_tqdm

import runic.progress
from runic.notebook import fetching, run
from runic.ogm.exceptions import FetchInterrupted

pytestmark = [pytest.mark.integration]

ROWS = 5000
QUERY = "MATCH (r:FpRow) RETURN r.i AS i, r.name AS name"
#: backends whose driver counts rows while they arrive
STREAMING = {"arcadedb", "neo4j", "memgraph"}


class RecordingBar(std_tqdm):
    made: ClassVar[list[RecordingBar]] = []

    def __init__(self, *args, **kwargs):
        kwargs["file"] = io.StringIO()
        super().__init__(*args, **kwargs)
        self.visible = not self.disable
        self.seen: list[int] = []
        self.closed_at: int | None = None
        self.line = ""
        RecordingBar.made.append(self)

    def update(self, n=1):
        out = super().update(n)
        self.seen.append(self.n)
        return out

    def close(self):
        if self.closed_at is None:
            self.closed_at = self.n
            self.line = str(self)
        super().close()


@pytest.fixture
def bars(monkeypatch):
    RecordingBar.made = []
    monkeypatch.setattr(runic.progress, "tqdm", RecordingBar)
    return RecordingBar.made


@pytest.fixture
def rows(driver):
    driver.execute("UNWIND range(1, $n) AS i CREATE (:FpRow {i: i, name: 'row ' + toString(i)})", {"n": ROWS})
    return driver


def test_a_slow_fetch_shows_rows_per_second_and_leaves_the_count(rows, backend, bars, monkeypatch):
    monkeypatch.setattr(fetching, "PROGRESS_AFTER_S", 0.0)
    result = run(QUERY, connection=rows, limit=None, progress=True)
    assert len(result) == ROWS
    visible = [b for b in bars if b.visible]
    assert [(b.desc, b.unit, b.closed_at) for b in visible] == [("fetching rows", "rows", ROWS)]
    assert "rows/s" in visible[0].line and f"{ROWS}" in visible[0].line
    if backend in STREAMING:  # the bar moved while rows arrived
        assert visible[0].seen[:3] == [1000, 2000, 3000]
    else:
        assert visible[0].seen == [ROWS]


def test_a_fetch_shorter_than_the_threshold_shows_no_bar(rows, bars, monkeypatch):
    monkeypatch.setattr(fetching, "PROGRESS_AFTER_S", 3600.0)
    result = run(QUERY, connection=rows, limit=None, progress=True)
    assert len(result) == ROWS
    assert not any(b.visible for b in bars)


def test_no_feedback_means_no_bar(rows, bars, monkeypatch):
    monkeypatch.setattr(fetching, "PROGRESS_AFTER_S", 0.0)
    run(QUERY, connection=rows, limit=None, feedback=0)
    assert not any(b.visible for b in bars)


def test_an_interrupt_while_rows_arrive_reports_the_rows_that_had_arrived(rows, backend, bars, monkeypatch):
    heard = []
    original = fetching.FetchProgress.__call__

    def interrupt_at_3000(self, n):
        original(self, n)
        heard.append(n)
        if n >= 3000:
            raise KeyboardInterrupt

    monkeypatch.setattr(fetching.FetchProgress, "__call__", interrupt_at_3000)
    with pytest.raises(FetchInterrupted) as stopped:
        run(QUERY, connection=rows, limit=None, progress=True)
    arrived = heard[-1]
    assert arrived == (3000 if backend in STREAMING else ROWS)
    assert stopped.value.rows_fetched == arrived
    assert f"after {arrived:,} rows had arrived" in str(stopped.value)
    assert isinstance(stopped.value, KeyboardInterrupt)
    assert all(b.closed_at is not None for b in bars)
    # the connection is usable afterwards, and nothing was lost
    assert rows.execute("MATCH (r:FpRow) RETURN count(r) AS c").rows[0][0] == ROWS


def test_an_interrupt_before_any_row_says_none_arrived(rows, monkeypatch):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(fetching, "accepts_progress", lambda driver, method: False)
    monkeypatch.setattr(rows, "execute_columns" if hasattr(rows, "execute_columns") else "execute", interrupt)
    with pytest.raises(FetchInterrupted, match=r"before its rows arrived \(0 rows fetched\)") as stopped:
        run(QUERY, connection=rows, limit=None)
    assert stopped.value.rows_fetched == 0


def test_fetch_all_shows_the_rows_that_arrived_and_closes_at_the_total(rows, bars, monkeypatch):
    import runic.notebook.result as result_module

    monkeypatch.setattr(result_module, "PROGRESS_AFTER_S", 0.0)
    result = run("MATCH (a:FpRow), (b:FpRow) WHERE a.i <= 20 RETURN a.i AS a, b.i AS b", connection=rows, limit=10)
    result.fetch_all()
    assert len(result) == 20 * ROWS
    visible = [b for b in bars if b.visible]
    assert [(b.desc, b.unit, b.closed_at) for b in visible] == [("fetching all rows", "rows", 20 * ROWS)]

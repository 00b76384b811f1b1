"""Bolt drivers count rows while they stream in; an interrupt ends the fetch with that count."""

from __future__ import annotations

import pytest

from runic.ogm.driver.bolt import PROGRESS_EVERY
from runic.ogm.exceptions import FetchInterrupted

pytestmark = [pytest.mark.integration, pytest.mark.arcadedb]

ROWS = 4500


@pytest.fixture
def filled(arcadedb_driver):
    arcadedb_driver.execute("UNWIND range(1, $n) AS i CREATE (:BfRow {i: i})", {"n": ROWS})
    return arcadedb_driver


def test_progress_hears_every_thousand_rows_and_the_total(filled):
    heard: list[int] = []
    result = filled.execute("MATCH (r:BfRow) RETURN r.i AS i", progress=heard.append)
    assert len(result.rows) == ROWS
    assert heard == [1000, 2000, 3000, 4000, ROWS]
    assert PROGRESS_EVERY == 1000


def test_execute_columns_gives_the_values_column_by_column(filled):
    columns, data, _summary = filled.execute_columns("MATCH (r:BfRow) RETURN r.i AS i, r.i * 0.5 AS h ORDER BY i")
    assert columns == ["i", "h"]
    assert data[0] == list(range(1, ROWS + 1))
    assert data[1][:2] == [0.5, 1.0]


def test_interrupt_from_progress_reports_the_rows_held_and_the_driver_stays_usable(filled):
    def stop(rows: int) -> None:
        if rows >= 2000:
            raise KeyboardInterrupt

    with pytest.raises(FetchInterrupted) as stopped:
        filled.execute("MATCH (r:BfRow) RETURN r.i AS i", progress=stop)
    assert stopped.value.rows_fetched == 2000
    assert "interrupted after 2,000 rows had arrived" in str(stopped.value)
    for _ in range(3):  # the cut connection left the pool; the others answer
        assert filled.execute("MATCH (r:BfRow) RETURN count(r) AS c").rows[0][0] == ROWS


def test_interrupt_inside_a_transaction_abandons_it_and_the_next_begin_works(filled):
    filled.begin()
    filled.execute("CREATE (:BfRow {i: -1})")

    def stop(rows: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(FetchInterrupted):
        filled.execute("MATCH (r:BfRow) RETURN r.i AS i", progress=stop)
    assert not filled.in_transaction()
    assert filled.execute("MATCH (r:BfRow) RETURN count(r) AS c").rows[0][0] == ROWS  # the write was rolled back
    filled.begin()
    filled.rollback()


def test_an_interrupted_fetch_all_reports_the_rows_that_had_arrived(filled, monkeypatch):
    import runic.notebook.result as result_module
    from runic.notebook import run

    original = result_module._Heard.__call__

    def interrupt_at_2000(self, rows):
        original(self, rows)
        if rows >= 2000:
            raise KeyboardInterrupt

    result = run("MATCH (r:BfRow) RETURN r.i AS i", connection=filled, limit=10)
    monkeypatch.setattr(result_module._Heard, "__call__", interrupt_at_2000)
    with pytest.raises(FetchInterrupted) as stopped:
        result.fetch_all()
    assert stopped.value.rows_fetched == 2000
    assert len(result) == 10  # the result keeps what it held
    monkeypatch.undo()
    assert len(result.fetch_all()) == ROWS

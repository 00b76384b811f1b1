"""The asyncio twin of test_bolt_fetch_interrupt: rows counted as they stream in, interrupts counted."""

from __future__ import annotations

import pytest

from runic.ogm.exceptions import FetchInterrupted

pytestmark = [pytest.mark.integration, pytest.mark.arcadedb]

ROWS = 4500


@pytest.fixture
async def filled(async_arcadedb_driver):
    await async_arcadedb_driver.execute("UNWIND range(1, $n) AS i CREATE (:BfRow {i: i})", {"n": ROWS})
    return async_arcadedb_driver


async def test_progress_hears_every_thousand_rows_and_the_total(filled):
    heard: list[int] = []
    result = await filled.execute("MATCH (r:BfRow) RETURN r.i AS i", progress=heard.append)
    assert len(result.rows) == ROWS
    assert heard == [1000, 2000, 3000, 4000, ROWS]


async def test_execute_columns_gives_the_values_column_by_column(filled):
    columns, data, _summary = await filled.execute_columns("MATCH (r:BfRow) RETURN r.i AS i, r.i * 0.5 AS h ORDER BY i")
    assert columns == ["i", "h"]
    assert data[0] == list(range(1, ROWS + 1))
    assert data[1][:2] == [0.5, 1.0]


async def test_interrupt_from_progress_reports_the_rows_held_and_the_driver_stays_usable(filled):
    def stop(rows: int) -> None:
        if rows >= 2000:
            raise KeyboardInterrupt

    with pytest.raises(FetchInterrupted) as stopped:
        await filled.execute("MATCH (r:BfRow) RETURN r.i AS i", progress=stop)
    assert stopped.value.rows_fetched == 2000
    for _ in range(3):
        result = await filled.execute("MATCH (r:BfRow) RETURN count(r) AS c")
        assert result.rows[0][0] == ROWS

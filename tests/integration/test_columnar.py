"""``result.to_arrow()`` / ``to_polars()`` on every live backend: the dtype rules of ``to_dataframe()``."""

from __future__ import annotations

import polars as pl
import pyarrow as pa
import pytest

from runic.notebook.run import run

pytestmark = [pytest.mark.integration]


@pytest.fixture
def people(driver):
    driver.execute(
        "UNWIND range(1, 5) AS i CREATE (:CoP {i: i, name: 'p' + toString(i), score: i * 0.5, ok: i % 2 = 0})"
    )
    driver.execute("CREATE (:CoP {name: 'nobody'})")  # nulls in i, score and ok
    return driver


QUERY = "MATCH (p:CoP) RETURN p.i AS i, p.name AS name, p.score AS score, p.ok AS ok ORDER BY p.name"


def test_to_arrow_types_columns_like_to_dataframe(people):
    result = run(QUERY, connection=people, limit=None, feedback=0)
    table = result.to_arrow()
    assert table.column_names == ["i", "name", "score", "ok"]
    assert table.schema.field("i").type == pa.int64()
    assert table.schema.field("name").type == pa.string()
    assert table.schema.field("score").type == pa.float64()
    assert table.schema.field("ok").type == pa.bool_()
    assert table.column("i").to_pylist() == [None, 1, 2, 3, 4, 5]
    assert table.column("i").null_count == 1
    df = result.to_dataframe()
    assert str(df["i"].dtype) == "Int64" and df["i"].isna().sum() == 1


def test_to_polars_keeps_ints_with_nulls_as_ints(people):
    frame = run(QUERY, connection=people, limit=None, feedback=0).to_polars()
    assert frame.schema["i"] == pl.Int64 and frame.schema["name"] == pl.String
    assert frame.schema["score"] == pl.Float64 and frame.schema["ok"] == pl.Boolean
    assert frame["i"].null_count() == 1
    assert frame.filter(pl.col("name") == "p3")["score"].to_list() == [1.5]


def test_to_arrow_expands_node_columns_into_properties(people):
    result = run("MATCH (p:CoP) WHERE p.i IS NOT NULL RETURN p ORDER BY p.i", connection=people, limit=None, feedback=0)
    table = result.to_arrow(expand=True)
    assert set(table.column_names) >= {"i", "name", "score", "ok"}
    assert table.column("i").to_pylist() == [1, 2, 3, 4, 5]
    plain = result.to_arrow()
    assert plain.column_names == ["p"]
    assert plain.column("p").to_pylist()[0]["properties"]["name"] == "p1"


def test_a_column_arrow_cannot_type_holds_the_values_text(driver):
    result = run("UNWIND [1, 'two', 3.5] AS x RETURN x", connection=driver, limit=None, feedback=0)
    assert result.to_arrow().column("x").to_pylist() == ["1", "two", "3.5"]

"""``execute_columns`` on the embedded FalkorDB gives, column by column, exactly what
``execute`` gives row by row, whatever mix of types, nulls and nested values a column holds."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]

MIXED = (
    "UNWIND range(1, 40) AS i RETURN i AS n, "
    "CASE WHEN i % 3 = 0 THEN toString(i) ELSE i END AS str_or_int, "
    "CASE WHEN i % 4 = 0 THEN i ELSE i * 0.25 END AS int_or_float, "
    "CASE WHEN i % 5 = 0 THEN null ELSE i * 1.5 END AS float_or_null, "
    "[i, toString(i)] AS list, {k: i} AS map, "
    "CASE WHEN i % 2 = 0 THEN true ELSE 'no' END AS bool_or_text"
)


def test_columns_of_mixed_types_match_the_rows(falkordb_driver):
    columns, data, _ = falkordb_driver.execute_columns(MIXED)
    rows = falkordb_driver.execute(MIXED).rows
    assert columns == ["n", "str_or_int", "int_or_float", "float_or_null", "list", "map", "bool_or_text"]
    assert [list(row) for row in zip(*data)] == [list(row) for row in rows]
    assert data[1][:3] == [1, 2, "3"]
    assert data[3][4] is None and data[3][0] == 1.5
    assert data[4][0] == [1, "1"] and data[5][0] == {"k": 1}
    assert data[6][:2] == ["no", True]


def test_plain_scalar_columns_keep_their_python_types(falkordb_driver):
    falkordb_driver.execute("UNWIND range(1, 300) AS i CREATE (:Flat {i: i, s: 'v' + toString(i), f: i / 8.0, b: i % 3 = 0})")
    query = "MATCH (x:Flat) RETURN x.i AS i, x.s AS s, x.f AS f, x.b AS b ORDER BY x.i"
    columns, data, _ = falkordb_driver.execute_columns(query)
    assert [type(v) for v in (data[0][0], data[1][0], data[2][0], data[3][0])] == [int, str, float, bool]
    assert data[2][7] == 1.0 and data[3][:3] == [False, False, True]
    assert [list(row) for row in zip(*data)] == [list(row) for row in falkordb_driver.execute(query).rows]


def test_an_empty_result_has_one_empty_list_per_column(falkordb_driver):
    columns, data, _ = falkordb_driver.execute_columns("UNWIND [] AS i RETURN i AS a, i AS b")
    assert columns == ["a", "b"] and data == [[], []]

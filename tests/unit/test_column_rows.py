"""Rows of a column-wise result behave like the list of rows they stand for."""

from __future__ import annotations

import pytest

from runic.notebook.convert import to_dataframe, to_networkx
from runic.ogm.driver.result import ColumnRows, GraphResult, NodeRecord

pytestmark = pytest.mark.unit

DATA = [[1, 2, 3], ["a", None, "c"], [True, False, None]]
ROWS = [[1, "a", True], [2, None, False], [3, "c", None]]


def test_column_rows_index_slice_iterate_and_compare_like_a_list():
    rows = ColumnRows(DATA)
    assert len(rows) == 3 and bool(rows)
    assert rows[1] == [2, None, False]
    assert rows[-1] == [3, "c", None]
    assert rows[:2] == ROWS[:2]
    assert list(rows) == ROWS
    assert rows == ROWS
    assert rows[0] == ROWS[0]


@pytest.mark.parametrize("data", [[], [[], []]], ids=["no columns", "columns without rows"])
def test_empty_column_rows_are_falsy_and_raise_index_error(data):
    rows = ColumnRows(data)
    assert len(rows) == 0 and not rows
    with pytest.raises(IndexError):
        rows[0]
    assert list(rows) == [] and rows[:3] == []


def test_dataframe_of_a_column_wise_result_keeps_ints_and_nulls():
    df = to_dataframe(GraphResult(["n", "s", "b"], ColumnRows(DATA)))
    assert str(df["n"].dtype) == "int64"
    assert df["s"].isna().tolist() == [False, True, False]
    assert df["b"].isna().tolist() == [False, False, True]


def test_graph_values_inside_column_rows_reach_networkx():
    nodes = [NodeRecord(id=i, labels=("P",), properties={"name": n}) for i, n in enumerate("xy")]
    result = GraphResult(["p"], ColumnRows([nodes]))
    assert [n.properties["name"] for n in result.nodes()] == ["x", "y"]
    assert sorted(to_networkx(result).nodes) == [0, 1]

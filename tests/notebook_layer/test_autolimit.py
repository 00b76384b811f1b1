"""Autolimit: read queries are cut in the database, writes are never rewritten, the footer is honest."""

from __future__ import annotations

import pytest
from _notebook_helpers import cell

from runic.notebook.statement import add_limit, has_trailing_limit, is_write_query, prepare

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]


@pytest.fixture
def hundred(shell):
    cell(shell, "", "UNWIND range(1, 100) AS i CREATE (:N {i: i})")
    return shell


def test_read_query_is_sent_with_limit_plus_one_and_says_more_exist(hundred):
    hundred.run_line_magic("config", "RunicMagic.displaylimit = 10")
    result = cell(hundred, "res <<", "MATCH (n:N) RETURN n.i AS i ORDER BY i")
    assert result.raw.query.endswith("LIMIT 11")
    assert len(result.raw.rows) == 11  # only the sentinel row crossed the wire beyond the display
    assert len(result) == 10 and result.has_more
    footer = result.footer()
    assert "showing 10 rows — more exist" in footer
    assert "res.fetch_all()" in footer and "--no-limit" in footer
    text = result._repr_mimebundle_()["text/plain"]
    assert "more exist" in text


def test_fetch_all_and_fetch_more_drop_the_limit(hundred):
    result = cell(hundred, "--limit 5", "MATCH (n:N) RETURN n.i AS i ORDER BY i")
    assert result.values("i") == [1, 2, 3, 4, 5]
    result.fetch_more(7)
    assert result.values("i") == list(range(1, 13)) and result.has_more
    result.fetch_all()
    assert len(result) == 100 and not result.has_more
    assert result.footer().startswith("100 rows")


def test_no_limit_fetches_everything(hundred):
    result = cell(hundred, "--no-limit", "MATCH (n:N) RETURN n.i AS i")
    assert len(result) == 100 and not result.has_more
    assert "LIMIT" not in result.raw.query


def test_exact_fit_says_no_more_rows(hundred):
    result = cell(hundred, "--limit 100", "MATCH (n:N) RETURN n.i AS i")
    assert len(result) == 100 and not result.has_more
    assert "more exist" not in result.footer()


def test_own_trailing_limit_is_kept(hundred):
    result = cell(hundred, "--limit 3", "MATCH (n:N) RETURN n.i AS i ORDER BY i LIMIT 50")
    assert len(result) == 50 and not result.has_more
    assert result.raw.query.rstrip().endswith("LIMIT 50")


def test_write_queries_are_never_rewritten(shell):
    shell.run_line_magic("config", "RunicMagic.displaylimit = 2")
    result = cell(shell, "", "UNWIND range(1, 5) AS i CREATE (n:W {i: i}) RETURN n.i AS i")
    assert len(result) == 5 and "LIMIT" not in result.raw.query
    assert cell(shell, "--no-limit", "MATCH (n:W) RETURN count(n) AS c").value() == 5
    assert "nodes created: 5" in result.footer()


def test_a_large_match_never_crosses_the_wire(shell):
    cell(shell, "", "UNWIND range(1, 20000) AS i CREATE (:Big {i: i})")
    shell.run_line_magic("config", "RunicMagic.displaylimit = 25")
    result = cell(shell, "", "MATCH (b:Big) RETURN b")
    assert len(result.raw.rows) == 26
    assert result.has_more


@pytest.mark.unit
@pytest.mark.parametrize(
    "query",
    [
        "CREATE (n)",
        "MATCH (n) SET n.x = 1 RETURN n",
        "MATCH (n) DETACH DELETE n",
        "MERGE (n:A {k: 1}) RETURN n",
        "MATCH (n) REMOVE n.x RETURN n",
        "CALL db.idx.fulltext.createNodeIndex('A', 'name')",
        "CALL my.custom.proc()",
        "UNWIND [1] AS x FOREACH (i IN [1] | CREATE (:A)) RETURN x",
    ],
)
def test_writes_are_detected(query):
    assert is_write_query(query)
    assert add_limit(query, 10) is None


@pytest.mark.unit
def test_write_words_inside_strings_do_not_count():
    assert not is_write_query("MATCH (n) WHERE n.note = 'CREATE me' RETURN n // DELETE")
    assert add_limit("MATCH (n) WHERE n.note = 'CREATE me' RETURN n", 5) == "MATCH (n) WHERE n.note = 'CREATE me' RETURN n\nLIMIT 5"


@pytest.mark.unit
def test_reads_that_must_not_be_rewritten():
    assert add_limit("MATCH (n) RETURN n UNION MATCH (m) RETURN m", 5) is None
    assert add_limit("EXPLAIN MATCH (n) RETURN n", 5) is None
    assert add_limit("MATCH (n) WITH n", 5) is None
    assert add_limit("CALL { MATCH (n) RETURN n }", 5) is None


@pytest.mark.unit
def test_trailing_limit_detection():
    assert has_trailing_limit("MATCH (n) RETURN n LIMIT 5;")
    assert has_trailing_limit("MATCH (n) RETURN n LIMIT $k // note")
    assert not has_trailing_limit("MATCH (n) WITH n LIMIT 5 RETURN n")
    assert not has_trailing_limit("MATCH (n) RETURN n.name AS limit_5")


@pytest.mark.unit
def test_semicolon_and_comment_endings_are_handled():
    assert add_limit("MATCH (n) RETURN n;", 3) == "MATCH (n) RETURN n\nLIMIT 3"
    assert add_limit("MATCH (n) RETURN n // done", 3) == "MATCH (n) RETURN n // done\nLIMIT 3"
    assert prepare("MATCH (n) RETURN n", limit=9).fetch_limit == 10

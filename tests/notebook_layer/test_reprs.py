"""Rich reprs: bounded, cycle-safe, never raising, theme-neutral, registered on load."""

from __future__ import annotations

import re

import pytest
from _notebook_helpers import cell

from runic.notebook import render
from runic.notebook.display import highlight_cypher
from runic.notebook.result import QueryResult
from runic.ogm.driver.result import EdgeRecord, GraphResult, NodeRecord, PathRecord

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]


def _formats(shell, obj):
    data, _ = shell.display_formatter.format(obj)
    return data


def test_query_result_bundle_has_text_and_html_with_footer(shell):
    cell(shell, "", "UNWIND range(1, 5) AS i CREATE (:N {i: i, name: 'n<' + toString(i) + '>'})")
    result = cell(shell, "--limit 3", "MATCH (n:N) RETURN n ORDER BY n.i")
    data = _formats(shell, result)
    assert "text/plain" in data and "text/html" in data
    assert "more exist" in data["text/plain"]
    html = data["text/html"]
    assert "<table" in html and "showing 3 rows — more exist" in html
    assert "n&lt;1&gt;" in html and "<1>" not in html  # escaped
    assert html.count("<tr>") == 1 + 3
    assert "3 nodes, 0 edges — result.show_graph() draws them" in html


def test_html_uses_theme_variables_with_fallbacks(shell):
    html = _formats(shell, cell(shell, "", "RETURN 1 AS x"))["text/html"]
    colours = re.findall(r"color:([^;}]+)", html)
    assert colours and all(c.startswith("var(--jp-") and "," in c for c in colours)


def test_graph_result_is_displayed_richly_after_load(shell, conn):
    raw = conn.driver.execute("CREATE (a:P {name: 'A'})-[:R {w: 2}]->(b:P) RETURN a, b")
    data = _formats(shell, raw)
    assert "runic-chip" in data["text/html"] and "P" in data["text/html"]
    assert "(:P {name: 'A'})" in data["text/plain"]


def test_node_and_edge_records_and_lists_of_them(shell):
    node = NodeRecord(1, ("Person",), {"name": "Ada", "password": "hunter2"})
    edge = EdgeRecord(5, "KNOWS", 1, 2, {"since": 2020})
    assert _formats(shell, node)["text/plain"] == "(:Person {name: 'Ada', password: ***})"
    table = _formats(shell, [node, edge])["text/html"]
    assert "KNOWS" in table and "Person" in table and "hunter2" not in table
    assert "text/html" not in _formats(shell, [1, 2, 3])  # ordinary lists are left alone


def test_reprs_are_bounded():
    long = "x" * 10_000
    text = render.format_value({"s": long, "items": list(range(1000))})
    assert len(text) < 300 and "…" in text and "+990" in text


def test_reprs_are_cycle_safe():
    loop: list = [1]
    loop.append(loop)
    assert render.format_value(loop) == "[1, …]"
    raw = GraphResult(["x"], [[loop]])
    bundle = QueryResult(raw)._repr_mimebundle_()
    assert "…" in bundle["text/plain"]


def test_repr_never_raises():
    class Broken:
        def __repr__(self):
            raise RuntimeError("boom")

    result = QueryResult(GraphResult(["x"], [[Broken()]]))
    bundle = result._repr_mimebundle_()
    assert "<repr-error RuntimeError>" in bundle["text/plain"]
    result.raw = None  # even a broken result object shows one line
    bundle = result._repr_mimebundle_()
    assert bundle["text/plain"].startswith("<repr-error")
    assert "repr-error" in bundle["text/html"]


def test_paths_render_as_arrows():
    a, b = NodeRecord(1, ("A",), {}), NodeRecord(2, ("B",), {})
    path = PathRecord((a, b), (EdgeRecord(9, "T", 2, 1, {}),))
    assert render.format_value(path) == "(:A#1)<-[:T]-(:B#2)"


def test_cypher_highlighting_marks_keywords_strings_and_parameters():
    html = highlight_cypher("MATCH (p) WHERE p.name = 'a<b' AND p.age > $min RETURN p // done")
    assert '<span class="runic-kw">MATCH</span>' in html
    assert '<span class="runic-str">&#x27;a&lt;b&#x27;</span>' in html
    assert '<span class="runic-var">$min</span>' in html
    assert '<span class="runic-muted">// done</span>' in html


def test_unload_removes_the_printers(shell):
    shell.run_line_magic("unload_ext", "runic")
    try:
        assert "text/html" not in _formats(shell, GraphResult(["x"], [[1]]))
    finally:
        shell.run_line_magic("load_ext", "runic")
    assert "text/html" in _formats(shell, GraphResult(["x"], [[1]]))

"""``runic.migrate.testing``: the fixtures users put in their conftest, on the embedded FalkorDB."""

from __future__ import annotations

import pytest

from _revisions import write_revision
from runic.migrate import context
from runic.migrate.testing import falkordb_graph, falkordb_server, runic_context  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]


def test_falkordb_graph_is_a_fresh_graph_handle(falkordb_graph):
    db, graph = falkordb_graph
    graph.query("CREATE (:Probe {n: 1})")
    assert graph.ro_query("MATCH (p:Probe) RETURN p.n").result_set == [[1]]


def test_runic_context_migrates_the_fixture_graph(runic_context, falkordb_graph):
    _, graph = falkordb_graph
    write_revision(runic_context.script_location, "fix001", None, "op.create_range_index('Probe', 'n')\nop.run_cypher('CREATE (:Probe {n: 2})')")
    runic_context.reload()
    assert context.get() is runic_context
    assert runic_context.upgrade() == ["fix001"]
    assert runic_context.current() == "fix001"
    assert graph.ro_query("MATCH (p:Probe) RETURN p.n").result_set == [[2]]

"""``runic.migrate.testing``: the fixtures users put in their conftest, on the embedded FalkorDB."""

from __future__ import annotations

import pytest
from _revisions import write_revision

from runic.migrate import context
from runic.migrate.testing import falkordb_graph, falkordb_server, runic_context  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]


def test_falkordb_graph_is_a_fresh_graph_handle(falkordb_graph):  # noqa: F811
    _, graph = falkordb_graph
    graph.query("CREATE (:Probe {n: 1})")
    assert graph.ro_query("MATCH (p:Probe) RETURN p.n").result_set == [[1]]


def test_runic_context_migrates_the_fixture_graph(runic_context, falkordb_graph):  # noqa: F811
    _, graph = falkordb_graph
    write_revision(runic_context.script_location, "fix001", None, "op.create_range_index('Probe', 'n')\nop.run_cypher('CREATE (:Probe {n: 2})')")
    runic_context.reload()
    assert context.get() is runic_context
    assert runic_context.upgrade() == ["fix001"]
    assert runic_context.current() == "fix001"
    assert graph.ro_query("MATCH (p:Probe) RETURN p.n").result_set == [[2]]


def test_reference_style_adapter_over_client_handles(falkordb_graph, tmp_path):  # noqa: F811
    from runic import Runic
    from runic.migrate.adapters.falkordb import FalkorDBAdapter

    db, graph = falkordb_graph
    adapter = FalkorDBAdapter(db, graph)
    assert adapter.name == graph.name
    location = tmp_path / "runic"
    (location / "versions").mkdir(parents=True)
    write_revision(location, "ref001", None, "op.create_range_index('Probe', 'n')")
    runic = Runic(adapter, location)
    assert runic.upgrade() == ["ref001"]
    adapter.close()
    assert graph.ro_query("MATCH (v:_FalkorMigrateVersion) RETURN v.revisions").result_set == [[["ref001"]]]

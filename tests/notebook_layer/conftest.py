"""Fixtures for the notebook layer: a real IPython shell with runic loaded, on the
session's embedded FalkorDB, one fresh graph per test."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture
def shell(embedded_falkordb):
    from IPython.core.interactiveshell import InteractiveShell

    from runic.notebook.connections import registry

    ip = InteractiveShell.instance()
    before = set(ip.user_ns)
    ip.run_line_magic("load_ext", "runic")
    registry.use_embedded(embedded_falkordb)
    graph = f"nb_{uuid.uuid4().hex[:12]}"
    ip.run_line_magic("runic", f"connect --graph {graph} --alias main")
    ip.test_graph = graph
    yield ip
    try:
        for conn in list(registry):
            if conn.alias == "main" and not conn.closed:
                conn.driver.execute("MATCH (n) DETACH DELETE n")
    finally:
        registry.close_all()
    for name in set(ip.user_ns) - before:
        ip.user_ns.pop(name, None)
    ip.run_line_magic("unload_ext", "runic")


@pytest.fixture
def conn(shell):
    from runic.notebook.connections import registry

    return registry.get()

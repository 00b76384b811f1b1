"""Shared fixtures: real database servers started by the project.

One embedded FalkorDB serves the whole test session; every test gets a graph of its own.
The ``driver`` fixture runs a test once per live backend. A backend that cannot start
makes its tests fail with the reason; none is skipped silently.
"""

from __future__ import annotations

import contextlib
import os
import uuid

import pytest

from runic.ogm.exceptions import QueryError

from age_fixtures import age_driver, age_server, async_age_driver  # noqa: F401
from arcadedb_fixtures import arcadedb_database, arcadedb_driver, arcadedb_server, async_arcadedb_driver  # noqa: F401

#: backends every integration test runs on; Neo4j / Memgraph join when their URL is set
DEFAULT_BACKENDS = ["falkordb", "arcadedb", "age"]
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
        if not driver.closed:  # a test may close the driver itself
            with contextlib.suppress(QueryError):  # a test that never wrote created no graph
                driver.delete_graph()
    finally:
        driver.close()


@pytest.fixture
async def async_falkordb_driver(embedded_falkordb):
    from runic.ogm.driver.falkordb import create_falkordb_driver

    driver = create_falkordb_driver(graph=unique_graph_name(), embedded=embedded_falkordb, async_=True)
    yield driver
    try:
        with contextlib.suppress(QueryError):
            await driver.delete_graph()
    finally:
        await driver.close()


def _url_fixtures(backend: str):
    var = _ENV_URLS[backend]

    @pytest.fixture
    def sync_fixture():
        from runic.ogm.driver.factory import create_driver

        drv = create_driver(os.environ[var])
        drv.execute("MATCH (n) DETACH DELETE n")
        yield drv
        drv.execute("MATCH (n) DETACH DELETE n")
        drv.close()

    @pytest.fixture
    async def async_fixture():
        from runic.ogm.driver.factory import create_driver

        drv = create_driver(os.environ[var], async_=True)
        await drv.execute("MATCH (n) DETACH DELETE n")
        yield drv
        await drv.execute("MATCH (n) DETACH DELETE n")
        await drv.close()

    return sync_fixture, async_fixture


neo4j_driver, async_neo4j_driver = _url_fixtures("neo4j")
memgraph_driver, async_memgraph_driver = _url_fixtures("memgraph")


@pytest.fixture(params=live_backends())
def backend(request):
    """The name of the backend a parametrized test runs on."""
    return request.param


@pytest.fixture
def driver(request, backend):
    """A sync driver on a clean graph of ``backend``; the test runs once per live backend."""
    return request.getfixturevalue(f"{backend}_driver")


@pytest.fixture
def async_driver(request, backend):
    """The asyncio twin of ``driver``."""
    return request.getfixturevalue(f"async_{backend}_driver")


def pytest_collection_modifyitems(config, items):
    # an integration test on a named backend carries that backend's marker too
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("backend") if callspec else None
        if backend:
            item.add_marker(getattr(pytest.mark, backend))
            item.add_marker(pytest.mark.integration)

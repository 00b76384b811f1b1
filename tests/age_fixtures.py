"""Fixtures for Apache AGE: one PostgreSQL + AGE server per test process, a fresh graph per test.

The server runs from the chroot ``make servers`` builds; if it is missing the fixture fails
with the command to run (nothing is skipped). Wire it in ``tests/conftest.py`` with
``from age_fixtures import age_server, age_driver, async_age_driver  # noqa: F401``.
"""

from __future__ import annotations

import uuid

import pytest

_SERVER = None


def shared_age_server():
    """The process-wide AGE server, started on first use and stopped at exit."""
    global _SERVER
    from runic.servers.age import AGEServer

    if _SERVER is None or not _SERVER.running:
        server = AGEServer()
        server.start()
        _SERVER = server
    return _SERVER


def age_graph_name() -> str:
    return f"t_{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def age_server():
    return shared_age_server()


@pytest.fixture
def age_driver(age_server):
    from runic.ogm.driver.age import create_age_driver

    driver = create_age_driver(**age_server.connect_kwargs(), graph=age_graph_name())
    yield driver
    try:
        if not driver.closed:
            driver.rollback()
            driver.drop_graph()
    finally:
        driver.close()


@pytest.fixture
async def async_age_driver(age_server):
    from runic.ogm.driver.age import create_age_driver

    driver = create_age_driver(**age_server.connect_kwargs(), graph=age_graph_name(), async_=True)
    await driver.connect()
    yield driver
    try:
        if not driver.closed:
            await driver.rollback()
            await driver.drop_graph()
    finally:
        await driver.close()

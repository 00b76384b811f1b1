"""Fixtures for ArcadeDB: one server per test session, a fresh database per test.

Load with ``pytest_plugins = ["tests.arcadedb_fixtures"]`` (tests/conftest.py) or import
the fixtures there (modules importing them share the one server). The server runs in a child process from the ``arcadedb-embedded``
wheel (``runic.servers.arcadedb.ArcadeDBServer``); if it cannot start, every test that
uses it fails with the server's log tail.
"""

from __future__ import annotations

import uuid

import pytest


#: the user failed-login tests log in as. ArcadeDB locks a user out after a few failed
#: logins, so a test that fails one as the shared server's root would lock the whole run out.
FAILED_LOGIN_USER = "runic_no_such_user"


def _database_name() -> str:
    return f"t_{uuid.uuid4().hex[:12]}"


_SERVER = None


def shared_arcadedb_server():
    """The one ArcadeDB server of this test run (started on first use, stopped at exit)."""
    global _SERVER
    from runic.servers.arcadedb import ArcadeDBServer

    if _SERVER is None or not _SERVER.running:
        _SERVER = ArcadeDBServer()
        _SERVER.start()
    return _SERVER


@pytest.fixture(scope="session")
def arcadedb_server():
    """One server for the whole run, however many modules import this fixture."""
    return shared_arcadedb_server()


@pytest.fixture
def arcadedb_database(arcadedb_server):
    """The name of a database created for this test and dropped after it."""
    name = _database_name()
    arcadedb_server.create_database(name)
    yield name
    arcadedb_server.drop_database(name)


@pytest.fixture
def arcadedb_driver(arcadedb_server, arcadedb_database):
    from runic.ogm.driver.arcadedb import create_arcadedb_driver

    driver = create_arcadedb_driver(
        arcadedb_server.host,
        arcadedb_server.bolt_port,
        arcadedb_database,
        arcadedb_server.username,
        arcadedb_server.password,
        http_port=arcadedb_server.http_port,
    )
    yield driver
    driver.close()


@pytest.fixture
async def async_arcadedb_driver(arcadedb_server, arcadedb_database):
    from runic.ogm.driver.arcadedb import create_arcadedb_driver

    driver = create_arcadedb_driver(
        arcadedb_server.host,
        arcadedb_server.bolt_port,
        arcadedb_database,
        arcadedb_server.username,
        arcadedb_server.password,
        http_port=arcadedb_server.http_port,
        async_=True,
    )
    yield driver
    await driver.close()

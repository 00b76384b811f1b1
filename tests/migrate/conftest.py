"""Fixtures of the migration tests: a script directory on disk and an adapter per backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from runic.migrate import Runic, create_adapter, init


@pytest.fixture
def location(tmp_path: Path) -> Path:
    """A fresh script directory (``runic init``)."""
    root = tmp_path / "runic"
    init(root)
    return root


@pytest.fixture
def adapter(driver):
    """The migration adapter over the parametrized backend's driver."""
    return create_adapter(driver)


@pytest.fixture
def runic(adapter, location) -> Runic:
    return Runic(adapter, location, progress=False)


@pytest.fixture
def backend_url(request, backend, driver) -> tuple[str, str | None]:
    """``(url, password)`` of the test's graph on ``backend``."""
    if backend == "falkordb":
        return f"unix://{driver.embedded.unix_socket_path}?graph={driver.graph_name}", None
    if backend == "arcadedb":
        server = request.getfixturevalue("arcadedb_server")
        return (
            f"arcadedb://{server.username}:{server.password}@{server.host}:{server.bolt_port}/{driver.database}?http_port={server.http_port}",
            server.password,
        )
    if backend == "age":
        kw = request.getfixturevalue("age_server").connect_kwargs()
        return f"postgresql://{kw['username']}:{kw['password']}@{kw['host']}:{kw['port']}/{kw['database']}?graph={driver.graph_name}", str(kw["password"])
    pytest.fail(f"no URL form for {backend}")

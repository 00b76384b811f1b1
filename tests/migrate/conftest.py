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

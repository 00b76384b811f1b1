"""Database servers the project starts itself, for tests and the lab.

``AGEServer`` (PostgreSQL + Apache AGE from the chroot ``make servers`` builds) and
``ArcadeDBServer`` (from the ``arcadedb-embedded`` wheel) load on first use.
"""

from __future__ import annotations

from typing import Any

__all__ = ["AGEServer", "ArcadeDBServer"]

_LAZY = {"AGEServer": "age", "ArcadeDBServer": "arcadedb"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'runic.servers' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{module}", __name__), name)

"""Vector indexes whose dimension is learned at run time, per driver (no I/O here).

A vector field declared without a dimension (``Field(index_type="VECTOR")``) cannot have
its index created until the length of its vectors is known. Schema management records
here, for the driver it works on, either the dimension it learned (and created the index
with) or an *attempt*: a callable that tries again (given the driver) to learn the dimension and
create the index, returning the dimension or ``None``; a failing attempt is reported as a
warning and stays waiting. Sessions call ``retry_pending(driver)`` after a
flush, so the first stored vectors create the index; vector search asks ``dimension_of``
whether a usable index exists, and scans exactly when it does not. The schema layer
registers itself here, so this lowest layer imports nothing above it.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable
from typing import Any

__all__ = ["defer", "dimension_of", "has_pending", "learned", "pending", "retry_pending"]

_Key = tuple[str, str]
_LEARNED: weakref.WeakKeyDictionary[Any, dict[_Key, int]] = weakref.WeakKeyDictionary()
_PENDING: weakref.WeakKeyDictionary[Any, dict[_Key, Callable[[Any], int | None]]] = weakref.WeakKeyDictionary()


def _of(table: weakref.WeakKeyDictionary[Any, Any], driver: Any) -> dict[_Key, Any]:
    try:
        return table.get(driver) or {}
    except TypeError:  # None, or an object that cannot be weakly referenced
        return {}


def learned(driver: Any, label: str, field: str, dimension: int) -> None:
    """An index on ``label.field`` with ``dimension`` now exists on ``driver``'s database."""
    _LEARNED.setdefault(driver, {})[(label, field)] = int(dimension)
    _of(_PENDING, driver).pop((label, field), None)


def defer(driver: Any, label: str, field: str, attempt: Callable[[Any], int | None]) -> None:
    """The index on ``label.field`` waits for its dimension; ``attempt(driver)`` tries again
    (it must not hold the driver itself, which is only weakly referenced here)."""
    _PENDING.setdefault(driver, {})[(label, field)] = attempt


def dimension_of(driver: Any, label: str, field: str) -> int | None:
    """The dimension of the index created at run time on ``label.field``, or ``None``."""
    return _of(_LEARNED, driver).get((label, field))


def pending(driver: Any) -> list[_Key]:
    """``(label, field)`` of the indexes still waiting for their dimension."""
    return sorted(_of(_PENDING, driver))


def has_pending(driver: Any) -> bool:
    return bool(_of(_PENDING, driver))


def retry_pending(driver: Any) -> list[tuple[str, str, int]]:
    """Try every waiting index of ``driver`` again; return those created now."""
    created = []
    for key, attempt in list(_of(_PENDING, driver).items()):
        try:
            dimension = attempt(driver)
        except Exception as exc:  # noqa: BLE001 - the data is written; the index stays waiting
            warnings.warn(
                f"{key[0]}.{key[1]}: creating the waiting vector index failed ({type(exc).__name__}: {exc}) "
                "— it stays waiting; apply the model's indexes again to retry",
                stacklevel=3,
            )
            continue
        if dimension is not None:
            learned(driver, key[0], key[1], dimension)
            created.append((key[0], key[1], dimension))
    return created

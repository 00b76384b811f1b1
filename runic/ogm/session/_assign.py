"""The body of a Cypher ``SET`` clause, written the way the backend's dialect accepts it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def set_assignments(dialect: Any, var: str, items: Sequence[tuple[str, str]]) -> str:
    """``var.name = expr, ...`` for each ``(name, expr)`` pair; ``expr`` is Cypher text.

    A dialect with ``set_items`` writes the body itself (AGE: keyword property names such as
    ``order`` go in one ``var += {...}`` map, its parser refuses them after the dot)."""
    custom = getattr(dialect, "set_items", None)
    if callable(custom):
        return custom(var, items)
    return ", ".join(f"{var}.{dialect.quote(name)} = {expr}" for name, expr in items)

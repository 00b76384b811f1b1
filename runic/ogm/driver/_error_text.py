"""Pieces of wording every driver core uses when it turns a backend's error into runic's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["caret", "param_names"]


def param_names(params: Mapping[str, Any] | None) -> list[str]:
    """The names of a call's parameters, sorted (errors carry names, never values)."""
    return sorted(str(k) for k in params) if params else []


def caret(query: str, line: int | None, column: int | None) -> str:
    """The query's ``line`` (1-based) and a caret under ``column`` on the next line, both
    indented: ``"\\n  MATCH (n RETURN n\\n         ^"``; empty when there is no such line."""
    if line is None or column is None:
        return ""
    lines = query.splitlines()
    if not 0 < line <= len(lines):
        return ""
    return f"\n  {lines[line - 1]}\n  {' ' * max(0, column - 1)}^"

"""Entity ↔ property maps and record → entity hydration (no I/O)."""

from .mapper import Mapper

__all__ = ["Mapper"]

"""Schema management: declared indexes vs the live database (versioned migrations come later)."""

from __future__ import annotations

from .schema import IndexManager, SchemaInfo, SchemaManager, SyncReport, ValidationResult

__all__ = ["IndexManager", "SchemaInfo", "SchemaManager", "SyncReport", "ValidationResult"]

"""Notebook widgets: ``GraphView`` (anywidget), ``SchemaDriftWidget`` and ``MigrationStatusWidget`` (ipywidgets).

Each renders a static HTML/SVG fallback where no widget front-end is connected.
"""

from __future__ import annotations

from typing import Any

__all__ = ["GraphView", "MigrationStatusWidget", "SchemaDriftWidget"]


def __getattr__(name: str) -> Any:
    if name == "GraphView":
        from .graph_view import GraphView

        return GraphView
    if name == "SchemaDriftWidget":
        from .schema_drift import SchemaDriftWidget

        return SchemaDriftWidget
    if name == "MigrationStatusWidget":
        from .migration_status import MigrationStatusWidget

        return MigrationStatusWidget
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

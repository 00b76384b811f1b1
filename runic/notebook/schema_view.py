"""``%runic schema``: what the live graph holds, and how it differs from the models."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from . import render

__all__ = ["SchemaReport", "live_schema"]


@dataclass
class SchemaReport:
    """Live labels, relationship types, property keys and indexes; drift when known."""

    alias: str
    labels: list[str]
    types: list[str]
    keys: list[str]
    indexes: list[Any]
    #: declared-but-missing and live-but-undeclared labels/types of registered models
    undeclared_labels: list[str] = field(default_factory=list)
    missing_labels: list[str] = field(default_factory=list)
    drift: Any = None

    def _index_text(self, spec: Any) -> str:
        return index_text(spec)

    def drift_text(self) -> str | None:
        """One line on how the live indexes differ from the models' declarations."""
        if self.drift is None:
            return None
        missing = list(getattr(self.drift, "missing", []) or [])
        extra = list(getattr(self.drift, "extra", []) or [])
        if not missing and not extra:
            return "indexes match the models"
        parts = []
        if missing:
            parts.append("missing: " + ", ".join(self._index_text(s) for s in missing))
        if extra:
            parts.append("not declared: " + ", ".join(self._index_text(s) for s in extra))
        return "; ".join(parts)

    def __repr__(self) -> str:
        lines = [
            f"schema of {self.alias}",
            f"labels: {', '.join(self.labels) or '—'}",
            f"relationship types: {', '.join(self.types) or '—'}",
            f"property keys: {', '.join(self.keys) or '—'}",
            f"indexes: {', '.join(self._index_text(s) for s in self.indexes) or '—'}",
        ]
        if self.missing_labels:
            lines.append(f"declared by models, not in the graph: {', '.join(self.missing_labels)}")
        if self.drift is not None:
            lines.append(f"index drift: {self.drift_text()}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        def chips(names: list[str], cls: str) -> str:
            return (
                " ".join(f'<span class="{cls}">{html.escape(n)}</span>' for n in names)
                or '<span class="runic-muted">—</span>'
            )

        rows = [
            ["labels", chips(self.labels, "runic-chip")],
            ["relationship types", chips(self.types, "runic-type")],
            ["property keys", html.escape(", ".join(self.keys)) or "—"],
            ["indexes", html.escape(", ".join(self._index_text(s) for s in self.indexes)) or "—"],
        ]
        if self.missing_labels:
            rows.append(["declared, not in graph", chips(self.missing_labels, "runic-chip")])
        if self.drift is not None:
            rows.append(["index drift", html.escape(self.drift_text() or "")])
        return render.html_table(["", f"schema of {self.alias}"], rows, raw_cells=True)


def index_text(spec: Any) -> str:
    """``Label.field (kind)``: kind is unique, exact, fulltext or vector (with its size and
    similarity when known); an edge type's index says ``edge``."""
    label = getattr(spec, "label", "?")
    fld = getattr(spec, "field", "?")
    kind = "unique" if getattr(spec, "unique", False) else getattr(spec, "index_type", "")
    if kind == "vector":
        dimension = getattr(spec, "dimension", None)
        similarity = getattr(spec, "similarity", None)
        kind += "".join(
            f" {part}" for part in (f"{dimension}d" if dimension else None, similarity) if part
        )
    if getattr(spec, "entity", "node") == "edge":
        kind += ", edge"
    return f"{label}.{fld} ({kind})"


def live_schema(conn: Any) -> SchemaReport:
    """Read the live schema of a notebook connection (``driver.schema``)."""
    schema = conn.driver.schema
    report = SchemaReport(
        alias=conn.alias,
        labels=list(schema.labels()),
        types=list(schema.relationship_types()),
        keys=list(schema.property_keys()),
        indexes=list(schema.list_indexes()),
    )
    conn.schema_cache.update({"labels": report.labels, "types": report.types, "keys": report.keys})
    from runic.migrate.schema import SchemaManager
    from runic.ogm.core.metadata import get_metadata
    from runic.ogm.exceptions import OrmError

    report.missing_labels = [label for label in get_metadata().nodes if label not in report.labels]
    try:
        report.drift = SchemaManager(conn.driver).validate()
    except (OrmError, TypeError):  # an async-only connection, or introspection the backend refused
        report.drift = None
    return report

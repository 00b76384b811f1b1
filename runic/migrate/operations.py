"""``GraphOperations``: the ``op`` a revision's ``upgrade(op)`` / ``downgrade(op)`` receives.

Schema operations (indexes, constraints) go through the adapter; data operations
(``run_cypher``, ``rename_property``, ``relabel_nodes``, ``seed``) are flows from
``dataops`` driven on the adapter's driver, batched and with a progress bar. In preview
mode nothing is sent: each operation is described in ``preview_log``. ``applied`` lists
what ran, so a failed revision can say what stayed in the graph.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from runic.ogm.exceptions import UnsupportedFeatureError
from runic.progress import progress_bar

from . import dataops

__all__ = ["DataOperations", "GraphOperations"]

log = logging.getLogger(__name__)


def _props(props: Sequence[str]) -> str:
    return ", ".join(props)


class DataOperations:
    """Data changes on one adapter, with preview mode."""

    def __init__(self, adapter: Any, preview: bool = False, *, progress: bool | None = None) -> None:
        self._adapter = adapter
        self._preview = bool(preview)
        self.progress = progress
        self.preview_log: list[str] = []
        self.applied: list[str] = []

    @property
    def adapter(self) -> Any:
        return self._adapter

    @property
    def preview(self) -> bool:
        return self._preview

    @property
    def backend(self) -> str:
        return getattr(self._adapter, "backend", "unknown")

    def _log_preview(self, description: str) -> None:
        self.preview_log.append(description)
        log.info("[preview] %s", description)

    def _perform(self, description: str, action: Any) -> Any:
        if self._preview:
            self._log_preview(description)
            return None
        log.info("%s", description)
        result = action()
        self.applied.append(description)
        return result

    def _flow(self, description: str, make_flow: Any, total: int | None, unit: str) -> Any:
        if self._preview:
            self._log_preview(description)
            return None
        with progress_bar(total, description, unit=unit, show=self.progress, auto_above=10_000) as bar:
            result = self._adapter.run(make_flow(bar.update))
        self.applied.append(f"{description} ({result} {unit}s)")
        return result

    # -- data ---------------------------------------------------------------------------------
    def run_cypher(self, query: str, params: dict[str, Any] | None = None) -> Any:
        """Run one Cypher statement; values go in ``params``. Returns its ``GraphResult``
        (``None`` in preview mode)."""
        names = f" params={sorted(params)}" if params else ""
        return self._perform(f"CYPHER: {query}{names}", lambda: self._adapter.execute(query, params or None))

    def _dialect(self) -> Any:
        return self._adapter.driver.dialect

    def _count(self, label: str, prop: str | None = None) -> int | None:
        try:
            return self._adapter.run(dataops.count_flow(self._dialect(), label, prop))
        except Exception:  # noqa: BLE001 - a count only sizes the bar
            return None

    def rename_property(self, label: str, old: str, new: str, batch: int = 10_000) -> int | None:
        """Rename property ``old`` to ``new`` on every ``label`` node, ``batch`` nodes per statement."""
        description = f"RENAME PROPERTY: {label}.{old} → {new} (batch {batch})"
        total = None if self._preview else self._count(label, old)
        return self._flow(description, lambda tick: dataops.rename_property_flow(self._dialect(), label, old, new, batch, tick), total, "node")

    def relabel_nodes(self, old: str, new: str, batch: int = 10_000) -> int | None:
        """Move every node of label ``old`` to label ``new``, ``batch`` per statement."""
        if not getattr(self._adapter, "supports_multi_label", True):
            raise UnsupportedFeatureError(
                f"{self.backend} cannot relabel nodes ({old} → {new}): a node's label is fixed there",
                backend=self.backend,
                feature="relabel_nodes",
                hint=f"copy the nodes instead: op.run_cypher('MATCH (n:{old}) CREATE (m:{new}) SET m = properties(n)') and move their edges, or use FalkorDB/Neo4j/Memgraph",
            )
        description = f"RELABEL NODES: {old} → {new} (batch {batch})"
        total = None if self._preview else self._count(old)
        return self._flow(description, lambda tick: dataops.relabel_flow(self._dialect(), old, new, batch, tick), total, "node")

    def seed(self, merge_query: str, rows: Sequence[dict[str, Any]], batch: int = 1_000) -> int | None:
        """``UNWIND $rows AS row <merge_query>`` for every row, ``batch`` rows per statement."""
        rows = list(rows)
        description = f"SEED: {len(rows)} rows via {merge_query}"
        return self._flow(description, lambda tick: dataops.seed_flow(merge_query, rows, batch, tick, batched_merge=getattr(self._dialect(), "batched_merge", True)), len(rows), "row")


class GraphOperations(DataOperations):
    """Schema and data operations for revision scripts (the reference's ``op``)."""

    # -- indexes ----------------------------------------------------------------------------------
    def create_range_index(self, label: str, prop: str, *, rel: bool = False) -> None:
        kind = "edge " if rel else ""
        self._perform(f"CREATE RANGE INDEX: {kind}{label}.{prop}", lambda: self._adapter.create_range_index(label, prop, rel=rel))

    def drop_range_index(self, label: str, prop: str, *, rel: bool = False) -> None:
        kind = "edge " if rel else ""
        self._perform(f"DROP RANGE INDEX: {kind}{label}.{prop}", lambda: self._adapter.drop_range_index(label, prop, rel=rel))

    def create_fulltext_index(self, label: str, *props: str, language: str | None = None, stopwords: list[str] | None = None) -> None:
        self._perform(
            f"CREATE FULLTEXT INDEX: {label}({_props(props)})",
            lambda: self._adapter.create_fulltext_index(label, *props, language=language, stopwords=stopwords),
        )

    def drop_fulltext_index(self, label: str, *props: str) -> None:
        self._perform(f"DROP FULLTEXT INDEX: {label}({_props(props)})", lambda: self._adapter.drop_fulltext_index(label, *props))

    def create_vector_index(self, label: str, prop: str, dimension: int, similarity: str = "cosine", *, m: int = 16, ef_construction: int = 200, ef_runtime: int = 10) -> None:
        self._perform(
            f"CREATE VECTOR INDEX: {label}.{prop} (dimension {dimension}, {similarity})",
            lambda: self._adapter.create_vector_index(label, prop, dimension, similarity, m=m, ef_construction=ef_construction, ef_runtime=ef_runtime),
        )

    def drop_vector_index(self, label: str, prop: str) -> None:
        self._perform(f"DROP VECTOR INDEX: {label}.{prop}", lambda: self._adapter.drop_vector_index(label, prop))

    # -- constraints ----------------------------------------------------------------------------------
    def create_constraint(self, kind: str, entity: str, label: str, props: Sequence[str] | str) -> None:
        props = [props] if isinstance(props, str) else list(props)
        self._perform(
            f"CREATE CONSTRAINT: {str(kind).upper()} {str(entity).upper()} {label}({_props(props)})",
            lambda: self._adapter.create_constraint(kind, entity, label, props),
        )

    def drop_constraint(self, kind: str, entity: str, label: str, props: Sequence[str] | str) -> None:
        props = [props] if isinstance(props, str) else list(props)
        self._perform(
            f"DROP CONSTRAINT: {str(kind).upper()} {str(entity).upper()} {label}({_props(props)})",
            lambda: self._adapter.drop_constraint(kind, entity, label, props),
        )

    # -- snapshots ----------------------------------------------------------------------------------
    def snapshot(self, snap_name: str) -> None:
        self._perform(f"SNAPSHOT: copy {self._adapter.name} → {snap_name}", lambda: self._adapter.snapshot(snap_name))

    def restore_snapshot(self, snap_name: str) -> None:
        self._perform(f"RESTORE SNAPSHOT: {snap_name} → {self._adapter.name}", lambda: self._adapter.restore_snapshot(snap_name))

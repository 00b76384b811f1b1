"""``GraphAdapterBase``: a migration adapter over one runic driver.

The adapter is where migrations meet a backend: it runs flows on its driver, reads and
writes the version record, creates and drops indexes and constraints (through
``IndexManager`` and ``driver.schema``), opens transactions where the backend has them,
and says what the backend cannot do. Backend subclasses (``falkordb.py``, ``bolt.py``,
``age.py``) add only what differs: the version label, snapshots, mandatory constraints,
forking a throw-away graph.
"""

from __future__ import annotations

import logging
from typing import Any

from runic.migrate._flow import Flow, run_sync
from runic.migrate.manifest import MandatoryConstraint, SchemaManifest
from runic.migrate.schema import IndexManager
from runic.migrate.version import VERSION_LABEL, VersionRecord, read_record, write_record
from runic.ogm.exceptions import UnsupportedFeatureError
from runic.ogm.schema.index_manager import IndexSpec

__all__ = ["GraphAdapterBase"]

log = logging.getLogger(__name__)

_ENTITY = {"NODE": "node", "RELATIONSHIP": "edge", "node": "node", "edge": "edge", "relationship": "edge"}


def _entity(entity: str) -> str:
    try:
        return _ENTITY[str(entity).strip()] if str(entity).strip() in _ENTITY else _ENTITY[str(entity).strip().upper()]
    except KeyError:
        raise ValueError(f"entity={entity!r} is not known — use 'NODE' or 'RELATIONSHIP'") from None


class GraphAdapterBase:
    """A migration adapter over a sync runic driver (``adapter.driver``)."""

    #: label of the version node
    version_label = VERSION_LABEL
    #: are schema changes undone by ``rollback()`` too (PostgreSQL), or only data (Bolt)?
    transactional_ddl = False
    #: can one node carry several labels (``relabel_nodes`` needs it)?
    supports_multi_label = True

    def __init__(self, driver: Any, name: Any = None, *, owns_driver: bool = True) -> None:
        driver = self._driver_of(driver, name)
        if getattr(driver, "execute", None) is None:
            raise TypeError(f"an adapter needs a runic driver, got {type(driver).__name__}")
        self.driver = driver
        self._owns_driver = owns_driver
        self._indexes: IndexManager | None = None

    def _driver_of(self, driver: Any, name: Any) -> Any:
        """The reference built adapters as ``Adapter(driver, graph_name)``; the name is then the driver's."""
        return driver

    # -- identity -------------------------------------------------------------------------
    @property
    def backend(self) -> str:
        return getattr(self.driver, "backend", "unknown")

    @property
    def name(self) -> str:
        """The graph (or database) this adapter migrates."""
        for attr in ("graph_name", "database"):
            value = getattr(self.driver, attr, None)
            if isinstance(value, str) and value:
                return value
        return self.backend

    @property
    def url(self) -> str:
        """The driver's URL, password redacted."""
        return getattr(self.driver, "url", self.backend)

    @property
    def transactional(self) -> bool:
        return bool(getattr(self.driver.dialect, "transactional", False)) and callable(getattr(self.driver, "begin", None))

    @property
    def indexes(self) -> IndexManager:
        if self._indexes is None:
            self._indexes = IndexManager(self.driver)
        return self._indexes

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url}>"

    # -- statements -----------------------------------------------------------------------
    def execute(self, cypher: str, params: dict[str, Any] | None = None, *, readonly: bool = False) -> Any:
        return self.driver.execute(cypher, params or None, readonly=readonly)

    def run_query(self, query: str, params: dict[str, Any] | None = None) -> Any:
        return self.driver.execute(query, params or None)

    def run_ro_query(self, query: str, params: dict[str, Any] | None = None) -> Any:
        return self.driver.execute(query, params or None, readonly=True)

    def run(self, flow: Flow) -> Any:
        """Drive a flow on this adapter's driver."""
        return run_sync(self.driver, flow)

    # -- transactions ---------------------------------------------------------------------
    def begin(self) -> None:
        self.driver.begin()

    def commit(self) -> None:
        self.driver.commit()

    def rollback(self) -> None:
        self.driver.rollback()

    def in_transaction(self) -> bool:
        check = getattr(self.driver, "in_transaction", None)
        if callable(check):
            return bool(check())
        return bool(check)

    # -- version record -------------------------------------------------------------------
    def read_record(self) -> VersionRecord:
        return self.run(read_record(self.version_label))

    def write_record(self, record: VersionRecord) -> None:
        self.run(write_record(self.version_label, record))

    def get_version(self) -> list[str]:
        return self.read_record().revisions

    def set_version(self, revisions: list[str]) -> None:
        record = self.read_record()
        record.revisions = list(revisions)
        self.write_record(record)

    def get_checksums(self) -> dict[str, str]:
        return self.read_record().checksums

    def get_installed_by(self) -> dict[str, str]:
        return self.read_record().installed_by

    def set_checksum(self, rev_id: str, checksum: str, installed_by: str | None = None) -> None:
        record = self.read_record()
        record.checksums[rev_id] = checksum
        if installed_by is not None:
            record.installed_by[rev_id] = installed_by
        self.write_record(record)

    # -- schema: indexes -------------------------------------------------------------------
    def create_index(self, spec: IndexSpec) -> bool:
        """Create ``spec`` unless present; True when it was created."""
        return bool(self.indexes.apply([spec]))

    def drop_index(self, spec: IndexSpec) -> bool:
        """Drop the live index on ``spec``'s entity, label, field and kind; True when one was dropped.

        Vector options (dimension, similarity) need not be given: the live index is found
        without them."""
        key = (spec.entity, spec.label, spec.field, spec.index_type, spec.unique)
        live = [s for s in self.live_specs() if (s.entity, s.label, s.field, s.index_type, s.unique) == key]
        return bool(self.indexes.drop(live))

    def create_range_index(self, label: str, prop: str, *, rel: bool = False) -> None:
        self.create_index(IndexSpec(label, prop, "exact", entity="edge" if rel else "node"))

    def drop_range_index(self, label: str, prop: str, *, rel: bool = False) -> None:
        self.drop_index(IndexSpec(label, prop, "exact", entity="edge" if rel else "node"))

    def create_fulltext_index(self, label: str, *props: str, language: str | None = None, stopwords: list[str] | None = None) -> None:
        for prop in props:
            self.create_index(IndexSpec(label, prop, "fulltext"))

    def drop_fulltext_index(self, label: str, *props: str) -> None:
        for prop in props:
            self.drop_index(IndexSpec(label, prop, "fulltext"))

    def create_vector_index(self, label: str, prop: str, dimension: int, similarity: str = "cosine", *, m: int = 16, ef_construction: int = 200, ef_runtime: int = 10) -> None:
        self.create_index(IndexSpec(label, prop, "vector", dimension=int(dimension), similarity=similarity))

    def drop_vector_index(self, label: str, prop: str) -> None:
        self.drop_index(IndexSpec(label, prop, "vector"))

    # -- schema: constraints ----------------------------------------------------------------
    def create_constraint(self, kind: str, entity: str, label: str, props: list[str] | tuple[str, ...] | str) -> None:
        self._constraint(True, kind, entity, label, props)

    def drop_constraint(self, kind: str, entity: str, label: str, props: list[str] | tuple[str, ...] | str) -> None:
        self._constraint(False, kind, entity, label, props)

    def _constraint(self, create: bool, kind: str, entity: str, label: str, props: list[str] | tuple[str, ...] | str) -> None:
        """Create (or drop) a ``UNIQUE`` constraint as unique indexes, a ``MANDATORY`` one natively."""
        props = [props] if isinstance(props, str) else list(props)
        kind = str(kind).upper()
        if kind == "UNIQUE":
            index = self.create_index if create else self.drop_index
            for spec in self._unique_specs(entity, label, props):
                index(spec)
        elif kind == "MANDATORY":
            mandatory = self.create_mandatory if create else self.drop_mandatory
            mandatory(MandatoryConstraint(entity, label, props))
        else:
            raise ValueError(f"constraint kind {kind!r} is not known — use 'UNIQUE' or 'MANDATORY'")

    def _unique_specs(self, entity: str, label: str, props: list[str]) -> list[IndexSpec]:
        if len(props) != 1:
            raise UnsupportedFeatureError(
                f"a unique constraint over several properties ({label}: {', '.join(props)}) is not supported",
                backend=self.backend,
                feature="composite unique constraint",
                hint="declare one unique constraint per property",
            )
        return [IndexSpec(label, props[0], "exact", unique=True, entity=_entity(entity))]

    def list_mandatory(self) -> list[MandatoryConstraint] | None:
        """Live mandatory constraints, or ``None`` when the backend cannot list them."""
        return None

    def create_mandatory(self, constraint: MandatoryConstraint) -> None:
        raise self._no_mandatory(constraint)

    def drop_mandatory(self, constraint: MandatoryConstraint) -> None:
        raise self._no_mandatory(constraint)

    def _no_mandatory(self, constraint: MandatoryConstraint) -> UnsupportedFeatureError:
        return UnsupportedFeatureError(
            f"{self.backend} has no mandatory constraints ({constraint.label}: {', '.join(constraint.props)})",
            backend=self.backend,
            feature="mandatory constraint",
            hint="mark the field required=True in the model (checked at flush), or use FalkorDB, Neo4j or Memgraph",
        )

    def create_vertex_type(self, label: str) -> None:
        ensure = getattr(self.driver.schema, "ensure_entity_types", None)
        if callable(ensure):
            ensure([label], [])

    def create_edge_type(self, type_name: str) -> None:
        ensure = getattr(self.driver.schema, "ensure_entity_types", None)
        if callable(ensure):
            ensure([], [type_name])

    # -- live schema ---------------------------------------------------------------------------
    def live_specs(self) -> list[IndexSpec]:
        return self.indexes.live()

    def read_live_schema(self) -> SchemaManifest:
        """The live indexes and constraints as a manifest."""
        return SchemaManifest.from_specs(self.live_specs(), self.list_mandatory() or ())

    def introspect_schema(self) -> SchemaManifest:
        return self.read_live_schema()

    def get_existing_specs(self) -> set[IndexSpec]:
        return set(self.live_specs())

    def supports(self, spec: IndexSpec) -> bool:
        return self.indexes.supports(spec)

    # -- graph lifecycle -----------------------------------------------------------------------
    def fork(self, graph_name: str) -> GraphAdapterBase:
        """A sibling adapter on a new, empty graph (for ``runic test``)."""
        raise UnsupportedFeatureError(
            f"{self.backend} adapters cannot open a throw-away graph",
            backend=self.backend,
            feature="throw-away graph",
            hint="run 'runic test' against FalkorDB or AGE, or point --url at a scratch database",
        )

    def delete_graph(self) -> None:
        """Remove every node and edge (subclasses drop the whole graph where they can)."""
        self.driver.execute("MATCH (n) DETACH DELETE n")

    def supports_snapshots(self) -> bool:
        return False

    def snapshot(self, snap_name: str) -> None:
        raise UnsupportedFeatureError(
            f"{self.backend} has no graph snapshots",
            backend=self.backend,
            feature="snapshot",
            hint="revisions run in a transaction where the backend has one; on others back up first",
        )

    def restore_snapshot(self, snap_name: str) -> None:
        self.snapshot(snap_name)

    def drop_snapshot(self, snap_name: str) -> None:
        return None

    def snapshot_exists(self, snap_name: str) -> bool:
        return False

    def close(self) -> None:
        if self._owns_driver:
            self.driver.close()

    def __enter__(self) -> GraphAdapterBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

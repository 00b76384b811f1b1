"""The session's I/O-free core: identity map, entity states, dirty tracking, flush planning.

``SessionCore`` never talks to a database. It turns staged changes into ``Statement``
objects (Cypher, parameters, ``on_result``) that ``Session`` sends and ``AsyncSession``
awaits; each answer goes back through ``on_result``. Every rule of the unit of work lives
here, so it is written (and fixed) once for both shells.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from runic.ogm.core.state import STATE_ATTR, EntityState, InstanceState
from runic.ogm.driver.result import EdgeRecord, GraphResult, NodeRecord
from runic.ogm.exceptions import (
    DetachedEntityError,
    EntityNotFoundError,
    FlushReport,
    OrmError,
    SessionError,
)
from runic.ogm.mapper import Mapper
from runic.ogm.mapper.mapper import as_list, hashable_key, is_edge_model, node_labels, snapshot

from ._assign import set_assignments
from ._flush import FlushPlan, FlushPlanner
from ._identity import IdentityMap, WeakIndex
from ._statement import Statement

__all__ = ["FlushPlan", "SessionCore", "Statement", "entity_repr", "state_of"]


def state_of(entity: Any) -> InstanceState:
    state = getattr(entity, STATE_ATTR, None)
    if not isinstance(state, InstanceState):
        raise TypeError(f"{type(entity).__name__} is not a runic Node or Edge instance")
    return state


def entity_repr(entity: Any) -> str:
    try:
        text = repr(entity)
    except Exception:  # noqa: BLE001 - a message never fails on a broken repr
        text = f"<{type(entity).__name__}>"
    return text if len(text) <= 120 else text[:117] + "..."


class SessionCore:
    """Everything a session knows and decides, without I/O."""

    def __init__(self, owner: Any, dialect: Any, mapper: Mapper | None = None, *, batch_size: int = 500) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.owner = owner
        self.dialect = dialect
        self.mapper = mapper if mapper is not None else Mapper()
        self.batch_size = batch_size
        self.identity = IdentityMap()
        self._pending: dict[int, Any] = {}
        self._deleted: dict[int, Any] = {}
        # since the last commit: deletes already sent, creates already sent
        self._deleted_flushed: dict[int, Any] = {}
        self._created_flushed: dict[int, Any] = {}
        #: node entities by database id, to give hydrated edges their endpoints
        self._node_by_eid = WeakIndex()
        #: ``(labels, model) → (class, identity root, class plan)`` for ``hydrate``'s node path
        self._node_hydration: dict[tuple[Any, Any], Any] = {}

    # -- views ------------------------------------------------------------------------------
    @property
    def new(self) -> list[Any]:
        return list(self._pending.values())

    @property
    def deleted(self) -> list[Any]:
        return list(self._deleted.values()) + list(self._deleted_flushed.values())

    def dirty(self) -> list[Any]:
        """Persistent entities whose properties or loaded relations differ from the snapshot."""
        out = []
        for entity in self.identity.entities():
            state = state_of(entity)
            if state.state is EntityState.PERSISTENT and self.is_modified(entity):
                out.append(entity)
        return out

    def is_modified(self, entity: Any) -> bool:
        state = state_of(entity)
        if state.expired and not state.committed:
            return False
        return self.mapper.is_modified(entity, state.committed, state.committed_relations)

    def contains(self, entity: Any) -> bool:
        state = getattr(entity, STATE_ATTR, None)
        return isinstance(state, InstanceState) and state.session is self.owner and state.state is not EntityState.DETACHED

    def has_changes(self) -> bool:
        return bool(self._pending or self._deleted or self.dirty())

    def identity_items(self) -> dict[Any, Any]:
        return dict(self.identity.items())

    # -- identity -------------------------------------------------------------------------
    def identity_key_of(self, entity: Any) -> Any:
        key = self.mapper.key_of(entity)
        if key is None:
            return None
        return self.mapper.identity_key(type(entity), key)

    def _register(self, entity: Any) -> None:
        ikey = self.identity_key_of(entity)
        if ikey is not None:
            state_of(entity).key = ikey[1]
            self.identity.add(ikey, entity)

    def lookup(self, model: type, key: Any) -> Any:
        """The mapped entity of ``model`` with ``key``, or ``None``."""
        entity = self.identity.get(self.mapper.identity_key(model, key))
        if entity is not None and not isinstance(entity, model):
            return None
        return entity

    def note_modified(self, entity: Any) -> None:
        """Pin a persistent entity a field assignment changed (held strongly until flushed)."""
        state = getattr(entity, STATE_ATTR, None)
        if isinstance(state, InstanceState) and state.session is self.owner and state.state is EntityState.PERSISTENT:
            self.identity.pin(entity)

    # -- add / delete ---------------------------------------------------------------------------
    def add(self, entity: Any) -> list[Any]:
        """Stage ``entity`` (and an edge's transient endpoints, ``cascade`` targets). No I/O."""
        added: list[Any] = []
        self._add(entity, added, cascade_only=False)
        return added

    def _add(self, entity: Any, added: list[Any], *, cascade_only: bool) -> None:
        state = state_of(entity)
        if state.session is not None and state.session is not self.owner and state.state is not EntityState.DETACHED:
            raise SessionError(
                f"{entity_repr(entity)} belongs to another session",
                session=self.owner,
                hint="expunge it there first, or copy it into this session with session.merge(obj)",
            )
        if state.state is EntityState.TRANSIENT:
            state.session = self.owner
            state.state = EntityState.PENDING
            self._pending[id(entity)] = entity
            self.identity.pin(entity)
            ikey = self.identity_key_of(entity)
            if ikey is not None:
                other = self.identity.get(ikey)
                if other is not None and other is not entity:
                    self._pending.pop(id(entity), None)
                    self.identity.unpin(entity)
                    state.session = None
                    state.state = EntityState.TRANSIENT
                    raise self._duplicate_key_error(entity, ikey, "add")
                self.identity.add(ikey, entity)
                state.key = ikey[1]
            added.append(entity)
        elif state.state is EntityState.DETACHED:
            ikey = self.identity_key_of(entity)
            other = self.identity.get(ikey) if ikey is not None else None
            if other is not None and other is not entity:
                raise self._duplicate_key_error(entity, ikey, "add")
            state.session = self.owner
            state.state = EntityState.PERSISTENT
            if ikey is not None:
                self.identity.add(ikey, entity)
            if self.is_modified(entity):
                self.identity.pin(entity)
            added.append(entity)
        elif state.state is EntityState.DELETED and state.session is self.owner:
            return  # stays deleted: add() does not undo delete()
        else:
            if state.session is not self.owner:  # persistent elsewhere is refused above
                state.session = self.owner
        self._cascade(entity, added)

    def _cascade(self, entity: Any, added: list[Any]) -> None:
        cls = type(entity)
        if is_edge_model(cls):
            for end in ("source", "target"):
                node = entity.__dict__.get(end)
                if node is not None and state_of(node).state is EntityState.TRANSIENT:
                    self._add(node, added, cascade_only=True)
            return
        for name, info in self.mapper.relation_fields(cls).items():
            if not getattr(info, "cascade", False) or name not in entity.__dict__:
                continue
            for target in as_list(entity.__dict__[name]):
                if state_of(target).state is EntityState.TRANSIENT:
                    self._add(target, added, cascade_only=True)

    def _duplicate_key_error(self, entity: Any, ikey: Any, operation: str) -> DetachedEntityError:
        return DetachedEntityError(
            f"{entity_repr(entity)} has the key {ikey[1]!r}, which another object of this session already holds",
            entity=entity,
            operation=operation,
            hint="use session.merge(obj) to copy its values onto the session's object",
        )

    def delete(self, entity: Any) -> None:
        state = state_of(entity)
        if state.state is EntityState.TRANSIENT:
            raise DetachedEntityError(
                f"{entity_repr(entity)} is transient (never added or saved), so there is nothing to delete",
                entity=entity,
                operation="delete",
                hint="add it with session.add(obj) first, or simply drop the object",
            )
        if state.session is not None and state.session is not self.owner and state.state is not EntityState.DETACHED:
            raise SessionError(
                f"{entity_repr(entity)} belongs to another session",
                session=self.owner,
                hint="delete it through the session it is attached to",
            )
        if state.state is EntityState.PENDING:
            self._make_transient(entity)
            return
        if state.state is EntityState.DELETED:
            return
        if state.state is EntityState.DETACHED:
            self._add(entity, [], cascade_only=False)
        state.state = EntityState.DELETED
        self._deleted[id(entity)] = entity
        self.identity.pin(entity)

    def _make_transient(self, entity: Any) -> None:
        state = state_of(entity)
        self._pending.pop(id(entity), None)
        self.identity.unpin(entity)
        ikey = self.identity_key_of(entity)
        if ikey is not None:
            self.identity.remove(ikey, entity)
        state.state = EntityState.TRANSIENT
        state.session = None
        state.element_id = None if self.mapper.has_database_key(type(entity)) else state.element_id
        state.committed = {}
        state.committed_relations = {}

    def _detach(self, entity: Any) -> None:
        state = state_of(entity)
        self._pending.pop(id(entity), None)
        self._deleted.pop(id(entity), None)
        self._deleted_flushed.pop(id(entity), None)
        self._created_flushed.pop(id(entity), None)
        self.identity.unpin(entity)
        ikey = self.identity_key_of(entity)
        if ikey is not None:
            self.identity.remove(ikey, entity)
        state.state = EntityState.DETACHED if state.state is not EntityState.TRANSIENT else state.state
        state.session = None

    def expunge(self, entity: Any) -> None:
        state = state_of(entity)
        if state.session is not self.owner:
            raise SessionError(
                f"{entity_repr(entity)} is not in this session",
                session=self.owner,
                hint="expunge it from the session it belongs to",
            )
        if state.state is EntityState.PENDING:
            self._make_transient(entity)
        else:
            self._detach(entity)

    def expunge_all(self) -> None:
        for entity in list(self._pending.values()):
            self._make_transient(entity)
        others = self.identity.entities() + self.identity.pinned() + list(self._deleted.values()) + list(self._deleted_flushed.values())
        for entity in others:
            state = getattr(entity, STATE_ATTR, None)
            if isinstance(state, InstanceState) and state.session is self.owner:
                state.state = EntityState.DETACHED
                state.session = None
        self._pending.clear()
        self._deleted.clear()
        self._deleted_flushed.clear()
        self._created_flushed.clear()
        self._node_by_eid.clear()
        self.identity.clear()

    # -- expiry, commit, rollback -----------------------------------------------------------------
    def expire(self, entity: Any) -> None:
        state = state_of(entity)
        if state.state is EntityState.PERSISTENT:
            state.expired = True

    def expire_all(self) -> None:
        for entity in self.identity.entities():
            self.expire(entity)

    def after_commit(self, *, expire: bool) -> None:
        """Deleted → detached; with ``expire``, every persistent entity expires."""
        for entity in list(self._deleted.values()) + list(self._deleted_flushed.values()):
            self._detach(entity)
        self._deleted.clear()
        self._deleted_flushed.clear()
        self._created_flushed.clear()
        if expire:
            self.expire_all()

    def after_rollback(self, *, undone: bool) -> dict[str, int]:
        """Pending → transient, deleted → persistent, edits dropped, persistent expired.

        ``undone``: the backend rolled back what earlier flushes sent (transactional), so
        entities created since the last commit become transient again and flushed deletes
        are persistent again; otherwise (FalkorDB) those stay as sent.
        """
        counts = {"pending": len(self._pending), "deleted": len(self._deleted), "modified": 0}
        for entity in list(self._pending.values()):
            self._make_transient(entity)
        for entity in list(self._deleted.values()):
            state_of(entity).state = EntityState.PERSISTENT
        self._deleted.clear()
        if undone:
            for entity in list(self._created_flushed.values()):
                if state_of(entity).session is self.owner:
                    self._make_transient(entity)
            for entity in list(self._deleted_flushed.values()):
                state_of(entity).state = EntityState.PERSISTENT
        else:
            for entity in list(self._deleted_flushed.values()):
                self._detach(entity)
        self._deleted_flushed.clear()
        self._created_flushed.clear()
        for entity in self.identity.entities():
            state = state_of(entity)
            if state.state is not EntityState.PERSISTENT:
                continue
            if self.is_modified(entity):
                counts["modified"] += 1
            self._restore_committed(entity)
            state.expired = True
            self.identity.unpin(entity)
        return counts

    def _restore_committed(self, entity: Any) -> None:
        state = state_of(entity)
        mapper = self.mapper
        cls = type(entity)
        for name, info in mapper.property_fields(cls).items():
            if name in state.committed:
                stored = state.committed[name]
                entity.__dict__[name] = mapper.decode(cls, name, info, stored)
        for name in mapper.relation_fields(cls):
            keys = mapper.relation_keys(entity, name)
            if keys is not None and set(keys) != set(state.committed_relations.get(name, ())):
                entity.__dict__.pop(name, None)
                state.loaded_relations.discard(name)
                state.committed_relations.pop(name, None)

    # -- hydration --------------------------------------------------------------------------------
    def hydrate(self, record: Any, model: type | None = None) -> Any:
        """A record as the session's entity: the mapped one if present (refreshed when expired)."""
        kind = record.__class__
        if kind is NodeRecord:
            try:
                target = self._node_hydration.get((record.labels, model))
            except TypeError:  # labels given as a list
                return self._hydrate(record, model, edge=False)
            if target is None:
                target = self._node_target(record.labels, model)
            if target:
                return self._hydrate_node(record, target)
            return self._hydrate(record, model, edge=False)
        if kind is EdgeRecord or isinstance(record, EdgeRecord):
            return self._hydrate(record, model, edge=True)
        if isinstance(record, NodeRecord):
            return self._hydrate(record, model, edge=False)
        if record is None:
            return None
        raise TypeError(f"hydrate() takes a NodeRecord or EdgeRecord, got {type(record).__name__}")

    def _node_target(self, labels: Any, model: type | None) -> Any:
        """What ``hydrate`` needs for nodes carrying ``labels`` (``False``: use the general path)."""
        mapper = self.mapper
        target: Any = False
        if mapper.builds_entities_itself():
            cls = mapper.class_for_labels(labels, model)
            target = (cls, mapper.root_class(cls), mapper.plan(cls))
        self._node_hydration[(labels, model)] = target
        return target

    def _mapped(self, ikey: Any, record: NodeRecord | EdgeRecord) -> Any:
        """The entity already mapped to ``ikey`` (reloaded from ``record`` when expired), or None."""
        existing = self.identity.get(ikey)
        if existing is not None:
            state = state_of(existing)
            if state.element_id is None:
                state.element_id = record.id
            if state.expired and state.state is EntityState.PERSISTENT:
                self.mapper.populate(existing, record.properties)
                self.identity.unpin(existing)
        return existing

    def _hydrate_node(self, record: NodeRecord, target: Any) -> Any:
        """``_hydrate`` for a node, with the class lookups done once per label set."""
        cls, root, plan = target
        mapper = self.mapper
        if plan.database_key:
            key = record.id
        else:
            key = record.properties.get(plan.pk_name)
            if key is not None and plan.pk_converted:
                key = mapper.decode(cls, plan.pk_name, plan.pk_info, key)
        ikey = (root, key if key.__class__ is str or key.__class__ is int else hashable_key(key))
        existing = self._mapped(ikey, record)
        if existing is not None:
            return existing
        entity = mapper.build_persistent(cls, plan, record.id, record.properties)
        state = entity.__dict__[STATE_ATTR]
        state.session = self.owner
        state.key = ikey[1]
        self.identity.add(ikey, entity)
        self._node_by_eid[record.id] = entity
        return entity

    def _hydrate(self, record: Any, model: type | None, *, edge: bool) -> Any:
        mapper = self.mapper
        cls, ikey = mapper.record_identity(record, model)
        existing = self._mapped(ikey, record)
        if existing is not None:
            return existing
        entity = mapper.new_instance(cls, record.id)
        mapper.populate(entity, record.properties)
        state = entity._runic_state
        state.session = self.owner
        self.identity.add(ikey, entity)
        state.key = ikey[1]
        if edge:
            self._attach_edge_endpoints(entity, record)
        else:
            self._node_by_eid[record.id] = entity
        return entity

    def _attach_edge_endpoints(self, entity: Any, record: EdgeRecord) -> None:
        by_id = self._node_by_eid
        for name, node_id in (("source", record.start_id), ("target", record.end_id)):
            node = by_id.get(node_id)
            if node is not None and entity.__dict__.get(name) is None:
                entity.__dict__[name] = node

    def refresh_from(self, entity: Any, record: NodeRecord | EdgeRecord | None) -> Any:
        """Overwrite ``entity`` with ``record`` (its unflushed edits are dropped)."""
        if record is None:
            cls = type(entity)
            raise EntityNotFoundError(
                f"{cls.__name__} with key {self.mapper.key_of(entity)!r} is no longer in the graph",
                model=cls,
                key=self.mapper.key_of(entity),
                hint="it was deleted elsewhere; use session.expunge(obj) to forget it",
            )
        state = state_of(entity)
        state.element_id = record.id
        self.mapper.populate(entity, record.properties)
        self.identity.unpin(entity)
        return entity

    def merge_into(self, target: Any, source: Any) -> Any:
        """Copy ``source``'s field values and loaded relations onto ``target``."""
        for name in self.mapper.property_fields(type(source)):
            if name in source.__dict__:
                target.__dict__[name] = source.__dict__[name]
        for name in self.mapper.relation_fields(type(source)):
            if name in source.__dict__:
                value = source.__dict__[name]
                target.__dict__[name] = list(value) if isinstance(value, list) else value
                state_of(target).loaded_relations.add(name)
        if state_of(target).state is EntityState.PERSISTENT:
            self.identity.pin(target)
        return target

    # -- relations ----------------------------------------------------------------------------------
    def set_relation(self, entity: Any, name: str, targets: list[Any]) -> Any:
        """Store a freshly loaded relation value and snapshot its keys."""
        info = self.mapper.relation_fields(type(entity))[name]
        state = state_of(entity)
        value: Any = list(targets) if info.is_collection else (targets[0] if targets else None)
        entity.__dict__[name] = value
        state.loaded_relations.add(name)
        state.committed_relations[name] = tuple(self.mapper.key_of(t) for t in targets)
        return value

    def drop_relation_cache(self, entity: Any, name: str | None = None) -> None:
        state = state_of(entity)
        names = [name] if name else list(self.mapper.relation_fields(type(entity)))
        for n in names:
            entity.__dict__.pop(n, None)
            state.loaded_relations.discard(n)
            state.committed_relations.pop(n, None)

    # -- flush ----------------------------------------------------------------------------------------
    def plan_flush(self) -> FlushPlan:
        """Check everything staged, then plan the flush's statements (nothing is sent)."""
        planner = FlushPlanner(self)
        return planner.plan()

    def flush_report(self, plan: FlushPlan, applied: int, step: str) -> FlushReport:
        pending = len(self._pending) + len(self._deleted) + len(self.dirty())
        return FlushReport(
            applied=applied,
            total=len(plan.statements),
            step=step,
            pending=pending,
            undoable=bool(getattr(self.dialect, "transactional", True)),
        )

    def attach_report(self, error: OrmError, plan: FlushPlan, applied: int, step: str) -> OrmError:
        """Give ``error`` the flush report (and say it in its message)."""
        report = self.flush_report(plan, applied, step)
        error.flush_report = report
        if error.args:
            error.args = (f"{error.args[0]} ({report.describe()})",) + tuple(error.args[1:])
        return error

    # -- internals used by the planner ------------------------------------------------------------------
    def pending_entities(self) -> list[Any]:
        return list(self._pending.values())

    def deleted_entities(self) -> list[Any]:
        return list(self._deleted.values())

    def mark_created(self, entity: Any, element_id: Any, committed: dict[str, Any]) -> None:
        state = state_of(entity)
        state.element_id = element_id
        state.state = EntityState.PERSISTENT
        state.committed = snapshot(committed)
        state.expired = False
        self._pending.pop(id(entity), None)
        if getattr(self.dialect, "transactional", True):
            self._created_flushed[id(entity)] = entity
        if not is_edge_model(type(entity)):
            self._node_by_eid[element_id] = entity
        self._register(entity)
        self.identity.unpin(entity)

    def mark_updated(self, entity: Any, changes: dict[str, Any]) -> None:
        state = state_of(entity)
        old_ikey = self.identity_key_of_committed(entity)
        state.committed.update(snapshot(changes))
        new_ikey = self.identity_key_of(entity)
        if old_ikey is not None and new_ikey is not None and old_ikey != new_ikey:
            self.identity.remove(old_ikey, entity)
            self.identity.add(new_ikey, entity)
            state.key = new_ikey[1]

    def identity_key_of_committed(self, entity: Any) -> Any:
        cls = type(entity)
        mapper = self.mapper
        if mapper.has_database_key(cls):
            return self.identity_key_of(entity)
        stored = state_of(entity).committed.get(mapper.pk_name(cls))
        if stored is None:
            return None
        info = mapper.pk_info(cls)
        return mapper.identity_key(cls, mapper.decode(cls, info.name if hasattr(info, "name") else mapper.pk_name(cls), info, stored))

    def settle(self, entity: Any) -> None:
        """Unpin an entity whose changes are all written."""
        state = state_of(entity)
        if state.state is EntityState.PERSISTENT and not self.is_modified(entity):
            self.identity.unpin(entity)

    def mark_node_deleted(self, entity: Any) -> None:
        """A deleted node's DETACH DELETE ran: it stays 'deleted' until commit."""
        state = state_of(entity)
        state.committed_relations = {}
        if self._deleted.pop(id(entity), None) is not None:
            self._deleted_flushed[id(entity)] = entity

    def forget_deleted(self, entity: Any) -> None:
        self._deleted.pop(id(entity), None)

    # -- read statements ------------------------------------------------------------------------------
    def match_node(self, alias: str, cls: type, key_expr: str, *, anchor_only: bool = False) -> tuple[str, str]:
        """``(pattern, condition)`` matching one node of ``cls`` by key expression ``key_expr``."""
        mapper = self.mapper
        dialect = self.dialect
        root = mapper.root_class(cls)
        labels = node_labels(root) if anchor_only else node_labels(cls)
        pattern = f"({alias}{dialect.label_pattern(labels[:1] if anchor_only else labels)})"
        if mapper.has_database_key(cls):
            cond = f"{dialect.id_function(alias)} = {dialect.id_param(key_expr)}"
        else:
            cond = f"{dialect.property_ref(alias, mapper.pk_name(cls))} = {key_expr}"
        if not anchor_only:
            extra = dialect.subtype_filter(alias, labels)
            if extra:
                cond = f"{cond} AND {extra}"
        return pattern, cond

    def get_statement(self, model: type, key: Any) -> Statement:
        """Read one entity of ``model`` by key (the key goes through its converter)."""
        mapper = self.mapper
        db_key = mapper.db_key(model, key)
        if is_edge_model(model):
            etype = self.dialect.quote(model.__type__)
            if mapper.has_database_key(model):
                cond = f"{self.dialect.id_function('r')} = {self.dialect.id_param('$key')}"
            else:
                cond = f"r.{self.dialect.quote(mapper.pk_name(model))} = $key"
            cypher = f"MATCH (a)-[r:{etype}]->(b) WHERE {cond} RETURN r, a, b LIMIT 1"

            def on_edge(result: GraphResult) -> Any:
                if not result.rows:
                    return None
                r, a, b = result.rows[0]
                src = self.hydrate(a)
                dst = self.hydrate(b)
                edge = self.hydrate(r, model)
                edge.__dict__.setdefault("source", src)
                if edge.__dict__.get("source") is None:
                    edge.__dict__["source"] = src
                if edge.__dict__.get("target") is None:
                    edge.__dict__["target"] = dst
                return edge

            return Statement(cypher, {"key": db_key}, on_edge, step="get")
        pattern, cond = self.match_node("n", model, "$key")
        cypher = f"MATCH {pattern} WHERE {cond} RETURN n LIMIT 1"

        def on_node(result: GraphResult) -> Any:
            if not result.rows:
                return None
            return self.hydrate(result.rows[0][0], model)

        return Statement(cypher, {"key": db_key}, on_node, step="get")

    def refresh_statement(self, entity: Any) -> Statement:
        cls = type(entity)
        state = state_of(entity)
        mapper = self.mapper
        if mapper.has_database_key(cls):
            key = state.element_id
        else:
            key = state.committed.get(mapper.pk_name(cls), mapper.db_key(cls, mapper.key_of(entity)))
        if is_edge_model(cls):
            etype = self.dialect.quote(cls.__type__)
            if mapper.has_database_key(cls):
                cond = f"{self.dialect.id_function('r')} = {self.dialect.id_param('$key')}"
            else:
                cond = f"r.{self.dialect.quote(mapper.pk_name(cls))} = $key"
            cypher = f"MATCH ()-[r:{etype}]->() WHERE {cond} RETURN r LIMIT 1"
        else:
            pattern, cond = self.match_node("n", cls, "$key", anchor_only=True)
            cypher = f"MATCH {pattern} WHERE {cond} RETURN n LIMIT 1"

        def on_result(result: GraphResult) -> Any:
            record = result.rows[0][0] if result.rows else None
            return self.refresh_from(entity, record)

        return Statement(cypher, {"key": key}, on_result, step="refresh")

    def relation_pattern(self, info: Any, a: str, b: str, r: str = "") -> str:
        """``(a)-[r:T]->(b)`` for the relation's direction (``a`` is the owner)."""
        rtype = self.dialect.quote(info.relation_type)
        rel = f"[{r}:{rtype}]"
        direction = getattr(info, "direction", "outgoing")
        if direction == "incoming":
            return f"({a})<-{rel}-({b})"
        if direction == "both":
            return f"({a})-{rel}-({b})"
        return f"({a})-{rel}->({b})"

    def load_relations_statements(self, entities: Iterable[Any], names: Iterable[str]) -> list[Statement]:
        """One statement per relation (and owner hierarchy) loading it for all ``entities``."""
        mapper = self.mapper
        entities = [e for e in dict.fromkeys(entities) if e is not None]
        statements: list[Statement] = []
        for name in dict.fromkeys(_relation_name(n) for n in names):
            groups: dict[Any, list[Any]] = {}
            for entity in entities:
                rels = mapper.relation_fields(type(entity))
                if name not in rels:
                    raise TypeError(_unknown_relation(type(entity), name, rels))
                info = rels[name]
                groups.setdefault((mapper.root_class(type(entity)), id(info)), []).append(entity)
            for (root, _), owners in groups.items():
                statements.append(self._load_relation_statement(root, name, owners))
        return statements

    def _load_relation_statement(self, root: type, name: str, owners: list[Any]) -> Statement:
        mapper = self.mapper
        info = mapper.relation_fields(type(owners[0]))[name]
        target = info.target_model
        known = [o for o in owners if state_of(o).state in (EntityState.PERSISTENT, EntityState.DELETED)]
        keys: list[Any] = []
        by_key: dict[Any, list[Any]] = {}
        for owner in known:
            k = self._match_key(owner)
            if k is None:
                continue
            keys.append(k)
            by_key.setdefault(hashable_key(k), []).append(owner)
        a_pattern, a_cond = self.match_node("a", root, "k", anchor_only=True)
        t_labels = node_labels(target)
        b = f"b{self.dialect.label_pattern(t_labels)}"
        rel = self.relation_pattern(info, "a", b)
        extra = self.dialect.subtype_filter("b", t_labels)
        where_b = f" WHERE {extra}" if extra else ""
        cypher = f"UNWIND $keys AS k MATCH {a_pattern} WHERE {a_cond} MATCH {rel}{where_b} RETURN k, b"

        def on_result(result: GraphResult) -> Any:
            found: dict[Any, list[Any]] = {}
            for k, record in result.rows:
                entity = self.hydrate(record, target)
                bucket = found.setdefault(hashable_key(k), [])
                if entity not in bucket:
                    bucket.append(entity)
            for owner in owners:
                k = self._match_key(owner)
                targets = found.get(hashable_key(k), []) if k is not None else []
                self.set_relation(owner, name, targets)
            return None

        return Statement(cypher, {"keys": keys}, on_result, step="load", rows=len(keys))

    def _match_key(self, entity: Any) -> Any:
        """The db-form key that matches ``entity``'s node as stored."""
        cls = type(entity)
        mapper = self.mapper
        state = state_of(entity)
        if mapper.has_database_key(cls):
            return state.element_id
        pk = mapper.pk_name(cls)
        if pk in state.committed and state.committed[pk] is not None:
            return state.committed[pk]
        return mapper.db_key(cls, entity.__dict__.get(pk))

    def relate_statement(self, source: Any, name: str, target: Any, edge: Any = None, *, remove: bool = False) -> Statement:
        """One ``MERGE`` (with ``edge``'s properties ``SET``) or one edge delete."""
        mapper = self.mapper
        rels = mapper.relation_fields(type(source))
        if name not in rels:
            raise TypeError(_unknown_relation(type(source), name, rels))
        info = rels[name]
        a_pattern, a_cond = self.match_node("a", type(source), "$a", anchor_only=True)
        b_pattern, b_cond = self.match_node("b", type(target), "$b", anchor_only=True)
        params: dict[str, Any] = {"a": self._match_key(source), "b": self._match_key(target)}
        if remove:
            rel = self.relation_pattern(info, "a", "b", "r")
            cypher = f"MATCH {a_pattern} WHERE {a_cond} MATCH {b_pattern} WHERE {b_cond} MATCH {rel} DELETE r RETURN count(*)"
        else:
            rel = self.relation_pattern(_merge_direction(info, self.dialect), "a", "b", "r")
            sets = ""
            if edge is not None:
                props = {k: v for k, v in mapper.properties(edge).items() if v is not None}
                parts = []
                for i, (k, v) in enumerate(props.items()):
                    params[f"e{i}"] = v
                    parts.append((k, self.dialect.param_ref("$e" + str(i), mapper.fields(type(edge)).get(k))))
                if parts:
                    sets = " SET " + set_assignments(self.dialect, "r", parts)
            cypher = f"MATCH {a_pattern} WHERE {a_cond} MATCH {b_pattern} WHERE {b_cond} MERGE {rel}{sets} RETURN count(r)"

        def on_result(result: GraphResult) -> Any:
            matched = result.value(0, 0) or 0
            if not remove and matched < 1:
                raise EntityNotFoundError(
                    f"relate(): {entity_repr(source)} or {entity_repr(target)} is not in the graph",
                    model=type(source),
                    key=[params["a"], params["b"]],
                    hint="flush or save both entities first; get() returns None for missing ones",
                )
            self.drop_relation_cache(source, name)
            for other_name, other_info in mapper.relation_fields(type(target)).items():
                if other_info.relation_type == info.relation_type:
                    self.drop_relation_cache(target, other_name)
            return None

        return Statement(cypher, params, on_result, step="relate", write=True)


class _Merge:
    """A relation seen with the direction a MERGE can write."""

    def __init__(self, info: Any, direction: str) -> None:
        self.relation_type = info.relation_type
        self.direction = direction


def _merge_direction(info: Any, dialect: Any) -> Any:
    if getattr(info, "direction", "outgoing") == "both" and not getattr(dialect, "supports_undirected_merge", True):
        return _Merge(info, "outgoing")
    return info


def _relation_name(name: Any) -> str:
    if isinstance(name, str):
        return name
    field_name = getattr(name, "field_name", None) or getattr(name, "name", None)
    if isinstance(field_name, str):
        return field_name
    raise TypeError(f"a relation is named by a string or a Relation descriptor, got {name!r}")


def _unknown_relation(cls: type, name: str, rels: dict[str, Any]) -> str:
    from runic.ogm.exceptions import did_you_mean

    hint = did_you_mean(name, rels) or f"its relations are {sorted(rels) or 'none'}"
    return f"{cls.__name__} has no relation {name!r} — {hint}"


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


_ABSENT = _Absent()

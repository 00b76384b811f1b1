"""Loading: database records become the session's entities (through the identity map), and
relations are loaded for many owners with one statement per relation (no I/O)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from runic.ogm.core.state import STATE_ATTR, EntityState
from runic.ogm.driver.result import EdgeRecord, GraphResult, NodeRecord
from runic.ogm.exceptions import EntityNotFoundError
from runic.ogm.mapper.mapper import ElementKey, hashable_key, node_labels

from ._core_state import CoreState
from ._entity import relation_name, state_of, unknown_relation
from ._statement import Statement

__all__ = ["Loading"]


class Loading(CoreState):
    """Hydration of records and loading of relations."""

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
            if key is None:  # written by another tool: known by its element id
                key = ElementKey(record.id)
            elif plan.pk_converted:
                key = mapper.decode(cls, plan.pk_name, plan.pk_info, key)
        ikey = (root, key if key.__class__ is str or key.__class__ is int else hashable_key(key))
        existing = self._mapped(ikey, record)
        if existing is not None:
            return existing
        entity = mapper.build_persistent(cls, plan, record.id, record.properties)
        if plan.database_key and plan.pk_info is not None:
            entity.__dict__[plan.pk_info.name] = record.id
        state = entity.__dict__[STATE_ATTR]
        state.session = self.owner
        state.key = None if key.__class__ is ElementKey else key
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
        mapper.set_database_key(entity, record.id)
        state = entity._runic_state
        state.session = self.owner
        self.identity.add(ikey, entity)
        state.key = None if isinstance(ikey[1], ElementKey) else ikey[1]
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

    # -- relations ----------------------------------------------------------------------------------
    def set_relation(self, entity: Any, name: str, targets: list[Any]) -> Any:
        """Store a freshly loaded relation value and snapshot its keys."""
        info = self.mapper.relation_fields(type(entity))[name]
        state = state_of(entity)
        value: Any = list(targets) if info.is_collection else (targets[0] if targets else None)
        entity.__dict__[name] = value
        state.loaded_relations.add(name)
        state.committed_relations[name] = tuple(self.relation_key(info, t) for t in targets)
        return value

    def drop_relation_cache(self, entity: Any, name: str | None = None) -> None:
        state = state_of(entity)
        names = [name] if name else list(self.mapper.relation_fields(type(entity)))
        for n in names:
            entity.__dict__.pop(n, None)
            state.loaded_relations.discard(n)
            state.committed_relations.pop(n, None)

    def load_relations_statements(self, entities: Iterable[Any], names: Iterable[str]) -> list[Statement]:
        """One statement per relation (and owner hierarchy) loading it for all ``entities``."""
        mapper = self.mapper
        entities = [e for e in dict.fromkeys(entities) if e is not None]
        statements: list[Statement] = []
        for name in dict.fromkeys(relation_name(n) for n in names):
            groups: dict[Any, list[Any]] = {}
            for entity in entities:
                rels = mapper.relation_fields(type(entity))
                if name not in rels:
                    raise TypeError(unknown_relation(type(entity), name, rels))
                info = rels[name]
                groups.setdefault((mapper.root_class(type(entity)), id(info)), []).append(entity)
            for (root, _), owners in groups.items():
                # owners stored without their key property are found by element id
                by_id = [o for o in owners if self.by_element_id(o)]
                keyed = [o for o in owners if not self.by_element_id(o)]
                if keyed:
                    statements.append(self._load_relation_statement(root, name, keyed))
                if by_id:
                    statements.append(self._load_relation_statement(root, name, by_id, by_id=True))
        return statements

    def _load_relation_statement(self, root: type, name: str, owners: list[Any], *, by_id: bool = False) -> Statement:
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
        a_pattern, a_cond = self.match_node("a", root, "k", anchor_only=True, by_id=by_id)
        t_labels = node_labels(target) if target is not None else ()
        b = f"b{self.dialect.label_pattern(t_labels)}" if t_labels else "b"
        rel = self.relation_pattern(info, "a", b)
        extra = self.dialect.subtype_filter("b", t_labels) if t_labels else None
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


"""Persistence: flush planning, what each sent write does to its entity, the flush report,
and relate / unrelate statements (no I/O)."""

from __future__ import annotations

from typing import Any

from runic.ogm.core.state import STATE_ATTR, EntityState
from runic.ogm.driver.result import GraphResult
from runic.ogm.exceptions import EntityNotFoundError, FlushReport, OrmError
from runic.ogm.mapper.mapper import MUTABLE_TYPES, ElementKey, snapshot

from ._assign import set_assignments
from ._core_state import CoreState
from ._entity import entity_repr, state_of, unknown_relation
from ._flush import FlushPlan, FlushPlanner
from ._statement import Statement

__all__ = ["Persistence"]


class Persistence(CoreState):
    """Turns staged changes into writes and records what each write did."""

    # -- flush ----------------------------------------------------------------------------------------
    def plan_flush(self) -> FlushPlan:
        """Check everything staged, then plan the flush's statements (nothing is sent)."""
        planner = FlushPlanner(self)
        return planner.plan()

    def flush_report(self, plan: FlushPlan, applied: int, step: str, restaged: dict[str, int] | None = None) -> FlushReport:
        pending = len(self._pending) + len(self._deleted) + len(self.dirty())
        return FlushReport(
            applied=applied,
            total=len(plan.statements),
            step=step,
            pending=pending,
            undoable=bool(getattr(self.dialect, "transactional", True)),
            restaged=restaged,
        )

    def attach_report(self, error: OrmError, plan: FlushPlan, applied: int, step: str, restaged: dict[str, int] | None = None) -> OrmError:
        """Give ``error`` the flush report (and say it in its message)."""
        return _attach(error, self.flush_report(plan, applied, step, restaged))

    def attach_commit_report(self, error: OrmError, restaged: dict[str, int]) -> OrmError:
        """Give a failed COMMIT's ``error`` the report of what was staged again."""
        return _attach(error, self.flush_report(FlushPlan(), 0, "commit", restaged))

    # -- internals used by the planner ------------------------------------------------------------------
    def pending_entities(self) -> list[Any]:
        return list(self._pending.values())

    def deleted_entities(self) -> list[Any]:
        return list(self._deleted.values())

    def mark_created(self, entity: Any, element_id: Any, committed: dict[str, Any]) -> None:
        """The CREATE of ``entity`` ran: it is persistent, known by ``element_id``, and
        ``committed`` is what was stored."""
        self.mark_created_many([(entity, element_id, committed)])

    def mark_created_many(self, created: list[tuple[Any, Any, dict[str, Any]]]) -> None:
        """``mark_created`` for each ``(entity, element id, committed)`` of one statement's
        reply (what each class needs is worked out once per class, see ``_add_rule``)."""
        mapper = self.mapper
        created_flushed = self._created_flushed if getattr(self.dialect, "transactional", True) else None
        pending = self._pending
        pinned = self.identity._pinned
        persistent = EntityState.PERSISTENT
        mutable = MUTABLE_TYPES
        nodes: list[tuple[Any, Any]] = []
        keys: list[tuple[Any, Any]] = []
        cls: Any = None
        for entity, element_id, committed in created:
            if type(entity) is not cls:  # a statement's rows are of one class: this runs once
                cls = type(entity)
                rule = self._add_rules.get(cls) or self._add_rule(cls)
                root, key_name, sets_key, edge, scalar, generated = rule.root, rule.key_name, rule.sets_key, rule.edge, rule.scalar, rule.generated
            state = getattr(entity, STATE_ATTR)  # staged entities all have one
            state.element_id = element_id
            state.state = persistent
            # the flush's own map of what was stored: kept as it is unless it holds containers
            state.committed = committed if scalar or mutable.isdisjoint(map(type, committed.values())) else snapshot(committed)
            state.expired = False
            oid = id(entity)
            pending.pop(oid, None)
            pinned.pop(oid, None)
            if created_flushed is not None:
                created_flushed[oid] = entity
            if sets_key:
                mapper.set_database_key(entity, element_id)
            if not edge:
                nodes.append((element_id, entity))
            key = entity.__dict__.get(key_name) if key_name is not None else None
            if type(key) is str:  # the common declared key, as staged
                state.key = key
                keys.append(((root, key), entity))
                continue
            if generated and type(element_id) is int:  # known by the database's id
                state.key = element_id
                keys.append(((root, element_id), entity))
                continue
            ikey = self._identity_key_by_rule(entity, state, rule)
            if ikey is not None:
                state.key = None if type(ikey[1]) is ElementKey else ikey[1]
                keys.append((ikey, entity))
        self._node_by_eid.update(nodes)
        self.identity.update(keys)

    def remember_committed(self, entity: Any) -> None:
        """Keep ``entity``'s stored snapshot as it was before this transaction's first
        write changed it (transactional backends; restored when the transaction is lost)."""
        if getattr(self.dialect, "transactional", True) and id(entity) not in self._changed_flushed:
            state = state_of(entity)
            self._changed_flushed[id(entity)] = (entity, dict(state.committed), dict(state.committed_relations))

    def mark_updated(self, entity: Any, changes: dict[str, Any]) -> None:
        self.remember_committed(entity)
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
        state = state_of(entity)
        stored = state.committed.get(mapper.pk_name(cls))
        if stored is None:  # stored without its key: known by its element id
            return None if state.element_id is None else mapper.identity_key(cls, ElementKey(state.element_id))
        info = mapper.pk_info(cls)
        return mapper.identity_key(cls, mapper.decode(cls, info.name if hasattr(info, "name") else mapper.pk_name(cls), info, stored))

    def settle(self, entity: Any) -> None:
        """Unpin an entity whose changes are all written."""
        state = state_of(entity)
        if state.state is EntityState.PERSISTENT and not self.is_modified(entity):
            self.identity.unpin(entity)

    def mark_node_deleted(self, entity: Any) -> None:
        """A deleted node's DETACH DELETE ran: it stays 'deleted' until commit."""
        self.remember_committed(entity)
        state = state_of(entity)
        state.committed_relations = {}
        if self._deleted.pop(id(entity), None) is not None:
            self._deleted_flushed[id(entity)] = entity

    def forget_deleted(self, entity: Any) -> None:
        self._deleted.pop(id(entity), None)


    def relate_statement(self, source: Any, name: str, target: Any, edge: Any = None, *, remove: bool = False) -> Statement:
        """One ``MERGE`` (with ``edge``'s properties ``SET``) or one edge delete."""
        mapper = self.mapper
        rels = mapper.relation_fields(type(source))
        if name not in rels:
            raise TypeError(unknown_relation(type(source), name, rels))
        info = rels[name]
        a_pattern, a_cond = self.match_node("a", type(source), "$a", anchor_only=True, by_id=self.by_element_id(source))
        b_pattern, b_cond = self.match_node("b", type(target), "$b", anchor_only=True, by_id=self.by_element_id(target))
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



def _attach(error: OrmError, report: FlushReport) -> OrmError:
    error.flush_report = report
    if error.args:
        error.args = (f"{error.args[0]} ({report.describe()})",) + tuple(error.args[1:])
    return error


class _Merge:
    """A relation seen with the direction a MERGE can write."""

    def __init__(self, info: Any, direction: str) -> None:
        self.relation_type = info.relation_type
        self.direction = direction


def _merge_direction(info: Any, dialect: Any) -> Any:
    if getattr(info, "direction", "outgoing") == "both" and not getattr(dialect, "supports_undirected_merge", True):
        return _Merge(info, "outgoing")
    return info


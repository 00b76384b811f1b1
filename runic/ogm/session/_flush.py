"""Flush planning: staged changes → ordered, batched ``Statement`` objects (no I/O).

Order (session.md): (1) node creates grouped by label set + keys, (2) node updates of
changed properties, (3) edge creates and relation additions, (4) edge updates, (5) edge
deletes and relation removals, (6) node ``DETACH DELETE``s. Each group is sent in
``UNWIND $rows`` batches of at most ``batch_size`` rows. Everything is checked before the
first statement exists: a failed check sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import eq, itemgetter
from typing import TYPE_CHECKING, Any

from runic.ogm.core.collector import gc_paused
from runic.ogm.core.state import EntityState
from runic.ogm.driver.result import GraphResult
from runic.ogm.exceptions import DetachedEntityError, EntityNotFoundError, FieldValidationError
from runic.ogm.mapper import Mapper
from runic.ogm.mapper.mapper import ElementKey, as_list, create_labels, hashable_key, is_edge_model

from ._assign import set_assignments
from ._entity import entity_repr, state_of
from ._statement import Statement

if TYPE_CHECKING:  # pragma: no cover
    from ._core import SessionCore

__all__ = ["STEPS", "FlushPlan", "FlushPlanner"]

_NONE_TYPE = type(None)

STEPS = ("node creates", "node updates", "edge creates", "edge updates", "edge deletes", "node deletes")


@dataclass
class FlushPlan:
    """The statements of one flush, in sending order."""

    statements: list[Statement] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.statements)

    def __bool__(self) -> bool:
        return bool(self.statements)

    def preview(self) -> list[tuple[str, dict[str, Any]]]:
        return [(s.cypher, s.params) for s in self.statements]


@dataclass
class _RelationChange:
    owner: Any
    name: str
    info: Any
    target: Any = None  # additions: the target entity
    key: Any = None  # removals: the target's stored key


class FlushPlanner:
    """Builds one ``FlushPlan`` from a core's staged state."""

    def __init__(self, core: SessionCore) -> None:
        self.core = core
        self.mapper = core.mapper
        self.dialect = core.dialect
        self.batch_size = core.batch_size

    # -- entry ------------------------------------------------------------------------------
    def plan(self) -> FlushPlan:
        # a plan of many entities allocates a row per entity and frees none: the cyclic
        # collector would walk every live object again and again for nothing
        with gc_paused():
            return self._plan()

    def _plan(self) -> FlushPlan:
        core = self.core
        dirty = self._cascade_and_check_targets()
        pending = core.pending_entities()
        deleted = core.deleted_entities()
        deleted_ids = {id(e) for e in deleted}
        dirty = [e for e in dirty if id(e) not in deleted_ids]
        self._check_values(pending + dirty)

        pending_nodes, pending_edges = _nodes_and_edges(pending)
        dirty_nodes, dirty_edges = _nodes_and_edges(dirty)
        deleted_nodes, deleted_edges = _nodes_and_edges(deleted)
        additions, removals = self._relation_changes(pending_nodes + dirty_nodes, deleted_ids)

        statements: list[Statement] = []
        statements += self._node_creates(pending_nodes)
        statements += self._property_updates(dirty_nodes, edge=False)
        statements += self._edge_creates(pending_edges)
        statements += self._relation_additions(additions)
        statements += self._property_updates(dirty_edges, edge=True)
        statements += self._edge_deletes(deleted_edges)
        statements += self._relation_removals(removals)
        statements += self._node_deletes(deleted_nodes)
        for entity in deleted:
            state_of(entity)  # deleted entities stay pinned until commit
        return FlushPlan(statements)

    # -- checks ---------------------------------------------------------------------------------
    def _cascade_and_check_targets(self) -> list[Any]:
        """Add transient ``cascade`` targets; refuse other transient targets. Returns the dirty entities."""
        core = self.core
        seen: set[int] = set()
        dirty = core.dirty()
        changed = True
        while changed:
            changed = False
            candidates = core.pending_entities() + dirty
            kinds = {cls: (is_edge_model(cls), self.mapper.relation_fields(cls)) for cls in set(map(type, candidates))}
            if not any(edge or relations for edge, relations in kinds.values()):
                break  # nothing any of them holds can be transient
            for owner in candidates:
                cls = type(owner)
                edge, relations = kinds[cls]
                if not edge and not relations:  # nothing it holds can be transient
                    continue
                if id(owner) in seen:
                    continue
                seen.add(id(owner))
                if edge:
                    for end in ("source", "target"):
                        node = owner.__dict__.get(end)
                        if node is not None and state_of(node).state is EntityState.TRANSIENT:
                            core.add(node)
                            changed = True
                    continue
                for name, info in relations.items():
                    if name not in owner.__dict__:
                        continue
                    for target in as_list(owner.__dict__[name]):
                        tstate = state_of(target)
                        if tstate.state is EntityState.TRANSIENT:
                            if getattr(info, "cascade", False):
                                core.add(target)
                                changed = True
                            else:
                                raise DetachedEntityError(
                                    f"{cls.__name__}.{name} holds {entity_repr(target)}, which is not in the session",
                                    entity=target,
                                    operation="flush",
                                    hint=f"session.add() it first, or declare Relation(..., cascade=True) on {cls.__name__}.{name}",
                                )
                        elif tstate.state is EntityState.DETACHED or (tstate.session is not None and tstate.session is not core.owner):
                            raise DetachedEntityError(
                                f"{cls.__name__}.{name} holds {entity_repr(target)}, which belongs to no session or another one",
                                entity=target,
                                operation="flush",
                                hint="add it to this session with session.add(obj) or session.merge(obj)",
                            )
        return dirty

    def _check_values(self, entities: list[Any]) -> None:
        mapper = self.mapper
        rules: dict[type, tuple[tuple[tuple[str, bool], ...], bool]] = {}
        if len({type(e) for e in entities}) == 1 and not is_edge_model(type(entities[0])):
            # one node class (a bulk add): look for a missing value a field at a time
            data = list(map(vars, entities))
            if not any(_NONE_TYPE in map(type, map(dict.get, data, repeat(name))) for name, _ in _needed_fields(mapper, type(entities[0]))):
                return
        for entity in entities:
            cls = type(entity)
            rule = rules.get(cls)
            if rule is None:
                rule = rules[cls] = (_needed_fields(mapper, cls), is_edge_model(cls))
            needed, edge = rule
            data = entity.__dict__
            for name, primary_key in needed:
                if data.get(name) is not None:
                    continue
                if primary_key and self.core.by_element_id(entity):  # stored by another tool without its key
                    continue
                what = "key" if primary_key else "required field"
                raise _missing(cls, name, f"{cls.__name__}.{name} is None but is a {what} ({entity_repr(entity)})", f"set {cls.__name__}.{name}")
            if edge:
                for end in ("source", "target"):
                    node = data.get(end)
                    if node is None:
                        raise _missing(cls, end, f"{entity_repr(entity)} has no {end} node", f"set edge.{end} to a node")
                    if state_of(node).state is EntityState.DELETED:
                        raise DetachedEntityError(
                            f"the {end} of {entity_repr(entity)} is deleted in this session",
                            entity=node,
                            operation="flush",
                            hint="connect the edge to a node that is not being deleted",
                        )

    # -- relation diffs --------------------------------------------------------------------------
    def _relation_changes(self, owners: list[Any], deleted_ids: set[int]) -> tuple[list[_RelationChange], list[_RelationChange]]:
        mapper = self.mapper
        additions: list[_RelationChange] = []
        removals: list[_RelationChange] = []
        relation_fields = {cls: mapper.relation_fields(cls) for cls in set(map(type, owners))}
        if not any(relation_fields.values()):
            return additions, removals
        for owner in owners:
            relations = relation_fields[type(owner)]
            if not relations:
                continue
            state = state_of(owner)
            for name, info in relations.items():
                if name not in owner.__dict__:
                    continue
                targets = as_list(owner.__dict__[name])
                committed = state.committed_relations.get(name, ())
                committed_set = set(hashable_key(k) for k in committed)
                current_keys = set()
                for target in targets:
                    key = self.core.relation_key(info, target)
                    current_keys.add(hashable_key(key))
                    if id(target) in deleted_ids:
                        continue
                    if key is None or hashable_key(key) not in committed_set:
                        additions.append(_RelationChange(owner, name, info, target=target))
                for key in committed:
                    if hashable_key(key) not in current_keys:
                        removals.append(_RelationChange(owner, name, info, key=key))
        return additions, removals

    # -- helpers ---------------------------------------------------------------------------------
    def _batches(self, items: list[Any]) -> list[list[Any]]:
        n = self.batch_size
        return [items[i : i + n] for i in range(0, len(items), n)]

    def _ref(self, expr: str, info: Any) -> str:
        return self.dialect.param_ref(expr, info)

    def _q(self, name: str) -> str:
        return self.dialect.quote(name)

    def _row_map(self, names: tuple[str, ...], fields: dict[str, Any], *, as_lists: bool = False) -> str:
        """`` {name: row.p0, …}`` for a CREATE (``row[0]`` for list rows; empty without properties)."""
        refs = [f"row[{i}]" if as_lists else f"row.p{i}" for i in range(len(names))]
        body = ", ".join(f"{self._q(n)}: {self._ref(ref, fields.get(n))}" for ref, n in zip(refs, names))
        return f" {{{body}}}" if body else ""

    def _set_clause(self, alias: str, names: tuple[str, ...], nulls: tuple[str, ...], fields: dict[str, Any]) -> str:
        items = [(n, self._ref(f"row.p{i}", fields.get(n))) for i, n in enumerate(names)]
        items += [(n, "NULL") for n in nulls]
        return set_assignments(self.dialect, alias, items)

    def _db_key(self, entity: Any) -> Any:
        return self.core._match_key(entity)

    # -- (1) node creates -----------------------------------------------------------------------
    def _node_creates(self, entities: list[Any]) -> list[Statement]:
        groups = self._one_class_creates(entities) or self._create_groups(entities)
        return self._create_statements(groups)

    def _one_class_creates(self, entities: list[Any]) -> dict[tuple, list[tuple[Any, dict[str, Any]]]] | None:
        """The create group of a bulk add — new nodes of one model whose stored values are its
        own fields, none of them None — built a column at a time; ``None`` otherwise."""
        if not entities or len(set(map(type, entities))) != 1:
            return None
        cls = type(entities[0])
        plan = self.mapper.plan(cls)
        labels = create_labels(cls)
        plain = plan.plain
        if type(self.mapper).properties is not Mapper.properties or plan.converted or len(plain) < 2:
            return None
        if self.dialect.label_properties(labels):
            return None
        try:
            values = list(map(itemgetter(*plain), map(vars, entities)))
        except KeyError:  # a field never set: the entity-by-entity way reads it as None
            return None
        if _NONE_TYPE in set(map(type, chain.from_iterable(values))):
            return None
        props = map(dict, map(zip, repeat(plain), values))
        return {(labels, plain, cls): list(zip(entities, props))}

    def _create_groups(self, entities: list[Any]) -> dict[tuple, list[tuple[Any, dict[str, Any]]]]:
        """New nodes grouped by labels, stored names and class, each with its stored values."""
        groups: dict[tuple, list[tuple[Any, dict[str, Any]]]] = {}
        per_class: dict[type, tuple[tuple[str, ...], dict[str, Any], tuple[str, ...] | None]] = {}
        mapper = self.mapper
        properties = mapper.properties
        own_properties = type(mapper).properties is Mapper.properties
        for entity in entities:
            cls = type(entity)
            known = per_class.get(cls)
            if known is None:
                labels = create_labels(cls)
                plan = mapper.plan(cls)
                # backends with one label per node keep the others in a property (AGE: _labels);
                # properties without converters are read here directly (what ``properties`` does)
                plain = plan.plain if own_properties and not plan.converted else None
                known = per_class[cls] = (labels, dict(self.dialect.label_properties(labels)), plain)
            labels, label_props, plain = known
            if plain is not None:
                get = entity.__dict__.get
                values = list(map(get, plain))
                props = dict(zip(plain, values))
            else:
                props = properties(entity)
                values = list(props.values())
            if label_props:
                props = {**props, **label_props}
                values = list(props.values())
            if _NONE_TYPE in map(type, values):
                names = tuple([n for n, v in props.items() if v is not None])
            else:
                names = plain if plain is not None and not label_props else tuple(props)
            group = groups.get((labels, names, cls))
            if group is None:
                group = groups[(labels, names, cls)] = []
            group.append((entity, props))
        return groups

    def _create_statements(self, groups: dict[tuple, list[tuple[Any, dict[str, Any]]]]) -> list[Statement]:
        out = []
        as_lists = bool(getattr(self.dialect, "list_rows", False))
        for (labels, names, cls), items in groups.items():
            fields = self.mapper.fields(cls)
            refs = [(n, self._ref(f"row[{i}]" if as_lists else f"row.p{i}", fields.get(n))) for i, n in enumerate(names)]
            index = f"row[{len(names)}]" if as_lists else "row.i"
            cypher = (
                f"UNWIND $rows AS row {self.dialect.create_node_pattern(labels, refs)} "
                f"RETURN {index} AS i, {self.dialect.id_function('n')} AS id"
            )
            out.extend(self._create_statement(cypher, batch, names, STEPS[0], edge=False, as_lists=as_lists) for batch in self._batches(items))
        return out

    def _create_statement(self, cypher: str, batch: list[tuple[Any, dict[str, Any]]], names: tuple[str, ...], step: str, *, edge: bool, as_lists: bool = False) -> Statement:
        core = self.core

        slots = [(f"p{j}", n) for j, n in enumerate(names)]

        def params() -> dict[str, Any]:
            rows = []
            append = rows.append
            if edge:
                for i, (entity, props) in enumerate(batch):
                    row: dict[str, Any] = {slot: props[n] for slot, n in slots}
                    row["i"] = i
                    row["s"] = self._db_key(entity.__dict__["source"])
                    row["t"] = self._db_key(entity.__dict__["target"])
                    append(row)
            elif as_lists:  # [p0, p1, …, i]
                for i, (_, props) in enumerate(batch):
                    row = list(map(props.__getitem__, names))
                    row.append(i)
                    append(row)
            else:
                for i, (_, props) in enumerate(batch):
                    row = {slot: props[n] for slot, n in slots}
                    row["i"] = i
                    append(row)
            return {"rows": rows}

        def on_result(result: GraphResult) -> None:
            rows = result.rows
            if len(rows) == len(batch) and all(map(eq, map(itemgetter(0), rows), range(len(batch)))):
                # every row created, in order (the common case): pair them up without lookups
                created = [(entity, element_id, props) for (entity, props), (_, element_id) in zip(batch, rows)]
                seen: Any = range(len(batch))
            else:
                created = []
                seen = set()
                for i, element_id in rows:
                    i = int(i)
                    entity, props = batch[i]
                    created.append((entity, element_id, props))
                    seen.add(i)
            with gc_paused():
                core.mark_created_many(created)
            if len(seen) < len(batch):
                missing = [batch[i][0] for i in range(len(batch)) if i not in seen]
                cls = type(missing[0])
                ends = [(self._db_key(e.__dict__["source"]), self._db_key(e.__dict__["target"])) for e in missing] if edge else []
                raise EntityNotFoundError(
                    f"{len(missing)} of {len(batch)} {cls.__name__} rows were not created: their endpoint nodes {ends[:5]!r} are not in the graph",
                    model=cls,
                    key=ends,
                    hint="save the endpoint nodes first; they may have been deleted elsewhere",
                )

        return Statement(cypher, None, on_result, params_fn=params, step=step, rows=len(batch), write=True)

    # -- (2)/(4) property updates ---------------------------------------------------------------
    def _property_updates(self, entities: list[Any], *, edge: bool) -> list[Statement]:
        mapper = self.mapper
        groups: dict[tuple, list[tuple[Any, Any, dict[str, Any]]]] = {}
        for entity in entities:
            state = state_of(entity)
            props = mapper.properties(entity)
            changes = {n: v for n, v in props.items() if state.committed.get(n, _MISSING) != v}
            if not changes:
                continue
            names = tuple(n for n, v in changes.items() if v is not None)
            nulls = tuple(n for n, v in changes.items() if v is None)
            cls = type(entity)
            by_id = self.core.by_element_id(entity)
            groups.setdefault((mapper.root_class(cls), names, nulls, cls, by_id), []).append((entity, self._db_key(entity), changes))
        out = []
        for (root, names, nulls, cls, by_id), items in groups.items():
            fields = mapper.fields(cls)
            sets = self._set_clause("n", names, nulls, fields)
            if edge:
                etype = self._q(cls.__type__)
                cond = self.core.edge_key_condition("n", cls, "row.k", by_id=by_id)
                match = f"MATCH ()-[n:{etype}]->() WHERE {cond}"
            else:
                pattern, cond = self.core.match_node("n", root, "row.k", anchor_only=True, by_id=by_id)
                match = f"MATCH {pattern} WHERE {cond}"
            cypher = f"UNWIND $rows AS row {match} SET {sets} RETURN row.k AS k"
            for batch in self._batches(items):
                out.append(self._update_statement(cypher, batch, names, STEPS[3] if edge else STEPS[1], root))
        return out

    def _update_statement(self, cypher: str, batch: list[tuple[Any, Any, dict[str, Any]]], names: tuple[str, ...], step: str, root: type) -> Statement:
        core = self.core
        rows = []
        for entity, key, changes in batch:
            row = {"k": key}
            for j, n in enumerate(names):
                row[f"p{j}"] = changes[n]
            rows.append(row)

        def on_result(result: GraphResult) -> None:
            found = {hashable_key(k) for (k,) in result.rows}
            missing = []
            for entity, key, changes in batch:
                if hashable_key(key) in found:
                    core.mark_updated(entity, changes)
                    core.settle(entity)
                else:
                    missing.append(key)
            if missing:
                raise EntityNotFoundError(
                    f"{len(missing)} {root.__name__} entities to update are no longer in the graph: keys {missing[:10]!r}",
                    model=root,
                    key=missing,
                    hint="they were deleted elsewhere; session.expunge(obj) them, or re-add them as new objects",
                )

        return Statement(cypher, {"rows": rows}, on_result, step=step, rows=len(batch), write=True)

    # -- (3) edge creates and relation additions -------------------------------------------------
    def _edge_creates(self, edges: list[Any]) -> list[Statement]:
        mapper = self.mapper
        groups: dict[tuple, list[tuple[Any, dict[str, Any]]]] = {}
        for edge in edges:
            props = mapper.properties(edge)
            names = tuple(n for n, v in props.items() if v is not None)
            source, target = edge.__dict__["source"], edge.__dict__["target"]
            src, dst = mapper.root_class(type(source)), mapper.root_class(type(target))
            ids = (self.core.by_element_id(source), self.core.by_element_id(target))
            groups.setdefault((type(edge), src, dst, names, ids), []).append((edge, props))
        out = []
        for (cls, src, dst, names, ids), items in groups.items():
            a_pattern, a_cond = self.core.match_node("a", src, "row.s", anchor_only=True, by_id=ids[0])
            b_pattern, b_cond = self.core.match_node("b", dst, "row.t", anchor_only=True, by_id=ids[1])
            body = self._row_map(names, mapper.fields(cls))
            cypher = (
                f"UNWIND $rows AS row MATCH {a_pattern} WHERE {a_cond} MATCH {b_pattern} WHERE {b_cond} "
                f"CREATE (a)-[r:{self._q(cls.__type__)}{body}]->(b) RETURN row.i AS i, {self.dialect.id_function('r')} AS id"
            )
            out.extend(self._create_statement(cypher, batch, names, STEPS[2], edge=True) for batch in self._batches(items))
        return out

    def _relation_groups(self, changes: list[_RelationChange], target_class: Callable[[_RelationChange], type | None], target_by_id: Callable[[_RelationChange], bool]) -> dict[tuple, list[_RelationChange]]:
        """Changes grouped by owner root, type, direction, target root, and whether each end
        is found by element id (stored without its key, or a relation without a target model)."""
        groups: dict[tuple, list[_RelationChange]] = {}
        for change in changes:
            owner_root = self.mapper.root_class(type(change.owner))
            target = target_class(change)
            by_id = (self.core.by_element_id(change.owner), target_by_id(change))
            key = (owner_root, change.info.relation_type, getattr(change.info, "direction", "outgoing"),
                   self.mapper.root_class(target) if target is not None else None, by_id)
            groups.setdefault(key, []).append(change)
        return groups

    def _relation_additions(self, additions: list[_RelationChange]) -> list[Statement]:
        out = []
        groups = self._relation_groups(additions, lambda c: type(c.target), lambda c: self.core.by_element_id(c.target))
        for (owner_root, rtype, direction, target_root, ids), items in groups.items():
            a_pattern, a_cond = self.core.match_node("a", owner_root, "row.s", anchor_only=True, by_id=ids[0])
            b_pattern, b_cond = self.core.match_node("b", target_root, "row.t", anchor_only=True, by_id=ids[1])
            head = f"UNWIND $rows AS row MATCH {a_pattern} WHERE {a_cond} MATCH {b_pattern} WHERE {b_cond} "
            t = self._q(rtype)
            if direction == "both" and not getattr(self.dialect, "supports_undirected_merge", True):
                body = (
                    f"OPTIONAL MATCH (a)-[x:{t}]-(b) WITH row, a, b, count(x) AS present "
                    f"FOREACH (_ IN CASE WHEN present = 0 THEN [1] ELSE [] END | CREATE (a)-[:{t}]->(b)) RETURN row.i AS i"
                )
            elif direction == "both":
                body = f"MERGE (a)-[:{t}]-(b) RETURN row.i AS i"
            elif direction == "incoming":
                body = f"MERGE (a)<-[:{t}]-(b) RETURN row.i AS i"
            else:
                body = f"MERGE (a)-[:{t}]->(b) RETURN row.i AS i"
            cypher = head + body
            for batch in self._batches(items):
                out.append(self._relation_statement(cypher, batch, STEPS[2], add=True))
        return out

    def _relation_removals(self, removals: list[_RelationChange]) -> list[Statement]:
        out = []
        groups = self._relation_groups(removals, lambda c: c.info.target_model, lambda c: isinstance(c.key, ElementKey))
        for (owner_root, rtype, direction, target_root, ids), items in groups.items():
            a_pattern, a_cond = self.core.match_node("a", owner_root, "row.s", anchor_only=True, by_id=ids[0])
            b_pattern, b_cond = self.core.match_node("b", target_root, "row.t", anchor_only=True, by_id=ids[1])
            t = self._q(rtype)
            rel = {"incoming": f"(a)<-[r:{t}]-(b)", "both": f"(a)-[r:{t}]-(b)"}.get(direction, f"(a)-[r:{t}]->(b)")
            cypher = (
                f"UNWIND $rows AS row MATCH {a_pattern} WHERE {a_cond} MATCH {b_pattern} WHERE {b_cond} "
                f"OPTIONAL MATCH {rel} DELETE r RETURN DISTINCT row.i AS i"
            )
            for batch in self._batches(items):
                out.append(self._relation_statement(cypher, batch, STEPS[4], add=False))
        return out

    def _relation_statement(self, cypher: str, batch: list[_RelationChange], step: str, *, add: bool) -> Statement:
        def params() -> dict[str, Any]:
            rows = []
            for i, change in enumerate(batch):
                target_key = self._db_key(change.target) if add else self._stored_target_key(change)
                rows.append({"i": i, "s": self._db_key(change.owner), "t": target_key})
            return {"rows": rows}

        def on_result(result: GraphResult) -> None:
            seen = {int(i) for (i,) in result.rows}
            for i, change in enumerate(batch):
                if i not in seen and add:
                    continue
                self.core.remember_committed(change.owner)
                state = state_of(change.owner)
                keys = list(state.committed_relations.get(change.name, ()))
                if add:
                    keys.append(self.core.relation_key(change.info, change.target))
                else:
                    keys = [k for k in keys if hashable_key(k) != hashable_key(change.key)]
                state.committed_relations[change.name] = tuple(keys)
                self.core.settle(change.owner)
            if add and len(seen) < len(batch):
                missing = [(self._db_key(c.owner), self._db_key(c.target)) for i, c in enumerate(batch) if i not in seen]
                raise EntityNotFoundError(
                    f"{len(missing)} relation edges could not be written: their nodes {missing[:5]!r} are not in the graph",
                    model=type(batch[0].owner),
                    key=missing,
                    hint="the nodes were deleted elsewhere; reload them with session.refresh(obj)",
                )

        return Statement(cypher, None, on_result, params_fn=params, step=step, rows=len(batch), write=True)

    def _stored_target_key(self, change: _RelationChange) -> Any:
        if isinstance(change.key, ElementKey):
            return change.key.element_id
        target_cls = change.info.target_model
        if self.mapper.has_database_key(target_cls):
            return change.key
        return self.mapper.db_key(target_cls, change.key)

    # -- (5) edge deletes, (6) node deletes -------------------------------------------------------
    def _edge_deletes(self, edges: list[Any]) -> list[Statement]:
        groups: dict[type, list[Any]] = {}
        for edge in edges:
            groups.setdefault((type(edge), self.core.by_element_id(edge)), []).append(edge)
        out = []
        for (cls, by_id), items in groups.items():
            cond = self.core.edge_key_condition("r", cls, "row.k", by_id=by_id)
            cypher = f"UNWIND $rows AS row MATCH ()-[r:{self._q(cls.__type__)}]->() WHERE {cond} DELETE r"
            for batch in self._batches(items):
                out.append(self._delete_statement(cypher, batch, STEPS[4]))
        return out

    def _node_deletes(self, nodes: list[Any]) -> list[Statement]:
        groups: dict[type, list[Any]] = {}
        for node in nodes:
            groups.setdefault((self.mapper.root_class(type(node)), self.core.by_element_id(node)), []).append(node)
        out = []
        for (root, by_id), items in groups.items():
            pattern, cond = self.core.match_node("n", root, "row.k", anchor_only=True, by_id=by_id)
            cypher = f"UNWIND $rows AS row MATCH {pattern} WHERE {cond} DETACH DELETE n"
            for batch in self._batches(items):
                out.append(self._delete_statement(cypher, batch, STEPS[5]))
        return out

    def _delete_statement(self, cypher: str, batch: list[Any], step: str) -> Statement:
        core = self.core
        rows = [{"k": self._db_key(e)} for e in batch]

        def on_result(result: GraphResult) -> None:
            for entity in batch:
                core.mark_node_deleted(entity)

        return Statement(cypher, {"rows": rows}, on_result, step=step, rows=len(batch), write=True)


def _needed_fields(mapper: Mapper, cls: type) -> tuple[tuple[str, bool], ...]:
    """``(name, is the key)`` of each field of ``cls`` that a flush refuses to store as None."""
    return tuple(
        (name, bool(getattr(info, "primary_key", False)))
        for name, info in mapper.property_fields(cls).items()
        if getattr(info, "required", False) or getattr(info, "primary_key", False)
    )


def _nodes_and_edges(entities: list[Any]) -> tuple[list[Any], list[Any]]:
    """``entities`` split into nodes and edges (order kept)."""
    kinds = {cls: is_edge_model(cls) for cls in set(map(type, entities))}
    if not any(kinds.values()):
        return list(entities), []
    if all(kinds.values()):
        return [], list(entities)
    nodes: list[Any] = []
    edges: list[Any] = []
    for entity in entities:
        (edges if kinds[type(entity)] else nodes).append(entity)
    return nodes, edges


class _Missing:
    pass


_MISSING = _Missing()


def _missing(cls: type, field: str, message: str, fix: str) -> FieldValidationError:
    """A required value (a key, a required field, an edge's end) is None at flush time."""
    return FieldValidationError(message, model=cls, field=field, value=None, rule="required", hint=f"{fix} before flushing")

"""Entity state transitions: the identity map, add / delete / expunge, expiry, and what
commit and rollback do to each entity (no I/O)."""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from itertools import compress, repeat
from typing import Any, NamedTuple
from uuid import UUID

from runic.ogm.core.collector import gc_paused
from runic.ogm.core.state import STATE_ATTR, EntityState, InstanceState
from runic.ogm.exceptions import DetachedEntityError, SessionError
from runic.ogm.mapper import Mapper
from runic.ogm.mapper.mapper import ElementKey, as_list, hashable_key, is_edge_model

from ._core_state import CoreState
from ._entity import entity_repr, state_of

__all__ = ["AddRule", "EntityStates"]


_UNKNOWN: Any = object()

#: field types whose values cannot change in place (validation keeps other values out)
_IMMUTABLE_TYPES = frozenset({int, float, str, bool, bytes, Decimal, UUID, date, datetime, time, timedelta})


def _scalar_fields(fields: dict[str, Any], names: tuple[str, ...]) -> bool:
    """Every field of ``names`` is declared with an immutable scalar type."""
    for name in names:
        kind = getattr(fields.get(name), "python_type", None)
        if kind not in _IMMUTABLE_TYPES and not (isinstance(kind, type) and issubclass(kind, Enum)):
            return False
    return True


class AddRule(NamedTuple):
    """What the unit of work needs of one model class to stage it and record its create."""

    root: type  #: the identity map's root class
    generated: bool  #: the key is the database's id (none before the create)
    key_name: str | None  #: the declared key field read directly, else ``None``
    edge: bool
    cascades: tuple[str, ...]  #: relations declared ``cascade=True``
    sets_key: bool  #: the mapper writes the element id into the key field once created
    scalar: bool  #: its stored fields all hold immutable scalars (a stored map needs no copy)


class EntityStates(CoreState):
    """Which entities a session holds and in which state; every transition between states."""

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
        persistent = EntityState.PERSISTENT
        # converter-free models without relations compare their values side by side here
        # (what ``is_modified`` does for them, without its calls per entity)
        own = type(self.mapper).is_modified is Mapper.is_modified and type(self).is_modified is EntityStates.is_modified
        plain_names: dict[type, tuple[str, ...] | None] = {}
        # a model whose fields all hold immutable scalars changes only by assignment, and an
        # assignment pins the entity (``note_modified``): its unpinned entities are unchanged
        by_assignment: dict[type, bool] = {}
        pinned = self.identity._pinned
        entities = self.identity.entities()
        for cls in set(map(type, entities)):
            plan = self.mapper.plan(cls)
            names = plain_names[cls] = plan.plain if own and not plan.converted and not plan.relations else None
            by_assignment[cls] = names is not None and self._add_rule(cls).scalar
        if all(by_assignment.values()):  # only the pinned persistent ones can have changed
            wanted = pinned.keys() - self._pending.keys()
            entities = list(compress(entities, map(wanted.__contains__, map(id, entities))))
        for entity in entities:
            cls = type(entity)
            if by_assignment[cls] and id(entity) not in pinned:
                continue
            names = plain_names[cls]
            state = getattr(entity, STATE_ATTR)  # the map holds entities only
            if state.state is not persistent:
                continue
            if names is None:
                if self.is_modified(entity):
                    out.append(entity)
                continue
            committed = state.committed
            if state.expired and not committed:
                continue
            if list(map(entity.__dict__.get, names)) != list(map(committed.get, names, repeat(_UNKNOWN))):
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
            state_of(entity).key = None if isinstance(ikey[1], ElementKey) else ikey[1]
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

    def add_all(self, entities: Iterable[Any]) -> list[Any]:
        """``add`` each of ``entities``; returns every entity staged (cascades included).

        A new node of a class already seen, without cascades, whose key is the database's
        or a declared one it holds, is staged here directly; everything else goes through
        ``_add`` (which also raises every error)."""
        with gc_paused():  # each staged entity gets map entries and a weak reference that all stay
            return self._add_all(entities)

    def _add_all(self, entities: Iterable[Any]) -> list[Any]:
        added: list[Any] = []
        append = added.append
        add = self._add
        owner = self.owner
        pending = self._pending
        identity = self.identity
        refs = identity._refs
        pinned = identity._pinned
        rules = self._add_rules
        transient, pending_state = EntityState.TRANSIENT, EntityState.PENDING
        ref_to = weakref.ref
        for entity in entities:
            state = getattr(entity, STATE_ATTR, None)
            rule = rules.get(type(entity))
            if (
                rule is None or rule.edge or rule.cascades or type(state) is not InstanceState
                or state.state is not transient or state.session is not None
            ):
                add(entity, added, cascade_only=False)
                continue
            if rule.generated and state.element_id is None:
                ikey = None
            elif rule.key_name is not None and (key := entity.__dict__.get(rule.key_name)) is not None:
                ikey = (rule.root, key if type(key) is str else hashable_key(key))
                ref = refs.get(ikey)
                if ref is not None and ref() is not None:  # taken (``_add`` says by whom)
                    add(entity, added, cascade_only=False)
                    continue
                state.key = ikey[1]
                refs[ikey] = ref_to(entity)
            else:
                add(entity, added, cascade_only=False)
                continue
            state.session = owner
            state.state = pending_state
            pending[id(entity)] = entity
            pinned[id(entity)] = entity
            append(entity)
        identity.sweep_if_grown()
        return added

    def _add_rule(self, cls: type) -> AddRule:
        """What staging and recording a create need of ``cls``, worked out once."""
        rule = self._add_rules.get(cls)
        if rule is None:
            mapper = self.mapper
            kind = type(mapper)
            # the shortcuts below are Mapper's own key rules; a mapper that overrides them is asked
            own = all(getattr(kind, name) is getattr(Mapper, name) for name in ("key_of", "identity_key", "root_class"))
            database_key = mapper.has_database_key(cls)
            rule = self._add_rules[cls] = AddRule(
                root=mapper.root_class(cls),
                generated=own and database_key,
                key_name=mapper.pk_name(cls) if own and not database_key else None,
                edge=is_edge_model(cls),
                cascades=tuple(name for name, info in mapper.relation_fields(cls).items() if getattr(info, "cascade", False)),
                sets_key=kind.set_database_key is not Mapper.set_database_key or (database_key and mapper.pk_info(cls) is not None),
                scalar=not mapper.plan(cls).converted and _scalar_fields(mapper.fields(cls), tuple(mapper.property_fields(cls))),
            )
        return rule

    def _identity_key_by_rule(self, entity: Any, state: InstanceState, rule: AddRule) -> Any:
        """``identity_key_of(entity)``, the short way where ``rule`` allows it."""
        if rule.generated:  # the key is the database's id: none until the node exists
            element_id = state.element_id
            return None if element_id is None else (rule.root, hashable_key(element_id))
        if rule.key_name is not None:
            key = entity.__dict__.get(rule.key_name)
            if key is not None:
                return (rule.root, hashable_key(key))
        return self.identity_key_of(entity)

    def _check_not_foreign(self, entity: Any, state: InstanceState, hint: str) -> None:
        if state.session is not None and state.session is not self.owner and state.state is not EntityState.DETACHED:
            raise SessionError(f"{entity_repr(entity)} belongs to another session", session=self.owner, hint=hint)

    def _add(self, entity: Any, added: list[Any], *, cascade_only: bool) -> None:
        state = state_of(entity)
        self._check_not_foreign(entity, state, "expunge it there first, or copy it into this session with session.merge(obj)")
        rule = self._add_rule(type(entity))
        if state.state is EntityState.TRANSIENT:
            state.session = self.owner
            state.state = EntityState.PENDING
            self._pending[id(entity)] = entity
            self.identity.pin(entity)
            ikey = self._identity_key_by_rule(entity, state, rule)
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
        if rule.edge or rule.cascades:
            self._cascade(entity, added, rule.edge, rule.cascades)

    def _cascade(self, entity: Any, added: list[Any], edge: bool, cascades: tuple[str, ...]) -> None:
        if edge:
            for end in ("source", "target"):
                node = entity.__dict__.get(end)
                if node is not None and state_of(node).state is EntityState.TRANSIENT:
                    self._add(node, added, cascade_only=True)
            return
        for name in cascades:
            if name not in entity.__dict__:
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
        self._check_not_foreign(entity, state, "delete it through the session it is attached to")
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
        self._changed_flushed.pop(id(entity), None)
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
        self._changed_flushed.clear()
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
        self._changed_flushed.clear()
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
            self._restore_pre_transaction()
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
        self._changed_flushed.clear()
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

    def restage_uncommitted(self) -> dict[str, int]:
        """The backend transaction is gone: stage again everything it wrote.

        Entities created since the last commit become pending again, changed ones dirty
        again (their stored snapshot is the one from before the transaction), flushed
        deletes are staged deletes again — so the next flush writes them all. Returns the
        counts ``{"new": …, "changed": …, "deleted": …}``.
        """
        created = [e for e in self._created_flushed.values() if state_of(e).session is self.owner]
        created_ids = {id(e) for e in created}
        changed = 0
        for key, (entity, _committed, _relations) in list(self._changed_flushed.items()):
            if key in created_ids or state_of(entity).session is not self.owner:
                continue
            self._restore_pre_transaction_of(key)
            if state_of(entity).state is EntityState.PERSISTENT:
                self.identity.pin(entity)
                changed += 1
        for entity in created:
            self._unflush_created(entity)
        deleted = list(self._deleted_flushed.values())
        for entity in deleted:
            self._restore_pre_transaction_of(id(entity))
            self._deleted[id(entity)] = entity
        self._deleted_flushed.clear()
        self._created_flushed.clear()
        self._changed_flushed.clear()
        return {"new": len(created), "changed": changed, "deleted": len(deleted)}

    def _restore_pre_transaction(self) -> None:
        for key in list(self._changed_flushed):
            self._restore_pre_transaction_of(key)

    def _restore_pre_transaction_of(self, key: int) -> None:
        saved = self._changed_flushed.pop(key, None)
        if saved is not None:
            entity, committed, relations = saved
            state = state_of(entity)
            state.committed = committed
            state.committed_relations = relations

    def _unflush_created(self, entity: Any) -> None:
        """A created entity whose CREATE was rolled back: pending again, as if just added."""
        state = state_of(entity)
        ikey = self.identity_key_of(entity)
        if ikey is not None:
            self.identity.remove(ikey, entity)
        if state.element_id is not None:
            self._node_by_eid.pop(state.element_id, None)
            state.element_id = None
            self.mapper.set_database_key(entity, None)  # a generated key named the rolled-back node
        state.state = EntityState.PENDING
        state.committed = {}
        state.committed_relations = {}
        state.expired = False
        self._pending[id(entity)] = entity
        self.identity.pin(entity)
        ikey = self.identity_key_of(entity)
        if ikey is not None:
            self.identity.add(ikey, entity)
            state.key = ikey[1]

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

"""``Mapper``: entities to property maps and database records back to entities. No I/O.

The session core uses one mapper to encode what it writes (``properties``) and to decode
what it reads (``node_from_record`` / ``edge_from_record``). Values pass through each
field's ``FieldInfo.to_db`` / ``from_db``; stored properties no field declares are kept,
read-only, in the entity's ``InstanceState.extra_properties``.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from itertools import repeat
from typing import Any, Self

from runic.ogm.core.metadata import fields_of, get_metadata
from runic.ogm.core.models import is_edge_model, node_labels
from runic.ogm.core.state import STATE_ATTR, EntityState, InstanceState
from runic.ogm.driver.result import EdgeRecord, NodeRecord
from runic.ogm.exceptions import FieldValidationError, MetadataError, OrmError, did_you_mean

__all__ = ["DATABASE_KEY", "MUTABLE_TYPES", "ElementKey", "Mapper", "as_list", "hashable_key", "is_edge_model", "node_labels"]

#: ``FieldInfo.generated`` values meaning "the database's internal id is the key"
DATABASE_KEY = (True, "database")


class ElementKey(tuple):
    """The identity of a stored entity that lacks its key property (written by another
    tool): the database's element id. Never equal to a declared key value."""

    __slots__ = ()

    def __new__(cls, element_id: Any) -> Self:
        return super().__new__(cls, (element_id,))

    @property
    def element_id(self) -> Any:
        return self[0]

    def __eq__(self, other: object) -> bool:
        return type(other) is ElementKey and tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((ElementKey, self[0]))

    def __repr__(self) -> str:
        return f"<element id {self[0]!r}>"


def _fields_of(cls: type) -> dict[str, Any]:
    return fields_of(cls)


#: a committed value no property holds (a property missing from the snapshot)
_ABSENT = object()

#: stored value types that ``snapshot`` copies
MUTABLE_TYPES = _MUTABLE = frozenset({list, dict})


def snapshot(value: Any) -> Any:
    """A copy of a stored value that later in-place edits of the entity's value cannot change."""
    if type(value) is dict:  # a property map: copy it, recursing only into containers
        return {k: v if type(v) not in _MUTABLE else snapshot(v) for k, v in value.items()}
    if isinstance(value, list):
        return [snapshot(v) for v in value]
    if isinstance(value, dict):
        return {k: snapshot(v) for k, v in value.items()}
    return value


def _state_defaults() -> tuple[tuple[str, Any], ...]:
    proto = InstanceState(None)
    names = [n for n in InstanceState.__slots__ if n not in ("__weakref__", "entity_ref")]
    return tuple((n, getattr(proto, n)) for n in names)


_STATE_DEFAULTS = _state_defaults()


_KNOWN_SLOTS = (
    "entity_ref", "state", "session", "key", "element_id", "committed",
    "committed_relations", "expired", "loaded_relations", "extra_properties", "__weakref__",
)
_TRANSIENT = dict(_STATE_DEFAULTS).get("state")


_new_state = InstanceState.__new__
_weakref = weakref.ref
_PERSISTENT = EntityState.PERSISTENT


def _new_state_generic(entity: Any) -> InstanceState:
    state = InstanceState.__new__(InstanceState)
    for name, default in _STATE_DEFAULTS:
        setattr(state, name, default.copy() if isinstance(default, (dict, set, list)) else default)
    state.entity_ref = weakref.ref(entity)
    return state


def _new_state_known(entity: Any) -> InstanceState:
    state = InstanceState.__new__(InstanceState)
    state.entity_ref = weakref.ref(entity)
    state.state = _TRANSIENT
    state.session = state.key = state.element_id = None
    state.committed = {}
    state.committed_relations = {}
    state.expired = False
    state.loaded_relations = set()
    state.extra_properties = {}
    return state


#: a fresh ``InstanceState`` for an entity (what ``InstanceState(entity)`` gives, built faster)
new_state = _new_state_known if set(InstanceState.__slots__) == set(_KNOWN_SLOTS) else _new_state_generic


class _ClassPlan:
    """What the mapper needs of one model class, computed once."""

    __slots__ = (
        "converted", "database_key", "field_names", "fields", "pk_converted", "pk_info", "pk_name", "plain", "prop_fields", "props",
        "relations",
    )

    def __init__(self, cls: type) -> None:
        fields = dict(_fields_of(cls))
        self.fields = fields
        self.field_names = frozenset(fields)
        self.prop_fields = {
            name: info
            for name, info in fields.items()
            if not info.is_relation and not (getattr(info, "primary_key", False) and getattr(info, "generated", False) in DATABASE_KEY)
        }
        self.props = tuple((name, info, getattr(info, "converter", None)) for name, info in self.prop_fields.items())
        #: stored properties read as they are, and those that go through a converter
        self.plain = tuple(name for name, _, converter in self.props if converter is None)
        self.converted = tuple((name, info) for name, info, converter in self.props if converter is not None)
        self.relations = {name: info for name, info in fields.items() if info.is_relation}
        self.pk_name = next((n for n, info in fields.items() if getattr(info, "primary_key", False)), None)
        self.pk_info = fields[self.pk_name] if self.pk_name is not None else None
        self.database_key = self.pk_info is None or getattr(self.pk_info, "generated", False) in DATABASE_KEY
        #: does reading the key need its field's converter?
        self.pk_converted = self.pk_info is not None and getattr(self.pk_info, "converter", None) is not None


def create_labels(model: type) -> tuple[str, ...]:
    """Labels a created node of ``model`` gets (``__labels__``: inherited first, then own)."""
    labels = getattr(model, "__labels__", None)
    if labels:
        return tuple(labels)
    return node_labels(model)


#: the methods a session's node hydration relies on; overriding any turns its shortcut off
_HYDRATION_STEPS = (
    "class_for_labels", "record_identity", "root_class", "identity_key", "plan", "decode", "node_from_record", "new_instance", "populate",
)


class Mapper:
    """Encoder/decoder between model instances and the database's records (no I/O).

    A custom mapper (``Session(driver, mapper=MyMapper())``) may override any method; the
    session core calls only these.
    """

    def __init__(self, metadata: Any = None) -> None:
        self._metadata = metadata
        self._plans: dict[type, _ClassPlan] = {}
        self._root_cache: dict[type, type] = {}
        self._class_cache: dict[tuple[type | None, tuple[str, ...]], type] = {}
        self._own_hydration: bool | None = None

    # -- metadata lookups ------------------------------------------------------------------
    @property
    def metadata(self) -> Any:
        if self._metadata is None:
            return get_metadata()
        return self._metadata

    def plan(self, cls: type) -> _ClassPlan:
        plan = self._plans.get(cls)
        if plan is None:
            plan = self._plans[cls] = _ClassPlan(cls)
        return plan

    def builds_entities_itself(self) -> bool:
        """True when this mapper's hydration steps are ``Mapper``'s own, so the session may
        resolve a record's class and identity once per label set instead of per record."""
        fast = self._own_hydration
        if fast is None:
            kind = type(self)
            fast = self._own_hydration = all(getattr(kind, name) is getattr(Mapper, name) for name in _HYDRATION_STEPS)
        return fast

    def fields(self, cls: type) -> dict[str, Any]:
        """``name → FieldInfo`` of ``cls`` (inherited first, relations included)."""
        return self.plan(cls).fields

    def property_fields(self, cls: type) -> dict[str, Any]:
        """Fields stored as properties: no relations, no database-generated key."""
        return self.plan(cls).prop_fields

    def relation_fields(self, cls: type) -> dict[str, Any]:
        return self.plan(cls).relations

    def pk_name(self, cls: type) -> str | None:
        """Name of the primary-key field, or ``None`` (keyless edges)."""
        return self.plan(cls).pk_name

    def pk_info(self, cls: type) -> Any:
        return self.plan(cls).pk_info

    def has_database_key(self, cls: type) -> bool:
        """True when the key is the database's internal id (or there is no declared key)."""
        return self.plan(cls).database_key

    def root_class(self, cls: type) -> type:
        """The hierarchy root: the least derived registered model among ``cls``'s bases."""
        try:
            return self._root_cache[cls]
        except KeyError:
            pass
        registry = self.metadata
        edge = is_edge_model(cls)
        root = cls
        for klass in reversed(cls.__mro__):
            if not isinstance(klass, type) or klass.__dict__.get("__abstract__", False):
                continue
            meta = registry.get_edge_meta(klass) if edge else registry.get_node_meta(klass)
            if meta is not None and getattr(meta, "model_cls", None) is klass:
                root = klass
                break
        self._root_cache[cls] = root
        return root

    def identity_key(self, cls: type, key: Any) -> tuple[type, Any]:
        return (self.root_class(cls), _hashable(key))

    def key_of(self, entity: Any) -> Any:
        """The entity's identity value: its declared key, else its database id (``None`` until known).

        A stored entity without its key property (written by another tool) is known by its
        element id, as an ``ElementKey``.
        """
        cls = type(entity)
        if self.has_database_key(cls):
            return getattr(entity, STATE_ATTR).element_id
        key = entity.__dict__.get(self.pk_name(cls))
        if key is None:
            element_id = getattr(entity, STATE_ATTR).element_id
            if element_id is not None:
                return ElementKey(element_id)
        return key

    def db_key(self, cls: type, key: Any) -> Any:
        """A key value as stored (through the key field's converter)."""
        if self.has_database_key(cls):
            return key
        return self.pk_info(cls).to_db(key)

    # -- encoding -------------------------------------------------------------------------------
    def properties(self, entity: Any) -> dict[str, Any]:
        """Every stored property of ``entity`` in db form (``None`` for unset ones)."""
        data = entity.__dict__
        plan = self.plan(type(entity))
        if not plan.converted:
            get = data.get
            return {name: get(name) for name in plan.plain}
        out = {}
        for name, info, converter in plan.props:
            value = data.get(name)
            out[name] = value if value is None or converter is None else info.to_db(value)
        return out

    def is_modified(self, entity: Any, committed: dict[str, Any], committed_relations: dict[str, tuple]) -> bool:
        """Does any property or loaded relation differ from the snapshot?"""
        plan = self.plan(type(entity))
        data = entity.__dict__
        if not plan.converted:  # stored as they are: compare the values side by side
            if list(map(data.get, plan.plain)) != list(map(committed.get, plan.plain, repeat(_ABSENT))):
                return True
            props: tuple = ()
        else:
            props = plan.props
        for name, info, converter in props:
            value = data.get(name)
            if value is not None and converter is not None:
                value = info.to_db(value)
            try:
                if committed[name] != value:
                    return True
            except KeyError:
                return True
        for name in plan.relations:
            if name in data:
                keys = self.relation_keys(entity, name)
                if set(keys) != set(committed_relations.get(name, ())):
                    return True
        return False

    def relation_keys(self, entity: Any, name: str) -> tuple[Any, ...] | None:
        """Identity keys of a loaded relation's targets (``None`` when not loaded)."""
        if name not in entity.__dict__:
            return None
        value = entity.__dict__[name]
        targets = as_list(value)
        return tuple(self.key_of(t) for t in targets)

    # -- decoding -------------------------------------------------------------------------------
    def class_for_labels(self, labels: Iterable[str], model: type | None = None) -> type:
        """The most specific registered node class whose ``__labels__`` the node carries.

        With ``model``, only ``model`` and its subclasses are candidates (``model`` itself
        when none matches better)."""
        labels = tuple(labels)
        cache_key = (model, labels)
        cached = self._class_cache.get(cache_key)
        if cached is not None:
            return cached
        have = set(labels)
        best: type | None = None
        best_size = -1
        for meta in list(self.metadata.nodes.values()):
            cls = getattr(meta, "model_cls", None)
            if cls is None or (model is not None and not issubclass(cls, model)):
                continue
            wanted = set(create_labels(cls))
            if wanted <= have and len(wanted) > best_size:
                best, best_size = cls, len(wanted)
        if best is None:
            if model is None:
                known = sorted(self.metadata.nodes)
                raise MetadataError(
                    f"no registered Node model carries the labels {list(labels)}",
                    hint=(did_you_mean(labels[0], known) if labels else "") or "declare a Node class for this label, or pass the model to hydrate()",
                )
            best = model
        self._class_cache[cache_key] = best
        return best

    def class_for_type(self, edge_type: str, model: type | None = None) -> type:
        if model is not None:
            return model
        meta = self.metadata.get_edge_meta(edge_type)
        if meta is None:
            raise MetadataError(
                f"no registered Edge model has the type {edge_type!r}",
                hint="declare an Edge class with this type, or pass the model to hydrate()",
            )
        return meta.model_cls

    def new_instance(self, cls: type, element_id: Any) -> Any:
        """A blank persistent instance of ``cls`` (no ``__init__``, no validation)."""
        entity = cls.__new__(cls)
        state = new_state(entity)
        state.state = EntityState.PERSISTENT
        state.element_id = element_id
        object.__setattr__(entity, STATE_ATTR, state)
        return entity

    def set_database_key(self, entity: Any, element_id: Any) -> None:
        """Show a database-generated key (``Field(primary_key=True, generated=True)``) on the
        entity: the field holds the element id once the node exists."""
        plan = self.plan(type(entity))
        if plan.database_key and plan.pk_info is not None:
            entity.__dict__[plan.pk_info.name] = element_id

    def build_persistent(self, cls: type, plan: _ClassPlan, element_id: Any, properties: dict[str, Any]) -> Any:
        """``new_instance`` + ``populate`` in one step, for the session's bulk hydration.

        ``plan`` is ``self.plan(cls)``. The result is the same as calling the two."""
        if plan.converted or new_state is not _new_state_known or tuple(properties) != plan.plain:
            entity = self.new_instance(cls, element_id)
            self.populate(entity, properties)
            return entity
        entity = cls.__new__(cls)
        state = _new_state(InstanceState)
        state.entity_ref = _weakref(entity)
        state.state = _PERSISTENT
        state.session = state.key = None
        state.element_id = element_id
        state.committed_relations = {}
        state.expired = False
        state.loaded_relations = set()
        state.extra_properties = {}
        data = entity.__dict__
        data[STATE_ATTR] = state
        data.update(properties)
        if _MUTABLE.isdisjoint(map(type, properties.values())):
            state.committed = properties.copy()
        else:
            state.committed = {name: snapshot(value) for name, value in properties.items()}
        if not plan.database_key:
            state.key = data.get(plan.pk_name)
        else:
            state.key = element_id
        return entity

    def populate(self, entity: Any, properties: dict[str, Any]) -> None:
        """Set ``entity``'s fields from stored ``properties`` and snapshot them as committed.

        Loaded relation values are left alone. Undecodable values raise FieldValidationError.
        """
        cls = type(entity)
        state: InstanceState = getattr(entity, STATE_ATTR)
        plan = self.plan(cls)
        data = entity.__dict__
        get = properties.get
        committed = {name: get(name) for name in plan.plain}
        data.update(committed)
        if not _MUTABLE.isdisjoint(map(type, committed.values())):
            committed = {name: snapshot(value) for name, value in committed.items()}
        for name, info in plan.converted:
            raw = get(name)
            if raw is None:
                data[name] = committed[name] = None
            else:
                value = data[name] = self.decode(cls, name, info, raw)
                committed[name] = snapshot(info.to_db(value))
        if not properties.keys() <= plan.field_names:
            all_fields = plan.fields
            state.extra_properties = {k: v for k, v in properties.items() if k not in all_fields}
        elif state.extra_properties:
            state.extra_properties = {}
        state.committed = committed
        state.expired = False
        state.key = state.element_id if plan.database_key else data.get(plan.pk_name)

    def decode(self, cls: type, name: str, info: Any, raw: Any) -> Any:
        if raw is None:
            return None
        try:
            return info.from_db(raw)
        except OrmError:
            raise
        except Exception as exc:
            raise FieldValidationError(
                f"{cls.__name__}.{name}: stored value {_short(raw)} cannot be decoded ({exc})",
                model=cls,
                field=name,
                value=raw,
                rule="decode",
                hint="fix the stored value, or change the field's type or converter",
            ) from exc

    def node_from_record(self, record: NodeRecord, model: type | None = None) -> Any:
        """A new persistent entity of the most specific class for ``record``'s labels."""
        cls = self.class_for_labels(record.labels, model)
        entity = self.new_instance(cls, record.id)
        self.populate(entity, record.properties)
        return entity

    def edge_from_record(self, record: EdgeRecord, model: type | None = None) -> Any:
        """A new persistent edge entity; endpoints are attached by the session when known."""
        cls = self.class_for_type(record.type, model)
        entity = self.new_instance(cls, record.id)
        self.populate(entity, record.properties)
        return entity

    def detached_from_record(self, record: NodeRecord | EdgeRecord, model: type | None = None) -> Any:
        """An entity for ``record`` that belongs to no session (state ``DETACHED``): what is
        shown for rows read without a session. Edge endpoints are not attached."""
        if isinstance(record, NodeRecord):
            entity = self.node_from_record(record, model)
        else:
            entity = self.edge_from_record(record, model)
        entity.__dict__[STATE_ATTR].state = EntityState.DETACHED
        return entity

    def record_identity(self, record: NodeRecord | EdgeRecord, model: type | None = None) -> tuple[type, tuple[type, Any]]:
        """``(class, identity-map key)`` a record maps to, without building an entity."""
        if isinstance(record, NodeRecord):
            cls = self.class_for_labels(record.labels, model)
        else:
            cls = self.class_for_type(record.type, model)
        plan = self.plan(cls)
        if plan.database_key:
            key = record.id
        else:
            name = plan.pk_name
            key = self.decode(cls, name, plan.pk_info, record.properties.get(name))
            if key is None:
                key = ElementKey(record.id)
        return cls, (self.root_class(cls), _hashable(key))


def hashable_key(value: Any) -> Any:
    """``value`` as an identity-map key: itself when hashable, else a hashable stand-in."""
    return _hashable(value)


def as_list(value: Any) -> list[Any]:
    """A relation value as a list: ``None`` → ``[]``, one entity → ``[entity]``."""
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return [value]


def _hashable(value: Any) -> Any:
    try:
        hash(value)
        return value
    except TypeError:
        if isinstance(value, dict):
            return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
        if isinstance(value, (list, tuple)):
            return tuple(_hashable(v) for v in value)
        return repr(value)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."

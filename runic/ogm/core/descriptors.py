"""``Field()`` and ``Relation()`` declarations and the descriptor behind them.

A class body declares; ``Node``/``Edge.__init_subclass__`` binds each descriptor to its
owner once (``FieldDescriptor.bind``), and everything else reads ``FieldInfo``.
On the class, a field is its descriptor (``Person.age > 30`` builds a query expression);
on an instance, it is the value.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any

from runic.cypher import is_plain_identifier
from runic.ogm.exceptions import FieldValidationError, LazyLoadError, MetadataError, did_you_mean

from .ambient import is_async_session
from .expressions import compare, order
from .state import STATE_ATTR
from .types import TypeConverter, VectorConverter, converter_for, unwrap_optional
from .validation import check_value

__all__ = ["MISSING", "Field", "FieldDescriptor", "FieldInfo", "Relation"]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()

_INDEX_TYPES = {
    "range": ("exact", False),
    "exact": ("exact", False),
    "unique": ("exact", True),
    "fulltext": ("fulltext", False),
    "vector": ("vector", False),
}
_DIRECTIONS = ("outgoing", "incoming", "both")
_SIMILARITIES = ("cosine", "euclidean")


class FieldInfo:
    """Everything declared about one field or relation, normalised."""

    def __init__(self, **options: Any) -> None:
        # seed members
        self.default: Any = options.pop("default", MISSING)
        self.converter: TypeConverter | None = options.pop("converter", None)
        self.is_relation: bool = options.pop("is_relation", False)
        self.relation_type: str | None = options.pop("relation_type", None)
        self._target: Any = options.pop("target", None)
        # set by bind()
        self.name: str | None = None
        self.owner: type | None = None
        self.annotation: Any = None
        self.python_type: Any = None
        self.is_collection: bool = False
        # field options
        self.default_factory: Callable[[], Any] | None = options.pop("default_factory", None)
        self.init: bool = options.pop("init", True)
        self.kw_only: bool = options.pop("kw_only", True)
        self.primary_key: bool = options.pop("primary_key", False)
        self.generated: Any = options.pop("generated", False)
        self.required: bool = options.pop("required", False)
        self.interned: bool = options.pop("interned", False)
        self.index: bool = options.pop("index", False)
        self.unique: bool | None = options.pop("unique", None)
        self.fulltext: bool = options.pop("fulltext", False)
        self.vector: bool = options.pop("vector", False)
        self.dimension: int | None = options.pop("dimension", None)
        self.similarity: str | None = options.pop("similarity", None)
        self.index_type: str | None = options.pop("index_type", None)
        self.min_value = options.pop("min_value", None)
        self.max_value = options.pop("max_value", None)
        self.min_length: int | None = options.pop("min_length", None)
        self.max_length: int | None = options.pop("max_length", None)
        self.pattern: str | None = options.pop("pattern", None)
        self.choices = options.pop("choices", None)
        self.validator: Callable[[Any], Any] | None = options.pop("validator", None)
        self.description: str | None = options.pop("description", None)
        # relation options
        self.direction: str = options.pop("direction", "outgoing")
        self._edge_model: Any = options.pop("edge_model", None)
        self.lazy: bool = options.pop("lazy", True)
        self.cascade: bool = options.pop("cascade", False)
        if options:
            raise TypeError(f"unknown field options: {', '.join(sorted(options))}")

    # -- derived -----------------------------------------------------------------
    @property
    def relationship(self) -> str | None:
        return self.relation_type

    @property
    def field(self) -> FieldInfo:
        return self

    @property
    def has_default(self) -> bool:
        return self.default is not MISSING or self.default_factory is not None

    def get_default(self) -> Any:
        if self.default_factory is not None:
            return self.default_factory()
        if self.default is MISSING:
            return None
        if isinstance(self.default, (list, dict, set)):
            return type(self.default)(self.default)
        return self.default

    @property
    def db_type(self) -> str | None:
        return getattr(self.converter, "db_type", None)

    @property
    def is_database_key(self) -> bool:
        return self.primary_key and self.generated in (True, "database")

    @property
    def target_model(self) -> type | None:
        """The relation's target class; names and forward references resolve on first use."""
        target = self._target
        if target is None or isinstance(target, type):
            return target
        from .metadata import get_metadata

        name = target if isinstance(target, str) else getattr(target, "__forward_arg__", str(target))
        cls = get_metadata().resolve_model_name(name, context=self.owner)
        if cls is None:
            known = [c.__name__ for c in get_metadata().all_nodes()]
            hint = did_you_mean(name, known) or "declare that model before using the relation"
            raise MetadataError(
                f"{_where(self)}: target {name!r} is not a registered model",
                hint=hint,
                model=self.owner,
                field=self.name,
            )
        self._target = cls
        return cls

    @target_model.setter
    def target_model(self, value: Any) -> None:
        self._target = value

    @property
    def edge_model(self) -> type | None:
        """The relation's Edge class; a name (class name or type) resolves on first use."""
        model = self._edge_model
        if model is None or isinstance(model, type):
            return model
        from .metadata import get_metadata

        registry = get_metadata()
        found = registry.resolve_edge(model) or next((c for c in registry.all_edges() if c.__name__ == model), None)
        if found is None:
            known = [c.__name__ for c in registry.all_edges()]
            raise MetadataError(
                f"{_where(self)}: edge_model {model!r} is not a registered Edge model",
                hint=did_you_mean(model, known) or "declare the Edge class before using the relation",
                model=self.owner,
                field=self.name,
            )
        self._edge_model = found
        return found

    @edge_model.setter
    def edge_model(self, value: Any) -> None:
        self._edge_model = value

    # -- conversion ------------------------------------------------------------------
    def to_db(self, value: Any) -> Any:
        if value is None or self.converter is None:
            return value
        return self.converter.to_db(value)

    def from_db(self, value: Any) -> Any:
        if value is None or self.converter is None:
            return value
        return self.converter.from_db(value)

    def validate(self, value: Any) -> Any:
        return check_value(self, value)

    def __repr__(self) -> str:
        kind = f"Relation({self.relation_type!r})" if self.is_relation else "Field"
        return f"<FieldInfo {_where(self)} {kind}>"


def _where(info: FieldInfo) -> str:
    return f"{getattr(info.owner, '__name__', '?')}.{info.name}"


def _normalise_index(info: FieldInfo, owner_name: str, name: str) -> None:
    """Fold index keywords into ``index_type``/``unique`` and check they agree."""
    kinds: set[str] = set()
    unique = bool(info.unique)
    if info.index_type is not None:
        key = str(info.index_type).lower()
        if key not in _INDEX_TYPES:
            raise MetadataError(
                f"{owner_name}.{name}: index_type {info.index_type!r} is unknown",
                hint="use 'exact' (RANGE), 'UNIQUE', 'fulltext' or 'vector'",
                field=name,
            )
        kind, is_unique = _INDEX_TYPES[key]
        kinds.add(kind)
        unique = unique or is_unique
    if info.index or unique:
        kinds.add("exact")
    if info.fulltext:
        kinds.add("fulltext")
    if info.vector:
        kinds.add("vector")
    if len(kinds) > 1:
        raise MetadataError(
            f"{owner_name}.{name} declares several index kinds ({', '.join(sorted(kinds))})",
            hint="declare one of index/unique, fulltext or vector per field",
            field=name,
        )
    kind = kinds.pop() if kinds else None
    if unique and kind != "exact":
        raise MetadataError(f"{owner_name}.{name}: unique applies to exact indexes only", hint="drop unique=True or the other index keyword", field=name)
    if (info.dimension is not None or info.similarity is not None) and kind != "vector":
        raise MetadataError(f"{owner_name}.{name}: dimension/similarity apply to vector fields only", hint="add vector=True or remove them", field=name)
    if kind == "vector":
        info.similarity = (info.similarity or "cosine").lower()
        if info.similarity not in _SIMILARITIES:
            raise MetadataError(f"{owner_name}.{name}: similarity {info.similarity!r} is unknown", hint="use 'cosine' or 'euclidean'", field=name)
        if info.dimension is not None and (not isinstance(info.dimension, int) or info.dimension < 1):
            raise MetadataError(f"{owner_name}.{name}: dimension must be a positive int", hint="e.g. Field(vector=True, dimension=384)", field=name)
        if info.converter is None:
            info.converter = VectorConverter()
    info.index_type = kind
    # None stays None: a stored node key implies unique unless unique=False was given
    info.unique = unique if (unique or info.unique is not None) else None
    info.index = kind == "exact"
    info.fulltext = kind == "fulltext"
    info.vector = kind == "vector"


_BARE_COLLECTIONS = ("list", "set", "tuple", "frozenset", "List", "Set", "Tuple")


def _relation_target_from_annotation(annotation: Any) -> tuple[Any, bool]:
    """``list[X]`` → (X, True); ``X | None`` → (X, False); strings parsed loosely."""
    if isinstance(annotation, str):
        text = annotation.strip().replace(" ", "")
        bare = text.split("|")[0].removeprefix("typing.")
        if bare in _BARE_COLLECTIONS:  # ``list`` / ``set`` / ``tuple`` without an item type
            return None, True
        collection = text.startswith(("list[", "List[", "typing.List[", "set[", "Set[", "tuple[", "Tuple[", "frozenset["))
        inner = text[text.index("[") + 1 : -1] if collection else text
        inner = inner.split("|")[0].strip("'\"")
        if inner.startswith("Optional["):
            inner = inner[len("Optional[") : -1]
        return (inner.strip("'\"") or None), collection
    tp = unwrap_optional(annotation)
    if tp in (list, set, tuple, frozenset, typing.List, typing.Set, typing.Tuple):  # noqa: UP006 - bare typing aliases too
        return None, True
    origin = typing.get_origin(tp)
    if origin in (list, set, tuple, frozenset):
        args = typing.get_args(tp)
        target = args[0] if args else None
        if isinstance(target, typing.ForwardRef):
            target = target.__forward_arg__
        return target, True
    if isinstance(tp, typing.ForwardRef):
        return tp.__forward_arg__, False
    return (tp if tp is not None else None), False


class FieldDescriptor:
    """The descriptor behind ``Field()`` and ``Relation()``.

    Class access returns the descriptor itself (for queries); instance access returns
    the value, loading an unloaded relation through the entity's session.
    """

    def __init__(self, field_info: FieldInfo) -> None:
        self.field_info = field_info
        self.field_name: str | None = None

    # -- declaration ---------------------------------------------------------------
    def __set_name__(self, owner: type, name: str) -> None:
        if self.field_name is None:
            self.field_name = name

    def bind(self, owner: type, name: str, annotation: Any, resolved: Any) -> None:
        """Attach to the declaring class (called once by the model base classes)."""
        info = self.field_info
        self.field_name = name
        info.name = name
        info.owner = owner
        info.annotation = annotation
        owner_name = owner.__name__
        if info.is_relation:
            if any((info.index, info.unique, info.fulltext, info.vector, info.index_type)):
                raise MetadataError(
                    f"{owner_name}.{name} is a Relation and cannot carry an index option",
                    hint="index a property of the target model instead",
                    model=owner,
                    field=name,
                )
            ann_target, collection = _relation_target_from_annotation(resolved if resolved is not None else annotation)
            info.is_collection = collection
            if info._target is None:
                info._target = ann_target
            if info.relation_type is None and info._edge_model is not None:
                if isinstance(info._edge_model, str):
                    raise MetadataError(
                        f"{owner_name}.{name}: give the relationship type when edge_model is a name",
                        hint=f'Relation("TYPE", edge_model={info._edge_model!r})',
                        model=owner,
                        field=name,
                    )
                info.relation_type = getattr(info._edge_model, "__type__", None)
            if not info.relation_type:
                raise MetadataError(
                    f"{owner_name}.{name}: Relation needs a relationship type",
                    hint='pass it first: Relation("FRIEND_OF", target=...), or edge_model=',
                    model=owner,
                    field=name,
                )
            if not is_plain_identifier(info.relation_type):
                raise MetadataError(
                    f"{owner_name}.{name}: relationship type {info.relation_type!r} is not a valid identifier",
                    hint="use letters, digits and '_' only, not starting with a digit",
                    model=owner,
                    field=name,
                )
            direction = str(info.direction).lower()
            if direction not in _DIRECTIONS:
                raise MetadataError(f"{owner_name}.{name}: direction {info.direction!r} is unknown", hint="use 'outgoing', 'incoming' or 'both'", model=owner, field=name)
            info.direction = direction
            return
        info.python_type = unwrap_optional(resolved) if resolved is not None else None
        origin = typing.get_origin(info.python_type)
        info.is_collection = origin in (list, set, tuple, frozenset) or info.python_type in (list, set, tuple, frozenset)
        _normalise_index(info, owner_name, name)
        if info.converter is None and resolved is not None:
            info.converter = converter_for(resolved)
        if info.default is not MISSING and info.default_factory is not None:
            raise MetadataError(f"{owner_name}.{name} declares both default and default_factory", hint="keep one of them", model=owner, field=name)

    # -- access ----------------------------------------------------------------------
    @property
    def name(self) -> str | None:
        return self.field_name

    @property
    def owner(self) -> type | None:
        return self.field_info.owner

    def __getattr__(self, item: str) -> Any:
        # option attributes read through (``Person.friends.relationship`` ...)
        if item.startswith("__") or item in ("field_info", "field_name"):
            raise AttributeError(item)
        try:
            return getattr(self.__dict__["field_info"], item)
        except (KeyError, AttributeError):
            raise AttributeError(f"{type(self).__name__!s} has no attribute {item!r}") from None

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        values = instance.__dict__
        name = self.field_name
        info = self.field_info
        if name in values:
            if not info.is_relation:
                state = values.get(STATE_ATTR)
                if state is not None and state.expired:
                    _reload_expired(instance, state)
            return values[name]
        if info.is_relation:
            return _lazy_load(instance, name)
        return None

    def __set__(self, instance: Any, value: Any) -> None:
        info = self.field_info
        if info.is_relation:
            if info.is_collection:
                value = [] if value is None else list(value)
            instance.__dict__[self.field_name] = value
            state = instance.__dict__.get(STATE_ATTR)
            if state is not None:
                state.loaded_relations.add(self.field_name)
            return
        value = info.validate(value)
        state = instance.__dict__.get(STATE_ATTR)
        if info.primary_key and state is not None:
            if state.key is not None and value != state.key and state.state.value in ("persistent", "deleted"):
                raise FieldValidationError(
                    f"{_where(info)}: the primary key of a stored entity cannot change",
                    hint="create a new entity with the new key and delete the old one",
                    model=info.owner,
                    field=info.name,
                    value=value,
                    rule="primary_key",
                )
            if not info.is_database_key:
                state.key = value
        instance.__dict__[self.field_name] = value
        if state is not None and state.session is not None:
            note = getattr(state.session, "_note_modified", None)
            if note is not None:  # keeps a changed entity alive in the identity map until flushed
                note(instance)

    def __delete__(self, instance: Any) -> None:
        raise AttributeError(f"cannot delete field {self.field_name!r}; assign None instead")

    # -- query expressions (class-level) -----------------------------------------------
    def _compare(self, op: str, value: Any) -> Any:
        return compare(self, op, value)

    def __eq__(self, other: object) -> Any:  # type: ignore[override]
        return self._compare("=", other)

    def __ne__(self, other: object) -> Any:  # type: ignore[override]
        return self._compare("<>", other)

    def __lt__(self, other: Any) -> Any:
        return self._compare("<", other)

    def __le__(self, other: Any) -> Any:
        return self._compare("<=", other)

    def __gt__(self, other: Any) -> Any:
        return self._compare(">", other)

    def __ge__(self, other: Any) -> Any:
        return self._compare(">=", other)

    __hash__ = object.__hash__

    def contains(self, value: Any) -> Any:
        return self._compare("CONTAINS", value)

    def startswith(self, value: Any) -> Any:
        return self._compare("STARTS WITH", value)

    def endswith(self, value: Any) -> Any:
        return self._compare("ENDS WITH", value)

    def matches(self, pattern: str) -> Any:
        return self._compare("=~", pattern)

    def in_(self, values: Any) -> Any:
        return self._compare("IN", values)

    def not_in_(self, values: Any) -> Any:
        return self._compare("NOT IN", values)

    def is_null(self) -> Any:
        return self._compare("IS NULL", None)

    def is_not_null(self) -> Any:
        return self._compare("IS NOT NULL", None)

    def asc(self) -> Any:
        return order(self, "ASC")

    def desc(self) -> Any:
        return order(self, "DESC")

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        kind = "Relation" if self.field_info.is_relation else "Field"
        owner = getattr(self.field_info.owner, "__name__", "?")
        about = f": {self.field_info.description}" if self.field_info.description else ""
        return f"<{kind} {owner}.{self.field_name}{about}>"


def _session_problem(session: Any) -> str | None:
    if session is None:
        return "detached"
    if getattr(session, "is_closed", False):
        return "closed"
    if is_async_session(session) or not callable(getattr(session, "load_relationship", None)):
        return "async"  # only an open synchronous Session loads on attribute access
    return None


def _lazy_load(instance: Any, name: str) -> Any:
    state = instance.__dict__.get(STATE_ATTR)
    session = state.session if state is not None else None
    reason = _session_problem(session)
    if reason is not None:
        fixes = {
            "detached": "load it inside a session, or fetch it up front: session.get(Model, id, fetch=[%r]) or Relation(lazy=False)",
            "closed": "read it before the session closes, or fetch it up front: fetch=[%r] or Relation(lazy=False)",
            "async": "await session.load_relationship(obj, %r) first, or fetch it up front with fetch=[...]",
        }
        raise LazyLoadError(
            f"{instance!r}.{name} is not loaded and cannot be loaded: the entity's session is {'an AsyncSession' if reason == 'async' else reason}",
            hint=fixes[reason] % name,
            entity=instance,
            operation="load",
            relation=name,
            reason=reason,
        )
    session.load_relationship(instance, name)
    return instance.__dict__.get(name)


def _reload_expired(instance: Any, state: Any) -> None:
    if _session_problem(state.session) is None:
        state.session.refresh(instance)


def Field(
    default: Any = MISSING,
    *,
    default_factory: Callable[[], Any] | None = None,
    init: bool = True,
    kw_only: bool = True,
    primary_key: bool = False,
    generated: Any = False,
    required: bool = False,
    converter: TypeConverter | None = None,
    interned: bool = False,
    index: bool = False,
    unique: bool | None = None,
    fulltext: bool = False,
    vector: bool = False,
    dimension: int | None = None,
    similarity: str | None = None,
    index_type: str | None = None,
    min_value: Any = None,
    max_value: Any = None,
    min_length: int | None = None,
    max_length: int | None = None,
    pattern: str | None = None,
    choices: Any = None,
    validator: Callable[[Any], Any] | None = None,
    description: str | None = None,
) -> Any:
    """Declare a node or edge property. Returns a ``FieldDescriptor``."""
    if kw_only is not True:
        raise MetadataError("Field(kw_only=False) is not supported: model fields are keyword-only", hint="drop kw_only and pass values by name")
    if generated not in (False, True, "uuid", "database"):
        raise MetadataError(f"generated={generated!r} is unknown", hint="use False, 'uuid', True or 'database'")
    return FieldDescriptor(
        FieldInfo(
            default=default,
            default_factory=default_factory,
            init=init,
            kw_only=kw_only,
            primary_key=primary_key,
            generated=generated,
            required=required,
            converter=converter,
            interned=interned,
            index=index,
            unique=unique,
            fulltext=fulltext,
            vector=vector,
            dimension=dimension,
            similarity=similarity,
            index_type=index_type,
            min_value=min_value,
            max_value=max_value,
            min_length=min_length,
            max_length=max_length,
            pattern=pattern,
            choices=choices,
            validator=validator,
            description=description,
        )
    )


def Relation(
    relation_type: str | None = None,
    /,
    *,
    target: Any = None,
    direction: str = "outgoing",
    edge_model: Any = None,
    lazy: bool = True,
    cascade: bool = False,
    default: Any = None,
    default_factory: Callable[[], Any] | None = None,
    init: bool = True,
    relationship: str | None = None,
    **index_options: Any,
) -> Any:
    """Declare a relationship attribute on a node. Returns a ``FieldDescriptor``."""
    if relation_type and relationship and relation_type != relationship:
        raise MetadataError(
            f"Relation got two types: {relation_type!r} and relationship={relationship!r}",
            hint="pass one of them",
        )
    if index_options:
        bad = ", ".join(sorted(index_options))
        raise MetadataError(f"Relation cannot carry index options ({bad})", hint="index a property of the target model instead")
    return FieldDescriptor(
        FieldInfo(
            is_relation=True,
            relation_type=relation_type or relationship,
            target=target,
            direction=direction,
            edge_model=edge_model,
            lazy=lazy,
            cascade=cascade,
            default=default,
            default_factory=default_factory,
            init=init,
        )
    )

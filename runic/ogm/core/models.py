"""``Node`` and ``Edge``: the declarative base classes of graph models.

The class body declares fields (``Field()``, ``Relation()`` or bare annotations);
``__init_subclass__`` records the metadata once and registers the class.

::

    class Person(Node):                      # label "Person", implicit uuid key `id`
        name: str = Field(default=None, index=True)
        friends: list["Person"] = Relation("FRIEND_OF", target="Person")

    class Rated(Edge):                       # type "RATED"
        source: User
        target: Movie
        score: int = Field(default=0, min_value=0, max_value=5)
"""

from __future__ import annotations

import sys
import typing
import uuid
from types import MappingProxyType
from typing import Any, ClassVar

from runic.cypher import is_plain_identifier
from runic.ogm.exceptions import DetachedEntityError, MetadataError, SessionError, did_you_mean

from .ambient import current_session, is_async_session
from .descriptors import MISSING, Field, FieldDescriptor, FieldInfo
from .metadata import FIELDS_ATTR, fields_of, get_metadata
from .state import STATE_ATTR, EntityState, InstanceState, inspect
from .validation import short_repr

__all__ = ["Edge", "Node", "edge_type", "is_edge_model", "node_labels"]

_RESERVED = {"save", "delete", "asave", "adelete", "to_dict"}
_REPR_LIMIT = 6


def _resolve_annotation(cls: type, annotation: Any) -> Any:
    """Evaluate a (possibly string) annotation; ``None`` when it cannot be resolved yet."""
    if not isinstance(annotation, str):
        return annotation
    module = sys.modules.get(cls.__module__)
    namespace = dict(vars(module)) if module else {}
    namespace.setdefault(cls.__name__, cls)
    namespace.setdefault("typing", typing)
    try:
        return eval(annotation, namespace, dict(vars(cls)))
    except Exception:  # noqa: BLE001 - unresolvable yet: a forward reference resolved later
        return None


def _is_classvar(annotation: Any) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is ClassVar or typing.get_origin(annotation) is ClassVar


def _optional_default(resolved: Any, annotation: Any) -> bool:
    if isinstance(annotation, str):
        text = annotation.replace(" ", "")
        return text.endswith("|None") or text.startswith(("None|", "Optional["))
    args = typing.get_args(resolved)
    return type(None) in args


class _Entity:
    """What nodes and edges share: fields, construction, serialisation, repr."""

    __abstract__: ClassVar[bool] = True
    __runic_fields__: ClassVar[dict[str, FieldInfo]] = {}
    __fields__: ClassVar[MappingProxyType] = MappingProxyType({})

    # -- class creation -----------------------------------------------------------
    @classmethod
    def _collect_fields(cls, skip: frozenset[str] = frozenset()) -> dict[str, FieldInfo]:
        inherited: dict[str, FieldInfo] = {}
        for base in reversed(cls.__mro__[1:]):
            inherited.update(getattr(base, FIELDS_ATTR, {}) if FIELDS_ATTR in base.__dict__ else {})
        own: dict[str, FieldInfo] = {}
        annotations = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 - own annotations, unevaluated
        names = list(annotations) + [n for n, v in cls.__dict__.items() if isinstance(v, FieldDescriptor) and n not in annotations]
        for name in names:
            if name in skip:
                continue
            annotation = annotations.get(name)
            value = cls.__dict__.get(name, MISSING)
            if annotation is not None and _is_classvar(annotation):
                continue
            if name.startswith("_"):
                if isinstance(value, FieldDescriptor):
                    raise MetadataError(f"{cls.__name__}.{name}: field names may not start with '_'", hint="rename the field", model=cls, field=name)
                continue
            if name in _RESERVED:
                raise MetadataError(f"{cls.__name__}.{name}: {name!r} is reserved", hint="rename the field", model=cls, field=name)
            if isinstance(value, FieldDescriptor):
                descriptor = value
            elif callable(value) or isinstance(value, (classmethod, staticmethod, property)):
                continue
            else:
                if value is MISSING and annotation is not None and _optional_default(_resolve_annotation(cls, annotation), annotation):
                    value = None
                descriptor = Field(default=value)
                setattr(cls, name, descriptor)
            previous = inherited.get(name)
            if previous is not None and previous.primary_key:
                raise MetadataError(f"{cls.__name__}.{name} redeclares the inherited key {name!r}", hint="keep the parent's key field", model=cls, field=name)
            descriptor.bind(cls, name, annotation, _resolve_annotation(cls, annotation) if annotation is not None else None)
            own[name] = descriptor.field_info
        fields = {**inherited, **own}
        keys = [n for n, info in fields.items() if info.primary_key]
        if len(keys) > 1:
            raise MetadataError(f"{cls.__name__} declares two primary keys ({', '.join(keys)})", hint="keep primary_key=True on one field", model=cls)
        if not keys and "id" in fields and not fields["id"].is_relation:
            fields["id"].primary_key = True
        return fields

    @staticmethod
    def _settle_unique(fields: dict[str, FieldInfo], keys_imply_unique: bool) -> None:
        """``unique`` left unset becomes True on a stored node key, False elsewhere."""
        for info in fields.values():
            if info.is_relation or info.unique is not None:
                continue
            implied = keys_imply_unique and info.primary_key and not info.is_database_key and info.index_type in (None, "exact")
            info.unique = implied
            if implied:
                info.index_type, info.index = "exact", True

    @classmethod
    def _install_fields(cls, fields: dict[str, FieldInfo]) -> None:
        setattr(cls, FIELDS_ATTR, fields)
        descriptors = {}
        for name in fields:
            for klass in cls.__mro__:
                if isinstance(klass.__dict__.get(name), FieldDescriptor):
                    descriptors[name] = klass.__dict__[name]
                    break
        cls.__fields__ = MappingProxyType(descriptors)

    # -- construction -------------------------------------------------------------
    def __init__(self, **values: Any) -> None:
        cls = type(self)
        if cls.__dict__.get("__abstract__", False):
            raise TypeError(f"{cls.__name__} is abstract and cannot be instantiated — subclass it")
        state = InstanceState(self)
        self.__dict__[STATE_ATTR] = state
        fields = fields_of(cls)
        unknown = [k for k in values if k not in fields or not fields[k].init]
        if unknown:
            name = unknown[0]
            hint = did_you_mean(name, [n for n, i in fields.items() if i.init]) or f"fields are: {', '.join(fields)}"
            raise TypeError(f"{cls.__name__}() got an unexpected field {name!r} — {hint}")
        missing = []
        for name, info in fields.items():
            if name in values:
                setattr(self, name, values[name])
            elif info.is_relation:
                self.__dict__[name] = [] if info.is_collection else info.get_default()
                state.loaded_relations.add(name)
            elif info.primary_key and info.generated == "uuid":
                setattr(self, name, str(uuid.uuid4()))
            elif info.is_database_key:
                self.__dict__[name] = None
            elif info.has_default:
                setattr(self, name, info.get_default())
            elif info.init:
                missing.append(name)
            else:
                self.__dict__[name] = None
        if missing:
            raise TypeError(f"{cls.__name__}() is missing required field(s): {', '.join(missing)} — pass them as keywords")

    @classmethod
    def _from_db_values(cls, values: dict[str, Any]) -> Any:
        """Build an instance from already-decoded stored values, skipping ``__init__`` and
        validation (the mapper's hook). The state is transient with its key set; the caller
        attaches it to a session."""
        obj = cls.__new__(cls)
        state = InstanceState(obj)
        obj.__dict__[STATE_ATTR] = state
        obj.__dict__.update(values)
        key = next((n for n, i in fields_of(cls).items() if i.primary_key), None)
        if key is not None:
            state.key = values.get(key)
        return obj

    # -- serialisation ------------------------------------------------------------
    def to_dict(self, *, relations: bool = False, mode: str = "python", exclude_none: bool = False) -> dict[str, Any]:
        """Properties as a plain dict. ``mode``: ``"python"``, ``"db"`` (stored form) or
        ``"json"`` (JSON-safe); ``relations=True`` adds loaded relations one level deep."""
        if mode not in ("python", "db", "json"):
            raise ValueError(f"mode {mode!r} is unknown — use 'python', 'db' or 'json'")
        out: dict[str, Any] = {}
        for name, info in fields_of(type(self)).items():
            if info.is_relation:
                if relations and name in self.__dict__:
                    value = self.__dict__[name]
                    if isinstance(value, list):
                        out[name] = [v.to_dict(mode=mode, exclude_none=exclude_none) for v in value]
                    else:
                        out[name] = value.to_dict(mode=mode, exclude_none=exclude_none) if value is not None else None
                continue
            value = self.__dict__.get(name)
            if mode != "python":
                value = info.to_db(value)
            if mode == "json":
                value = _json_safe(value)
            if value is None and exclude_none:
                continue
            out[name] = value
        return out

    def _repr_items(self) -> list[str]:
        items = []
        fields = fields_of(type(self))
        ordered = sorted(fields.items(), key=lambda kv: not kv[1].primary_key)
        for name, info in ordered:
            if info.is_relation or name not in self.__dict__:
                continue
            value = self.__dict__[name]
            if value is None and not info.primary_key:
                continue
            items.append(f"{name}={short_repr(value, 40)}")
            if len(items) >= _REPR_LIMIT:
                items.append("…")
                break
        return items

    def __repr__(self) -> str:
        try:
            return f"{type(self).__name__}({', '.join(self._repr_items())})"
        except Exception as exc:  # noqa: BLE001 - a repr never raises
            return f"<{type(self).__name__} repr-error {type(exc).__name__}>"

    # -- persistence shortcuts ----------------------------------------------------------
    def _session_for(self, operation: str, *, asynchronous: bool) -> Any:
        state = inspect(self)
        session = state.session
        if session is not None and getattr(session, "is_closed", False):
            session = None
        if session is None:
            session = current_session(asynchronous=asynchronous)
        if session is None:
            raise DetachedEntityError(
                f"{self!r} is not attached to a session",
                hint=f"call session.add(obj), or {operation} it inside 'with Session(driver):'",
                entity=self,
                operation=operation,
            )
        if is_async_session(session) != asynchronous:
            if asynchronous:
                raise SessionError(f"{self!r} belongs to a synchronous Session", hint=f"call obj.{operation}() without await", session=session)
            raise SessionError(f"{self!r} belongs to an AsyncSession", hint=f"use 'await obj.a{operation}()'", session=session)
        return session

    def save(self) -> Any:
        """Stage and flush this entity through its session (or the ambient one)."""
        session = self._session_for("save", asynchronous=False)
        session.add(self)
        session.flush()
        return self

    def delete(self) -> None:
        """Delete this entity (nodes are ``DETACH DELETE``d) through its session (or the ambient one)."""
        self._check_deletable()
        session = self._session_for("delete", asynchronous=False)
        session.delete(self)
        session.flush()

    async def asave(self) -> Any:
        """``save()`` for an entity of an ``AsyncSession``."""
        session = self._session_for("save", asynchronous=True)
        staged = session.add(self)
        if hasattr(staged, "__await__"):
            await staged
        await session.flush()
        return self

    async def adelete(self) -> None:
        """``delete()`` for an entity of an ``AsyncSession``."""
        self._check_deletable()
        session = self._session_for("delete", asynchronous=True)
        staged = session.delete(self)
        if hasattr(staged, "__await__"):
            await staged
        await session.flush()

    def _check_deletable(self) -> None:
        if inspect(self).state is EntityState.TRANSIENT:
            raise DetachedEntityError(
                f"{self!r} was never saved, so there is nothing to delete",
                hint="add it with session.add(obj) first, or just drop the object",
                entity=self,
                operation="delete",
            )


def _json_safe(value: Any) -> Any:
    import enum
    from datetime import date, datetime

    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    return value


def _check_identifier(cls: type, value: str, what: str) -> None:
    if not is_plain_identifier(value):
        raise MetadataError(
            f"{cls.__name__}: {what} {value!r} is not a valid identifier",
            hint="use letters, digits and '_' only ([A-Za-z_][A-Za-z0-9_]*)",
            model=cls,
        )


class Node(_Entity):
    """Base class of graph node models. ``__label__`` defaults to the class name."""

    __abstract__: ClassVar[bool] = True
    __label__: ClassVar[str | None] = None
    __labels__: ClassVar[tuple[str, ...]] = ()
    __primary_label__: ClassVar[str | None] = None

    def __init_subclass__(cls, *, label: str | None = None, labels: list[str] | None = None, primary_label: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        body = cls.__dict__
        abstract = bool(body.get("__abstract__", False))
        if not abstract and "__abstract__" not in body:
            cls.__abstract__ = False
        labels = labels if labels is not None else body.get("_labels")
        primary_label = primary_label or body.get("_primary_label")
        parent = next((b for b in cls.__mro__[1:] if issubclass(b, Node) and not b.__dict__.get("__abstract__", False) and b is not Node), None)
        inherited = tuple(parent.__labels__) if parent is not None else ()
        if abstract:
            fields = cls._collect_fields()
            cls._settle_unique(fields, keys_imply_unique=True)
            cls._install_fields(fields)
            return
        if labels is not None:
            labels = [str(x) for x in labels]
            for item in labels:
                _check_identifier(cls, item, "label")
            own = label or body.get("__label__") or (cls.__name__ if cls.__name__ in labels else labels[-1])
            all_labels = tuple(x for x in inherited if x not in labels) + tuple(labels)
        else:
            own = label or body.get("__label__") or cls.__name__
            all_labels = inherited + ((own,) if own not in inherited else ())
        _check_identifier(cls, own, "label")
        cls.__label__ = own
        cls.__labels__ = all_labels
        if primary_label is not None:
            if primary_label not in all_labels:
                raise MetadataError(f"{cls.__name__}: primary_label {primary_label!r} is not one of its labels {list(all_labels)}", hint="list it in labels=[...]", model=cls)
            cls.__primary_label__ = primary_label
        elif parent is not None:
            cls.__primary_label__ = parent.__primary_label__
        else:
            cls.__primary_label__ = all_labels[0]
        cls._labels, cls._primary_label = list(all_labels), cls.__primary_label__
        fields = cls._collect_fields()
        if not any(info.primary_key for info in fields.values()):
            descriptor = Field(primary_key=True, generated="uuid")
            cls.id = descriptor
            descriptor.bind(cls, "id", "str", str)
            fields = {"id": descriptor.field_info, **fields}
        cls._settle_unique(fields, keys_imply_unique=True)
        cls._install_fields(fields)
        get_metadata().register_node(cls)

class _Endpoint:
    """``Edge.source`` / ``Edge.target``: fixed once the edge is stored."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return instance.__dict__.get(self.name)

    def __set__(self, instance: Any, value: Any) -> None:
        if value is not None and not isinstance(value, Node):
            raise TypeError(f"{type(instance).__name__}.{self.name} must be a Node instance, got {type(value).__name__}")
        state = instance.__dict__.get(STATE_ATTR)
        current = instance.__dict__.get(self.name)
        if state is not None and state.state in (EntityState.PERSISTENT, EntityState.DELETED) and current is not None and value is not current:
            raise ValueError(f"{type(instance).__name__}.{self.name} of a stored edge cannot change — delete it and create a new edge")
        instance.__dict__[self.name] = value


class Edge(_Entity):
    """Base class of relationship models. ``__type__`` defaults to the class name upper-cased."""

    __abstract__: ClassVar[bool] = True
    __type__: ClassVar[str | None] = None
    source = _Endpoint()
    target = _Endpoint()

    def __init_subclass__(cls, *, type: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        body = cls.__dict__
        if body.get("__abstract__", False):
            fields = cls._collect_fields(skip=frozenset({"source", "target"}))
            cls._settle_unique(fields, keys_imply_unique=False)
            cls._install_fields(fields)
            return
        if "__abstract__" not in body:
            cls.__abstract__ = False
        for endpoint in ("source", "target"):
            if isinstance(body.get(endpoint), FieldDescriptor):
                raise MetadataError(f"{cls.__name__}.{endpoint} is the edge's endpoint and cannot be a property", hint="rename the property", model=cls, field=endpoint)
        type_ = type or body.get("__type__") or body.get("_edge_type") or cls.__name__.upper()
        _check_identifier(cls, type_, "relationship type")
        cls.__type__ = cls._edge_type = type_
        annotations = body.get("__annotations__", {})
        cls.__source_model__ = annotations.get("source") and _resolve_annotation(cls, annotations["source"]) or annotations.get("source")
        cls.__target_model__ = annotations.get("target") and _resolve_annotation(cls, annotations["target"]) or annotations.get("target")
        fields = cls._collect_fields(skip=frozenset({"source", "target"}))
        cls._settle_unique(fields, keys_imply_unique=False)
        cls._install_fields(fields)
        get_metadata().register_edge(cls)

    def __init__(self, source: Node | None = None, target: Node | None = None, **values: Any) -> None:
        super().__init__(**values)
        self.source = source
        self.target = target

    def to_dict(self, *, relations: bool = False, mode: str = "python", exclude_none: bool = False) -> dict[str, Any]:
        out = super().to_dict(relations=relations, mode=mode, exclude_none=exclude_none)
        for end in ("source", "target"):
            node = self.__dict__.get(end)
            out[end] = inspect(node).key if node is not None else None
        return out

    def __repr__(self) -> str:
        try:
            src = self.__dict__.get("source")
            dst = self.__dict__.get("target")
            ends = f"{type(src).__name__ if src is not None else None}->{type(dst).__name__ if dst is not None else None}"
            items = self._repr_items()
            return f"{type(self).__name__}({', '.join([ends, *items])})"
        except Exception as exc:  # noqa: BLE001 - a repr never raises
            return f"<{type(self).__name__} repr-error {type(exc).__name__}>"


# -- what every layer asks of a model class ----------------------------------------------
def is_edge_model(cls: Any) -> bool:
    """True for Edge classes."""
    return isinstance(cls, type) and issubclass(cls, Edge)


def node_labels(model: type | None) -> tuple[str, ...]:
    """Labels a MATCH on ``model`` uses: the hierarchy's primary label, then the model's own."""
    if model is None:
        return ()
    own = getattr(model, "__label__", None) or model.__name__
    primary = getattr(model, "__primary_label__", None) or own
    return tuple(dict.fromkeys((primary, own)))


def edge_type(model: type) -> str:
    """The relationship type an Edge model is stored as."""
    return getattr(model, "__type__", None) or model.__name__.upper()

"""The registry of model classes: which class stands for which label or relationship type."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from runic.ogm.exceptions import MetadataError, did_you_mean

if TYPE_CHECKING:  # pragma: no cover
    from .descriptors import FieldInfo

__all__ = ["EdgeMeta", "MetaData", "NodeMeta", "fields_of", "get_metadata", "metadata"]

FIELDS_ATTR = "__runic_fields__"


def fields_of(cls: type) -> dict[str, FieldInfo]:
    """A model's fields, name → ``FieldInfo``: inherited first, relations included."""
    return getattr(cls, FIELDS_ATTR, {})


class _ModelMeta:
    """What node and edge metadata records read from their model class."""

    model_cls: type

    @property
    def fields(self) -> Mapping[str, FieldInfo]:
        return MappingProxyType(fields_of(self.model_cls))

    @property
    def field_list(self) -> list[FieldInfo]:
        return list(fields_of(self.model_cls).values())

    @property
    def cls(self) -> type:
        return self.model_cls


@dataclass
class NodeMeta(_ModelMeta):
    """Metadata record of a registered node class."""

    label: str
    model_cls: type
    labels: tuple[str, ...] = ()
    primary_label: str = ""
    pk_field_name: str | None = None


@dataclass
class EdgeMeta(_ModelMeta):
    """Metadata record of a registered edge class."""

    type_: str
    model_cls: type
    source: Any = None
    target: Any = None
    pk_field_name: str | None = None

    def _endpoint(self, attr: str) -> type | None:
        value = getattr(self, attr)
        if value is None or isinstance(value, type):
            return value
        name = value if isinstance(value, str) else getattr(value, "__forward_arg__", str(value))
        resolved = get_metadata().resolve_model_name(name.strip("'\""), context=self.model_cls)
        if resolved is not None:
            setattr(self, attr, resolved)
        return resolved

    @property
    def source_model(self) -> type | None:
        """The declared source node class (forward references resolve on first use)."""
        return self._endpoint("source")

    @property
    def target_model(self) -> type | None:
        return self._endpoint("target")

    @property
    def edge_type(self) -> str:
        return self.type_


def _required(meta: Any, name_or_cls: str | type, known: Iterable[str], kind: str, base: str) -> Any:
    """``meta``, or the error that ``name_or_cls`` is no registered ``kind`` model."""
    if meta is None:
        name = name_or_cls.__name__ if isinstance(name_or_cls, type) else name_or_cls
        raise MetadataError(
            f"{name!r} is not a registered {kind} model",
            hint=did_you_mean(name, known) or f"declare it as a subclass of {base}",
            model=name_or_cls if isinstance(name_or_cls, type) else None,
        )
    return meta


def _qualified(cls: type) -> tuple[str, str]:
    return (cls.__module__, cls.__qualname__)


@dataclass
class _Snapshot:
    nodes: dict[str, NodeMeta] = field(default_factory=dict)
    edges: dict[str, EdgeMeta] = field(default_factory=dict)


class MetaData:
    """Tracks every Node and Edge model class.

    Registering a class with the same module and qualified name as a registered one
    replaces it (re-running a notebook cell); another class on the same label or type is
    a ``MetadataError``.
    """

    def __init__(self) -> None:
        self._nodes: dict[str, NodeMeta] = {}
        self._edges: dict[str, EdgeMeta] = {}

    # -- registration -------------------------------------------------------------
    def register(self, cls: type) -> NodeMeta | EdgeMeta:
        from .models import Edge, Node

        if issubclass(cls, Node):
            return self.register_node(cls)
        if issubclass(cls, Edge):
            return self.register_edge(cls)
        raise TypeError(f"{cls!r} is not a Node or Edge subclass")

    def _drop_previous(self, cls: type) -> None:
        """Forget an earlier definition of the same class (same module + qualname)."""
        key = _qualified(cls)
        for table in (self._nodes, self._edges):
            for name, meta in list(table.items()):
                if _qualified(meta.model_cls) == key and meta.model_cls is not cls:
                    del table[name]

    def register_node(self, cls: type) -> NodeMeta:
        self._drop_previous(cls)
        label = cls.__label__
        existing = self._nodes.get(label)
        if existing is not None and existing.model_cls is not cls:
            raise MetadataError(
                f"label {label!r} of {cls.__qualname__} is already used by {existing.model_cls.__module__}.{existing.model_cls.__qualname__}",
                hint=f"give one of them another label: class {cls.__name__}(Node, label='...')",
                model=cls,
            )
        labels = frozenset(cls.__labels__)
        for other in self._nodes.values():
            if other.model_cls is not cls and frozenset(other.labels) == labels:
                raise MetadataError(
                    f"{cls.__qualname__} and {other.model_cls.__qualname__} carry the same labels {sorted(labels)}",
                    hint="loaded nodes could not tell them apart; give one an own label",
                    model=cls,
                )
        pk = next((n for n, i in fields_of(cls).items() if i.primary_key), None)
        meta = NodeMeta(label=label, model_cls=cls, labels=tuple(cls.__labels__), primary_label=cls.__primary_label__, pk_field_name=pk)
        self._nodes[label] = meta
        return meta

    def register_edge(self, cls: type) -> EdgeMeta:
        self._drop_previous(cls)
        type_ = cls.__type__
        existing = self._edges.get(type_)
        if existing is not None and existing.model_cls is not cls:
            raise MetadataError(
                f"relationship type {type_!r} of {cls.__qualname__} is already used by {existing.model_cls.__qualname__}",
                hint=f"give one of them another type: class {cls.__name__}(Edge, type='...')",
                model=cls,
            )
        pk = next((n for n, i in fields_of(cls).items() if i.primary_key), None)
        meta = EdgeMeta(
            type_=type_,
            model_cls=cls,
            source=getattr(cls, "__source_model__", None),
            target=getattr(cls, "__target_model__", None),
            pk_field_name=pk,
        )
        self._edges[type_] = meta
        return meta

    # -- lookup -------------------------------------------------------------------
    @property
    def nodes(self) -> Mapping[str, NodeMeta]:
        return MappingProxyType(self._nodes)

    @property
    def edges(self) -> Mapping[str, EdgeMeta]:
        return MappingProxyType(self._edges)

    def all_nodes(self) -> list[type]:
        return [m.model_cls for m in self._nodes.values()]

    def all_edges(self) -> list[type]:
        return [m.model_cls for m in self._edges.values()]

    def get_node_meta(self, label_or_cls: str | type) -> NodeMeta | None:
        if isinstance(label_or_cls, type):
            meta = self._nodes.get(getattr(label_or_cls, "__label__", ""))
            return meta if meta is not None and meta.model_cls is label_or_cls else None
        return self._nodes.get(label_or_cls)

    def get_edge_meta(self, type_or_cls: str | type) -> EdgeMeta | None:
        if isinstance(type_or_cls, type):
            meta = self._edges.get(getattr(type_or_cls, "__type__", ""))
            return meta if meta is not None and meta.model_cls is type_or_cls else None
        return self._edges.get(type_or_cls)

    def require_node_meta(self, label_or_cls: str | type) -> NodeMeta:
        return _required(self.get_node_meta(label_or_cls), label_or_cls, self._nodes, "node", "Node")

    def require_edge_meta(self, type_or_cls: str | type) -> EdgeMeta:
        return _required(self.get_edge_meta(type_or_cls), type_or_cls, self._edges, "edge", "Edge")

    def resolve_node(self, label: str) -> type | None:
        meta = self._nodes.get(label)
        return meta.model_cls if meta else None

    def resolve_edge(self, type_: str) -> type | None:
        meta = self._edges.get(type_)
        return meta.model_cls if meta else None

    def resolve_model_name(self, name: str, context: type | None = None) -> type | None:
        """A node class by label or class name (forward references in relations)."""
        meta = self._nodes.get(name)
        if meta is not None:
            return meta.model_cls
        matches = [m.model_cls for m in self._nodes.values() if m.model_cls.__name__ == name]
        if len(matches) > 1 and context is not None:
            same_module = [c for c in matches if c.__module__ == context.__module__]
            matches = same_module or matches
        return matches[-1] if matches else None

    def resolve_node_class(self, labels: Iterable[str], base: type | None = None) -> type | None:
        """The most specific registered class whose ``__labels__`` all appear in ``labels``
        (within ``base``'s hierarchy when given); ``base`` itself when none fits better."""
        have = set(labels)
        best: type | None = None
        for meta in self._nodes.values():
            cls = meta.model_cls
            if base is not None and not issubclass(cls, base):
                continue
            if set(meta.labels) <= have and (best is None or len(meta.labels) > len(best.__labels__)):
                best = cls
        return best if best is not None else base

    def resolve_edge_class(self, type_: str, base: type | None = None) -> type | None:
        cls = self.resolve_edge(type_)
        if cls is None or (base is not None and not issubclass(cls, base)):
            return base
        return cls

    def finalize(self) -> None:
        """Resolve every relation's target now (otherwise done at first use)."""
        for cls in self.all_nodes():
            for info in fields_of(cls).values():
                if info.is_relation:
                    info.target_model  # noqa: B018 - resolves and caches
        for meta in self._edges.values():
            meta.source_model, meta.target_model  # noqa: B018

    # -- test helpers -------------------------------------------------------------
    def snapshot(self) -> _Snapshot:
        return _Snapshot(dict(self._nodes), dict(self._edges))

    def restore(self, snapshot: _Snapshot) -> None:
        self._nodes = dict(snapshot.nodes)
        self._edges = dict(snapshot.edges)

    def clear(self) -> None:
        self._nodes.clear()
        self._edges.clear()

    def __repr__(self) -> str:
        return f"<MetaData nodes={sorted(self._nodes)} edges={sorted(self._edges)}>"


_METADATA = MetaData()


def get_metadata() -> MetaData:
    """The global registry."""
    return _METADATA


metadata = _METADATA

"""Index declarations: ``IndexSpec`` and the specs the registered models declare.

An ``IndexSpec`` names one index (or uniqueness constraint) on one property of a node
label or edge type. Specs compare by what they index, not by their backend name, so a
declared spec and the one read from the database are equal when they mean the same
index. ``extract_declared_specs()`` reads the index options of every ``Field`` of the
registered models (``Field(index=True)``, ``unique=True``, ``fulltext=True``,
``vector=True, dimension=768``, ``index_type=...``).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from runic.ogm.core.metadata import fields_of, get_metadata
from runic.ogm.core.models import is_edge_model
from runic.ogm.exceptions import did_you_mean

__all__ = ["INDEX_TYPES", "SIMILARITIES", "IndexSpec", "extract_declared_specs"]

INDEX_TYPES = ("exact", "fulltext", "vector")
SIMILARITIES = ("cosine", "euclidean")
_TYPE_ALIASES = {
    "exact": ("exact", False),
    "range": ("exact", False),
    "unique": ("exact", True),
    "fulltext": ("fulltext", False),
    "full_text": ("fulltext", False),
    "vector": ("vector", False),
}
_SIMILARITY_ALIASES = {
    "cosine": "cosine",
    "cos": "cosine",
    "euclidean": "euclidean",
    "l2": "euclidean",
    "l2sq": "euclidean",
}
_ENTITIES = ("node", "edge")


def _normalise_type(index_type: Any) -> tuple[str, bool]:
    if not isinstance(index_type, str):
        raise ValueError(
            f"index_type {index_type!r} must be a string — use 'exact', 'fulltext' or 'vector'"
        )
    key = index_type.strip().lower()
    if key not in _TYPE_ALIASES:
        guess = did_you_mean(key, list(_TYPE_ALIASES))
        raise ValueError(
            f"index_type {index_type!r} is not known — use 'exact', 'fulltext' or 'vector' "
            f"(also RANGE, UNIQUE, FULLTEXT, VECTOR){'; ' + guess if guess else ''}"
        )
    return _TYPE_ALIASES[key]


@dataclass(frozen=True, init=False)
class IndexSpec:
    """One index on ``label.field``.

    ``index_type`` is ``"exact"``, ``"fulltext"`` or ``"vector"`` (input also ``RANGE``,
    ``UNIQUE`` — exact and unique —, ``FULLTEXT``, ``VECTOR``, any case). ``unique`` marks a
    uniqueness constraint (exact only); ``dimension``/``similarity`` belong to vector
    indexes; ``entity`` is ``"node"`` or ``"edge"``; ``name`` is the backend's index name
    when read live and takes no part in equality. ``property`` is an alias of ``field``.
    ``value_type`` is the Python type the declaring field stores (``None`` when unknown);
    backends that type their properties (ArcadeDB) use it, and it takes no part in equality.
    """

    label: str
    field: str
    index_type: str = "exact"
    unique: bool = False
    dimension: int | None = None
    similarity: str | None = None
    entity: str = "node"
    name: str | None = dc_field(default=None, compare=False)
    value_type: type | None = dc_field(default=None, compare=False, repr=False)

    def __init__(
        self,
        label: str,
        field: str | None = None,
        index_type: str = "exact",
        unique: bool = False,
        dimension: int | None = None,
        similarity: str | None = None,
        entity: str = "node",
        name: str | None = None,
        *,
        property: str | None = None,
        value_type: type | None = None,
    ) -> None:
        if field is None:
            field = property
        elif property is not None and property != field:
            raise ValueError(
                f"IndexSpec got field={field!r} and property={property!r} — pass one of them"
            )
        if not isinstance(label, str) or not label:
            raise ValueError(f"IndexSpec label {label!r} must be a non-empty string")
        if not isinstance(field, str) or not field:
            raise ValueError(f"IndexSpec for {label!r} needs a field name (field= or property=)")
        kind, implied_unique = _normalise_type(index_type)
        unique = bool(unique) or implied_unique
        if unique and kind != "exact":
            raise ValueError(f"{label}.{field}: only exact indexes can be unique, not {kind}")
        if kind != "vector" and (dimension is not None or similarity is not None):
            raise ValueError(
                f"{label}.{field}: dimension and similarity belong to vector indexes, not {kind}"
            )
        if dimension is not None:
            if isinstance(dimension, bool) or not isinstance(dimension, int) or dimension <= 0:
                raise ValueError(f"{label}.{field}: dimension={dimension!r} must be a positive int")
        if similarity is not None:
            sim = _SIMILARITY_ALIASES.get(str(similarity).strip().lower())
            if sim is None:
                raise ValueError(
                    f"{label}.{field}: similarity={similarity!r} is not known — use 'cosine' or 'euclidean'"
                )
            similarity = sim
        elif kind == "vector":
            similarity = "cosine"
        entity = str(entity).strip().lower()
        if entity == "relationship":
            entity = "edge"
        if entity not in _ENTITIES:
            raise ValueError(f"{label}.{field}: entity={entity!r} must be 'node' or 'edge'")
        set_ = object.__setattr__
        set_(self, "label", label)
        set_(self, "field", field)
        set_(self, "index_type", kind)
        set_(self, "unique", unique)
        set_(self, "dimension", dimension)
        set_(self, "similarity", similarity)
        set_(self, "entity", entity)
        set_(self, "name", name)
        set_(self, "value_type", value_type if isinstance(value_type, type) else None)

    # -- reference names -------------------------------------------------------------
    @property
    def legacy_type(self) -> str:
        """``RANGE``, ``UNIQUE``, ``FULLTEXT`` or ``VECTOR`` as the reference implementation named it."""
        if self.index_type == "exact":
            return "UNIQUE" if self.unique else "RANGE"
        return self.index_type.upper()

    # -- comparison ----------------------------------------------------------------------
    def matches(self, other: IndexSpec) -> bool:
        """Same index: entity, label, field, type and uniqueness equal; dimension and
        similarity equal where both sides know them."""
        if not isinstance(other, IndexSpec):
            return False
        if (self.entity, self.label, self.field, self.index_type, self.unique) != (
            other.entity,
            other.label,
            other.field,
            other.index_type,
            other.unique,
        ):
            return False
        if (
            self.dimension is not None
            and other.dimension is not None
            and self.dimension != other.dimension
        ):
            return False
        if (
            self.index_type == "vector"
            and self.similarity
            and other.similarity
            and self.similarity != other.similarity
        ):
            return False
        return True

    @property
    def sort_key(self) -> tuple[str, str, str, str, bool]:
        return (self.entity, self.label, self.field, self.index_type, self.unique)

    def to_dict(self) -> dict[str, Any]:
        """Export form: every key present, ``None`` where unknown."""
        return {
            "entity": self.entity,
            "label": self.label,
            "field": self.field,
            "index_type": self.index_type,
            "unique": self.unique,
            "dimension": self.dimension,
            "similarity": self.similarity,
            "name": self.name,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IndexSpec:
        """Inverse of ``to_dict``; also accepts the reference's ``property`` key."""
        known = {
            "entity",
            "label",
            "field",
            "property",
            "index_type",
            "unique",
            "dimension",
            "similarity",
            "name",
        }
        unknown = set(data) - known
        if unknown:
            raise ValueError(
                f"IndexSpec.from_dict got unknown keys {sorted(unknown)} — known keys: {sorted(known)}"
            )
        kwargs = {k: v for k, v in data.items() if v is not None or k in ("label",)}
        return cls(**kwargs)

    def describe(self) -> str:
        """Short text: ``Person.email exact unique``, ``(edge) KNOWS.since exact``."""
        where = (
            f"{self.label}.{self.field}"
            if self.entity == "node"
            else f"(edge) {self.label}.{self.field}"
        )
        extra = []
        if self.unique:
            extra.append("unique")
        if self.index_type == "vector":
            extra.append(f"dimension={self.dimension if self.dimension is not None else '?'}")
            extra.append(f"similarity={self.similarity}")
        return " ".join([where, self.index_type, *extra])

    def __repr__(self) -> str:
        parts = [
            f"label={self.label!r}",
            f"field={self.field!r}",
            f"index_type={self.index_type!r}",
        ]
        if self.unique:
            parts.append("unique=True")
        if self.dimension is not None:
            parts.append(f"dimension={self.dimension}")
        if self.index_type == "vector":
            parts.append(f"similarity={self.similarity!r}")
        if self.entity != "node":
            parts.append(f"entity={self.entity!r}")
        if self.name:
            parts.append(f"name={self.name!r}")
        return f"IndexSpec({', '.join(parts)})"

    #: alias of ``field`` (the reference implementation's name); defined last so the
    #: name does not shadow the ``property`` builtin inside the class body
    property = builtins.property(lambda self: self.field, doc="Alias of ``field``.")


# -- declared specs -----------------------------------------------------------------------
def _owner_name(info: Any, cls: type, entity: str) -> str:
    owner = getattr(info, "owner", None) or cls
    if entity == "edge":
        return getattr(owner, "__type__", None) or cls.__type__
    return getattr(owner, "__label__", None) or cls.__label__


def _spec_of(cls: type, name: str, info: Any, entity: str) -> IndexSpec | None:
    if getattr(info, "is_relation", False):
        return None
    if getattr(info, "generated", False) in (
        True,
        "database",
    ):  # the database id: not a stored property
        return None
    kind = getattr(info, "index_type", None)
    if kind is None:  # keyword flags, where the declaration left index_type unset
        if getattr(info, "vector", False) is True:
            kind = "vector"
        elif getattr(info, "fulltext", False) is True:
            kind = "fulltext"
        elif getattr(info, "index", False) is True:
            kind = "exact"
    unique = getattr(info, "unique", False) is True
    if kind is None and not unique:
        return None
    kind = kind or "exact"
    kind, implied = _normalise_type(kind)
    field_name = getattr(info, "name", None) or name
    return IndexSpec(
        _owner_name(info, cls, entity),
        field_name,
        kind,
        unique=(unique or implied) and kind == "exact",
        dimension=getattr(info, "dimension", None) if kind == "vector" else None,
        similarity=getattr(info, "similarity", None) if kind == "vector" else None,
        entity=entity,
        value_type=None if getattr(info, "is_collection", False) else getattr(info, "python_type", None),
    )


def _entity_of(cls: type) -> str:
    return "edge" if is_edge_model(cls) else "node"


def _registered_models() -> list[type]:
    meta = get_metadata()
    models: list[type] = []
    for registry in (meta.nodes, meta.edges):
        for entry in registry.values():
            cls = getattr(entry, "model_cls", None) or getattr(entry, "cls", None)
            if cls is not None and cls not in models:
                models.append(cls)
    return models


def extract_declared_specs(models: Any = None) -> list[IndexSpec]:
    """Specs declared by ``Field`` index options.

    ``models``: ``None`` (every registered Node and Edge class), one class, or an
    iterable of classes (``IndexSpec`` objects in it are taken as they are). Inherited fields give the declaring class's label. Returns a
    deduplicated list sorted by ``sort_key``.
    """
    if models is None:
        classes = _registered_models()
    elif isinstance(models, (type, IndexSpec)):
        classes = [models]
    else:
        classes = list(models)
    found: dict[tuple, IndexSpec] = {}
    for cls in classes:
        if isinstance(cls, IndexSpec):  # specs declared directly pass through
            found.setdefault((cls.sort_key, cls.dimension, cls.similarity), cls)
            continue
        if not isinstance(cls, type):
            raise TypeError(f"extract_declared_specs() takes model classes, got {cls!r}")
        entity = _entity_of(cls)
        for name, info in fields_of(cls).items():
            spec = _spec_of(cls, name, info, entity)
            if spec is not None:
                key = (spec.sort_key, spec.dimension, spec.similarity)
                found.setdefault(key, spec)
    return sorted(found.values(), key=lambda s: s.sort_key)

"""``SchemaManifest``: the schema a graph should have, as plain data.

The classes keep the reference implementation's names and fields. A manifest is built by
hand, from the models (``SchemaManifest.from_models()``), or read from a live graph
(``adapter.read_live_schema()``); ``to_specs()`` / ``from_specs()`` convert to and from
``IndexSpec`` so that autogenerate compares both sides with ``IndexSpec.matches``.
HNSW tuning (``m``, ``ef_construction``, ``ef_runtime``) and fulltext ``language`` /
``stopwords`` are kept and rendered, but backends build their defaults (compat-notes).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from runic.ogm.schema.index_manager import IndexSpec, extract_declared_specs

__all__ = [
    "FulltextIndex",
    "MandatoryConstraint",
    "RangeIndex",
    "SchemaManifest",
    "UniqueConstraint",
    "VectorIndex",
]

_ENTITIES = {"NODE": "node", "RELATIONSHIP": "edge"}


def _entity_word(entity: str) -> str:
    word = str(entity).upper()
    if word not in _ENTITIES:
        raise ValueError(f"entity={entity!r} is not known — use 'NODE' or 'RELATIONSHIP'")
    return word


@dataclass(frozen=True)
class RangeIndex:
    """An exact (range) index on ``label.prop``; ``rel=True`` for an edge type."""

    label: str
    prop: str
    rel: bool = False


@dataclass(frozen=True, init=False)
class FulltextIndex:
    """A fulltext index on one or more properties of a node label."""

    label: str
    props: tuple[str, ...]
    language: str | None = None
    stopwords: tuple[str, ...] | None = None

    def __init__(self, label: str, props: Iterable[str] | str, language: str | None = None, stopwords: Iterable[str] | None = None) -> None:
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "props", (props,) if isinstance(props, str) else tuple(props))
        object.__setattr__(self, "language", language)
        object.__setattr__(self, "stopwords", tuple(stopwords) if stopwords is not None else None)


@dataclass(frozen=True)
class VectorIndex:
    """A vector index on ``label.prop`` with its dimension and similarity."""

    label: str
    prop: str
    dimension: int
    similarity: str = "cosine"
    m: int = 16
    ef_construction: int = 200
    ef_runtime: int = 10


@dataclass(frozen=True, init=False)
class _Constraint:
    """A constraint on ``props`` of ``entity`` (``"NODE"``/``"RELATIONSHIP"``) of ``label``."""

    entity: str
    label: str
    props: tuple[str, ...]

    def __init__(self, entity: str, label: str, props: Iterable[str] | str) -> None:
        object.__setattr__(self, "entity", _entity_word(entity))
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "props", (props,) if isinstance(props, str) else tuple(props))


@dataclass(frozen=True, init=False)
class UniqueConstraint(_Constraint):
    """Values of ``props`` are unique among ``entity`` (``"NODE"``/``"RELATIONSHIP"``) of ``label``."""


@dataclass(frozen=True, init=False)
class MandatoryConstraint(_Constraint):
    """Every ``entity`` of ``label`` carries ``props`` (not null)."""


@dataclass
class SchemaManifest:
    """Indexes and constraints a graph should have."""

    range_indexes: list[RangeIndex] = field(default_factory=list)
    fulltext_indexes: list[FulltextIndex] = field(default_factory=list)
    vector_indexes: list[VectorIndex] = field(default_factory=list)
    constraints: list[UniqueConstraint | MandatoryConstraint] = field(default_factory=list)

    # -- conversions ---------------------------------------------------------------------
    @classmethod
    def from_models(cls, models: Any = None) -> SchemaManifest:
        """The manifest the models declare (``None``: every registered model)."""
        return cls.from_specs(extract_declared_specs(models))

    @classmethod
    def from_specs(cls, specs: Iterable[IndexSpec], mandatory: Iterable[MandatoryConstraint] = ()) -> SchemaManifest:
        manifest = cls()
        fulltext: dict[str, list[str]] = {}
        for spec in sorted(set(specs), key=lambda s: s.sort_key):
            entity = "RELATIONSHIP" if spec.entity == "edge" else "NODE"
            if spec.index_type == "exact" and spec.unique:
                manifest.constraints.append(UniqueConstraint(entity, spec.label, (spec.field,)))
            elif spec.index_type == "exact":
                manifest.range_indexes.append(RangeIndex(spec.label, spec.field, rel=spec.entity == "edge"))
            elif spec.index_type == "fulltext":
                fulltext.setdefault(spec.label, []).append(spec.field)
            elif spec.index_type == "vector":
                manifest.vector_indexes.append(
                    VectorIndex(spec.label, spec.field, int(spec.dimension or 0), spec.similarity or "cosine")
                )
        manifest.fulltext_indexes = [FulltextIndex(label, props) for label, props in fulltext.items()]
        manifest.constraints.extend(mandatory)
        return manifest

    def to_specs(self) -> list[IndexSpec]:
        """The indexes as ``IndexSpec``s (mandatory constraints are not indexes: see ``mandatory``)."""
        specs: set[IndexSpec] = set()
        unique = set()
        for c in self.constraints:
            if isinstance(c, UniqueConstraint):
                for prop in c.props:
                    unique.add((_ENTITIES[c.entity], c.label, prop))
                    specs.add(IndexSpec(label=c.label, field=prop, index_type="exact", unique=True, entity=_ENTITIES[c.entity]))
        for r in self.range_indexes:
            entity = "edge" if r.rel else "node"
            if (entity, r.label, r.prop) not in unique:  # the constraint's backing index covers it
                specs.add(IndexSpec(label=r.label, field=r.prop, index_type="exact", entity=entity))
        for f in self.fulltext_indexes:
            for prop in f.props:
                specs.add(IndexSpec(label=f.label, field=prop, index_type="fulltext"))
        for v in self.vector_indexes:
            specs.add(IndexSpec(label=v.label, field=v.prop, index_type="vector", dimension=v.dimension or None, similarity=v.similarity))
        return sorted(specs, key=lambda s: s.sort_key)

    @property
    def mandatory(self) -> list[MandatoryConstraint]:
        return [c for c in self.constraints if isinstance(c, MandatoryConstraint)]

    def __bool__(self) -> bool:
        return bool(self.range_indexes or self.fulltext_indexes or self.vector_indexes or self.constraints)

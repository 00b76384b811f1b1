"""One hop of a graph traversal, as plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from runic.cypher import is_plain_identifier
from runic.ogm.core.metadata import get_metadata
from runic.ogm.exceptions import MetadataError

__all__ = ["DIRECTIONS", "TraversalStep"]

DIRECTIONS = ("outgoing", "incoming", "both")


@dataclass(frozen=True)
class TraversalStep:
    """One hop: follow ``relation_type`` edges in ``direction`` to ``target_model`` nodes.

    ``depth`` is an int ≥ 1 or ``(min, max)`` with ``max=None`` for unbounded paths.
    ``edge_alias`` names the relationship (depth 1 only), ``optional`` picks
    ``OPTIONAL MATCH`` (default) or ``MATCH``, ``target_alias`` names the target
    variable and ``edge_model`` is the Edge class used for edge filters and hydration.
    """

    relation_type: str
    target_model: type | None = None
    direction: str = "outgoing"
    depth: int | tuple[int, int | None] = 1
    edge_alias: str | None = None
    optional: bool = True
    target_alias: str | None = None
    edge_model: type | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.relation_type, str) or not self.relation_type:
            raise ValueError(f"relation_type must be a non-empty string, got {self.relation_type!r}")
        direction = str(self.direction).lower()
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, got {self.direction!r}")
        object.__setattr__(self, "direction", direction)
        object.__setattr__(self, "depth", _normalise_depth(self.depth))
        for what, name in (("edge_alias", self.edge_alias), ("target_alias", self.target_alias)):
            if name is not None and not is_plain_identifier(name):
                raise ValueError(f"{what} {name!r} is not a valid identifier — use letters, digits and '_'")
        if self.edge_alias is not None and not self.single_hop:
            raise ValueError(
                f"edge_alias={self.edge_alias!r} needs a single hop, but depth is {self.depth!r} — "
                "name the relationship only on depth-1 steps"
            )

    @property
    def single_hop(self) -> bool:
        return self.depth == 1 or self.depth == (1, 1)

    @property
    def min_hops(self) -> int:
        return self.depth if isinstance(self.depth, int) else self.depth[0]

    @property
    def max_hops(self) -> int | None:
        return self.depth if isinstance(self.depth, int) else self.depth[1]

    def replace(self, **changes: Any) -> TraversalStep:
        """A copy with ``changes`` applied."""
        return replace(self, **changes)

    @classmethod
    def from_relation(cls, relation: Any, **overrides: Any) -> TraversalStep:
        """The step a declared ``Relation`` describes (``Person.friends``), with ``overrides``."""
        info = getattr(relation, "field_info", None)
        if info is None or not getattr(info, "is_relation", False):
            raise TypeError(
                f"{relation!r} is not a relation — pass a Relation field such as Person.friends, "
                "or a TraversalStep"
            )
        values: dict[str, Any] = {
            "relation_type": info.relation_type,
            "target_model": info.target_model,
            "direction": getattr(info, "direction", "outgoing") or "outgoing",
            "edge_model": _edge_class(getattr(info, "edge_model", None), info.relation_type, getattr(info, "owner", None)),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _edge_class(edge_model: Any, relation_type: str, owner: Any) -> type | None:
    """The Edge class of a relation; a class name or edge type given as a string is looked up."""
    if edge_model is None or isinstance(edge_model, type):
        return edge_model
    registry = get_metadata()
    name = str(edge_model)
    found = registry.resolve_edge(name)
    if found is None:
        found = next((m.model_cls for m in registry.edges.values() if m.model_cls.__name__ == name), None)
    if found is None:
        raise MetadataError(
            f"{getattr(owner, '__name__', '?')}: edge_model {name!r} is not a registered Edge model",
            model=owner,
            hint="define the Edge class before querying, or pass the class itself",
        )
    return found


def _normalise_depth(depth: Any) -> int | tuple[int, int | None]:
    if isinstance(depth, bool):
        raise TypeError(f"depth must be an int or a (min, max) tuple, got {depth!r}")
    if isinstance(depth, int):
        if depth < 1:
            raise ValueError(f"depth must be at least 1, got {depth}")
        return depth
    if isinstance(depth, (tuple, list)) and len(depth) == 2:
        lo, hi = depth
        if isinstance(lo, bool) or not isinstance(lo, int) or lo < 0:
            raise ValueError(f"minimum depth must be an int ≥ 0, got {lo!r}")
        if hi is not None and (isinstance(hi, bool) or not isinstance(hi, int) or hi < max(lo, 1)):
            raise ValueError(f"maximum depth must be None or an int ≥ {max(lo, 1)}, got {hi!r}")
        return (lo, hi)
    raise TypeError(f"depth must be an int or a (min, max) tuple, got {depth!r}")

"""Small helpers every room of the session core uses: an entity's state, its short repr,
relation names and the error for an unknown one."""

from __future__ import annotations

from typing import Any

from runic.ogm.core.state import STATE_ATTR, InstanceState
from runic.ogm.exceptions import did_you_mean

__all__ = ["entity_repr", "relation_name", "state_of", "unknown_relation"]


def state_of(entity: Any) -> InstanceState:
    state = getattr(entity, STATE_ATTR, None)
    if not isinstance(state, InstanceState):
        raise TypeError(f"{type(entity).__name__} is not a runic Node or Edge instance")
    return state


def entity_repr(entity: Any) -> str:
    try:
        text = repr(entity)
    except Exception:  # noqa: BLE001 - a message never fails on a broken repr
        text = f"<{type(entity).__name__}>"
    return text if len(text) <= 120 else text[:117] + "..."



def relation_name(name: Any) -> str:
    if isinstance(name, str):
        return name
    field_name = getattr(name, "field_name", None) or getattr(name, "name", None)
    if isinstance(field_name, str):
        return field_name
    raise TypeError(f"a relation is named by a string or a Relation descriptor, got {name!r}")


def unknown_relation(cls: type, name: str, rels: dict[str, Any]) -> str:
    hint = did_you_mean(name, rels) or f"its relations are {sorted(rels) or 'none'}"
    return f"{cls.__name__} has no relation {name!r} — {hint}"

"""Entity states: where an entity stands with respect to a session and the database.

transient (new, no session) → ``add`` → pending → flush → persistent (also when loaded)
→ ``delete`` → deleted → commit → detached (also on close, ``expunge``, garbage collection).
``rollback``: pending → transient, deleted → persistent.
"""

from __future__ import annotations

import enum
import weakref
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from runic.ogm.core.models import Edge, Node

__all__ = ["STATE_ATTR", "EntityState", "InstanceState", "inspect"]

STATE_ATTR = "_runic_state"


class EntityState(str, enum.Enum):
    TRANSIENT = "transient"
    PENDING = "pending"
    PERSISTENT = "persistent"
    DELETED = "deleted"
    DETACHED = "detached"

    def __str__(self) -> str:
        return self.value


class InstanceState:
    """Bookkeeping the session keeps for one entity (``runic.ogm.inspect(entity)``).

    ``committed`` holds the ``to_db`` form of every property as last loaded or flushed;
    ``committed_relations`` the target keys of every loaded relation at that time. What
    differs now is ``modified``: the flush writes only that.
    """

    __slots__ = (
        "__weakref__",
        "committed",
        "committed_relations",
        "element_id",
        "entity_ref",
        "expired",
        "extra_properties",
        "key",
        "loaded_relations",
        "session",
        "state",
    )

    def __init__(self, entity: Node | Edge | None = None) -> None:

        self.entity_ref = weakref.ref(entity) if entity is not None else None
        self.state: EntityState = EntityState.TRANSIENT
        self.session: Any = None
        self.key: Any = None
        self.element_id: Any = None
        self.committed: dict[str, Any] = {}
        self.committed_relations: dict[str, tuple[Any, ...]] = {}
        self.expired: bool = False
        self.loaded_relations: set[str] = set()
        self.extra_properties: dict[str, Any] = {}

    @property
    def entity(self) -> Node | Edge | None:
        return self.entity_ref() if self.entity_ref is not None else None

    @property
    def modified(self) -> set[str]:
        """Names of properties whose current stored form differs from ``committed``."""
        entity = self.entity
        if entity is None:
            return set()
        from runic.ogm.core.metadata import fields_of

        changed: set[str] = set()
        for name, info in fields_of(type(entity)).items():
            if info.is_relation:
                continue
            current = info.to_db(entity.__dict__.get(name))
            if name not in self.committed or self.committed[name] != current:
                changed.add(name)
        return changed

    @property
    def is_transient(self) -> bool:
        return self.state is EntityState.TRANSIENT

    @property
    def is_pending(self) -> bool:
        return self.state is EntityState.PENDING

    @property
    def is_persistent(self) -> bool:
        return self.state is EntityState.PERSISTENT

    @property
    def is_deleted(self) -> bool:
        return self.state is EntityState.DELETED

    @property
    def is_detached(self) -> bool:
        return self.state is EntityState.DETACHED

    def __repr__(self) -> str:
        return f"<InstanceState {self.state.value} key={self.key!r} element_id={self.element_id!r}>"


def inspect(entity: Any) -> InstanceState:
    """The ``InstanceState`` of a Node or Edge instance."""
    state = getattr(entity, STATE_ATTR, None)
    if state is None:
        raise TypeError(f"{type(entity).__name__!s} is not a runic Node or Edge instance")
    return state

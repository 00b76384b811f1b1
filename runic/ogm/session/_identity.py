"""The identity map: one object per ``(root class, key)`` in a session.

Unmodified persistent entities are held weakly, so a session that loaded many nodes does
not keep them alive; new, modified and deleted ones are pinned (held strongly) until the
flush or commit that settles them.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from typing import Any

__all__ = ["IdentityMap"]


class IdentityMap:
    """``(root class, key) → entity`` with weak references, plus pins for strong ones."""

    def __init__(self) -> None:
        self._refs: dict[Any, weakref.KeyedRef] = {}
        self._pinned: dict[int, Any] = {}
        refs = self._refs

        def collected(ref: weakref.KeyedRef, refs: dict = refs) -> None:
            if refs.get(ref.key) is ref:
                del refs[ref.key]

        self._collected = collected

    def get(self, key: Any) -> Any:
        ref = self._refs.get(key)
        return ref() if ref is not None else None

    def add(self, key: Any, entity: Any) -> None:
        self._refs[key] = weakref.KeyedRef(entity, self._collected, key)

    def remove(self, key: Any, entity: Any | None = None) -> None:
        ref = self._refs.get(key)
        if ref is not None and (entity is None or ref() is entity):
            del self._refs[key]

    def pin(self, entity: Any) -> None:
        self._pinned[id(entity)] = entity

    def unpin(self, entity: Any) -> None:
        self._pinned.pop(id(entity), None)

    def is_pinned(self, entity: Any) -> bool:
        return id(entity) in self._pinned

    def pinned(self) -> list[Any]:
        return list(self._pinned.values())

    def entities(self) -> list[Any]:
        """Every live entity in the map (pinned or not), in insertion order."""
        out = []
        for ref in list(self._refs.values()):
            entity = ref()
            if entity is not None:
                out.append(entity)
        return out

    def items(self) -> Iterator[tuple[Any, Any]]:
        for key, ref in list(self._refs.items()):
            entity = ref()
            if entity is not None:
                yield key, entity

    def clear(self) -> None:
        self._refs.clear()
        self._pinned.clear()

    def __contains__(self, key: Any) -> bool:
        return self.get(key) is not None

    def __len__(self) -> int:
        return sum(1 for ref in list(self._refs.values()) if ref() is not None)

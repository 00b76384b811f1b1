"""The identity map: one object per ``(root class, key)`` in a session.

Unmodified persistent entities are held weakly, so a session that loaded many nodes does
not keep them alive; new, modified and deleted ones are pinned (held strongly) until the
flush or commit that settles them.

Entries hold plain ``weakref.ref`` objects without callbacks. Python hands out one such
reference per object, so the entity's own ``InstanceState.entity_ref``, the identity map
and the element-id index all share it: hydrating an entity costs no extra reference
objects. Entries whose entity is gone read as absent and are swept out in bulk once the
table has doubled since the last sweep.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator
from itertools import compress, repeat
from operator import call, is_
from typing import Any

__all__ = ["IdentityMap", "WeakIndex"]

#: a table is never swept while it holds fewer entries than this
_MIN_SWEEP = 1024


class WeakIndex:
    """``key → object`` held weakly (a lean ``WeakValueDictionary`` for the session's use)."""

    __slots__ = ("_refs", "_sweep_at")

    def __init__(self) -> None:
        self._refs: dict[Any, weakref.ref] = {}
        self._sweep_at = _MIN_SWEEP

    def get(self, key: Any, default: Any = None) -> Any:
        ref = self._refs.get(key)
        if ref is None:
            return default
        value = ref()
        return default if value is None else value

    def __setitem__(self, key: Any, value: Any) -> None:
        refs = self._refs
        refs[key] = weakref.ref(value)
        if len(refs) > self._sweep_at:
            self._sweep()

    def update(self, pairs: Iterable[tuple[Any, Any]]) -> None:
        """``self[key] = value`` for each pair (one sweep check at the end)."""
        refs = self._refs
        ref = weakref.ref
        refs.update([(key, ref(value)) for key, value in pairs])
        self.sweep_if_grown()

    def sweep_if_grown(self) -> None:
        """Drop dead entries once the table has doubled since the last sweep (for callers
        that filled ``_refs`` directly)."""
        if len(self._refs) > self._sweep_at:
            self._sweep()

    def __getitem__(self, key: Any) -> Any:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __delitem__(self, key: Any) -> None:
        if self.get(key) is None:
            raise KeyError(key)
        del self._refs[key]

    def pop(self, key: Any, default: Any = None) -> Any:
        ref = self._refs.pop(key, None)
        value = ref() if ref is not None else None
        return default if value is None else value

    def _sweep(self) -> None:
        refs = self._refs
        dead = list(compress(refs, map(is_, map(call, refs.values()), repeat(None))))
        for key in dead:
            del refs[key]
        self._sweep_at = max(_MIN_SWEEP, 2 * len(refs))

    def clear(self) -> None:
        self._refs.clear()
        self._sweep_at = _MIN_SWEEP

    def items(self) -> Iterator[tuple[Any, Any]]:
        for key, ref in list(self._refs.items()):
            value = ref()
            if value is not None:
                yield key, value

    def values(self) -> list[Any]:
        out = []
        for ref in list(self._refs.values()):
            value = ref()
            if value is not None:
                out.append(value)
        return out

    def __contains__(self, key: Any) -> bool:
        return self.get(key) is not None

    def __len__(self) -> int:
        return sum(1 for ref in list(self._refs.values()) if ref() is not None)


class IdentityMap(WeakIndex):
    """``(root class, key) → entity`` with weak references, plus pins for strong ones."""

    __slots__ = ("_pinned",)

    def __init__(self) -> None:
        super().__init__()
        self._pinned: dict[int, Any] = {}

    def add(self, key: Any, entity: Any) -> None:
        refs = self._refs
        refs[key] = weakref.ref(entity)
        if len(refs) > self._sweep_at:
            self._sweep()

    def remove(self, key: Any, entity: Any | None = None) -> None:
        ref = self._refs.get(key)
        if ref is None:
            return
        current = ref()
        if current is None or entity is None or current is entity:
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
        append = out.append
        for ref in list(self._refs.values()):
            entity = ref()
            if entity is not None:
                append(entity)
        return out

    def clear(self) -> None:
        super().clear()
        self._pinned.clear()

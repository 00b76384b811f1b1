"""``CoreState``: what every room of the session core holds, declared and set up once."""

from __future__ import annotations

from typing import Any

from runic.ogm.mapper import Mapper

from ._identity import IdentityMap, WeakIndex

__all__ = ["CoreState"]


class CoreState:
    """The identity map, the staged entities and what the open transaction wrote (no I/O)."""

    def __init__(self, owner: Any, dialect: Any, mapper: Mapper | None = None, *, batch_size: int = 500) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.owner = owner
        self.dialect = dialect
        self.mapper = mapper if mapper is not None else Mapper()
        self.batch_size = batch_size
        self.identity = IdentityMap()
        self._pending: dict[int, Any] = {}
        self._deleted: dict[int, Any] = {}
        # since the last commit: deletes already sent, creates already sent
        self._deleted_flushed: dict[int, Any] = {}
        self._created_flushed: dict[int, Any] = {}
        #: since the last commit: ``(entity, committed, committed_relations)`` as they were
        #: before this transaction's first write changed them (transactional backends)
        self._changed_flushed: dict[int, tuple[Any, dict[str, Any], dict[str, Any]]] = {}
        #: node entities by database id, to give hydrated edges their endpoints
        self._node_by_eid = WeakIndex()
        #: ``(labels, model) → (class, identity root, class plan)`` for ``hydrate``'s node path
        self._node_hydration: dict[tuple[Any, Any], Any] = {}
        #: per class: what staging and recording a create need (``_states.AddRule``)
        self._add_rules: dict[type, Any] = {}

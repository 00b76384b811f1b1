"""The session's I/O-free core: identity map, entity states, dirty tracking, flush planning.

``SessionCore`` never talks to a database. It turns staged changes into ``Statement``
objects (Cypher, parameters, ``on_result``) that ``Session`` sends and ``AsyncSession``
awaits; each answer goes back through ``on_result``. Every rule of the unit of work lives
here, so it is written (and fixed) once for both shells.

The core is assembled from rooms with one job each:

- ``_states.EntityStates``: identity map, add / delete / expunge, expiry, commit and rollback;
- ``_loading.Loading``: records → entities, relation loading;
- ``_persistence.Persistence``: flush planning, flush outcomes and reports, relate / unrelate;
- ``_reads.Reads``: get / refresh statements and the match patterns.
"""

from __future__ import annotations

from typing import Any

from runic.ogm.mapper import Mapper

from ._entity import entity_repr, relation_name, state_of, unknown_relation
from ._flush import FlushPlan
from ._identity import IdentityMap, WeakIndex
from ._loading import Loading
from ._persistence import Persistence
from ._reads import Reads
from ._statement import Statement
from ._states import AddRule, EntityStates

__all__ = ["FlushPlan", "SessionCore", "Statement", "entity_repr", "relation_name", "state_of", "unknown_relation"]


class SessionCore(EntityStates, Loading, Persistence, Reads):
    """Everything a session knows and decides, without I/O."""

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
        #: per class: what staging (``_states``) and recording a create (``_persistence``) need
        self._add_rules: dict[type, AddRule] = {}


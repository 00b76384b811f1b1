"""The session's I/O-free core: identity map, entity states, dirty tracking, flush planning.

``SessionCore`` never talks to a database. It turns staged changes into ``Statement``
objects (Cypher, parameters, ``on_result``) that ``Session`` sends and ``AsyncSession``
awaits; each answer goes back through ``on_result``. Every rule of the unit of work lives
here, so it is written (and fixed) once for both shells.

The core is assembled from rooms with one job each, over the state they share
(``_core_state.CoreState``: identity map, staged entities, what the transaction wrote):

- ``_states.EntityStates``: identity map, add / delete / expunge, expiry, commit and rollback;
- ``_loading.Loading``: records → entities, relation loading;
- ``_persistence.Persistence``: flush planning, flush outcomes and reports, relate / unrelate;
- ``_reads.Reads``: get / refresh statements and the match patterns.
"""

from __future__ import annotations

from ._entity import entity_repr, relation_name, state_of, unknown_relation
from ._flush import FlushPlan
from ._loading import Loading
from ._persistence import Persistence
from ._reads import Reads
from ._statement import Statement
from ._states import EntityStates

__all__ = ["FlushPlan", "SessionCore", "Statement", "entity_repr", "relation_name", "state_of", "unknown_relation"]


class SessionCore(EntityStates, Loading, Persistence, Reads):
    """Everything a session knows and decides, without I/O."""

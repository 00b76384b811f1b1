"""``Repository``: the data access object of one Node or Edge model (synchronous).

A thin runner: each data method runs a flow of ``RepositoryCore`` with plain calls;
``AsyncRepository`` runs the same flows with ``await``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from runic.ogm.driver.result import GraphResult
from runic.ogm.query._flows import run
from runic.ogm.session.session import Session

from ._core import BaseRepository

__all__ = ["Repository"]

T = TypeVar("T")


class Repository(BaseRepository[T]):
    """``Repository(session, Person)``; ``session=None`` uses the ambient session per call.

    Data methods run at once; ``add``/``delete`` flush but leave the commit to the session.
    """

    _session_type = Session

    # -- seed ----------------------------------------------------------------------
    def get(self, id: Any, *, fetch: Iterable[Any] | None = None) -> T | None:
        """The entity with primary key ``id``, or ``None``."""
        return run(self._core.get_flow(id, fetch))

    def get_or_raise(self, id: Any, *, fetch: Iterable[Any] | None = None) -> T:
        """Like ``get``; a missing entity raises ``EntityNotFoundError``."""
        return run(self._core.get_flow(id, fetch, required=True))

    def find(self, **filters: Any) -> list[T]:
        """Entities whose properties equal the keyword values (``None`` matches missing)."""
        return run(self._core.find_flow(filters))

    def find_one(self, **filters: Any) -> T | None:
        """The first match (no order promised), or ``None``."""
        return run(self._core.find_flow(filters, first=True))

    def add(self, entity: T) -> T:
        """Stage ``entity`` and flush; the commit stays with the session."""
        run(self._core.add_flow([entity]))
        return entity

    def add_all(self, entities: Iterable[T]) -> list[T]:
        items = list(entities)
        run(self._core.add_flow(items))
        return items

    def delete(self, entity: T) -> None:
        run(self._core.delete_flow(entity))

    # -- reference-compatible ---------------------------------------------------------
    def find_all(self, fetch: Iterable[Any] | None = None, skip: int = 0, limit: int | None = None) -> list[T]:
        return run(self._core.find_all_flow(fetch, skip, limit))

    def find_all_by_ids(self, ids: Iterable[Any], fetch: Iterable[Any] | None = None) -> list[T]:
        """Entities for ``ids`` in that order; absent ones are left out."""
        return run(self._core.find_all_by_ids_flow(ids, fetch))

    def count(self) -> int:
        return run(self._core.count_flow())

    def exists(self, id: Any) -> bool:
        return run(self._core.exists_flow(id))

    def cypher(self, query: str, params: dict[str, Any] | None = None, *, returns: Any = None, write: bool = False) -> list[Any]:
        return run(self._core.cypher_flow(query, params, returns, write))

    def cypher_one(self, query: str, params: dict[str, Any] | None = None, *, returns: Any = None, write: bool = False) -> Any:
        return run(self._core.cypher_flow(query, params, returns, write, first=True))

    def cypher_raw(self, query: str, params: dict[str, Any] | None = None, *, write: bool = False) -> GraphResult:
        return run(self._core.cypher_flow(query, params, None, write, raw=True))

"""``Repository``: the data access object of one Node or Edge model (synchronous)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Generic, TypeVar

from runic.ogm.driver.result import GraphResult
from runic.ogm.session.session import Session

from ._core import RepositoryCore

__all__ = ["Repository"]

T = TypeVar("T")


class Repository(Generic[T]):
    """``Repository(session, Person)``; ``session=None`` uses the ambient session per call.

    Data methods run at once; ``add``/``delete`` flush but leave the commit to the session.
    """

    _session_type = Session

    def __init__(self, session: Session | None = None, model: type[T] | None = None) -> None:
        self._core = RepositoryCore(type(self), session, model, self._session_type)

    @property
    def model(self) -> type[T]:
        return self._core.model

    @property
    def session(self) -> Session:
        return self._core.resolve_session()

    # -- seed ----------------------------------------------------------------------
    def get(self, id: Any, *, fetch: Iterable[Any] | None = None) -> T | None:
        """The entity with primary key ``id``, or ``None``."""
        return self.session.get(self.model, id, fetch=fetch)

    def get_or_raise(self, id: Any, *, fetch: Iterable[Any] | None = None) -> T:
        """Like ``get``; a missing entity raises ``EntityNotFoundError``."""
        return self.session.get_one(self.model, id, fetch=fetch)

    def find(self, **filters: Any) -> list[T]:
        """Entities whose properties equal the keyword values (``None`` matches missing)."""
        return self._core.filtered(self.session, filters).all()

    def find_one(self, **filters: Any) -> T | None:
        """The first match (no order promised), or ``None``."""
        return self._core.filtered(self.session, filters).limit(1).one()

    def add(self, entity: T) -> T:
        session = self.session
        session.add(entity)
        session.flush()
        return entity

    def add_all(self, entities: Iterable[T]) -> list[T]:
        session = self.session
        items = list(entities)
        session.add_all(items)
        session.flush()
        return items

    def delete(self, entity: T) -> None:
        session = self.session
        session.delete(entity)
        session.flush()

    def query(self) -> Any:
        """A ``select(model)`` builder bound to this repository's session."""
        return self._core.select(self.session)

    # -- reference-compatible ---------------------------------------------------------
    def find_all(self, fetch: Iterable[Any] | None = None, skip: int = 0, limit: int | None = None) -> list[T]:
        session = self.session
        entities = self._core.select(session).skip(skip or None).limit(limit).all()
        if fetch and entities:
            session.load_relations(entities, list(fetch))
        return entities

    def find_all_by_ids(self, ids: Iterable[Any], fetch: Iterable[Any] | None = None) -> list[T]:
        """Entities for ``ids`` in that order; absent ones are left out."""
        session = self.session
        wanted = list(ids)
        if not wanted:
            return []
        entities = self._core.order_by_ids(self._core.by_ids(session, wanted).all(), wanted)
        if fetch and entities:
            session.load_relations(entities, list(fetch))
        return entities

    def count(self) -> int:
        return self._core.select(self.session).count()

    def exists(self, id: Any) -> bool:
        return self._core.by_ids(self.session, [id]).count() > 0

    def cypher(self, query: str, params: dict[str, Any] | None = None, *, returns: Any = None, write: bool = False) -> list[Any]:
        session = self.session
        return self._core.convert(session.execute(query, params, write=write), returns, session)

    def cypher_one(self, query: str, params: dict[str, Any] | None = None, *, returns: Any = None, write: bool = False) -> Any:
        rows = self.cypher(query, params, returns=returns, write=write)
        return rows[0] if rows else None

    def cypher_raw(self, query: str, params: dict[str, Any] | None = None, *, write: bool = False) -> GraphResult:
        return self.session.execute(query, params, write=write)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.model.__name__}>"

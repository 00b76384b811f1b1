"""``AsyncRepository``: the asyncio twin of ``Repository``; data methods are coroutines."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Generic, TypeVar

from runic.ogm.driver.result import GraphResult
from runic.ogm.session.async_session import AsyncSession

from ._core import RepositoryCore

__all__ = ["AsyncRepository"]

T = TypeVar("T")


class AsyncRepository(Generic[T]):
    """``AsyncRepository(async_session, Person)``; ``query()`` returns an ``AsyncQueryBuilder``."""

    _session_type = AsyncSession

    def __init__(self, session: AsyncSession | None = None, model: type[T] | None = None) -> None:
        self._core = RepositoryCore(type(self), session, model, self._session_type)

    @property
    def model(self) -> type[T]:
        return self._core.model

    @property
    def session(self) -> AsyncSession:
        return self._core.resolve_session()

    async def get(self, id: Any, *, fetch: Iterable[Any] | None = None) -> T | None:
        return await self.session.get(self.model, id, fetch=fetch)

    async def get_or_raise(self, id: Any, *, fetch: Iterable[Any] | None = None) -> T:
        return await self.session.get_one(self.model, id, fetch=fetch)

    async def find(self, **filters: Any) -> list[T]:
        return await self._core.filtered(self.session, filters).all()

    async def find_one(self, **filters: Any) -> T | None:
        return await self._core.filtered(self.session, filters).limit(1).one()

    async def add(self, entity: T) -> T:
        session = self.session
        session.add(entity)
        await session.flush()
        return entity

    async def add_all(self, entities: Iterable[T]) -> list[T]:
        session = self.session
        items = list(entities)
        session.add_all(items)
        await session.flush()
        return items

    async def delete(self, entity: T) -> None:
        session = self.session
        staged = session.delete(entity)
        if hasattr(staged, "__await__"):
            await staged
        await session.flush()

    def query(self) -> Any:
        return self._core.select(self.session)

    async def find_all(self, fetch: Iterable[Any] | None = None, skip: int = 0, limit: int | None = None) -> list[T]:
        session = self.session
        entities = await self._core.select(session).skip(skip or None).limit(limit).all()
        if fetch and entities:
            await session.load_relations(entities, list(fetch))
        return entities

    async def find_all_by_ids(self, ids: Iterable[Any], fetch: Iterable[Any] | None = None) -> list[T]:
        session = self.session
        wanted = list(ids)
        if not wanted:
            return []
        entities = self._core.order_by_ids(await self._core.by_ids(session, wanted).all(), wanted)
        if fetch and entities:
            await session.load_relations(entities, list(fetch))
        return entities

    async def count(self) -> int:
        return await self._core.select(self.session).count()

    async def exists(self, id: Any) -> bool:
        return await self._core.by_ids(self.session, [id]).count() > 0

    async def cypher(self, query: str, params: dict[str, Any] | None = None, *, returns: Any = None, write: bool = False) -> list[Any]:
        session = self.session
        return self._core.convert(await session.execute(query, params, write=write), returns, session)

    async def cypher_one(self, query: str, params: dict[str, Any] | None = None, *, returns: Any = None, write: bool = False) -> Any:
        rows = await self.cypher(query, params, returns=returns, write=write)
        return rows[0] if rows else None

    async def cypher_raw(self, query: str, params: dict[str, Any] | None = None, *, write: bool = False) -> GraphResult:
        return await self.session.execute(query, params, write=write)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.model.__name__}>"

"""``AsyncRepository``: the asyncio twin of ``Repository``; data methods are coroutines.

It runs the same flows of ``RepositoryCore`` as ``Repository``, awaiting each call.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from runic.ogm.driver.result import GraphResult
from runic.ogm.query._flows import run_async
from runic.ogm.session.async_session import AsyncSession

from ._core import BaseRepository

__all__ = ["AsyncRepository"]

T = TypeVar("T")


class AsyncRepository(BaseRepository[T]):
    """``AsyncRepository(async_session, Person)``; ``query()`` returns an ``AsyncQueryBuilder``."""

    _session_type = AsyncSession

    async def get(self, id: Any, *, fetch: Iterable[Any] | None = None) -> T | None:
        return await run_async(self._core.get_flow(id, fetch))

    async def get_or_raise(self, id: Any, *, fetch: Iterable[Any] | None = None) -> T:
        return await run_async(self._core.get_flow(id, fetch, required=True))

    async def find(self, **filters: Any) -> list[T]:
        return await run_async(self._core.find_flow(filters))

    async def find_one(self, **filters: Any) -> T | None:
        return await run_async(self._core.find_flow(filters, first=True))

    async def add(self, entity: T) -> T:
        await run_async(self._core.add_flow([entity]))
        return entity

    async def add_all(self, entities: Iterable[T]) -> list[T]:
        items = list(entities)
        await run_async(self._core.add_flow(items))
        return items

    async def delete(self, entity: T) -> None:
        await run_async(self._core.delete_flow(entity))

    async def find_all(self, fetch: Iterable[Any] | None = None, skip: int = 0, limit: int | None = None) -> list[T]:
        return await run_async(self._core.find_all_flow(fetch, skip, limit))

    async def find_all_by_ids(self, ids: Iterable[Any], fetch: Iterable[Any] | None = None) -> list[T]:
        return await run_async(self._core.find_all_by_ids_flow(ids, fetch))

    async def count(self) -> int:
        return await run_async(self._core.count_flow())

    async def exists(self, id: Any) -> bool:
        return await run_async(self._core.exists_flow(id))

    async def cypher(self, query: str, params: dict[str, Any] | None = None, *, returns: Any = None, write: bool = False) -> list[Any]:
        return await run_async(self._core.cypher_flow(query, params, returns, write))

    async def cypher_one(self, query: str, params: dict[str, Any] | None = None, *, returns: Any = None, write: bool = False) -> Any:
        return await run_async(self._core.cypher_flow(query, params, returns, write, first=True))

    async def cypher_raw(self, query: str, params: dict[str, Any] | None = None, *, write: bool = False) -> GraphResult:
        return await run_async(self._core.cypher_flow(query, params, None, write, raw=True))

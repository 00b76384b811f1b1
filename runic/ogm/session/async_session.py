"""``AsyncSession``: the asyncio twin of ``Session`` over an ``AsyncGraphDriver``.

Every I/O member runs the same flow as ``Session`` (``_flows.SessionFlows``), awaiting
each call it yields. Members
that do no I/O (``add``, ``delete``, ``expunge*``, ``expire*``, builders, ``hydrate``,
``preview_flush``) are plain methods; ``add``/``add_all``/``delete`` act at once and return
an awaitable no-op, so ``await session.add(x)`` works too. Nothing loads implicitly: an
unloaded relation raises LazyLoadError naming ``await session.load_relationship(...)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from runic.ogm.core.ambient import ASYNC_SESSIONS
from runic.ogm.driver.result import GraphResult
from runic.ogm.exceptions import LazyLoadError
from runic.ogm.query.specialised import AsyncFulltextQueryBuilder, AsyncVectorQueryBuilder

from ._base import BaseSession
from ._entity import entity_repr
from ._flows import Flow
from ._statement import Statement

__all__ = ["AsyncSession"]

T = TypeVar("T")

_AMBIENT = ASYNC_SESSIONS  # the registry in core that entities and builders read


class _Done:
    """An already-finished awaitable (``await session.add(x)`` is allowed)."""

    __slots__ = ()

    def __await__(self):
        return iter(())

    def __repr__(self) -> str:
        return "<done>"


_DONE = _Done()


class AsyncSession(BaseSession):
    """Asynchronous unit of work; ``async with AsyncSession(driver):`` is ambient inside."""

    _ambient = _AMBIENT
    _is_async = True

    # -- the runner -----------------------------------------------------------------------------
    async def _run(self, flow: Flow) -> Any:
        """Run a flow: await each call it yields and hand back the answer (or the error)."""
        reply: Any = None
        error: BaseException | None = None
        while True:
            try:
                call = flow.throw(error) if error is not None else flow.send(reply)
            except StopIteration as stop:
                return stop.value
            reply = error = None
            try:
                reply = await getattr(self._driver if call.target is None else call.target, call.method)(*call.args, **call.kwargs)
            except BaseException as exc:  # noqa: BLE001 - handed to the flow, which maps or re-raises it
                error = exc

    async def _send(self, statement: Statement, *, readonly: bool | None = None, timeout: float | None = None) -> Any:
        return await self._run(self._send_flow(statement, readonly=readonly, timeout=timeout))

    # -- staging (no I/O) --------------------------------------------------------------------
    def add(self, entity: Any) -> _Done:
        self._stage_add(entity)
        return _DONE

    def add_all(self, entities: Iterable[Any]) -> _Done:
        self._stage_add_all(entities)
        return _DONE

    def delete(self, entity: Any) -> _Done:
        self._stage_delete(entity)
        return _DONE

    # -- unit of work ---------------------------------------------------------------------------
    async def flush(self) -> None:
        await self._run(self._flush_flow())

    async def commit(self) -> None:
        await self._run(self._commit_flow())

    async def rollback(self) -> None:
        await self._run(self._rollback_flow())

    async def close(self) -> None:
        await self._run(self._close_flow())

    async def __aenter__(self) -> AsyncSession:
        self._check_open()
        self._push_ambient()
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if self._closed:
                return
            if exc_type is None:
                await self.commit()
            else:
                await self.rollback()
        finally:
            self._pop_ambient()
            await self.close()

    # -- reads ---------------------------------------------------------------------------------
    async def get(self, model: type[T], id: Any, *, fetch: Iterable[Any] | None = None) -> T | None:
        return await self._run(self._get_flow(model, id, fetch))

    async def get_one(self, model: type[T], id: Any, *, fetch: Iterable[Any] | None = None) -> T:
        return await self._run(self._get_one_flow(model, id, fetch))

    async def refresh(self, entity: Any, *, fetch: Iterable[Any] | None = None) -> Any:
        return await self._run(self._refresh_flow(entity, fetch))

    async def merge(self, entity: T) -> T:
        return await self._run(self._merge_flow(entity))

    def _lazy_error(self, entity: Any, name: str, reason: str) -> LazyLoadError:
        if reason == "async":
            return LazyLoadError(
                f"{type(entity).__name__}.{name} of {entity_repr(entity)} is not loaded and an AsyncSession never loads implicitly",
                entity=entity,
                relation=name,
                reason="async",
                hint=f"await session.load_relationship(obj, {name!r}), pass fetch=[{name!r}], or declare Relation(..., lazy=False)",
            )
        return super()._lazy_error(entity, name, reason)

    async def load_relationship(self, entity: Any, name: Any) -> Any:
        return await self._run(self._load_relationship_flow(entity, name))

    async def load_relations(self, entities: Iterable[Any], names: Iterable[Any]) -> None:
        await self._run(self._load_relations_flow(entities, names))

    async def relate(self, source: Any, relation: Any, target: Any, edge: Any = None) -> None:
        await self._run(self._relate_flow(source, relation, target, edge))

    async def unrelate(self, source: Any, relation: Any, target: Any) -> None:
        await self._run(self._relate_flow(source, relation, target, remove=True))

    # -- queries ---------------------------------------------------------------------------------
    async def execute(
        self,
        cypher_or_stmt: Any,
        params: dict[str, Any] | None = None,
        write: bool = False,
        *,
        readonly: bool | None = None,
        timeout: float | None = None,
    ) -> GraphResult:
        self._check_open()
        if not isinstance(cypher_or_stmt, str):
            return await self._bound(cypher_or_stmt).execute()
        return await self._run(self._execute_flow(cypher_or_stmt, params, write, readonly, timeout))

    def fulltext_search(self, model: type[T], *, query: str, fields: Any = None) -> Any:
        return AsyncFulltextQueryBuilder(model, self, query=query, fields=fields)

    def vector_search(self, model: type[T], *, field: Any = None, vector: Any, k: int = 10) -> Any:
        return AsyncVectorQueryBuilder(model, self, field=field, vector=vector, k=k)

    async def scalars(self, stmt: Any) -> list[Any]:
        return await self._bound(stmt).all()

    async def scalar(self, stmt: Any) -> Any:
        return await self._bound(stmt).one()

    async def count(self, stmt: Any) -> int:
        return await self._bound(stmt).count()

    async def all_rows(self, stmt: Any) -> list[dict[str, Any]]:
        return await self._bound(stmt).all_rows()

    async def all_with_edges(self, stmt: Any) -> list[tuple[Any, ...]]:
        return await self._bound(stmt).all_with_edges()

    async def bulk_save(
        self,
        model: Any,
        rows: Iterable[Any],
        *,
        key: str | None = None,
        batch_size: int | None = None,
        progress: Callable[[int, int | None], Any] | None = None,
        on_ids: Callable[[list[tuple[int, Any]]], Any] | None = None,
    ) -> int:
        """The twin of ``Session.bulk_save`` (without Ctrl-C deferral: cancel the task instead)."""
        return await self._run(self._bulk_save_flow(model, rows, key, batch_size, progress, on_ids))

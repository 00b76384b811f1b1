"""``AsyncSession``: the asyncio twin of ``Session`` over an ``AsyncGraphDriver``.

The same ``SessionCore`` plans every statement; this shell only ``await``s them. Members
that do no I/O (``add``, ``delete``, ``expunge*``, ``expire*``, builders, ``hydrate``,
``preview_flush``) are plain methods; ``add``/``add_all``/``delete`` act at once and return
an awaitable no-op, so ``await session.add(x)`` works too. Nothing loads implicitly: an
unloaded relation raises LazyLoadError naming ``await session.load_relationship(...)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from runic.ogm.core.ambient import ASYNC_SESSIONS
from runic.ogm.core.state import EntityState
from runic.ogm.driver.result import GraphResult
from runic.ogm.exceptions import LazyLoadError, OrmError, SessionError
from runic.ogm.mapper import Mapper
from runic.ogm.query.specialised import AsyncFulltextQueryBuilder, AsyncVectorQueryBuilder

from ._base import BaseSession
from ._bulk import BulkSave
from ._entity import entity_repr, state_of
from ._statement import Statement
from .session import _not_found

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

    def __init__(
        self,
        driver: Any,
        mapper: Mapper | None = None,
        *,
        log_cypher: bool = False,
        readonly: bool = False,
        autoflush: bool = False,
        expire_on_commit: bool = False,
        batch_size: int = 500,
    ) -> None:
        super().__init__(
            driver,
            mapper,
            log_cypher=log_cypher,
            readonly=readonly,
            autoflush=autoflush,
            expire_on_commit=expire_on_commit,
            batch_size=batch_size,
        )

    async def _send(self, statement: Statement, *, readonly: bool | None = None, timeout: float | None = None) -> Any:
        self._check_open()
        if self.transactional and not self._tx_open:
            self._claim_transaction()
            await self._driver.begin(readonly=self.readonly)
            self._tx_open = True
        self._log(statement)
        ro = self.readonly if readonly is None else readonly
        try:
            result = await self._driver.execute(statement.cypher, statement.params, readonly=ro, timeout=timeout)
        except BaseException as exc:
            self._after_error(exc)
            raise
        return statement.finish(result)

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
        self._check_open()
        plan = self._core.plan_flush()
        if not plan:
            return
        self._check_writable(plan)
        applied = 0
        for statement in plan.statements:
            try:
                await self._send(statement, readonly=False)
            except OrmError as exc:
                raise self._flush_failed(exc, plan, applied, statement.step) from exc.__cause__
            applied += 1

    async def commit(self) -> None:
        self._check_open()
        await self.flush()
        if self._tx_open:
            try:
                await self._driver.commit()
            finally:
                self._release_transaction()
        self._core.after_commit(expire=self.expire_on_commit)

    async def rollback(self) -> None:
        if self._closed:
            return
        undone = False
        if self._tx_open:
            try:
                await self._driver.rollback()
                undone = True
            finally:
                self._release_transaction()
        self._core.after_rollback(undone=undone)

    async def close(self) -> None:
        if self._closed:
            return
        try:
            if self._tx_open:
                try:
                    await self._driver.rollback()
                finally:
                    self._release_transaction()
            self._core.expunge_all()
        finally:
            self._closed = True
            if self._pool is not None:
                pool, self._pool = self._pool, None
                await pool._returned_by_close(self)
            if self._owns_driver:
                await self._driver.close()

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
    async def _autoflush(self) -> None:
        if self.autoflush and not self.readonly and self._core.has_changes():
            await self.flush()

    async def get(self, model: type[T], id: Any, *, fetch: Iterable[Any] | None = None) -> T | None:
        self._check_open()
        self._check_model(model)
        entity = self._core.lookup(model, id)
        if entity is not None:
            state = state_of(entity)
            if state.state is EntityState.DELETED:
                return None
            if state.expired:
                await self.refresh(entity)
        else:
            await self._autoflush()
            entity = await self._send(self._core.get_statement(model, id))
        if entity is not None and fetch:
            await self.load_relations([entity], list(fetch))
        return entity

    async def get_one(self, model: type[T], id: Any, *, fetch: Iterable[Any] | None = None) -> T:
        entity = await self.get(model, id, fetch=fetch)
        if entity is None:
            raise _not_found(model, id, self)
        return entity

    async def refresh(self, entity: Any, *, fetch: Iterable[Any] | None = None) -> Any:
        self._check_open()
        self._core.drop_relation_cache(entity)
        await self._send(self._core.refresh_statement(entity))
        if fetch:
            await self.load_relations([entity], list(fetch))
        return entity

    async def merge(self, entity: T) -> T:
        self._check_open()
        cls = type(entity)
        key = self._core.mapper.key_of(entity)
        if key is None:
            self.add(entity)
            return entity
        target = self._core.lookup(cls, key)
        if target is None:
            target = await self.get(cls, key)
        if target is None:
            if state_of(entity).state is EntityState.DETACHED:
                state_of(entity).state = EntityState.TRANSIENT
            self.add(entity)
            return entity
        return self._core.merge_into(target, entity)

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
        rel_name, _ = self._relation_info(entity, name)
        if self._closed:
            raise self._lazy_error(entity, rel_name, "closed")
        state = state_of(entity)
        if state.session is not self:
            raise self._lazy_error(entity, rel_name, "detached")
        if state.state is EntityState.PENDING:
            return self._core.set_relation(entity, rel_name, [])
        await self.load_relations([entity], [rel_name])
        return entity.__dict__.get(rel_name)

    async def load_relations(self, entities: Iterable[Any], names: Iterable[Any]) -> None:
        self._check_open()
        for statement in self._core.load_relations_statements(list(entities), list(names)):
            await self._send(statement)

    async def relate(self, source: Any, relation: Any, target: Any, edge: Any = None) -> None:
        name, _ = self._relation_info(source, relation)
        await self.flush()
        await self._send(self._core.relate_statement(source, name, target, edge), readonly=False)

    async def unrelate(self, source: Any, relation: Any, target: Any) -> None:
        name, _ = self._relation_info(source, relation)
        await self.flush()
        await self._send(self._core.relate_statement(source, name, target, remove=True), readonly=False)

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
        ro = self._execute_args(readonly, write)
        await self._autoflush()
        result = await self._send(Statement(cypher_or_stmt, dict(params or {}), step="execute", write=write), readonly=ro, timeout=timeout)
        if write:
            self._core.expire_all()
        return result

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
        model: type,
        rows: Iterable[dict[str, Any]],
        *,
        key: str | None = None,
        batch_size: int | None = None,
        progress: Callable[[int, int], Any] | None = None,
    ) -> int:
        self._check_open()
        if self._tx_open:
            raise SessionError(
                "bulk_save() commits each batch alone, but this session has an open transaction",
                session=self,
                hint="await session.commit() or await session.rollback() first",
            )
        job = BulkSave(self._core, model, rows, key=key, batch_size=batch_size or self.batch_size)
        for batch in job.batches():
            try:
                await self._send_autocommit(batch)
            except OrmError as exc:
                raise job.failed(exc) from exc
            job.done(batch)
            if progress is not None:
                progress(job.committed_rows, job.total_rows)
        return job.committed_rows

    async def _send_autocommit(self, batch: list[Statement]) -> None:
        """Send one bulk batch; on a transactional backend its statements commit together."""
        if not self.transactional:
            for statement in batch:
                await self._send(statement, readonly=False)
            return
        self._claim_transaction()
        await self._driver.begin(readonly=False)
        self._tx_open = True
        try:
            for statement in batch:
                await self._send(statement, readonly=False)
            await self._driver.commit()
        except BaseException:
            await self._driver.rollback()
            raise
        finally:
            self._release_transaction()

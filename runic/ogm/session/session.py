"""``Session``: the synchronous unit of work over a ``GraphDriver``.

A thin shell: ``SessionCore`` decides what to send (``Statement`` objects); this class
sends them with ``driver.execute`` and hands each answer back. ``AsyncSession`` is the same
shell with ``await``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from runic.ogm.core.ambient import SYNC_SESSIONS
from runic.ogm.core.state import EntityState
from runic.ogm.driver.result import GraphResult
from runic.ogm.exceptions import EntityNotFoundError, OrmError, SessionError
from runic.ogm.mapper import Mapper
from runic.ogm.query.specialised import FulltextQueryBuilder, VectorQueryBuilder

from ._base import BaseSession
from ._bulk import BulkSave
from ._entity import state_of
from ._statement import Statement

__all__ = ["Session"]

T = TypeVar("T")

_AMBIENT = SYNC_SESSIONS  # the registry in core that entities and builders read


class Session(BaseSession):
    """Synchronous unit of work: identity map, dirty tracking, ordered batched flushes.

    ``Session(driver)`` or ``Session("falkordb://host/graph")`` (the session then owns and
    closes that driver). ``with Session(driver):`` makes it the ambient session, commits on
    exit (rolls back on an exception) and closes it.
    """

    _ambient = _AMBIENT
    _is_async = False

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

    # -- sending ------------------------------------------------------------------------------
    def _send(self, statement: Statement, *, readonly: bool | None = None, timeout: float | None = None) -> Any:
        self._check_open()
        if self.transactional and not self._tx_open:
            self._claim_transaction()
            self._driver.begin(readonly=self.readonly)
            self._tx_open = True
        self._log(statement)
        ro = self.readonly if readonly is None else readonly
        try:
            result = self._driver.execute(statement.cypher, statement.params, readonly=ro, timeout=timeout)
        except BaseException as exc:
            self._after_error(exc)
            raise
        return statement.finish(result)

    # -- staging ---------------------------------------------------------------------------------
    def add(self, entity: Any) -> None:
        """Stage ``entity``: transient → pending, detached → persistent. No I/O."""
        self._stage_add(entity)

    def add_all(self, entities: Iterable[Any]) -> None:
        self._stage_add_all(entities)

    def delete(self, entity: Any) -> None:
        """Mark ``entity`` for deletion (a pending one is simply dropped). No I/O."""
        self._stage_delete(entity)

    # -- unit of work --------------------------------------------------------------------------------
    def flush(self) -> None:
        """Send every staged change, in order: node creates … node deletes."""
        self._check_open()
        plan = self._core.plan_flush()
        if not plan:
            return
        self._check_writable(plan)
        applied = 0
        for statement in plan.statements:
            try:
                self._send(statement, readonly=False)
            except OrmError as exc:
                raise self._flush_failed(exc, plan, applied, statement.step) from exc.__cause__
            applied += 1

    def commit(self) -> None:
        """Flush, then commit the backend transaction (FalkorDB: nothing more to do)."""
        self._check_open()
        self.flush()
        if self._tx_open:
            try:
                self._driver.commit()
            finally:
                self._release_transaction()
        self._core.after_commit(expire=self.expire_on_commit)

    def rollback(self) -> None:
        """Drop staged changes; undo the open transaction where there is one; expire entities."""
        if self._closed:
            return
        undone = False
        if self._tx_open:
            try:
                self._driver.rollback()
                undone = True
            finally:
                self._release_transaction()
        self._core.after_rollback(undone=undone)

    def close(self) -> None:
        """Roll back an open transaction, expunge everything, close an owned driver. Idempotent."""
        if self._closed:
            return
        try:
            if self._tx_open:
                try:
                    self._driver.rollback()
                finally:
                    self._release_transaction()
            self._core.expunge_all()
        finally:
            self._closed = True
            if self._pool is not None:
                pool, self._pool = self._pool, None
                pool._returned_by_close(self)
            if self._owns_driver:
                self._driver.close()

    def __enter__(self) -> Session:
        self._check_open()
        self._push_ambient()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if self._closed:
                return
            if exc_type is None:
                self.commit()
            else:
                self.rollback()
        finally:
            self._pop_ambient()
            self.close()

    # -- reads ---------------------------------------------------------------------------------------
    def _autoflush(self) -> None:
        if self.autoflush and not self.readonly and self._core.has_changes():
            self.flush()

    def get(self, model: type[T], id: Any, *, fetch: Iterable[Any] | None = None) -> T | None:
        """The entity of ``model`` with key ``id``, or ``None``. Identity map first."""
        self._check_open()
        self._check_model(model)
        entity = self._core.lookup(model, id)
        if entity is not None:
            state = state_of(entity)
            if state.state is EntityState.DELETED:
                return None
            if state.expired:
                self.refresh(entity)
        else:
            self._autoflush()
            entity = self._send(self._core.get_statement(model, id))
        if entity is not None and fetch:
            self.load_relations([entity], list(fetch))
        return entity

    def get_one(self, model: type[T], id: Any, *, fetch: Iterable[Any] | None = None) -> T:
        """Like ``get`` but a missing entity raises EntityNotFoundError."""
        entity = self.get(model, id, fetch=fetch)
        if entity is None:
            raise _not_found(model, id, self)
        return entity

    def refresh(self, entity: Any, *, fetch: Iterable[Any] | None = None) -> Any:
        """Re-read ``entity`` now, dropping its unflushed edits (gone → EntityNotFoundError)."""
        self._check_open()
        self._core.drop_relation_cache(entity)
        self._send(self._core.refresh_statement(entity))
        if fetch:
            self.load_relations([entity], list(fetch))
        return entity

    def merge(self, entity: T) -> T:
        """This session's instance of ``entity``'s key, with ``entity``'s values copied onto it."""
        self._check_open()
        cls = type(entity)
        key = self._core.mapper.key_of(entity)
        if key is None:
            self.add(entity)
            return entity
        target = self._core.lookup(cls, key)
        if target is None:
            target = self.get(cls, key)
        if target is None:
            if state_of(entity).state is EntityState.DETACHED:
                state_of(entity).state = EntityState.TRANSIENT
            self.add(entity)
            return entity
        return self._core.merge_into(target, entity)

    def load_relationship(self, entity: Any, name: Any) -> Any:
        """Load one relation of ``entity`` now and return its value."""
        rel_name, _ = self._relation_info(entity, name)
        if self._closed:
            raise self._lazy_error(entity, rel_name, "closed")
        state = state_of(entity)
        if state.session is not self:
            raise self._lazy_error(entity, rel_name, "detached")
        if state.state is EntityState.PENDING:
            return self._core.set_relation(entity, rel_name, [])
        self.load_relations([entity], [rel_name])
        return entity.__dict__.get(rel_name)

    def load_relations(self, entities: Iterable[Any], names: Iterable[Any]) -> None:
        """Load relations ``names`` of all ``entities``: one query per relation per set."""
        self._check_open()
        for statement in self._core.load_relations_statements(list(entities), list(names)):
            self._send(statement)

    def relate(self, source: Any, relation: Any, target: Any, edge: Any = None) -> None:
        """Flush, then ``MERGE`` one edge (idempotent; ``edge``'s properties are set)."""
        name, _ = self._relation_info(source, relation)
        self.flush()
        self._send(self._core.relate_statement(source, name, target, edge), readonly=False)

    def unrelate(self, source: Any, relation: Any, target: Any) -> None:
        """Flush, then delete the edge(s) of ``relation`` between ``source`` and ``target``."""
        name, _ = self._relation_info(source, relation)
        self.flush()
        self._send(self._core.relate_statement(source, name, target, remove=True), readonly=False)

    # -- queries --------------------------------------------------------------------------------------
    def execute(
        self,
        cypher_or_stmt: Any,
        params: dict[str, Any] | None = None,
        write: bool = False,
        *,
        readonly: bool | None = None,
        timeout: float | None = None,
    ) -> GraphResult:
        """Run Cypher (or a ``select()``) and return the ``GraphResult``.

        ``write=True`` expires persistent entities afterwards (the statement may have
        changed them)."""
        self._check_open()
        if not isinstance(cypher_or_stmt, str):
            return self._bound(cypher_or_stmt).execute()
        ro = self._execute_args(readonly, write)
        self._autoflush()
        result = self._send(Statement(cypher_or_stmt, dict(params or {}), step="execute", write=write), readonly=ro, timeout=timeout)
        if write:
            self._core.expire_all()
        return result

    def fulltext_search(self, model: type[T], *, query: str, fields: Any = None) -> Any:
        return FulltextQueryBuilder(model, self, query=query, fields=fields)

    def vector_search(self, model: type[T], *, field: Any = None, vector: Any, k: int = 10) -> Any:
        return VectorQueryBuilder(model, self, field=field, vector=vector, k=k)

    def scalars(self, stmt: Any) -> list[Any]:
        return self._bound(stmt).all()

    def scalar(self, stmt: Any) -> Any:
        return self._bound(stmt).one()

    def count(self, stmt: Any) -> int:
        return self._bound(stmt).count()

    def all_rows(self, stmt: Any) -> list[dict[str, Any]]:
        return self._bound(stmt).all_rows()

    def all_with_edges(self, stmt: Any) -> list[tuple[Any, ...]]:
        return self._bound(stmt).all_with_edges()

    # -- bulk ------------------------------------------------------------------------------------------
    def bulk_save(
        self,
        model: type,
        rows: Iterable[dict[str, Any]],
        *,
        key: str | None = None,
        batch_size: int | None = None,
        progress: Callable[[int, int], Any] | None = None,
    ) -> int:
        """``MERGE`` rows on ``key`` outside the unit of work; each batch committed alone.

        Returns the number of rows written; a failing batch raises BulkWriteError."""
        self._check_open()
        if self._tx_open:
            raise SessionError(
                "bulk_save() commits each batch alone, but this session has an open transaction",
                session=self,
                hint="call session.commit() or session.rollback() first",
            )
        job = BulkSave(self._core, model, rows, key=key, batch_size=batch_size or self.batch_size)
        for batch in job.batches():
            try:
                self._send_autocommit(batch)
            except OrmError as exc:
                raise job.failed(exc) from exc
            job.done(batch)
            if progress is not None:
                progress(job.committed_rows, job.total_rows)
        return job.committed_rows

    def _send_autocommit(self, batch: list[Statement]) -> None:
        """Send one bulk batch; on a transactional backend its statements commit together."""
        if not self.transactional:
            for statement in batch:
                self._send(statement, readonly=False)
            return
        self._claim_transaction()
        self._driver.begin(readonly=False)
        self._tx_open = True
        try:
            for statement in batch:
                self._send(statement, readonly=False)
            self._driver.commit()
        except BaseException:
            self._driver.rollback()
            raise
        finally:
            self._release_transaction()


def _not_found(model: type, key: Any, session: BaseSession) -> EntityNotFoundError:
    graph = getattr(session.driver, "graph_name", None) or getattr(session.driver, "url", "?")
    return EntityNotFoundError(
        f"no {model.__name__} with key {key!r} in graph {graph!r}",
        model=model,
        key=key,
        hint=f"session.get({model.__name__}, ...) returns None instead of raising",
    )

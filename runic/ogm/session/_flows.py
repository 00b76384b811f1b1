"""The session's conversations with a database, written once as flows (no I/O).

A flow is a generator that yields a ``Call`` — what the driver (or the pool) must do —
and receives its return value, or has its exception thrown in. ``Session`` runs a flow
with plain calls, ``AsyncSession`` with ``await``; that is the only difference between
the two, so every rule of flush, commit, rollback, close, reads and relation loading is
written (and fixed) here once.

After a failure the unit of work tells the truth: on a transactional backend a failed
flush or COMMIT ends the transaction, so everything written since the last commit is
staged again (created → pending, changed → dirty, deleted → still deleted) and the error's
``flush_report`` says so; ``rollback()`` and ``close()`` after a lost connection never
raise the driver's error (the transaction ended with the connection).
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from runic.ogm.core.collector import gc_paused
from runic.ogm.core.state import EntityState
from runic.ogm.exceptions import OrmError

from ._entity import state_of
from ._flush import STEPS
from ._statement import Statement

__all__ = ["Call", "Flow", "SessionFlows"]

#: the flush step whose statements a pipelining driver sends back to back: node creates
#: depend on nothing sent in the same step
PIPELINED_STEP = STEPS[0]

log = logging.getLogger("runic.session")


@dataclass(frozen=True, slots=True)
class Call:
    """One call a flow asks its runner to make: ``target.method(*args, **kwargs)``.

    ``target`` ``None`` is the session's driver."""

    method: str
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    target: Any = None


Flow = Generator[Call, Any, Any]


class SessionFlows:
    """Every I/O member of the sessions as a flow; ``BaseSession`` mixes this in."""

    # -- one statement ------------------------------------------------------------------------
    def _send_flow(self, statement: Statement, *, readonly: bool | None = None, timeout: float | None = None) -> Flow:
        self._check_open()
        if self.transactional and not self._tx_open:
            self._claim_transaction()
            yield Call("begin", kwargs={"readonly": self.readonly})
            self._tx_open = True
        self._log(statement)
        ro = self.readonly if readonly is None else readonly
        try:
            result = yield Call("execute", (statement.cypher, statement.params), {"readonly": ro, "timeout": timeout})
        except BaseException as exc:
            self._after_error(exc)
            raise
        return statement.finish(result)

    # -- unit of work -----------------------------------------------------------------------------
    def _flush_flow(self) -> Flow:
        self._check_open()
        plan = self._core.plan_flush()
        if not plan:
            return
        self._check_writable(plan)
        applied = [0]
        statements = plan.statements
        pipelines = not self.transactional and hasattr(self._driver, "execute_pipelined")
        # every batch allocates rows and replies while the flushed entities stay alive: the
        # cyclic collector would walk all of them again and again for nothing
        with gc_paused():
            start = 0
            while start < len(statements):
                statement = statements[start]
                end = start + 1
                if pipelines and statement.step == PIPELINED_STEP:
                    while end < len(statements) and statements[end].step == PIPELINED_STEP:
                        end += 1
                try:
                    if end - start > 1:
                        yield from self._pipelined_flow(statements[start:end], applied)
                    else:
                        yield from self._send_flow(statement, readonly=False)
                        applied[0] += 1
                except Exception as exc:
                    restaged = yield from self._end_failed_transaction_flow()
                    if isinstance(exc, OrmError):
                        raise self._core.attach_report(exc, plan, applied[0], statement.step, restaged) from exc.__cause__
                    raise
                start = end

    def _pipelined_flow(self, statements: list[Statement], applied: list[int]) -> Flow:
        """Statements of one flush step, each sent while the server runs the one before
        (drivers with ``execute_pipelined``, outside transactions); ``applied[0]`` counts
        those whose result is recorded."""

        def params_of(statement: Statement) -> Any:
            def params() -> dict[str, Any]:
                self._log(statement)
                return statement.params

            return params

        def on_result(index: int, result: Any) -> None:
            statements[index].finish(result)
            applied[0] += 1

        try:
            yield Call("execute_pipelined", ([(s.cypher, params_of(s)) for s in statements], on_result))
        except BaseException as exc:
            self._after_error(exc)
            raise

    def _commit_flow(self) -> Flow:
        self._check_open()
        yield from self._flush_flow()
        if self._tx_open:
            try:
                yield Call("commit")
            except Exception as exc:
                self._release_transaction()
                restaged = self._core.restage_uncommitted()
                if isinstance(exc, OrmError):
                    raise self._core.attach_commit_report(exc, restaged) from exc.__cause__
                raise
            self._release_transaction()
        self._core.after_commit(expire=self.expire_on_commit)

    def _end_failed_transaction_flow(self) -> Flow:
        """A write failed inside the backend transaction: roll it back (quietly — the
        connection may be gone) and stage again what it wrote. Returns the counts, or
        ``None`` when no transaction was open (FalkorDB: what ran stays)."""
        if not self._tx_open:
            return None
        yield from self._quiet_rollback_flow("a failed write")
        return self._core.restage_uncommitted()

    def _quiet_rollback_flow(self, after: str) -> Flow:
        """Roll the driver's transaction back; a lost connection already ended it."""
        try:
            yield Call("rollback")
        except Exception as exc:  # noqa: BLE001 - the transaction ended with the connection
            log.warning("rollback after %s: %s; the server dropped the transaction", after, _short(exc))
        finally:
            self._release_transaction()

    def _rollback_flow(self) -> Flow:
        if self._closed:
            return
        undone = False
        if self._tx_open:
            yield from self._quiet_rollback_flow("rollback()")
            undone = True
        self._core.after_rollback(undone=undone)

    def _close_flow(self) -> Flow:
        if self._closed:
            return
        if self._tx_open:
            yield from self._quiet_rollback_flow("close()")
        try:
            self._core.expunge_all()
        finally:
            self._closed = True
        if self._pool is not None:
            pool, self._pool = self._pool, None
            yield Call("_returned_by_close", (self,), target=pool)
        if self._owns_driver:
            try:
                yield Call("close")
            except Exception as exc:  # noqa: BLE001 - closing a dead connection is done
                log.warning("closing the driver: %s", _short(exc))

    def _autoflush_flow(self) -> Flow:
        if self.autoflush and not self.readonly and self._core.has_changes():
            yield from self._flush_flow()

    # -- reads ----------------------------------------------------------------------------------------
    def _get_flow(self, model: type, key: Any, fetch: Iterable[Any] | None) -> Flow:
        self._check_open()
        self._check_model(model)
        entity = self._core.lookup(model, key)
        if entity is not None:
            state = state_of(entity)
            if state.state is EntityState.DELETED:
                return None
            if state.expired:
                yield from self._refresh_flow(entity, None)
        else:
            yield from self._autoflush_flow()
            entity = yield from self._send_flow(self._core.get_statement(model, key))
        if entity is not None and fetch:
            yield from self._load_relations_flow([entity], list(fetch))
        return entity

    def _get_one_flow(self, model: type, key: Any, fetch: Iterable[Any] | None) -> Flow:
        entity = yield from self._get_flow(model, key, fetch)
        if entity is None:
            raise self._not_found(model, key)
        return entity

    def _refresh_flow(self, entity: Any, fetch: Iterable[Any] | None) -> Flow:
        self._check_open()
        self._core.drop_relation_cache(entity)
        yield from self._send_flow(self._core.refresh_statement(entity))
        if fetch:
            yield from self._load_relations_flow([entity], list(fetch))
        return entity

    def _merge_flow(self, entity: Any) -> Flow:
        self._check_open()
        cls = type(entity)
        key = self._core.mapper.key_of(entity)
        if key is None:
            self._stage_add(entity)
            return entity
        target = self._core.lookup(cls, key)
        if target is None:
            target = yield from self._get_flow(cls, key, None)
        if target is None:
            if state_of(entity).state is EntityState.DETACHED:
                state_of(entity).state = EntityState.TRANSIENT
            self._stage_add(entity)
            return entity
        return self._core.merge_into(target, entity)

    # -- relations ------------------------------------------------------------------------------------
    def _load_relationship_flow(self, entity: Any, name: Any) -> Flow:
        rel_name, _ = self._relation_info(entity, name)
        if self._closed:
            raise self._lazy_error(entity, rel_name, "closed")
        state = state_of(entity)
        if state.session is not self:
            raise self._lazy_error(entity, rel_name, "detached")
        if state.state is EntityState.PENDING:
            return self._core.set_relation(entity, rel_name, [])
        yield from self._load_relations_flow([entity], [rel_name])
        return entity.__dict__.get(rel_name)

    def _load_relations_flow(self, entities: Iterable[Any], names: Iterable[Any]) -> Flow:
        self._check_open()
        for statement in self._core.load_relations_statements(list(entities), list(names)):
            yield from self._send_flow(statement)

    def _relate_flow(self, source: Any, relation: Any, target: Any, edge: Any = None, *, remove: bool = False) -> Flow:
        name, _ = self._relation_info(source, relation)
        yield from self._flush_flow()
        statement = self._core.relate_statement(source, name, target, edge, remove=remove)
        yield from self._send_flow(statement, readonly=False)

    # -- queries -------------------------------------------------------------------------------------
    def _execute_flow(self, cypher: str, params: dict[str, Any] | None, write: bool, readonly: bool | None, timeout: float | None) -> Flow:
        ro = self._execute_args(readonly, write)
        yield from self._autoflush_flow()
        statement = Statement(cypher, dict(params or {}), step="execute", write=write)
        result = yield from self._send_flow(statement, readonly=ro, timeout=timeout)
        if write:
            self._core.expire_all()
        return result


def _short(exc: BaseException) -> str:
    """An error for a log line: runic's own message (secrets redacted), else the type only."""
    if isinstance(exc, OrmError):
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return type(exc).__name__

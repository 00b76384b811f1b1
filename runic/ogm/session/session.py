"""``Session``: the synchronous unit of work over a ``GraphDriver``.

A thin runner: every I/O member runs a flow of ``_flows.SessionFlows`` (which yields the
driver calls to make) with plain calls. ``AsyncSession`` is the same runner with ``await``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from runic.ogm.core import vector_indexes
from runic.ogm.core.ambient import SYNC_SESSIONS
from runic.ogm.driver.result import GraphResult
from runic.ogm.query.specialised import FulltextQueryBuilder, VectorQueryBuilder

from ._base import BaseSession
from ._bulk import deferred_interrupts
from ._flows import Flow
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

    # -- the runner -----------------------------------------------------------------------------
    def _run(self, flow: Flow) -> Any:
        """Run a flow: make each call it yields and hand back the answer (or the error)."""
        reply: Any = None
        error: BaseException | None = None
        while True:
            try:
                call = flow.throw(error) if error is not None else flow.send(reply)
            except StopIteration as stop:
                return stop.value
            reply = error = None
            try:
                reply = getattr(self._driver if call.target is None else call.target, call.method)(*call.args, **call.kwargs)
            except BaseException as exc:  # noqa: BLE001 - handed to the flow, which maps or re-raises it
                error = exc

    def _send(self, statement: Statement, *, readonly: bool | None = None, timeout: float | None = None) -> Any:
        return self._run(self._send_flow(statement, readonly=readonly, timeout=timeout))

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
        """Send every staged change, in order: node creates … node deletes.

        On a transactional backend a failure rolls the transaction back and stages again
        everything written since the last commit (the error's ``flush_report`` counts it)."""
        self._run(self._flush_flow())

    def commit(self) -> None:
        """Flush, then commit the backend transaction (FalkorDB: nothing more to do).

        A failed COMMIT stages again everything since the last commit: commit() again once
        the database answers, or rollback() to drop it."""
        self._run(self._commit_flow())
        if vector_indexes.has_pending(self._driver):  # vector indexes waiting for their dimension
            vector_indexes.retry_pending(self._driver)

    def rollback(self) -> None:
        """Drop staged changes; undo the open transaction where there is one; expire entities.

        After a lost connection this does not raise: the transaction ended with it."""
        self._run(self._rollback_flow())

    def close(self) -> None:
        """Roll back an open transaction, expunge everything, close an owned driver. Idempotent."""
        self._run(self._close_flow())

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
    def get(self, model: type[T], id: Any, *, fetch: Iterable[Any] | None = None) -> T | None:
        """The entity of ``model`` with key ``id``, or ``None``. Identity map first."""
        return self._run(self._get_flow(model, id, fetch))

    def get_one(self, model: type[T], id: Any, *, fetch: Iterable[Any] | None = None) -> T:
        """Like ``get`` but a missing entity raises EntityNotFoundError."""
        return self._run(self._get_one_flow(model, id, fetch))

    def refresh(self, entity: Any, *, fetch: Iterable[Any] | None = None) -> Any:
        """Re-read ``entity`` now, dropping its unflushed edits (gone → EntityNotFoundError)."""
        return self._run(self._refresh_flow(entity, fetch))

    def merge(self, entity: T) -> T:
        """This session's instance of ``entity``'s key, with ``entity``'s values copied onto it."""
        return self._run(self._merge_flow(entity))

    def load_relationship(self, entity: Any, name: Any) -> Any:
        """Load one relation of ``entity`` now and return its value."""
        return self._run(self._load_relationship_flow(entity, name))

    def load_relations(self, entities: Iterable[Any], names: Iterable[Any]) -> None:
        """Load relations ``names`` of all ``entities``: one query per relation per set."""
        self._run(self._load_relations_flow(entities, names))

    def relate(self, source: Any, relation: Any, target: Any, edge: Any = None) -> None:
        """Flush, then ``MERGE`` one edge (idempotent; ``edge``'s properties are set)."""
        self._run(self._relate_flow(source, relation, target, edge))

    def unrelate(self, source: Any, relation: Any, target: Any) -> None:
        """Flush, then delete the edge(s) of ``relation`` between ``source`` and ``target``."""
        self._run(self._relate_flow(source, relation, target, remove=True))

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
        return self._run(self._execute_flow(cypher_or_stmt, params, write, readonly, timeout))

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
        model: Any,
        rows: Iterable[Any],
        *,
        key: str | None = None,
        batch_size: int | None = None,
        progress: Callable[[int, int | None], Any] | None = None,
        on_ids: Callable[[list[tuple[int, Any]]], Any] | None = None,
    ) -> int:
        """Write ``rows`` outside the unit of work, each batch committed alone.

        ``model``: a model class, a label or tuple of labels, or ``EdgeRows(...)``. Rows are
        merged on ``key`` (default: the primary key; an index backs it) and created where
        there is no key. ``progress(done, total)`` runs after each batch; ``on_ids(pairs)``
        receives ``(row index, element id)`` of created nodes. Returns the rows written; a
        failing batch raises BulkWriteError, an interrupt BulkWriteInterrupted, both
        counting the rows the database holds."""
        with deferred_interrupts() as interrupted:
            return self._run(self._bulk_save_flow(model, rows, key, batch_size, progress, on_ids, interrupted))



"""What ``Session`` and ``AsyncSession`` share: construction, staging, views — no I/O.

The I/O members (``flush``, ``commit``, ``get``, ``execute``, ...) are flows
(``_flows.SessionFlows``); the twins only run them, with plain calls or with ``await``.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import weakref
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

from runic.ogm.core.collector import gc_paused
from runic.ogm.core.metadata import get_metadata
from runic.ogm.core.state import EntityState
from runic.ogm.driver.factory import create_driver
from runic.ogm.exceptions import (
    DriverError,
    EntityNotFoundError,
    LazyLoadError,
    MetadataError,
    ReadOnlyError,
    SessionError,
)
from runic.ogm.mapper import Mapper
from runic.ogm.mapper.mapper import is_edge_model
from runic.ogm.query import select

from ._bulk import BulkSave, bulk_save_flow
from ._core import SessionCore
from ._entity import entity_repr, relation_name, state_of, unknown_relation
from ._flows import Flow, SessionFlows
from ._flush import FlushPlan
from ._statement import Statement

__all__ = ["BaseSession", "log"]

log = logging.getLogger("runic.session")

#: driver id → session holding that driver's one transaction (transactional backends)
_TX_HOLDERS: dict[int, weakref.ref[BaseSession]] = {}
_TX_LOCK = threading.Lock()


class BaseSession(SessionFlows):
    """State and rules shared by the sync and async sessions (no I/O)."""

    _ambient: ContextVar[tuple[Any, ...]]
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
        self._owns_driver = False
        driver = self._resolve_driver(driver)
        self._driver = driver
        self._dialect = driver.dialect
        self._core = SessionCore(self, self._dialect, mapper if mapper is not None else Mapper(), batch_size=batch_size)
        self.log_cypher = log_cypher
        self.readonly = readonly
        self.autoflush = autoflush
        self.expire_on_commit = expire_on_commit
        self._closed = False
        self._tx_open = False
        self._pool: Any = None
        self._broken = False
        self._ambient_tokens: list[Any] = []

    # -- construction helpers -----------------------------------------------------------------
    def _resolve_driver(self, driver: Any) -> Any:
        if isinstance(driver, BaseSession):
            raise TypeError(
                f"{type(self).__name__}() got a {type(driver).__name__}, not a driver — "
                "ConnectionManager.acquire() already returns a ready session: use it directly "
                "(or 'with manager.session() as session:')"
            )
        if isinstance(driver, str):
            driver = self._driver_from_url(driver)
            self._owns_driver = True
        if not hasattr(driver, "execute") or not hasattr(driver, "dialect"):
            raise TypeError(f"{type(self).__name__}() needs a graph driver or a URL, got {type(driver).__name__}")
        import inspect

        is_async = inspect.iscoroutinefunction(driver.execute)
        if is_async != self._is_async:
            if self._is_async:
                raise TypeError(
                    f"AsyncSession needs an async driver, got {type(driver).__name__} — "
                    "create it with async_=True (create_driver(url, async_=True)) or use Session"
                )
            raise TypeError(
                f"Session needs a sync driver, got {type(driver).__name__} — use AsyncSession with an async driver"
            )
        return driver

    def _driver_from_url(self, url: str) -> Any:
        if self._is_async:
            return create_driver(url, async_=True)
        return create_driver(url)

    # -- properties -------------------------------------------------------------------------------
    @property
    def driver(self) -> Any:
        return self._driver

    @property
    def dialect(self) -> Any:
        return self._dialect

    @property
    def mapper(self) -> Mapper:
        return self._core.mapper

    @property
    def batch_size(self) -> int:
        return self._core.batch_size

    @property
    def is_closed(self) -> bool:
        return self._closed

    @property
    def new(self) -> list[Any]:
        """Pending entities (added, not yet flushed)."""
        return self._core.new

    @property
    def dirty(self) -> list[Any]:
        """Persistent entities with unflushed changes."""
        return self._core.dirty()

    @property
    def deleted(self) -> list[Any]:
        """Entities marked for deletion (until commit)."""
        return self._core.deleted

    @property
    def identity_map(self) -> dict[Any, Any]:
        """A snapshot ``{(root class, key): entity}`` of the identity map."""
        return self._core.identity_items()

    def __contains__(self, entity: Any) -> bool:
        return self._core.contains(entity)

    def in_transaction(self) -> bool:
        """True while a backend transaction opened by this session is open."""
        return self._tx_open

    @property
    def transactional(self) -> bool:
        return bool(getattr(self._dialect, "transactional", True)) and hasattr(self._driver, "begin")

    @classmethod
    def current(cls) -> Any:
        """The ambient session (innermost ``with``), or ``None``."""
        stack = cls._ambient.get()
        return stack[-1] if stack else None

    def _push_ambient(self) -> None:
        self._ambient_tokens.append(self._ambient.set(self._ambient.get() + (self,)))

    def _pop_ambient(self) -> None:
        if self._ambient_tokens:
            token = self._ambient_tokens.pop()
            try:
                self._ambient.reset(token)
            except ValueError:  # exited in another context: remove self from this one
                self._ambient.set(tuple(s for s in self._ambient.get() if s is not self))

    @contextlib.contextmanager
    def _ambient_scope(self):
        """Make this session ambient for the block (used by pooled ``session()`` blocks)."""
        self._push_ambient()
        try:
            yield self
        finally:
            self._pop_ambient()

    # -- staging (no I/O) -------------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._closed:
            raise SessionError(
                f"this {type(self).__name__} is closed",
                session=self,
                hint=f"open a new one ({type(self).__name__}(driver)) or use 'with {type(self).__name__}(driver):'",
            )

    def _stage_add(self, entity: Any) -> None:
        self._check_open()
        self._core.add(entity)

    def _stage_add_all(self, entities: Iterable[Any]) -> None:
        self._check_open()
        with gc_paused():  # staging allocates and frees nothing: no collector passes
            self._core.add_all(entities)

    def _stage_delete(self, entity: Any) -> None:
        self._check_open()
        self._core.delete(entity)

    def expunge(self, entity: Any) -> None:
        """Detach ``entity`` from this session (pending ones become transient). No I/O."""
        self._core.expunge(entity)

    def expunge_all(self) -> None:
        """Detach every entity. No I/O."""
        self._core.expunge_all()

    def expire(self, entity: Any) -> None:
        """Mark ``entity``'s values stale: the next read (or ``refresh``) reloads them."""
        self._core.expire(entity)

    def expire_all(self) -> None:
        self._core.expire_all()

    def hydrate(self, record: Any, model: type | None = None) -> Any:
        """A ``NodeRecord``/``EdgeRecord`` as this session's entity (via the identity map)."""
        return self._core.hydrate(record, model)

    def preview_flush(self) -> list[tuple[str, dict[str, Any]]]:
        """The ``(cypher, params)`` a flush would send now (database ids not yet known show as None)."""
        return self._core.plan_flush().preview()

    def _note_modified(self, entity: Any) -> None:
        """Hook for field assignment: keep a changed persistent entity alive until flushed."""
        self._core.note_modified(entity)

    # -- shared checks for I/O members --------------------------------------------------------------
    def query(self, model: type) -> Any:
        """A ``select(model)`` builder bound to this session."""
        return select(model).bind(self)

    def _bound(self, stmt: Any) -> Any:
        if not hasattr(stmt, "bind"):
            raise TypeError(f"expected a select() statement, got {type(stmt).__name__} — build one with select(Model)")
        return stmt.bind(self)

    def _check_model(self, model: Any) -> None:
        if not isinstance(model, type):
            raise TypeError(f"expected a Node or Edge class, got {model!r}")
        registry = get_metadata()
        edge = is_edge_model(model)
        meta = registry.get_edge_meta(model) if edge else registry.get_node_meta(model)
        if meta is None:
            raise MetadataError(
                f"{model.__name__} is not a registered {'Edge' if edge else 'Node'} model",
                model=model,
                hint="subclass runic.ogm.Node or runic.ogm.Edge (abstract classes cannot be loaded)",
            )

    def _check_writable(self, plan: FlushPlan) -> None:
        if plan and self.readonly:
            raise ReadOnlyError(
                f"this session is read-only and has {len(plan)} statements of staged changes; nothing was sent",
                backend=getattr(self._driver, "backend", None),
                hint="open the session without readonly=True to write, or expunge_all() the changes",
            )

    def _not_found(self, model: type, key: Any) -> EntityNotFoundError:
        graph = getattr(self._driver, "graph_name", None) or getattr(self._driver, "url", "?")
        return EntityNotFoundError(
            f"no {model.__name__} with key {key!r} in graph {graph!r}",
            model=model,
            key=key,
            hint=f"session.get({model.__name__}, ...) returns None instead of raising",
        )

    def _bulk_save_flow(
        self,
        model: Any,
        rows: Iterable[Any],
        key: str | None,
        batch_size: int | None,
        progress: Callable[[int, int | None], Any] | None,
        on_ids: Callable[[list[tuple[int, Any]]], Any] | None,
        interrupted: Callable[[], bool] = lambda: False,
    ) -> Flow:
        """``bulk_save``: a flow of ``_bulk``, outside the unit of work; expires entities after."""
        self._check_open()
        if self._tx_open:
            commit = "await session.commit() or await session.rollback()" if self._is_async else "call session.commit() or session.rollback()"
            raise SessionError(
                "bulk_save() commits each batch alone, but this session has an open transaction",
                session=self,
                hint=f"{commit} first",
            )
        job = BulkSave(self._core, model, rows, key=key, batch_size=batch_size or self.batch_size, on_ids=on_ids)
        written = yield from bulk_save_flow(self, job, progress=progress, interrupted=interrupted)
        self._core.expire_all()
        return written

    def _lazy_error(self, entity: Any, name: str, reason: str) -> LazyLoadError:
        return LazyLoadError(
            f"{type(entity).__name__}.{name} of {entity_repr(entity)} is not loaded and the session is {reason}",
            entity=entity,
            relation=name,
            reason=reason,
            hint=f"load it while the session is open (fetch=[{name!r}]) or declare Relation(..., lazy=False)",
        )

    def _log(self, statement: Statement) -> None:
        if self.log_cypher and log.isEnabledFor(logging.DEBUG):
            log.debug("%s\n  params: %r", statement.cypher, statement.params)

    def _claim_transaction(self) -> None:
        """Transactional drivers hold one transaction: refuse if another session holds it."""
        with _TX_LOCK:
            key = id(self._driver)
            holder_ref = _TX_HOLDERS.get(key)
            holder = holder_ref() if holder_ref is not None else None
            if holder is not None and holder is not self and holder._tx_open:
                raise SessionError(
                    f"the transaction of {self._driver!r} is held by another session",
                    session=self,
                    hint="use a ConnectionManager or one driver per concurrent session",
                )
            _TX_HOLDERS[key] = weakref.ref(self)

    def _release_transaction(self) -> None:
        with _TX_LOCK:
            ref = _TX_HOLDERS.get(id(self._driver))
            if ref is not None and ref() is self:
                del _TX_HOLDERS[id(self._driver)]
        self._tx_open = False

    def _execute_args(self, readonly: bool | None, write: bool) -> bool:
        ro = self.readonly if readonly is None else bool(readonly)
        if self.readonly and readonly is False:
            raise ReadOnlyError(
                "this session is read-only; a call cannot lift that",
                backend=getattr(self._driver, "backend", None),
                hint="open the session without readonly=True to write",
            )
        if write and ro:
            raise ReadOnlyError(
                "write=True on a read-only session; nothing was sent",
                backend=getattr(self._driver, "backend", None),
                hint="open the session without readonly=True to write",
            )
        return ro

    def _after_error(self, exc: BaseException) -> None:
        if isinstance(exc, DriverError):
            self._broken = True

    def _describe_staged(self) -> dict[str, int]:
        return {"new": len(self._core.new), "dirty": len(self._core.dirty()), "deleted": len(self._core.deleted)}

    def _relation_info(self, entity: Any, relation: Any) -> tuple[str, Any]:
        name = relation_name(relation)
        rels = self._core.mapper.relation_fields(type(entity))
        if name not in rels:
            raise TypeError(unknown_relation(type(entity), name, rels))
        return name, rels[name]

    def _builder_kwargs(self) -> dict[str, Any]:
        return {}

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        url = getattr(self._driver, "url", "?")
        return f"<{type(self).__name__} {url} {state} new={len(self._core.new)} mapped={len(self._core.identity)}>"


def entity_state(entity: Any) -> EntityState:
    return state_of(entity).state

"""``ConnectionManager`` / ``AsyncConnectionManager``: bounded pools of sessions.

Each pooled session has its own driver, except that a FalkorDB driver (no transactions,
thread-safe connection pool underneath) is shared by all sessions of a pool. ``acquire``
hands out an idle session, else makes one below ``max_size``, else waits up to ``timeout``
(then PoolTimeoutError). ``release`` rolls back, drops un-flushed changes (logged at
WARNING with counts), expunges and parks the session; a session that hit a DriverError
is closed and replaced later.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

from runic.ogm.core.flow import run_flow, run_flow_async

from ._pool_core import Invoke, OpenSession, PoolCore, WaitForRelease, driver_source
from .async_session import AsyncSession
from .session import Session

__all__ = ["AsyncConnectionManager", "ConnectionManager"]

class _ManagerBase:
    _session_class: type = Session
    _async = False

    def __init__(
        self,
        target: Any,
        graph_name: str | None = None,
        /,
        *,
        max_size: int = 10,
        timeout: float | None = 30.0,
        session_options: dict[str, Any] | None = None,
        **driver_kwargs: Any,
    ) -> None:
        self._factory, self._shared = driver_source(target, graph_name, driver_kwargs, async_=self._async)
        self._graph_name = graph_name or getattr(self._shared, "graph_name", None) or driver_kwargs.get("graph")
        # a driver instance passed in stays the caller's; one built here from a client is ours
        owns_shared = self._shared is not None and self._shared is not target
        self._pool = PoolCore(max_size, timeout, shared=self._shared, owns_shared=owns_shared)
        self._options = dict(session_options or {})

    @property
    def graph_name(self) -> str | None:
        return self._graph_name

    @property
    def max_size(self) -> int:
        return self._pool.max_size

    @property
    def size(self) -> int:
        """Sessions that exist (idle + in use)."""
        return self._pool.size

    @property
    def idle(self) -> int:
        return len(self._pool.idle)

    @property
    def in_use(self) -> int:
        return len(self._pool.in_use)

    @property
    def closed(self) -> bool:
        return self._pool.closed

    def _new_session(self, driver: Any) -> Any:
        session = self._session_class(driver, **self._options)
        session._pool = self
        return session

    def _open_session(self) -> Any:
        """A session on the shared driver, or on a new driver it owns."""
        driver = self._shared if self._shared is not None else self._factory()
        session = self._new_session(driver)
        if self._shared is None:
            session._owns_driver = True
        return session

    def __repr__(self) -> str:
        return f"<{type(self).__name__} size={self.size}/{self.max_size} idle={self.idle} in_use={self.in_use}{' closed' if self.closed else ''}>"


class ConnectionManager(_ManagerBase):
    """A thread-safe bounded pool of ``Session`` objects."""

    _session_class = Session

    def __init__(self, target: Any, graph_name: str | None = None, /, **kwargs: Any) -> None:
        super().__init__(target, graph_name, **kwargs)
        self._cond = threading.Condition()

    def acquire(self, timeout: float | None = None) -> Session:
        """An idle session, a new one below ``max_size``, or wait (PoolTimeoutError after ``timeout``)."""
        with self._cond:
            return run_flow(self._pool.acquire_flow(timeout), self._perform)

    def release(self, session: Session) -> None:
        """Roll back, drop un-flushed changes, expunge, and park ``session`` for reuse."""
        run_flow(self._pool.release_flow(session, self), self._perform)

    def _perform(self, step: Any) -> Any:
        if isinstance(step, WaitForRelease):
            return self._cond.wait(step.seconds)
        if isinstance(step, OpenSession):
            # built without the lock: others may take and release sessions meanwhile
            failed = False
            self._cond.release()
            try:
                return self._open_session()
            except BaseException:
                failed = True
                raise
            finally:
                self._cond.acquire()
                if failed:
                    self._cond.notify()
        if isinstance(step, Invoke):
            with contextlib.suppress(Exception) if step.quiet else contextlib.nullcontext():
                return getattr(step.target, step.method)()
            return None  # a quiet failure
        with self._cond:
            value = step.action()
            if step.notify_all:
                self._cond.notify_all()
            elif step.notify:
                self._cond.notify()
            return value

    def _returned_by_close(self, session: Session) -> None:
        """``session.close()`` on a pooled session: it leaves the pool, freeing its slot."""
        run_flow(self._pool.returned_by_close_flow(session), self._perform)

    @contextlib.contextmanager
    def session(self, timeout: float | None = None) -> Iterator[Session]:
        """``with manager.session() as s:`` — acquire, commit (rollback on error), release."""
        session = self.acquire(timeout)
        try:
            with session._ambient_scope():
                yield session
                session.commit()
        except BaseException:
            with contextlib.suppress(Exception):
                session.rollback()
            raise
        finally:
            self.release(session)

    def close_all(self) -> None:
        """Close idle sessions and drivers; borrowed ones close on release. Later acquire → SessionError."""
        run_flow(self._pool.close_all_flow(), self._perform)

    def __enter__(self) -> ConnectionManager:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close_all()


class AsyncConnectionManager(_ManagerBase):
    """An asyncio bounded pool of ``AsyncSession`` objects."""

    _session_class = AsyncSession
    _async = True

    def __init__(self, target: Any, graph_name: str | None = None, /, **kwargs: Any) -> None:
        super().__init__(target, graph_name, **kwargs)
        self._cond_obj: asyncio.Condition | None = None

    @property
    def _cond(self) -> asyncio.Condition:
        if self._cond_obj is None:
            self._cond_obj = asyncio.Condition()
        return self._cond_obj

    async def acquire(self, timeout: float | None = None) -> AsyncSession:
        async with self._cond:
            return await run_flow_async(self._pool.acquire_flow(timeout), self._perform)

    async def release(self, session: AsyncSession) -> None:
        await run_flow_async(self._pool.release_flow(session, self), self._perform)

    async def _perform(self, step: Any) -> Any:
        if isinstance(step, WaitForRelease):
            return await asyncio.wait_for(self._cond.wait(), step.seconds)
        if isinstance(step, OpenSession):
            failed = False
            self._cond.release()
            try:
                return self._open_session()
            except BaseException:
                failed = True
                raise
            finally:
                await self._cond.acquire()
                if failed:
                    self._cond.notify()
        if isinstance(step, Invoke):
            with contextlib.suppress(Exception) if step.quiet else contextlib.nullcontext():
                return await getattr(step.target, step.method)()
            return None  # a quiet failure
        async with self._cond:
            value = step.action()
            if step.notify_all:
                self._cond.notify_all()
            elif step.notify:
                self._cond.notify()
            return value

    async def _returned_by_close(self, session: AsyncSession) -> None:
        await run_flow_async(self._pool.returned_by_close_flow(session), self._perform)

    @contextlib.asynccontextmanager
    async def session(self, timeout: float | None = None) -> AsyncIterator[AsyncSession]:
        """``async with manager.session() as s:`` — acquire, commit (rollback on error), release."""
        session = await self.acquire(timeout)
        try:
            with session._ambient_scope():
                yield session
                await session.commit()
        except BaseException:
            with contextlib.suppress(Exception):
                await session.rollback()
            raise
        finally:
            await self.release(session)

    async def close_all(self) -> None:
        await run_flow_async(self._pool.close_all_flow(), self._perform)

    async def __aenter__(self) -> AsyncConnectionManager:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close_all()

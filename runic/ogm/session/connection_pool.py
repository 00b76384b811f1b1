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
import logging
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from runic.ogm.exceptions import DriverError

from ._pool_core import PoolCore, driver_source
from .async_session import AsyncSession
from .session import Session

__all__ = ["AsyncConnectionManager", "ConnectionManager"]

log = logging.getLogger("runic.pool")


def _warn_dropped(session: Any, counts: dict[str, int]) -> None:
    if any(counts.values()):
        log.warning(
            "released session dropped un-flushed changes: %d new, %d modified, %d deleted — flush or commit before releasing",
            counts.get("new", 0),
            counts.get("dirty", 0),
            counts.get("deleted", 0),
        )


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
        # a driver instance passed in stays the caller's; one built here from a client is ours
        self._owns_shared = self._shared is not None and self._shared is not target
        self._graph_name = graph_name or getattr(self._shared, "graph_name", None) or driver_kwargs.get("graph")
        self._pool = PoolCore(max_size, timeout)
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

    def _shares_driver(self, session: Any) -> bool:
        return self._shared is not None and session.driver is self._shared

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
        limit = self._pool.timeout if timeout is None else timeout
        start = time.monotonic()
        with self._cond:
            while True:
                self._pool.check_open(self)
                session = self._pool.take_idle()
                if session is not None:
                    return session
                if self._pool.can_grow():
                    placeholder = object()
                    self._pool.borrowed(placeholder)
                    break
                waited = time.monotonic() - start
                if limit is not None and waited >= limit:
                    raise self._pool.timeout_error(waited)
                self._cond.wait(None if limit is None else max(0.0, limit - waited))
        try:
            driver = self._shared if self._shared is not None else self._factory()
            session = self._new_session(driver)
            if self._shared is None:
                session._owns_driver = True
        except BaseException:
            with self._cond:
                self._pool.returned(placeholder)
                self._cond.notify()
            raise
        with self._cond:
            self._pool.returned(placeholder)
            self._pool.borrowed(session)
        return session

    def release(self, session: Session) -> None:
        """Roll back, drop un-flushed changes, expunge, and park ``session`` for reuse."""
        with self._cond:
            if not self._pool.owns(session):
                if getattr(session, "_pool", None) is self or session in self._pool.idle:
                    return  # released twice
                raise self._pool.foreign_error(session)
        discard = session.is_closed or session._broken or self._pool.closed
        if not discard:
            try:
                counts = session._describe_staged()
                session.rollback()
                session.expunge_all()
                _warn_dropped(session, counts)
            except DriverError:
                discard = True
        if discard:
            self._discard(session)
        with self._cond:
            self._pool.returned(session)
            if not discard:
                self._pool.idle.append(session)
            self._cond.notify()

    def _discard(self, session: Session) -> None:
        session._pool = None
        with contextlib.suppress(Exception):
            session.close()
        if not self._shares_driver(session):
            with contextlib.suppress(Exception):
                session.driver.close()

    def _returned_by_close(self, session: Session) -> None:
        """``session.close()`` on a pooled session: it leaves the pool, freeing its slot."""
        with self._cond:
            self._pool.returned(session)
            if session in self._pool.idle:
                self._pool.idle.remove(session)
            self._cond.notify()
        if not self._shares_driver(session):
            with contextlib.suppress(Exception):
                session.driver.close()

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
        with self._cond:
            self._pool.closed = True
            idle, self._pool.idle = list(self._pool.idle), []
            self._cond.notify_all()
        for session in idle:
            self._discard(session)
        if self._owns_shared and not self._pool.in_use:
            with contextlib.suppress(Exception):
                self._shared.close()

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
        limit = self._pool.timeout if timeout is None else timeout
        start = time.monotonic()
        async with self._cond:
            while True:
                self._pool.check_open(self)
                session = self._pool.take_idle()
                if session is not None:
                    return session
                if self._pool.can_grow():
                    placeholder = object()
                    self._pool.borrowed(placeholder)
                    break
                waited = time.monotonic() - start
                if limit is not None and waited >= limit:
                    raise self._pool.timeout_error(waited)
                try:
                    await asyncio.wait_for(self._cond.wait(), None if limit is None else max(0.0, limit - waited))
                except TimeoutError:
                    raise self._pool.timeout_error(time.monotonic() - start) from None
        try:
            driver = self._shared if self._shared is not None else self._factory()
            session = self._new_session(driver)
            if self._shared is None:
                session._owns_driver = True
        except BaseException:
            async with self._cond:
                self._pool.returned(placeholder)
                self._cond.notify()
            raise
        self._pool.returned(placeholder)
        self._pool.borrowed(session)
        return session

    async def release(self, session: AsyncSession) -> None:
        if not self._pool.owns(session):
            if getattr(session, "_pool", None) is self or session in self._pool.idle:
                return
            raise self._pool.foreign_error(session)
        discard = session.is_closed or session._broken or self._pool.closed
        if not discard:
            try:
                counts = session._describe_staged()
                await session.rollback()
                session.expunge_all()
                _warn_dropped(session, counts)
            except DriverError:
                discard = True
        if discard:
            await self._discard(session)
        async with self._cond:
            self._pool.returned(session)
            if not discard:
                self._pool.idle.append(session)
            self._cond.notify()

    async def _discard(self, session: AsyncSession) -> None:
        session._pool = None
        with contextlib.suppress(Exception):
            await session.close()
        if not self._shares_driver(session):
            with contextlib.suppress(Exception):
                await session.driver.close()

    async def _returned_by_close(self, session: AsyncSession) -> None:
        async with self._cond:
            self._pool.returned(session)
            if session in self._pool.idle:
                self._pool.idle.remove(session)
            self._cond.notify()
        if not self._shares_driver(session):
            with contextlib.suppress(Exception):
                await session.driver.close()

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
        async with self._cond:
            self._pool.closed = True
            idle, self._pool.idle = list(self._pool.idle), []
            self._cond.notify_all()
        for session in idle:
            await self._discard(session)
        if self._owns_shared and not self._pool.in_use:
            with contextlib.suppress(Exception):
                await self._shared.close()

    async def __aenter__(self) -> AsyncConnectionManager:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close_all()

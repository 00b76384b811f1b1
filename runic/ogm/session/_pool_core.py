"""Pool accounting without I/O or locks: what is idle, borrowed, and how many exist.

``acquire_flow``, ``release_flow``, ``returned_by_close_flow`` and ``close_all_flow`` are
the pool's conversations as flows (``runic.ogm.core.flow``); ``ConnectionManager`` and
``AsyncConnectionManager`` run them, performing the steps: wait for a release, open a
session (without the pool's lock), roll a session back, close a session or driver, or run
a piece of bookkeeping under the lock.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from runic.ogm.core.flow import Flow
from runic.ogm.driver.factory import create_driver
from runic.ogm.driver.falkordb import AsyncFalkorDBDriver, FalkorDBDriver
from runic.ogm.exceptions import DriverError, PoolTimeoutError, SessionError

__all__ = [
    "Invoke",
    "Locked",
    "OpenSession",
    "PoolCore",
    "WaitForRelease",
    "driver_source",
]

log = logging.getLogger("runic.pool")


# -- steps the managers perform -------------------------------------------------------------
@dataclass(frozen=True)
class WaitForRelease:
    """Wait (holding the pool's lock, which the wait gives up meanwhile) until a session is
    released or ``seconds`` pass (``None``: no limit); a timeout may raise ``TimeoutError``."""

    seconds: float | None


@dataclass(frozen=True)
class OpenSession:
    """A new session on the shared driver or a new one; built without the pool's lock."""


@dataclass(frozen=True)
class Invoke:
    """``target.method()``: a session's ``rollback``, a session's or driver's ``close``;
    with ``quiet`` a failure is ignored (reply ``None``)."""

    target: Any
    method: str
    quiet: bool = False


@dataclass(frozen=True)
class Locked:
    """Run ``action()`` holding the pool's lock, then wake one waiter (``notify``) or all
    (``notify_all``); reply: what it returns."""

    action: Callable[[], Any]
    notify: bool = False
    notify_all: bool = False


class PoolCore:
    """Bookkeeping of one pool; the sync and async managers add locking and waiting."""

    def __init__(self, max_size: int, timeout: float | None, *, shared: Any = None, owns_shared: bool = False) -> None:
        if max_size < 1:
            raise ValueError(f"max_size must be at least 1, got {max_size}")
        self.max_size = max_size
        self.timeout = timeout
        #: the driver all sessions share (FalkorDB), else None; closed with the pool when ours
        self.shared = shared
        self.owns_shared = owns_shared
        self.idle: list[Any] = []
        self.in_use: dict[int, Any] = {}
        self.closed = False

    @property
    def size(self) -> int:
        return len(self.idle) + len(self.in_use)

    def check_open(self, manager: Any) -> None:
        if self.closed:
            raise SessionError(
                "this connection pool is closed (close_all() was called)",
                session=None,
                hint="create a new ConnectionManager",
            )

    def take_idle(self) -> Any:
        while self.idle:
            session = self.idle.pop()
            if not session.is_closed:
                self.in_use[id(session)] = session
                return session
        return None

    def can_grow(self) -> bool:
        return self.size < self.max_size

    def borrowed(self, session: Any) -> None:
        self.in_use[id(session)] = session

    def owns(self, session: Any) -> bool:
        return id(session) in self.in_use

    def returned(self, session: Any) -> None:
        self.in_use.pop(id(session), None)

    def shares_driver(self, session: Any) -> bool:
        return self.shared is not None and session.driver is self.shared

    def timeout_error(self, waited: float) -> PoolTimeoutError:
        in_use = len(self.in_use)
        return PoolTimeoutError(
            f"no session free after {waited:.1f} s ({in_use} of {self.max_size} in use)",
            max_size=self.max_size,
            in_use=in_use,
            waited_s=round(waited, 3),
            hint="release sessions ('with manager.session():') or raise max_size/timeout",
        )

    # -- flows ---------------------------------------------------------------------------------
    def acquire_flow(self, timeout: float | None) -> Flow[Any]:
        """An idle session, a new one below ``max_size``, or wait; PoolTimeoutError after
        ``timeout`` (``None``: the pool's). Run with the pool's lock held."""
        limit = self.timeout if timeout is None else timeout
        start = time.monotonic()
        while True:
            self.check_open(None)
            session = self.take_idle()
            if session is not None:
                return session
            if self.can_grow():
                break
            waited = time.monotonic() - start
            if limit is not None and waited >= limit:
                raise self.timeout_error(waited)
            try:
                yield WaitForRelease(None if limit is None else max(0.0, limit - waited))
            except TimeoutError:
                raise self.timeout_error(time.monotonic() - start) from None
        placeholder = object()  # holds the slot while the session is built
        self.borrowed(placeholder)
        opened = None
        try:
            opened = yield OpenSession()
        finally:
            self.returned(placeholder)
            if opened is not None:
                self.borrowed(opened)
        return opened

    def release_flow(self, session: Any, manager: Any) -> Flow[None]:
        """Roll back, drop un-flushed changes (logged), expunge and park ``session``; one that
        is closed, broken, or meets a DriverError on the way is discarded instead."""
        def standing() -> str:
            if self.owns(session):
                return "borrowed"
            return "released" if getattr(session, "_pool", None) is manager or session in self.idle else "foreign"

        where = yield Locked(standing)
        if where == "released":
            return  # released twice
        if where == "foreign":
            raise self.foreign_error(session)
        discard = session.is_closed or session._broken or self.closed
        if not discard:
            try:
                counts = session._describe_staged()
                yield Invoke(session, "rollback")
                session.expunge_all()
                warn_dropped(counts)
            except DriverError:
                discard = True
        if discard:
            yield from self.discard_flow(session)

        def park() -> None:
            self.returned(session)
            if not discard:
                self.idle.append(session)

        yield Locked(park, notify=True)

    def discard_flow(self, session: Any) -> Flow[None]:
        """Close ``session`` and the driver it does not share."""
        session._pool = None
        yield Invoke(session, "close", quiet=True)
        if not self.shares_driver(session):
            yield Invoke(session.driver, "close", quiet=True)

    def returned_by_close_flow(self, session: Any) -> Flow[None]:
        """``session.close()`` on a pooled session: it leaves the pool, freeing its slot."""

        def leave() -> None:
            self.returned(session)
            if session in self.idle:
                self.idle.remove(session)

        yield Locked(leave, notify=True)
        if not self.shares_driver(session):
            yield Invoke(session.driver, "close", quiet=True)

    def close_all_flow(self) -> Flow[None]:
        """Close idle sessions and their drivers (borrowed ones close on release), then the
        shared driver when the pool made it and nothing is borrowed."""

        def shut() -> list[Any]:
            self.closed = True
            idle, self.idle = list(self.idle), []
            return idle

        for session in (yield Locked(shut, notify_all=True)):
            yield from self.discard_flow(session)
        if self.owns_shared and not self.in_use:
            yield Invoke(self.shared, "close", quiet=True)

    def foreign_error(self, session: Any) -> SessionError:
        return SessionError(
            f"{session!r} was not acquired from this pool",
            session=session,
            hint="release a session to the ConnectionManager it came from",
        )


def warn_dropped(counts: dict[str, int]) -> None:
    """Log (WARNING) the un-flushed changes a released session dropped."""
    if any(counts.values()):
        log.warning(
            "released session dropped un-flushed changes: %d new, %d modified, %d deleted — flush or commit before releasing",
            counts.get("new", 0),
            counts.get("dirty", 0),
            counts.get("deleted", 0),
        )


def driver_source(target: Any, graph_name: str | None, driver_kwargs: dict[str, Any], *, async_: bool) -> tuple[Callable[[], Any] | None, Any]:
    """``(factory, shared_driver)`` for a pool target; exactly one is not ``None``."""
    if isinstance(target, str):
        kwargs = dict(driver_kwargs)
        if graph_name is not None:
            kwargs.setdefault("graph", graph_name)
        if async_:
            kwargs["async_"] = True

        def from_url() -> Any:
            return create_driver(target, **kwargs)

        return from_url, None
    if hasattr(target, "execute") and hasattr(target, "dialect"):
        if hasattr(target, "begin"):
            raise TypeError(
                f"a {type(target).__name__} has one transaction, which pooled sessions would share — "
                "pass its URL or a zero-argument factory (lambda: create_driver(url)) so each session gets its own driver"
            )
        return None, target
    if hasattr(target, "select_graph"):
        if graph_name is None:
            raise TypeError("ConnectionManager(falkordb_client, graph_name): the graph name is missing")
        return None, _falkordb_driver(target.select_graph(graph_name), target, async_=async_)
    if hasattr(target, "query") and (hasattr(target, "name") or hasattr(target, "_name")):
        return None, _falkordb_driver(target, None, async_=async_)
    if callable(target):
        return target, None
    raise TypeError(
        f"ConnectionManager() takes a URL, a zero-argument driver factory, (falkordb_client, graph_name) "
        f"or a FalkorDB graph handle; got {type(target).__name__}"
    )


def _falkordb_driver(graph: Any, db: Any, *, async_: bool) -> Any:
    return AsyncFalkorDBDriver(graph, db) if async_ else FalkorDBDriver(graph, db)

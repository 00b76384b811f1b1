"""Pool accounting without I/O or locks: what is idle, borrowed, and how many exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from runic.ogm.exceptions import PoolTimeoutError, SessionError

__all__ = ["PoolCore", "driver_source"]


class PoolCore:
    """Bookkeeping of one pool; the sync and async managers add locking and waiting."""

    def __init__(self, max_size: int, timeout: float | None) -> None:
        if max_size < 1:
            raise ValueError(f"max_size must be at least 1, got {max_size}")
        self.max_size = max_size
        self.timeout = timeout
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

    def timeout_error(self, waited: float) -> PoolTimeoutError:
        in_use = len(self.in_use)
        return PoolTimeoutError(
            f"no session free after {waited:.1f} s ({in_use} of {self.max_size} in use)",
            max_size=self.max_size,
            in_use=in_use,
            waited_s=round(waited, 3),
            hint="release sessions ('with manager.session():') or raise max_size/timeout",
        )

    def foreign_error(self, session: Any) -> SessionError:
        return SessionError(
            f"{session!r} was not acquired from this pool",
            session=session,
            hint="release a session to the ConnectionManager it came from",
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
            from runic.ogm.driver.factory import create_driver

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
    from runic.ogm.driver.falkordb import AsyncFalkorDBDriver, FalkorDBDriver

    return AsyncFalkorDBDriver(graph, db) if async_ else FalkorDBDriver(graph, db)

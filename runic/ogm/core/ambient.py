"""The ambient session: which session a ``with Session(...)`` block made current.

The registry lives here, below every package that needs it: entities (``obj.save()``,
lazy relations) and query builders (``select(...).all()`` without a session) look the
current session up here, and the session package fills it when a block is entered. So
nothing below the session package imports it.

Two stacks, one per kind: a synchronous ``Session`` and an ``AsyncSession`` can each be
current at the same time (innermost block last). ``ContextVar`` keeps them per thread
and per asyncio task.
"""

from __future__ import annotations

import inspect
from contextvars import ContextVar
from typing import Any

__all__ = ["ASYNC_SESSIONS", "SYNC_SESSIONS", "current_session", "is_async_session"]

#: the stack of ambient synchronous sessions (``with Session(...)``), innermost last
SYNC_SESSIONS: ContextVar[tuple[Any, ...]] = ContextVar("runic_session", default=())
#: the stack of ambient asynchronous sessions (``async with AsyncSession(...)``)
ASYNC_SESSIONS: ContextVar[tuple[Any, ...]] = ContextVar("runic_async_session", default=())


def current_session(*, asynchronous: bool) -> Any:
    """The innermost ambient session of that kind, or ``None``."""
    stack = (ASYNC_SESSIONS if asynchronous else SYNC_SESSIONS).get()
    return stack[-1] if stack else None


def is_async_session(session: Any) -> bool:
    """True when ``session`` runs its statements as coroutines (an ``AsyncSession``)."""
    if session is None:
        return False
    return inspect.iscoroutinefunction(getattr(session, "execute", None))

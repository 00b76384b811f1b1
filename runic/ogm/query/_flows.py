"""Conversations with a session, written once as flows (no I/O).

A query's terminal (``all()``, ``count()``, …) and a repository's data method are flows
(``runic.ogm.core.flow``): generators that yield a ``SessionCall`` — one method of the
session to call — and receive its return value, or have its exception thrown in.
``run`` makes each call plainly (``Session``), ``run_async`` awaits it (``AsyncSession``);
that is the only difference between the sync and async twins::

    def count_flow(session):
        result = yield SessionCall(session.execute, ("MATCH (n) RETURN count(n)", {}))
        return result.rows[0][0]

    run(count_flow(session))               # Session
    await run_async(count_flow(session))   # AsyncSession
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

from runic.ogm.core.flow import Flow, run_flow, run_flow_async

__all__ = ["Flow", "SessionCall", "call", "run", "run_async"]

T = TypeVar("T")


class SessionCall(NamedTuple):
    """``method(*args, **kwargs)``: a bound method of a ``Session`` or ``AsyncSession``."""

    method: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = MappingProxyType({})


def call(method: Callable[..., Any], *args: Any, **kwargs: Any) -> SessionCall:
    """``yield call(session.execute, cypher, params)`` inside a flow."""
    return SessionCall(method, args, kwargs)


def _make(step: SessionCall) -> Any:
    return step.method(*step.args, **step.kwargs)


async def _await(step: SessionCall) -> Any:
    return await step.method(*step.args, **step.kwargs)


def run(flow: Flow[T]) -> T:
    """Run ``flow`` on a ``Session``: each call made as it comes."""
    return run_flow(flow, _make)


async def run_async(flow: Flow[T]) -> T:
    """Run ``flow`` on an ``AsyncSession``: each call awaited."""
    return await run_flow_async(flow, _await)

"""Flows: one conversation with a database, written once for sync and async callers.

A flow is a generator with no I/O of its own. It *yields* what must be sent (a
statement, an SQL command, a request to check out a connection) and *receives* the
reply through ``send``; a failure of the send is *thrown* into it, where it may be
handled or left to propagate. Its ``return`` value is the result.

``run_flow`` drives a flow with a plain function, ``run_flow_async`` with a coroutine
function: the two runners are the only places where sync and async differ, so a
behaviour written in a flow cannot drift between the twins::

    def count_flow(label):
        rows = yield Cypher(f"MATCH (n:{label}) RETURN count(n)")
        return rows[0][0]

    run_flow(count_flow("Person"), lambda step: driver.execute(step.query).rows)
    await run_flow_async(count_flow("Person"), send_async)

An interrupt (``KeyboardInterrupt``, task cancellation) is not thrown into the flow:
the flow is closed and the interrupt propagates, so the runner's caller can clean up.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator
from typing import Any, TypeVar

__all__ = ["Flow", "run_flow", "run_flow_async"]

T = TypeVar("T")

#: a generator that yields steps, receives replies and returns a result
Flow = Generator[Any, Any, T]


def run_flow(flow: Flow[T], send: Callable[[Any], Any]) -> T:
    """Drive ``flow`` to its end, answering each yielded step with ``send(step)``."""
    reply: Any = None
    error: Exception | None = None
    while True:
        try:
            step = flow.send(reply) if error is None else flow.throw(error)
        except StopIteration as stop:
            return stop.value
        reply = error = None
        try:
            reply = send(step)
        except Exception as exc:  # noqa: BLE001 - the flow maps it or lets it propagate
            error = exc
        except BaseException:
            flow.close()
            raise


async def run_flow_async(flow: Flow[T], send: Callable[[Any], Awaitable[Any]]) -> T:
    """``run_flow`` for a coroutine ``send``: the same loop with ``await``."""
    reply: Any = None
    error: Exception | None = None
    while True:
        try:
            step = flow.send(reply) if error is None else flow.throw(error)
        except StopIteration as stop:
            return stop.value
        reply = error = None
        try:
            reply = await send(step)
        except Exception as exc:  # noqa: BLE001 - the flow maps it or lets it propagate
            error = exc
        except BaseException:
            flow.close()
            raise

"""FalkorDB write statements sent back to back: while the server runs one, the client
decodes and records the reply of the one before and writes the one after, so the client's
work overlaps the server's.

``pipeline_flow`` is the conversation (no I/O). Besides the ordinary commands of the
statement flows (sent and answered at once) it yields ``Send(command)`` — send without
waiting — and ``RECEIVE`` — read the reply of the command sent ahead. One statement at a
time is unanswered, as when statements go one by one, so a lost connection leaves no more
in doubt. ``run_pipelined`` and ``run_pipelined_async`` drive it on one connection taken
from the client's pool; an ordinary command while a reply is still due (a name refresh, a
statement sent again for a new schema version) first reads that reply into a queue, so
every reply reaches the statement it belongs to.

A failed statement stops the sending. A statement already sent when the one before it
turns out to have failed ran on the server all the same: it is read and handed to
``on_result`` before the first error is raised, so what was written is recorded. A
connection that breaks, or a flow that stops with a reply still due, is closed: the next
command opens a fresh one.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from runic.ogm.core.flow import Flow, run_flow, run_flow_async

from .result import GraphResult

if TYPE_CHECKING:  # pragma: no cover
    from ._falkordb_core import FalkorDBCore

__all__ = ["RECEIVE", "Send", "pipeline_flow", "run_pipelined", "run_pipelined_async"]

#: a statement: its Cypher text and its parameters (or a function that makes them when it is sent)
PipelinedStatement = tuple[str, "Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None"]


@dataclass(frozen=True, slots=True)
class Send:
    """Send ``command`` and go on without its reply (``RECEIVE`` reads it later)."""

    command: list[Any]


class _Receive:
    __slots__ = ()

    def __repr__(self) -> str:
        return "RECEIVE"


#: read the reply of the oldest command sent ahead
RECEIVE: Any = _Receive()


def pipeline_flow(
    core: FalkorDBCore, statements: Iterable[PipelinedStatement], on_result: Callable[[int, GraphResult], Any]
) -> Flow[int]:
    """Run ``statements`` (writes) in order; ``on_result(index, result)`` gets each result
    in order. Returns how many ran.

    Statement k+1 is sent as soon as k's reply has arrived, and while the server runs it
    the client decodes k's reply, hands it on and writes k+2: one statement at a time is
    unanswered, as when they are sent one by one."""
    core.effective_readonly(False)  # a read-only driver refuses writes, as ``execute`` does
    limit = core.effective_timeout(None)
    items = enumerate(statements)
    following = _prepare(core, next(items, None), limit)
    if following is None:
        return 0
    yield from _send_flow(core, following, limit)
    running, started = following, time.perf_counter()
    following = _prepare(core, next(items, None), limit)
    done = 0
    while running is not None:
        reply = yield from _reply_flow(core, running, limit)
        answered, answered_started = running, started
        running = None
        # the next one goes at once unless this one failed or must be sent again (new schema
        # version): then it waits, so that nothing runs after a failure
        if following is not None and _ran(core, reply):
            yield from _send_flow(core, following, limit)
            running, started, following = following, time.perf_counter(), None
        try:
            on_result(answered.index, (yield from _result_flow(core, answered, reply, answered_started, limit)))
            done += 1
            if following is not None:
                yield from _send_flow(core, following, limit)
                running, started = following, time.perf_counter()
            following = _prepare(core, next(items, None), limit) if running is not None else None
        except Exception:
            if running is not None:  # it reached the server: record what it wrote, keep this error
                try:
                    reply = yield from _reply_flow(core, running, limit)
                    on_result(running.index, (yield from _result_flow(core, running, reply, started, limit)))
                except Exception:  # noqa: BLE001, S110 - the first error is the one raised
                    pass
            raise
    return done


def _ran(core: FalkorDBCore, reply: Any) -> bool:
    """The statement ran without an error (its reply holds none, and no new schema version)."""
    try:
        core.check_reply(reply)
    except Exception:  # noqa: BLE001 - an error object inside the reply
        return False
    return True


class _Prepared(NamedTuple):
    index: int
    query: str
    params: Any
    command: list[Any]
    header: str


def _prepare(core: FalkorDBCore, item: tuple[int, PipelinedStatement] | None, limit: float | None) -> _Prepared | None:
    """The command of the next statement (its parameters made now), or ``None`` at the end."""
    if item is None:
        return None
    index, (query, params) = item
    values = params() if callable(params) else params
    command, header = core.query_command(query, values, False, limit)
    return _Prepared(index, query, values, command, header)


def _send_flow(core: FalkorDBCore, prepared: _Prepared, limit: float | None) -> Flow[None]:
    try:
        yield Send(prepared.command)
    except Exception as exc:
        raise core.error(exc, prepared.query, prepared.params, prepared.header, readonly=False, timeout=limit) from exc


def _reply_flow(core: FalkorDBCore, sent: _Prepared, limit: float | None) -> Flow[Any]:
    """The raw reply of the statement sent last."""
    try:
        return (yield RECEIVE)
    except Exception as exc:
        raise core.error(exc, sent.query, sent.params, sent.header, readonly=False, timeout=limit) from exc


def _result_flow(core: FalkorDBCore, sent: _Prepared, reply: Any, started: float, limit: float | None) -> Flow[GraphResult]:
    """``reply`` settled (new schema version, names) and decoded into the statement's result."""
    try:
        decoded = yield from core.settle_flow(sent.command, reply, core.decode)
    except Exception as exc:
        raise core.error(exc, sent.query, sent.params, sent.header, readonly=False, timeout=limit) from exc
    return core.result(decoded, sent.query, sent.params, started)


class _Replies:
    """The runner's bookkeeping: how many replies are due, and those read ahead of time."""

    __slots__ = ("due", "early")

    def __init__(self) -> None:
        self.due = 0
        self.early: deque[tuple[Any, Exception | None]] = deque()

    def take_early(self) -> Any:
        reply, error = self.early.popleft()
        if error is not None:
            raise error
        return reply


def _is_reply_error(exc: Exception) -> bool:
    """An error the server answered with (the connection stays in step), not a broken connection."""
    import redis.exceptions as rx

    return isinstance(exc, rx.ResponseError)


def run_pipelined(pool: Any, flow: Flow[Any]) -> Any:
    """Drive ``flow`` on one connection of the redis ``pool`` (taken at the first step, so
    a server that cannot be reached fails inside the flow, which names it)."""
    conn: Any = None
    replies = _Replies()

    def read() -> Any:
        replies.due -= 1
        return conn.read_response()

    def io(step: Any) -> Any:
        nonlocal conn
        if conn is None:
            conn = pool.get_connection()
        if type(step) is Send:
            conn.send_command(*step.command)
            replies.due += 1
            return None
        if step is RECEIVE:
            return replies.take_early() if replies.early else read()
        while replies.due:  # an ordinary command: the replies due come first
            try:
                replies.early.append((read(), None))
            except Exception as exc:
                if not _is_reply_error(exc):
                    raise
                replies.early.append((None, exc))
        conn.send_command(*step)
        return conn.read_response()

    broken = True  # until the flow ends well with every reply read
    try:
        result = run_flow(flow, io)
        broken = replies.due > 0
        return result
    finally:
        if conn is not None:
            if broken:
                conn.disconnect()
            pool.release(conn)


async def run_pipelined_async(pool: Any, flow: Flow[Any]) -> Any:
    """``run_pipelined`` on an asyncio redis ``pool``."""
    conn: Any = None
    replies = _Replies()

    async def read() -> Any:
        replies.due -= 1
        return await conn.read_response()

    async def io(step: Any) -> Any:
        nonlocal conn
        if conn is None:
            conn = await pool.get_connection()
        if type(step) is Send:
            await conn.send_command(*step.command)
            replies.due += 1
            return None
        if step is RECEIVE:
            return replies.take_early() if replies.early else await read()
        while replies.due:  # an ordinary command: the replies due come first
            try:
                replies.early.append((await read(), None))
            except Exception as exc:
                if not _is_reply_error(exc):
                    raise
                replies.early.append((None, exc))
        await conn.send_command(*step)
        return await conn.read_response()

    broken = True  # until the flow ends well with every reply read
    try:
        result = await run_flow_async(flow, io)
        broken = replies.due > 0
        return result
    finally:
        if conn is not None:
            if broken:
                await conn.disconnect()
            await pool.release(conn)

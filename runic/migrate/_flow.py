"""Flows: the I/O-free conversations of migrations with the database.

A flow is a generator that yields ``Query`` steps and receives each step's
``GraphResult`` (or has the database's error thrown into it). ``run_sync`` and
``run_async`` drive a flow on a sync or an async executor (anything with
``execute(query, params, readonly=...)``); they differ only by ``await``.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Flow", "Query", "run_async", "run_sync"]


@dataclass(frozen=True)
class Query:
    """One Cypher statement to send; values travel in ``params``."""

    text: str
    params: dict[str, Any] = field(default_factory=dict)
    readonly: bool = False


Flow = Generator[Query, Any, Any]


def run_sync(executor: Any, flow: Flow) -> Any:
    """Drive ``flow`` on a sync executor; return the flow's value."""
    reply: Any = None
    error: BaseException | None = None
    while True:
        try:
            step = flow.throw(error) if error is not None else flow.send(reply)
        except StopIteration as stop:
            return stop.value
        reply = error = None
        try:
            reply = executor.execute(step.text, step.params or None, readonly=step.readonly)
        except Exception as exc:  # noqa: BLE001 - handed to the flow, which decides
            error = exc


async def run_async(executor: Any, flow: Flow) -> Any:
    """Drive ``flow`` on an async executor; return the flow's value."""
    reply: Any = None
    error: BaseException | None = None
    while True:
        try:
            step = flow.throw(error) if error is not None else flow.send(reply)
        except StopIteration as stop:
            return stop.value
        reply = error = None
        try:
            reply = await executor.execute(step.text, step.params or None, readonly=step.readonly)
        except Exception as exc:  # noqa: BLE001 - handed to the flow, which decides
            error = exc

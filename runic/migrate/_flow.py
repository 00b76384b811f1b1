"""Flows: the I/O-free conversations of migrations with the database.

A flow is a generator that yields ``Query`` steps and receives each step's
``GraphResult`` (or has the database's error thrown into it). ``run_sync`` and
``run_async`` drive a flow on a sync or an async executor (anything with
``execute(query, params, readonly=...)``) with the OGM's flow runners.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

from runic.ogm.core.flow import run_flow, run_flow_async

__all__ = ["Flow", "Query", "run_async", "run_sync"]


@dataclass(frozen=True)
class Query:
    """One Cypher statement to send; values travel in ``params``."""

    text: str
    params: dict[str, Any] = field(default_factory=dict)
    readonly: bool = False


Flow = Generator[Query, Any, Any]


def _send(executor: Any) -> Callable[[Query], Any]:
    return lambda step: executor.execute(step.text, step.params or None, readonly=step.readonly)


def run_sync(executor: Any, flow: Flow) -> Any:
    """Drive ``flow`` on a sync executor; return the flow's value."""
    return run_flow(flow, _send(executor))


async def run_async(executor: Any, flow: Flow) -> Any:
    """Drive ``flow`` on an async executor; return the flow's value."""
    return await run_flow_async(flow, _send(executor))

"""The Bolt drivers' round trips as flows: what happens, written once for both twins.

Each flow (``runic.ogm.core.flow``) yields a step and receives its reply; the steps
name what only the ``neo4j`` client can do — run a statement, open, finish or abandon
the driver's transaction, fetch a plan — and ``BoltDriver`` / ``AsyncBoltDriver``
perform them (the sync one with a watchdog thread for the client-side timeout, the
async one with ``asyncio.wait_for``; a timeout comes back as ``StatementTimedOut``).
What to check, what a failure means and what must be rolled back is decided here:
the read-only violation check, the timeout that loses an open transaction, the error
mapping through ``BoltCore``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from runic.ogm.core.flow import Flow
from runic.ogm.exceptions import QueryError, SessionError

from ._bolt_core import BoltCore, convert_params
from .base import GraphDialect
from .result import GraphResult

__all__ = [
    "AbandonTransaction",
    "FetchPlan",
    "FinishTransaction",
    "LearnDialect",
    "OpenTransaction",
    "RunStatement",
    "StatementTimedOut",
    "begin_flow",
    "commit_flow",
    "execute_flow",
    "explain_flow",
]


# -- steps --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RunStatement:
    """Run ``query`` in the open transaction, else in an auto-commit one (a read-only
    statement in an explicit transaction, committed only when ``commit_read``);
    reply: ``(keys, records, summary)``. ``progress(rows)`` is called while records arrive."""

    query: str
    params: dict[str, Any]
    readonly: bool
    timeout: float | None
    commit_read: bool
    progress: Callable[[int], Any] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class OpenTransaction:
    """Open the driver's explicit transaction."""

    readonly: bool


@dataclass(frozen=True)
class FinishTransaction:
    """Commit (``commit=True``) or roll back the open transaction and close its session."""

    commit: bool


@dataclass(frozen=True)
class AbandonTransaction:
    """Roll back the open transaction quietly (it may already be dead)."""


@dataclass(frozen=True)
class LearnDialect:
    """Reply: the driver's dialect (asked of the server agent when not given)."""


@dataclass(frozen=True)
class FetchPlan:
    """Run ``EXPLAIN``/``PROFILE`` ``query``; reply: ``(rows, summary)``."""

    query: str
    params: dict[str, Any]


class StatementTimedOut(Exception):
    """Raised by a driver's ``RunStatement`` when the client-side timeout ended it."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


# -- flows ----------------------------------------------------------------------------------------
def execute_flow(
    core: BoltCore,
    query: str,
    params: Any,
    readonly: bool | None,
    timeout: float | None,
    *,
    in_transaction: bool,
    transaction_readonly: bool,
    columnar: bool = False,
    progress: Callable[[int], Any] | None = None,
) -> Flow[GraphResult]:
    """One statement: run it, and refuse what a read-only statement changed where the
    server does not enforce READ mode (the changes are rolled back, never kept).

    ``columnar=True`` keeps the values column by column (``rows`` is a ``ColumnRows``);
    ``progress(rows)`` hears how many rows have arrived while they stream in."""
    core.check_query(query)
    core.refuse_loosening(readonly)
    dialect: GraphDialect = yield LearnDialect()
    dialect.check_written_names(query, params)
    ro = core.effective_readonly(readonly) or (in_transaction and transaction_readonly)
    limit = core.effective_timeout(timeout)
    enforced = dialect.enforces_read_mode
    sent = convert_params(params)
    started = time.perf_counter()
    try:
        try:
            keys, records, summary = yield RunStatement(query, sent, ro, limit, commit_read=enforced, progress=progress)
        except StatementTimedOut as stopped:
            error = core.query_error(stopped.cause, query, params, timeout=limit, timed_out=True, readonly=ro and enforced)
            if in_transaction:
                yield AbandonTransaction()
                error = core.transaction_lost(error)
            raise error from stopped.cause
        elapsed_ms = (time.perf_counter() - started) * 1000.0
        result = core.build_result(keys, records, summary, query, params, elapsed_ms, getattr(dialect, "decode_id", None), columnar=columnar)
        if ro and not enforced and result.summary.counters.contains_updates:
            if in_transaction:
                yield AbandonTransaction()
            raise core.read_only_violation(query, params, result.summary.counters)
        return result
    except (QueryError, KeyboardInterrupt):
        raise
    except Exception as exc:
        raise core.query_error(exc, query, params, timeout=limit, readonly=ro and enforced) from exc


def explain_flow(core: BoltCore, query: str, params: Any, profile: bool) -> Flow[list[str]]:
    """The server's plan (``EXPLAIN``) or profile (``PROFILE``, which runs the query) as lines."""
    word = "PROFILE" if profile else "EXPLAIN"
    try:
        rows, summary = yield FetchPlan(f"{word} {query}", convert_params(params))
    except Exception as exc:
        raise core.query_error(exc, query, params) from exc
    return plan_lines(getattr(summary, "profile", None) or getattr(summary, "plan", None), rows)


def begin_flow(core: BoltCore, readonly: bool | None, *, in_transaction: bool) -> Flow[None]:
    """Open an explicit transaction (one at a time)."""
    if in_transaction:
        raise SessionError(f"a transaction is already open on {core.url} — commit() or rollback() it first")
    core.refuse_loosening(readonly)
    try:
        yield OpenTransaction(core.effective_readonly(readonly))
    except Exception as exc:
        raise core.connection_error(exc) from exc


def commit_flow(core: BoltCore, *, in_transaction: bool, transaction_readonly: bool) -> Flow[None]:
    """Commit the open transaction; a read-only one where READ mode is not enforced is
    rolled back instead (whatever it changed is not kept)."""
    if not in_transaction:
        raise SessionError(f"commit() without an open transaction on {core.url} — call begin() first")
    dialect: GraphDialect = yield LearnDialect()
    keep = not (transaction_readonly and not dialect.enforces_read_mode)
    try:
        yield FinishTransaction(commit=keep)
    except Exception as exc:
        raise core.commit_error(exc) from exc


def plan_lines(plan: Any, rows: list[list[Any]]) -> list[str]:
    """The plan tree of a summary as indented text lines (the rows as they are without one)."""
    if plan is None:
        return [str(v) for row in rows for v in row]
    lines: list[str] = []

    def walk(node: Any, depth: int) -> None:
        if isinstance(node, Mapping):
            args = node.get("args", {}) or {}
            text = args.get("string-representation")
            if isinstance(text, str) and not node.get("children"):
                lines.extend(line for line in text.splitlines() if line.strip())
                return
            op = node.get("operatorType", "?")
            detail = args.get("Details") or args.get("details") or ""
            lines.append("  " * depth + str(op) + (f" {detail}" if detail else ""))
            for child in node.get("children", []) or []:
                walk(child, depth + 1)

    walk(plan, 0)
    return lines

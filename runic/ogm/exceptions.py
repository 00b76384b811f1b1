"""Every error runic raises.

::

    OrmError
    ├── MetadataError
    ├── FieldValidationError  (+ValueError)
    ├── EntityNotFoundError   (+LookupError)
    ├── DetachedEntityError
    │   └── LazyLoadError
    ├── SessionError          (+RuntimeError)
    │   ├── UnboundQueryError
    │   └── PoolTimeoutError  (+TimeoutError)
    ├── BulkWriteError
    │   └── BulkWriteInterrupted (+KeyboardInterrupt)
    ├── FetchInterrupted      (+KeyboardInterrupt)
    ├── DriverError
    │   └── ConnectionFailedError (+ConnectionError)
    ├── QueryError
    │   ├── ReadOnlyError
    │   ├── ConstraintViolationError
    │   ├── QueryTimeoutError (+TimeoutError)
    │   └── UnsupportedValueError (+TypeError, +ValueError)
    ├── UnsupportedFeatureError (+NotImplementedError)
    └── SchemaError
        ├── ConstraintFailedError
        └── ConstraintTimeoutError (+TimeoutError)

A message says what happened, naming the object, key or value, then `` — `` and what to
do. The fix is also kept apart in ``err.hint``. Every class takes ``hint=`` and keyword
attributes (defaulting to ``None``) so it can be raised from anywhere. Messages never hold
a password or a query parameter value: parameter *names* only.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Iterable

__all__ = [
    "OrmError",
    "MetadataError",
    "FieldValidationError",
    "EntityNotFoundError",
    "DetachedEntityError",
    "LazyLoadError",
    "SessionError",
    "UnboundQueryError",
    "PoolTimeoutError",
    "BulkWriteError",
    "BulkWriteInterrupted",
    "FetchInterrupted",
    "DriverError",
    "ConnectionFailedError",
    "QueryError",
    "ReadOnlyError",
    "ConstraintViolationError",
    "QueryTimeoutError",
    "UnsupportedValueError",
    "UnsupportedFeatureError",
    "SchemaError",
    "ConstraintFailedError",
    "ConstraintTimeoutError",
    "FlushReport",
    "did_you_mean",
]


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """Return ``" — did you mean 'x'?"``-style text for the closest candidate, or ``""``."""
    matches = difflib.get_close_matches(str(name), [str(c) for c in candidates], n=1, cutoff=0.6)
    return f"did you mean {matches[0]!r}?" if matches else ""


@dataclass(frozen=True)
class FlushReport:
    """How far a failed flush (or commit) got, and what the session kept.

    ``applied`` statements of ``total`` were sent successfully before ``step`` failed
    (``step`` is ``"commit"`` when COMMIT itself failed); ``pending`` changes are still
    staged. ``undoable`` tells whether the backend has transactions (``rollback()`` undoes
    what was sent) or not (FalkorDB: what was applied stays).

    On a transactional backend a failure ends the transaction: nothing since the last
    commit was kept, and the session staged it all again — ``restaged`` counts the
    ``{"new": …, "changed": …, "deleted": …}`` entities, so ``commit()`` writes them once
    the database answers again (``None`` when nothing was rolled back).
    """

    applied: int
    total: int
    step: str
    pending: int
    undoable: bool
    restaged: dict[str, int] | None = None

    def describe(self) -> str:
        if self.restaged is not None:
            counts = ", ".join(f"{n} {what}" for what, n in self.restaged.items())
            sent = (
                "COMMIT failed"
                if self.step == "commit"
                else f"{self.applied} of {self.total} flush statements were sent before step '{self.step}' failed"
            )
            return (
                f"{sent}; the transaction was rolled back, so nothing since the last commit was kept; "
                f"staged again: {counts} ({self.pending} changes in all) — commit() again once the "
                "database answers, or rollback() to drop them"
            )
        undo = (
            "rollback() undoes them"
            if self.undoable
            else "they stay in the database (FalkorDB has no transactions; rollback() cannot undo them)"
        )
        return (
            f"{self.applied} of {self.total} flush statements were applied before step "
            f"'{self.step}' failed; {undo}; {self.pending} changes are still staged — "
            "fix the cause and call flush() again"
        )


class OrmError(Exception):
    """Base of every runic error. Never raised bare."""

    _attrs: tuple[str, ...] = ()

    def __init__(self, message: str = "", *, hint: str | None = None, flush_report: FlushReport | None = None, **attrs: Any):
        for name in self._all_attrs():
            setattr(self, name, attrs.pop(name, None))
        if attrs:
            unknown = ", ".join(sorted(attrs))
            raise TypeError(f"{type(self).__name__} got unknown attributes: {unknown}")
        self.hint = hint
        self.flush_report = flush_report
        self.message = message
        text = message
        if hint and hint not in message:
            text = f"{message} — {hint}" if message else hint
        if flush_report is not None:
            text = f"{text} ({flush_report.describe()})"
        super().__init__(text)

    @classmethod
    def _all_attrs(cls) -> tuple[str, ...]:
        names: list[str] = []
        for klass in reversed(cls.__mro__):
            for name in getattr(klass, "__dict__", {}).get("_attrs", ()):
                if name not in names:
                    names.append(name)
        return tuple(names)

    def __reduce__(self):  # keep errors picklable across processes
        attrs = {name: getattr(self, name, None) for name in self._all_attrs()}
        return (_rebuild, (type(self), self.message, self.hint, self.flush_report, attrs))


def _rebuild(cls, message, hint, flush_report, attrs):
    return cls(message, hint=hint, flush_report=flush_report, **attrs)


class MetadataError(OrmError):
    """A model declaration is missing, duplicated or inconsistent."""

    _attrs = ("model", "field")


class FieldValidationError(OrmError, ValueError):
    """A value does not fit its field's type or constraints."""

    _attrs = ("model", "field", "value", "rule")


class EntityNotFoundError(OrmError, LookupError):
    """A node or edge that was asked for is not in the graph."""

    _attrs = ("model", "key")


class DetachedEntityError(OrmError):
    """The entity is not attached to a session that could carry out the operation."""

    _attrs = ("entity", "operation")


class LazyLoadError(DetachedEntityError):
    """An unloaded relation was read where it cannot be loaded."""

    _attrs = ("relation", "reason")


class SessionError(OrmError, RuntimeError):
    """The session's state forbids the call (closed, sync/async mix-up, pool closed...)."""

    _attrs = ("session",)


class UnboundQueryError(SessionError):
    """A query terminal ran with no bound and no ambient session."""

    _attrs = ("statement",)


class PoolTimeoutError(SessionError, TimeoutError):
    """``acquire()`` waited past its timeout."""

    _attrs = ("max_size", "in_use", "waited_s")


class BulkWriteError(OrmError):
    """A bulk-write batch failed; earlier batches stay committed."""

    _attrs = ("row_range", "committed_rows", "batches_committed")


class BulkWriteInterrupted(BulkWriteError, KeyboardInterrupt):
    """Ctrl-C / a kernel interrupt stopped a bulk write between batches.

    Still a ``KeyboardInterrupt`` (scripts stop as before); ``committed_rows`` says what the
    database holds."""


class FetchInterrupted(OrmError, KeyboardInterrupt):
    """Ctrl-C / a kernel interrupt stopped a query while its rows were arriving.

    Still a ``KeyboardInterrupt``; ``rows_fetched`` says how many rows had arrived when it
    stopped (they are dropped: a result is whole or not at all)."""

    _attrs = ("rows_fetched", "backend")


class DriverError(OrmError):
    """Connection or protocol failure, or an embedded server that would not start."""

    _attrs = ("backend", "url")


class ConnectionFailedError(DriverError, ConnectionError):
    """Host unreachable, connection refused, TLS or login failure."""

    _attrs = ("reason",)


class QueryError(OrmError):
    """The database rejected a statement."""

    _attrs = ("query", "param_names", "backend", "backend_message", "code", "line", "column", "position")


class ReadOnlyError(QueryError):
    """A write was attempted in read-only mode; nothing was kept."""


class ConstraintViolationError(QueryError):
    """A write broke a uniqueness constraint."""

    _attrs = ("label", "field")


class QueryTimeoutError(QueryError, TimeoutError):
    """The statement ran past its timeout and was cancelled."""

    _attrs = ("timeout_s",)


class UnsupportedValueError(QueryError, TypeError, ValueError):
    """A value the backend cannot store or return unchanged, refused before it is sent.

    Names the parameter (``param_name``), the value's type (``value_type``) and the backend;
    never the value. docs/type-fidelity.md lists what each backend takes.
    """

    _attrs = ("param_name", "value_type")


class UnsupportedFeatureError(OrmError, NotImplementedError):
    """The backend lacks the feature."""

    _attrs = ("backend", "feature", "alternative")


class SchemaError(OrmError):
    """Index or constraint management failed."""

    _attrs = ("spec",)


class ConstraintFailedError(SchemaError):
    """The backend reports a uniqueness constraint as failed (existing duplicates)."""


class ConstraintTimeoutError(SchemaError, TimeoutError):
    """A constraint is still pending after the polling limit."""

    _attrs = ("timeout_s",)

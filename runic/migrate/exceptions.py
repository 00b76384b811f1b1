"""Errors of versioned migrations (``runic.migrate``).

::

    OrmError
    └── MigrationError
        ├── RevisionNotFound          (+LookupError)
        ├── AmbiguousRevision         (+LookupError)
        ├── MultipleHeadsError
        ├── MultipleBasesError
        ├── GraphAlreadyManagedError
        ├── IrreversibleMigrationError
        ├── ChecksumMismatchError     (+ValueError)
        └── MigrationFailedError

The names are those of the reference implementation, which raised plain ``Exception``
subclasses; catching them by name keeps working. ``ConstraintFailedError`` and
``ConstraintTimeoutError`` live in ``runic.ogm.exceptions`` and are re-exported here.
Every message names the revision and says what to do; ``err.hint`` holds the fix.
"""

from __future__ import annotations

from runic.ogm.exceptions import ConstraintFailedError, ConstraintTimeoutError, OrmError

__all__ = [
    "AmbiguousRevision",
    "ChecksumMismatchError",
    "ConstraintFailedError",
    "ConstraintTimeoutError",
    "GraphAlreadyManagedError",
    "IrreversibleMigrationError",
    "MigrationError",
    "MigrationFailedError",
    "MultipleBasesError",
    "MultipleHeadsError",
    "RevisionNotFound",
]


class MigrationError(OrmError):
    """Base of the migration errors."""

    _attrs = ("revision",)


class RevisionNotFound(MigrationError, LookupError):
    """No revision script has this id (or prefix, branch label)."""


class AmbiguousRevision(MigrationError, LookupError):
    """A prefix matches several revision ids."""

    _attrs = ("candidates",)


class MultipleHeadsError(MigrationError):
    """The revision graph (or the version record) has several heads where one is needed."""

    _attrs = ("heads",)


class MultipleBasesError(MigrationError):
    """More than one revision has ``down_revision = None``."""

    _attrs = ("bases",)


class GraphAlreadyManagedError(MigrationError):
    """``baseline`` on a graph whose version record already names a revision."""


class IrreversibleMigrationError(MigrationError):
    """A downgrade would cross a revision marked ``irreversible = True``."""


class ChecksumMismatchError(MigrationError, ValueError):
    """An applied revision script changed after it was applied."""

    _attrs = ("mismatches",)


class MigrationFailedError(MigrationError):
    """A revision's ``upgrade``/``downgrade`` raised.

    ``applied`` lists the operations that ran before the failure; ``rolled_back`` tells
    whether they were undone (a transaction, or a snapshot restored) or stay in the
    graph. The version record still names the last revision that finished.
    """

    _attrs = ("applied", "rolled_back", "direction")

"""Schema management and versioned migrations.

``IndexManager`` / ``SchemaManager`` compare the indexes the models declare with the
live database. Versioned migrations: revision scripts in a script directory
(``init``), run by ``Runic`` (upgrade, downgrade, stamp, validate, history) over an
adapter (``adapters.create_adapter``), configured from ``env.py`` through ``context``,
and driven by the ``runic`` command (``runic.migrate.cli``). ``SchemaManifest`` and its
parts describe a target schema for autogenerate and ``runic check``.
"""

from __future__ import annotations

from . import context
from .adapters import create_adapter
from .async_context import AsyncRunic
from .context import Runic
from .exceptions import (
    AmbiguousRevision,
    ChecksumMismatchError,
    ConstraintFailedError,
    ConstraintTimeoutError,
    GraphAlreadyManagedError,
    IrreversibleMigrationError,
    MigrationError,
    MigrationFailedError,
    MultipleBasesError,
    MultipleHeadsError,
    RevisionNotFound,
)
from .manifest import (
    FulltextIndex,
    MandatoryConstraint,
    RangeIndex,
    SchemaManifest,
    UniqueConstraint,
    VectorIndex,
)
from .operations import DataOperations, GraphOperations
from .schema import IndexManager, SchemaInfo, SchemaManager, SyncReport, ValidationResult
from .script import Revision, RevisionInfo, ScriptDirectory
from .service import init

__all__ = [
    "AmbiguousRevision",
    "AsyncRunic",
    "ChecksumMismatchError",
    "ConstraintFailedError",
    "ConstraintTimeoutError",
    "DataOperations",
    "FulltextIndex",
    "GraphAlreadyManagedError",
    "GraphOperations",
    "IndexManager",
    "IrreversibleMigrationError",
    "MandatoryConstraint",
    "MigrationError",
    "MigrationFailedError",
    "MultipleBasesError",
    "MultipleHeadsError",
    "RangeIndex",
    "Revision",
    "RevisionInfo",
    "RevisionNotFound",
    "Runic",
    "SchemaInfo",
    "SchemaManager",
    "SchemaManifest",
    "ScriptDirectory",
    "SyncReport",
    "UniqueConstraint",
    "ValidationResult",
    "VectorIndex",
    "context",
    "create_adapter",
    "init",
]

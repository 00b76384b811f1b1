"""Drivers: one connection to one graph, the same ``GraphResult`` on every backend.

``create_driver(url | backend | nothing)`` picks the backend; with nothing it starts an
embedded FalkorDB. Bolt (Neo4j, Memgraph, ArcadeDB) and AGE drivers load lazily, so
their client libraries are imported only when used.
"""

from __future__ import annotations

from runic.ogm.core.lazy import lazy_exports

from .base import (
    AsyncGraphDriver,
    Clause,
    GraphDialect,
    GraphDriver,
    SchemaOps,
    TransactionalGraphDriver,
)
from .embedded import EmbeddedFalkorDB
from .factory import create_driver
from .falkordb import AsyncFalkorDBDriver, FalkorDBDialect, FalkorDBDriver, create_falkordb_driver
from .result import Counters, EdgeRecord, GraphResult, NodeRecord, PathRecord, ResultSummary
from .urls import ConnectionTarget, Secret, parse_url, redact_url

__all__ = [
    "GraphDriver",
    "AsyncGraphDriver",
    "TransactionalGraphDriver",
    "GraphDialect",
    "SchemaOps",
    "Clause",
    "GraphResult",
    "NodeRecord",
    "EdgeRecord",
    "PathRecord",
    "ResultSummary",
    "Counters",
    "EmbeddedFalkorDB",
    "FalkorDBDriver",
    "AsyncFalkorDBDriver",
    "FalkorDBDialect",
    "create_falkordb_driver",
    "create_driver",
    "ConnectionTarget",
    "Secret",
    "parse_url",
    "redact_url",
    # loaded on first use from their modules
    "BoltDriver",
    "AsyncBoltDriver",
    "Neo4jDialect",
    "MemgraphDialect",
    "create_neo4j_driver",
    "create_memgraph_driver",
    "ArcadeDBDialect",
    "create_arcadedb_driver",
    "AGEDriver",
    "AsyncAGEDriver",
    "AGEDialect",
    "create_age_driver",
]

_LAZY = {
    "BoltDriver": ".bolt",
    "AsyncBoltDriver": ".bolt",
    "Neo4jDialect": ".bolt",
    "MemgraphDialect": ".bolt",
    "create_neo4j_driver": ".bolt",
    "create_memgraph_driver": ".bolt",
    "ArcadeDBDialect": ".arcadedb",
    "create_arcadedb_driver": ".arcadedb",
    "AGEDriver": ".age",
    "AsyncAGEDriver": ".age",
    "AGEDialect": ".age",
    "create_age_driver": ".age",
}


__getattr__ = lazy_exports(__name__, globals(), _LAZY)

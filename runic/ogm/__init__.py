"""runic.ogm — a graph OGM for Cypher databases: driver → session → mapper → repository.

Public names are importable from here; each loads its module on first use.
"""

from __future__ import annotations

from .core import (
    DatetimeConverter,
    Edge,
    EdgeMeta,
    EntityState,
    EnumConverter,
    Field,
    FieldDescriptor,
    FieldInfo,
    GeoLocation,
    GeoLocationConverter,
    InstanceState,
    MetaData,
    Node,
    NodeMeta,
    Relation,
    TypeConverter,
    Vector,
    VectorConverter,
    get_metadata,
    inspect,
    metadata,
)
from .core.lazy import lazy_exports
from .exceptions import *  # noqa: F403 - the whole error tree is public
from .exceptions import __all__ as _exception_names

_LAZY = {
    "Session": "runic.ogm.session.session",
    "AsyncSession": "runic.ogm.session.async_session",
    "EdgeRows": "runic.ogm.session._bulk",
    "ConnectionManager": "runic.ogm.session.connection_pool",
    "AsyncConnectionManager": "runic.ogm.session.connection_pool",
    "Repository": "runic.ogm.repository.repository",
    "AsyncRepository": "runic.ogm.repository.async_repository",
    "Mapper": "runic.ogm.mapper",
    "select": "runic.ogm.query",
    "QueryBuilder": "runic.ogm.query.builder",
    "AsyncQueryBuilder": "runic.ogm.query.specialised",
    "FulltextQueryBuilder": "runic.ogm.query.specialised",
    "VectorQueryBuilder": "runic.ogm.query.specialised",
    "TraversalStep": "runic.ogm.query.traversal",
    "AsyncFulltextQueryBuilder": "runic.ogm.query.specialised",
    "AsyncVectorQueryBuilder": "runic.ogm.query.specialised",
    "Expr": "runic.ogm.query.expressions",
    "FilterExpr": "runic.ogm.query.expressions",
    "CompoundExpr": "runic.ogm.query.expressions",
    "NegatedExpr": "runic.ogm.query.expressions",
    "OrderExpr": "runic.ogm.query.expressions",
    "AggExpr": "runic.ogm.query.expressions",
    "EmbeddedFalkorDB": "runic.ogm.driver.embedded",
    "count": "runic.ogm.query.expressions",
    "avg": "runic.ogm.query.expressions",
    "sum_": "runic.ogm.query.expressions",
    "min_": "runic.ogm.query.expressions",
    "max_": "runic.ogm.query.expressions",
    "collect": "runic.ogm.query.expressions",
    "GraphResult": "runic.ogm.driver.result",
    "NodeRecord": "runic.ogm.driver.result",
    "EdgeRecord": "runic.ogm.driver.result",
    "PathRecord": "runic.ogm.driver.result",
    "GraphDriver": "runic.ogm.driver.base",
    "AsyncGraphDriver": "runic.ogm.driver.base",
    "TransactionalGraphDriver": "runic.ogm.driver.base",
    "GraphDialect": "runic.ogm.driver.base",
    "create_driver": "runic.ogm.driver.factory",
    "FalkorDBDriver": "runic.ogm.driver.falkordb",
    "AsyncFalkorDBDriver": "runic.ogm.driver.falkordb",
    "FalkorDBDialect": "runic.ogm.driver.falkordb",
    "create_falkordb_driver": "runic.ogm.driver.falkordb",
    "BoltDriver": "runic.ogm.driver.bolt",
    "AsyncBoltDriver": "runic.ogm.driver.bolt",
    "Neo4jDialect": "runic.ogm.driver.bolt",
    "MemgraphDialect": "runic.ogm.driver.bolt",
    "create_neo4j_driver": "runic.ogm.driver.bolt",
    "create_memgraph_driver": "runic.ogm.driver.bolt",
    "ArcadeDBDialect": "runic.ogm.driver.arcadedb",
    "create_arcadedb_driver": "runic.ogm.driver.arcadedb",
    "AGEDriver": "runic.ogm.driver.age",
    "AsyncAGEDriver": "runic.ogm.driver.age",
    "AGEDialect": "runic.ogm.driver.age",
    "create_age_driver": "runic.ogm.driver.age",
    "IndexSpec": "runic.ogm.schema.index_manager",
    "extract_declared_specs": "runic.ogm.schema.index_manager",
    "gc_paused": "runic.ogm.core.collector",
}


__getattr__ = lazy_exports(__name__, globals(), _LAZY)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [  # noqa: PLE0604 - the starred parts are lists of names
    "Node", "Edge", "Field", "Relation", "FieldDescriptor", "FieldInfo", "MetaData", "NodeMeta",
    "EdgeMeta", "get_metadata", "metadata", "inspect", "EntityState", "InstanceState",
    "TypeConverter", "DatetimeConverter", "EnumConverter", "Vector", "VectorConverter",
    "GeoLocation", "GeoLocationConverter", *_exception_names, *_LAZY,
]

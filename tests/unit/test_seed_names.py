"""Every name the API reference lists imports at its path with its members."""

from __future__ import annotations

import importlib
import inspect

import pytest

pytestmark = pytest.mark.unit

SEED = {
    "runic.ogm.core.models": {"Node": ["__label__", "__fields__", "save", "delete", "to_dict"], "Edge": ["__type__", "__fields__", "source", "target", "to_dict"]},
    "runic.ogm.core.descriptors": {"Field": [], "Relation": [], "FieldDescriptor": ["__get__", "__set__"], "FieldInfo": []},
    "runic.ogm.core.metadata": {"MetaData": ["register", "nodes", "edges", "get_node_meta", "get_edge_meta"], "NodeMeta": [], "EdgeMeta": [], "get_metadata": []},
    "runic.ogm.core.types": {
        "TypeConverter": ["to_db", "from_db"], "DatetimeConverter": ["to_db", "from_db"], "EnumConverter": ["to_db", "from_db"],
        "Vector": ["values"], "VectorConverter": ["to_db", "from_db"], "GeoLocation": [], "GeoLocationConverter": ["to_db", "from_db"],
    },
    "runic.ogm.driver.falkordb": {"FalkorDBDriver": ["execute", "close"], "AsyncFalkorDBDriver": ["execute", "close"], "FalkorDBDialect": ["render_create_node", "render_index"], "create_falkordb_driver": []},
    "runic.ogm.driver.bolt": {"BoltDriver": ["execute", "close"]},
    "runic.ogm.driver.arcadedb": {"ArcadeDBDialect": ["render_create_node"], "create_arcadedb_driver": []},
    "runic.ogm.driver.age": {"AGEDriver": ["execute", "close"], "AGEDialect": ["wrap_query"], "create_age_driver": []},
    "runic.ogm.driver.factory": {"create_driver": []},
    "runic.ogm.session.session": {"Session": ["add", "delete", "flush", "commit", "rollback", "close"]},
    "runic.ogm.session.async_session": {"AsyncSession": ["add", "delete", "flush", "commit", "rollback", "close"]},
    "runic.ogm.session.connection_pool": {"ConnectionManager": ["acquire", "release", "close_all"], "AsyncConnectionManager": ["acquire", "release", "close_all"]},
    "runic.ogm.repository.repository": {"Repository": ["get", "find", "find_one", "add", "delete", "query"]},
    "runic.ogm.repository.async_repository": {"AsyncRepository": ["get", "find", "find_one", "add", "delete", "query"]},
    "runic.ogm.schema.index_manager": {"IndexSpec": [], "extract_declared_specs": []},
    "runic.migrate.schema": {"IndexManager": ["apply", "drop", "diff"], "ValidationResult": [], "SchemaManager": ["validate", "sync", "export"]},
    "runic.ogm.exceptions": {n: [] for n in ("OrmError", "EntityNotFoundError", "DetachedEntityError", "LazyLoadError", "FieldValidationError", "MetadataError")},
    "runic.ogm.query": {"select": []},
    "runic.ogm.query.builder": {"QueryBuilder": ["where", "order_by", "limit", "skip", "traverse", "all", "one", "count"]},
    "runic.ogm.query.specialised": {"AsyncQueryBuilder": ["all", "one", "count"], "FulltextQueryBuilder": ["search"], "VectorQueryBuilder": ["near"]},
    "runic.ogm.query.traversal": {"TraversalStep": []},
    "runic.ogm.query.expressions": {n: [] for n in ("Expr", "FilterExpr", "CompoundExpr", "NegatedExpr", "OrderExpr", "AggExpr", "count", "avg", "sum_", "min_", "max_", "collect")},
}

ASYNC = {
    "runic.ogm.driver.falkordb.AsyncFalkorDBDriver": ["execute", "close"],
    "runic.ogm.session.async_session.AsyncSession": ["flush", "commit", "rollback", "close"],
    "runic.ogm.session.connection_pool.AsyncConnectionManager": ["acquire", "release", "close_all"],
    "runic.ogm.repository.async_repository.AsyncRepository": ["get", "find", "find_one", "add", "delete"],
    "runic.ogm.query.specialised.AsyncQueryBuilder": ["all", "one", "count"],
}


@pytest.mark.parametrize("module,names", sorted(SEED.items()))
def test_seed_names_import_at_their_paths_with_their_members(module, names):
    mod = importlib.import_module(module)
    for name, members in names.items():
        obj = getattr(mod, name)
        for member in members:
            assert hasattr(obj, member), f"{module}.{name} lacks {member}"


@pytest.mark.parametrize("path,methods", sorted(ASYNC.items()))
def test_seed_async_methods_are_coroutine_functions(path, methods):
    module, name = path.rsplit(".", 1)
    cls = getattr(importlib.import_module(module), name)
    for method in methods:
        assert inspect.iscoroutinefunction(getattr(cls, method)), f"{path}.{method}"


def test_seed_example_builds_verbatim():
    from runic.ogm import Field, Node
    from runic.ogm.query import select

    class SeedPerson(Node):
        name: str = Field(default=None)
        age: int = Field(default=0)

    q = select(SeedPerson).where(SeedPerson.age > 30).limit(10)
    cypher, params = q.build()
    assert "LIMIT 10" in cypher and params == {"p0": 30}


def test_exception_tree_keeps_builtin_bases():
    from runic.ogm import exceptions as e

    assert issubclass(e.LazyLoadError, e.DetachedEntityError)
    assert issubclass(e.FieldValidationError, ValueError)
    assert issubclass(e.UnboundQueryError, RuntimeError)
    assert issubclass(e.UnsupportedFeatureError, NotImplementedError)
    assert issubclass(e.ReadOnlyError, e.QueryError)
    for name in e.__all__:
        obj = getattr(e, name)
        if isinstance(obj, type) and issubclass(obj, e.OrmError):
            assert issubclass(obj, e.OrmError)
            assert obj(hint="fix it").hint == "fix it"

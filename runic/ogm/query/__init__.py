"""The query builder: ``select(Person).where(Person.age > 30).limit(10)``.

Builders are immutable and compile to parameterised Cypher without I/O; terminals
(``all()``, ``one()``, ``count()``, …) run on the bound session, else the ambient one.
"""

from .builder import BaseQueryBuilder, Plan, QueryBuilder, select
from .compiler import compile_query
from .expressions import (
    AggExpr,
    CompoundExpr,
    Expr,
    FilterExpr,
    NegatedExpr,
    OrderExpr,
    avg,
    collect,
    compare,
    count,
    max_,
    min_,
    order,
    sum_,
)
from .specialised import (
    AsyncFulltextQueryBuilder,
    AsyncQueryBuilder,
    AsyncVectorQueryBuilder,
    FulltextQueryBuilder,
    VectorQueryBuilder,
)
from .traversal import TraversalStep

__all__ = [
    "select",
    "QueryBuilder",
    "BaseQueryBuilder",
    "AsyncQueryBuilder",
    "FulltextQueryBuilder",
    "VectorQueryBuilder",
    "AsyncFulltextQueryBuilder",
    "AsyncVectorQueryBuilder",
    "Plan",
    "compile_query",
    "TraversalStep",
    "Expr",
    "FilterExpr",
    "CompoundExpr",
    "NegatedExpr",
    "OrderExpr",
    "AggExpr",
    "compare",
    "order",
    "count",
    "avg",
    "sum_",
    "min_",
    "max_",
    "collect",
]

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
    "AggExpr",
    "AsyncFulltextQueryBuilder",
    "AsyncQueryBuilder",
    "AsyncVectorQueryBuilder",
    "BaseQueryBuilder",
    "CompoundExpr",
    "Expr",
    "FilterExpr",
    "FulltextQueryBuilder",
    "NegatedExpr",
    "OrderExpr",
    "Plan",
    "QueryBuilder",
    "TraversalStep",
    "VectorQueryBuilder",
    "avg",
    "collect",
    "compare",
    "compile_query",
    "count",
    "max_",
    "min_",
    "order",
    "select",
    "sum_",
]

"""Filter, ordering and aggregate expressions of the query builder.

They are defined in ``runic.ogm.core.expressions`` (a model's field operators build them,
and the model layer sits below the query layer); this module keeps their public names
where the query builder's users import them.
"""

from runic.ogm.core.expressions import (
    COMPARISON_OPERATORS,
    OPERATORS,
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

__all__ = [
    "COMPARISON_OPERATORS",
    "OPERATORS",
    "AggExpr",
    "CompoundExpr",
    "Expr",
    "FilterExpr",
    "NegatedExpr",
    "OrderExpr",
    "avg",
    "collect",
    "compare",
    "count",
    "max_",
    "min_",
    "order",
    "sum_",
]

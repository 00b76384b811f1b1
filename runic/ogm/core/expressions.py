"""Filter, ordering and aggregate expressions of the query builder.

Expressions are plain frozen data: ``Person.age > 30`` builds a ``FilterExpr`` through
``compare()``, which the model's ``FieldDescriptor`` operators call. Nothing here renders
Cypher or names parameters; the compiler (``runic.ogm.query.compiler``) does that, so
the same expression can be reused in any query and against any dialect.

Combine filters with ``&``, ``|`` and ``~``; Python's ``and``/``or``/``not`` would ask
an expression for its truth value, which raises ``TypeError``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from typing import Any

from runic.cypher import is_plain_identifier

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

#: operators that compare a property with one parameter
COMPARISON_OPERATORS = ("=", "<>", "<", "<=", ">", ">=")
#: every operator a ``FilterExpr`` may carry
OPERATORS = COMPARISON_OPERATORS + (
    "CONTAINS",
    "STARTS WITH",
    "ENDS WITH",
    "=~",
    "IN",
    "NOT IN",
    "IS NULL",
    "IS NOT NULL",
)
_PYTHON_OPERATORS = {
    "==": "=",
    "!=": "<>",
    "eq": "=",
    "ne": "<>",
    "lt": "<",
    "le": "<=",
    "gt": ">",
    "ge": ">=",
    "contains": "CONTAINS",
    "startswith": "STARTS WITH",
    "endswith": "ENDS WITH",
    "matches": "=~",
    "in_": "IN",
    "not_in_": "NOT IN",
    "is_null": "IS NULL",
    "is_not_null": "IS NOT NULL",
}
_NO_VALUE = ("IS NULL", "IS NOT NULL")


class Expr:
    """Base of every filter expression: combinable with ``&``, ``|`` and ``~``."""

    __slots__ = ()

    def __and__(self, other: Any) -> CompoundExpr:
        return CompoundExpr(self, _require_expr(other, "&"), "AND")

    def __rand__(self, other: Any) -> CompoundExpr:
        return CompoundExpr(_require_expr(other, "&"), self, "AND")

    def __or__(self, other: Any) -> CompoundExpr:
        return CompoundExpr(self, _require_expr(other, "|"), "OR")

    def __ror__(self, other: Any) -> CompoundExpr:
        return CompoundExpr(_require_expr(other, "|"), self, "OR")

    def __invert__(self) -> NegatedExpr:
        return NegatedExpr(self)

    def __bool__(self) -> bool:
        raise TypeError(
            f"{self!r} has no truth value — combine filters with & (and), | (or) and ~ (not), "
            "each side in parentheses: (Person.age > 30) & (Person.name == 'Ada')"
        )

    def leaves(self) -> list[FilterExpr]:
        """Every ``FilterExpr`` in this tree, left to right."""
        raise NotImplementedError


def _require_expr(value: Any, symbol: str) -> Expr:
    if not isinstance(value, Expr):
        raise TypeError(
            f"cannot combine a filter expression with {value!r} using {symbol!r} — both sides "
            "must be filters such as (Person.age > 30); parenthesise each comparison"
        )
    return value


def _field_name_of(value: Any) -> tuple[str, type | None, Any]:
    """(name, owner class, FieldInfo) of a descriptor, or of a plain string name."""
    info = getattr(value, "field_info", None)
    if info is not None:
        name = getattr(value, "field_name", None) or getattr(info, "name", None)
        owner = getattr(info, "owner", None) or getattr(value, "owner", None)
        return name, owner, info
    if isinstance(value, str):
        return value, None, None
    raise TypeError(f"expected a model field (such as Person.age) or a name, got {value!r}")


@dataclass(frozen=True)
class FilterExpr(Expr):
    """One comparison of a property: ``field`` (name), ``operator``, ``value``.

    ``model`` is the class the field belongs to; ``alias`` pins the comparison to a query
    variable (else the compiler binds it to the first alias of ``model``); ``negate``
    wraps it in ``NOT``. ``info`` is the field's ``FieldInfo`` (its converter turns
    ``value`` into the stored form when the query is built).
    """

    field: str
    operator: str
    value: Any = None
    model: type | None = None
    alias: str | None = None
    negate: bool = False
    info: Any = dc_field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        op = _PYTHON_OPERATORS.get(self.operator, self.operator)
        if isinstance(op, str):
            op = " ".join(op.upper().split()) if op not in ("=~",) else op
        if op not in OPERATORS:
            raise ValueError(f"unknown filter operator {self.operator!r} — use one of {', '.join(OPERATORS)}")
        object.__setattr__(self, "operator", op)
        if self.alias is not None and not is_plain_identifier(self.alias):
            raise ValueError(f"alias {self.alias!r} is not a valid identifier — use letters, digits and '_'")

    # reference-compatible names
    @property
    def cls(self) -> type | None:
        return self.model

    @property
    def prop(self) -> str:
        return self.field

    @property
    def op(self) -> str:
        return self.operator

    def with_alias(self, alias: str) -> FilterExpr:
        """A copy bound to the query variable ``alias``."""
        return replace(self, alias=alias)

    def leaves(self) -> list[FilterExpr]:
        return [self]

    def __hash__(self) -> int:
        return hash((self.field, self.operator, _hashable(self.value), self.model, self.alias, self.negate))


def _hashable(value: Any) -> Any:
    try:
        hash(value)
        return value
    except TypeError:
        return repr(value)


@dataclass(frozen=True, init=False)
class CompoundExpr(Expr):
    """``left AND right`` or ``left OR right``; chains of one operator flatten.

    ``CompoundExpr(op="AND", operands=[a, b, c])`` (the reference form) is accepted too.
    """

    left: Expr
    right: Expr | None
    operator: str

    def __init__(
        self,
        left: Expr | None = None,
        right: Expr | None = None,
        operator: str | None = None,
        *,
        op: str | None = None,
        operands: Iterable[Expr] | None = None,
    ) -> None:
        operator = (operator or op or "AND").upper()
        if operator not in ("AND", "OR"):
            raise ValueError(f"CompoundExpr operator must be 'AND' or 'OR', got {operator!r}")
        if operands is not None:
            items = [_require_expr(e, operator) for e in operands]
            if not items:
                raise ValueError("CompoundExpr needs at least one operand")
            left = items[0]
            for item in items[1:-1]:
                left = CompoundExpr(left, item, operator)
            right = items[-1] if len(items) > 1 else None
        if left is None:
            raise TypeError("CompoundExpr needs left and right expressions (or operands=[...])")
        object.__setattr__(self, "left", _require_expr(left, operator))
        object.__setattr__(self, "right", None if right is None else _require_expr(right, operator))
        object.__setattr__(self, "operator", operator)

    @property
    def op(self) -> str:
        return self.operator

    @property
    def operands(self) -> list[Expr]:
        """The operands, with nested compounds of the same operator flattened."""
        out: list[Expr] = []
        for side in (self.left, self.right):
            if side is None:
                continue
            if isinstance(side, CompoundExpr) and side.operator == self.operator:
                out.extend(side.operands)
            else:
                out.append(side)
        return out

    def leaves(self) -> list[FilterExpr]:
        return [leaf for operand in self.operands for leaf in operand.leaves()]


@dataclass(frozen=True)
class NegatedExpr(Expr):
    """``NOT (inner)``."""

    inner: Expr

    def __post_init__(self) -> None:
        _require_expr(self.inner, "~")

    @property
    def operand(self) -> Expr:
        return self.inner

    def leaves(self) -> list[FilterExpr]:
        return self.inner.leaves()


@dataclass(frozen=True, init=False)
class OrderExpr:
    """One ``ORDER BY`` term: ``field`` (property name) and ``direction`` ``"ASC"``/``"DESC"``.

    ``alias`` pins it to a query variable; ``raw`` holds a validated ``alias[.prop]``
    string term. The reference form ``OrderExpr(alias=, prop=, desc=, raw=)`` is accepted.
    """

    field: str | None
    direction: str
    model: type | None
    alias: str | None
    raw: str | None

    def __init__(
        self,
        field: str | None = None,
        direction: str = "ASC",
        *,
        model: type | None = None,
        alias: str | None = None,
        raw: str | None = None,
        prop: str | None = None,
        desc: bool | None = None,
    ) -> None:
        if field is None:
            field = prop
        elif not isinstance(field, str):
            field, owner, _ = _field_name_of(field)
            model = model or owner
        if desc is not None:
            direction = "DESC" if desc else "ASC"
        direction = str(direction).upper()
        if direction not in ("ASC", "DESC"):
            raise ValueError(f"order direction must be 'ASC' or 'DESC', got {direction!r}")
        if field is None and raw is None and alias is None:
            raise TypeError("OrderExpr needs a field, an alias or a raw 'alias[.prop]' term")
        object.__setattr__(self, "field", field)
        object.__setattr__(self, "direction", direction)
        object.__setattr__(self, "model", model)
        object.__setattr__(self, "alias", alias)
        object.__setattr__(self, "raw", raw)

    @property
    def prop(self) -> str | None:
        return self.field

    @property
    def desc(self) -> bool:
        return self.direction == "DESC"

    def __bool__(self) -> bool:
        raise TypeError(f"{self!r} has no truth value — pass it to order_by()")


_AGG_FUNCTIONS = ("count", "avg", "sum", "min", "max", "collect")


@dataclass(frozen=True)
class AggExpr:
    """An aggregate: ``function`` (``count``, ``avg``, ``sum``, ``min``, ``max``,
    ``collect``) over ``field`` (a property name, an alias name or ``"*"``).

    ``model`` is the field's class (``None`` for alias names and ``*``), ``alias`` pins
    it to a query variable, ``result_alias`` names the column (``as_()``), ``distinct``
    renders ``count(DISTINCT …)``.
    """

    function: str
    field: str = "*"
    model: type | None = None
    alias: str | None = None
    result_alias: str | None = None
    distinct: bool = False
    info: Any = dc_field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        func = str(self.function).lower().rstrip("_")
        if func not in _AGG_FUNCTIONS:
            raise ValueError(f"unknown aggregate {self.function!r} — use one of {', '.join(_AGG_FUNCTIONS)}")
        object.__setattr__(self, "function", func)
        if self.field != "*" and self.model is None:
            parts = str(self.field).split(".")
            if len(parts) > 2 or not all(is_plain_identifier(p) for p in parts):
                raise ValueError(
                    f"aggregate target {self.field!r} must be '*', an alias, 'alias.prop' or a model field"
                )
        if self.result_alias is not None and not is_plain_identifier(self.result_alias):
            raise ValueError(f"column name {self.result_alias!r} is not a valid identifier — use letters, digits and '_'")

    @property
    def func(self) -> str:
        return self.function

    def as_(self, name: str) -> AggExpr:
        """A copy whose result column is called ``name``."""
        if not is_plain_identifier(name) or name.startswith("__"):
            raise ValueError(f"column name {name!r} is not a valid identifier — use letters, digits and '_'")
        return replace(self, result_alias=name)

    def __bool__(self) -> bool:
        raise TypeError(f"{self!r} has no truth value — pass it to aggregate()")


# -- what FieldDescriptor operators call ---------------------------------------------------


def compare(descriptor: Any, operator: str, value: Any = None) -> FilterExpr:
    """Build the ``FilterExpr`` for ``descriptor <operator> value``.

    ``operator`` is a Cypher operator (``"="``, ``"<>"``, ``">"``, ``"IN"``, ``"IS NULL"``,
    …) or a Python spelling (``"=="``, ``"!="``, ``"contains"``, ``"in_"``, …).
    ``== None`` becomes ``IS NULL`` and ``!= None`` ``IS NOT NULL``.
    """
    name, owner, info = _field_name_of(descriptor)
    if info is not None and getattr(info, "is_relation", False):
        raise TypeError(
            f"{getattr(owner, '__name__', '?')}.{name} is a relation and cannot be compared — "
            f"use .traverse({getattr(owner, '__name__', 'Model')}.{name}) and filter the target with where(..., on=alias)"
        )
    op = _PYTHON_OPERATORS.get(operator, operator)
    op = " ".join(str(op).upper().split()) if op != "=~" else op
    if op in ("=", "<>") and value is None:
        op = "IS NULL" if op == "=" else "IS NOT NULL"
    if op in ("IN", "NOT IN"):
        if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            raise TypeError(f"{name}.{'in_' if op == 'IN' else 'not_in_'}() takes a list of values, got {value!r}")
        value = list(value)
    if op in ("CONTAINS", "STARTS WITH", "ENDS WITH", "=~") and not isinstance(value, str):
        raise TypeError(f"{name}: {op} compares with a string, got {value!r}")
    if op in _NO_VALUE:
        value = None
    return FilterExpr(field=name, operator=op, value=value, model=owner, info=info)


def order(descriptor: Any, direction: str = "ASC") -> OrderExpr:
    """Build the ``OrderExpr`` for ``descriptor.asc()`` / ``descriptor.desc()``."""
    name, owner, info = _field_name_of(descriptor)
    if info is not None and getattr(info, "is_relation", False):
        raise TypeError(f"{getattr(owner, '__name__', '?')}.{name} is a relation; order by a property instead")
    return OrderExpr(field=name, direction=direction, model=owner)


# -- aggregate helpers -------------------------------------------------------------------


def _agg(function: str, target: Any, distinct: bool = False) -> AggExpr:
    if isinstance(target, str):
        return AggExpr(function=function, field=target, distinct=distinct)
    name, owner, info = _field_name_of(target)
    if info is not None and getattr(info, "is_relation", False):
        raise TypeError(f"{getattr(owner, '__name__', '?')}.{name} is a relation; aggregate a property or an alias")
    return AggExpr(function=function, field=name, model=owner, distinct=distinct, info=info)


def count(field: Any = "*", *, distinct: bool = False) -> AggExpr:
    """``count(*)``, ``count(alias)`` or ``count(alias.prop)``; ``distinct=True`` counts unique values."""
    return _agg("count", field, distinct)


def avg(field: Any) -> AggExpr:
    """``avg(...)`` of a numeric property."""
    return _agg("avg", field)


def sum_(field: Any) -> AggExpr:
    """``sum(...)`` of a numeric property."""
    return _agg("sum", field)


def min_(field: Any) -> AggExpr:
    """``min(...)`` of a property."""
    return _agg("min", field)


def max_(field: Any) -> AggExpr:
    """``max(...)`` of a property."""
    return _agg("max", field)


def collect(field: Any, *, distinct: bool = False) -> AggExpr:
    """``collect(...)``: the values (or nodes, for an alias) gathered into a list."""
    return _agg("collect", field, distinct)

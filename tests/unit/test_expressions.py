"""Filter, order and aggregate expressions: plain data built by field operators."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

import pytest

from runic.ogm.core.descriptors import Field, Relation
from runic.ogm.core.models import Node
from runic.ogm.query import select
from runic.ogm.query.expressions import (
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

pytestmark = [pytest.mark.unit]


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class ExprGadget(Node):
    name: str | None = Field(default=None)
    size: int = Field(default=0)
    colour: Colour | None = Field(default=None)
    made: datetime | None = Field(default=None)
    parts: list[ExprGadget] = Relation("HAS_PART", target="ExprGadget")


def test_comparison_operators_build_filter_exprs_with_seed_fields():
    cases = {
        ExprGadget.size == 3: "=",
        ExprGadget.size != 3: "<>",
        ExprGadget.size < 3: "<",
        ExprGadget.size <= 3: "<=",
        ExprGadget.size > 3: ">",
        ExprGadget.size >= 3: ">=",
    }
    for expr, op in cases.items():
        assert isinstance(expr, FilterExpr)
        assert (expr.field, expr.operator, expr.value) == ("size", op, 3)
        assert expr.model is ExprGadget


def test_none_comparisons_become_null_checks_without_value():
    assert (ExprGadget.name == None).operator == "IS NULL"
    assert (ExprGadget.name != None).operator == "IS NOT NULL"
    assert ExprGadget.name.is_null().operator == "IS NULL"
    assert ExprGadget.name.is_not_null().value is None


def test_string_and_membership_helpers_pick_their_operators():
    assert ExprGadget.name.contains("a").operator == "CONTAINS"
    assert ExprGadget.name.startswith("a").operator == "STARTS WITH"
    assert ExprGadget.name.endswith("a").operator == "ENDS WITH"
    assert ExprGadget.name.matches("a.*").operator == "=~"
    inside = ExprGadget.size.in_((1, 2))
    assert (inside.operator, inside.value) == ("IN", [1, 2])
    assert ExprGadget.size.not_in_([1]).operator == "NOT IN"


def test_in_refuses_a_plain_string():
    with pytest.raises(TypeError, match="list"):
        compare(ExprGadget.name, "in_", "abc")


def test_reference_aliases_read_the_seed_fields():
    expr = ExprGadget.size > 1
    assert (expr.cls, expr.prop, expr.op, expr.alias, expr.negate) == (ExprGadget, "size", ">", None, False)
    pinned = expr.with_alias("g")
    assert pinned.alias == "g" and expr.alias is None


def test_bool_of_an_expression_raises_type_error_pointing_to_operators():
    with pytest.raises(TypeError, match="&"):
        bool(ExprGadget.size > 1)
    with pytest.raises(TypeError):
        _ = (ExprGadget.size > 1) and (ExprGadget.size < 5)


def test_and_or_not_build_compound_and_negated_exprs():
    a, b, c = ExprGadget.size > 1, ExprGadget.size < 9, ExprGadget.name == "x"
    both = a & b
    assert isinstance(both, CompoundExpr) and both.operator == "AND"
    assert (both.left, both.right) == (a, b)
    either = a | b
    assert either.operator == "OR" and either.op == "OR"
    negated = ~a
    assert isinstance(negated, NegatedExpr) and negated.inner is a and negated.operand is a
    assert (a & b & c).operands == [a, b, c]
    assert (a & (b | c)).operands == [a, b | c]


def test_compound_expr_accepts_the_reference_operands_form():
    a, b, c = ExprGadget.size > 1, ExprGadget.size < 9, ExprGadget.name == "x"
    expr = CompoundExpr(op="OR", operands=[a, b, c])
    assert expr.operator == "OR"
    assert expr.operands == [a, b, c]


def test_combining_with_a_non_expression_is_a_type_error():
    with pytest.raises(TypeError, match="parenthes"):
        (ExprGadget.size > 1) & True


def test_comparing_a_relation_is_a_type_error():
    with pytest.raises(TypeError, match="relation"):
        _ = ExprGadget.parts == []


def test_order_helpers_build_order_exprs():
    down = ExprGadget.size.desc()
    assert isinstance(down, OrderExpr)
    assert (down.field, down.direction, down.desc, down.prop) == ("size", "DESC", True, "size")
    up = order(ExprGadget.size)
    assert up.direction == "ASC" and not up.desc
    ref = OrderExpr(alias="n", prop="size", desc=True)
    assert (ref.field, ref.direction, ref.alias) == ("size", "DESC", "n")
    with pytest.raises(ValueError):
        OrderExpr("size", "SIDEWAYS")


def test_aggregate_helpers_build_agg_exprs():
    assert (count().function, count().field) == ("count", "*")
    assert (avg(ExprGadget.size).function, avg(ExprGadget.size).field) == ("avg", "size")
    assert sum_(ExprGadget.size).func == "sum"
    assert min_(ExprGadget.size).function == "min"
    assert max_(ExprGadget.size).function == "max"
    gathered = collect("t", distinct=True)
    assert (gathered.function, gathered.field, gathered.distinct) == ("collect", "t", True)
    named = count(ExprGadget.name, distinct=True).as_("names")
    assert isinstance(named, AggExpr) and named.result_alias == "names" and named.distinct


def test_aggregate_names_and_targets_must_be_identifiers():
    with pytest.raises(ValueError):
        count().as_("x) DETACH DELETE n //")
    with pytest.raises(ValueError):
        count("n.a b")
    with pytest.raises(ValueError):
        AggExpr("median", "*")


def test_expressions_are_immutable():
    expr = ExprGadget.size > 1
    with pytest.raises(AttributeError):
        expr.value = 5  # type: ignore[misc]
    assert isinstance(expr, Expr)


def test_values_pass_the_field_converter_when_compiled():
    when = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    expr = ExprGadget.made > when
    assert expr.value == when  # the expression keeps the Python value
    cypher, params = select(ExprGadget).where(expr).where(ExprGadget.colour.in_([Colour.RED, Colour.BLUE])).build()
    assert params["p0"] == when.isoformat()
    assert params["p1"] == ["red", "blue"]
    assert "n.made > $p0" in cypher

"""Builder state → ``(cypher, params)`` for one dialect. No I/O.

The builder keeps its state as a frozen ``QueryState`` of tuples. Every query variable
is a *slot* (its name can change with ``alias()`` until the query is built), so filters,
orderings and return columns refer to slots and stay correct across renames.

Clause layout of a built query::

    MATCH (root)                 -- or the search index CALL + WITH n, __score
    WHERE <root filters>
    [OPTIONAL] MATCH (hop 1)
    WHERE <filters on hop 1's variables>
    ...
    WITH a, b ORDER BY … SKIP … LIMIT …      -- one per with_() stage
    WHERE <filters given after with_() on carried variables>
    ...
    RETURN [DISTINCT] …
    ORDER BY … SKIP … LIMIT …

Parameters are named only here, ``p0, p1, …`` in textual order, one counter per build;
search builders add the reserved ``__fts_query``, ``__knn_vec``, ``__knn_k``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from runic.cypher import CYPHER_KEYWORDS, is_plain_identifier
from runic.ogm.core.metadata import fields_of
from runic.ogm.core.models import edge_type, node_labels
from runic.ogm.driver.base import GraphDialect
from runic.ogm.driver.factory import default_dialect

from .expressions import AggExpr, CompoundExpr, Expr, FilterExpr, NegatedExpr
from .traversal import TraversalStep

__all__ = [
    "CYPHER_KEYWORDS",
    "SCORE",
    "BoundAgg",
    "BoundColumn",
    "BoundFilter",
    "BoundOrder",
    "ColumnSpec",
    "CompiledQuery",
    "Hop",
    "QueryState",
    "SearchSpec",
    "Slot",
    "StageEnd",
    "compile_query",
    "default_dialect",
]

SCORE = "__score"
FTS_PARAM = "__fts_query"
KNN_VEC_PARAM = "__knn_vec"
KNN_K_PARAM = "__knn_k"



# -- state --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """One query variable: a node or an edge, introduced at the root or by a hop."""

    name: str
    model: type | None
    kind: str  # "node" | "edge"
    stage: int = 0
    hop: int | None = None  # index into QueryState.hops; None = introduced by the root clause


@dataclass(frozen=True)
class Hop:
    step: TraversalStep
    source: int
    target: int
    edge: int | None
    stage: int


@dataclass(frozen=True)
class BoundFilter:
    """A filter with every leaf bound to a slot (leaf order = ``expr.leaves()``)."""

    expr: Expr
    slots: tuple[int, ...]
    stage: int


@dataclass(frozen=True)
class BoundOrder:
    """``slot[.prop]`` or a result column ``name`` (aggregate alias, ``__score``)."""

    slot: int | None
    prop: str | None
    name: str | None
    direction: str


@dataclass(frozen=True)
class BoundColumn:
    """``slot`` or ``slot.prop`` as a projection or grouping key."""

    slot: int
    prop: str | None = None


@dataclass(frozen=True)
class BoundAgg:
    agg: AggExpr
    slot: int | None  # None for count(*)
    prop: str | None


@dataclass(frozen=True)
class StageEnd:
    """A ``with_()`` boundary and the ordering/paging that closed its stage."""

    carried: tuple[int, ...]
    distinct: bool = False
    order: tuple[BoundOrder, ...] = ()
    skip: int | None = None
    limit: int | None = None


@dataclass(frozen=True)
class SearchSpec:
    """Root clause of a fulltext (``kind="fulltext"``) or vector (``"vector"``) query."""

    kind: str
    label: str
    text: str | None = None
    fields: tuple[str, ...] | None = None
    all_fields: tuple[str, ...] = ()
    index: str | None = None
    field: str | None = None
    vector: tuple[float, ...] | None = None
    k: int | None = None
    candidates: int | None = None
    field_info: Any = None
    subtype_labels: tuple[str, ...] | None = None
    exact: bool = False  # vector search without a usable index: distance computed per node


@dataclass(frozen=True)
class QueryState:
    """Everything a builder has been told, as immutable data."""

    model: type
    kind: str  # "node" | "edge"
    slots: tuple[Slot, ...]
    current: int = 0
    visible: frozenset[int] = frozenset()
    hops: tuple[Hop, ...] = ()
    filters: tuple[BoundFilter, ...] = ()
    stages: tuple[StageEnd, ...] = ()
    order: tuple[BoundOrder, ...] = ()
    skip: int | None = None
    limit: int | None = None
    distinct: bool = False
    returns: tuple[int, ...] | None = None
    return_edge: int | None = None
    project: tuple[BoundColumn, ...] = ()
    aggs: tuple[BoundAgg, ...] = ()
    group_by: tuple[BoundColumn, ...] = ()
    search: SearchSpec | None = None

    @property
    def stage(self) -> int:
        return len(self.stages)

    def slot_named(self, name: str) -> int | None:
        for i, slot in enumerate(self.slots):
            if slot.name == name:
                return i
        return None


@dataclass(frozen=True)
class ColumnSpec:
    """One RETURN column: the name the backend gives it, and the slot it holds (if any)."""

    name: str
    slot: int | None = None


@dataclass(frozen=True)
class CompiledQuery:
    cypher: str
    params: dict[str, Any]
    columns: tuple[ColumnSpec, ...] = field(default=())


# -- helpers ------------------------------------------------------------------------------


def field_info_of(model: type | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return fields_of(model).get(name)
    except Exception:  # noqa: BLE001 - unregistered helper classes simply have no converter
        return None


class _Params:
    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self._next = 0

    def add(self, value: Any) -> str:
        name = f"p{self._next}"
        self._next += 1
        self.values[name] = value
        return name


class _Renderer:
    def __init__(self, state: QueryState, dialect: GraphDialect) -> None:
        self.state = state
        self.dialect = dialect
        self.params = _Params()

    # identifiers
    def ident(self, name: str) -> str:
        if is_plain_identifier(name):  # labels, types and property keys may be keywords
            return name
        return self.dialect.quote(name)

    def var(self, slot: int) -> str:
        return self.state.slots[slot].name

    def prop(self, slot: int, prop: str | None) -> str:
        if prop is None:
            return self.var(slot)
        return property_ref(self.dialect, self.var(slot), prop)

    def column_name(self, slot: int, prop: str | None) -> str:
        """The name a ``slot[.prop]`` column has on every backend: ``n.email``."""
        return self.var(slot) if prop is None else f"{self.var(slot)}.{self.ident(prop)}"

    def named(self, text: str, name: str) -> str:
        """``text``, or ``text AS `name``` where the dialect spelled a property differently."""
        return text if text == name else f"{text} AS {self.dialect.quote(name)}"

    def labels(self, model: type | None) -> str:
        return self.label_pattern(node_labels(model))

    def label_pattern(self, labels: Sequence[str]) -> str:
        """The dialect's label pattern; its default form leaves plain labels unquoted."""
        if not labels:
            return ""
        if type(self.dialect).label_pattern is GraphDialect.label_pattern:
            return "".join(":" + self.ident(label) for label in labels)
        return self.dialect.label_pattern(labels)

    def subtype(self, slot: int) -> str | None:
        slot_obj = self.state.slots[slot]
        if slot_obj.kind != "node" or slot_obj.model is None:
            return None
        return self.dialect.subtype_filter(slot_obj.name, node_labels(slot_obj.model))

    # values
    def value(self, leaf: FilterExpr, slot: int) -> tuple[Any, Any]:
        info = leaf.info
        if info is None:
            info = field_info_of(leaf.model or self.state.slots[slot].model, leaf.field)
        to_db = getattr(info, "to_db", None)
        value = leaf.value
        if to_db is not None and value is not None:
            if leaf.operator in ("IN", "NOT IN"):
                value = [None if v is None else to_db(v) for v in value]
            elif leaf.operator in ("CONTAINS", "STARTS WITH", "ENDS WITH", "=~"):
                pass
            else:
                value = to_db(value)
        return value, info

    # expressions
    def expr(self, expr: Expr, slots: list[int]) -> str:
        if isinstance(expr, FilterExpr):
            return self.leaf(expr, slots.pop(0))
        if isinstance(expr, CompoundExpr):
            operands = expr.operands
            if len(operands) == 1:
                return self.expr(operands[0], slots)
            return f" {expr.operator} ".join(f"({self.expr(o, slots)})" for o in operands)
        if isinstance(expr, NegatedExpr):
            return f"NOT ({self.expr(expr.inner, slots)})"
        raise TypeError(f"cannot compile {expr!r} — use expressions built from model fields")

    def leaf(self, leaf: FilterExpr, slot: int) -> str:
        lhs = self.prop(slot, leaf.field)
        op = leaf.operator
        if op in ("=", "<>") and leaf.value is None:
            op = "IS NULL" if op == "=" else "IS NOT NULL"
        if op in ("IS NULL", "IS NOT NULL"):
            text = f"{lhs} {op}"
        else:
            value, info = self.value(leaf, slot)
            if op == "=~":
                value = regex_pattern(self.dialect, value)
            ref = "$" + self.params.add(value)
            if op == "IN":
                text = f"{lhs} IN {ref}"
            elif op == "NOT IN":
                text = f"NOT {lhs} IN {ref}"
            elif op == "=~":
                text = regex_match(self.dialect, lhs, ref)
            elif op in ("CONTAINS", "STARTS WITH", "ENDS WITH"):
                text = f"{lhs} {op} {ref}"
            else:
                text = f"{lhs} {op} {self.dialect.param_ref(ref, info)}"
        return f"NOT ({text})" if leaf.negate else text

    def where(self, conditions: list[str]) -> str | None:
        if not conditions:
            return None
        if len(conditions) == 1:
            return "WHERE " + conditions[0]
        return "WHERE " + " AND ".join(f"({c})" for c in conditions)

    # clauses
    def order_terms(self, terms: Sequence[BoundOrder]) -> str:
        out = []
        for term in terms:
            if term.slot is not None:
                out.append(f"{self.prop(term.slot, term.prop)} {term.direction}")
            else:
                out.append(f"{term.name} {term.direction}")
        return ", ".join(out)

    def paging(self, order: Sequence[BoundOrder], skip: int | None, limit: int | None) -> list[str]:
        lines = []
        if order:
            lines.append("ORDER BY " + self.order_terms(order))
        if skip is not None:
            lines.append(f"SKIP {int(skip)}")
        if limit is not None:
            lines.append(f"LIMIT {int(limit)}")
        return lines

    def hop_pattern(self, hop: Hop) -> str:
        step = hop.step
        edge = self.var(hop.edge) if hop.edge is not None else ""
        length = ""
        if not step.single_hop:
            lo, hi = step.min_hops, step.max_hops
            length = self.dialect.var_length(lo, hi)
        rel = f"[{edge}:{self.ident(step.relation_type)}{length}]"
        src = f"({self.var(hop.source)})"
        tgt = f"({self.var(hop.target)}{self.labels(self.state.slots[hop.target].model)})"
        if step.direction == "outgoing":
            return f"{src}-{rel}->{tgt}"
        if step.direction == "incoming":
            return f"{src}<-{rel}-{tgt}"
        return f"{src}-{rel}-{tgt}"


def property_ref(dialect: GraphDialect, var: str, prop: str) -> str:
    """``var.prop`` as the dialect says it (``GraphDialect.property_ref``)."""
    return dialect.property_ref(var, prop)


def regex_match(dialect: GraphDialect, lhs: str, ref: str) -> str:
    """A regular-expression match that is null when ``lhs`` is null, as the dialect says
    it (``GraphDialect.regex_match``); the pattern comes from ``regex_pattern``."""
    return dialect.regex_match(lhs, ref)


_LEADING_FLAGS = re.compile(r"((?:\(\?[A-Za-z]+\))*)(.*)", re.DOTALL)


def regex_pattern(dialect: GraphDialect, pattern: str) -> str:
    """The pattern sent for ``.matches(pattern)``: Cypher's ``=~`` matches the whole string.

    Where the backend's match searches instead (FalkorDB's ``string.matchRegEx``, AGE's
    PostgreSQL regular expressions), the pattern is anchored: ``^(?:…)$``, after any
    leading ``(?i)``-style flags (PostgreSQL accepts them only at the start). A dialect
    says which with ``GraphDialect.regex_searches``.
    """
    if not dialect.regex_searches or not isinstance(pattern, str):
        return pattern
    flags, body = _LEADING_FLAGS.fullmatch(pattern).groups()
    return f"{flags}^(?:{body})$"


def _orders_outside(r: _Renderer, order: Sequence[BoundOrder], items: Sequence[str]) -> bool:
    """Do ORDER BY terms use properties of projected variables that are not projected
    themselves (``DISTINCT x ORDER BY x.name``)?"""
    terms = [t for t in order if t.slot is not None and t.prop is not None and r.prop(t.slot, t.prop) not in items]
    return bool(terms) and all(r.var(t.slot) in items for t in terms)


def _agg_text(r: _Renderer, bound: BoundAgg, *, canonical: bool = False) -> str:
    """``func([DISTINCT] target)``; ``canonical`` spells properties ``n.prop`` (the column name)."""
    agg = bound.agg
    if bound.slot is None:
        target = "*"
    elif canonical:
        target = r.column_name(bound.slot, bound.prop)
    else:
        target = r.prop(bound.slot, bound.prop)
    distinct = "DISTINCT " if agg.distinct and target != "*" else ""
    return f"{agg.function}({distinct}{target})"


def _result_names(state: QueryState) -> set[str]:
    names = {b.agg.result_alias for b in state.aggs if b.agg.result_alias}
    if state.search is not None:
        names.add(SCORE)
    return names


def _check_result_orders(state: QueryState, order: Sequence[BoundOrder]) -> None:
    known = _result_names(state)
    for term in order:
        if term.slot is None and term.name not in known:
            names = sorted(s.name for s in state.slots) + sorted(known)
            raise ValueError(
                f"order_by({term.name!r}): no variable or result column of that name — "
                f"use one of {', '.join(names)}"
            )


def _return_columns(r: _Renderer) -> tuple[list[str], list[ColumnSpec]]:
    """RETURN items as text, and what each column holds."""
    state = r.state
    items: list[str] = []
    specs: list[ColumnSpec] = []
    if state.aggs:
        used = {s.name for s in state.slots}
        for key in state.group_by:
            name = r.column_name(key.slot, key.prop)
            items.append(r.named(r.prop(key.slot, key.prop), name))
            specs.append(ColumnSpec(name, key.slot if key.prop is None else None))
        for bound in state.aggs:
            text = _agg_text(r, bound)
            name = bound.agg.result_alias
            if name is not None:
                if name in used:
                    raise ValueError(
                        f"aggregate column name {name!r} is already a query variable — pick another name in as_()"
                    )
                items.append(f"{text} AS {name}")
                specs.append(ColumnSpec(name))
            else:
                name = _agg_text(r, bound, canonical=True)
                items.append(r.named(text, name))
                specs.append(ColumnSpec(name))
        return items, specs
    if state.project:
        for col in state.project:
            name = r.column_name(col.slot, col.prop)
            items.append(r.named(r.prop(col.slot, col.prop), name))
            specs.append(ColumnSpec(name, col.slot if col.prop is None else None))
        return items, specs
    for slot in entity_slots(state):
        items.append(r.var(slot))
        specs.append(ColumnSpec(r.var(slot), slot))
    if state.search is not None:
        items.append(SCORE)
        specs.append(ColumnSpec(SCORE))
    return items, specs


def entity_slots(state: QueryState) -> list[int]:
    """The slots returned when no projection or aggregate is set."""
    if state.returns is not None:
        slots = list(state.returns)
    elif state.return_edge is not None:
        slots = []
    elif state.kind == "edge":
        slots = [1, 0, 2]
    else:
        slots = [state.current]
    if state.return_edge is not None and state.return_edge not in slots:
        if len(slots) >= 2:
            slots.insert(1, state.return_edge)
        else:
            slots.append(state.return_edge)
    return slots


def _root_clause(r: _Renderer, conditions: list[str]) -> list[str]:
    state = r.state
    search = state.search
    if search is not None:
        return _search_clause(r, search, conditions)
    if state.kind == "edge":
        src, edge, dst = state.slots[1], state.slots[0], state.slots[2]
        for slot in (1, 2):
            cond = r.subtype(slot)
            if cond:
                conditions.append(cond)
        pattern = (
            f"({src.name}{r.labels(src.model)})-[{edge.name}:{r.ident(edge_type(state.model))}]->"
            f"({dst.name}{r.labels(dst.model)})"
        )
        return [f"MATCH {pattern}"]
    root = state.slots[0]
    cond = r.subtype(0)
    if cond:
        conditions.append(cond)
    return [f"MATCH ({root.name}{r.labels(root.model)})"]


def _search_clause(r: _Renderer, search: SearchSpec, conditions: list[str]) -> list[str]:
    state = r.state
    alias = state.slots[0].name
    dialect = r.dialect
    if search.kind == "fulltext":
        text = search.text or ""
        if search.fields and set(search.fields) != set(search.all_fields):
            text = dialect.fulltext_scope(text, list(search.fields))
        r.params.values[FTS_PARAM] = text
        call = dialect.fulltext_call(search.label, search.index, "$" + FTS_PARAM, alias, SCORE)
    elif search.exact:
        r.params.values[KNN_VEC_PARAM] = list(search.vector or ())
        prop = r.prop(0, search.field)
        similarity = getattr(search.field_info, "similarity", None)
        distance = dialect.vector_distance(prop, "$" + KNN_VEC_PARAM, similarity)
        if search.subtype_labels:
            cond = dialect.subtype_filter(alias, search.subtype_labels)
            conditions.append(cond or f"{alias}{r.label_pattern(search.subtype_labels[-1:])}")
        match = f"MATCH ({alias}{r.label_pattern((search.label,))}) WHERE {prop} IS NOT NULL"
        return [match, f"WITH {alias}, {distance} AS {SCORE}"]
    else:
        k = int(search.k or 0)
        wanted = k
        if state.filters or state.hops:
            wanted = int(search.candidates) if search.candidates is not None else 10 * k
        r.params.values[KNN_K_PARAM] = wanted
        r.params.values[KNN_VEC_PARAM] = list(search.vector or ())
        call = dialect.vector_call(
            search.label, search.field, search.index, "$" + KNN_K_PARAM, "$" + KNN_VEC_PARAM, alias, SCORE
        )
    call = re.sub(r"\s+YIELD\s+", "\n  YIELD ", call.strip(), count=1)
    if search.subtype_labels:
        cond = dialect.subtype_filter(alias, search.subtype_labels)
        conditions.append(cond or f"{alias}{r.label_pattern(search.subtype_labels[-1:])}")
    return [call, f"WITH {alias}, {SCORE}"]


def compile_query(state: QueryState, dialect: GraphDialect | None = None, *, count: bool = False) -> CompiledQuery:
    """Render ``state`` as Cypher for ``dialect`` (FalkorDB's by default).

    The text is the stages in order (``_render_stage``: a head clause, the hops, their
    WHERE), then the ending: the RETURN clause with its paging (``_render_return``) or,
    with ``count=True``, the count of the rows the query returns (``_render_count``:
    the final ORDER BY / SKIP / LIMIT are left out; a vector search keeps its ``k``).
    """
    r = _Renderer(state, dialect or default_dialect())
    lines: list[str] = []
    for stage in range(state.stage + 1):
        lines.extend(_render_stage(r, stage))
    ending = _Ending.of(r)
    if count:
        lines.extend(_render_count(r, ending))
        return CompiledQuery("\n".join(lines), r.params.values, (ColumnSpec("count"),))
    lines.extend(_render_return(r, ending))
    return CompiledQuery("\n".join(lines), r.params.values, tuple(ending.specs))


def _render_stage(r: _Renderer, stage: int) -> list[str]:
    """The clauses of one stage: its head (the root clause, or the WITH that opened it),
    then each hop's MATCH, each followed by the WHERE of the filters placed there."""
    state = r.state
    # positions: 0 = root clause (stage 0) or the WITH that opened this stage
    hop_indexes = [i for i, hop in enumerate(state.hops) if hop.stage == stage]
    position_of_slot: dict[int, int] = {}
    for pos, hop_index in enumerate(hop_indexes, start=1):
        hop = state.hops[hop_index]
        position_of_slot[hop.target] = pos
        if hop.edge is not None:
            position_of_slot[hop.edge] = pos
    conditions: list[list[str]] = [[] for _ in range(len(hop_indexes) + 1)]
    head = _root_clause(r, conditions[0]) if stage == 0 else _stage_head(r, stage)
    # subtype filters of hop targets come first in their WHERE
    for pos, hop_index in enumerate(hop_indexes, start=1):
        cond = r.subtype(state.hops[hop_index].target)
        if cond:
            conditions[pos].append(cond)
    placed: list[list[BoundFilter]] = [[] for _ in conditions]
    for bound in (f for f in state.filters if f.stage == stage):
        pos = max((position_of_slot.get(s, 0) for s in bound.slots), default=0)
        placed[pos].append(bound)
    # render in textual order so parameter numbers follow the text
    blocks: list[str] = []
    for pos in range(len(conditions)):
        if pos == 0:
            blocks.extend(head)
        else:
            hop = state.hops[hop_indexes[pos - 1]]
            blocks.append(("OPTIONAL MATCH " if hop.step.optional else "MATCH ") + r.hop_pattern(hop))
        for bound in placed[pos]:
            conditions[pos].append(r.expr(bound.expr, list(bound.slots)))
        where = r.where(conditions[pos])
        if where:
            blocks.append(where)
    return blocks


def _stage_head(r: _Renderer, stage: int) -> list[str]:
    """The WITH (and its paging) that ends stage ``stage - 1`` and opens ``stage``."""
    state = r.state
    end = state.stages[stage - 1]
    carried = [r.var(s) for s in end.carried]
    if state.search is not None and SCORE not in carried:
        carried.append(SCORE)
    _check_result_orders(state, [t for t in end.order if t.slot is None])
    if end.distinct and _orders_outside(r, end.order, carried):
        # DISTINCT first, then order: ordering a DISTINCT by an expression it does
        # not project is refused by some backends (AGE) and means the same
        head = ["WITH DISTINCT " + ", ".join(carried), "WITH " + ", ".join(carried)]
    else:
        head = [("WITH DISTINCT " if end.distinct else "WITH ") + ", ".join(carried)]
    return head + r.paging(end.order, end.skip, end.limit)


@dataclass
class _Ending:
    """What the end of the query returns: its items and columns, final order and limit."""

    items: list[str]
    specs: list[ColumnSpec]
    order: list[BoundOrder]
    limit: int | None

    @classmethod
    def of(cls, r: _Renderer) -> _Ending:
        state = r.state
        items, specs = _return_columns(r)
        search = state.search
        final_order = list(state.order)
        if search is not None:
            score_term = BoundOrder(None, None, SCORE, "ASC" if search.kind == "vector" else "DESC")
            if search.kind == "vector":
                final_order = [score_term] + final_order
            elif not final_order:
                final_order = [score_term]
        limit = state.limit
        if search is not None and search.kind == "vector":
            limit = search.k if limit is None else min(limit, int(search.k or 0))
        if not (state.aggs or state.project):
            _check_result_orders(state, [t for t in final_order if t.slot is None])
        return cls(items, specs, final_order, limit)


def _render_count(r: _Renderer, ending: _Ending) -> list[str]:
    """The count of the rows the query returns (its final ORDER BY / SKIP / LIMIT left out)."""
    state, search, items = r.state, r.state.search, ending.items
    lines: list[str] = []
    if search is not None and search.kind == "vector":
        lines.append(f"WITH {state.slots[0].name}, {SCORE}")
        lines.extend(r.paging([BoundOrder(None, None, SCORE, "ASC")], None, ending.limit))
    plain = not (state.aggs or state.project)
    entity_only = plain and len(items) - (1 if search else 0) == 1
    if state.kind == "edge" and plain and state.returns is None and state.return_edge is None:
        items, entity_only = [state.slots[0].name], True
    if entity_only:
        distinct = "DISTINCT " if state.distinct else ""
        lines.append(f"RETURN count({distinct}{items[0]})")
    else:
        named = [f"{item} AS __c{i}" if " AS " not in item else item for i, item in enumerate(items)]
        lines.append(("WITH DISTINCT " if state.distinct else "WITH ") + ", ".join(named))
        lines.append("RETURN count(*)")
    return lines


def _render_return(r: _Renderer, ending: _Ending) -> list[str]:
    """The RETURN clause and the final ORDER BY / SKIP / LIMIT."""
    state, items = r.state, ending.items
    _check_result_orders(state, [t for t in ending.order if t.slot is None])
    if state.distinct and _orders_outside(r, ending.order, items) and all(is_plain_identifier(i) for i in items):
        lines = ["WITH DISTINCT " + ", ".join(items), "RETURN " + ", ".join(items)]  # see _stage_head
    else:
        lines = [("RETURN DISTINCT " if state.distinct else "RETURN ") + ", ".join(items)]
    return lines + r.paging(ending.order, state.skip, ending.limit)

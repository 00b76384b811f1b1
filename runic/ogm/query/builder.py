"""``QueryBuilder``: an immutable, fluent description of a read query.

Every chaining method returns a new builder; the receiver never changes. A builder turns
into a ``Plan`` (Cypher, parameters and a finisher that turns the ``GraphResult`` into the
terminal's value) without I/O. A terminal is a flow (``_terminal``, ``runic.ogm.query._flows``)
that yields ``session.execute`` and the ``load_relations`` calls of ``lazy=False`` relations;
``QueryBuilder`` runs it with plain calls, ``AsyncQueryBuilder``
(``runic.ogm.query.specialised``) awaits each call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from runic.cypher import is_plain_identifier
from runic.ogm.core.ambient import current_session, is_async_session
from runic.ogm.core.collector import gc_paused
from runic.ogm.core.metadata import fields_of, get_metadata
from runic.ogm.core.models import is_edge_model
from runic.ogm.driver.result import EdgeRecord, GraphResult, NodeRecord
from runic.ogm.exceptions import MetadataError, UnboundQueryError, did_you_mean

from ._flows import Flow, call, run
from .compiler import (
    CYPHER_KEYWORDS,
    SCORE,
    BoundAgg,
    BoundColumn,
    BoundFilter,
    BoundOrder,
    ColumnSpec,
    CompiledQuery,
    Hop,
    QueryState,
    Slot,
    StageEnd,
    compile_query,
    default_dialect,
)
from .expressions import AggExpr, Expr, OrderExpr
from .traversal import TraversalStep

if TYPE_CHECKING:  # pragma: no cover
    from runic.ogm.driver.base import GraphDialect

__all__ = ["BaseQueryBuilder", "Plan", "QueryBuilder", "select"]

T = TypeVar("T")

_TERM = re.compile(
    r"\s*([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?(?:\s+(ASC|DESC|ASCENDING|DESCENDING))?\s*\Z",
    re.IGNORECASE,
)
_COLUMN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?\Z")


# -- model lookups (core is imported lazily: it may import this package) --------------------



def _model_meta(model: Any) -> Any:
    """The registered NodeMeta/EdgeMeta of ``model``, or MetadataError."""
    name = getattr(model, "__name__", repr(model))
    if not isinstance(model, type):
        raise MetadataError(
            f"select() takes a Node or Edge class, got {model!r}",
            hint="pass the model class itself, e.g. select(Person)",
        )
    registry = get_metadata()
    edge = is_edge_model(model)
    meta = registry.get_edge_meta(model) if edge else registry.get_node_meta(model)
    if meta is None or getattr(meta, "model_cls", model) is not model:
        known = [getattr(m, "model_cls", None) for m in (registry.edges if edge else registry.nodes).values()]
        suggestion = did_you_mean(name, [k.__name__ for k in known if k is not None])
        raise MetadataError(
            f"{name} is not a registered {'Edge' if edge else 'Node'} model",
            model=model,
            hint=suggestion or "subclass runic.ogm.Node or runic.ogm.Edge (abstract classes cannot be queried)",
        )
    return meta


def _relation_names(model: type | None, *, eager_only: bool = True) -> list[str]:
    if model is None:
        return []
    try:
        fields = fields_of(model)
    except Exception:  # noqa: BLE001
        return []
    return [n for n, info in fields.items() if info.is_relation and not (eager_only and getattr(info, "lazy", True))]


# -- plans ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What a terminal sends and how it reads the answer; no I/O.

    ``finish(result, session)`` returns ``(value, loads)``: the terminal's value and the
    ``(entities, relation_names)`` pairs to pass to ``session.load_relations`` before
    returning (``lazy=False`` relations).
    """

    cypher: str
    params: dict[str, Any]
    finish: Callable[[GraphResult, Any], tuple[Any, list[tuple[list[Any], list[str]]]]]


class _Hydrator:
    """Turns graph records of one result into entities through the session."""

    def __init__(self, state: QueryState, session: Any) -> None:
        self.state = state
        self.session = session
        self.by_slot: dict[int, list[Any]] = {}

    def value(self, value: Any, slot: int | None = None) -> Any:
        if isinstance(value, (NodeRecord, EdgeRecord)):
            model = self.state.slots[slot].model if slot is not None else None
            entity = self.session.hydrate(value, model)
            if slot is not None and entity is not None:
                self.by_slot.setdefault(slot, []).append(entity)
            return entity
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value

    def entities(self, raws: list[Any], slot: int | None) -> list[Any]:
        """``value()`` over one column of records, skipping nulls: the bulk path of ``all()``."""
        model = self.state.slots[slot].model if slot is not None else None
        hydrate = self.session.hydrate
        out: list[Any] = []
        append = out.append
        for raw in raws:
            if raw is None:
                continue
            kind = raw.__class__
            entity = hydrate(raw, model) if kind is NodeRecord or kind is EdgeRecord else self.value(raw)
            if entity is not None:
                append(entity)
        if slot is not None and out:
            self.by_slot.setdefault(slot, []).extend(e for e in out if not isinstance(e, (list, dict)))
        return out

    def loads(self) -> list[tuple[list[Any], list[str]]]:
        out = []
        for slot, entities in self.by_slot.items():
            names = _relation_names(self.state.slots[slot].model)
            if names and entities:
                unique = list({id(e): e for e in entities}.values())
                out.append((unique, names))
        return out


def _attach_endpoints(edge: Any, source: Any, target: Any) -> None:
    """Give a hydrated edge its endpoint entities when the session did not."""
    for name, node in (("source", source), ("target", target)):
        if node is None:
            continue
        if edge.__dict__.get(name) is None:
            edge.__dict__[name] = node


# -- the builder ------------------------------------------------------------------------------


class BaseQueryBuilder(Generic[T]):
    """Chaining methods and compilation shared by every builder; no terminals, no I/O."""

    __slots__ = ("_session", "_state")

    #: twin classes (set by runic.ogm.query.specialised)
    _sync_class: type[BaseQueryBuilder[Any]] | None = None
    _async_class: type[BaseQueryBuilder[Any]] | None = None
    _is_async = False

    def __init__(self, model: type[T], session: Any = None) -> None:
        self._state = self._initial_state(model)
        self._session = session

    @staticmethod
    def _initial_state(model: type) -> QueryState:
        meta = _model_meta(model)
        if is_edge_model(model):
            source = getattr(meta, "source_model", None)
            target = getattr(meta, "target_model", None)
            slots = (
                Slot("n", model, "edge"),
                Slot("src", source if isinstance(source, type) else None, "node"),
                Slot("dst", target if isinstance(target, type) else None, "node"),
            )
            return QueryState(model=model, kind="edge", slots=slots, current=0, visible=frozenset({0, 1, 2}))
        return QueryState(model=model, kind="node", slots=(Slot("n", model, "node"),), current=0, visible=frozenset({0}))

    @classmethod
    def _from_state(cls, state: QueryState, session: Any = None) -> Self:
        obj = object.__new__(cls)
        obj._state = state
        obj._session = session
        return obj

    def _with(self, **changes: Any) -> Self:
        return type(self)._from_state(replace(self._state, **changes), self._session)

    # -- read-only views ----------------------------------------------------------------------
    @property
    def model(self) -> type[T]:
        """The class given to ``select()``."""
        return self._state.model

    @property
    def state(self) -> QueryState:
        """The immutable builder state."""
        return self._state

    @property
    def session(self) -> Any:
        """The bound session, or ``None``."""
        return self._session

    @property
    def aliases(self) -> tuple[str, ...]:
        """Names of the query variables, root first."""
        return tuple(slot.name for slot in self._state.slots)

    # -- alias resolution --------------------------------------------------------------------
    def _describe_aliases(self) -> str:
        st = self._state
        parts = []
        for i, slot in enumerate(st.slots):
            if i in st.visible:
                parts.append(f"{slot.name} ({getattr(slot.model, '__name__', 'unlabeled')})")
        return ", ".join(parts) or "none"

    def _slot_by_name(self, name: Any, what: str = "alias") -> int:
        if not isinstance(name, str):
            raise TypeError(f"{what} must be an alias name (str), got {name!r}")
        index = self._state.slot_named(name)
        if index is None or index not in self._state.visible:
            hint = did_you_mean(name, [s.name for i, s in enumerate(self._state.slots) if i in self._state.visible])
            raise ValueError(
                f"{what} {name!r} is not a variable of this query — known: {self._describe_aliases()}"
                + (f"; {hint}" if hint else "")
            )
        return index

    def _slot_for_model(self, model: type | None, field: str) -> int:
        st = self._state
        if model is None:
            if 0 in st.visible:
                return 0
            raise ValueError(f"cannot tell which variable {field!r} belongs to — pass on='alias'")
        order = [i for i in range(len(st.slots)) if i in st.visible]
        for i in order:
            slot_model = st.slots[i].model
            if isinstance(slot_model, type) and issubclass(slot_model, model):
                return i
        for i in order:
            slot_model = st.slots[i].model
            if isinstance(slot_model, type) and issubclass(model, slot_model):
                return i
        raise ValueError(
            f"{model.__name__}.{field} belongs to no variable of this query ({self._describe_aliases()}) — "
            "traverse to it first, or pass on='alias'"
        )

    def _check_new_alias(self, name: Any, *, allow: int | None = None) -> str:
        if not isinstance(name, str) or not is_plain_identifier(name):
            raise ValueError(f"alias {name!r} is not a valid identifier — use letters, digits and '_', not starting with a digit")
        if name.lower() in CYPHER_KEYWORDS:
            raise ValueError(f"alias {name!r} is a Cypher keyword — pick another name")
        if name.startswith("__"):
            raise ValueError(f"alias {name!r} is reserved (names starting with '__' are runic's) — pick another name")
        existing = self._state.slot_named(name)
        if existing is not None and existing != allow:
            raise ValueError(f"alias {name!r} is already used in this query — pick another name")
        return name

    def _auto_alias(self, prefix: str, number: int) -> str:
        while self._state.slot_named(f"{prefix}{number}") is not None:
            number += 1
        return f"{prefix}{number}"

    # -- filtering ---------------------------------------------------------------------------
    def where(self, *exprs: Expr, on: str | None = None) -> Self:
        """Add filters (ANDed together and with earlier calls).

        A field of class C binds to the first variable of C (root first); ``on="f"``
        binds the filter to variable ``f`` instead.
        """
        if not exprs:
            raise TypeError("where() needs at least one filter, such as where(Person.age > 30)")
        on_slot = self._slot_by_name(on, "on") if on is not None else None
        bound = []
        for expr in exprs:
            if not isinstance(expr, Expr):
                raise TypeError(
                    f"where() takes filter expressions such as Person.age > 30, got {expr!r} — "
                    "combine filters with & and | (not 'and'/'or'), each in parentheses"
                )
            slots = []
            for leaf in expr.leaves():
                if leaf.alias is not None:
                    slots.append(self._slot_by_name(leaf.alias))
                elif on_slot is not None:
                    slots.append(on_slot)
                else:
                    slots.append(self._slot_for_model(leaf.model, leaf.field))
            bound.append(BoundFilter(expr, tuple(slots), self._state.stage))
        return self._with(filters=self._state.filters + tuple(bound))

    filter = where

    # -- ordering and paging -----------------------------------------------------------------
    def _order_term(self, term: Any, desc: bool) -> BoundOrder:
        default = "DESC" if desc else "ASC"
        if isinstance(term, OrderExpr):
            direction = term.direction if (term.direction == "DESC" or not desc) else "DESC"
            if term.raw is not None:
                return self._order_string(term.raw, direction)
            if term.alias is not None:
                return BoundOrder(self._slot_by_name(term.alias), term.field, None, direction)
            return BoundOrder(self._slot_for_model(term.model, term.field or ""), term.field, None, direction)
        if hasattr(term, "field_info"):
            name = getattr(term, "field_name", None) or term.field_info.name
            if getattr(term.field_info, "is_relation", False):
                raise TypeError(f"cannot order by the relation {name!r} — order by a property")
            owner = getattr(term.field_info, "owner", None)
            return BoundOrder(self._slot_for_model(owner, name), name, None, default)
        if isinstance(term, str):
            return self._order_string(term, default)
        raise TypeError(f"order_by() takes a field, an OrderExpr or 'alias[.prop] [ASC|DESC]', got {term!r}")

    def _order_string(self, text: str, default: str) -> BoundOrder:
        match = _TERM.match(text)
        if not match:
            raise ValueError(
                f"order_by({text!r}) is not 'alias[.prop] [ASC|DESC]' — other Cypher is refused; "
                "order by a field (Person.age) or a result column name"
            )
        name, prop, direction = match.groups()
        direction = (direction or default).upper()
        direction = "DESC" if direction.startswith("DESC") else "ASC"
        index = self._state.slot_named(name)
        if index is not None and index in self._state.visible:
            return BoundOrder(index, prop, None, direction)
        if prop is not None:
            raise ValueError(f"order_by({text!r}): {name!r} is not a variable of this query — known: {self._describe_aliases()}")
        return BoundOrder(None, None, name, direction)

    def order_by(self, *terms: Any, desc: bool = False) -> Self:
        """Append ORDER BY terms: fields, ``F.desc()``, or ``'alias[.prop] [ASC|DESC]'``."""
        if not terms:
            raise TypeError("order_by() needs at least one term, such as order_by(Person.age)")
        bound = tuple(self._order_term(t, desc) for t in terms)
        return self._with(order=self._state.order + bound)

    @staticmethod
    def _count_arg(n: Any, what: str) -> int | None:
        if n is None:
            return None
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"{what}() takes an int ≥ 0 or None, got {n!r}")
        if n < 0:
            raise ValueError(f"{what}() takes an int ≥ 0 or None, got {n}")
        return int(n)

    def limit(self, n: int | None) -> Self:
        """Return at most ``n`` rows (``None`` removes the limit)."""
        return self._with(limit=self._count_arg(n, "limit"))

    def skip(self, n: int | None) -> Self:
        """Skip the first ``n`` rows."""
        return self._with(skip=self._count_arg(n, "skip"))

    offset = skip

    def distinct(self) -> Self:
        """``RETURN DISTINCT`` (or ``WITH DISTINCT`` when ``with_()`` follows)."""
        return self._with(distinct=True)

    # -- traversal -----------------------------------------------------------------------------
    def traverse(
        self,
        step_or_relation: Any,
        *,
        alias: str | None = None,
        edge_alias: str | None = None,
        optional: bool | None = None,
        depth: int | tuple[int, int | None] | None = None,
        direction: str | None = None,
    ) -> Self:
        """One hop from the most recent variable, by a ``TraversalStep`` or a ``Relation``.

        ``traverse(Person.friends)`` reads the relation's type, target and direction;
        ``optional`` defaults to ``True`` (``OPTIONAL MATCH``). The new target becomes the
        most recent variable, so ``.alias("f")`` names it.
        """
        overrides: dict[str, Any] = {
            "edge_alias": edge_alias,
            "optional": optional,
            "depth": depth,
            "direction": direction,
            "target_alias": alias,
        }
        if isinstance(step_or_relation, TraversalStep):
            step = step_or_relation.replace(**{k: v for k, v in overrides.items() if v is not None})
        else:
            if overrides["optional"] is None:
                overrides["optional"] = True
            step = TraversalStep.from_relation(step_or_relation, **overrides)
        return self._add_hop(step)

    def repeat(
        self,
        relation: Any,
        *,
        min_hops: int = 1,
        max_hops: int | None = None,
        optional: bool = False,
        alias: str | None = None,
        direction: str | None = None,
    ) -> Self:
        """A variable-length hop ``*min..max`` (``max_hops=None``: unbounded); ``MATCH`` by default."""
        overrides = {"depth": (min_hops, max_hops), "optional": optional, "target_alias": alias, "direction": direction}
        if isinstance(relation, TraversalStep):
            step = relation.replace(**{k: v for k, v in overrides.items() if v is not None})
        else:
            step = TraversalStep.from_relation(relation, **overrides)
        return self._add_hop(step)

    def _add_hop(self, step: TraversalStep) -> Self:
        st = self._state
        source = st.current
        if st.slots[source].kind != "node":
            raise ValueError(
                f"cannot traverse from {st.slots[source].name!r}: it is a relationship — "
                "traversals start from node variables"
            )
        hop_index = len(st.hops)
        target_name = step.target_alias or self._auto_alias("t", hop_index + 1)
        self._check_new_alias(target_name)
        slots = list(st.slots)
        edge_slot = None
        if step.edge_alias is not None:
            self._check_new_alias(step.edge_alias)
            if step.edge_alias == target_name:
                raise ValueError(f"edge_alias and target alias are both {target_name!r} — use two names")
            slots.append(Slot(step.edge_alias, step.edge_model, "edge", st.stage, hop_index))
            edge_slot = len(slots) - 1
        target_model = step.target_model if isinstance(step.target_model, type) else None
        slots.append(Slot(target_name, target_model, "node", st.stage, hop_index))
        target_slot = len(slots) - 1
        hop = Hop(step, source, target_slot, edge_slot, st.stage)
        visible = set(st.visible) | {target_slot} | ({edge_slot} if edge_slot is not None else set())
        return self._with(slots=tuple(slots), hops=st.hops + (hop,), current=target_slot, visible=frozenset(visible))

    def alias(self, name: str) -> Self:
        """Rename the most recent variable (the root before any hop)."""
        st = self._state
        self._check_new_alias(name, allow=st.current)
        slots = list(st.slots)
        slots[st.current] = replace(slots[st.current], name=name)
        return self._with(slots=tuple(slots))

    def with_(self, *aliases: str) -> Self:
        """Close a stage: ``WITH a, b`` (all variables when none are named).

        Ordering, paging and ``distinct()`` given so far apply to this ``WITH``; later
        calls form the next stage, which sees only the carried variables.
        """
        st = self._state
        if aliases:
            carried = tuple(dict.fromkeys(self._slot_by_name(a) for a in aliases))
        else:
            carried = tuple(i for i in range(len(st.slots)) if i in st.visible)
        _check_orders_known(self, st.order)
        end = StageEnd(carried, st.distinct, st.order, st.skip, st.limit)
        current = st.current if st.current in carried else carried[-1]
        return self._with(
            stages=st.stages + (end,),
            order=(),
            skip=None,
            limit=None,
            distinct=False,
            visible=frozenset(carried),
            current=current,
        )

    # -- what to return ------------------------------------------------------------------------
    def _column(self, item: Any, what: str) -> BoundColumn:
        if hasattr(item, "field_info"):
            name = getattr(item, "field_name", None) or item.field_info.name
            if getattr(item.field_info, "is_relation", False):
                raise TypeError(f"{what}: {name!r} is a relation — traverse to it and return its alias")
            return BoundColumn(self._slot_for_model(getattr(item.field_info, "owner", None), name), name)
        if isinstance(item, str):
            match = _COLUMN.match(item)
            if not match:
                raise ValueError(f"{what}({item!r}): only 'alias' or 'alias.prop' strings are accepted — use a model field for anything else")
            name, prop = match.groups()
            return BoundColumn(self._slot_by_name(name), prop)
        raise TypeError(f"{what}() takes model fields or 'alias[.prop]' strings, got {item!r}")

    def project(self, *fields: Any) -> Self:
        """Return property columns instead of entities, named as rendered (``n.email``)."""
        if not fields:
            raise TypeError("project() needs at least one field")
        return self._with(project=tuple(self._column(f, "project") for f in fields))

    def _group_keys(self, keys: Iterable[Any]) -> tuple[BoundColumn, ...]:
        out: list[BoundColumn] = []
        for key in keys:
            if isinstance(key, (tuple, list)):
                out.extend(self._group_keys(key))
            else:
                out.append(self._column(key, "group_by"))
        return tuple(out)

    def aggregate(self, *aggs: AggExpr, group_by: Any = None) -> Self:
        """Return grouping keys, then the aggregates (``count()``, ``avg(F)``, …)."""
        if not aggs:
            raise TypeError("aggregate() needs at least one aggregate, such as aggregate(count())")
        bound = []
        for agg in aggs:
            if not isinstance(agg, AggExpr):
                raise TypeError(f"aggregate() takes count()/avg()/sum_()/min_()/max_()/collect() expressions, got {agg!r}")
            if agg.model is not None:
                slot = self._slot_by_name(agg.alias) if agg.alias else self._slot_for_model(agg.model, agg.field)
                bound.append(BoundAgg(agg, slot, agg.field))
            elif agg.field == "*":
                bound.append(BoundAgg(agg, None, None))
            else:
                name, _, prop = agg.field.partition(".")
                bound.append(BoundAgg(agg, self._slot_by_name(name), prop or None))
        for b in bound:
            if b.agg.result_alias and self._state.slot_named(b.agg.result_alias) is not None:
                raise ValueError(f"aggregate column name {b.agg.result_alias!r} is already a query variable — pick another name in as_()")
        changes: dict[str, Any] = {"aggs": tuple(bound)}
        if group_by is not None:
            keys = group_by if isinstance(group_by, (tuple, list)) else (group_by,)
            changes["group_by"] = self._group_keys(keys)
        return self._with(**changes)

    def group_by(self, *keys: Any) -> Self:
        """Grouping keys for ``aggregate()``: aliases, ``'alias.prop'`` or fields."""
        return self._with(group_by=self._group_keys(keys))

    def return_target(self, alias: str) -> Self:
        """Return the entities of one variable."""
        return self._with(returns=(self._slot_by_name(alias),), return_edge=None)

    def return_nodes(self, *aliases: str) -> Self:
        """Return several variables (one column each)."""
        if not aliases:
            raise TypeError("return_nodes() needs at least one alias")
        return self._with(returns=tuple(self._slot_by_name(a) for a in aliases))

    def return_edge(self, alias: str) -> Self:
        """Add a named relationship (``edge_alias``) to the returned columns, after the first node."""
        slot = self._slot_by_name(alias)
        if self._state.slots[slot].kind != "edge":
            raise ValueError(f"{alias!r} is a node variable — return_edge() takes an edge_alias given to traverse()")
        return self._with(return_edge=slot)

    # -- binding ----------------------------------------------------------------------------------
    def bind(self, session: Any) -> BaseQueryBuilder[T]:
        """A copy bound to ``session`` (an ``AsyncSession`` gives the async twin)."""
        from . import specialised  # noqa: F401 - sets the twin classes

        target_cls: type[BaseQueryBuilder[Any]] = type(self)
        if is_async_session(session):
            target_cls = type(self)._async_class or target_cls
        elif session is not None:
            target_cls = type(self)._sync_class or target_cls
        return target_cls._from_state(self._state, session)

    # -- compilation ---------------------------------------------------------------------------
    def _check_ready(self) -> None:
        """Raise when the builder cannot be compiled yet (search builders before search())."""

    def _compile(self, dialect: GraphDialect | None = None, *, count: bool = False) -> CompiledQuery:
        self._check_ready()
        if dialect is None:
            dialect = getattr(self._session, "dialect", None) or default_dialect()
        return compile_query(self._state, dialect, count=count)

    def build(self, dialect: GraphDialect | None = None) -> tuple[str, dict[str, Any]]:
        """``(cypher, params)`` for ``dialect`` (else the bound session's, else FalkorDB's). No I/O."""
        compiled = self._compile(dialect)
        return compiled.cypher, compiled.params

    def _for_session(self, session: Any) -> BaseQueryBuilder[T]:
        """This builder as it runs on ``session`` (search builders pick index or exact scan)."""
        return self

    def _plan(self, mode: str, dialect: GraphDialect | None) -> Plan:
        """The plan of terminal ``mode`` (all, rows, edges, scalar, scalars, count, execute, scores)."""
        state = self._state
        if mode == "count":
            compiled = self._compile(dialect, count=True)
            return Plan(compiled.cypher, compiled.params, _finish_count)
        builder = self.limit(1) if mode == "one" else self
        compiled = builder._compile(dialect)
        columns = compiled.columns

        def finish(result: GraphResult, session: Any) -> tuple[Any, list[tuple[list[Any], list[str]]]]:
            if mode == "execute":
                return result, []
            with gc_paused():  # many entities at once: see runic.ogm.core.collector
                return _finish_rows(result, session)

        def _finish_rows(result: GraphResult, session: Any) -> tuple[Any, list[tuple[list[Any], list[str]]]]:
            h = _Hydrator(state, session)
            index = _result_index(result, columns)
            if mode in ("all", "one", "scores"):
                value = _finish_entities(h, result, columns, index, state, scores=(mode == "scores"))
                if mode == "one":
                    value = value[0] if value else None
            elif mode == "rows":
                value = [{spec.name: h.value(row[index[i]], spec.slot) for i, spec in enumerate(columns)} for row in result.rows]
            elif mode == "edges":
                value = [tuple(h.value(row[index[i]], spec.slot) for i, spec in enumerate(columns)) for row in result.rows]
                _attach_row_endpoints(state, columns, value)
            elif mode == "scalar":
                value = h.value(result.rows[0][0], columns[0].slot if columns else None) if result.rows else None
            elif mode == "scalars":
                slot = columns[0].slot if columns else None
                value = [h.value(row[0], slot) for row in result.rows]
            else:  # pragma: no cover - programming error
                raise ValueError(f"unknown terminal {mode!r}")
            return value, h.loads()

        return Plan(compiled.cypher, compiled.params, finish)

    def _session_for_run(self) -> Any:
        """The bound session, else the ambient one of this builder's kind, else UnboundQueryError."""
        session = self._session if self._session is not None else current_session(asynchronous=self._is_async)
        if session is None:
            raise self._unbound_error()
        return session

    def _terminal(self, mode: str) -> Flow[Any]:
        """The flow of terminal ``mode`` on the session it runs on; the plan is made now."""
        session = self._session_for_run()
        plan = self._for_session(session)._plan(mode, session.dialect)
        return _terminal_flow(plan, session)

    def _unbound_error(self) -> UnboundQueryError:
        name = getattr(self._state.model, "__name__", "?")
        if self._is_async:
            hint = "use 'async with AsyncSession(driver):', await session.scalars(stmt) or stmt.bind(session)"
        else:
            hint = "use 'with Session(driver):', session.scalars(stmt) or stmt.bind(session)"
        return UnboundQueryError(f"select({name}) is not bound to a session", statement=self, hint=hint)

    # -- display -----------------------------------------------------------------------------------
    def __repr__(self) -> str:
        try:
            cypher, params = self.build()
        except Exception as exc:  # noqa: BLE001 - a repr never raises
            return f"<{type(self).__name__} {getattr(self._state.model, '__name__', '?')}: cannot build yet ({exc})>"
        return f"{cypher}\n// params: {params!r}"

    def __str__(self) -> str:
        try:
            return self.build()[0]
        except Exception:  # noqa: BLE001
            return repr(self)

    def __bool__(self) -> bool:
        return True


def _check_orders_known(builder: BaseQueryBuilder[Any], order: Iterable[BoundOrder]) -> None:
    for term in order:
        if term.slot is None:
            raise ValueError(
                f"order_by({term.name!r}) before with_(): {term.name!r} is not a variable of this query — "
                f"known: {builder._describe_aliases()}"
            )


def _terminal_flow(plan: Plan, session: Any) -> Flow[Any]:
    """Send the plan, read the answer, load the ``lazy=False`` relations it names."""
    result = yield call(session.execute, plan.cypher, plan.params)
    value, loads = plan.finish(result, session)
    for entities, names in loads:
        yield call(session.load_relations, entities, names)
    return value


def _result_index(result: GraphResult, columns: tuple[ColumnSpec, ...]) -> list[int]:
    """Position of each expected column in the result (backends keep RETURN order)."""
    names = list(result.columns)
    out = []
    for i, spec in enumerate(columns):
        out.append(names.index(spec.name) if spec.name in names else i)
    return out


def _finish_count(result: GraphResult, session: Any) -> tuple[int, list[Any]]:
    return (int(result.rows[0][0]) if result.rows and result.rows[0][0] is not None else 0), []


def _finish_entities(
    h: _Hydrator,
    result: GraphResult,
    columns: tuple[ColumnSpec, ...],
    index: list[int],
    state: QueryState,
    *,
    scores: bool,
) -> list[Any]:
    entity_pos = 0
    if state.kind == "edge" and state.returns is None and state.return_edge is None:
        entity_pos = next((i for i, c in enumerate(columns) if c.slot == 0), 0)
    score_pos = next((i for i, c in enumerate(columns) if c.name == SCORE), None)
    if not scores and not (state.kind == "edge" and entity_pos != 0):
        position = index[entity_pos] if columns else 0
        return h.entities([row[position] for row in result.rows], columns[entity_pos].slot if columns else None)
    out: list[Any] = []
    for row in result.rows:
        raw = row[index[entity_pos]] if columns else row[0]
        if raw is None:
            continue
        endpoints = None
        if state.kind == "edge" and entity_pos != 0:  # endpoints first, so the edge can find them
            endpoints = (h.value(row[index[0]], columns[0].slot), h.value(row[index[2]], columns[2].slot))
        entity = h.value(raw, columns[entity_pos].slot if columns else None)
        if entity is None:
            continue
        if endpoints is not None:
            _attach_endpoints(entity, *endpoints)
        if scores:
            score = row[index[score_pos]] if score_pos is not None else None
            out.append((entity, None if score is None else float(score)))
        else:
            out.append(entity)
    return out


def _attach_row_endpoints(state: QueryState, columns: tuple[ColumnSpec, ...], rows: list[tuple[Any, ...]]) -> None:
    """In ``all_with_edges`` rows, give each edge the hop's endpoints found in the same row."""
    by_slot = {spec.slot: i for i, spec in enumerate(columns) if spec.slot is not None}
    for hop in state.hops:
        if hop.edge is None or hop.edge not in by_slot:
            continue
        for row in rows:
            edge = row[by_slot[hop.edge]]
            if edge is None:
                continue
            src = row[by_slot[hop.source]] if hop.source in by_slot else None
            dst = row[by_slot[hop.target]] if hop.target in by_slot else None
            if hop.step.direction == "incoming":
                src, dst = dst, src
            if hop.step.direction != "both":
                _attach_endpoints(edge, src, dst)


class QueryBuilder(BaseQueryBuilder[T]):
    """Fluent builder of a read query; terminals run it on a session.

    The session is the bound one (``bind()``, ``repo.query()``), else the ambient one
    (innermost ``with Session(driver):``), else ``UnboundQueryError``.
    """

    __slots__ = ()

    def all(self) -> list[T]:
        """Every entity the query returns (null rows skipped, duplicates kept)."""
        return run(self._terminal("all"))

    def one(self) -> T | None:
        """The first entity (``LIMIT 1``), or ``None``."""
        return run(self._terminal("one"))

    def first(self) -> T | None:
        """Alias of ``one()``."""
        return run(self._terminal("one"))

    def count(self) -> int:
        """How many rows ``all()``/``all_rows()`` would give, ignoring order/skip/limit."""
        return run(self._terminal("count"))

    def all_rows(self) -> list[dict[str, Any]]:
        """Rows as dicts keyed by column name; entity columns hydrated."""
        return run(self._terminal("rows"))

    def all_with_edges(self) -> list[tuple[Any, ...]]:
        """Rows as tuples in RETURN order (e.g. ``(user, rated, movie)``)."""
        return run(self._terminal("edges"))

    def scalar(self) -> Any:
        """The first column of the first row, or ``None``."""
        return run(self._terminal("scalar"))

    def scalars(self) -> list[Any]:
        """The first column of every row."""
        return run(self._terminal("scalars"))

    def execute(self) -> GraphResult:
        """The raw ``GraphResult``."""
        return run(self._terminal("execute"))


QueryBuilder._sync_class = QueryBuilder


def select(model: type[T]) -> QueryBuilder[T]:
    """Start a query on a Node (or Edge) class: ``select(Person).where(Person.age > 30).limit(10)``.

    The builder is unbound; run it inside ``with Session(driver):``, with
    ``session.scalars(stmt)`` or after ``stmt.bind(session)``.
    """
    return QueryBuilder(model)

"""``driver.schema`` for FalkorDB: live labels, types, property keys, indexes and their DDL.

Each operation is written once, as a generator of steps (run a query, send a raw
command, sleep) with no I/O of its own; ``FalkorDBSchema`` runs the steps on a sync
driver and ``AsyncFalkorDBSchema`` awaits them on an async one.

Index kinds: exact (``CREATE INDEX``), unique (backing exact index plus
``GRAPH.CONSTRAINT CREATE … UNIQUE``, polled until ``OPERATIONAL``), fulltext
(``db.idx.fulltext.createNodeIndex`` for nodes) and vector (``CREATE VECTOR INDEX …
OPTIONS {dimension, similarityFunction}``). Introspection reads ``db.indexes()`` and
``db.constraints()``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from runic.cypher import escape_identifier, quote_identifier
from runic.ogm.core.flow import run_flow, run_flow_async
from runic.ogm.exceptions import (
    ConstraintFailedError,
    ConstraintTimeoutError,
    MetadataError,
    QueryError,
    SchemaError,
)
from runic.ogm.schema.index_manager import IndexSpec

from .base import AsyncSchemaCapabilities, SchemaCapabilities

if TYPE_CHECKING:  # pragma: no cover
    from .falkordb import AsyncFalkorDBDriver, FalkorDBDriver

__all__ = ["CONSTRAINT_POLL_TIMEOUT_S", "AsyncFalkorDBSchema", "FalkorDBSchema"]

CONSTRAINT_POLL_TIMEOUT_S = 30.0
_POLL_INTERVAL_S = 0.05
_INDEXES_QUERY = "CALL db.indexes() YIELD label, properties, types, options, entitytype, status RETURN label, properties, types, options, entitytype, status"
_CONSTRAINTS_QUERY = "CALL db.constraints() YIELD type, label, properties, entitytype, status RETURN type, label, properties, entitytype, status"


@dataclass(frozen=True)
class _Execute:
    query: str
    params: dict[str, Any] | None = None
    readonly: bool = False


@dataclass(frozen=True)
class _Command:
    args: tuple[Any, ...]


@dataclass(frozen=True)
class _Sleep:
    seconds: float


Steps = Generator[Any, Any, Any]


def _missing_graph(exc: QueryError) -> bool:
    return "empty key" in (exc.backend_message or str(exc)).lower()


def _already(exc: QueryError) -> bool:
    text = (exc.backend_message or str(exc)).lower()
    return "already indexed" in text or "already exists" in text


def _absent(exc: QueryError) -> bool:
    text = (exc.backend_message or str(exc)).lower()
    return (
        "no such index" in text
        or "unable to drop" in text
        or "doesn't exist" in text
        or "does not exist" in text
        or "empty key" in text
    )


def _pattern(spec: IndexSpec) -> str:
    label = escape_identifier(spec.label)
    return f"(e:{label})" if spec.entity == "node" else f"()-[e:{label}]->()"


def exact_index_ddl(label: str, field: str, entity: str = "node") -> str:
    """``CREATE INDEX FOR (n:Person) ON (n.email)``: the one text of an exact index, used by
    ``driver.schema`` and ``FalkorDBDialect.render_index``."""
    q = quote_identifier(label)
    pattern = f"(n:{q})" if entity == "node" else f"()-[n:{q}]->()"
    return f"CREATE INDEX FOR {pattern} ON (n.{quote_identifier(field)})"


def _unique_constraint(action: str, spec: IndexSpec, graph_name: str) -> _Command:
    """``GRAPH.CONSTRAINT CREATE|DROP <graph> UNIQUE NODE|RELATIONSHIP <label> PROPERTIES 1 <field>``."""
    return _Command(("GRAPH.CONSTRAINT", action, graph_name, "UNIQUE", _entity_keyword(spec), spec.label, "PROPERTIES", "1", spec.field))


def _entity_keyword(spec: IndexSpec) -> str:
    return "NODE" if spec.entity == "node" else "RELATIONSHIP"


# -- steps ----------------------------------------------------------------------------------
def _names_steps(procedure: str) -> Steps:
    try:
        result = yield _Execute(f"CALL {procedure}()", None, True)
    except QueryError as exc:
        if _missing_graph(exc):
            return []
        raise
    return sorted(str(v) for v in result.values(0))


def _list_steps() -> Steps:
    """``(specs, errors)`` read from ``db.indexes()`` and ``db.constraints()``."""
    try:
        indexes = yield _Execute(_INDEXES_QUERY, None, True)
        constraints = yield _Execute(_CONSTRAINTS_QUERY, None, True)
    except QueryError as exc:
        if _missing_graph(exc):
            return [], []
        raise
    errors: list[str] = []
    unique: dict[tuple[str, str, str], str] = {}
    composite: list[IndexSpec] = []
    for ctype, label, props, entitytype, status in constraints.rows:
        if str(ctype).upper() != "UNIQUE":
            continue
        entity = "node" if str(entitytype).upper() == "NODE" else "edge"
        props = [str(p) for p in (props or [])]
        status = str(status).upper()
        where = f"{label}({', '.join(props)})"
        if status != "OPERATIONAL":
            errors.append(
                f"unique constraint on {where} is {status}"
                + (
                    " — existing duplicates stop it; remove them and create it again"
                    if status == "FAILED"
                    else " — it is still being built; validate again shortly"
                )
            )
        if status == "FAILED":
            continue
        if len(props) == 1:
            unique[(entity, str(label), props[0])] = status
        else:
            composite.append(
                IndexSpec(str(label), ",".join(props), "exact", unique=True, entity=entity)
            )
    specs: list[IndexSpec] = list(composite)
    for label, props, types, options, entitytype, status in indexes.rows:
        entity = "node" if str(entitytype).upper() == "NODE" else "edge"
        label = str(label)
        types = types or {}
        options = options or {}
        for prop in props or []:
            prop = str(prop)
            for kind in types.get(prop, []):
                kind = str(kind).upper()
                if kind == "RANGE":
                    specs.append(
                        IndexSpec(
                            label,
                            prop,
                            "exact",
                            unique=(entity, label, prop) in unique,
                            entity=entity,
                        )
                    )
                elif kind == "FULLTEXT":
                    specs.append(IndexSpec(label, prop, "fulltext", entity=entity))
                elif kind == "VECTOR":
                    opts = options.get(prop) or {}
                    dim = opts.get("dimension")
                    sim = str(opts.get("similarityFunction") or "cosine").lower()
                    specs.append(
                        IndexSpec(
                            label,
                            prop,
                            "vector",
                            dimension=int(dim) if dim else None,
                            similarity=sim if sim in ("cosine", "euclidean") else None,
                            entity=entity,
                        )
                    )
        if str(status).upper() not in ("OPERATIONAL", ""):
            errors.append(
                f"index on {label}({', '.join(map(str, props or []))}) is {str(status).upper()}"
            )
    seen: set[IndexSpec] = set()
    unique_specs = []
    for spec in sorted(specs, key=lambda s: s.sort_key):
        if spec not in seen:
            seen.add(spec)
            unique_specs.append(spec)
    return unique_specs, errors


def _constraint_status(spec: IndexSpec) -> Steps:
    result = yield _Execute(_CONSTRAINTS_QUERY, None, True)
    for ctype, label, props, entitytype, status in result.rows:
        entity = "node" if str(entitytype).upper() == "NODE" else "edge"
        if (
            str(ctype).upper() == "UNIQUE"
            and str(label) == spec.label
            and entity == spec.entity
            and [str(p) for p in props or []] == [spec.field]
        ):
            return str(status).upper()
    return None


def _duplicates_query(spec: IndexSpec) -> str:
    if spec.entity == "node":
        head = f"MATCH (e:{escape_identifier(spec.label)})"
    else:
        head = f"MATCH ()-[e:{escape_identifier(spec.label)}]->()"
    field = escape_identifier(spec.field)
    return f"{head} WITH e.{field} AS value, count(*) AS n WHERE value IS NOT NULL AND n > 1 RETURN value, n"


def _settled_steps(spec: IndexSpec, poll_timeout: float) -> Steps:
    """Wait until the index of ``spec``'s label is ``OPERATIONAL`` again.

    FalkorDB keeps one index per label; creating or dropping a field rebuilds it in the
    background, and until then ``db.indexes()`` reports it ``UNDER CONSTRUCTION`` (with
    the dropped field still listed). A timeout is not an error: ``validate()`` reports
    an index that is still being built.
    """
    entity = "NODE" if spec.entity == "node" else "RELATIONSHIP"
    deadline = time.monotonic() + poll_timeout
    while True:
        try:
            result = yield _Execute(_INDEXES_QUERY, None, True)
        except QueryError as exc:
            if _missing_graph(exc):
                return
            raise
        building = [
            row
            for row in result.rows
            if str(row[0]) == spec.label
            and str(row[4]).upper() == entity
            and str(row[5]).upper() not in ("OPERATIONAL", "")
        ]
        if not building or time.monotonic() >= deadline:
            return
        yield _Sleep(_POLL_INTERVAL_S)


def _create_steps(spec: IndexSpec, graph_name: str, poll_timeout: float) -> Steps:
    yield from _create_index_steps(spec, graph_name, poll_timeout)
    yield from _settled_steps(spec, poll_timeout)


def _create_index_steps(spec: IndexSpec, graph_name: str, poll_timeout: float) -> Steps:
    pattern = _pattern(spec)
    field = escape_identifier(spec.field)
    if spec.index_type == "exact":
        try:
            yield _Execute(exact_index_ddl(spec.label, spec.field, spec.entity))
        except QueryError as exc:
            if not _already(exc):
                raise
        if not spec.unique:
            return
        status = yield from _constraint_status(spec)
        if status != "OPERATIONAL":
            if status == "FAILED":
                yield _unique_constraint("DROP", spec, graph_name)
            if status in (None, "FAILED"):
                try:
                    yield _unique_constraint("CREATE", spec, graph_name)
                except QueryError as exc:
                    if not _already(exc):
                        raise
            deadline = time.monotonic() + poll_timeout
            while True:
                status = yield from _constraint_status(spec)
                if status == "OPERATIONAL":
                    break
                if status == "FAILED":
                    yield _unique_constraint("DROP", spec, graph_name)
                    raise ConstraintFailedError(
                        f"FalkorDB could not make {spec.label}.{spec.field} unique: stored values repeat",
                        spec=spec,
                        hint=f"find the duplicates with: {_duplicates_query(spec)} — fix them and apply again",
                    )
                if time.monotonic() >= deadline:
                    raise ConstraintTimeoutError(
                        f"the unique constraint on {spec.label}.{spec.field} is still pending after {poll_timeout:g} s",
                        spec=spec,
                        timeout_s=poll_timeout,
                        hint="it may still finish — run validate() again later",
                    )
                yield _Sleep(_POLL_INTERVAL_S)
        return
    if spec.index_type == "fulltext":
        try:
            if spec.entity == "node":
                yield _Execute(
                    "CALL db.idx.fulltext.createNodeIndex($label, $field)",
                    {"label": spec.label, "field": spec.field},
                )
            else:
                yield _Execute(f"CREATE FULLTEXT INDEX FOR {pattern} ON (e.{field})")
        except QueryError as exc:
            if not _already(exc):
                raise
        return
    if spec.dimension is None:
        raise MetadataError(
            f"{spec.label}.{spec.field} declares a vector index without a dimension",
            field=spec.field,
            hint=f"use Field(..., vector=True, dimension=768) (the length of the vectors stored in {spec.field})",
        )
    similarity = "euclidean" if spec.similarity == "euclidean" else "cosine"
    try:
        yield _Execute(
            f"CREATE VECTOR INDEX FOR {pattern} ON (e.{field}) OPTIONS {{dimension: {int(spec.dimension)}, similarityFunction: '{similarity}'}}"
        )
    except QueryError as exc:
        if not _already(exc):
            raise
        live, _ = yield from _list_steps()
        if not any(spec.matches(other) for other in live):
            raise SchemaError(
                f"{spec.label}.{spec.field} already has a vector index with other options than {spec.describe()}",
                spec=spec,
                hint="drop the live index first (IndexManager.drop or sync(drop_extra=True)), then apply again",
            ) from exc


def _drop_steps(spec: IndexSpec, graph_name: str, poll_timeout: float) -> Steps:
    yield from _drop_index_steps(spec, graph_name)
    yield from _settled_steps(spec, poll_timeout)


def _drop_index_steps(spec: IndexSpec, graph_name: str) -> Steps:
    pattern = _pattern(spec)
    field = escape_identifier(spec.field)
    if spec.index_type == "exact":
        if spec.unique:
            try:
                yield _unique_constraint("DROP", spec, graph_name)
            except QueryError as exc:
                if not (_absent(exc) or "constraint" in (exc.backend_message or "").lower()):
                    raise
        statement = f"DROP INDEX FOR {pattern} ON (e.{field})"
    elif spec.index_type == "fulltext":
        statement = f"DROP FULLTEXT INDEX FOR {pattern} ON (e.{field})"
    else:
        statement = f"DROP VECTOR INDEX FOR {pattern} ON (e.{field})"
    try:
        yield _Execute(statement)
    except QueryError as exc:
        if _absent(exc):
            return
        if "supports constraint" in (exc.backend_message or "").lower():
            raise SchemaError(
                f"the index on {spec.label}.{spec.field} backs a unique constraint and cannot be dropped alone",
                spec=spec,
                hint=f"drop IndexSpec({spec.label!r}, {spec.field!r}, 'exact', unique=True) instead",
            ) from exc
        raise


# -- runners ---------------------------------------------------------------------------------
def _perform_sync(driver: FalkorDBDriver, step: Any) -> Any:
    if isinstance(step, _Execute):
        return driver.execute(step.query, step.params, readonly=step.readonly or None)
    if isinstance(step, _Command):
        return driver.raw_command(*step.args)
    time.sleep(step.seconds)
    return None


def _run_sync(driver: FalkorDBDriver, steps: Steps) -> Any:
    return run_flow(steps, lambda step: _perform_sync(driver, step))


async def _perform_async(driver: AsyncFalkorDBDriver, step: Any) -> Any:
    if isinstance(step, _Execute):
        return await driver.execute(step.query, step.params, readonly=step.readonly or None)
    if isinstance(step, _Command):
        return await driver.raw_command(*step.args)
    await asyncio.sleep(step.seconds)
    return None


async def _run_async(driver: AsyncFalkorDBDriver, steps: Steps) -> Any:
    return await run_flow_async(steps, lambda step: _perform_async(driver, step))


def _check_spec(spec: Any) -> IndexSpec:
    if not isinstance(spec, IndexSpec):
        raise TypeError(f"expected an IndexSpec, got {type(spec).__name__}")
    return spec


class _FalkorDBSchemaMembers:
    """The members of ``driver.schema``, written once: each runs a flow through ``_run``,
    which returns the answer (sync) or an awaitable (async)."""

    backend = "falkordb"
    _run: Any

    def __init__(self, driver: Any, *, constraint_timeout: float = CONSTRAINT_POLL_TIMEOUT_S) -> None:
        self._driver = driver
        self.constraint_timeout = constraint_timeout

    @property
    def graph_name(self) -> str:
        return self._driver.graph_name

    def labels(self) -> Any:
        """Node labels of the graph, sorted."""
        return self._run(_names_steps("db.labels"))

    def relationship_types(self) -> Any:
        """Relationship types of the graph, sorted."""
        return self._run(_names_steps("db.relationshipTypes"))

    def property_keys(self) -> Any:
        """Property keys of the graph, sorted."""
        return self._run(_names_steps("db.propertyKeys"))

    def list_indexes(self) -> Any:
        """Live indexes and unique constraints as ``IndexSpec`` (sorted)."""
        return self._run(_specs_only(_list_steps()))

    def inspect_indexes(self) -> Any:
        """``(specs, errors)``; errors name constraints that are not operational."""
        return self._run(_list_steps())

    def create_index(self, spec: IndexSpec) -> Any:
        """Create the index (or unique constraint); one that exists already counts as success."""
        return self._run(_create_steps(_check_spec(spec), self.graph_name, self.constraint_timeout))

    def drop_index(self, spec: IndexSpec) -> Any:
        """Drop the index (and its unique constraint); an absent one is ignored."""
        return self._run(_drop_steps(_check_spec(spec), self.graph_name, self.constraint_timeout))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} graph={self.graph_name!r}>"


def _specs_only(steps: Steps) -> Steps:
    specs, _ = yield from steps
    return specs


class FalkorDBSchema(_FalkorDBSchemaMembers, SchemaCapabilities):
    """Live schema of one FalkorDB graph (``driver.schema``)."""

    def _run(self, steps: Steps) -> Any:
        return _run_sync(self._driver, steps)


class AsyncFalkorDBSchema(_FalkorDBSchemaMembers, AsyncSchemaCapabilities):
    """Live schema of one FalkorDB graph on an async driver: the same members, awaited."""

    async def _run(self, steps: Steps) -> Any:
        return await _run_async(self._driver, steps)

"""``driver.schema`` for the Bolt backends: one class of schema steps per dialect.

Each operation is a flow (``runic.ogm.core.flow``): a generator that yields
``Cypher(query)`` (rows back as dicts) or ``Sql(command)`` (ArcadeDB's HTTP command
API) and returns the answer, with no I/O of its own. ``Neo4jSchemaSteps`` writes them
for Neo4j, ``MemgraphSchemaSteps`` for Memgraph, ``ArcadeDBSchemaSteps`` (in
``arcadedb.py``, beside its HTTP client) for ArcadeDB; a dialect names its class as
``schema_steps``. ``BoltSchema`` runs the flows on a sync driver, ``AsyncBoltSchema`` on
an async one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from runic.cypher import escape_identifier, quote_identifier
from runic.ogm.core.flow import run_flow, run_flow_async
from runic.ogm.exceptions import QueryError, SchemaError
from runic.ogm.schema.index_manager import IndexSpec

from .base import AsyncSchemaCapabilities, SchemaCapabilities

__all__ = [
    "AsyncBoltSchema",
    "BoltSchema",
    "Cypher",
    "MemgraphSchemaSteps",
    "Neo4jSchemaSteps",
    "Sql",
    "memgraph_index_ddl",
    "neo4j_index_ddl",
    "sql_name",
]


@dataclass(frozen=True)
class Cypher:
    query: str


@dataclass(frozen=True)
class Sql:
    command: str
    tolerate: tuple[str, ...] = ()


Steps = Generator[Any, Any, Any]
_SAMPLE_KEYS = "MATCH (n) WITH n LIMIT 1000 UNWIND keys(n) AS k RETURN DISTINCT k AS k ORDER BY k"

#: a type or property name for ArcadeDB SQL, always backtick-quoted: SQL keywords
#: (``match``, ``order``, ``limit`` …) cannot name a type or property bare there
sql_name = escape_identifier


def node_or_edge_pattern(spec: IndexSpec) -> str:
    """``(n:Label)`` or ``()-[n:TYPE]-()``: what an index DDL statement is ``FOR``."""
    q = quote_identifier(spec.label)
    return f"()-[n:{q}]-()" if spec.entity == "edge" else f"(n:{q})"


def neo4j_index_ddl(label: str, field: str, entity: str = "node") -> str:
    """Neo4j's exact index DDL, the one text ``driver.schema`` and ``Neo4jDialect.render_index`` use."""
    q = quote_identifier
    pattern = f"()-[n:{q(label)}]-()" if entity == "edge" else f"(n:{q(label)})"
    return f"CREATE INDEX {q(f'{label}_{field}')} IF NOT EXISTS FOR {pattern} ON (n.{q(field)})"


def memgraph_index_ddl(label: str, field: str) -> str:
    """Memgraph's exact index DDL, the one text ``driver.schema`` and ``MemgraphDialect.render_index`` use."""
    return f"CREATE INDEX ON :{quote_identifier(label)}({quote_identifier(field)})"


class Neo4jSchemaSteps:
    """Schema flows for Neo4j 5: ``db.*`` procedures, ``SHOW INDEXES``, ``IF NOT EXISTS`` DDL."""

    def names(self, kind: str) -> Steps:
        """Labels (``kind="labels"``) or relationship types (``"types"``), sorted."""
        proc = "db.labels()" if kind == "labels" else "db.relationshipTypes()"
        rows = yield Cypher(f"CALL {proc}")
        return sorted(next(iter(r.values())) for r in rows if r)

    def property_keys(self) -> Steps:
        rows = yield Cypher("CALL db.propertyKeys()")
        return sorted({next(iter(r.values())) for r in rows if r})

    def list_indexes(self) -> Steps:
        rows = yield Cypher(
            "SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties, options, owningConstraint"
        )
        constraints = yield Cypher(
            "SHOW CONSTRAINTS YIELD name, type, entityType, labelsOrTypes, properties"
        )
        specs: set[IndexSpec] = set()
        owned = set()
        for c in constraints:
            if "UNIQUE" not in str(c.get("type", "")).upper():
                continue
            entity = "edge" if str(c.get("entityType", "")).upper().startswith("REL") else "node"
            for label in c.get("labelsOrTypes") or []:
                field = ",".join(c.get("properties") or [])
                specs.add(
                    IndexSpec(label, field, "exact", unique=True, entity=entity, name=c.get("name"))
                )
            owned.add(c.get("name"))
        for r in rows:
            kind = str(r.get("type", "")).upper()
            if kind == "LOOKUP" or r.get("owningConstraint") in owned and r.get("owningConstraint"):
                continue
            entity = "edge" if str(r.get("entityType", "")).upper().startswith("REL") else "node"
            props = r.get("properties") or []
            for label in r.get("labelsOrTypes") or []:
                if kind == "FULLTEXT":
                    for p in props:
                        specs.add(IndexSpec(label, p, "fulltext", entity=entity, name=r.get("name")))
                elif kind == "VECTOR":
                    config = (r.get("options") or {}).get("indexConfig") or {}
                    sim = str(config.get("vector.similarity_function", "")).lower() or None
                    specs.add(
                        IndexSpec(
                            label,
                            ",".join(props),
                            "vector",
                            dimension=config.get("vector.dimensions"),
                            similarity=sim if sim in ("cosine", "euclidean") else None,
                            entity=entity,
                            name=r.get("name"),
                        )
                    )
                else:
                    specs.add(
                        IndexSpec(label, ",".join(props), "exact", entity=entity, name=r.get("name"))
                    )
        return sorted(specs, key=lambda s: s.sort_key)

    def create_index(self, spec: IndexSpec) -> Steps:
        label, field, q = spec.label, spec.field, quote_identifier
        pattern = node_or_edge_pattern(spec)
        if spec.index_type == "fulltext":
            yield Cypher(f"CREATE FULLTEXT INDEX {q(label)} IF NOT EXISTS FOR {pattern} ON EACH [n.{q(field)}]")
        elif spec.index_type == "vector":
            sim = "euclidean" if spec.similarity == "euclidean" else "cosine"
            yield Cypher(
                f"CREATE VECTOR INDEX {q(f'{label}_{field}')} IF NOT EXISTS FOR {pattern} ON (n.{q(field)}) "
                f"OPTIONS {{indexConfig: {{`vector.dimensions`: {int(spec.dimension or 0)}, `vector.similarity_function`: '{sim}'}}}}"
            )
        elif spec.unique:
            yield Cypher(f"CREATE CONSTRAINT {q(f'{label}_{field}_unique')} IF NOT EXISTS FOR {pattern} REQUIRE n.{q(field)} IS UNIQUE")
        else:
            yield Cypher(neo4j_index_ddl(label, field, spec.entity))
        return None

    def drop_index(self, spec: IndexSpec) -> Steps:
        live = yield from self.list_indexes()
        found = [s for s in live if s.matches(spec)]
        if found:
            yield from self.drop_found(spec, found[0])
        return None

    def drop_found(self, spec: IndexSpec, live: IndexSpec) -> Steps:
        """Drop the live index ``live`` that matches ``spec``."""
        kind = "CONSTRAINT" if spec.unique else "INDEX"
        yield Cypher(f"DROP {kind} {quote_identifier(live.name)} IF EXISTS")

    def sql_client(self, driver: Any) -> Any:
        """What runs this backend's ``Sql`` steps (only ArcadeDB has any)."""
        raise SchemaError(f"{driver.backend} takes no SQL schema commands")


class MemgraphSchemaSteps(Neo4jSchemaSteps):
    """Schema flows for Memgraph: ``SHOW ... INFO``, its own index and constraint DDL."""

    def names(self, kind: str) -> Steps:
        rows = yield Cypher("SHOW NODE_LABELS INFO" if kind == "labels" else "SHOW EDGE_TYPES INFO")
        return sorted({next(iter(r.values())) for r in rows if r})

    def property_keys(self) -> Steps:
        rows = yield Cypher(_SAMPLE_KEYS)
        return sorted({next(iter(r.values())) for r in rows if r})

    def list_indexes(self) -> Steps:
        rows = yield Cypher("SHOW INDEX INFO")
        constraints = yield Cypher("SHOW CONSTRAINT INFO")
        specs: set[IndexSpec] = set()
        for r in rows:
            prop = r.get("property")
            label = r.get("label")
            if not prop or not label:
                continue
            field = ",".join(prop) if isinstance(prop, list) else str(prop)
            specs.add(IndexSpec(label, field, "exact"))
        for c in constraints:
            if "unique" in str(c.get("constraint type", "")).lower():
                props = c.get("properties")
                field = ",".join(props) if isinstance(props, list) else str(props)
                specs.add(IndexSpec(c.get("label"), field, "exact", unique=True))
        try:
            vectors = yield Cypher("CALL vector_search.show_index_info() YIELD * RETURN *")
        except QueryError:
            vectors = []
        for v in vectors:
            label, prop = v.get("label"), v.get("property")
            if label and prop:
                metric = str(v.get("metric", "")).lower()
                specs.add(
                    IndexSpec(
                        label,
                        prop,
                        "vector",
                        dimension=v.get("dimension"),
                        similarity={"cos": "cosine", "l2sq": "euclidean"}.get(metric),
                        name=v.get("index_name"),
                    )
                )
        return sorted(specs, key=lambda s: s.sort_key)

    def create_index(self, spec: IndexSpec) -> Steps:
        label, field, q = spec.label, spec.field, quote_identifier
        if spec.index_type == "fulltext":
            yield Cypher(f"CREATE TEXT INDEX {q(label)} ON :{q(label)}")
        elif spec.index_type == "vector":
            metric = "l2sq" if spec.similarity == "euclidean" else "cos"
            yield Cypher(
                f'CREATE VECTOR INDEX {q(f"{label}_{field}")} ON :{q(label)}({q(field)}) WITH CONFIG {{"dimension": {int(spec.dimension or 0)}, "capacity": 1000, "metric": "{metric}"}}'
            )
        elif spec.unique:
            yield Cypher(f"CREATE CONSTRAINT ON (n:{q(label)}) ASSERT n.{q(field)} IS UNIQUE")
        else:
            yield Cypher(memgraph_index_ddl(label, field))
        return None

    def drop_found(self, spec: IndexSpec, live: IndexSpec) -> Steps:
        label, field, q = spec.label, spec.field, quote_identifier
        if spec.index_type == "fulltext":
            yield Cypher(f"DROP TEXT INDEX {q(label)}")
        elif spec.index_type == "vector":
            yield Cypher(f"DROP VECTOR INDEX {q(live.name or f'{label}_{field}')}")
        elif spec.unique:
            yield Cypher(f"DROP CONSTRAINT ON (n:{q(label)}) ASSERT n.{q(field)} IS UNIQUE")
        else:
            yield Cypher(f"DROP INDEX ON :{q(label)}({q(field)})")


# -- the runners -----------------------------------------------------------------------------------
class _BoltSchemaMembers:
    """The members of ``driver.schema``, written once: each runs a flow of the dialect's
    schema steps through ``_run``, which returns the answer (sync) or an awaitable (async)."""

    _run: Any

    def labels(self) -> Any:
        return self._run(lambda steps: steps.names("labels"))

    def relationship_types(self) -> Any:
        return self._run(lambda steps: steps.names("types"))

    def property_keys(self) -> Any:
        return self._run(lambda steps: steps.property_keys())

    def list_indexes(self) -> Any:
        return self._run(lambda steps: steps.list_indexes())

    def create_index(self, spec: IndexSpec) -> Any:
        return self._run(lambda steps: steps.create_index(spec))

    def drop_index(self, spec: IndexSpec) -> Any:
        return self._run(lambda steps: steps.drop_index(spec))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._driver.url}>"


class BoltSchema(_BoltSchemaMembers, SchemaCapabilities):
    """``driver.schema`` of a sync ``BoltDriver``: runs its dialect's schema flows."""

    def __init__(self, driver: Any) -> None:
        self._driver = driver

    def _run(self, make_flow: Any) -> Any:
        driver = self._driver
        driver._check_open()  # the SQL steps go over HTTP and would not notice a closed driver
        steps = driver.dialect.schema_steps

        def send(step: Any) -> Any:
            if isinstance(step, Sql):
                return steps.sql_client(driver).sql(step.command, step.tolerate)
            return driver.execute(step.query).records

        return run_flow(make_flow(steps), send)


class AsyncBoltSchema(_BoltSchemaMembers, AsyncSchemaCapabilities):
    """``driver.schema`` of an ``AsyncBoltDriver``: the same members, awaited."""

    def __init__(self, driver: Any) -> None:
        self._driver = driver

    async def _run(self, make_flow: Any) -> Any:
        driver = self._driver
        driver._check_open()
        if driver._dialect is None:
            await driver.connect()
        steps = driver.dialect.schema_steps

        async def send(step: Any) -> Any:
            if isinstance(step, Sql):
                return await asyncio.to_thread(steps.sql_client(driver).sql, step.command, step.tolerate)
            return (await driver.execute(step.query)).records

        return await run_flow_async(make_flow(steps), send)

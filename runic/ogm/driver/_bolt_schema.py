"""``driver.schema`` for the Bolt backends: Neo4j and Memgraph in Cypher, ArcadeDB in SQL over HTTP.

Each operation is written once as a generator of steps — ``Cypher(query)`` (rows back as
dicts) or ``Sql(command)`` (ArcadeDB's HTTP command API, same login) — with no I/O of its
own; ``BoltSchema`` runs the steps on a sync driver, ``AsyncBoltSchema`` on an async one.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import json
import urllib.error
import urllib.request
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from runic.cypher import escape_identifier, quote_identifier
from runic.ogm.exceptions import (
    ConnectionFailedError,
    MetadataError,
    QueryError,
    SchemaError,
    UnsupportedFeatureError,
)
from runic.ogm.schema.index_manager import IndexSpec

__all__ = ["ArcadeDBHttp", "AsyncBoltSchema", "BoltSchema", "sql_name"]


@dataclass(frozen=True)
class Cypher:
    query: str


@dataclass(frozen=True)
class Sql:
    command: str
    tolerate: tuple[str, ...] = ()


Steps = Generator[Any, Any, Any]
_SAMPLE_KEYS = "MATCH (n) WITH n LIMIT 1000 UNWIND keys(n) AS k RETURN DISTINCT k AS k ORDER BY k"
_SQL_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "BOOLEAN"),
    (int, "LONG"),
    (float, "DOUBLE"),
    (str, "STRING"),
    (datetime.datetime, "DATETIME"),
    (datetime.date, "DATE"),
)


def _sql_type_of(value: Any) -> str | None:
    """ArcadeDB's property type for a Python type or value (``None`` when unknown)."""
    kind = value if isinstance(value, type) else type(value)
    for python_type, sql_type in _SQL_TYPES:
        if isinstance(kind, type) and issubclass(kind, python_type):
            return sql_type
    return None


def _sample_query(spec: IndexSpec) -> str:
    pattern = f"()-[n:{quote_identifier(spec.label)}]->()" if spec.entity == "edge" else f"(n:{quote_identifier(spec.label)})"
    return f"MATCH {pattern} WHERE n.{quote_identifier(spec.field)} IS NOT NULL RETURN n.{quote_identifier(spec.field)} AS v LIMIT 1"


#: a type or property name for ArcadeDB SQL: bare when plain, backtick-quoted otherwise
sql_name = quote_identifier


# -- labels, types, keys ------------------------------------------------------------------------
def _names(dialect: str, kind: str) -> Steps:
    if dialect == "arcadedb":
        rows = yield Sql("SELECT name, type FROM schema:types")
        wanted = "vertex" if kind == "labels" else "edge"
        # "A~B" types are ArcadeDB's own composites for nodes with several labels
        return sorted(
            r["name"]
            for r in rows
            if str(r.get("type", "")).lower() == wanted and "~" not in r["name"]
        )
    if dialect == "memgraph":
        rows = yield Cypher("SHOW NODE_LABELS INFO" if kind == "labels" else "SHOW EDGE_TYPES INFO")
        return sorted({next(iter(r.values())) for r in rows if r})
    proc = "db.labels()" if kind == "labels" else "db.relationshipTypes()"
    rows = yield Cypher(f"CALL {proc}")
    return sorted(next(iter(r.values())) for r in rows if r)


def _property_keys(dialect: str) -> Steps:
    if dialect == "neo4j":
        rows = yield Cypher("CALL db.propertyKeys()")
    else:
        rows = yield Cypher(_SAMPLE_KEYS)
    return sorted({next(iter(r.values())) for r in rows if r})


# -- listing ------------------------------------------------------------------------------------------
def _list_indexes(dialect: str) -> Steps:
    if dialect == "arcadedb":
        rows = yield Sql("SELECT FROM schema:indexes")
        types = yield Sql("SELECT name, type, indexes FROM schema:types")
        edge_types = {r["name"] for r in types if str(r.get("type", "")).lower() == "edge"}
        return _arcadedb_specs(rows, edge_types, _arcadedb_vector_options(types))
    if dialect == "memgraph":
        return (yield from _memgraph_indexes())
    return (yield from _neo4j_indexes())


def _flatten(props: Any) -> list[str]:
    out: list[str] = []
    for item in props or []:
        if isinstance(item, (list, tuple)):
            out.extend(str(x) for x in item)
        else:
            out.append(str(item))
    return out


def _arcadedb_vector_options(types: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Vector index name → ``{"dimensions": n, "similarity": "EUCLIDEAN"}`` from ``schema:types``.

    ``schema:indexes`` leaves the vector options out; the type records carry them as
    ``dimensions`` and ``scoring`` (``"distance_lower_is_better:EUCLIDEAN"``).
    """
    options: dict[str, dict[str, Any]] = {}
    for row in types:
        for index in row.get("indexes") or []:
            if not isinstance(index, dict) or not index.get("name"):
                continue
            scoring = str(index.get("scoring") or "")
            found: dict[str, Any] = {}
            if index.get("dimensions"):
                found["dimensions"] = index["dimensions"]
            if scoring:
                found["similarity"] = scoring.rsplit(":", 1)[-1]
            if found:
                options[str(index["name"])] = found
    return options


def _arcadedb_specs(
    rows: list[dict[str, Any]],
    edge_types: set[str],
    vector_options: dict[str, dict[str, Any]] | None = None,
) -> list[IndexSpec]:
    specs: list[IndexSpec] = []
    for row in rows:
        if row.get("associatedBucketId") is not None:
            continue  # one per bucket; the type-level index stands for them
        label = row.get("typeName")
        fields = _flatten(row.get("properties"))
        if not label or not fields:
            continue
        kind = str(row.get("indexType", "")).upper()
        entity = "edge" if label in edge_types else "node"
        field = ",".join(fields)
        name = row.get("name")
        if "VECTOR" in kind:
            meta = row.get("metadata") or (vector_options or {}).get(str(row.get("name")), {})
            dim = meta.get("dimensions") if isinstance(meta, dict) else None
            sim = str(meta.get("similarity", "")).lower() if isinstance(meta, dict) else ""
            similarity = {"cosine": "cosine", "euclidean": "euclidean"}.get(sim)
            specs.append(
                IndexSpec(
                    label,
                    field,
                    "vector",
                    dimension=dim,
                    similarity=similarity,
                    entity=entity,
                    name=name,
                )
            )
        elif kind == "FULL_TEXT":
            specs.append(IndexSpec(label, field, "fulltext", entity=entity, name=name))
        else:
            specs.append(
                IndexSpec(
                    label, field, "exact", unique=bool(row.get("unique")), entity=entity, name=name
                )
            )
    return sorted(set(specs), key=lambda s: s.sort_key)


def _neo4j_indexes() -> Steps:
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


def _memgraph_indexes() -> Steps:
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


# -- DDL ------------------------------------------------------------------------------------------------------
def _create(dialect: str, spec: IndexSpec) -> Steps:
    label, field = spec.label, spec.field
    if dialect == "arcadedb":
        kind = "EDGE" if spec.entity == "edge" else "VERTEX"
        yield Sql(f"CREATE {kind} TYPE {sql_name(label)} IF NOT EXISTS")
        if spec.index_type == "vector":
            if not spec.dimension:
                raise MetadataError(
                    f"{label}.{field} declares a vector index without a dimension — use Field(..., dimension=768)",
                    field=field,
                )
            yield Sql(
                f"CREATE PROPERTY {sql_name(label)}.{sql_name(field)} IF NOT EXISTS ARRAY_OF_FLOATS"
            )
            sim = "EUCLIDEAN" if spec.similarity == "euclidean" else "COSINE"
            meta = json.dumps({"dimensions": int(spec.dimension), "similarity": sim})
            try:
                yield Sql(
                    f"CREATE INDEX IF NOT EXISTS ON {sql_name(label)} ({sql_name(field)}) LSM_VECTOR METADATA {meta}"
                )
            except QueryError as exc:
                raise UnsupportedFeatureError(
                    f"this ArcadeDB server refused a vector index on {label}.{field}: {exc.backend_message}",
                    backend="arcadedb",
                    feature="vector",
                    alternative="a newer ArcadeDB, or FalkorDB/Neo4j/Memgraph",
                ) from exc
            return None
        sql_type = _sql_type_of(spec.value_type) if spec.value_type is not None else None
        if sql_type is None:
            sample = yield Cypher(_sample_query(spec))
            sql_type = _sql_type_of(sample[0]["v"]) if sample else None
        yield Sql(
            f"CREATE PROPERTY {sql_name(label)}.{sql_name(field)} IF NOT EXISTS {sql_type or 'STRING'}",
            tolerate=("already exists",),
        )
        how = (
            "FULL_TEXT"
            if spec.index_type == "fulltext"
            else ("UNIQUE" if spec.unique else "NOTUNIQUE")
        )
        yield Sql(f"CREATE INDEX IF NOT EXISTS ON {sql_name(label)} ({sql_name(field)}) {how}")
        return None
    pattern = f"()-[n:{quote_identifier(label)}]-()" if spec.entity == "edge" else f"(n:{quote_identifier(label)})"
    if dialect == "memgraph":
        if spec.index_type == "fulltext":
            yield Cypher(f"CREATE TEXT INDEX {quote_identifier(label)} ON :{quote_identifier(label)}")
        elif spec.index_type == "vector":
            metric = "l2sq" if spec.similarity == "euclidean" else "cos"
            yield Cypher(
                f'CREATE VECTOR INDEX {quote_identifier(f"{label}_{field}")} ON :{quote_identifier(label)}({quote_identifier(field)}) WITH CONFIG {{"dimension": {int(spec.dimension or 0)}, "capacity": 1000, "metric": "{metric}"}}'
            )
        elif spec.unique:
            yield Cypher(f"CREATE CONSTRAINT ON (n:{quote_identifier(label)}) ASSERT n.{quote_identifier(field)} IS UNIQUE")
        else:
            yield Cypher(f"CREATE INDEX ON :{quote_identifier(label)}({quote_identifier(field)})")
        return None
    if spec.index_type == "fulltext":
        yield Cypher(
            f"CREATE FULLTEXT INDEX {quote_identifier(label)} IF NOT EXISTS FOR {pattern} ON EACH [n.{quote_identifier(field)}]"
        )
    elif spec.index_type == "vector":
        sim = "euclidean" if spec.similarity == "euclidean" else "cosine"
        yield Cypher(
            f"CREATE VECTOR INDEX {quote_identifier(f'{label}_{field}')} IF NOT EXISTS FOR {pattern} ON (n.{quote_identifier(field)}) "
            f"OPTIONS {{indexConfig: {{`vector.dimensions`: {int(spec.dimension or 0)}, `vector.similarity_function`: '{sim}'}}}}"
        )
    elif spec.unique:
        yield Cypher(
            f"CREATE CONSTRAINT {quote_identifier(f'{label}_{field}_unique')} IF NOT EXISTS FOR {pattern} REQUIRE n.{quote_identifier(field)} IS UNIQUE"
        )
    else:
        yield Cypher(
            f"CREATE INDEX {quote_identifier(f'{label}_{field}')} IF NOT EXISTS FOR {pattern} ON (n.{quote_identifier(field)})"
        )
    return None


def _drop(dialect: str, spec: IndexSpec) -> Steps:
    live = yield from _list_indexes(dialect)
    found = [s for s in live if s.matches(spec)]
    if not found:
        return None
    label, field = spec.label, spec.field
    if dialect == "arcadedb":
        name = found[0].name or f"{label}[{field}]"
        yield Sql(f"DROP INDEX {escape_identifier(name)}")
    elif dialect == "memgraph":
        if spec.index_type == "fulltext":
            yield Cypher(f"DROP TEXT INDEX {quote_identifier(label)}")
        elif spec.index_type == "vector":
            yield Cypher(f"DROP VECTOR INDEX {quote_identifier(found[0].name or f'{label}_{field}')}")
        elif spec.unique:
            yield Cypher(f"DROP CONSTRAINT ON (n:{quote_identifier(label)}) ASSERT n.{quote_identifier(field)} IS UNIQUE")
        else:
            yield Cypher(f"DROP INDEX ON :{quote_identifier(label)}({quote_identifier(field)})")
    else:
        name = found[0].name
        kind = "CONSTRAINT" if spec.unique else "INDEX"
        yield Cypher(f"DROP {kind} {quote_identifier(name)} IF EXISTS")
    return None


# -- ArcadeDB HTTP ------------------------------------------------------------------------------------------------
class ArcadeDBHttp:
    """ArcadeDB's HTTP command API for one database (stdlib only; the login of the Bolt driver)."""

    def __init__(
        self,
        host: str,
        port: int,
        database: str,
        username: str | None,
        password: Any,
        tls: bool,
        url: str,
    ) -> None:
        self._base = f"{'https' if tls else 'http'}://{host}:{port}/api/v1/command/{database}"
        self._auth = base64.b64encode(
            f"{username or ''}:{password.reveal() or ''}".encode()
        ).decode()
        self._url = url

    def sql(self, command: str, tolerate: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        body = json.dumps({"language": "sql", "command": command}).encode()
        request = urllib.request.Request(
            self._base,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Basic {self._auth}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:
                return list(json.loads(reply.read()).get("result") or [])
        except urllib.error.HTTPError as exc:
            raw = exc.read().decode("utf-8", "replace")
            try:
                detail = json.loads(raw).get("detail") or json.loads(raw).get("error") or raw
            except ValueError:
                detail = raw
            detail = str(detail)[:500]
            if any(t in detail.lower() for t in tolerate):
                return []
            if exc.code in (401, 403):
                raise ConnectionFailedError(
                    f"ArcadeDB's HTTP API at {self._url} refused the login",
                    backend="arcadedb",
                    url=self._url,
                    reason="auth",
                    hint="check the username and password",
                ) from None
            raise QueryError(
                f"ArcadeDB rejected the SQL command: {detail}",
                query=command,
                backend="arcadedb",
                backend_message=detail,
                hint="check the type and property names",
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            raise ConnectionFailedError(
                f"cannot reach ArcadeDB's HTTP API for {self._url}: {getattr(exc, 'reason', exc)}",
                backend="arcadedb",
                url=self._url,
                reason="unreachable",
                hint="pass http_port= (the server's HTTP port, default 2480)",
            ) from None


def _http_for(driver: Any) -> ArcadeDBHttp:
    core = driver._core
    from urllib.parse import urlsplit

    parts = urlsplit(core.client_uri)
    if not driver.database:
        raise SchemaError(
            "ArcadeDB schema work needs a database — create the driver with database="
        )
    return ArcadeDBHttp(
        parts.hostname or "localhost",
        int(driver.http_port or 2480),
        driver.database,
        core.username,
        core.password,
        parts.scheme.endswith("+s"),
        core.url,
    )


class BoltSchema:
    """``driver.schema`` of a sync ``BoltDriver``."""

    def __init__(self, driver: Any) -> None:
        self._driver = driver

    @property
    def dialect_name(self) -> str:
        return self._driver.dialect.name

    def _run(self, steps: Steps) -> Any:
        self._driver._check_open()  # the SQL steps go over HTTP and would not notice a closed driver
        reply: Any = None
        try:
            while True:
                step = steps.send(reply)
                try:
                    if isinstance(step, Sql):
                        reply = _http_for(self._driver).sql(step.command, step.tolerate)
                    else:
                        reply = self._driver.execute(step.query).records
                except QueryError as exc:
                    step = steps.throw(exc)
                    # a thrown error the generator handled yields the next step
                    reply = None
                    steps = _resume(steps, step)
        except StopIteration as stop:
            return stop.value

    def labels(self) -> list[str]:
        return self._run(_names(self.dialect_name, "labels"))

    def relationship_types(self) -> list[str]:
        return self._run(_names(self.dialect_name, "types"))

    def property_keys(self) -> list[str]:
        return self._run(_property_keys(self.dialect_name))

    def list_indexes(self) -> list[IndexSpec]:
        return self._run(_list_indexes(self.dialect_name))

    def create_index(self, spec: IndexSpec) -> None:
        self._run(_create(self.dialect_name, spec))

    def drop_index(self, spec: IndexSpec) -> None:
        self._run(_drop(self.dialect_name, spec))

    def __repr__(self) -> str:
        return f"<BoltSchema {self._driver.url}>"


class AsyncBoltSchema:
    """``driver.schema`` of an ``AsyncBoltDriver``: the same members as coroutines."""

    def __init__(self, driver: Any) -> None:
        self._driver = driver

    async def _run(self, steps: Steps) -> Any:
        self._driver._check_open()
        if self._driver._dialect is None:
            await self._driver.connect()
        reply: Any = None
        try:
            while True:
                step = steps.send(reply)
                try:
                    if isinstance(step, Sql):
                        http = _http_for(self._driver)
                        reply = await asyncio.to_thread(http.sql, step.command, step.tolerate)
                    else:
                        reply = (await self._driver.execute(step.query)).records
                except QueryError as exc:
                    step = steps.throw(exc)
                    reply = None
                    steps = _resume(steps, step)
        except StopIteration as stop:
            return stop.value

    async def labels(self) -> list[str]:
        return await self._run(_names(self._driver.dialect.name, "labels"))

    async def relationship_types(self) -> list[str]:
        return await self._run(_names(self._driver.dialect.name, "types"))

    async def property_keys(self) -> list[str]:
        return await self._run(_property_keys(self._driver.dialect.name))

    async def list_indexes(self) -> list[IndexSpec]:
        return await self._run(_list_indexes(self._driver.dialect.name))

    async def create_index(self, spec: IndexSpec) -> None:
        await self._run(_create(self._driver.dialect.name, spec))

    async def drop_index(self, spec: IndexSpec) -> None:
        await self._run(_drop(self._driver.dialect.name, spec))


def _resume(steps: Any, pending: Any) -> _Prepend:
    """Steps that first hand out ``pending`` (what ``throw`` returned), then continue ``steps``."""
    return _Prepend(pending, steps)


class _Prepend:
    """Generator-like: ``send(None)`` first returns ``pending``, then forwards to ``steps``."""

    def __init__(self, pending: Any, steps: Any) -> None:
        self._pending = pending
        self._steps = steps
        self._first = True

    def send(self, value: Any) -> Any:
        if self._first:
            self._first = False
            return self._pending
        return self._steps.send(value)

    def throw(self, exc: BaseException) -> Any:
        return self._steps.throw(exc)

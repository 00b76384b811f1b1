"""ArcadeDB over Bolt: ``ArcadeDBDialect`` and ``create_arcadedb_driver``.

ArcadeDB speaks Cypher through its Bolt plugin; queries run on a ``BoltDriver``. What
differs from Neo4j: ids are record ids (``#12:0``, from ``elementId()``), vectors are plain
lists (no ``vecf32``); geo locations are sent as ``{latitude, longitude}`` maps and stored
through ``point($p)``, because ArcadeDB, like Neo4j, keeps no maps as property values (a
point reads back as the same map); READ mode is not enforced (read-only
statements run in a transaction that is always rolled back), there is no fulltext search
procedure, and k-NN search is ``vector.neighbors('Label[field]', v, k)``. Schema work
(types, properties, indexes) goes through ArcadeDB's HTTP SQL API with the same login.
"""

from __future__ import annotations

import base64
import datetime
import json
import re
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from runic.cypher import escape_identifier, quote_identifier
from runic.ogm.exceptions import (
    ConnectionFailedError,
    MetadataError,
    QueryError,
    SchemaError,
    UnsupportedFeatureError,
)
from runic.ogm.schema.index_manager import IndexSpec

from ._bolt_schema import _SAMPLE_KEYS, Cypher, Neo4jSchemaSteps, Sql, Steps, sql_name
from .bolt import AsyncBoltDriver, BoltDriver, Neo4jDialect, bolt_family_driver

if TYPE_CHECKING:  # pragma: no cover
    from runic.ogm.core.descriptors import FieldInfo

__all__ = ["ArcadeDBDialect", "ArcadeDBHttp", "ArcadeDBSchemaSteps", "create_arcadedb_driver"]


# -- schema: ArcadeDB SQL over HTTP ---------------------------------------------------------------
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


def arcadedb_index_sql(label: str, field: str, how: str = "NOTUNIQUE") -> str:
    """ArcadeDB's index SQL (``how``: NOTUNIQUE, UNIQUE or FULL_TEXT), the one text
    ``driver.schema`` and ``ArcadeDBDialect.render_index`` use."""
    return f"CREATE INDEX IF NOT EXISTS ON {sql_name(label)} ({sql_name(field)}) {how}"


class ArcadeDBSchemaSteps(Neo4jSchemaSteps):
    """Schema flows for ArcadeDB: types, properties and indexes through its SQL API."""

    def names(self, kind: str) -> Steps:
        rows = yield Sql("SELECT name, type FROM schema:types")
        wanted = "vertex" if kind == "labels" else "edge"
        # "A~B" types are ArcadeDB's own composites for nodes with several labels
        return sorted(r["name"] for r in rows if str(r.get("type", "")).lower() == wanted and "~" not in r["name"])

    def property_keys(self) -> Steps:
        rows = yield Cypher(_SAMPLE_KEYS)
        return sorted({next(iter(r.values())) for r in rows if r})

    def list_indexes(self) -> Steps:
        rows = yield Sql("SELECT FROM schema:indexes")
        types = yield Sql("SELECT name, type, indexes FROM schema:types")
        edge_types = {r["name"] for r in types if str(r.get("type", "")).lower() == "edge"}
        return _arcadedb_specs(rows, edge_types, _arcadedb_vector_options(types))

    def create_index(self, spec: IndexSpec) -> Steps:
        label, field = spec.label, spec.field
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
        yield Sql(arcadedb_index_sql(label, field, how))
        return None

    def drop_found(self, spec: IndexSpec, live: IndexSpec) -> Steps:
        yield Sql(f"DROP INDEX {escape_identifier(live.name or f'{spec.label}[{spec.field}]')}")

    def sql_client(self, driver: Any) -> ArcadeDBHttp:
        return ArcadeDBHttp.for_driver(driver)


class ArcadeDBHttp:
    """ArcadeDB's HTTP command API for one database (stdlib only; the login of the Bolt driver)."""

    @classmethod
    def for_driver(cls, driver: Any) -> ArcadeDBHttp:
        """The HTTP API of the database a Bolt driver is connected to (same host and login)."""
        core = driver._core
        parts = urlsplit(core.client_uri)
        if not driver.database:
            raise SchemaError("ArcadeDB schema work needs a database — create the driver with database=")
        return cls(
            parts.hostname or "localhost",
            int(driver.http_port or 2480),
            driver.database,
            core.username,
            core.password,
            parts.scheme.endswith("+s"),
            core.url,
        )

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


_WRITES = re.compile(r"\b(CREATE|MERGE|SET)\b", re.IGNORECASE)
#: a backtick-quoted name starting with '@' used as a map key or as an assigned property
_AT_NAME = re.compile(r"`(@(?:[^`]|``)*)`\s*:|\.\s*`(@(?:[^`]|``)*)`\s*=")


def _at_key(value: Any) -> str | None:
    """The first map key starting with '@' anywhere inside parameter ``value``."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and key.startswith("@"):
                return key
            if isinstance(item, Mapping | list | tuple):
                found = _at_key(item)
                if found is not None:
                    return found
    elif isinstance(value, list | tuple):
        for item in value:
            if isinstance(item, Mapping | list | tuple):
                found = _at_key(item)
                if found is not None:
                    return found
    return None



# -- the dialect ---------------------------------------------------------------------------------------
class ArcadeDBDialect(Neo4jDialect):
    """How runic writes Cypher for ArcadeDB."""

    name = "arcadedb"
    enforces_read_mode = False
    #: types, properties and indexes go through ArcadeDB's SQL API
    schema_steps = ArcadeDBSchemaSteps()
    vector_procedure = "CALL vector.neighbors({index}, {vector}, {k}) YIELD record AS {alias}, distance AS {score}"
    vector_index_name = "{label}[{field}]"

    def param_ref(self, expr: str, field_info: FieldInfo | None = None) -> str:
        """Vectors travel as plain lists; geo locations as a ``{latitude, longitude}`` map
        turned into a point by ``point(...)`` (ArcadeDB stores no maps as property values)."""
        if field_info is not None and getattr(field_info, "db_type", None) == "point":
            return f"point({expr})"
        return expr

    def id_function(self, alias: str) -> str:
        return f"elementId({alias})"

    def render_index(self, label: str, field: str) -> str:
        """ArcadeDB SQL (run through ``driver.schema``, not Cypher): ``arcadedb_index_sql``."""
        return arcadedb_index_sql(label, field)

    def check_written_names(self, query: str, params: Any) -> None:
        """ArcadeDB keeps ``@`` names for record metadata (``@rid``, ``@type``): a property
        written under such a name is stored but never comes back with its node (``RETURN n``,
        reloads, ``to_networkx``), so a write naming one is refused before it is sent."""
        if not _WRITES.search(query):
            return
        found = _AT_NAME.search(query)
        name = (found.group(1) or found.group(2)).replace("``", "`") if found else _at_key(params)
        if name is not None:
            raise UnsupportedFeatureError(
                f"ArcadeDB reserves property names that start with '@' for record metadata: a property "
                f"{name!r} would be stored but never read back with its node, so the write was not sent",
                backend="arcadedb",
                feature="property names starting with '@'",
                alternative=f"the name without '@' (e.g. 'at_{name[1:]}')",
                hint=f"rename the property {name!r} (in the query or its parameters), e.g. to 'at_{name[1:]}'",
            )

    def fulltext_call(
        self, label: str, index_name: str | None, query_param: str, alias: str, score: str
    ) -> str:
        raise UnsupportedFeatureError(
            f"ArcadeDB has no fulltext search procedure in Cypher (label {label!r})",
            backend="arcadedb",
            feature="fulltext",
            alternative="CONTAINS / STARTS WITH filters, or FalkorDB, Neo4j or Memgraph",
            hint="filter with .contains()/.startswith(), or use a backend with fulltext search (FalkorDB, Neo4j, Memgraph)",
        )

def create_arcadedb_driver(
    host: str = "localhost",
    port: int = 7687,
    database: str | None = None,
    username: str = "root",
    password: str = "",
    *,
    encrypted: bool = False,
    http_port: int = 2480,
    async_: bool = False,
    readonly: bool = False,
    timeout: float | None = None,
    **kwargs: Any,
) -> BoltDriver | AsyncBoltDriver:
    """A ``BoltDriver`` (``AsyncBoltDriver`` with ``async_=True``) for one ArcadeDB database.

    ``database`` is required. ``http_port`` is where ``driver.schema`` sends SQL (same login).
    """
    if not database:
        raise ValueError(
            "create_arcadedb_driver() needs database= — ArcadeDB has no default database"
        )
    return bolt_family_driver(
        "arcadedb", ArcadeDBDialect(), async_, host, port, database, username, password,
        encrypted=encrypted, readonly=readonly, timeout=timeout, http_port=http_port, **kwargs,
    )


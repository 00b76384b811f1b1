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

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from runic.cypher import escape_string
from runic.ogm.exceptions import UnsupportedFeatureError

from .base import Clause
from .bolt import AsyncBoltDriver, BoltDriver, Neo4jDialect

if TYPE_CHECKING:  # pragma: no cover
    from runic.ogm.core.descriptors import FieldInfo

__all__ = ["ArcadeDBDialect", "create_arcadedb_driver"]


class ArcadeDBDialect(Neo4jDialect):
    """How runic writes Cypher for ArcadeDB."""

    name = "arcadedb"
    enforces_read_mode = False

    def param_ref(self, expr: str, field_info: FieldInfo | None = None) -> str:
        """Vectors travel as plain lists; geo locations as a ``{latitude, longitude}`` map
        turned into a point by ``point(...)`` (ArcadeDB stores no maps as property values)."""
        if field_info is not None and getattr(field_info, "db_type", None) == "point":
            return f"point({expr})"
        return expr

    def id_function(self, alias: str) -> str:
        return f"elementId({alias})"

    def render_create_node(
        self,
        label: str | Sequence[str],
        props: Mapping[str, Any],
        fields: Mapping[str, FieldInfo] | None = None,
    ) -> Clause:
        """``CREATE (n:Person {name: $n_name, emb: $n_emb})`` — plain lists/maps, no wrappers."""
        return super().render_create_node(label, props, fields)

    def render_index(self, label: str, field: str) -> str:
        """ArcadeDB SQL (run through ``driver.schema``, not Cypher)."""
        from ._bolt_schema import sql_name

        return f"CREATE INDEX IF NOT EXISTS ON {sql_name(label)} ({sql_name(field)}) NOTUNIQUE"

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

    def vector_call(
        self,
        label: str,
        field: str,
        index_name: str | None,
        k_param: str,
        vector_param: str,
        alias: str,
        score: str,
    ) -> str:
        name = index_name or f"{label}[{field}]"
        return f"CALL vector.neighbors({escape_string(name)}, {vector_param}, {k_param}) YIELD record AS {alias}, distance AS {score}"


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
    cls = AsyncBoltDriver if async_ else BoltDriver
    return cls.from_params(
        host,
        port,
        database,
        username,
        password,
        scheme="arcadedb",
        dialect=ArcadeDBDialect(),
        encrypted=encrypted,
        readonly=readonly,
        timeout=timeout,
        http_port=http_port,
        **kwargs,
    )

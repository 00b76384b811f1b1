"""Bolt dialects: how runic writes Cypher for Neo4j and Memgraph (ArcadeDB's lives in
``arcadedb.py``), and which dialect a server agent string names. No I/O."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._bolt_schema import MemgraphSchemaSteps, Neo4jSchemaSteps, memgraph_index_ddl, neo4j_index_ddl
from .base import GraphDialect

if TYPE_CHECKING:  # pragma: no cover
    from runic.ogm.core.descriptors import FieldInfo

__all__ = ["MemgraphDialect", "Neo4jDialect", "dialect_for_agent", "dialect_named"]


def _is_geo_map(value: Any) -> bool:
    """A ``{latitude, longitude[, height]}`` map: stored as a point, not as a map."""
    return isinstance(value, dict) and {"latitude", "longitude"} <= set(value) <= {
        "latitude",
        "longitude",
        "height",
    }


# -- dialects ------------------------------------------------------------------------------------
class Neo4jDialect(GraphDialect):
    """How runic writes Cypher for Neo4j 5: ``elementId()`` ids, ``db.index.*`` search
    procedures, ``IF NOT EXISTS`` DDL, ``point($p)`` for geo values."""

    name = "neo4j"
    #: how ``driver.schema`` reads and changes this backend's schema
    schema_steps: Neo4jSchemaSteps = Neo4jSchemaSteps()
    fulltext_procedure = "CALL db.index.fulltext.queryNodes({index}, {query}) YIELD node AS {alias}, score AS {score}"
    #: Neo4j's score is a similarity: runic's score is the distance
    vector_procedure = (
        "CALL db.index.vector.queryNodes({index}, {k}, {vector}) "
        "YIELD node AS {alias}, score AS __similarity WITH {alias}, 1 - __similarity AS {score}"
    )
    #: the server itself refuses writes in a READ access-mode transaction
    enforces_read_mode = True

    def param_ref(self, expr: str, field_info: FieldInfo | None = None) -> str:
        if field_info is not None and getattr(field_info, "db_type", None) == "point":
            return f"point({expr})"
        return expr

    def id_function(self, alias: str) -> str:
        return f"elementId({alias})"

    def decode_id(self, element_id: Any) -> Any:
        """The id a ``NodeRecord``/``EdgeRecord`` carries, from the client's ``element_id``."""
        return element_id

    def node_value(self, ref: str, value: Any, info: FieldInfo | None) -> tuple[str, Any]:
        """A ``{latitude, longitude}`` map without field info is stored as a point."""
        if info is None and _is_geo_map(value):
            return f"point({ref})", value
        return super().node_value(ref, value, info)

    def render_index(self, label: str, field: str) -> str:
        """The exact index DDL ``driver.schema`` sends (``neo4j_index_ddl``)."""
        return neo4j_index_ddl(label, field)

class MemgraphDialect(Neo4jDialect):
    """Memgraph: integer ``id()``, ``text_search`` / ``vector_search`` procedures,
    ``CREATE INDEX ON :L(f)``; READ mode is not enforced by the server."""

    name = "memgraph"
    enforces_read_mode = False
    schema_steps = MemgraphSchemaSteps()
    fulltext_procedure = "CALL text_search.search_all({index}, {query}) YIELD node AS {alias}, score AS {score}"
    vector_procedure = "CALL vector_search.search({index}, {k}, {vector}) YIELD node AS {alias}, distance AS {score}"

    def id_function(self, alias: str) -> str:
        return f"id({alias})"

    def id_param(self, expr: str) -> str:
        return f"toInteger({expr})"

    def decode_id(self, element_id: Any) -> Any:
        try:
            return int(element_id)
        except (TypeError, ValueError):
            return element_id

    def render_index(self, label: str, field: str) -> str:
        """The exact index DDL ``driver.schema`` sends (``memgraph_index_ddl``)."""
        return memgraph_index_ddl(label, field)

def dialect_for_agent(agent: str | None) -> GraphDialect:
    """The dialect a server agent string names: ``memgraph`` / ``arcadedb`` in it, else Neo4j."""
    text = (agent or "").lower()
    if "arcadedb" in text:
        from .arcadedb import ArcadeDBDialect

        return ArcadeDBDialect()
    if "memgraph" in text:
        return MemgraphDialect()
    return Neo4jDialect()


def dialect_named(name: str | None) -> GraphDialect | None:
    if name is None:
        return None
    if name == "neo4j":
        return Neo4jDialect()
    if name == "memgraph":
        return MemgraphDialect()
    if name == "arcadedb":
        from .arcadedb import ArcadeDBDialect

        return ArcadeDBDialect()
    raise ValueError(f"dialect {name!r} is not known — use 'neo4j', 'memgraph' or 'arcadedb'")

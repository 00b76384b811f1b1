"""Adapters over Bolt: ArcadeDB (live-tested), Neo4j and Memgraph (by URL).

Revisions run in a Bolt transaction, so their data changes are undone on failure;
schema changes are not transactional on these servers (ArcadeDB's go through its HTTP
API) and are reported when a revision fails.
"""

from __future__ import annotations

from typing import Any

from runic.cypher import escape_identifier
from runic.migrate.manifest import MandatoryConstraint

from ._base import GraphAdapterBase

__all__ = ["ArcadeDBAdapter", "MemgraphAdapter", "Neo4jAdapter"]


class ArcadeDBAdapter(GraphAdapterBase):
    """A migration adapter for one ArcadeDB database (Bolt, schema over HTTP)."""

    supports_multi_label = False

    @classmethod
    def from_params(cls, database: str, *, host: str = "localhost", port: int = 7687, username: str = "root", password: str = "", **kwargs: Any) -> ArcadeDBAdapter:
        from runic.ogm.driver.arcadedb import create_arcadedb_driver

        return cls(create_arcadedb_driver(host, port, database, username, password, **kwargs))


class Neo4jAdapter(GraphAdapterBase):
    """A migration adapter for one Neo4j database."""

    @classmethod
    def from_params(cls, database: str = "neo4j", *, host: str = "localhost", port: int = 7687, username: str = "neo4j", password: str = "", **kwargs: Any) -> Neo4jAdapter:
        from runic.ogm.driver.bolt import create_neo4j_driver

        return cls(create_neo4j_driver(host=host, port=port, database=database, username=username, password=password, **kwargs))

    def _mandatory_ddl(self, c: MandatoryConstraint, create: bool) -> list[str]:
        out = []
        for prop in c.props:
            name = escape_identifier(f"{c.label}_{prop}_not_null")
            if not create:
                out.append(f"DROP CONSTRAINT {name} IF EXISTS")
                continue
            pattern = f"(n:{escape_identifier(c.label)})" if c.entity == "NODE" else f"()-[n:{escape_identifier(c.label)}]-()"
            out.append(f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR {pattern} REQUIRE n.{escape_identifier(prop)} IS NOT NULL")
        return out

    def create_mandatory(self, constraint: MandatoryConstraint) -> None:
        for statement in self._mandatory_ddl(constraint, True):
            self.driver.execute(statement)

    def drop_mandatory(self, constraint: MandatoryConstraint) -> None:
        for statement in self._mandatory_ddl(constraint, False):
            self.driver.execute(statement)


class MemgraphAdapter(GraphAdapterBase):
    """A migration adapter for Memgraph."""

    @classmethod
    def from_params(cls, database: str = "memgraph", *, host: str = "localhost", port: int = 7687, username: str = "", password: str = "", **kwargs: Any) -> MemgraphAdapter:
        from runic.ogm.driver.bolt import create_memgraph_driver

        return cls(create_memgraph_driver(host=host, port=port, username=username or None, password=password or None, **kwargs))

    def _mandatory_ddl(self, c: MandatoryConstraint, create: bool) -> list[str]:
        verb = "CREATE" if create else "DROP"
        label = escape_identifier(c.label)
        return [f"{verb} CONSTRAINT ON (n:{label}) ASSERT EXISTS (n.{escape_identifier(p)})" for p in c.props]

    def create_mandatory(self, constraint: MandatoryConstraint) -> None:
        for statement in self._mandatory_ddl(constraint, True):
            self.driver.execute(statement)

    def drop_mandatory(self, constraint: MandatoryConstraint) -> None:
        for statement in self._mandatory_ddl(constraint, False):
            self.driver.execute(statement)

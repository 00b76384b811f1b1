"""Adapters over Bolt: ArcadeDB (live-tested), Neo4j and Memgraph (by URL).

Revisions run in a Bolt transaction, so their data changes are undone on failure;
schema changes are not transactional on these servers (ArcadeDB's go through its HTTP
API) and are reported when a revision fails.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from runic.cypher import escape_identifier, validate_identifier
from runic.migrate.manifest import MandatoryConstraint
from runic.ogm.exceptions import DriverError

from ._base import GraphAdapterBase

__all__ = ["ArcadeDBAdapter", "MemgraphAdapter", "Neo4jAdapter"]


class _MandatoryByDDL(GraphAdapterBase):
    """Mandatory constraints created and dropped by the statements ``_mandatory_ddl`` gives."""

    def _mandatory_ddl(self, c: MandatoryConstraint, create: bool) -> list[str]:  # pragma: no cover
        raise NotImplementedError

    def create_mandatory(self, constraint: MandatoryConstraint) -> None:
        for statement in self._mandatory_ddl(constraint, True):
            self.driver.execute(statement)

    def drop_mandatory(self, constraint: MandatoryConstraint) -> None:
        for statement in self._mandatory_ddl(constraint, False):
            self.driver.execute(statement)


class ArcadeDBAdapter(GraphAdapterBase):
    """A migration adapter for one ArcadeDB database (Bolt, schema over HTTP)."""

    supports_multi_label = False

    @classmethod
    def from_params(cls, database: str, *, host: str = "localhost", port: int = 7687, username: str = "root", password: str = "", **kwargs: Any) -> ArcadeDBAdapter:
        from runic.ogm.driver.arcadedb import create_arcadedb_driver

        return cls(create_arcadedb_driver(host, port, database, username, password, **kwargs))

    def _login(self) -> tuple[str, int, int, str, str, bool]:
        core = self.driver._core
        parts = urlsplit(core.client_uri)
        secret = core.password.reveal() if core.password is not None else ""
        return parts.hostname or "localhost", parts.port or 7687, int(self.driver.http_port or 2480), core.username or "", secret or "", parts.scheme.endswith("+s")

    def _server_command(self, command: str) -> None:
        host, _, http_port, user, secret, tls = self._login()
        token = base64.b64encode(f"{user}:{secret}".encode()).decode()
        request = urllib.request.Request(
            f"{'https' if tls else 'http'}://{host}:{http_port}/api/v1/server",
            data=json.dumps({"command": command}).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Basic {token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:
                reply.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:300]
            raise DriverError(f"ArcadeDB refused {command!r}: {detail}", backend="arcadedb", url=self.url, hint="the user needs the right to create and drop databases") from None

    def fork(self, graph_name: str) -> ArcadeDBAdapter:
        """A new, empty database on the same server (dropped by ``delete_graph``)."""
        from runic.ogm.driver.arcadedb import create_arcadedb_driver

        validate_identifier(graph_name, "database name")
        host, port, http_port, user, secret, tls = self._login()
        self._server_command(f"create database {graph_name}")
        adapter = ArcadeDBAdapter(create_arcadedb_driver(host, port, graph_name, user, secret, http_port=http_port, encrypted=tls))
        adapter._drop_on_delete = True
        return adapter

    def delete_graph(self) -> None:
        if getattr(self, "_drop_on_delete", False):
            self.driver.close()
            self._server_command(f"drop database {self.name}")
        else:
            super().delete_graph()


class Neo4jAdapter(_MandatoryByDDL):
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


class MemgraphAdapter(_MandatoryByDDL):
    """A migration adapter for Memgraph."""

    @classmethod
    def from_params(cls, database: str = "memgraph", *, host: str = "localhost", port: int = 7687, username: str = "", password: str = "", **kwargs: Any) -> MemgraphAdapter:
        from runic.ogm.driver.bolt import create_memgraph_driver

        return cls(create_memgraph_driver(host=host, port=port, username=username or None, password=password or None, **kwargs))

    def _mandatory_ddl(self, c: MandatoryConstraint, create: bool) -> list[str]:
        verb = "CREATE" if create else "DROP"
        label = escape_identifier(c.label)
        return [f"{verb} CONSTRAINT ON (n:{label}) ASSERT EXISTS (n.{escape_identifier(p)})" for p in c.props]

"""FalkorDB adapter: version node ``_FalkorMigrateVersion``, mandatory constraints,
snapshots with ``GRAPH.COPY``, throw-away graphs on the same server."""

from __future__ import annotations

import time
from typing import Any

from runic.migrate.manifest import MandatoryConstraint
from runic.migrate.version import FALKORDB_VERSION_LABEL
from runic.ogm.exceptions import ConstraintFailedError, ConstraintTimeoutError, QueryError

from ._base import GraphAdapterBase

__all__ = ["FalkorDBAdapter"]

_POLL_S = 0.05
_POLL_LIMIT_S = 30.0


class FalkorDBAdapter(GraphAdapterBase):
    """A migration adapter for one FalkorDB graph."""

    version_label = FALKORDB_VERSION_LABEL

    def _driver_of(self, driver: Any, name: Any) -> Any:
        """``FalkorDBAdapter(driver)``, or the reference's ``FalkorDBAdapter(db, graph)`` over client handles."""
        if name is None or isinstance(name, str):
            return driver
        from runic.ogm.driver.falkordb import FalkorDBDriver

        self._owns_handles = False
        return FalkorDBDriver(name, driver)

    @classmethod
    def from_url(cls, url: str, graph_name: str | None = None, *, username: str | None = None, password: str | None = None) -> FalkorDBAdapter:
        from runic.ogm.driver.factory import create_driver

        kwargs: dict[str, Any] = {k: v for k, v in {"graph": graph_name, "username": username, "password": password}.items() if v is not None}
        return cls(create_driver(url, **kwargs))

    @classmethod
    def from_params(cls, graph_name: str, *, host: str | None = "localhost", port: int = 6379, username: str | None = None, password: str | None = None, **kwargs: Any) -> FalkorDBAdapter:
        from runic.ogm.driver.falkordb import create_falkordb_driver

        return cls(create_falkordb_driver(host, port, graph_name, username=username, password=password, **kwargs))

    @classmethod
    def from_handles(cls, db: Any, graph: Any) -> FalkorDBAdapter:
        """Over a ``falkordb`` client and graph handle (``db.select_graph(name)``)."""
        from runic.ogm.driver.falkordb import FalkorDBDriver

        return cls(FalkorDBDriver(graph, db), owns_driver=False)

    def close(self) -> None:
        if getattr(self, "_owns_handles", True):
            super().close()

    # -- mandatory constraints ----------------------------------------------------------------
    def _constraint_command(self, action: str, c: MandatoryConstraint) -> None:
        self.driver.raw_command("GRAPH.CONSTRAINT", action, self.name, "MANDATORY", c.entity, c.label, "PROPERTIES", str(len(c.props)), *c.props)

    def list_mandatory(self) -> list[MandatoryConstraint] | None:
        return [c for c, _ in self._mandatory_status()]

    def _mandatory_status(self) -> list[tuple[MandatoryConstraint, str]]:
        try:
            result = self.driver.execute("CALL db.constraints() YIELD type, label, properties, entitytype, status RETURN type, label, properties, entitytype, status", readonly=True)
        except QueryError as exc:
            if "empty key" in str(exc).lower():
                return []
            raise
        out = []
        for ctype, label, props, entity, status in result.rows:
            if str(ctype).upper() == "MANDATORY":
                out.append((MandatoryConstraint(str(entity).upper(), str(label), [str(p) for p in props or []]), str(status).upper()))
        return out

    def create_mandatory(self, constraint: MandatoryConstraint) -> None:
        if constraint in (self.list_mandatory() or []):
            return
        self._constraint_command("CREATE", constraint)
        deadline = time.monotonic() + _POLL_LIMIT_S
        while time.monotonic() < deadline:
            status = dict(self._mandatory_status()).get(constraint)
            if status == "OPERATIONAL":
                return
            if status == "FAILED":
                self._constraint_command("DROP", constraint)
                raise ConstraintFailedError(
                    f"the mandatory constraint on {constraint.label}.{', '.join(constraint.props)} failed: some entities lack the property",
                    hint=f"fill the property first, e.g. MATCH (n:{constraint.label}) WHERE n.{constraint.props[0]} IS NULL RETURN n LIMIT 10",
                )
            time.sleep(_POLL_S)
        raise ConstraintTimeoutError(
            f"the mandatory constraint on {constraint.label} is still pending after {_POLL_LIMIT_S:.0f} s",
            timeout_s=_POLL_LIMIT_S,
            hint="it may still finish; check with 'CALL db.constraints()'",
        )

    def drop_mandatory(self, constraint: MandatoryConstraint) -> None:
        if constraint in (self.list_mandatory() or []):
            self._constraint_command("DROP", constraint)

    # -- graphs and snapshots -------------------------------------------------------------------
    def _sibling_driver(self, graph_name: str) -> Any:
        from runic.ogm.driver.falkordb import FalkorDBDriver

        db, _ = self.driver.falkordb_connection()
        return FalkorDBDriver(db.select_graph(graph_name), db)

    def fork(self, graph_name: str) -> FalkorDBAdapter:
        return FalkorDBAdapter(self._sibling_driver(graph_name), owns_driver=False)

    def _graph_names(self) -> list[str]:
        reply = self.driver.raw_command("GRAPH.LIST")
        return [g.decode() if isinstance(g, bytes) else str(g) for g in reply or []]

    def delete_graph(self) -> None:
        if self.name in self._graph_names():
            self.driver.delete_graph()

    def supports_snapshots(self) -> bool:
        return True

    def snapshot(self, snap_name: str) -> None:
        """Copy the graph to ``snap_name`` (``GRAPH.COPY``); an empty graph is created first."""
        if self.name not in self._graph_names():
            self.driver.execute("RETURN 1")
            if self.name not in self._graph_names():
                self.driver.execute("CREATE (n:_RunicSnapshotProbe) DELETE n")
        if snap_name in self._graph_names():
            self.driver.raw_command("GRAPH.DELETE", snap_name)
        self.driver.raw_command("GRAPH.COPY", self.name, snap_name)

    def restore_snapshot(self, snap_name: str) -> None:
        """Replace the graph by the copy ``snap_name`` and remove the copy."""
        if self.name in self._graph_names():
            self.driver.raw_command("GRAPH.DELETE", self.name)
        self.driver.raw_command("GRAPH.COPY", snap_name, self.name)
        self.driver.raw_command("GRAPH.DELETE", snap_name)
        core = getattr(self.driver, "_core", None)
        if core is not None:  # label/property id caches describe the deleted graph
            core.names.clear()
            core.version = 0

    def drop_snapshot(self, snap_name: str) -> None:
        if snap_name in self._graph_names():
            self.driver.raw_command("GRAPH.DELETE", snap_name)

    def snapshot_exists(self, snap_name: str) -> bool:
        return snap_name in self._graph_names()

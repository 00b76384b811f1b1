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

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from runic.cypher import escape_string
from runic.ogm.exceptions import UnsupportedFeatureError

from .base import Clause
from .bolt import AsyncBoltDriver, BoltDriver, Neo4jDialect

if TYPE_CHECKING:  # pragma: no cover
    from runic.ogm.core.descriptors import FieldInfo

__all__ = ["ArcadeDBDialect", "create_arcadedb_driver"]


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

"""``driver.schema`` for Apache AGE: labels, types and property keys, and index DDL.

AGE keeps each label in a PostgreSQL table ``<graph>."<Label>"`` with a ``properties``
agtype column. runic's exact and unique indexes are btree expression indexes on one
property::

    CREATE [UNIQUE] INDEX runic_<L>_<f> ON <graph>."L"
        USING btree (agtype_access_operator(VARIADIC ARRAY[properties, '"f"'::agtype]))

The label table is made first (``create_vlabel``/``create_elabel``). Introspection reads
``pg_indexes`` and keeps only indexes of that shape. Fulltext and vector indexes do not
exist on AGE (``UnsupportedFeatureError``). The operations are step generators run by the
sync and async drivers alike.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from runic.ogm.exceptions import SchemaError, UnsupportedFeatureError
from runic.ogm.schema.index_manager import IndexSpec

from ._age_agtype import LABELS_PROPERTY
from ._age_core import SqlStep, Steps

if TYPE_CHECKING:  # pragma: no cover
    from ._age_core import AGECore

__all__ = ["AGESchemaSteps", "index_ddl", "parse_index_def"]

_LABELS_SQL = (
    "SELECT l.name, l.kind FROM ag_catalog.ag_label l JOIN ag_catalog.ag_graph g ON g.graphid = l.graph "
    "WHERE g.name = %s AND l.name NOT IN ('_ag_label_vertex', '_ag_label_edge') ORDER BY l.name"
)
_INDEXES_SQL = "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s ORDER BY indexname"
_INDEX_DEF = re.compile(
    r"^CREATE (UNIQUE )?INDEX (?P<name>\S+) ON (?P<schema>\"(?:[^\"]|\"\")+\"|[^.\s]+)\.(?P<table>\"(?:[^\"]|\"\")+\"|\S+) "
    r"USING btree \(ag_catalog\.agtype_access_operator\(VARIADIC ARRAY\[properties, "
    r"'(?P<field>(?:[^']|'')*)'::ag_catalog\.agtype\]\)\)$"
)
_INDEX_DEF_SHORT = re.compile(
    r"^CREATE (UNIQUE )?INDEX (?P<name>\S+) ON (?P<schema>\"(?:[^\"]|\"\")+\"|[^.\s]+)\.(?P<table>\"(?:[^\"]|\"\")+\"|\S+) "
    r"USING btree \((?:ag_catalog\.)?agtype_access_operator\(VARIADIC ARRAY\[properties, "
    r"'(?P<field>(?:[^']|'')*)'::(?:ag_catalog\.)?agtype\]\)\)$"
)


def pg_ident(name: str) -> str:
    """A double-quoted PostgreSQL identifier."""
    if "\x00" in name:
        raise ValueError(f"identifier {name!r} contains a NUL character — remove it")
    return '"' + name.replace('"', '""') + '"'


def pg_literal(text: str) -> str:
    """A single-quoted PostgreSQL string literal (standard_conforming_strings on)."""
    if "\x00" in text:
        raise ValueError("text contains a NUL character — remove it")
    return "'" + text.replace("'", "''") + "'"


def _unident(text: str) -> str:
    if text.startswith('"') and text.endswith('"'):
        return text[1:-1].replace('""', '"')
    return text


def index_name(spec: IndexSpec) -> str:
    return f"runic_{spec.label}_{spec.field}"


def index_ddl(graph: str, spec: IndexSpec) -> str:
    """``CREATE [UNIQUE] INDEX IF NOT EXISTS runic_L_f ON graph."L" USING btree (...)``."""
    unique = "UNIQUE " if spec.unique else ""
    field = pg_literal(json.dumps(spec.field, ensure_ascii=False))
    return (
        f"CREATE {unique}INDEX IF NOT EXISTS {pg_ident(index_name(spec))} ON {pg_ident(graph)}.{pg_ident(spec.label)} "
        f"USING btree (ag_catalog.agtype_access_operator(VARIADIC ARRAY[properties, {field}::ag_catalog.agtype]))"
    )


def parse_index_def(indexdef: str) -> tuple[str, str, str, bool] | None:
    """``(index name, label, field, unique)`` of a runic-shaped index definition, else None."""
    match = _INDEX_DEF.match(indexdef) or _INDEX_DEF_SHORT.match(indexdef)
    if not match:
        return None
    raw_field = match.group("field").replace("''", "'")
    try:
        field = json.loads(raw_field)
    except ValueError:
        return None
    if not isinstance(field, str):
        return None
    return _unident(match.group("name")), _unident(match.group("table")), field, bool(match.group(1))


def _unsupported(spec: IndexSpec, graph: str) -> UnsupportedFeatureError:
    where = f'{graph}."{spec.label}"'
    if spec.index_type == "fulltext":
        return UnsupportedFeatureError(
            f"Apache AGE cannot hold a fulltext index ({spec.label}.{spec.field})",
            backend="age", feature="fulltext index", alternative="PostgreSQL full-text search",
            hint=f"use PostgreSQL full-text search on {where}, or a backend with fulltext (FalkorDB, Neo4j, Memgraph)",
        )
    return UnsupportedFeatureError(
        f"Apache AGE cannot hold a vector index ({spec.label}.{spec.field})",
        backend="age", feature="vector index", alternative="pgvector",
        hint=f"use pgvector on {where}, or a backend with vector search (FalkorDB, Neo4j, Memgraph)",
    )


class AGESchemaSteps:
    """Schema operations of one AGE connection, as step generators."""

    def __init__(self, core: AGECore) -> None:
        self.core = core

    @staticmethod
    def supports(spec: IndexSpec) -> bool:
        """AGE holds exact and unique indexes (PostgreSQL expression indexes) only."""
        return spec.index_type == "exact"

    def unsupported_reason(self, spec: IndexSpec) -> str:
        return str(_unsupported(spec, self.core.graph_name))

    def _sql(self, sql: str, args: tuple[object, ...] | None = None) -> Steps:
        """Run one SQL statement; a database or connection failure becomes a runic error."""
        try:
            rows = yield SqlStep(sql, args)
        except Exception as exc:
            raise self.core.error(exc, sql, None, readonly=False, timeout=None, offset=0) from exc
        return rows

    def _cypher(self, query: str) -> Steps:
        result = yield from self.core.execute_steps(query, readonly=True)
        return result

    def labels(self) -> Steps:
        rows = yield from self._sql(_LABELS_SQL, (self.core.graph_name,))
        names = [name for name, kind in rows if kind == "v"]
        extra = yield from self._cypher(
            f"MATCH (n) WHERE n.{LABELS_PROPERTY} IS NOT NULL WITH n LIMIT 1000 "
            f"UNWIND n.{LABELS_PROPERTY} AS label RETURN DISTINCT label"
        )
        for label in extra.values():
            if isinstance(label, str) and label not in names:
                names.append(label)
        return sorted(names)

    def relationship_types(self) -> Steps:
        rows = yield from self._sql(_LABELS_SQL, (self.core.graph_name,))
        return [name for name, kind in rows if kind == "e"]

    def property_keys(self) -> Steps:
        keys: set[str] = set()
        for pattern in ("(n)", "()-[n]->()"):
            result = yield from self._cypher(f"MATCH {pattern} WITH n LIMIT 1000 UNWIND keys(n) AS key RETURN DISTINCT key")
            keys.update(k for k in result.values() if isinstance(k, str))
        keys.discard(LABELS_PROPERTY)
        return sorted(keys)

    def _label_kinds(self) -> Steps:
        rows = yield from self._sql(_LABELS_SQL, (self.core.graph_name,))
        return {name: kind for name, kind in rows}

    def list_indexes(self) -> Steps:
        kinds = yield from self._label_kinds()
        rows = yield from self._sql(_INDEXES_SQL, (self.core.graph_name,))
        specs = []
        for _, indexdef in rows:
            parsed = parse_index_def(indexdef)
            if parsed is None:
                continue
            name, label, field, unique = parsed
            entity = "edge" if kinds.get(label) == "e" else "node"
            specs.append(IndexSpec(label, field, "exact", unique=unique, entity=entity, name=name))
        return sorted(specs, key=lambda s: s.sort_key)

    def create_index(self, spec: IndexSpec) -> Steps:
        graph = self.core.graph_name
        if spec.index_type != "exact":
            raise _unsupported(spec, graph)
        kinds = yield from self._label_kinds()
        want = "e" if spec.entity == "edge" else "v"
        have = kinds.get(spec.label)
        if have is None:
            maker = "create_elabel" if want == "e" else "create_vlabel"
            yield from self._sql(f"SELECT ag_catalog.{maker}(%s::name, %s::name)", (graph, spec.label))
        elif have != want:
            raise SchemaError(
                f"'{spec.label}' is an {'edge type' if have == 'e' else 'vertex label'} in graph '{graph}', "
                f"not an {'edge type' if want == 'e' else 'vertex label'}",
                spec=spec, hint="set entity= on the IndexSpec to match the label's kind",
            )
        yield from self._sql(index_ddl(graph, spec))

    def drop_index(self, spec: IndexSpec) -> Steps:
        if spec.index_type != "exact":
            return
        live = yield from self.list_indexes()
        for item in live:
            if item.label == spec.label and item.field == spec.field and item.entity == spec.entity and (item.unique == spec.unique):
                yield from self._sql(f"DROP INDEX IF EXISTS {pg_ident(self.core.graph_name)}.{pg_ident(item.name)}")

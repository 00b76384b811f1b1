"""What each backend's schema layer holds, and a way to make an index behind runic's back."""

from __future__ import annotations

from typing import Any

from runic.ogm.schema.index_manager import IndexSpec

#: index kinds each backend holds; the rest must be reported unsupported with a clear error
SUPPORTED_KINDS: dict[str, frozenset[str]] = {
    "falkordb": frozenset({"exact", "unique", "fulltext", "vector", "edge"}),
    "arcadedb": frozenset({"exact", "unique", "fulltext", "vector", "edge"}),
    "age": frozenset({"exact", "unique", "edge"}),
    "neo4j": frozenset({"exact", "unique", "fulltext", "vector", "edge"}),
    "memgraph": frozenset({"exact", "unique", "fulltext", "vector", "edge"}),
}

#: one declared spec per index kind
SPEC_OF_KIND: dict[str, IndexSpec] = {
    "exact": IndexSpec("Person", "name"),
    "unique": IndexSpec("Person", "email", unique=True),
    "fulltext": IndexSpec("Post", "body", "fulltext"),
    "vector": IndexSpec("Doc", "embedding", "vector", dimension=3, similarity="euclidean"),
    "edge": IndexSpec("KNOWS", "since", entity="edge"),
}

#: the undeclared index ``create_index_by_hand`` makes
HAND_MADE = IndexSpec("Legacy", "code")


def kind_of(spec: IndexSpec) -> str:
    if spec.entity == "edge":
        return "edge"
    if spec.unique:
        return "unique"
    return spec.index_type


def supports(backend: str, spec: IndexSpec) -> bool:
    return kind_of(spec) in SUPPORTED_KINDS[backend]


def create_index_by_hand(
    backend: str, driver: Any, label: str = "Legacy", field: str = "code"
) -> None:
    """An exact index on ``label.field`` in the backend's own DDL, not through runic's schema layer."""
    if backend in ("falkordb", "neo4j", "arcadedb"):  # ArcadeDB's Cypher has CREATE INDEX FOR too
        driver.execute(f"CREATE INDEX FOR (n:{label}) ON (n.{field})")
    elif backend == "memgraph":
        driver.execute(f"CREATE INDEX ON :{label}({field})")
    elif backend == "age":
        graph = driver.graph_name
        conn = driver.connection
        exists = conn.execute(
            "SELECT 1 FROM ag_catalog.ag_label l JOIN ag_catalog.ag_graph g ON g.graphid = l.graph "
            "WHERE g.name = %s AND l.name = %s",
            (graph, label),
        ).fetchone()
        if exists is None:
            conn.execute("SELECT ag_catalog.create_vlabel(%s::name, %s::name)", (graph, label))
        conn.execute(
            f'CREATE INDEX legacy_by_hand_{label.lower()}_{field} ON "{graph}"."{label}" USING btree '
            f"(ag_catalog.agtype_access_operator(VARIADIC ARRAY[properties, '\"{field}\"'::ag_catalog.agtype]))"
        )
    else:  # pragma: no cover - a new backend needs its DDL here
        raise AssertionError(f"no hand-made index DDL for backend {backend!r}")

"""Compiled Cypher where backends spell the same query differently (no database)."""

from __future__ import annotations

import types

import pytest

from runic.ogm.core.descriptors import Field, Relation
from runic.ogm.core.metadata import get_metadata
from runic.ogm.core.models import Node
from runic.ogm.driver.age import AGEDialect
from runic.ogm.driver.arcadedb import ArcadeDBDialect
from runic.ogm.driver.bolt import Neo4jDialect
from runic.ogm.driver.falkordb import FalkorDBDialect
from runic.ogm.query import max_, select

pytestmark = [pytest.mark.unit]


@pytest.fixture
def m():
    registry = get_metadata()
    saved = registry.snapshot()
    registry.clear()
    try:

        class Shelf(Node):
            key: str = Field(primary_key=True)
            name: str | None = None
            order: int = 0
            end: str | None = None
            next: list[Shelf] = Relation("NEXT", target="Shelf")

        registry.finalize()
        yield types.SimpleNamespace(Shelf=Shelf)
    finally:
        registry.restore(saved)


def where_line(stmt, dialect) -> str:
    cypher, _ = stmt.build(dialect)
    return next(line for line in cypher.splitlines() if line.startswith("WHERE"))


@pytest.mark.parametrize("dialect", [Neo4jDialect(), ArcadeDBDialect()])
def test_regex_is_the_cypher_operator_where_it_matches_whole_strings(m, dialect):
    stmt = select(m.Shelf).where(m.Shelf.name.matches("a.*"))
    assert where_line(stmt, dialect) == "WHERE n.name =~ $p0"
    assert stmt.build(dialect)[1] == {"p0": "a.*"}


def test_regex_on_age_is_anchored_because_postgres_searches(m):
    cypher, params = select(m.Shelf).where(m.Shelf.name.matches("(?i)a.*")).build(AGEDialect())
    assert "WHERE n.name =~ $p0" in cypher
    assert params == {"p0": "(?i)^(?:a.*)$"}  # flags stay first: PostgreSQL takes them only there


def test_regex_on_falkordb_uses_match_regex_and_stays_null_for_null(m):
    stmt = select(m.Shelf).where(m.Shelf.name.matches("a.*"))
    assert where_line(stmt, FalkorDBDialect()) == (
        "WHERE CASE WHEN n.name IS NULL OR $p0 IS NULL THEN null "
        "ELSE size(string.matchRegEx(n.name, $p0)) > 0 END"
    )
    assert stmt.build(FalkorDBDialect())[1] == {"p0": "^(?:a.*)$"}


def test_reserved_property_names_are_subscripted_on_age_and_columns_keep_their_names(m):
    S = m.Shelf
    stmt = select(S).where(S.order > 1).aggregate(max_(S.order), group_by=S.end).order_by("n.end")
    cypher, _ = stmt.build(AGEDialect())
    assert cypher.splitlines()[1:] == [
        "WHERE n['order'] > $p0",
        "RETURN n['end'] AS `n.end`, max(n['order']) AS `max(n.order)`",
        "ORDER BY n['end'] ASC",
    ]
    cypher, _ = stmt.build(FalkorDBDialect())
    assert "RETURN n.end, max(n.order)" in cypher


def test_distinct_entities_ordered_by_a_property_deduplicate_before_ordering(m):
    S = m.Shelf
    stmt = select(S).traverse(S.next, optional=False).alias("x").distinct().order_by("x.name").limit(2)
    cypher, _ = stmt.build(FalkorDBDialect())
    assert cypher.splitlines()[-4:] == ["WITH DISTINCT x", "RETURN x", "ORDER BY x.name ASC", "LIMIT 2"]
    staged = select(S).traverse(S.next, optional=False).alias("x").order_by("x.name").distinct().with_("x")
    cypher, _ = staged.build(AGEDialect())
    assert "WITH DISTINCT x\nWITH x\nORDER BY x.name ASC" in cypher


def test_distinct_projection_ordered_by_itself_stays_one_return(m):
    S = m.Shelf
    cypher, _ = select(S).project(S.name).distinct().order_by(S.name).build(FalkorDBDialect())
    assert cypher.endswith("RETURN DISTINCT n.name\nORDER BY n.name ASC")

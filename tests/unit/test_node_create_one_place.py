"""A dialect's ``create_node_pattern`` is the node ``CREATE`` the session's flush and bulk
writers send and ``render_create_node`` returns: AGE's single stored label, typed value
references and identifier quoting are decided there only."""

from __future__ import annotations

import pytest

from runic.ogm.core.descriptors import Field
from runic.ogm.core.models import Node
from runic.ogm.core.types import Vector
from runic.ogm.driver.age import AGEDialect
from runic.ogm.driver.arcadedb import ArcadeDBDialect
from runic.ogm.driver.bolt import MemgraphDialect, Neo4jDialect
from runic.ogm.driver.falkordb import FalkorDBDialect
from runic.ogm.session._bulk import BulkSave
from runic.ogm.session._core import SessionCore

pytestmark = pytest.mark.unit

DIALECTS = [FalkorDBDialect, ArcadeDBDialect, AGEDialect, Neo4jDialect, MemgraphDialect]
SPY = "CREATE (n:SpyPattern)"


class OnePlaceAnimal(Node):
    name: str = Field(default=None)


class OnePlaceDog(OnePlaceAnimal):
    breed: str = Field(default=None)


class OnePlaceDoc(Node):
    emb: Vector = Field(default=None)


class _Owner:
    """Stands for the session that owns the core."""


def spy_on(dialect_class):
    """A dialect of ``dialect_class`` whose node CREATE pattern is a marker, recording its calls."""

    class Spy(dialect_class):
        calls: list

        def create_node_pattern(self, labels, refs, alias="n"):
            self.calls.append((tuple(labels), list(refs)))
            return SPY

    spy = Spy()
    spy.calls = []
    return spy


def _bulk_cyphers(core, target, rows):
    job = BulkSave(core, target, rows, key=None, batch_size=10)
    return [statement.cypher for statement in job.statements(0, rows)]


@pytest.mark.parametrize("dialect_class", DIALECTS, ids=lambda d: d.name)
def test_flush_node_creates_use_the_dialects_create_node_pattern(dialect_class):
    dialect = spy_on(dialect_class)
    core = SessionCore(_Owner(), dialect, batch_size=500)
    core.add(OnePlaceDog(name="Rex", breed="pug"))
    core.add(OnePlaceDoc(emb=Vector([0.1, 0.2])))
    creates = [s.cypher for s in core.plan_flush().statements if s.step == "node creates"]
    assert len(creates) == 2
    assert all(c.startswith(f"UNWIND $rows AS row {SPY} RETURN ") for c in creates)
    calls = dict(dialect.calls)
    assert set(calls) == {("OnePlaceAnimal", "OnePlaceDog"), ("OnePlaceDoc",)}
    row = "row[{}]" if dialect.list_rows else "row.p{}"
    dog = calls[("OnePlaceAnimal", "OnePlaceDog")]
    assert [name for name, _ in dog[:3]] == ["id", "name", "breed"]
    assert dog[1] == ("name", row.format(1))
    if dialect.label_properties(("OnePlaceAnimal", "OnePlaceDog")):  # AGE keeps the second label in _labels
        assert dog[3:] == [("_labels", row.format(3))]
    doc = dict(calls[("OnePlaceDoc",)])
    assert doc["emb"] == dialect.param_ref(row.format(1), core.mapper.fields(OnePlaceDoc)["emb"])


@pytest.mark.parametrize("dialect_class", DIALECTS, ids=lambda d: d.name)
def test_bulk_creates_use_the_dialects_create_node_pattern(dialect_class):
    dialect = spy_on(dialect_class)
    core = SessionCore(_Owner(), dialect, batch_size=500)
    cyphers = _bulk_cyphers(core, ("Person", "Odd Label"), [{"name": "Ada", "full name": "Ada L."}])
    assert cyphers == [f"UNWIND $rows AS row {SPY} RETURN count(n)"]
    ((labels, refs),) = dialect.calls
    assert labels == ("Person", "Odd Label")
    names = [name for name, _ in refs]
    assert names[:2] == ["name", "full name"]
    assert dict(refs)["full name"] == dialect.property_ref("row", "full name")


@pytest.mark.parametrize("dialect_class", DIALECTS, ids=lambda d: d.name)
def test_render_create_node_is_the_create_node_pattern_over_parameters(dialect_class):
    spy = spy_on(dialect_class)
    clause = spy.render_create_node(("Person", "Employee"), {"name": "Ada"})
    assert clause == SPY
    ((labels, refs),) = spy.calls
    assert labels == ("Person", "Employee") and refs[0] == ("name", "$n_name")
    dialect = dialect_class()
    assert dialect.render_create_node("Person", {"name": "Ada"}) == dialect.create_node_pattern("Person", [("name", "$n_name")])


@pytest.mark.parametrize("dialect_class", DIALECTS, ids=lambda d: d.name)
def test_create_node_pattern_quotes_odd_names_and_keywords_only(dialect_class):
    dialect = dialect_class()
    pattern = dialect.create_node_pattern(("Person", "Odd Label"), [("name", "row.p0"), ("full name", "row.p1"), ("order", "row.p2")])
    stored = ":Person" if dialect.label_properties(("Person", "Odd Label")) else ":Person:`Odd Label`"
    assert pattern == f"CREATE (n{stored} {{name: row.p0, `full name`: row.p1, `order`: row.p2}})"
    assert dialect.create_node_pattern("Match", []) == "CREATE (n:`Match`)"


def test_flush_wraps_a_vector_field_on_falkordb_in_the_create_pattern():
    core = SessionCore(_Owner(), FalkorDBDialect(), batch_size=500)
    core.add(OnePlaceDoc(emb=Vector([0.1, 0.2])))
    (create,) = [s.cypher for s in core.plan_flush().statements if s.step == "node creates"]
    assert "CREATE (n:OnePlaceDoc {id: row[0], emb: vecf32(row[1])})" in create

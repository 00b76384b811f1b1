"""A dialect's ``render_index`` is the exact-index DDL its ``driver.schema`` sends."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from runic.ogm.driver._bolt_schema import Cypher, Sql
from runic.ogm.driver._falkordb_schema import _create_steps
from runic.ogm.driver.arcadedb import ArcadeDBDialect
from runic.ogm.driver.bolt import MemgraphDialect, Neo4jDialect
from runic.ogm.driver.falkordb import FalkorDBDialect
from runic.ogm.schema.index_manager import IndexSpec

pytestmark = pytest.mark.unit

SPEC = IndexSpec("Odd Label", "e-mail", value_type=str)


def _sent(flow, replies=()):
    """The statements a schema flow yields, answered with ``replies`` then empty lists."""
    sent, reply, replies = [], None, list(replies)
    try:
        while True:
            step = flow.send(reply)
            sent.append(step)
            reply = replies.pop(0) if replies else []
    except StopIteration:
        return sent


@pytest.mark.parametrize("dialect", [Neo4jDialect(), MemgraphDialect()], ids=lambda d: d.name)
def test_bolt_schema_creates_an_exact_index_with_the_dialects_render_index(dialect):
    sent = _sent(dialect.schema_steps.create_index(SPEC))
    assert sent == [Cypher(dialect.render_index(SPEC.label, SPEC.field))]


def test_arcadedb_schema_creates_an_exact_index_with_the_dialects_render_index():
    dialect = ArcadeDBDialect()
    sent = _sent(dialect.schema_steps.create_index(SPEC))
    assert [s.command for s in sent if isinstance(s, Sql)][-1] == dialect.render_index(SPEC.label, SPEC.field)
    assert any("STRING" in s.command for s in sent if isinstance(s, Sql))  # typed from value_type


def test_falkordb_schema_creates_an_exact_index_with_the_dialects_render_index():
    no_index_building = SimpleNamespace(rows=[])
    sent = _sent(_create_steps(SPEC, "g", 1.0), replies=[[], no_index_building])
    assert sent[0].query == FalkorDBDialect().render_index(SPEC.label, SPEC.field)

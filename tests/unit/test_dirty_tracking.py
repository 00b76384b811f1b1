"""Which persistent entities a commit finds changed: models of immutable scalars are found by
the assignment that pinned them, others by comparing their values with the stored snapshot."""

from __future__ import annotations

from typing import Any

import pytest

from runic.ogm.core.descriptors import Field
from runic.ogm.core.models import Node
from runic.ogm.driver.falkordb import FalkorDBDialect
from runic.ogm.driver.result import NodeRecord
from runic.ogm.session import Session

pytestmark = [pytest.mark.unit]


class DtCounter(Node):
    code: str = Field(primary_key=True)
    n: int = Field(default=0)


class DtTagged(Node):
    code: str = Field(primary_key=True)
    tags: list[str] = Field(default=None)


class _NoStatements:
    """A driver for staging only: nothing here sends a statement."""

    dialect = FalkorDBDialect()

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("these tests send no statement")


def loaded(session: Session, cls: type, element_id: int, properties: dict[str, Any]) -> Any:
    return session._core.hydrate(NodeRecord(element_id, (cls.__name__,), properties), cls)


def test_an_assignment_makes_a_scalar_entity_dirty():
    session = Session(_NoStatements())
    counter = loaded(session, DtCounter, 1, {"code": "a", "n": 1})
    assert session.dirty == []
    counter.n = 2
    assert session.dirty == [counter]


def test_assigning_the_stored_value_back_leaves_it_clean():
    session = Session(_NoStatements())
    counter = loaded(session, DtCounter, 1, {"code": "a", "n": 1})
    counter.n = 2
    counter.n = 1
    assert session.dirty == []


def test_a_list_changed_in_place_makes_its_entity_dirty_without_an_assignment():
    session = Session(_NoStatements())
    tagged = loaded(session, DtTagged, 1, {"code": "t", "tags": ["x"]})
    tagged.tags.append("y")
    assert session.dirty == [tagged]


def test_one_session_finds_both_kinds_and_only_those_changed():
    session = Session(_NoStatements())
    counters = [loaded(session, DtCounter, i, {"code": f"c{i}", "n": i}) for i in range(50)]
    tagged = [loaded(session, DtTagged, 100 + i, {"code": f"t{i}", "tags": [str(i)]}) for i in range(50)]
    counters[7].n = -1
    tagged[3].tags.append("more")
    assert session.dirty == [counters[7], tagged[3]]


def test_a_flushed_change_leaves_the_entity_clean_and_a_new_one_is_found_again():
    session = Session(_NoStatements())
    counter = loaded(session, DtCounter, 1, {"code": "a", "n": 1})
    counter.n = 2
    session._core.mark_updated(counter, {"n": 2})
    session._core.settle(counter)
    assert session.dirty == []
    counter.n = 3
    assert session.dirty == [counter]

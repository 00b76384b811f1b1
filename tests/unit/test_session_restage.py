"""When a transaction is lost, the session core stages again everything it wrote: created
entities pending, changed ones dirty (against the snapshot from before the transaction),
flushed deletes staged deletes — so the next flush writes them all again. No I/O."""

from __future__ import annotations

import pytest
from test_session_core import CorePerson, _Owner, persisted, run

from runic.ogm.core.descriptors import Field
from runic.ogm.core.models import Node
from runic.ogm.core.state import EntityState
from runic.ogm.driver.falkordb import FalkorDBDialect
from runic.ogm.exceptions import FlushReport
from runic.ogm.session._core import SessionCore

pytestmark = [pytest.mark.unit]


class _TransactionalDialect(FalkorDBDialect):
    transactional = True


def make_core() -> SessionCore:
    return SessionCore(_Owner(), _TransactionalDialect())


def committed(core: SessionCore, *entities):
    persisted(core, *entities)
    core.after_commit(expire=False)
    return entities


def test_a_lost_transaction_stages_created_changed_and_deleted_entities_again():
    core = make_core()
    old, gone = committed(core, CorePerson(name="Old"), CorePerson(name="Gone"))
    new = CorePerson(name="New")
    core.add(new)
    old.name = "Renamed"
    core.delete(gone)
    run(core.plan_flush())
    assert not core.has_changes() and new._runic_state.state is EntityState.PERSISTENT

    counts = core.restage_uncommitted()

    assert counts == {"new": 1, "changed": 1, "deleted": 1}
    assert core.new == [new] and new._runic_state.state is EntityState.PENDING
    assert core.dirty() == [old] and old._runic_state.committed["name"] == "Old"
    assert core.deleted == [gone] and gone._runic_state.state is EntityState.DELETED
    steps = [s.step for s in core.plan_flush().statements]
    assert steps == ["node creates", "node updates", "node deletes"]


def test_a_commit_forgets_what_a_later_loss_would_stage_again():
    core = make_core()
    committed(core, CorePerson(name="Kept"))
    assert core.restage_uncommitted() == {"new": 0, "changed": 0, "deleted": 0}
    assert not core.has_changes()


def test_rollback_of_a_transaction_restores_the_stored_values_of_changed_entities():
    core = make_core()
    (old,) = committed(core, CorePerson(name="Old"))
    old.name = "Renamed"
    run(core.plan_flush())
    core.after_rollback(undone=True)
    assert old.name == "Old" and old._runic_state.committed["name"] == "Old"


def test_flush_report_says_what_was_kept_and_what_was_staged_again():
    report = FlushReport(applied=3, total=12, step="node creates", pending=102, undoable=True, restaged={"new": 30, "changed": 0, "deleted": 0})
    text = report.describe()
    assert "3 of 12 flush statements were sent before step 'node creates' failed" in text
    assert "nothing since the last commit was kept" in text and "30 new, 0 changed, 0 deleted" in text
    falkordb = FlushReport(applied=3, total=10, step="node creates", pending=700, undoable=False)
    assert "they stay in the database" in falkordb.describe()
    commit = FlushReport(applied=0, total=0, step="commit", pending=5, undoable=True, restaged={"new": 5, "changed": 0, "deleted": 0})
    assert commit.describe().startswith("COMMIT failed")


class RsTagged(Node):
    uid: str = Field(primary_key=True, generated=True)
    name: str = Field(default=None)


def test_a_lost_transaction_forgets_database_generated_keys_and_relation_writes():
    core = make_core()
    a, b = committed(core, CorePerson(name="A"), CorePerson(name="B"))
    a.friends = [b]
    tagged = RsTagged(name="t")
    core.add(tagged)
    run(core.plan_flush())
    assert tagged.uid is not None and not core.has_changes()

    counts = core.restage_uncommitted()

    assert counts == {"new": 1, "changed": 1, "deleted": 0}
    assert tagged.uid is None and tagged._runic_state.element_id is None
    assert core.dirty() == [a]  # the relation edge is planned again
    assert [s.step for s in core.plan_flush().statements] == ["node creates", "edge creates"]

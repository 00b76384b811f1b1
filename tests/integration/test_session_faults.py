"""A unit of work that tells the truth after a failure, on every live backend.

The server goes away mid-flush, just before COMMIT, or ends the connection itself; after
it is back, committing again (or adding the same objects to a new session) stores every
row exactly once — nothing lost, nothing duplicated — and the same driver works again.
"""

from __future__ import annotations

import pytest
from _fault_rigs import ArcadeDBCrashRig, FaultAt, make_rig

from runic.ogm.core.descriptors import Field
from runic.ogm.core.models import Node
from runic.ogm.core.state import EntityState
from runic.ogm.exceptions import OrmError
from runic.ogm.session import Session

pytestmark = [pytest.mark.slow]


class FxItem(Node):
    n: int = Field(default=0)


@pytest.fixture
def rig(backend, request, tmp_path):
    rig = make_rig(backend, request, tmp_path)
    yield rig
    rig.close()


def stored(driver) -> list[int]:
    return sorted(driver.execute("MATCH (n:FxItem) RETURN n.n").values())


def seeded(driver):
    """A committed item to change and one to delete, loaded into a fresh session."""
    with Session(driver) as first:
        old, gone = FxItem(n=-1), FxItem(n=-2)
        first.add_all([old, gone])
    session = Session(driver, batch_size=10)
    return session, session.get(FxItem, old.id), session.get(FxItem, gone.id)


def test_server_killed_mid_flush_then_commit_again_stores_every_row_once(rig):
    driver = FaultAt(rig.driver())
    session, old, gone = seeded(driver)
    items = [FxItem(n=i) for i in range(100)]
    session.add_all(items)
    old.n = 1000
    session.delete(gone)
    driver.at, driver.fault = driver.sent + 3, rig.kill
    with pytest.raises(OrmError) as err:
        session.commit()
    report = err.value.flush_report
    assert report is not None and report.applied == 3
    if driver.dialect.transactional:
        assert report.restaged == {"new": 30, "changed": 0, "deleted": 0}
        assert "nothing since the last commit was kept" in str(err.value)
        assert all(i._runic_state.state is EntityState.PENDING for i in items)
    else:
        assert report.restaged is None and "3 of 12 flush statements were applied" in str(err.value)
        assert len(session.new) == 70
    assert old in session.dirty and gone in session.deleted
    rig.back()
    session.commit()
    assert stored(driver) == list(range(100)) + [1000]
    session.close()


def test_server_killed_before_commit_then_commit_again_stores_every_row_once(rig):
    driver = FaultAt(rig.driver())
    session, old, gone = seeded(driver)
    items = [FxItem(n=i) for i in range(100)]
    session.add_all(items)
    old.n = 1000
    session.delete(gone)
    session.flush()
    driver.before_commit, driver.fault = True, rig.kill
    if driver.dialect.transactional:
        with pytest.raises(OrmError) as err:
            session.commit()
        assert err.value.flush_report.restaged == {"new": 100, "changed": 1, "deleted": 1}
        text = str(err.value)
        # the driver says what it knows: COMMIT never left (not committed), or the answer never came (unknown)
        assert "COMMIT failed" in text and ("was not committed" in text or "committed is unknown" in text)
        assert all(i._runic_state.state is EntityState.PENDING for i in items)
        assert old in session.dirty and gone in session.deleted
    else:  # FalkorDB has no COMMIT: what flush() sent is stored
        rig.kill()
        session.commit()
    rig.back()
    session.commit()
    assert stored(driver) == list(range(100)) + [1000]
    session.close()


def test_connection_ended_by_server_then_objects_readded_to_a_new_session_are_stored_once(rig):
    driver = FaultAt(rig.driver())
    session = Session(driver, batch_size=10)
    items = [FxItem(n=i) for i in range(100)]
    session.add_all(items)
    session.flush()
    rig.end_connection()
    if driver.dialect.transactional:
        with pytest.raises(OrmError) as err:
            session.commit()
        assert err.value.flush_report.restaged == {"new": 100, "changed": 0, "deleted": 0}
    else:
        session.commit()
    session.rollback()  # the transaction ended with the connection: nothing to raise
    session.close()
    rig.back()
    with Session(driver) as fresh:
        fresh.add_all(items)
    assert stored(driver) == list(range(100))


def test_rollback_and_close_after_a_lost_connection_do_not_raise_and_the_driver_reconnects(rig):
    driver = rig.driver()
    session = Session(driver)
    session.add(FxItem(n=1))
    session.flush()
    rig.kill()
    session.rollback()
    session.close()
    if hasattr(driver, "begin"):
        driver.rollback()  # no open transaction on the driver's side either: no error
    rig.back()
    with Session(driver) as fresh:
        fresh.add(FxItem(n=2))
    expected = [2] if driver.dialect.transactional else [1, 2]
    assert stored(driver) == expected
    driver.close()


def test_driver_rollback_after_the_server_ended_the_connection_does_not_raise(rig):
    driver = rig.driver()
    if not hasattr(driver, "begin"):
        driver.execute("CREATE (:FxItem {n: 1})")
        rig.end_connection()
        rig.back()
        assert stored(driver) == [1]
        driver.close()
        return
    driver.begin()
    driver.execute("CREATE (:FxItem {n: 1})")
    rig.end_connection()
    with pytest.raises(OrmError) as err:
        driver.execute("CREATE (:FxItem {n: 2})")
    assert type(err.value).__module__.startswith("runic.")
    driver.rollback()
    rig.back()
    driver.execute("CREATE (:FxItem {n: 3})")
    assert stored(driver) == [3]
    driver.close()


@pytest.mark.integration
@pytest.mark.arcadedb
def test_arcadedb_process_killed_mid_flush_and_restarted_then_commit_again_stores_every_row_once():
    rig = ArcadeDBCrashRig()
    try:
        driver = FaultAt(rig.driver())
        session, old, gone = seeded(driver)
        items = [FxItem(n=i) for i in range(100)]
        session.add_all(items)
        old.n = 1000
        session.delete(gone)
        driver.at, driver.fault = driver.sent + 3, rig.kill
        with pytest.raises(OrmError) as err:
            session.commit()
        assert err.value.flush_report.restaged == {"new": 30, "changed": 0, "deleted": 0}
        assert all(i._runic_state.state is EntityState.PENDING for i in items)
        rig.back()
        session.commit()
        assert stored(driver) == list(range(100)) + [1000]
        session.close()
        driver.close()
    finally:
        rig.close()

"""The asyncio twin of test_session_faults: the same faults, the same truths.

A unit of work that tells the truth after a failure, on every live backend.

The server goes away mid-flush, just before COMMIT, or ends the connection itself; after
it is back, committing again (or adding the same objects to a new session) stores every
row exactly once — nothing lost, nothing duplicated — and the same driver works again.
"""

from __future__ import annotations

import asyncio

import pytest
from _fault_rigs import ArcadeDBCrashRig, AsyncFaultAt, make_rig

from runic.ogm.core.descriptors import Field
from runic.ogm.core.models import Node
from runic.ogm.core.state import EntityState
from runic.ogm.exceptions import OrmError
from runic.ogm.session import AsyncSession

pytestmark = [pytest.mark.slow]


class AfxItem(Node):
    n: int = Field(default=0)


@pytest.fixture
def rig(backend, request, tmp_path):
    rig = make_rig(backend, request, tmp_path)
    yield rig
    rig.close()


async def back(rig) -> None:
    """The server answers again; the event loop gets a moment to see the connections the
    outage closed (as it does while a program waits for its server)."""
    rig.back()
    await asyncio.sleep(0.05)


async def stored(driver) -> list[int]:
    return sorted((await driver.execute("MATCH (n:AfxItem) RETURN n.n")).values())


async def seeded(driver):
    """A committed item to change and one to delete, loaded into a fresh session."""
    async with AsyncSession(driver) as first:
        old, gone = AfxItem(n=-1), AfxItem(n=-2)
        first.add_all([old, gone])
    session = AsyncSession(driver, batch_size=10)
    return session, await session.get(AfxItem, old.id), await session.get(AfxItem, gone.id)


async def test_server_killed_mid_flush_then_commit_again_stores_every_row_once(rig):
    driver = AsyncFaultAt(rig.driver(async_=True))
    session, old, gone = await seeded(driver)
    items = [AfxItem(n=i) for i in range(100)]
    session.add_all(items)
    old.n = 1000
    session.delete(gone)
    driver.at, driver.fault = driver.sent + 3, rig.kill
    with pytest.raises(OrmError) as err:
        await session.commit()
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
    await back(rig)
    await session.commit()
    assert await stored(driver) == list(range(100)) + [1000]
    await session.close()


async def test_server_killed_before_commit_then_commit_again_stores_every_row_once(rig):
    driver = AsyncFaultAt(rig.driver(async_=True))
    session, old, gone = await seeded(driver)
    items = [AfxItem(n=i) for i in range(100)]
    session.add_all(items)
    old.n = 1000
    session.delete(gone)
    await session.flush()
    driver.before_commit, driver.fault = True, rig.kill
    if driver.dialect.transactional:
        with pytest.raises(OrmError) as err:
            await session.commit()
        assert err.value.flush_report.restaged == {"new": 100, "changed": 1, "deleted": 1}
        text = str(err.value)
        # the driver says what it knows: COMMIT never left (not committed), or the answer never came (unknown)
        assert "COMMIT failed" in text and ("was not committed" in text or "committed is unknown" in text)
        assert all(i._runic_state.state is EntityState.PENDING for i in items)
        assert old in session.dirty and gone in session.deleted
    else:  # FalkorDB has no COMMIT: what flush() sent is stored
        rig.kill()
        await session.commit()
    await back(rig)
    await session.commit()
    assert await stored(driver) == list(range(100)) + [1000]
    await session.close()


async def test_connection_ended_by_server_then_objects_readded_to_a_new_session_are_stored_once(rig):
    driver = AsyncFaultAt(rig.driver(async_=True))
    session = AsyncSession(driver, batch_size=10)
    items = [AfxItem(n=i) for i in range(100)]
    session.add_all(items)
    await session.flush()
    rig.end_connection()
    if driver.dialect.transactional:
        with pytest.raises(OrmError) as err:
            await session.commit()
        assert err.value.flush_report.restaged == {"new": 100, "changed": 0, "deleted": 0}
    else:
        await session.commit()
    await session.rollback()  # the transaction ended with the connection: nothing to raise
    await session.close()
    await back(rig)
    async with AsyncSession(driver) as fresh:
        fresh.add_all(items)
    assert await stored(driver) == list(range(100))


async def test_rollback_and_close_after_a_lost_connection_do_not_raise_and_the_driver_reconnects(rig):
    driver = rig.driver(async_=True)
    session = AsyncSession(driver)
    session.add(AfxItem(n=1))
    await session.flush()
    rig.kill()
    await session.rollback()
    await session.close()
    if hasattr(driver, "begin"):
        await driver.rollback()  # no open transaction on the driver's side either: no error
    await back(rig)
    async with AsyncSession(driver) as fresh:
        fresh.add(AfxItem(n=2))
    expected = [2] if driver.dialect.transactional else [1, 2]
    assert await stored(driver) == expected
    await driver.close()


async def test_driver_rollback_after_the_server_ended_the_connection_does_not_raise(rig):
    driver = rig.driver(async_=True)
    if not hasattr(driver, "begin"):
        await driver.execute("CREATE (:AfxItem {n: 1})")
        rig.end_connection()
        await back(rig)
        assert await stored(driver) == [1]
        await driver.close()
        return
    await driver.begin()
    await driver.execute("CREATE (:AfxItem {n: 1})")
    rig.end_connection()
    with pytest.raises(OrmError) as err:
        await driver.execute("CREATE (:AfxItem {n: 2})")
    assert type(err.value).__module__.startswith("runic.")
    await driver.rollback()
    await back(rig)
    await driver.execute("CREATE (:AfxItem {n: 3})")
    assert await stored(driver) == [3]
    await driver.close()


@pytest.mark.integration
@pytest.mark.arcadedb
async def test_arcadedb_process_killed_mid_flush_and_restarted_then_commit_again_stores_every_row_once():
    rig = ArcadeDBCrashRig()
    try:
        driver = AsyncFaultAt(rig.driver(async_=True))
        session, old, gone = await seeded(driver)
        items = [AfxItem(n=i) for i in range(100)]
        session.add_all(items)
        old.n = 1000
        session.delete(gone)
        driver.at, driver.fault = driver.sent + 3, rig.kill
        with pytest.raises(OrmError) as err:
            await session.commit()
        assert err.value.flush_report.restaged == {"new": 30, "changed": 0, "deleted": 0}
        assert all(i._runic_state.state is EntityState.PENDING for i in items)
        await back(rig)
        await session.commit()
        assert await stored(driver) == list(range(100)) + [1000]
        await session.close()
        await driver.close()
    finally:
        rig.close()

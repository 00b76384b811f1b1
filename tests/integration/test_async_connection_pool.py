"""AsyncConnectionManager on the embedded FalkorDB: the twin of test_connection_pool.py."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from _session_models import SxPerson

from runic.ogm.exceptions import PoolTimeoutError, SessionError
from runic.ogm.session import AsyncConnectionManager, AsyncSession

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]


@pytest.fixture
async def manager(async_falkordb_driver):
    pool = AsyncConnectionManager(async_falkordb_driver, max_size=2, timeout=0.5)
    yield pool
    await pool.close_all()


async def test_acquire_returns_sessions_up_to_max_size(manager):
    first = await manager.acquire()
    second = await manager.acquire()
    assert isinstance(first, AsyncSession) and first is not second
    assert (manager.size, manager.in_use, manager.idle) == (2, 2, 0)
    await manager.release(first)
    assert (manager.in_use, manager.idle) == (1, 1)
    assert await manager.acquire() is first
    await manager.release(first)
    await manager.release(second)


async def test_acquire_waits_then_times_out_with_pool_timeout_error(manager):
    a, b = await manager.acquire(), await manager.acquire()
    start = time.monotonic()
    with pytest.raises(PoolTimeoutError) as err:
        await manager.acquire(timeout=0.2)
    assert time.monotonic() - start >= 0.19
    assert (err.value.max_size, err.value.in_use) == (2, 2)
    assert "2 of 2 in use" in str(err.value)
    await manager.release(a)
    await manager.release(b)


async def test_waiting_acquire_gets_a_released_session(manager):
    a, b = await manager.acquire(), await manager.acquire()
    waiter = asyncio.create_task(manager.acquire(timeout=5))
    await asyncio.sleep(0.1)
    assert not waiter.done()
    await manager.release(a)
    assert await asyncio.wait_for(waiter, 5) is a
    await manager.release(a)
    await manager.release(b)


async def test_release_resets_the_session_and_warns_about_dropped_changes(manager, async_falkordb_driver, caplog):
    session = await manager.acquire()
    session.add(SxPerson(name="never flushed"))
    with caplog.at_level(logging.WARNING, logger="runic.pool"):
        await manager.release(session)
    assert "1 new" in caplog.text
    assert session.new == [] and session.identity_map == {}
    assert (await async_falkordb_driver.execute("MATCH (n) RETURN count(n)")).value() == 0


async def test_session_context_commits_and_releases(manager, async_falkordb_driver):
    async with manager.session() as session:
        assert AsyncSession.current() is session
        session.add(SxPerson(name="Ada"))
    assert manager.in_use == 0
    assert (await async_falkordb_driver.execute("MATCH (n:SxPerson) RETURN n.name")).value() == "Ada"


async def test_session_context_rolls_back_on_error(manager, async_falkordb_driver):
    with pytest.raises(RuntimeError):
        async with manager.session() as session:
            session.add(SxPerson(name="staged"))
            raise RuntimeError("boom")
    assert manager.in_use == 0
    assert (await async_falkordb_driver.execute("MATCH (n) RETURN count(n)")).value() == 0


async def test_releasing_a_foreign_session_raises_and_twice_is_a_no_op(manager, async_falkordb_driver):
    stranger = AsyncSession(async_falkordb_driver)
    with pytest.raises(SessionError):
        await manager.release(stranger)
    own = await manager.acquire()
    await manager.release(own)
    await manager.release(own)
    assert manager.idle == 1


async def test_broken_session_is_discarded_and_replaced(manager):
    session = await manager.acquire()
    session._broken = True
    await manager.release(session)
    assert manager.size == 0
    replacement = await manager.acquire()
    assert replacement is not session and not replacement.is_closed
    await manager.release(replacement)


async def test_close_all_refuses_later_acquire(async_falkordb_driver):
    pool = AsyncConnectionManager(async_falkordb_driver, max_size=3)
    borrowed = await pool.acquire()
    await pool.release(await pool.acquire())
    await pool.close_all()
    with pytest.raises(SessionError):
        await pool.acquire()
    await pool.release(borrowed)
    assert borrowed.is_closed


async def test_pool_from_url_builds_its_own_drivers(embedded_falkordb):
    url = embedded_falkordb.url + "?graph=async_pool_url_test"
    async with AsyncConnectionManager(url, max_size=2) as pool:
        async with pool.session() as session:
            session.add(SxPerson(name="via url"))
        async with pool.session() as session:
            assert (await session.execute("MATCH (n:SxPerson) RETURN count(n)")).value() == 1
            await session.execute("MATCH (n) DETACH DELETE n", write=True)


async def test_session_of_an_acquired_session_explains_the_change(manager):
    session = await manager.acquire()
    with pytest.raises(TypeError, match="already returns"):
        AsyncSession(session)
    await manager.release(session)


async def test_transactional_driver_instance_is_refused():
    class FakeBolt:
        dialect = None

        async def execute(self, *a, **k):
            raise AssertionError("never called")

        async def begin(self):
            raise AssertionError("never called")

    with pytest.raises(TypeError, match="one transaction"):
        AsyncConnectionManager(FakeBolt())

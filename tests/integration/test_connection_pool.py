"""ConnectionManager on the embedded FalkorDB: bounded, waits, resets, recovers, closes."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from _session_models import SxPerson

from runic.ogm.exceptions import PoolTimeoutError, SessionError
from runic.ogm.session import ConnectionManager, Session

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]


@pytest.fixture
def manager(falkordb_driver):
    pool = ConnectionManager(falkordb_driver, max_size=2, timeout=0.5)
    yield pool
    pool.close_all()


def test_acquire_returns_sessions_up_to_max_size(manager):
    first = manager.acquire()
    second = manager.acquire()
    assert isinstance(first, Session) and first is not second
    assert (manager.size, manager.in_use, manager.idle) == (2, 2, 0)
    manager.release(first)
    assert (manager.in_use, manager.idle) == (1, 1)
    assert manager.acquire() is first
    manager.release(first)
    manager.release(second)


def test_acquire_waits_then_times_out_with_pool_timeout_error(manager):
    a, b = manager.acquire(), manager.acquire()
    start = time.monotonic()
    with pytest.raises(PoolTimeoutError) as err:
        manager.acquire(timeout=0.2)
    assert time.monotonic() - start >= 0.2
    assert (err.value.max_size, err.value.in_use) == (2, 2)
    assert "2 of 2 in use" in str(err.value)
    manager.release(a)
    manager.release(b)


def test_waiting_acquire_gets_a_released_session(manager):
    a, b = manager.acquire(), manager.acquire()
    got = []
    waiter = threading.Thread(target=lambda: got.append(manager.acquire(timeout=5)))
    waiter.start()
    time.sleep(0.1)
    manager.release(a)
    waiter.join(5)
    assert got == [a]
    manager.release(a)
    manager.release(b)


def test_release_resets_the_session_and_warns_about_dropped_changes(manager, falkordb_driver, caplog):
    session = manager.acquire()
    session.add(SxPerson(name="never flushed"))
    with caplog.at_level(logging.WARNING, logger="runic.pool"):
        manager.release(session)
    assert "1 new" in caplog.text
    assert session.new == [] and session.identity_map == {}
    assert falkordb_driver.execute("MATCH (n) RETURN count(n)").value() == 0


def test_session_context_commits_and_releases(manager, falkordb_driver):
    with manager.session() as session:
        assert Session.current() is session
        session.add(SxPerson(name="Ada"))
    assert manager.in_use == 0
    assert falkordb_driver.execute("MATCH (n:SxPerson) RETURN n.name").value() == "Ada"


def test_session_context_rolls_back_on_error(manager, falkordb_driver):
    with pytest.raises(RuntimeError), manager.session() as session:
        session.add(SxPerson(name="staged"))
        raise RuntimeError("boom")
    assert manager.in_use == 0
    assert falkordb_driver.execute("MATCH (n) RETURN count(n)").value() == 0


def test_releasing_a_foreign_session_raises_and_twice_is_a_no_op(manager, falkordb_driver):
    stranger = Session(falkordb_driver)
    with pytest.raises(SessionError):
        manager.release(stranger)
    own = manager.acquire()
    manager.release(own)
    manager.release(own)
    assert manager.idle == 1


def test_broken_session_is_discarded_and_replaced(manager):
    session = manager.acquire()
    session._broken = True
    manager.release(session)
    assert manager.size == 0
    replacement = manager.acquire()
    assert replacement is not session and not replacement.is_closed
    manager.release(replacement)


def test_close_all_refuses_later_acquire(falkordb_driver):
    pool = ConnectionManager(falkordb_driver, max_size=3)
    borrowed = pool.acquire()
    pool.release(pool.acquire())
    pool.close_all()
    with pytest.raises(SessionError):
        pool.acquire()
    pool.release(borrowed)
    assert borrowed.is_closed


def test_pool_from_url_builds_its_own_drivers(embedded_falkordb):
    url = embedded_falkordb.url + "?graph=pool_url_test"
    with ConnectionManager(url, max_size=2) as pool:
        with pool.session() as session:
            session.add(SxPerson(name="via url"))
        with pool.session() as session:
            assert session.execute("MATCH (n:SxPerson) RETURN count(n)").value() == 1
            session.execute("MATCH (n) DETACH DELETE n", write=True)


def test_session_of_an_acquired_session_explains_the_change(manager):
    session = manager.acquire()
    with pytest.raises(TypeError, match="already returns"):
        Session(session)
    manager.release(session)


def test_transactional_driver_instance_is_refused():
    class FakeBolt:
        dialect = None

        def execute(self, *a, **k):
            raise AssertionError("never called")

        def begin(self):
            raise AssertionError("never called")

    with pytest.raises(TypeError, match="one transaction"):
        ConnectionManager(FakeBolt())

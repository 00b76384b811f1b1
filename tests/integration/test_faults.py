"""Faults: the server dies mid-flush, connections are refused, statements time out."""

from __future__ import annotations

import os
import signal
import socket

import pytest

from runic.ogm.core.descriptors import Field
from runic.ogm.core.models import Node
from runic.ogm.driver.embedded import EmbeddedFalkorDB
from runic.ogm.driver.falkordb import create_falkordb_driver
from runic.ogm.exceptions import ConnectionFailedError, DriverError, QueryTimeoutError
from runic.ogm.session import ConnectionManager, Session

pytestmark = [pytest.mark.integration, pytest.mark.falkordb, pytest.mark.slow]


class FtItem(Node):
    n: int = Field(default=0)


class KillAfter:
    """A real driver that stops its server (SIGTERM, which saves the RDB) after N statements."""

    def __init__(self, driver, server, after):
        self._driver = driver
        self._server = server
        self.after = after
        self.sent = 0

    def __getattr__(self, name):
        return getattr(self._driver, name)

    def _kill_now(self):
        if self.after is not None and self.sent == self.after:
            pid = self._server.pid
            os.kill(pid, signal.SIGTERM)
            self._server._server.proc.wait(10)

    def execute(self, query, params=None, **kwargs):
        self._kill_now()
        self.sent += 1
        return self._driver.execute(query, params, **kwargs)

    def execute_pipelined(self, statements, on_result):
        """The real pipelined run, cut in two where the kill falls (every statement before
        it answered, as with ``execute``)."""
        statements = list(statements)
        if self.after is None or not self.sent <= self.after < self.sent + len(statements):
            self.sent += len(statements)
            return self._driver.execute_pipelined(statements, on_result)
        split = self.after - self.sent
        done = self._driver.execute_pipelined(statements[:split], on_result) if split else 0
        self.sent += split
        self._kill_now()
        self.sent += len(statements) - split
        return done + self._driver.execute_pipelined(statements[split:], lambda i, result: on_result(split + i, result))


def test_server_killed_during_multi_batch_flush(tmp_path):
    holder = {"server": EmbeddedFalkorDB(data_dir=tmp_path).start()}
    drivers = []

    def factory():
        driver = KillAfter(create_falkordb_driver(graph="faults", embedded=holder["server"]), holder["server"], None)
        drivers.append(driver)
        return driver

    pool = ConnectionManager(factory, max_size=2, session_options={"batch_size": 100})
    try:
        session = pool.acquire()
        session.driver.after = 3
        items = [FtItem(n=i) for i in range(1000)]
        session.add_all(items)
        with pytest.raises(DriverError) as err:
            session.flush()
        report = err.value.flush_report
        assert report is not None and (report.applied, report.total) == (3, 10)
        assert report.undoable is False
        assert "3 of 10 flush statements were applied" in str(err.value)
        assert len(session.new) == 700  # the rest stays staged
        assert sum(1 for i in items if i._runic_state.state.value == "persistent") == 300
        pool.release(session)
        assert pool.size == 0  # the broken session was discarded

        holder["server"].stop()
        holder["server"] = EmbeddedFalkorDB(data_dir=tmp_path).start()
        with pool.session() as fresh:
            assert fresh is not session
            assert fresh.execute("MATCH (n:FtItem) RETURN count(n)").value() == 300
            stored = set(fresh.execute("MATCH (n:FtItem) RETURN n.n").values())
            assert stored == set(range(300))
    finally:
        pool.close_all()
        for driver in drivers:
            try:
                driver._driver.close()
            except Exception:  # noqa: BLE001 - the first one's server is gone
                pass
        holder["server"].stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connection_refused_says_what_happened_and_what_to_try():
    port = _free_port()
    with pytest.raises(ConnectionFailedError) as err:
        session = Session(f"falkordb://127.0.0.1:{port}/g")
        session.execute("RETURN 1")
    text = str(err.value)
    assert str(port) in text
    assert err.value.hint


def test_statement_timeout_says_what_happened_and_what_to_try(falkordb_driver):
    with Session(falkordb_driver) as session:
        with pytest.raises(QueryTimeoutError) as err:
            session.execute("UNWIND range(1, 50000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x)", timeout=0.001)
        assert err.value.hint
        assert session.execute("RETURN 1").value() == 1  # the connection stays usable

"""FalkorDB node creates sent back to back (``execute_pipelined``): every entity recorded,
every reply matched to its statement, and after a failure the state tells what was written."""

from __future__ import annotations

import os
import signal
from typing import Any

import pytest

from runic.ogm.core.descriptors import Field
from runic.ogm.core.models import Node
from runic.ogm.core.state import EntityState
from runic.ogm.driver.embedded import EmbeddedFalkorDB
from runic.ogm.driver.falkordb import create_falkordb_driver
from runic.ogm.exceptions import DriverError, OrmError
from runic.ogm.schema.index_manager import IndexSpec
from runic.ogm.session import AsyncSession, Session

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]


class PlItem(Node):
    n: int = Field(default=0)
    name: str = Field(default="")


class PlOther(Node):
    n: int = Field(default=0)


class Pipelining:
    """A real driver that counts the statements of each pipelined run (and can act in the middle)."""

    def __init__(self, driver: Any, on_answer: Any = None) -> None:
        self._driver = driver
        self.runs: list[int] = []
        self.executed = 0
        self.on_answer = on_answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._driver, name)

    def execute(self, query: str, params: Any = None, **kwargs: Any) -> Any:
        self.executed += 1
        return self._driver.execute(query, params, **kwargs)

    def execute_pipelined(self, statements: Any, on_result: Any) -> int:
        statements = list(statements)
        self.runs.append(len(statements))

        def answered(index: int, result: Any) -> None:
            on_result(index, result)
            if self.on_answer is not None:
                self.on_answer(index)

        return self._driver.execute_pipelined(statements, answered)


def stored(driver: Any, label: str) -> list[int]:
    return sorted(driver.execute(f"MATCH (n:{label}) RETURN n.n").values())


def test_node_creates_of_a_flush_go_as_one_pipelined_run_and_every_entity_is_recorded(falkordb_driver):
    driver = Pipelining(falkordb_driver)
    items = [PlItem(n=i, name=f"item {i}") for i in range(1050)]
    others = [PlOther(n=i) for i in range(120)]
    with Session(driver, batch_size=100) as session:
        session.add_all(items + others)
        session.flush()
        assert driver.runs == [11 + 2]  # both labels' batches in one run; the first creates the labels
        assert driver.executed == 0
        assert all(i._runic_state.state is EntityState.PERSISTENT for i in items + others)
        ids = [i._runic_state.element_id for i in items + others]
        assert len(set(ids)) == len(ids)
        # each entity holds the id of the node that stores its own values
        by_id = dict(falkordb_driver.execute("MATCH (n:PlItem) RETURN id(n), n.n").rows)
        assert all(by_id[i._runic_state.element_id] == i.n for i in items)
        assert session.get(PlItem, items[777].id) is items[777]
        items[5].name = "changed"
        session.commit()
    assert stored(falkordb_driver, "PlItem") == list(range(1050))
    assert stored(falkordb_driver, "PlOther") == list(range(120))
    assert falkordb_driver.execute("MATCH (n:PlItem {n: 5}) RETURN n.name").value() == "changed"


def test_a_statement_refused_mid_run_stops_the_run_and_the_report_counts_what_was_written(falkordb_driver):
    falkordb_driver.execute("CREATE (:PlItem {n: 250, name: 'there first'})")
    falkordb_driver.schema.create_index(IndexSpec("PlItem", "n", unique=True))
    driver = Pipelining(falkordb_driver)
    items = [PlItem(n=i) for i in range(500)]  # batch 2 (rows 200-299) holds n=250
    session = Session(driver, batch_size=100)
    session.add_all(items)
    with pytest.raises(OrmError) as err:
        session.flush()
    report = err.value.flush_report
    assert (report.applied, report.total) == (2, 5)
    assert "2 of 5 flush statements were applied" in str(err.value)
    persistent = [i.n for i in items if i._runic_state.state is EntityState.PERSISTENT]
    assert persistent == list(range(200))
    assert len(session.new) == 300
    # nothing after the refused batch was sent: the graph holds the two batches and the first node
    assert stored(falkordb_driver, "PlItem") == [*range(200), 250]
    session.close()


def test_server_killed_while_a_statement_runs_leaves_only_that_one_in_doubt(tmp_path):
    server = EmbeddedFalkorDB(data_dir=tmp_path).start()
    real = create_falkordb_driver(graph="pipelined_kill", embedded=server)

    def kill(index: int) -> None:
        if index == 1:  # statement 2 is on the server now
            os.kill(server.pid, signal.SIGTERM)  # SIGTERM: the server saves what it has
            server._server.proc.wait(10)

    driver = Pipelining(real, on_answer=kill)
    items = [PlItem(n=i) for i in range(1000)]
    session = Session(driver, batch_size=100)
    session.add_all(items)
    try:
        with pytest.raises(DriverError) as err:
            session.flush()
        report = err.value.flush_report
        persistent = [i.n for i in items if i._runic_state.state is EntityState.PERSISTENT]
        # what the session records as written is exactly what the answered statements wrote
        assert report.applied in (2, 3)
        assert persistent == list(range(100 * report.applied))
        assert len(session.new) == 1000 - len(persistent)
        server.stop()
        restarted = EmbeddedFalkorDB(data_dir=tmp_path).start()
        try:
            check = create_falkordb_driver(graph="pipelined_kill", embedded=restarted)
            kept = stored(check, "PlItem")
            # the answered statements are stored; at most the one unanswered statement more
            assert kept[: len(persistent)] == persistent
            assert kept in (persistent, persistent + list(range(len(persistent), len(persistent) + 100)))
            check.close()
        finally:
            restarted.stop()
    finally:
        server.stop()


async def test_async_node_creates_go_pipelined_and_every_entity_is_recorded(async_falkordb_driver):
    runs: list[int] = []
    real = async_falkordb_driver

    class AsyncPipelining:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        async def execute_pipelined(self, statements: Any, on_result: Any) -> int:
            statements = list(statements)
            runs.append(len(statements))
            return await real.execute_pipelined(statements, on_result)

    items = [PlItem(n=i) for i in range(730)]
    async with AsyncSession(AsyncPipelining(), batch_size=100) as session:
        session.add_all(items)
        await session.commit()
        assert runs == [8]
        assert all(i._runic_state.state is EntityState.PERSISTENT for i in items)
    assert sorted((await real.execute("MATCH (n:PlItem) RETURN n.n")).values()) == list(range(730))


def test_a_read_only_driver_refuses_a_pipelined_run(embedded_falkordb):
    driver = create_falkordb_driver(graph="pipelined_ro", embedded=embedded_falkordb, readonly=True)
    try:
        with pytest.raises(ValueError, match="read-only"):
            driver.execute_pipelined([("CREATE (:PlItem)", None)], lambda i, r: None)
    finally:
        driver.close()

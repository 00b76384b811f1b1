"""A query terminal is one flow: the sync and async builders only run it, so they send the
same statements, return the same values and raise the same errors.

The sessions here are recorders (pure logic); the terminals against real databases are
proven in tests/integration/test_query.py and test_async_query.py."""

from __future__ import annotations

import asyncio

import pytest

from runic.ogm.core.descriptors import Field
from runic.ogm.core.models import Node
from runic.ogm.driver.falkordb import FalkorDBDialect
from runic.ogm.driver.result import GraphResult
from runic.ogm.query import AsyncQueryBuilder, QueryBuilder, select
from runic.ogm.query._flows import call, run, run_async

pytestmark = [pytest.mark.unit]


class FlowCity(Node):
    name: str = Field(primary_key=True)


class _Recorder:
    dialect = FalkorDBDialect()

    def __init__(self, answer: GraphResult | Exception) -> None:
        self.answer = answer
        self.sent: list[tuple[str, dict]] = []

    def _reply(self, cypher: str, params: dict) -> GraphResult:
        self.sent.append((cypher, params))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


class SyncRecorder(_Recorder):
    def execute(self, cypher, params=None):
        return self._reply(cypher, params)


class AsyncRecorder(_Recorder):
    async def execute(self, cypher, params=None):
        return self._reply(cypher, params)


def test_count_terminal_sends_the_same_statement_and_returns_the_same_number_sync_and_async():
    sync, asyn = SyncRecorder(GraphResult(["count"], [[3]])), AsyncRecorder(GraphResult(["count"], [[3]]))
    query = select(FlowCity).where(FlowCity.name == "Oslo")

    bound_sync, bound_async = query.bind(sync), query.bind(asyn)
    assert type(bound_sync) is QueryBuilder and type(bound_async) is AsyncQueryBuilder
    assert bound_sync.count() == 3
    assert asyncio.run(bound_async.count()) == 3
    assert sync.sent == asyn.sent and len(sync.sent) == 1
    assert sync.sent[0][1] == {"p0": "Oslo"}


def test_a_failed_send_reaches_the_caller_of_either_twin_unchanged():
    boom = RuntimeError("connection reset")
    with pytest.raises(RuntimeError, match="connection reset"):
        select(FlowCity).bind(SyncRecorder(boom)).all()
    with pytest.raises(RuntimeError, match="connection reset"):
        asyncio.run(select(FlowCity).bind(AsyncRecorder(boom)).all())


def test_a_flow_can_handle_the_error_of_its_call_the_same_way_in_both_runners():
    def flow(session):
        try:
            yield call(session.execute, "RETURN 1", {})
        except RuntimeError as exc:
            return f"handled {exc}"
        return "not reached"

    assert run(flow(SyncRecorder(RuntimeError("gone")))) == "handled gone"
    assert asyncio.run(run_async(flow(AsyncRecorder(RuntimeError("gone"))))) == "handled gone"

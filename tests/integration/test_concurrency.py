"""Many sessions from one pool at once: 50 asyncio tasks, then 50 threads, each writing
1,000 entities and reading them back; every count is exact."""

from __future__ import annotations

import asyncio
import threading

import pytest

from runic.ogm.core.descriptors import Field
from runic.ogm.core.models import Node
from runic.ogm.query import select
from runic.ogm.session import AsyncConnectionManager, ConnectionManager

pytestmark = [pytest.mark.integration, pytest.mark.falkordb, pytest.mark.slow]

WORKERS = 50
PER_WORKER = 1000


class CcItem(Node):
    worker: int = Field(default=0)
    n: int = Field(default=0)


async def test_fifty_async_sessions_from_one_pool(async_falkordb_driver):
    pool = AsyncConnectionManager(async_falkordb_driver, max_size=10, timeout=120)

    async def work(worker: int) -> tuple[int, int]:
        async with pool.session() as session:
            session.add_all([CcItem(worker=worker, n=i) for i in range(PER_WORKER)])
            await session.flush()
            counted = await session.count(select(CcItem).where(CcItem.worker == worker))
            loaded = await session.scalars(select(CcItem).where(CcItem.worker == worker))
            return counted, len({item.n for item in loaded})

    try:
        results = await asyncio.gather(*(work(w) for w in range(WORKERS)))
    finally:
        await pool.close_all()
    assert results == [(PER_WORKER, PER_WORKER)] * WORKERS
    total = (await async_falkordb_driver.execute("MATCH (n:CcItem) RETURN count(n)")).value()
    assert total == WORKERS * PER_WORKER
    assert pool.size <= 10


def test_fifty_threads_from_one_sync_pool(falkordb_driver):
    pool = ConnectionManager(falkordb_driver, max_size=10, timeout=120)
    results: dict[int, tuple[int, int]] = {}
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            with pool.session() as session:
                session.add_all([CcItem(worker=worker, n=i) for i in range(PER_WORKER)])
                session.flush()
                counted = session.count(select(CcItem).where(CcItem.worker == worker))
                loaded = session.scalars(select(CcItem).where(CcItem.worker == worker))
                results[worker] = (counted, len({item.n for item in loaded}))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(240)
    pool.close_all()
    assert errors == []
    assert results == {w: (PER_WORKER, PER_WORKER) for w in range(WORKERS)}
    assert falkordb_driver.execute("MATCH (n:CcItem) RETURN count(n)").value() == WORKERS * PER_WORKER

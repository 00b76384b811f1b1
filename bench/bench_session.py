"""Session benchmarks.

1. Hydration: 100k nodes read through ``session.query(Model).all()`` into model instances
   (query, runic's decoder, mapper, identity map) vs the falkordb client's own
   ``graph.query`` parse of the same nodes (target: runic ≤ 1.5x the client; medians of alternating runs).
2. Write throughput: an ``AsyncConnectionManager`` with concurrent tasks vs one sync
   ``Session`` on the same work, in entities per second, printed as a ratio.

Run: ``.venv/bin/python bench/bench_session.py [--nodes 100000] [--writes 20000] [--repeat 7] [--skip-writes]``
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_decode import compare

from runic.ogm.core.descriptors import Field
from runic.ogm.core.models import Node
from runic.ogm.driver.embedded import EmbeddedFalkorDB
from runic.ogm.driver.falkordb import create_falkordb_driver
from runic.ogm.session import AsyncConnectionManager, Session

LOAD = (
    "UNWIND range($start, $stop - 1) AS i "
    "CREATE (:BPerson {id: 'k' + toString(i), name: 'person ' + toString(i), age: i % 90, "
    "score: i / 7.0, active: i % 2 = 0, email: 'p' + toString(i) + '@example.org'})"
)


class BPerson(Node):
    id: str = Field(primary_key=True)
    name: str = Field(default=None)
    age: int = Field(default=0)
    score: float = Field(default=0.0)
    active: bool = Field(default=False)
    email: str = Field(default=None)


class BItem(Node):
    worker: int = Field(default=0)
    n: int = Field(default=0)
    label: str = Field(default=None)


def hydration(server: EmbeddedFalkorDB, nodes: int, repeat: int) -> None:
    driver = create_falkordb_driver(graph="bench_session_hydrate", embedded=server)
    try:
        driver.execute("MATCH (n) DETACH DELETE n")
        for start in range(0, nodes, 20000):
            driver.execute(LOAD, {"start": start, "stop": min(start + 20000, nodes)})
        graph = driver.graph

        def runic_hydrate() -> None:
            with Session(driver) as session:
                people = session.query(BPerson).all()
                assert len(people) == nodes

        def client_parse() -> None:
            result = graph.query("MATCH (n:BPerson) RETURN n")
            assert len(result.result_set) == nodes

        result = compare(f"hydrate {nodes} nodes into models", runic_hydrate, client_parse, repeat=repeat)
        verdict = "ok" if result.ratio <= 1.5 else "MISSED"
        print(f"{result.line()} (target ≤ 1.5x) {verdict}", flush=True)
    finally:
        driver.execute("MATCH (n) DETACH DELETE n")
        driver.close()


def throughput(server: EmbeddedFalkorDB, writes: int, tasks: int) -> None:
    sync_driver = create_falkordb_driver(graph="bench_session_sync", embedded=server)
    async_graph = "bench_session_async"
    per_task = writes // tasks
    try:
        started = time.perf_counter()
        with Session(sync_driver) as session:
            for worker in range(tasks):
                session.add_all([BItem(worker=worker, n=i, label=f"item {i}") for i in range(per_task)])
                session.flush()
        sync_s = time.perf_counter() - started
        assert sync_driver.execute("MATCH (n:BItem) RETURN count(n)").value() == per_task * tasks

        async def run_async() -> float:
            adriver = create_falkordb_driver(graph=async_graph, embedded=server, async_=True)
            pool = AsyncConnectionManager(adriver, max_size=tasks)

            async def work(worker: int) -> None:
                async with pool.session() as s:
                    s.add_all([BItem(worker=worker, n=i, label=f"item {i}") for i in range(per_task)])
                    await s.flush()

            try:
                t0 = time.perf_counter()
                await asyncio.gather(*(work(w) for w in range(tasks)))
                elapsed = time.perf_counter() - t0
                total = (await adriver.execute("MATCH (n:BItem) RETURN count(n)")).value()
                assert total == per_task * tasks, total
                await adriver.execute("MATCH (n) DETACH DELETE n")
                return elapsed
            finally:
                await pool.close_all()
                await adriver.close()

        async_s = asyncio.run(run_async())
        n = per_task * tasks
        print(
            f"write throughput: async pool ({tasks} tasks) {n / async_s:,.0f} entities/s vs sync session "
            f"{n / sync_s:,.0f} entities/s — ratio {sync_s / async_s:.2f}x",
            flush=True,
        )
    finally:
        sync_driver.execute("MATCH (n) DETACH DELETE n")
        sync_driver.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--writes", type=int, default=20_000)
    parser.add_argument("--tasks", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--skip-writes", action="store_true", help="run only the hydration comparison")
    args = parser.parse_args(argv)
    with EmbeddedFalkorDB() as server:
        hydration(server, args.nodes, args.repeat)
        if not args.skip_writes:
            throughput(server, args.writes, args.tasks)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

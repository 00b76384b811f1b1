"""Migration data operations at 10k / 100k / 1M rows: runic's batched operations vs one
hand-written statement doing the same work, on the embedded FalkorDB.

For each size, side by side in one run:

- ``seed``: ``op.seed("MERGE (c:Country {code: row.code}) SET c.name = row.name", rows)``
  (batches of 1,000 rows) vs one ``UNWIND $rows AS row MERGE ...`` over all rows;
- ``rename_property``: ``op.rename_property("Person", "fname", "first_name")`` (batches of
  10,000 nodes) vs one ``MATCH (n:Person) SET n.first_name = n.fname REMOVE n.fname``.

The baselines hold the whole change in one statement (one reply, no progress, no bounded
memory); the ratios say what batching costs. Prints one line per operation and size::

    seed      10000 rows: runic 1.08x one statement (runic 140 ms, one statement 130 ms)

Run: ``.venv/bin/python bench/bench_migrate.py [--sizes 10000,100000,1000000]``
"""

from __future__ import annotations

import argparse
import time
import uuid

from runic.migrate import create_adapter
from runic.migrate.operations import GraphOperations
from runic.ogm.driver.falkordb import create_falkordb_driver

SEED = "MERGE (c:Country {code: row.code}) SET c.name = row.name"
LOAD = "UNWIND range($start, $stop - 1) AS i CREATE (:Person {fname: 'p' + toString(i)})"


def _fresh(server):
    driver = create_falkordb_driver(graph=f"bench_{uuid.uuid4().hex[:8]}", embedded=server)
    driver.execute("CREATE INDEX FOR (c:Country) ON (c.code)")
    return driver


def _load_people(driver, n: int) -> None:
    for start in range(0, n, 100_000):
        driver.execute(LOAD, {"start": start, "stop": min(n, start + 100_000)})


def _time(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _line(name: str, n: int, runic_s: float, base_s: float) -> str:
    return f"{name:<16}{n:>8} rows: runic {runic_s / base_s:.2f}x one statement (runic {runic_s * 1000:.0f} ms, one statement {base_s * 1000:.0f} ms)"


def bench(sizes: list[int]) -> list[str]:
    from runic.ogm.driver.embedded import EmbeddedFalkorDB

    server = EmbeddedFalkorDB().start()
    lines = []
    try:
        for n in sizes:
            rows = [{"code": f"C{i}", "name": f"country {i}"} for i in range(n)]
            drivers = [_fresh(server), _fresh(server)]
            try:
                op = GraphOperations(create_adapter(drivers[0]), progress=False)
                runic_s = _time(lambda: op.seed(SEED, rows))
                base_s = _time(lambda: drivers[1].execute(f"UNWIND $rows AS row {SEED}", {"rows": rows}))
                assert drivers[0].execute("MATCH (c:Country) RETURN count(c)").rows[0][0] == n
                lines.append(_line("seed", n, runic_s, base_s))
                print(lines[-1], flush=True)
                for d in drivers:
                    d.delete_graph()
                    _load_people(d, n)
                runic_s = _time(lambda: op.rename_property("Person", "fname", "first_name"))
                base_s = _time(lambda: drivers[1].execute("MATCH (n:Person) SET n.first_name = n.fname REMOVE n.fname"))
                assert drivers[0].execute("MATCH (n:Person) WHERE n.first_name IS NOT NULL RETURN count(n)").rows[0][0] == n
                lines.append(_line("rename_property", n, runic_s, base_s))
                print(lines[-1], flush=True)
            finally:
                for d in drivers:
                    d.delete_graph()
                    d.close()
    finally:
        server.stop()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    args = parser.parse_args()
    bench([int(s) for s in args.sizes.split(",")])


if __name__ == "__main__":
    main()

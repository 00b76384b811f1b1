"""Decode speed: runic's compact-reply decoder vs the falkordb client's own parser.

Loads 100k nodes into an embedded FalkorDB, fetches the raw ``--compact`` reply of
``MATCH (n) RETURN n`` once (timed separately: server + transport), then decodes that
same reply with runic (``FalkorDBDriver``'s decoder) and with the falkordb client
(``QueryResult``), alternating the two over several runs and taking the median of each
(alternating keeps a busy machine from favouring either side). Prints one line per
comparison::

    decode: runic 0.41x falkordb client (runic 120 ms, client 290 ms, server 40 ms, raw reply 180 ms)

``compare()`` is reusable: pass two callables over the same input to add more lines
(e.g. hydration into models vs the client's parse).

Run: ``.venv/bin/python bench/bench_decode.py [--nodes 100000] [--repeat 5]``
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from runic.ogm.driver.falkordb import FalkorDBDriver, create_falkordb_driver

QUERY = "MATCH (n) RETURN n"
LOAD = (
    "UNWIND range($start, $stop - 1) AS i "
    "CREATE (:Person {name: 'person ' + toString(i), age: i % 90, score: i / 7.0, active: i % 2 = 0, email: 'p' + toString(i) + '@example.org'})"
)


@dataclass
class Comparison:
    """Median timings (seconds) of runic and a baseline over the same input."""

    name: str
    runic_s: float
    baseline_s: float
    baseline_name: str = "falkordb client"
    extra: dict[str, float] | None = None

    @property
    def ratio(self) -> float:
        return self.runic_s / self.baseline_s if self.baseline_s else float("inf")

    def line(self) -> str:
        parts = [f"runic {self.runic_s * 1000:.0f} ms", f"client {self.baseline_s * 1000:.0f} ms"]
        for key, seconds in (self.extra or {}).items():
            parts.append(f"{key} {seconds * 1000:.0f} ms")
        return f"{self.name}: runic {self.ratio:.2f}x {self.baseline_name} (medians: {', '.join(parts)})"


def timed(fn: Callable[[], Any]) -> float:
    """Seconds one call of ``fn`` takes, starting from a collected heap."""
    gc.collect()
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def medians_side_by_side(
    first: Callable[[], Any], second: Callable[[], Any], repeat: int
) -> tuple[float, float, float]:
    """``(median first, median second, median of per-round ratios)`` over ``repeat`` rounds,
    each round running both, the order alternating from round to round."""
    a: list[float] = []
    b: list[float] = []
    for i in range(repeat):
        if i % 2:
            b.append(timed(second))
            a.append(timed(first))
        else:
            a.append(timed(first))
            b.append(timed(second))
    ratios = [x / y for x, y in zip(a, b) if y]
    return (
        statistics.median(a),
        statistics.median(b),
        statistics.median(ratios) if ratios else float("inf"),
    )


def compare(
    name: str,
    runic_fn: Callable[[], Any],
    baseline_fn: Callable[[], Any],
    *,
    repeat: int = 5,
    extra: dict[str, float] | None = None,
) -> Comparison:
    """Time both callables side by side (medians of ``repeat`` alternating rounds)."""
    runic_fn()
    baseline_fn()  # warm both (name caches, imports)
    ours, theirs, _ = medians_side_by_side(runic_fn, baseline_fn, repeat)
    return Comparison(name, ours, theirs, extra=extra)


def load_nodes(driver: FalkorDBDriver, count: int, batch: int = 20000) -> None:
    for start in range(0, count, batch):
        driver.execute(LOAD, {"start": start, "stop": min(start + batch, count)})


def raw_reply(driver: FalkorDBDriver, query: str = QUERY) -> tuple[Any, float, float]:
    """``(reply, transport_s, server_ms)``: the compact reply as the redis client returns it."""
    driver.execute(query + " LIMIT 1")  # fills the driver's name cache
    command, _ = driver._core.query_command(query, None, False, None)
    started = time.perf_counter()
    reply = driver.graph.execute_command(*command)
    elapsed = time.perf_counter() - started
    _, _, stats = driver._core.decode(reply)
    from runic.ogm.driver._falkordb_decode import parse_stats

    return reply, elapsed, parse_stats(stats)[1] or 0.0


def decode_comparison(driver: FalkorDBDriver, query: str = QUERY, repeat: int = 5) -> Comparison:
    """runic's decoder vs ``falkordb.QueryResult`` on one identical reply."""
    from falkordb.query_result import QueryResult

    reply, transport_s, server_ms = raw_reply(driver, query)
    core = driver._core
    graph = driver.graph

    def runic_decode() -> Any:
        return core.decode(reply)

    def client_parse() -> Any:
        return QueryResult(graph, reply).result_set

    assert len(runic_decode()[1]) == len(client_parse())
    return compare(
        "decode",
        runic_decode,
        client_parse,
        repeat=repeat,
        extra={"server": server_ms / 1000.0, "raw reply": transport_s},
    )


def main(argv: list[str] | None = None) -> list[Comparison]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    results = []
    with create_falkordb_driver(graph="bench_decode") as driver:
        load_nodes(driver, args.nodes)
        results.append(decode_comparison(driver, repeat=args.repeat))
    for result in results:
        print(result.line())
    return results


if __name__ == "__main__":
    main()

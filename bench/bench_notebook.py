"""Notebook-layer benchmarks on an embedded FalkorDB.

P1  ``%%runic`` → DataFrame of 100k rows × 4 columns, against the falkordb client's
    ``graph.query`` plus ``pd.DataFrame(result_set)`` (target: ≤ 0.4x its time).
P5  magic overhead on a trivial query against a direct ``driver.execute`` (target ≤ 1 ms).
P6  displaying a 1M-row match: rows that cross the wire (≤ displaylimit + 1) and peak memory.
P7  a node column to a readable DataFrame (label + property columns) at 10k / 100k / 1M rows,
    side by side with the raw form (``expand=False``) and with ``pd.DataFrame`` of the
    property dicts; the ratio to the dict baseline should stay flat as the rows grow.

P1 alternates the two sides over several rounds and reports the median of each.

Run: ``.venv/bin/python bench/bench_notebook.py`` (``--quick`` for smaller sizes, ``--p1`` for P1 only).
"""

from __future__ import annotations

import gc
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_decode import medians_side_by_side


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    only_p1 = "--p1" in argv
    rows_p1 = 20_000 if quick else 100_000
    rows_p6 = 100_000 if quick else 1_000_000

    import pandas as pd
    from IPython.core.interactiveshell import InteractiveShell

    from runic.notebook.connections import registry

    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "runic")
    ip.run_line_magic("config", "RunicMagic.feedback = 0")
    ip.run_line_magic("runic", "connect --graph bench_nb --alias bench")
    driver = registry.get().driver
    failed = False
    try:
        driver.execute("MATCH (n) DETACH DELETE n")
        # -- P1 -------------------------------------------------------------------------
        driver.execute(
            "UNWIND range(1, $n) AS i CREATE (:R {a: i, b: toString(i), c: i * 0.5, d: i % 2 = 0})",
            {"n": rows_p1},
        )
        query = "MATCH (r:R) RETURN r.a AS a, r.b AS b, r.c AS c, r.d AS d"

        def runic_df():
            df = ip.run_cell_magic("runic", "--no-limit", query).to_dataframe()
            assert len(df) == rows_p1

        graph = driver.graph

        def client_df():
            res = graph.query(query)
            df = pd.DataFrame(res.result_set, columns=[h[1] if isinstance(h, (list, tuple)) else h for h in res.header])
            assert len(df) == rows_p1

        runic_df()
        client_df()  # warm both
        ours, theirs, _ = medians_side_by_side(runic_df, client_df, 7)
        ratio = ours / theirs
        ok = ratio <= 0.4
        failed |= not ok
        print(f"P1 %%runic → DataFrame, {rows_p1:,} rows × 4: {ours * 1000:.0f} ms vs client + pd.DataFrame "
              f"{theirs * 1000:.0f} ms = {ratio:.2f}x (medians; target ≤ 0.4x) {'ok' if ok else 'MISSED'}")
        if only_p1:
            return 1 if failed else 0

        # -- P5 -------------------------------------------------------------------------
        for _ in range(50):
            ip.run_cell_magic("runic", "", "RETURN 1 AS x")
            driver.execute("RETURN 1 AS x")
        magic = _median(lambda: ip.run_cell_magic("runic", "", "RETURN 1 AS x"), 400)
        direct = _median(lambda: driver.execute("RETURN 1 AS x"), 400)
        overhead_ms = (magic - direct) * 1000
        ok = overhead_ms <= 1.0
        failed |= not ok
        print(f"P5 magic overhead on RETURN 1: {overhead_ms:.3f} ms (magic {magic * 1000:.3f} ms, "
              f"driver {direct * 1000:.3f} ms; target ≤ 1 ms) {'ok' if ok else 'MISSED'}")

        # -- P6 -------------------------------------------------------------------------
        driver.execute("MATCH (n) DETACH DELETE n")
        batch = 250_000
        for start in range(0, rows_p6, batch):
            driver.execute(
                "UNWIND range($s, $e) AS i CREATE (:M {i: i, name: 'row ' + toString(i)})",
                {"s": start + 1, "e": min(start + batch, rows_p6)},
            )
        limit = 1000
        ip.run_line_magic("config", f"RunicMagic.displaylimit = {limit}")
        gc.collect()
        tracemalloc.start()
        started = time.perf_counter()
        result = ip.run_cell_magic("runic", "", "MATCH (m:M) RETURN m")
        data, _ = ip.display_formatter.format(result)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        transferred = len(result.raw.rows)
        ok = transferred <= limit + 1 and result.has_more and "more exist" in data["text/plain"]
        failed |= not ok
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"P6 display of a {rows_p6:,}-row match: {transferred:,} rows transferred (≤ {limit + 1:,}), "
              f"{elapsed * 1000:.0f} ms, peak Python memory {peak / 1e6:.1f} MB, process max RSS {rss_mb:.0f} MB "
              f"{'ok' if ok else 'MISSED'}")

        # -- P7 -------------------------------------------------------------------------
        sizes = [10_000, 100_000] if quick else [10_000, 100_000, 1_000_000]
        for n in sizes:
            held = ip.run_cell_magic("runic", "--no-limit", f"MATCH (m:M) RETURN m LIMIT {n}")
            nodes = held["m"]
            readable = _median(lambda: held.to_dataframe(), 3)
            raw = _median(lambda: held.to_dataframe(expand=False), 3)
            dicts = _median(lambda: pd.DataFrame([x.properties for x in nodes]), 3)
            assert list(held.to_dataframe().columns) == ["label", "i", "name"]
            print(f"P7 node column → readable DataFrame, {n:,} rows: readable {readable * 1000:.0f} ms, "
                  f"records {raw * 1000:.0f} ms, pd.DataFrame(dicts) {dicts * 1000:.0f} ms "
                  f"= {readable / dicts:.2f}x of the dict baseline")
            del held, nodes
    finally:
        try:
            driver.execute("MATCH (n) DETACH DELETE n")
        finally:
            registry.close_all()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

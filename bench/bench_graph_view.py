"""P4 — a 10k-edge traversal result to networkx, against ``nx.from_pandas_edgelist``.

One embedded FalkorDB graph of 2,000 nodes and 10,000 edges; the traversal
``MATCH (a)-[r]->(b) RETURN a, r, b`` is fetched once. Timed on those same rows:

* runic: ``runic.notebook.convert.to_networkx(result)`` — a lossless MultiDiGraph
  (node properties and labels, edge ids as keys, edge type and properties);
* baseline: what one writes by hand from the rows — a DataFrame of
  (start id, end id, edge id, type, properties) and ``nx.from_pandas_edgelist`` into a
  MultiDiGraph (edge attributes only, no node attributes).

Target: runic ≤ 1.5x the baseline. Also printed: the baseline without building its frame.

P5 — building a ``GraphView`` of the same result, side by side with the previous design
(per-node dicts with a networkx spring layout computed in Python, node cap 500), which this
one replaced: the view now sends columns and binary buffers and lays out in the browser.
Target: ≤ 150 ms for 2,000 nodes / 10,000 edges. Then the view of synthetic results of
10k / 100k (and with ``--full`` 1M) edge rows, to show the cost per row stays flat (past
10,000 nodes the guardrail samples).

Run: ``.venv/bin/python bench/bench_graph_view.py`` (``--quick`` for 2,000 edges, ``--full``
adds the 1M-row view).
"""

from __future__ import annotations

import gc
import sys
import time

TARGET = 1.5
VIEW_TARGET_S = 0.150


def _best(fn, repeat: int) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - started)
    return best, value


def _to_networkx():
    try:
        from runic.notebook.convert import to_networkx

        return to_networkx, "runic.notebook.convert.to_networkx"
    except ImportError:  # the converter module is optional for this benchmark
        import networkx as nx

        from runic.notebook.widgets.graph_data import collect_elements

        def convert(result):
            nodes, edges = collect_elements(result)
            graph = nx.MultiDiGraph()
            graph.add_nodes_from((n.db_id, {**n.properties, "labels": n.labels}) for n in nodes)
            for e in edges:
                graph.add_edge(e.source, e.target, key=e.db_id, type=e.type, **e.properties)
            return graph

        return convert, "graph_view's own conversion"


def _previous_design(result, node_cap: int = 500) -> list[dict]:
    """What the view did before: every shown node as a dict, placed by a Python spring layout."""
    import networkx as nx

    from runic.notebook.widgets.graph_data import collect_elements

    nodes, edges = collect_elements(result)
    shown = nodes[:node_cap]
    keep = {n.key for n in shown}
    graph = nx.MultiGraph()
    graph.add_nodes_from(keep)
    graph.add_edges_from(
        (e.source, e.target) for e in edges if e.source in keep and e.target in keep
    )
    n = len(shown)
    pos = nx.spring_layout(
        graph, seed=7, k=1.5 / n**0.5, iterations=50 if n <= 300 else max(15, 50 * 300 // n)
    )
    return [
        {
            "id": v.key,
            "labels": list(v.labels),
            "caption": v.caption,
            "properties": v.properties,
            "x": float(pos[v.key][0]),
            "y": float(pos[v.key][1]),
        }
        for v in shown
    ]


def _synthetic(n_edges: int):
    from runic.ogm.driver.result import EdgeRecord, GraphResult, NodeRecord

    n_nodes = max(n_edges // 2, 1)
    nodes = [NodeRecord(i, (f"L{i % 6}",), {"name": f"n{i}", "w": i % 97}) for i in range(n_nodes)]
    rows = [
        [
            nodes[j % n_nodes],
            EdgeRecord(10**9 + j, "LINK", j % n_nodes, (j * 7919 + 13) % n_nodes, {}),
            nodes[(j * 7919 + 13) % n_nodes],
        ]
        for j in range(n_edges)
    ]
    return GraphResult(["a", "r", "b"], rows), n_nodes


def _view_at_scale(view_class, n_edges: int) -> str:
    synthetic, n_nodes = _synthetic(n_edges)
    took, big = _best(lambda: view_class(synthetic), 1 if n_edges > 100_000 else 3)
    shown = "sampled" if big.total_nodes > big.node_cap else "all shown"
    return (
        f"  GraphView of {n_edges:>9,} edge rows / {n_nodes:>7,} nodes {took * 1000:9.1f} ms "
        f"({took / n_edges * 1e6:5.2f} µs/row; {shown})"
    )


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    n_edges = 2_000 if quick else 10_000
    n_nodes = n_edges // 5
    repeat = 5

    import networkx as nx
    import pandas as pd

    from runic.notebook.widgets import GraphView
    from runic.ogm.driver.embedded import EmbeddedFalkorDB
    from runic.ogm.driver.falkordb import create_falkordb_driver
    from runic.ogm.schema.index_manager import IndexSpec

    server = EmbeddedFalkorDB()
    server.start()
    driver = create_falkordb_driver(graph="bench_graph_view", embedded=server)
    try:
        driver.execute("MATCH (n) DETACH DELETE n")
        driver.schema.create_index(IndexSpec("P", "i"))
        driver.execute(
            "UNWIND range(0, $n - 1) AS i CREATE (:P {i: i, name: 'p' + toString(i)})",
            {"n": n_nodes},
        )
        driver.execute(
            "UNWIND range(0, $m - 1) AS j "
            "MATCH (a:P {i: j % $n}), (b:P {i: (j * 7 + 13) % $n}) "
            "CREATE (a)-[:L {w: j}]->(b)",
            {"m": n_edges, "n": n_nodes},
        )
        result = driver.execute("MATCH (a:P)-[r:L]->(b:P) RETURN a, r, b")
        assert len(result) == n_edges, f"expected {n_edges} rows, got {len(result)}"

        convert, how = _to_networkx()
        runic_time, graph = _best(lambda: convert(result), repeat)

        def edge_frame():
            rows = [
                (r[1].start_id, r[1].end_id, r[1].id, r[1].type, r[1].properties.get("w"))
                for r in result.rows
            ]
            return pd.DataFrame(rows, columns=["source", "target", "key", "type", "w"])

        def baseline():
            return nx.from_pandas_edgelist(
                edge_frame(),
                "source",
                "target",
                edge_attr=["type", "w"],
                create_using=nx.MultiDiGraph,
                edge_key="key",
            )

        base_time, base_graph = _best(baseline, repeat)
        frame = edge_frame()
        call_time, _ = _best(
            lambda: nx.from_pandas_edgelist(
                frame,
                "source",
                "target",
                edge_attr=["type", "w"],
                create_using=nx.MultiDiGraph,
                edge_key="key",
            ),
            repeat,
        )
        view_time, view = _best(lambda: GraphView(result), repeat)
        old_time, _ = _best(lambda: _previous_design(result), 1 if not quick else 2)

        assert graph.number_of_edges() == base_graph.number_of_edges() == n_edges
        assert graph.number_of_nodes() == base_graph.number_of_nodes()
        ratio = runic_time / base_time
        print(
            f"P4 traversal → networkx, {n_edges:,} edges / {graph.number_of_nodes():,} nodes ({how})"
        )
        print(
            f"  runic to_networkx           {runic_time * 1000:8.1f} ms  (nodes with properties and labels)"
        )
        print(f"  DataFrame + from_pandas     {base_time * 1000:8.1f} ms  (edges only)")
        print(f"  from_pandas_edgelist alone  {call_time * 1000:8.1f} ms")
        print(
            f"  ratio {ratio:.2f}x (target ≤ {TARGET}x) — {'ok' if ratio <= TARGET else 'MISSED'}"
        )
        print(f"P5 GraphView of the same result ({view.message})")
        print(
            f"  GraphView (columns + buffers) {view_time * 1000:8.1f} ms  (target ≤ {VIEW_TARGET_S * 1000:.0f} ms) — "
            f"{'ok' if view_time <= VIEW_TARGET_S else 'MISSED'}"
        )
        print(
            f"  previous design (dicts + Python layout, cap 500) {old_time * 1000:8.1f} ms  "
            f"({old_time / view_time:.1f}x slower)"
        )
        sizes = [10_000, 100_000] + ([1_000_000] if "--full" in argv else [])
        for n_edges in sizes:
            print(_view_at_scale(GraphView, n_edges))
        return 0 if ratio <= TARGET and view_time <= VIEW_TARGET_S else 1
    finally:
        driver.close()
        server.stop()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

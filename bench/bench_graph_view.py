"""P4 — a 10k-edge traversal result to networkx, against ``nx.from_pandas_edgelist``.

One embedded FalkorDB graph of 2,000 nodes and 10,000 edges; the traversal
``MATCH (a)-[r]->(b) RETURN a, r, b`` is fetched once. Timed on those same rows:

* runic: ``runic.notebook.convert.to_networkx(result)`` — a lossless MultiDiGraph
  (node properties and labels, edge ids as keys, edge type and properties);
* baseline: what one writes by hand from the rows — a DataFrame of
  (start id, end id, edge id, type, properties) and ``nx.from_pandas_edgelist`` into a
  MultiDiGraph (edge attributes only, no node attributes).

Target: runic ≤ 1.5x the baseline. Also printed: the baseline without building its frame,
and how long a ``GraphView`` of the result takes (node cap 500).

Run: ``.venv/bin/python bench/bench_graph_view.py`` (``--quick`` for 2,000 edges).
"""

from __future__ import annotations

import gc
import sys
import time

TARGET = 1.5


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
        driver.execute("UNWIND range(0, $n - 1) AS i CREATE (:P {i: i, name: 'p' + toString(i)})", {"n": n_nodes})
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
            rows = [(r[1].start_id, r[1].end_id, r[1].id, r[1].type, r[1].properties.get("w")) for r in result.rows]
            return pd.DataFrame(rows, columns=["source", "target", "key", "type", "w"])

        def baseline():
            return nx.from_pandas_edgelist(
                edge_frame(), "source", "target", edge_attr=["type", "w"],
                create_using=nx.MultiDiGraph, edge_key="key",
            )

        base_time, base_graph = _best(baseline, repeat)
        frame = edge_frame()
        call_time, _ = _best(
            lambda: nx.from_pandas_edgelist(
                frame, "source", "target", edge_attr=["type", "w"], create_using=nx.MultiDiGraph, edge_key="key"
            ),
            repeat,
        )
        view_time, view = _best(lambda: GraphView(result, node_cap=500), 1)

        assert graph.number_of_edges() == base_graph.number_of_edges() == n_edges
        assert graph.number_of_nodes() == base_graph.number_of_nodes()
        ratio = runic_time / base_time
        print(f"P4 traversal → networkx, {n_edges:,} edges / {graph.number_of_nodes():,} nodes ({how})")
        print(f"  runic to_networkx           {runic_time * 1000:8.1f} ms  (nodes with properties and labels)")
        print(f"  DataFrame + from_pandas     {base_time * 1000:8.1f} ms  (edges only)")
        print(f"  from_pandas_edgelist alone  {call_time * 1000:8.1f} ms")
        print(f"  ratio {ratio:.2f}x (target ≤ {TARGET}x) — {'ok' if ratio <= TARGET else 'MISSED'}")
        print(f"  GraphView of the result     {view_time * 1000:8.1f} ms  ({view.message})")
        return 0 if ratio <= TARGET else 1
    finally:
        driver.close()
        server.stop()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

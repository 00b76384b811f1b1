"""Decoding compact FalkorDB replies (pure logic over reply shapes the server sends)."""

from __future__ import annotations

import math

import pytest

from runic.ogm.driver._falkordb_decode import (
    GraphNames,
    UnknownNameError,
    decode_reply,
    parse_stats,
)
from runic.ogm.driver.result import EdgeRecord, NodeRecord, PathRecord

pytestmark = [pytest.mark.unit]

STATS = [
    "Labels added: 1",
    "Nodes created: 2",
    "Properties set: 3",
    "Relationships created: 1",
    "Cached execution: 0",
    "Query internal execution time: 0.5 milliseconds",
]


def names() -> GraphNames:
    n = GraphNames()
    n.set("labels", ["Person", "Admin"])
    n.set("types", ["KNOWS"])
    n.set("keys", ["name", "age", "score", "ok", "tags"])
    return n


def node_payload(nid=0, labels=(0,)):
    return [
        nid,
        list(labels),
        [[0, 2, "Ada"], [1, 3, 36], [2, 5, "0.5"], [3, 4, "true"], [4, 6, [[2, "x"], [1, None]]]],
    ]


def test_nodes_decode_with_labels_and_typed_properties():
    reply = [[[1, "n"]], [[[8, node_payload(7, (0, 1))]]], STATS]
    columns, rows, _ = decode_reply(reply, names())
    (node,) = rows[0]
    assert columns == ["n"]
    assert node == NodeRecord(
        7,
        ("Person", "Admin"),
        {"name": "Ada", "age": 36, "score": 0.5, "ok": True, "tags": ["x", None]},
    )


def test_edges_paths_maps_points_vectors_and_special_floats():
    edge = [3, 0, 1, 2, [[1, 3, 5]]]
    path = [[6, [[8, node_payload(1)], [8, node_payload(2)]]], [6, [[7, edge]]]]
    row = [
        [7, edge],
        [9, path],
        [10, ["k", [11, ["1.5", "2.5"]], "v", [12, [1.0, 2.0]]]],
        [5, "inf"],
        [5, "-nan"],
    ]
    _, rows, _ = decode_reply([[[1, c] for c in "abcde"], [row], STATS], names())
    e, p, m, inf, nan = rows[0]
    assert e == EdgeRecord(3, "KNOWS", 1, 2, {"age": 5})
    assert isinstance(p, PathRecord) and [n.id for n in p.nodes] == [1, 2] and p.edges == (e,)
    assert m == {"k": {"latitude": 1.5, "longitude": 2.5}, "v": [1.0, 2.0]}
    assert inf == math.inf and math.isnan(nan)


@pytest.mark.parametrize(
    "cell, kind",
    [
        ([8, [0, [5], []]], "labels"),
        ([8, [0, [0], [[9, 2, "x"]]]], "keys"),
        ([7, [0, 4, 0, 1, []]], "types"),
        ([6, [[8, [0, [0, 9], []]]]], "labels"),
    ],
)
def test_unknown_name_ids_ask_for_a_refresh(cell, kind):
    with pytest.raises(UnknownNameError) as info:
        decode_reply([[[1, "x"]], [[cell]], STATS], names())
    assert info.value.kind == kind


def test_statements_without_results():
    columns, rows, stats = decode_reply([STATS], names())
    assert columns == [] and rows == [] and stats == STATS


def test_stats_become_counters_and_server_time():
    counters, server_ms = parse_stats(
        STATS + ["Indices created: 2", "Nodes deleted: 4", "Labels removed: 1"]
    )
    assert counters.as_dict() == {
        "nodes_created": 2,
        "nodes_deleted": 4,
        "relationships_created": 1,
        "properties_set": 3,
        "labels_added": 1,
        "labels_removed": 1,
        "indexes_added": 2,
    }
    assert server_ms == 0.5

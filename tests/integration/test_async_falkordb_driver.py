"""AsyncFalkorDBDriver against the embedded FalkorDB: the sync tests, awaited (same names)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta

import pytest

from runic.ogm.driver import EdgeRecord, GraphResult, NodeRecord, PathRecord
from runic.ogm.driver.falkordb import create_falkordb_driver
from runic.ogm.exceptions import (
    ConstraintViolationError,
    DriverError,
    QueryError,
    QueryTimeoutError,
    ReadOnlyError,
)

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]
HOSTILE_STRINGS = [
    "",
    "it's",
    'say "hi"',
    "back\\slash",
    "\\",
    "\\'",
    "'\\",
    "ends with backslash \\",
    "line1\nline2\r\nline3",
    "tab\there",
    "ünïcødé €uro 😀 中文",
    "$x $`y` {z}",
    "' RETURN 1 //",
    "CYPHER a=1 RETURN",
    "`backticks`",
    "\\n is not a newline",
    "\\u00e9 stays literal",
    "".join(chr(i) for i in range(1, 32)) + "\x7f",
    "/* not a comment */ // nor this",
]
SLOW_READ = "UNWIND range(1, 50000000) AS x WITH x WHERE x % 7 = 3 RETURN count(x)"


async def test_create_returns_node_and_edge_records(async_falkordb_driver):
    result = await async_falkordb_driver.execute(
        "CREATE (a:Person:Admin {name: $a})-[r:KNOWS {since: 2020}]->(b:Person {name: $b}) RETURN a, r, b",
        {"a": "Ada", "b": "Bob"},
    )
    assert isinstance(result, GraphResult)
    assert result.columns == ["a", "r", "b"]
    a, r, b = result.rows[0]
    assert (
        isinstance(a, NodeRecord)
        and set(a.labels) == {"Person", "Admin"}
        and (a.properties == {"name": "Ada"})
    )
    assert isinstance(r, EdgeRecord) and r.type == "KNOWS" and (r.properties == {"since": 2020})
    assert (r.start_id, r.end_id) == (a.id, b.id)
    assert isinstance(a.id, int) and a.element_id == a.id


async def test_all_value_types_decode(async_falkordb_driver):
    row = (
        await async_falkordb_driver.execute(
            "RETURN 'text', 42, -1.5, true, false, null, [1, 'two', null], {k: 'v', n: 1}, point({latitude: 52.5, longitude: 13.4}), vecf32([0.5, -1.0]), date('2024-01-02'), localdatetime('2024-01-02T03:04:05'), localtime('12:30:00'), duration({days: 2, hours: 3})"
        )
    ).rows[0]
    assert row[:6] == ["text", 42, -1.5, True, False, None]
    assert row[6] == [1, "two", None]
    assert row[7] == {"k": "v", "n": 1}
    assert row[8] == {"latitude": 52.5, "longitude": pytest.approx(13.4, rel=1e-06)}
    assert row[9] == [0.5, -1.0] and all(isinstance(x, float) for x in row[9])
    assert row[10] == date(2024, 1, 2)
    assert row[11] == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert row[12] == time(12, 30)
    assert row[13] == timedelta(days=2, hours=3)


async def test_stored_properties_of_every_kind_decode(async_falkordb_driver):
    await async_falkordb_driver.execute(
        "CREATE (:Doc {s: $s, i: $i, f: $f, b: $b, l: $l, v: vecf32($v), p: point($p)})",
        {
            "s": "x",
            "i": 7,
            "f": 0.25,
            "b": True,
            "l": [1, 2],
            "v": [1.0, 2.0],
            "p": {"latitude": 1.5, "longitude": 2.5},
        },
    )
    node = (await async_falkordb_driver.execute("MATCH (d:Doc) RETURN d")).value()
    assert node.properties == {
        "s": "x",
        "i": 7,
        "f": 0.25,
        "b": True,
        "l": [1, 2],
        "v": [1.0, 2.0],
        "p": {"latitude": 1.5, "longitude": 2.5},
    }


async def test_nested_paths_lists_and_maps_decode(async_falkordb_driver):
    await async_falkordb_driver.execute(
        "CREATE (:N {i: 1})-[:T {w: 1}]->(:N {i: 2})-[:T {w: 2}]->(:N {i: 3})"
    )
    result = await async_falkordb_driver.execute(
        "MATCH p = (a:N {i: 1})-[:T*2]->(c) RETURN p, [p, {path: p, ends: [a, c]}] AS nested, {m: {deeper: [a]}} AS maps"
    )
    path, nested, maps = result.rows[0]
    assert isinstance(path, PathRecord) and len(path) == 2
    assert [n.properties["i"] for n in path.nodes] == [1, 2, 3]
    assert [e.properties["w"] for e in path.edges] == [1, 2]
    assert nested[0] == path and nested[1]["path"] == path
    assert [n.properties["i"] for n in nested[1]["ends"]] == [1, 3]
    assert maps["m"]["deeper"][0].properties == {"i": 1}
    assert len(result.nodes()) == 3 and len(result.edges()) == 2


async def test_hostile_strings_round_trip_exactly(async_falkordb_driver):
    for text in HOSTILE_STRINGS:
        assert (await async_falkordb_driver.execute("RETURN $s", {"s": text})).value() == text, (
            repr(text)
        )
    await async_falkordb_driver.execute(
        "UNWIND $rows AS r CREATE (:S {i: r.i, s: r.s})",
        {"rows": [{"i": i, "s": s} for i, s in enumerate(HOSTILE_STRINGS)]},
    )
    stored = (await async_falkordb_driver.execute("MATCH (n:S) RETURN n.i, n.s ORDER BY n.i")).rows
    assert [s for _, s in stored] == HOSTILE_STRINGS


async def test_hostile_map_keys_and_parameter_names_round_trip(async_falkordb_driver):
    value = {"with space": 1, "ünï": 2, "$dollar": 3, "it's": 4, "a\\b": 5}
    assert (
        await async_falkordb_driver.execute("RETURN $`odd name`", {"odd name": value})
    ).value() == value


async def test_special_floats_round_trip(async_falkordb_driver):
    row = (
        await async_falkordb_driver.execute(
            "RETURN $a, $b, $c, $d, $e",
            {"a": math.inf, "b": -math.inf, "c": float("nan"), "d": -0.0, "e": 1e-300},
        )
    ).rows[0]
    assert row[0] == math.inf and row[1] == -math.inf and math.isnan(row[2])
    assert row[3] == 0.0 and math.copysign(1, row[3]) == -1
    assert row[4] == 1e-300


async def test_nan_inside_nested_parameters(async_falkordb_driver):
    value = (
        await async_falkordb_driver.execute(
            "RETURN $v", {"v": {"xs": [1.0, float("nan")], "s": "it's $v"}}
        )
    ).value()
    assert value["s"] == "it's $v" and value["xs"][0] == 1.0 and math.isnan(value["xs"][1])


async def test_nested_parameters_round_trip(async_falkordb_driver):
    value = {
        "list": [1, 2.5, None, True, False, "s", [[]], {}],
        "map": {"inner": {"deep": [{"x": None}]}},
        "big": 2**63 - 1,
        "neg": -(2**63),
    }
    assert (await async_falkordb_driver.execute("RETURN $v", {"v": value})).value() == value


async def test_counters_report_changes(async_falkordb_driver):
    summary = (await async_falkordb_driver.execute("CREATE (:A {x: 1, y: 2})-[:R]->(:B)")).summary
    c = summary.counters
    assert (c.nodes_created, c.relationships_created, c.properties_set, c.labels_added) == (
        2,
        1,
        2,
        2,
    )
    assert c.contains_updates and c.available
    c = (await async_falkordb_driver.execute("MATCH (a:A) SET a:C REMOVE a:A")).summary.counters
    assert (c.labels_added, c.labels_removed) == (1, 1)
    c = (await async_falkordb_driver.execute("MATCH (n) DETACH DELETE n")).summary.counters
    assert (c.nodes_deleted, c.relationships_deleted) == (2, 1)
    c = (await async_falkordb_driver.execute("CREATE INDEX FOR (n:A) ON (n.x)")).summary.counters
    assert c.indexes_added == 1
    c = (await async_falkordb_driver.execute("DROP INDEX FOR (n:A) ON (n.x)")).summary.counters
    assert c.indexes_removed == 1
    assert not (await async_falkordb_driver.execute("RETURN 1")).summary.counters.contains_updates


async def test_summary_reports_server_and_client_time(async_falkordb_driver):
    summary = (await async_falkordb_driver.execute("RETURN 1")).summary
    assert summary.server_time_ms is not None and summary.server_time_ms >= 0
    assert summary.client_time_ms is not None and summary.client_time_ms >= summary.server_time_ms
    assert summary.backend == "falkordb"


async def test_readonly_call_is_refused_by_the_database_and_graph_unchanged(async_falkordb_driver):
    await async_falkordb_driver.execute("CREATE (:Keep {v: 1})")
    with pytest.raises(ReadOnlyError) as info:
        await async_falkordb_driver.execute(
            "MATCH (k:Keep) SET k.v = 2 CREATE (:New)", readonly=True
        )
    assert "nothing was kept" in str(info.value)
    assert isinstance(info.value, QueryError) and info.value.__cause__ is not None
    assert (await async_falkordb_driver.execute("MATCH (k:Keep) RETURN k.v")).value() == 1
    assert (await async_falkordb_driver.execute("MATCH (n:New) RETURN count(n)")).value() == 0
    assert (
        await async_falkordb_driver.execute("MATCH (k:Keep) RETURN k.v", readonly=True)
    ).value() == 1


async def test_readonly_driver_refuses_writes_and_cannot_be_loosened(
    embedded_falkordb, async_falkordb_driver
):
    await async_falkordb_driver.execute("CREATE (:Existing)")
    ro = create_falkordb_driver(
        graph=async_falkordb_driver.graph_name,
        embedded=embedded_falkordb,
        readonly=True,
        async_=True,
    )
    try:
        with pytest.raises(ReadOnlyError):
            await ro.execute("CREATE (:X)")
        with pytest.raises(ValueError, match="read-only"):
            await ro.execute("CREATE (:X)", readonly=False)
        assert (await async_falkordb_driver.execute("MATCH (x:X) RETURN count(x)")).value() == 0
        assert "readonly" in repr(ro)
    finally:
        await ro.close()


async def test_timeout_raises_and_connection_stays_usable(async_falkordb_driver):
    with pytest.raises(QueryTimeoutError) as info:
        await async_falkordb_driver.execute(SLOW_READ, timeout=0.05)
    assert info.value.timeout_s == 0.05 and isinstance(info.value, TimeoutError)
    assert (await async_falkordb_driver.execute("RETURN 41 + 1")).value() == 42


async def test_driver_default_timeout_applies(embedded_falkordb, async_falkordb_driver):
    d = create_falkordb_driver(
        graph=async_falkordb_driver.graph_name,
        embedded=embedded_falkordb,
        timeout=0.05,
        async_=True,
    )
    try:
        with pytest.raises(QueryTimeoutError):
            await d.execute(SLOW_READ)
        assert (await d.execute("RETURN 1")).value() == 1
    finally:
        await d.close()


async def test_syntax_error_gives_position_within_the_callers_query(async_falkordb_driver):
    query = "MATCH (n)\nWHERE n.x = $value\nRETURN n LIMT 1"
    with pytest.raises(QueryError) as info:
        await async_falkordb_driver.execute(query, {"value": "secret-value"})
    err = info.value
    assert err.line == 3 and err.column is not None
    assert err.backend == "falkordb" and err.query == query and (err.param_names == ["value"])
    assert err.backend_message
    assert "secret-value" not in str(err)
    assert "RETURN n LIMT 1" in str(err)


async def test_runtime_errors_become_query_errors(async_falkordb_driver):
    with pytest.raises(QueryError, match="Division by zero"):
        await async_falkordb_driver.execute("UNWIND [1, 0] AS x RETURN 1 / x")
    with pytest.raises(QueryError, match="pass every"):
        await async_falkordb_driver.execute("RETURN $missing")
    assert (await async_falkordb_driver.execute("RETURN 2")).value() == 2


async def test_unique_violation_raises_constraint_violation(async_falkordb_driver):
    from runic.ogm.schema.index_manager import IndexSpec

    await async_falkordb_driver.schema.create_index(
        IndexSpec("User", "email", "exact", unique=True)
    )
    await async_falkordb_driver.execute("CREATE (:User {email: $e})", {"e": "a@x"})
    with pytest.raises(ConstraintViolationError) as info:
        await async_falkordb_driver.execute("CREATE (:User {email: $e})", {"e": "a@x"})
    assert info.value.label == "User"
    assert "a@x" not in str(info.value)
    assert (await async_falkordb_driver.execute("MATCH (u:User) RETURN count(u)")).value() == 1


async def test_explain_and_profile(async_falkordb_driver):
    await async_falkordb_driver.execute("CREATE (:P {x: 1})")
    plan = await async_falkordb_driver.explain("MATCH (n:P) WHERE n.x = $x RETURN n", {"x": 1})
    assert any("Scan" in line for line in plan)
    profile = await async_falkordb_driver.explain("MATCH (n:P) RETURN n", profile=True)
    assert any("Records produced" in line for line in profile)


async def test_names_cache_refreshes_when_another_client_adds_labels(
    embedded_falkordb, async_falkordb_driver
):
    await async_falkordb_driver.execute("CREATE (:First {a: 1})")
    assert (await async_falkordb_driver.execute("MATCH (n) RETURN n")).value().labels == ("First",)
    other = create_falkordb_driver(
        graph=async_falkordb_driver.graph_name, embedded=embedded_falkordb, async_=True
    )
    try:
        await other.execute("CREATE (:Second {b: 2})-[:LINK {c: 3}]->(:Third)")
    finally:
        await other.close()
    rows = (await async_falkordb_driver.execute("MATCH (a:Second)-[r]->(b) RETURN a, r, b")).rows
    a, r, b = rows[0]
    assert a.labels == ("Second",) and a.properties == {"b": 2}
    assert r.type == "LINK" and r.properties == {"c": 3} and (b.labels == ("Third",))


async def test_reading_a_graph_that_does_not_exist_finds_nothing(embedded_falkordb):
    d = create_falkordb_driver(
        graph="never_written", embedded=embedded_falkordb, readonly=True, async_=True
    )
    try:
        assert (await d.execute("MATCH (n) RETURN count(n)")).value() == 0
        with pytest.raises(ReadOnlyError):
            await d.execute("CREATE (:X)")
    finally:
        await d.close()


async def test_result_helpers(async_falkordb_driver):
    await async_falkordb_driver.execute("UNWIND range(1, 3) AS i CREATE (:R {i: i})")
    result = await async_falkordb_driver.execute("MATCH (r:R) RETURN r.i AS i, r ORDER BY i")
    assert len(result) == 3 and result.values("i") == [1, 2, 3] and (result.value() == 1)
    assert result[0]["i"] == 1 and [rec["i"] for rec in result] == [1, 2, 3]
    assert len(result.nodes()) == 3
    assert result.query.startswith("MATCH") and result.params is None


async def test_many_rows_keep_their_order(async_falkordb_driver):
    await async_falkordb_driver.execute(
        "UNWIND range(0, 4999) AS i CREATE (:M {i: i, s: toString(i), f: i / 2.0})"
    )
    rows = (await async_falkordb_driver.execute("MATCH (m:M) RETURN m ORDER BY m.i")).rows
    assert [r[0].properties["i"] for r in rows] == list(range(5000))
    assert rows[4999][0].properties == {"i": 4999, "s": "4999", "f": 2499.5}


async def test_close_is_idempotent_and_a_closed_driver_refuses(embedded_falkordb):
    d = create_falkordb_driver(graph="closing", embedded=embedded_falkordb, async_=True)
    assert (await d.execute("RETURN 1")).value() == 1
    await d.close()
    await d.close()
    assert d.closed and embedded_falkordb.running
    with pytest.raises(DriverError, match="closed"):
        await d.execute("RETURN 1")


async def test_driver_over_a_graph_handle_built_by_the_caller(embedded_falkordb):
    from falkordb.asyncio import FalkorDB

    from runic.ogm.driver.falkordb import AsyncFalkorDBDriver

    db = FalkorDB(unix_socket_path=embedded_falkordb.unix_socket_path)
    driver = AsyncFalkorDBDriver(db.select_graph("handle_graph"), db)
    try:
        assert (await driver.execute("RETURN 7")).value() == 7
        assert driver.url == f"unix://{embedded_falkordb.unix_socket_path}?graph=handle_graph"
    finally:
        await driver.close()


async def test_create_driver_url_keys_reach_the_driver(embedded_falkordb):
    from runic.ogm.driver import AsyncFalkorDBDriver, create_driver

    writer = create_driver(
        f"unix://{embedded_falkordb.unix_socket_path}?graph=from_url", async_=True
    )
    await writer.execute("CREATE (:Seed)")
    await writer.close()
    url = f"unix://{embedded_falkordb.unix_socket_path}?graph=from_url&readonly=true&timeout=2.5"
    driver = create_driver(url, async_=True)
    try:
        assert isinstance(driver, AsyncFalkorDBDriver)
        assert driver.graph_name == "from_url" and driver.readonly
        with pytest.raises(ReadOnlyError):
            await driver.execute("CREATE (:Nope)")
    finally:
        await driver.close()
    driver = create_driver(
        f"unix://{embedded_falkordb.unix_socket_path}", graph="by_keyword", async_=True
    )
    try:
        assert driver.graph_name == "by_keyword" and not driver.readonly
        assert (await driver.execute("CREATE (n:Yes) RETURN count(n)")).value() == 1
    finally:
        await driver.close()


async def test_url_and_repr(async_falkordb_driver):
    assert async_falkordb_driver.url.startswith("falkordb+embedded://")
    assert async_falkordb_driver.graph_name in async_falkordb_driver.url
    assert async_falkordb_driver.backend == "falkordb"
    assert async_falkordb_driver.dialect.name == "falkordb"
    assert repr(async_falkordb_driver).startswith("<AsyncFalkorDBDriver falkordb+embedded://")


async def test_cancelled_query_leaves_the_driver_usable(async_falkordb_driver):
    import asyncio

    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(async_falkordb_driver.execute(SLOW_READ, timeout=2), 0.1)
    assert (await async_falkordb_driver.execute("RETURN 'still here'")).value() == "still here"


async def test_execute_columns_returns_each_column_in_one_list(async_falkordb_driver):
    await async_falkordb_driver.execute(
        "UNWIND range(1, 1500) AS i CREATE (:C {i: i, s: toString(i), f: i * 0.5, maybe: CASE WHEN i % 2 = 0 THEN i END})"
    )
    columns, data, summary = await async_falkordb_driver.execute_columns(
        "MATCH (c:C) RETURN c.i AS i, c.s AS s, c.f AS f, c.maybe AS maybe, c AS node ORDER BY c.i"
    )
    assert columns == ["i", "s", "f", "maybe", "node"]
    assert data[0] == list(range(1, 1501)) and data[1][:2] == ["1", "2"]
    assert data[2][:2] == [0.5, 1.0] and isinstance(data[2][0], float)
    assert data[3][:4] == [None, 2, None, 4]
    assert data[4][0].properties["i"] == 1 and data[4][0].labels == ("C",)
    result = await async_falkordb_driver.execute("MATCH (c:C) RETURN c.i AS i, c.s AS s, c.f AS f, c.maybe AS maybe, c AS node ORDER BY c.i")
    assert [list(r) for r in zip(*data)] == result.rows
    assert summary.server_time_ms is not None


async def test_the_collector_is_paused_while_a_reply_is_read_and_on_again_after(async_falkordb_driver, monkeypatch):
    import gc

    seen = []
    graph = async_falkordb_driver.graph
    send = graph.execute_command

    async def watching(*args):
        seen.append(gc.isenabled())
        return await send(*args)

    monkeypatch.setattr(graph, "execute_command", watching)
    was = gc.isenabled()
    gc.enable()
    try:
        await async_falkordb_driver.execute("RETURN 1 AS one")
        assert seen and seen[0] is False
        assert gc.isenabled()
    finally:
        if not was:
            gc.disable()

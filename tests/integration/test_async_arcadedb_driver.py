"""AsyncBoltDriver against a live ArcadeDB: the async twin of test_arcadedb_driver.py."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from arcadedb_fixtures import FAILED_LOGIN_USER

from runic.ogm.driver import EdgeRecord, NodeRecord, PathRecord, create_driver
from runic.ogm.driver.arcadedb import ArcadeDBDialect, create_arcadedb_driver
from runic.ogm.exceptions import (
    ConnectionFailedError,
    ConstraintViolationError,
    QueryError,
    QueryTimeoutError,
    ReadOnlyError,
    UnsupportedFeatureError,
)
from runic.ogm.schema.index_manager import IndexSpec

pytestmark = [pytest.mark.integration, pytest.mark.arcadedb]

HOSTILE = [
    "O'Brien",
    'say "hi"',
    "back`tick",
    "a\\b\\\\c",
    "line\nbreak\ttab",
    "}) DETACH DELETE n //",
    "$param {x}",
    "ünïcødé ✓ 🙂",
    "",
]
#: about two seconds of server work; past a 0.3 s timeout the server still finishes it
SLOW = "UNWIND range(1, 1500) AS a UNWIND range(1, 1500) AS b WITH a, b WHERE a * b = -1 RETURN count(*)"


async def test_values_round_trip_as_parameters(async_arcadedb_driver):
    values = {
        "i": -(2**62),
        "f": 1.5,
        "t": True,
        "none": None,
        "items": [1, "two", 3.0, False],
        "nested": {"k": [1, 2], "s": "x"},
        "day": dt.date(2024, 2, 29),
        "moment": dt.datetime(2024, 2, 29, 13, 14, 15, tzinfo=dt.UTC),
    }
    result = await async_arcadedb_driver.execute(
        "RETURN " + ", ".join(f"${k} AS {k}" for k in values), values
    )
    assert result.records[0] == values


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_strings_are_stored_verbatim(async_arcadedb_driver, text):
    await async_arcadedb_driver.execute("CREATE (n:Note {body: $body})", {"body": text})
    assert (await async_arcadedb_driver.execute("MATCH (n:Note) RETURN n.body AS b")).values() == [
        text
    ]
    assert (
        await async_arcadedb_driver.execute(
            "MATCH (n:Note) WHERE n.body = $b RETURN count(n)", {"b": text}
        )
    ).value() == 1


async def test_nodes_and_edges_decode_to_records(async_arcadedb_driver):
    result = await async_arcadedb_driver.execute(
        "CREATE (a:Person {name: $a, tags: $tags})-[r:KNOWS {since: 2001}]->(b:Person {name: $b}) RETURN a, r, b",
        {"a": "Ada", "b": "Bob", "tags": ["x", "y"]},
    )
    a, r, b = result.rows[0]
    assert isinstance(a, NodeRecord) and isinstance(r, EdgeRecord) and isinstance(b, NodeRecord)
    assert a.labels == ("Person",) and a.properties == {"name": "Ada", "tags": ["x", "y"]}
    assert r.type == "KNOWS" and r.properties == {"since": 2001}
    assert (r.start_id, r.end_id) == (a.id, b.id)
    assert [n.properties["name"] for n in result.nodes()] == ["Ada", "Bob"]
    assert result.edges() == [r]


async def test_id_function_finds_the_node(async_arcadedb_driver):
    dialect = async_arcadedb_driver.dialect
    created = (
        await async_arcadedb_driver.execute(
            f"CREATE (n:Person {{name: 'Ada'}}) RETURN n, {dialect.id_function('n')} AS id"
        )
    ).rows[0]
    assert created[0].id == created[1]
    found = await async_arcadedb_driver.execute(
        f"MATCH (n) WHERE {dialect.id_function('n')} = {dialect.id_param('$id')} RETURN n.name",
        {"id": created[1]},
    )
    assert found.values() == ["Ada"]


async def test_multiple_labels_round_trip(async_arcadedb_driver):
    node = (
        await async_arcadedb_driver.execute("CREATE (n:Person:Employee {name: 'Ada'}) RETURN n")
    ).value()
    assert node.labels == ("Employee", "Person")
    assert (await async_arcadedb_driver.execute("MATCH (n:Employee) RETURN n.name")).values() == [
        "Ada"
    ]
    assert (
        await async_arcadedb_driver.execute("MATCH (n:Person:Employee) RETURN count(n)")
    ).value() == 1


async def test_var_length_paths_decode_to_path_records(async_arcadedb_driver):
    await async_arcadedb_driver.execute(
        "CREATE (:P {i: 1})-[:NEXT]->(:P {i: 2})-[:NEXT]->(:P {i: 3})-[:NEXT]->(:P {i: 4})"
    )
    paths = (
        await async_arcadedb_driver.execute(
            "MATCH p = (a:P {i: 1})-[:NEXT*1..2]->(b) RETURN p ORDER BY length(p)"
        )
    ).values()
    assert [len(p) for p in paths] == [1, 2]
    longest = paths[-1]
    assert isinstance(longest, PathRecord)
    assert [n.properties["i"] for n in longest.nodes] == [1, 2, 3]
    assert all(
        e.start_id == longest.nodes[k].id and e.end_id == longest.nodes[k + 1].id
        for k, e in enumerate(longest.edges)
    )
    open_ended = (
        await async_arcadedb_driver.execute(
            "MATCH (a:P {i: 1})-[:NEXT*2..]->(b) RETURN b.i ORDER BY b.i"
        )
    ).values()
    assert open_ended == [3, 4]


async def test_render_create_node_round_trips_vectors_and_geo_locations(async_arcadedb_driver):
    props = {"name": "Ada", "emb": [0.5, 0.25], "home": {"latitude": 48.85, "longitude": 2.35}}
    clause = async_arcadedb_driver.dialect.render_create_node(("Person", "Employee"), props)
    await async_arcadedb_driver.execute(clause, clause.params)
    node = (await async_arcadedb_driver.execute("MATCH (n:Person) RETURN n")).value()
    assert node.labels == ("Employee", "Person")
    assert node.properties == props


async def test_merge_then_set_creates_once(async_arcadedb_driver):
    for age in (30, 31):
        await async_arcadedb_driver.execute(
            "MERGE (n:Person {name: $name}) SET n.age = $age", {"name": "Ada", "age": age}
        )
    assert (await async_arcadedb_driver.execute("MATCH (n:Person) RETURN n.name, n.age")).rows == [
        ["Ada", 31]
    ]


async def test_counters_describe_the_write(async_arcadedb_driver):
    summary = (
        await async_arcadedb_driver.execute(
            "UNWIND $rows AS row CREATE (n:R) SET n += row", {"rows": [{"a": 1}, {"a": 2}]}
        )
    ).summary
    assert summary.counters.nodes_created == 2
    assert summary.counters.contains_updates
    assert summary.backend == "arcadedb"
    assert summary.client_time_ms is not None and summary.client_time_ms >= 0


async def test_transaction_commit_keeps_and_rollback_discards(async_arcadedb_driver):
    await async_arcadedb_driver.begin()
    assert async_arcadedb_driver.in_transaction()
    await async_arcadedb_driver.execute("CREATE (:Kept)")
    await async_arcadedb_driver.commit()
    await async_arcadedb_driver.begin()
    await async_arcadedb_driver.execute("CREATE (:Dropped)")
    assert (await async_arcadedb_driver.execute("MATCH (n:Dropped) RETURN count(n)")).value() == 1
    await async_arcadedb_driver.rollback()
    assert not async_arcadedb_driver.in_transaction()
    assert (await async_arcadedb_driver.execute("MATCH (n:Kept) RETURN count(n)")).value() == 1
    assert (await async_arcadedb_driver.execute("MATCH (n:Dropped) RETURN count(n)")).value() == 0


async def test_readonly_call_refuses_write_and_keeps_graph_unchanged(async_arcadedb_driver):
    await async_arcadedb_driver.execute("CREATE (:Person {name: 'Ada'})")
    with pytest.raises(ReadOnlyError, match="nothing was kept"):
        await async_arcadedb_driver.execute(
            "MATCH (n:Person) SET n.name = 'Eve' CREATE (:Intruder)", readonly=True
        )
    assert (await async_arcadedb_driver.execute("MATCH (n) RETURN labels(n), n.name")).rows == [
        [["Person"], "Ada"]
    ]
    assert (
        await async_arcadedb_driver.execute("MATCH (n:Person) RETURN n.name", readonly=True)
    ).values() == ["Ada"]


async def test_readonly_transaction_keeps_nothing(async_arcadedb_driver):
    await async_arcadedb_driver.begin(readonly=True)
    with pytest.raises(ReadOnlyError):
        await async_arcadedb_driver.execute("CREATE (:Intruder)")
    assert not async_arcadedb_driver.in_transaction()
    assert (await async_arcadedb_driver.execute("MATCH (n:Intruder) RETURN count(n)")).value() == 0


async def test_readonly_driver_cannot_be_loosened_per_call(arcadedb_server, arcadedb_database):
    driver = create_arcadedb_driver(
        arcadedb_server.host,
        arcadedb_server.bolt_port,
        arcadedb_database,
        "root",
        arcadedb_server.password,
        http_port=arcadedb_server.http_port,
        readonly=True,
        async_=True,
    )
    try:
        with pytest.raises(ValueError, match="read-only"):
            await driver.execute("CREATE (:X)", readonly=False)
        with pytest.raises(ReadOnlyError):
            await driver.execute("CREATE (:X)")
        assert (await driver.execute("MATCH (n:X) RETURN count(n)")).value() == 0
    finally:
        await driver.close()


async def test_timeout_raises_and_connection_stays_usable(async_arcadedb_driver):
    with pytest.raises(QueryTimeoutError) as info:
        await async_arcadedb_driver.execute(SLOW, timeout=0.3)
    assert info.value.timeout_s == 0.3
    assert (await async_arcadedb_driver.execute("RETURN 1 AS one")).value() == 1


async def test_timeout_inside_a_transaction_rolls_it_back(async_arcadedb_driver):
    await async_arcadedb_driver.begin()
    await async_arcadedb_driver.execute("CREATE (:Lost)")
    with pytest.raises(QueryTimeoutError, match="rolled back"):
        await async_arcadedb_driver.execute(SLOW, timeout=0.3)
    assert not async_arcadedb_driver.in_transaction()
    assert (await async_arcadedb_driver.execute("MATCH (n:Lost) RETURN count(n)")).value() == 0


async def test_explain_returns_the_plan_as_lines(async_arcadedb_driver):
    lines = await async_arcadedb_driver.explain(
        "MATCH (n:Person) WHERE n.name = $name RETURN n", {"name": "Ada"}
    )
    assert any("Person" in line for line in lines)
    profiled = await async_arcadedb_driver.explain("MATCH (n:Person) RETURN n", profile=True)
    assert any("rows" in line.lower() for line in profiled)


async def test_syntax_error_names_position_and_query(async_arcadedb_driver):
    with pytest.raises(QueryError) as info:
        await async_arcadedb_driver.execute(
            "MATCH (n) RETURN n +", {"secret_value": "hunter2-value"}
        )
    err = info.value
    assert err.line == 1 and err.column is not None
    assert err.query == "MATCH (n) RETURN n +"
    assert err.param_names == ["secret_value"]
    assert "hunter2-value" not in str(err)
    assert "^" in str(err)


async def test_failed_login_leaks_no_password(arcadedb_server, arcadedb_database, caplog):
    wrong = "Wr0ng-Pa55word-XYZ"
    caplog.set_level(logging.DEBUG)
    driver = create_arcadedb_driver(
        arcadedb_server.host,
        arcadedb_server.bolt_port,
        arcadedb_database,
        FAILED_LOGIN_USER,
        wrong,
        http_port=arcadedb_server.http_port,
        async_=True,
    )
    try:
        with pytest.raises(ConnectionFailedError) as info:
            await driver.execute("RETURN 1")
        assert info.value.reason == "auth"
        text = "".join([str(info.value), repr(info.value), repr(driver), driver.url, caplog.text])
        assert wrong not in text
        assert arcadedb_server.password not in text
    finally:
        await driver.close()


async def test_unreachable_server_says_so():
    driver = create_arcadedb_driver(
        "127.0.0.1", 1, "nowhere", "root", "secret-pass-123", connection_timeout=2, async_=True
    )
    try:
        with pytest.raises(ConnectionFailedError) as info:
            await driver.execute("RETURN 1")
        assert info.value.reason == "unreachable"
        assert "secret-pass-123" not in str(info.value)
    finally:
        await driver.close()


async def test_repr_and_url_hide_the_password(async_arcadedb_driver, arcadedb_server):
    assert arcadedb_server.password not in repr(async_arcadedb_driver)
    assert arcadedb_server.password not in async_arcadedb_driver.url
    assert repr(async_arcadedb_driver).endswith("dialect=arcadedb>")
    assert ":***@" in async_arcadedb_driver.url
    assert arcadedb_server.password not in repr(arcadedb_server)


async def test_create_driver_accepts_the_server_url(arcadedb_server):
    driver = create_driver(arcadedb_server.url, async_=True)
    try:
        assert driver.backend == "arcadedb"
        assert isinstance(driver.dialect, ArcadeDBDialect)
        assert (await driver.execute("RETURN $x AS x", {"x": "ok"})).value() == "ok"
    finally:
        await driver.close()


async def test_bolt_url_detects_arcadedb_from_the_server_agent(arcadedb_server):
    url = f"bolt://127.0.0.1:{arcadedb_server.bolt_port}/runic"
    driver = create_driver(url, username="root", password=arcadedb_server.password, async_=True)
    try:
        assert (await driver.execute("RETURN 1 AS x")).value() == 1
        assert driver.backend == "arcadedb"
        assert isinstance(driver.dialect, ArcadeDBDialect)
    finally:
        await driver.close()


async def test_schema_lists_labels_types_keys_and_indexes(async_arcadedb_driver):
    await async_arcadedb_driver.execute(
        "CREATE (:Person:Employee {name: 'Ada', email: 'a@x'})-[:KNOWS]->(:Person {name: 'Bob'})"
    )
    schema = async_arcadedb_driver.schema
    assert await schema.labels() == ["Employee", "Person"]
    assert await schema.relationship_types() == ["KNOWS"]
    assert {"name", "email"} <= set(await schema.property_keys())
    specs = [
        IndexSpec("Person", "email", "exact", unique=True),
        IndexSpec("Person", "name"),
        IndexSpec("Person", "bio", "fulltext"),
    ]
    for spec in specs:
        await schema.create_index(spec)
        await schema.create_index(spec)  # idempotent
    live = await schema.list_indexes()
    assert sorted(live, key=lambda s: s.sort_key) == sorted(specs, key=lambda s: s.sort_key)
    await schema.drop_index(specs[1])
    assert not any(s.matches(specs[1]) for s in await schema.list_indexes())


async def test_exact_index_keeps_the_property_type_of_stored_values(async_arcadedb_driver):
    await async_arcadedb_driver.execute("CREATE (:Person {age: 36})")
    await async_arcadedb_driver.schema.create_index(IndexSpec("Person", "age"))
    await async_arcadedb_driver.execute("CREATE (:Person {age: 41})")
    assert (
        await async_arcadedb_driver.execute("MATCH (n:Person) WHERE n.age > 40 RETURN n.age")
    ).values() == [41]
    assert (
        await async_arcadedb_driver.execute("MATCH (n:Person) RETURN n.age ORDER BY n.age")
    ).values() == [36, 41]


async def test_unique_index_refuses_duplicates(async_arcadedb_driver):
    await async_arcadedb_driver.schema.create_index(
        IndexSpec("Person", "email", "exact", unique=True)
    )
    await async_arcadedb_driver.execute("CREATE (:Person {email: 'a@x'})")
    with pytest.raises(ConstraintViolationError):
        await async_arcadedb_driver.execute("CREATE (:Person {email: 'a@x'})")
    assert (await async_arcadedb_driver.execute("MATCH (n:Person) RETURN count(n)")).value() == 1


async def test_vector_search_finds_nearest(async_arcadedb_driver):
    await async_arcadedb_driver.schema.create_index(
        IndexSpec("Doc", "emb", "vector", dimension=3, similarity="cosine")
    )
    for name, emb in (("a", [1.0, 0.0, 0.0]), ("b", [0.0, 1.0, 0.0])):
        await async_arcadedb_driver.execute(
            "CREATE (:Doc {name: $n, emb: $e})", {"n": name, "e": emb}
        )
    call = async_arcadedb_driver.dialect.vector_call("Doc", "emb", None, "$k", "$v", "d", "score")
    rows = (
        await async_arcadedb_driver.execute(
            f"{call} RETURN d.name AS name, score ORDER BY score", {"k": 2, "v": [0.9, 0.1, 0.0]}
        )
    ).rows
    assert [r[0] for r in rows] == ["a", "b"]
    assert rows[0][1] < rows[1][1]


async def test_fulltext_search_is_unsupported(async_arcadedb_driver):
    with pytest.raises(UnsupportedFeatureError) as info:
        async_arcadedb_driver.dialect.fulltext_call("Post", None, "$q", "n", "score")
    assert info.value.backend == "arcadedb"

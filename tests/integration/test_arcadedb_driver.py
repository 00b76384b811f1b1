"""BoltDriver against a live ArcadeDB (its Bolt plugin), started by the project."""

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


def test_values_round_trip_as_parameters(arcadedb_driver):
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
    result = arcadedb_driver.execute("RETURN " + ", ".join(f"${k} AS {k}" for k in values), values)
    assert result.records[0] == values


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_are_stored_verbatim(arcadedb_driver, text):
    arcadedb_driver.execute("CREATE (n:Note {body: $body})", {"body": text})
    assert arcadedb_driver.execute("MATCH (n:Note) RETURN n.body AS b").values() == [text]
    assert (
        arcadedb_driver.execute(
            "MATCH (n:Note) WHERE n.body = $b RETURN count(n)", {"b": text}
        ).value()
        == 1
    )


def test_nodes_and_edges_decode_to_records(arcadedb_driver):
    result = arcadedb_driver.execute(
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


def test_id_function_finds_the_node(arcadedb_driver):
    dialect = arcadedb_driver.dialect
    created = arcadedb_driver.execute(
        f"CREATE (n:Person {{name: 'Ada'}}) RETURN n, {dialect.id_function('n')} AS id"
    ).rows[0]
    assert created[0].id == created[1]
    found = arcadedb_driver.execute(
        f"MATCH (n) WHERE {dialect.id_function('n')} = {dialect.id_param('$id')} RETURN n.name",
        {"id": created[1]},
    )
    assert found.values() == ["Ada"]


def test_multiple_labels_round_trip(arcadedb_driver):
    node = arcadedb_driver.execute("CREATE (n:Person:Employee {name: 'Ada'}) RETURN n").value()
    assert node.labels == ("Employee", "Person")
    assert arcadedb_driver.execute("MATCH (n:Employee) RETURN n.name").values() == ["Ada"]
    assert arcadedb_driver.execute("MATCH (n:Person:Employee) RETURN count(n)").value() == 1


def test_var_length_paths_decode_to_path_records(arcadedb_driver):
    arcadedb_driver.execute(
        "CREATE (:P {i: 1})-[:NEXT]->(:P {i: 2})-[:NEXT]->(:P {i: 3})-[:NEXT]->(:P {i: 4})"
    )
    paths = arcadedb_driver.execute(
        "MATCH p = (a:P {i: 1})-[:NEXT*1..2]->(b) RETURN p ORDER BY length(p)"
    ).values()
    assert [len(p) for p in paths] == [1, 2]
    longest = paths[-1]
    assert isinstance(longest, PathRecord)
    assert [n.properties["i"] for n in longest.nodes] == [1, 2, 3]
    assert all(
        e.start_id == longest.nodes[k].id and e.end_id == longest.nodes[k + 1].id
        for k, e in enumerate(longest.edges)
    )
    open_ended = arcadedb_driver.execute(
        "MATCH (a:P {i: 1})-[:NEXT*2..]->(b) RETURN b.i ORDER BY b.i"
    ).values()
    assert open_ended == [3, 4]


def test_render_create_node_round_trips_vectors_and_geo_locations(arcadedb_driver):
    props = {"name": "Ada", "emb": [0.5, 0.25], "home": {"latitude": 48.85, "longitude": 2.35}}
    clause = arcadedb_driver.dialect.render_create_node(("Person", "Employee"), props)
    arcadedb_driver.execute(clause, clause.params)
    node = arcadedb_driver.execute("MATCH (n:Person) RETURN n").value()
    assert node.labels == ("Employee", "Person")
    assert node.properties == props


def test_merge_then_set_creates_once(arcadedb_driver):
    for age in (30, 31):
        arcadedb_driver.execute(
            "MERGE (n:Person {name: $name}) SET n.age = $age", {"name": "Ada", "age": age}
        )
    assert arcadedb_driver.execute("MATCH (n:Person) RETURN n.name, n.age").rows == [["Ada", 31]]


def test_counters_describe_the_write(arcadedb_driver):
    summary = arcadedb_driver.execute(
        "UNWIND $rows AS row CREATE (n:R) SET n += row", {"rows": [{"a": 1}, {"a": 2}]}
    ).summary
    assert summary.counters.nodes_created == 2
    assert summary.counters.contains_updates
    assert summary.backend == "arcadedb"
    assert summary.client_time_ms is not None and summary.client_time_ms >= 0


def test_transaction_commit_keeps_and_rollback_discards(arcadedb_driver):
    arcadedb_driver.begin()
    assert arcadedb_driver.in_transaction()
    arcadedb_driver.execute("CREATE (:Kept)")
    arcadedb_driver.commit()
    arcadedb_driver.begin()
    arcadedb_driver.execute("CREATE (:Dropped)")
    assert arcadedb_driver.execute("MATCH (n:Dropped) RETURN count(n)").value() == 1
    arcadedb_driver.rollback()
    assert not arcadedb_driver.in_transaction()
    assert arcadedb_driver.execute("MATCH (n:Kept) RETURN count(n)").value() == 1
    assert arcadedb_driver.execute("MATCH (n:Dropped) RETURN count(n)").value() == 0


def test_readonly_call_refuses_write_and_keeps_graph_unchanged(arcadedb_driver):
    arcadedb_driver.execute("CREATE (:Person {name: 'Ada'})")
    with pytest.raises(ReadOnlyError, match="nothing was kept"):
        arcadedb_driver.execute(
            "MATCH (n:Person) SET n.name = 'Eve' CREATE (:Intruder)", readonly=True
        )
    assert arcadedb_driver.execute("MATCH (n) RETURN labels(n), n.name").rows == [
        [["Person"], "Ada"]
    ]
    assert arcadedb_driver.execute("MATCH (n:Person) RETURN n.name", readonly=True).values() == [
        "Ada"
    ]


def test_readonly_transaction_keeps_nothing(arcadedb_driver):
    arcadedb_driver.begin(readonly=True)
    with pytest.raises(ReadOnlyError):
        arcadedb_driver.execute("CREATE (:Intruder)")
    assert not arcadedb_driver.in_transaction()
    assert arcadedb_driver.execute("MATCH (n:Intruder) RETURN count(n)").value() == 0


def test_readonly_driver_cannot_be_loosened_per_call(arcadedb_server, arcadedb_database):
    driver = create_arcadedb_driver(
        arcadedb_server.host,
        arcadedb_server.bolt_port,
        arcadedb_database,
        "root",
        arcadedb_server.password,
        http_port=arcadedb_server.http_port,
        readonly=True,
    )
    try:
        with pytest.raises(ValueError, match="read-only"):
            driver.execute("CREATE (:X)", readonly=False)
        with pytest.raises(ReadOnlyError):
            driver.execute("CREATE (:X)")
        assert driver.execute("MATCH (n:X) RETURN count(n)").value() == 0
    finally:
        driver.close()


def test_timeout_raises_and_connection_stays_usable(arcadedb_driver):
    with pytest.raises(QueryTimeoutError) as info:
        arcadedb_driver.execute(SLOW, timeout=0.3)
    assert info.value.timeout_s == 0.3
    assert arcadedb_driver.execute("RETURN 1 AS one").value() == 1


def test_timeout_inside_a_transaction_rolls_it_back(arcadedb_driver):
    arcadedb_driver.begin()
    arcadedb_driver.execute("CREATE (:Lost)")
    with pytest.raises(QueryTimeoutError, match="rolled back"):
        arcadedb_driver.execute(SLOW, timeout=0.3)
    assert not arcadedb_driver.in_transaction()
    assert arcadedb_driver.execute("MATCH (n:Lost) RETURN count(n)").value() == 0


def test_explain_returns_the_plan_as_lines(arcadedb_driver):
    lines = arcadedb_driver.explain(
        "MATCH (n:Person) WHERE n.name = $name RETURN n", {"name": "Ada"}
    )
    assert any("Person" in line for line in lines)
    profiled = arcadedb_driver.explain("MATCH (n:Person) RETURN n", profile=True)
    assert any("rows" in line.lower() for line in profiled)


def test_syntax_error_names_position_and_query(arcadedb_driver):
    with pytest.raises(QueryError) as info:
        arcadedb_driver.execute("MATCH (n) RETURN n +", {"secret_value": "hunter2-value"})
    err = info.value
    assert err.line == 1 and err.column is not None
    assert err.query == "MATCH (n) RETURN n +"
    assert err.param_names == ["secret_value"]
    assert "hunter2-value" not in str(err)
    assert "^" in str(err)


def test_failed_login_leaks_no_password(arcadedb_server, arcadedb_database, caplog):
    wrong = "Wr0ng-Pa55word-XYZ"
    caplog.set_level(logging.DEBUG)
    driver = create_arcadedb_driver(
        arcadedb_server.host,
        arcadedb_server.bolt_port,
        arcadedb_database,
        FAILED_LOGIN_USER,
        wrong,
        http_port=arcadedb_server.http_port,
    )
    try:
        with pytest.raises(ConnectionFailedError) as info:
            driver.execute("RETURN 1")
        assert info.value.reason == "auth"
        text = "".join([str(info.value), repr(info.value), repr(driver), driver.url, caplog.text])
        assert wrong not in text
        assert arcadedb_server.password not in text
    finally:
        driver.close()


def test_unreachable_server_says_so():
    driver = create_arcadedb_driver(
        "127.0.0.1", 1, "nowhere", "root", "secret-pass-123", connection_timeout=2
    )
    try:
        with pytest.raises(ConnectionFailedError) as info:
            driver.execute("RETURN 1")
        assert info.value.reason == "unreachable"
        assert "secret-pass-123" not in str(info.value)
    finally:
        driver.close()


def test_repr_and_url_hide_the_password(arcadedb_driver, arcadedb_server):
    assert arcadedb_server.password not in repr(arcadedb_driver)
    assert arcadedb_server.password not in arcadedb_driver.url
    assert repr(arcadedb_driver).endswith("dialect=arcadedb>")
    assert ":***@" in arcadedb_driver.url
    assert arcadedb_server.password not in repr(arcadedb_server)


def test_create_driver_accepts_the_server_url(arcadedb_server):
    driver = create_driver(arcadedb_server.url)
    try:
        assert driver.backend == "arcadedb"
        assert isinstance(driver.dialect, ArcadeDBDialect)
        assert driver.execute("RETURN $x AS x", {"x": "ok"}).value() == "ok"
    finally:
        driver.close()


def test_bolt_url_detects_arcadedb_from_the_server_agent(arcadedb_server):
    url = f"bolt://127.0.0.1:{arcadedb_server.bolt_port}/runic"
    driver = create_driver(url, username="root", password=arcadedb_server.password)
    try:
        assert driver.execute("RETURN 1 AS x").value() == 1
        assert driver.backend == "arcadedb"
        assert isinstance(driver.dialect, ArcadeDBDialect)
    finally:
        driver.close()


def test_schema_lists_labels_types_keys_and_indexes(arcadedb_driver):
    arcadedb_driver.execute(
        "CREATE (:Person:Employee {name: 'Ada', email: 'a@x'})-[:KNOWS]->(:Person {name: 'Bob'})"
    )
    schema = arcadedb_driver.schema
    assert schema.labels() == ["Employee", "Person"]
    assert schema.relationship_types() == ["KNOWS"]
    assert {"name", "email"} <= set(schema.property_keys())
    specs = [
        IndexSpec("Person", "email", "exact", unique=True),
        IndexSpec("Person", "name"),
        IndexSpec("Person", "bio", "fulltext"),
    ]
    for spec in specs:
        schema.create_index(spec)
        schema.create_index(spec)  # idempotent
    live = schema.list_indexes()
    assert sorted(live, key=lambda s: s.sort_key) == sorted(specs, key=lambda s: s.sort_key)
    schema.drop_index(specs[1])
    assert not any(s.matches(specs[1]) for s in schema.list_indexes())


def test_exact_index_keeps_the_property_type_of_stored_values(arcadedb_driver):
    arcadedb_driver.execute("CREATE (:Person {age: 36})")
    arcadedb_driver.schema.create_index(IndexSpec("Person", "age"))
    arcadedb_driver.execute("CREATE (:Person {age: 41})")
    assert arcadedb_driver.execute("MATCH (n:Person) WHERE n.age > 40 RETURN n.age").values() == [
        41
    ]
    assert arcadedb_driver.execute("MATCH (n:Person) RETURN n.age ORDER BY n.age").values() == [
        36,
        41,
    ]


def test_unique_index_refuses_duplicates(arcadedb_driver):
    arcadedb_driver.schema.create_index(IndexSpec("Person", "email", "exact", unique=True))
    arcadedb_driver.execute("CREATE (:Person {email: 'a@x'})")
    with pytest.raises(ConstraintViolationError):
        arcadedb_driver.execute("CREATE (:Person {email: 'a@x'})")
    assert arcadedb_driver.execute("MATCH (n:Person) RETURN count(n)").value() == 1


def test_vector_search_finds_nearest(arcadedb_driver):
    arcadedb_driver.schema.create_index(
        IndexSpec("Doc", "emb", "vector", dimension=3, similarity="cosine")
    )
    for name, emb in (("a", [1.0, 0.0, 0.0]), ("b", [0.0, 1.0, 0.0])):
        arcadedb_driver.execute("CREATE (:Doc {name: $n, emb: $e})", {"n": name, "e": emb})
    call = arcadedb_driver.dialect.vector_call("Doc", "emb", None, "$k", "$v", "d", "score")
    rows = arcadedb_driver.execute(
        f"{call} RETURN d.name AS name, score ORDER BY score", {"k": 2, "v": [0.9, 0.1, 0.0]}
    ).rows
    assert [r[0] for r in rows] == ["a", "b"]
    assert rows[0][1] < rows[1][1]


def test_fulltext_search_is_unsupported(arcadedb_driver):
    with pytest.raises(UnsupportedFeatureError) as info:
        arcadedb_driver.dialect.fulltext_call("Post", None, "$q", "n", "score")
    assert info.value.backend == "arcadedb"

"""AGEDriver against PostgreSQL + Apache AGE run from the project's chroot.

Twin: test_async_age_driver.py has the same tests on AsyncAGEDriver.
"""

from __future__ import annotations

import logging
import math
import signal
import time
from decimal import Decimal

import age_fixtures
import psycopg
import pytest

from runic.migrate import IndexManager
from runic.ogm.driver._age_agtype import AgtypeParameterError
from runic.ogm.driver.age import AGEDriver, create_age_driver
from runic.ogm.driver.base import TransactionalGraphDriver
from runic.ogm.driver.factory import create_driver
from runic.ogm.driver.result import EdgeRecord, GraphResult, NodeRecord, PathRecord
from runic.ogm.exceptions import (
    ConnectionFailedError,
    ConstraintViolationError,
    DriverError,
    QueryError,
    QueryTimeoutError,
    ReadOnlyError,
    UnsupportedFeatureError,
)
from runic.ogm.schema.index_manager import IndexSpec

pytestmark = [pytest.mark.integration, pytest.mark.age]

# shared fixtures (the same server when tests/conftest.py imports them too)
age_server = age_fixtures.age_server
age_driver = age_fixtures.age_driver
age_graph_name = age_fixtures.age_graph_name

HOSTILE_STRINGS = [
    "",
    "it's",
    'say "hi"',
    "$$ $runic$ $1 $name",
    "%s %(x)s %%",
    "back\\slash \\u0041",
    "new\nline\ttab\r",
    "é ü 中文 😀",
    "'); DROP TABLE ag_catalog.ag_graph; --",
    "`backtick` MATCH (n) DETACH DELETE n",
    '{"json": [1, 2]}::vertex',
    "x" * 5000,
]
PLAIN_VALUES = [
    None, True, False, 0, -1, 2**63 - 1, -(2**63), 1.5, -0.0, 1e300, 2.5e-10,
    [], [1, "a", None, [2.5, True]], {}, {"a": 1, "b": {"c": [1, {"d": "e"}]}, "it's": "$$"},
    [{"k": 1}, {"k": 2}],
]
SLOW_QUERY = "UNWIND range(1, 3000) AS a UNWIND range(1, 3000) AS b RETURN count(*) AS c"


def count_nodes(driver) -> int:
    return driver.execute("MATCH (n) RETURN count(n) AS c").value()


@pytest.mark.parametrize("value", PLAIN_VALUES + HOSTILE_STRINGS)
def test_values_round_trip_through_parameters(age_driver, value):
    got = age_driver.execute("RETURN $v AS v", {"v": value}).value()
    assert got == value and type(got) is type(value)
    stored = age_driver.execute("CREATE (n:V {v: $v, other: $w}) RETURN n.v AS v", {"v": value, "w": 1}).value()
    assert stored == value and type(stored) is type(value)


def test_special_numbers_round_trip_through_parameters(age_driver):
    row = age_driver.execute(
        "RETURN $nan AS nan, $inf AS inf, $ninf AS ninf, $dec AS dec, $big AS big",
        {"nan": math.nan, "inf": math.inf, "ninf": -math.inf, "dec": Decimal("12.340"), "big": Decimal(2**70)},
    )[0]
    assert math.isnan(row["nan"])
    assert row["inf"] == math.inf and row["ninf"] == -math.inf
    assert row["dec"] == Decimal("12.340") and isinstance(row["dec"], Decimal)
    assert row["big"] == 2**70 and isinstance(row["big"], Decimal)


def test_parameter_values_agtype_cannot_hold_are_refused_by_name(age_driver):
    with pytest.raises(AgtypeParameterError) as info:
        age_driver.execute("RETURN $bad AS v", {"bad": "a\x00b"})
    assert "'bad'" in str(info.value) and "a\x00b" not in str(info.value)
    assert age_driver.execute("RETURN 1 AS one").value() == 1


def test_query_text_with_percent_and_dollar_tags_runs(age_driver):
    result = age_driver.execute("RETURN '100%' AS p, '$runic$' AS tag, 7 % 3 AS m;")
    assert result.records == [{"p": "100%", "tag": "$runic$", "m": 1}]


def test_columns_are_the_cypher_names(age_driver):
    age_driver.execute("CREATE (:Person {name: 'Ada', age: 36})")
    result = age_driver.execute("MATCH (n:Person) RETURN n.name, n.age AS age, count(*)")
    assert result.columns == ["n.name", "age", "count(*)"]
    assert result.rows == [["Ada", 36, 1]]
    assert result.summary.backend == "age" and result.summary.counters.available is False



def test_order_by_may_name_a_return_alias(age_driver):
    age_driver.execute("CREATE (:P {name: 'b', city: 'x'}), (:P {name: 'a', city: 'x'}), (:P {name: 'c', city: 'y'})")
    result = age_driver.execute(
        "MATCH (n:P) RETURN n.city AS city, count(*) AS c, collect(n.name) AS names ORDER BY c DESC, city"
    )
    assert result.columns == ["city", "c", "names"]
    assert [row[:2] for row in result.rows] == [["x", 2], ["y", 1]]
    names = age_driver.execute("MATCH (n:P) RETURN DISTINCT n.name AS name ORDER BY name DESC LIMIT 2").values()
    assert names == ["c", "b"]

def test_statement_without_return_gives_an_empty_result(age_driver):
    result = age_driver.execute("CREATE (:Person {name: $name})", {"name": "Bob"})
    assert isinstance(result, GraphResult)
    assert result.columns == [] and result.rows == []
    assert count_nodes(age_driver) == 1


def test_return_star_is_unsupported(age_driver):
    with pytest.raises(UnsupportedFeatureError):
        age_driver.execute("MATCH (n) RETURN *")


def test_nodes_edges_and_paths_decode_to_records(age_driver):
    result = age_driver.execute(
        "CREATE (a:Person {name: 'Ada'})-[r:KNOWS {since: 2020}]->(b:Person {name: 'Bob'}) RETURN a, r, b"
    )
    a, r, b = result.rows[0]
    assert isinstance(a, NodeRecord) and a.labels == ("Person",) and a.properties == {"name": "Ada"}
    assert isinstance(r, EdgeRecord) and r.type == "KNOWS" and r.properties == {"since": 2020}
    assert (r.start_id, r.end_id) == (a.id, b.id)
    assert age_driver.execute("MATCH (n:Person {name: 'Ada'}) RETURN id(n) AS i").value() == a.id
    by_id = age_driver.execute("MATCH (n) WHERE id(n) = $id RETURN n.name AS name", {"id": a.id})
    assert by_id.values() == ["Ada"]
    path = age_driver.execute("MATCH p = (:Person {name: 'Ada'})-[:KNOWS]->(:Person) RETURN p").value()
    assert isinstance(path, PathRecord) and len(path) == 1
    assert path.nodes == (a, b) and path.edges == (r,)
    nested = age_driver.execute("MATCH (a)-[r]->(b) RETURN {pair: [a, b], rel: r} AS m, collect(a) AS l")
    assert nested.nodes() == [a, b] and nested.edges() == [r]


def test_several_labels_are_emulated_with_a_labels_property(age_driver):
    dialect = age_driver.dialect
    clause = dialect.render_create_node(("Animal", "Dog"), {"name": "Rex"})
    age_driver.execute(clause, clause.params)
    age_driver.execute("CREATE (:Animal {name: 'Generic'})")
    where = dialect.subtype_filter("n", ("Animal", "Dog"))
    dogs = age_driver.execute(f"MATCH (n{dialect.label_pattern(('Animal', 'Dog'))}) WHERE {where} RETURN n")
    assert [n.properties for n in dogs.values()] == [{"name": "Rex"}]
    assert dogs.value().labels == ("Animal", "Dog")
    animals = age_driver.execute("MATCH (n:Animal) RETURN n.name AS name ORDER BY n.name").values()
    assert animals == ["Generic", "Rex"]
    assert "Dog" in age_driver.schema.labels()


def test_subtype_filter_with_a_quote_in_the_label_matches(age_driver):
    dialect = age_driver.dialect
    labels = ("Animal", "D'og")
    clause = dialect.render_create_node(labels, {"name": "Odd"})
    age_driver.execute(clause, clause.params)
    found = age_driver.execute(f"MATCH (n:Animal) WHERE {dialect.subtype_filter('n', labels)} RETURN n").value()
    assert found.labels == labels


def test_label_predicates_in_where_see_emulated_labels(age_driver):
    clause = age_driver.dialect.render_create_node(("Animal", "Dog"), {"name": "Rex"})
    age_driver.execute(clause, clause.params)
    age_driver.execute("CREATE (:Animal {name: 'Generic'}), (:Person {name: 'Ada'})")
    dogs = age_driver.execute("MATCH (n) WHERE n:Dog RETURN n.name").values()
    assert dogs == ["Rex"]
    others = age_driver.execute("MATCH (n) WHERE NOT n:Animal RETURN n.name").values()
    assert others == ["Ada"]
    both = age_driver.execute("MATCH (n) WHERE n:Animal:Dog OR n:Person RETURN n.name ORDER BY n.name").values()
    assert both == ["Ada", "Rex"]


def test_variable_length_paths(age_driver):
    age_driver.execute(
        "CREATE (:Stop {name: 'a'})-[:NEXT]->(:Stop {name: 'b'})-[:NEXT]->(:Stop {name: 'c'})-[:NEXT]->(:Stop {name: 'd'})"
    )
    within_two = age_driver.execute(
        "MATCH (s:Stop {name: 'a'})-[:NEXT*1..2]->(x) RETURN x.name AS name ORDER BY x.name"
    ).values()
    assert within_two == ["b", "c"]
    two_or_more = age_driver.execute(
        "MATCH (s:Stop {name: $start})-[:NEXT*2..]->(x) RETURN x.name AS name ORDER BY x.name", {"start": "a"}
    ).values()
    assert two_or_more == ["c", "d"]
    paths = age_driver.execute("MATCH p = (:Stop {name: 'a'})-[:NEXT*3]->(:Stop) RETURN p").values()
    assert len(paths) == 1 and [n.properties["name"] for n in paths[0].nodes] == ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    "write",
    [
        "CREATE (:Fresh {name: 'x'})",
        "CREATE (:Person {name: 'x'})",
        "MATCH (n:Person) SET n.name = 'changed'",
        "MATCH (n:Person) DETACH DELETE n",
        "MERGE (:Person {name: 'merged'})",
        "MATCH (n:Person) REMOVE n.name",
    ],
)
def test_readonly_call_refuses_writes_and_keeps_the_graph(age_driver, write):
    age_driver.execute("CREATE (:Person {name: 'Ada'})")
    with pytest.raises(ReadOnlyError) as info:
        age_driver.execute(write, readonly=True)
    assert "nothing was kept" in str(info.value)
    assert age_driver.execute("MATCH (n) RETURN n.name AS name").values() == ["Ada"]
    assert age_driver.execute("MATCH (n:Person) RETURN n.name AS name", readonly=True).values() == ["Ada"]


def test_readonly_driver_refuses_writes_and_cannot_be_loosened(age_driver, age_server):
    age_driver.execute("CREATE (:Person {name: 'Ada'})")
    reader = create_age_driver(**age_server.connect_kwargs(), graph=age_driver.graph_name, readonly=True)
    try:
        assert reader.execute("MATCH (n) RETURN count(n) AS c").value() == 1
        with pytest.raises(ReadOnlyError):
            reader.execute("MATCH (n) SET n.x = 1")
        with pytest.raises(ValueError):
            reader.execute("RETURN 1 AS one", readonly=False)
    finally:
        reader.close()
    assert age_driver.execute("MATCH (n) RETURN n.x AS x").values() == [None]


def test_readonly_transaction_refuses_writes_and_ends(age_driver):
    age_driver.execute("CREATE (:Person {name: 'Ada'})")
    age_driver.begin(readonly=True)
    assert age_driver.in_transaction()
    assert age_driver.execute("MATCH (n) RETURN count(n) AS c").value() == 1
    with pytest.raises(ReadOnlyError):
        age_driver.execute("MATCH (n) DETACH DELETE n")
    assert not age_driver.in_transaction()
    assert count_nodes(age_driver) == 1


def test_readonly_call_inside_a_write_transaction_keeps_the_transaction(age_driver):
    age_driver.begin()
    age_driver.execute("CREATE (:Person {name: 'Ada'})")
    with pytest.raises(ReadOnlyError):
        age_driver.execute("MATCH (n:Person) SET n.name = 'changed'", readonly=True)
    assert age_driver.in_transaction()
    age_driver.execute("CREATE (:Person {name: 'Bob'})")
    age_driver.commit()
    assert age_driver.execute("MATCH (n) RETURN n.name AS name ORDER BY n.name").values() == ["Ada", "Bob"]


def test_transactions_commit_and_roll_back(age_driver, age_server):
    other = create_age_driver(**age_server.connect_kwargs(), graph=age_driver.graph_name)
    try:
        assert not age_driver.in_transaction()
        age_driver.begin()
        age_driver.execute("CREATE (:Person {name: 'Gone'})")
        assert count_nodes(age_driver) == 1
        assert count_nodes(other) == 0
        age_driver.rollback()
        assert not age_driver.in_transaction()
        assert count_nodes(age_driver) == 0
        age_driver.begin()
        age_driver.execute("CREATE (:Person {name: 'Kept'})")
        age_driver.commit()
        assert other.execute("MATCH (n) RETURN n.name AS name").values() == ["Kept"]
        with pytest.raises(DriverError):
            age_driver.commit()
    finally:
        other.close()


def test_autocommit_makes_each_statement_visible(age_driver, age_server):
    age_driver.execute("CREATE (:Person {name: 'Ada'})")
    other = create_age_driver(**age_server.connect_kwargs(), graph=age_driver.graph_name)
    try:
        assert count_nodes(other) == 1
    finally:
        other.close()


def test_timeout_cancels_and_the_connection_stays_usable(age_driver):
    with pytest.raises(QueryTimeoutError) as info:
        age_driver.execute(SLOW_QUERY, timeout=0.2)
    assert info.value.timeout_s == 0.2
    assert isinstance(info.value, TimeoutError)
    assert age_driver.execute("RETURN 1 AS one").value() == 1
    age_driver.begin()
    age_driver.execute("CREATE (:Person {name: 'Ada'})")
    with pytest.raises(QueryTimeoutError):
        age_driver.execute(SLOW_QUERY, timeout=0.2)
    age_driver.execute("CREATE (:Person {name: 'Bob'})")
    age_driver.commit()
    assert count_nodes(age_driver) == 2


def test_interrupt_cancels_the_statement_and_the_driver_stays_usable(age_driver):
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        for readonly in (False, True):
            started = time.monotonic()
            signal.setitimer(signal.ITIMER_REAL, 0.3)
            with pytest.raises(KeyboardInterrupt):
                age_driver.execute(SLOW_QUERY, readonly=readonly)
            assert time.monotonic() - started < 5
            assert not age_driver.in_transaction()
            assert age_driver.execute("RETURN 1 AS one").value() == 1
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    age_driver.execute("CREATE (:Person {name: 'Ada'})")
    assert count_nodes(age_driver) == 1


def test_query_errors_give_the_position_in_the_cypher_text(age_driver):
    with pytest.raises(QueryError) as info:
        age_driver.execute("MATCH (n)\nRETURN n LIMT 1", {"secret_value": "hunter2"})
    err = info.value
    assert err.backend == "age"
    assert (err.line, err.column) == (2, 10)
    assert err.position == len("MATCH (n)\nRETURN n ")
    assert err.param_names == ["secret_value"]
    assert "hunter2" not in str(err)
    assert "LIMT" in str(err) and "^" in str(err)
    assert isinstance(err.__cause__, psycopg.Error)
    assert age_driver.execute("RETURN 1 AS one").value() == 1


def test_unique_index_violation_raises_constraint_violation(age_driver):
    age_driver.schema.create_index(IndexSpec("Person", "email", unique=True))
    age_driver.execute("CREATE (:Person {email: $e})", {"e": "a@example.org"})
    with pytest.raises(ConstraintViolationError) as info:
        age_driver.execute("CREATE (:Person {email: $e})", {"e": "a@example.org"})
    assert (info.value.label, info.value.field) == ("Person", "email")
    assert "a@example.org" not in str(info.value)
    assert count_nodes(age_driver) == 1


def test_schema_lists_labels_types_keys_and_runic_indexes(age_driver):
    age_driver.execute("CREATE (:Person {name: 'Ada', email: 'a@x'})-[:KNOWS {since: 1}]->(:City {name: 'Oslo'})")
    schema = age_driver.schema
    assert schema.labels() == ["City", "Person"]
    assert schema.relationship_types() == ["KNOWS"]
    assert schema.property_keys() == ["email", "name", "since"]
    assert schema.list_indexes() == []
    schema.create_index(IndexSpec("Person", "email", unique=True))
    schema.create_index(IndexSpec("Person", "name"))
    schema.create_index(IndexSpec("KNOWS", "since", entity="edge"))
    schema.create_index(IndexSpec("Later", "code"))
    schema.create_index(IndexSpec("Person", "name"))
    live = schema.list_indexes()
    assert [(s.entity, s.label, s.field, s.index_type, s.unique) for s in live] == [
        ("edge", "KNOWS", "since", "exact", False),
        ("node", "Later", "code", "exact", False),
        ("node", "Person", "email", "exact", True),
        ("node", "Person", "name", "exact", False),
    ]
    assert all(s.name and s.name.startswith("runic_") for s in live)
    schema.drop_index(IndexSpec("Person", "name"))
    schema.drop_index(IndexSpec("Nowhere", "x"))
    assert [s.field for s in schema.list_indexes()] == ["since", "code", "email"]


@pytest.mark.parametrize("spec", [IndexSpec("Post", "body", "fulltext"), IndexSpec("Doc", "emb", "vector", dimension=3)])
def test_schema_refuses_fulltext_and_vector_indexes(age_driver, spec):
    with pytest.raises(UnsupportedFeatureError) as info:
        age_driver.schema.create_index(spec)
    assert info.value.alternative in ("PostgreSQL full-text search", "pgvector")
    assert age_driver.schema.list_indexes() == []


def test_index_manager_applies_exact_and_unique_specs_once(age_driver):
    manager = IndexManager(age_driver)
    specs = [IndexSpec("Person", "email", unique=True), IndexSpec("KNOWS", "since", entity="edge")]
    assert len(manager.apply(specs)) == 2
    assert manager.apply(specs) == []
    assert manager.diff(specs) == []
    assert [(s.label, s.unique) for s in age_driver.schema.list_indexes()] == [("KNOWS", False), ("Person", True)]
    with pytest.raises(UnsupportedFeatureError):
        manager.apply([IndexSpec("Post", "body", "fulltext")])


def test_explain_gives_plan_lines_and_profile_keeps_nothing(age_driver):
    plan = age_driver.explain("MATCH (n:Person) RETURN n")
    assert plan and all(isinstance(line, str) for line in plan)
    age_driver.execute("CREATE (:Person {name: 'Ada'})")
    profiled = age_driver.explain("CREATE (:Person {name: $n})", {"n": "Bob"}, profile=True)
    assert any("actual time" in line for line in profiled)
    assert count_nodes(age_driver) == 1


def test_graph_is_created_when_missing_unless_told_not_to(age_server):
    name = age_graph_name()
    with pytest.raises(DriverError) as info:
        create_age_driver(**age_server.connect_kwargs(), graph=name, create_graph=False)
    assert name in str(info.value)
    driver = create_age_driver(**age_server.connect_kwargs(), graph=name)
    try:
        assert isinstance(driver, AGEDriver)
        assert driver.execute("MATCH (n) RETURN count(n) AS c").value() == 0
    finally:
        driver.drop_graph()
        driver.close()


def test_failed_login_leaks_no_password(age_server, caplog):
    caplog.set_level(logging.DEBUG)
    wrong = "Wr0ng-Pa55word-" + age_server.password[:4]
    kwargs = dict(age_server.connect_kwargs(), password=wrong)
    with pytest.raises(ConnectionFailedError) as info:
        create_age_driver(**kwargs, graph=age_graph_name())
    err = info.value
    assert err.reason == "auth" and err.backend == "age"
    texts = [str(err), repr(err), str(err.url), str(err.__cause__), caplog.text]
    assert all(wrong not in text and age_server.password not in text for text in texts)
    assert "***" in err.url


def test_driver_repr_and_url_hide_the_password(age_driver, age_server):
    assert age_server.password not in repr(age_driver)
    assert age_server.password not in age_driver.url
    assert age_driver.url.startswith("postgresql://postgres:***@127.0.0.1:")
    assert f"graph={age_driver.graph_name}" in age_driver.url
    assert age_server.password not in repr(age_server)


def test_driver_satisfies_the_driver_protocols(age_driver):
    assert isinstance(age_driver, TransactionalGraphDriver)
    assert age_driver.backend == "age" and age_driver.dialect.name == "age"
    assert not age_driver.in_transaction()


def test_create_driver_accepts_the_server_url(age_server):
    name = age_graph_name()
    driver = create_driver(f"{age_server.url}?graph={name}")
    try:
        assert isinstance(driver, AGEDriver) and driver.graph_name == name
        assert driver.execute("RETURN $x AS x", {"x": 1}).value() == 1
        assert age_server.password not in repr(driver)
    finally:
        driver.drop_graph()
        driver.close()


def test_driver_wraps_an_existing_psycopg_connection(age_server):
    kw = age_server.connect_kwargs()
    conn = psycopg.connect(host=kw["host"], port=kw["port"], dbname=kw["database"], user=kw["username"], password=kw["password"])
    driver = AGEDriver(conn, age_graph_name())
    try:
        assert [driver.execute("RETURN $i AS i", {"i": i}).value() for i in range(3)] == [0, 1, 2]
        assert age_server.password not in driver.url and age_server.password not in repr(driver)
    finally:
        driver.drop_graph()
        driver.close()
    assert conn.closed

"""BoltDriver against Neo4j and Memgraph servers given by URL.

The project does not start these servers. Set ``RUNIC_TEST_NEO4J_URL`` (e.g.
``neo4j://neo4j:password@localhost:7687/neo4j``) and/or ``RUNIC_TEST_MEMGRAPH_URL`` (e.g.
``memgraph://localhost:7687``) to run them; without a URL each test is reported as
skipped with the variable it needs. The graph is emptied before and after each test —
point the variables at throw-away databases.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

from runic.ogm.driver import EdgeRecord, NodeRecord, PathRecord, create_driver
from runic.ogm.driver.bolt import MemgraphDialect, Neo4jDialect
from runic.ogm.exceptions import ConnectionFailedError, QueryError, ReadOnlyError
from runic.ogm.schema.index_manager import IndexSpec

pytestmark = [pytest.mark.integration]

_VARS = {"neo4j": "RUNIC_TEST_NEO4J_URL", "memgraph": "RUNIC_TEST_MEMGRAPH_URL"}


def _backend_param(name: str):
    var = _VARS[name]
    return pytest.param(
        name,
        id=name,
        marks=[
            getattr(pytest.mark, name),
            pytest.mark.skipif(
                not os.environ.get(var),
                reason=f"{var} is not set — set it to a {name} URL to run the {name} tests",
            ),
        ],
    )


@pytest.fixture(params=[_backend_param("neo4j"), _backend_param("memgraph")])
def bolt_driver(request):
    driver = create_driver(os.environ[_VARS[request.param]])
    driver.execute("MATCH (n) DETACH DELETE n")
    yield driver
    try:
        driver.execute("MATCH (n) DETACH DELETE n")
    finally:
        driver.close()


def test_dialect_is_detected_from_the_server(bolt_driver):
    expected = MemgraphDialect if "memgraph" in bolt_driver.url else Neo4jDialect
    assert isinstance(bolt_driver.dialect, expected)


def test_values_round_trip_as_parameters(bolt_driver):
    values = {
        "s": "O'Brien \"`\\ 🙂",
        "i": 2**40,
        "f": 0.25,
        "b": False,
        "n": None,
        "l": [1, "x"],
        "m": {"k": [1]},
        "d": dt.date(2024, 2, 29),
    }
    result = bolt_driver.execute("RETURN " + ", ".join(f"${k} AS {k}" for k in values), values)
    assert result.records[0] == values


def test_nodes_edges_and_paths_decode_to_records(bolt_driver):
    d = bolt_driver.dialect
    row = bolt_driver.execute(
        f"CREATE p = (a:Person:Employee {{name: 'Ada'}})-[r:KNOWS {{since: 1}}]->(b:Person {{name: 'Bob'}}) "
        f"RETURN a, r, p, {d.id_function('a')} AS aid"
    ).rows[0]
    a, r, p, aid = row
    assert isinstance(a, NodeRecord) and a.labels == ("Employee", "Person") and a.id == aid
    assert isinstance(r, EdgeRecord) and r.start_id == a.id and r.type == "KNOWS"
    assert isinstance(p, PathRecord) and len(p) == 1
    found = bolt_driver.execute(
        f"MATCH (n) WHERE {d.id_function('n')} = {d.id_param('$id')} RETURN n.name", {"id": aid}
    )
    assert found.values() == ["Ada"]


def test_var_length_paths(bolt_driver):
    bolt_driver.execute("CREATE (:P {i: 1})-[:NEXT]->(:P {i: 2})-[:NEXT]->(:P {i: 3})")
    assert bolt_driver.execute(
        "MATCH (a:P {i: 1})-[:NEXT*1..2]->(b) RETURN b.i ORDER BY b.i"
    ).values() == [2, 3]


def test_transaction_rollback_discards(bolt_driver):
    bolt_driver.begin()
    bolt_driver.execute("CREATE (:Dropped)")
    bolt_driver.rollback()
    assert bolt_driver.execute("MATCH (n:Dropped) RETURN count(n)").value() == 0


def test_readonly_call_refuses_write_and_keeps_graph_unchanged(bolt_driver):
    with pytest.raises(ReadOnlyError):
        bolt_driver.execute("CREATE (:Intruder)", readonly=True)
    assert bolt_driver.execute("MATCH (n:Intruder) RETURN count(n)").value() == 0


def test_syntax_error_is_a_query_error(bolt_driver):
    with pytest.raises(QueryError) as info:
        bolt_driver.execute("RETURN 1 +")
    assert info.value.query == "RETURN 1 +"


def test_failed_login_leaks_no_password(bolt_driver):
    url = os.environ[_VARS[bolt_driver.dialect.name]]
    wrong = "Wr0ng-Pa55-for-test"
    driver = create_driver(url, username="nobody_runic_test", password=wrong)
    try:
        try:
            driver.execute("RETURN 1")
        except ConnectionFailedError as err:
            assert err.reason == "auth" and wrong not in str(err)
        assert wrong not in repr(driver)
    finally:
        driver.close()


def test_schema_creates_and_lists_an_exact_index(bolt_driver):
    spec = IndexSpec("RunicTestPerson", "email")
    bolt_driver.schema.create_index(spec)
    try:
        assert any(s.matches(spec) for s in bolt_driver.schema.list_indexes())
    finally:
        bolt_driver.schema.drop_index(spec)

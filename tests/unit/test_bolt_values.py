"""The I/O-free Bolt core: neo4j client values, summaries, errors and URIs as runic's."""

from __future__ import annotations

import datetime as dt

import pytest
from neo4j.exceptions import AuthError, CypherSyntaxError, ServiceUnavailable
from neo4j.graph import Graph, Node, Path
from neo4j.spatial import CartesianPoint, WGS84Point
from neo4j.time import Date, DateTime, Duration

from runic.ogm.driver._bolt_core import BoltCore, client_uri_for, convert_params, convert_value
from runic.ogm.driver.arcadedb import ArcadeDBDialect
from runic.ogm.driver.bolt import MemgraphDialect, Neo4jDialect, dialect_for_agent
from runic.ogm.driver.result import EdgeRecord, NodeRecord, PathRecord
from runic.ogm.driver.urls import Secret
from runic.ogm.exceptions import (
    ConnectionFailedError,
    QueryError,
    QueryTimeoutError,
    UnsupportedFeatureError,
)

pytestmark = [pytest.mark.unit]


def _graph():
    graph = Graph()
    ada = Node(
        graph, "#1:0", 1, ["Person", "Employee"], {"name": "Ada", "born": Date(1815, 12, 10)}
    )
    bob = Node(graph, "#1:1", 2, ["Person"], {"name": "Bob"})
    knows = graph.relationship_type("KNOWS")(graph, "#9:0", 3, {"since": 2001})
    knows._start_node, knows._end_node = ada, bob
    return ada, bob, knows


def _core(password: str = "s3cret-pw") -> BoltCore:
    return BoltCore(
        client_uri="bolt://db:7687",
        url="bolt://alice:***@db:7687/neo4j",
        backend="neo4j",
        database="neo4j",
        username="alice",
        password=Secret(password),
    )


def test_node_becomes_node_record_with_sorted_labels_and_native_values():
    ada, _, _ = _graph()
    record = convert_value(ada)
    assert record == NodeRecord(
        "#1:0", ("Employee", "Person"), {"name": "Ada", "born": dt.date(1815, 12, 10)}
    )


def test_relationship_becomes_edge_record_with_endpoint_ids():
    _, _, knows = _graph()
    assert convert_value(knows) == EdgeRecord("#9:0", "KNOWS", "#1:0", "#1:1", {"since": 2001})


def test_path_becomes_path_record():
    ada, _, knows = _graph()
    path = convert_value(Path(ada, knows))
    assert isinstance(path, PathRecord)
    assert [n.id for n in path.nodes] == ["#1:0", "#1:1"]
    assert [e.id for e in path.edges] == ["#9:0"]


def test_memgraph_ids_become_integers():
    ada, _, _ = _graph()
    graph = Graph()
    node = Node(graph, "42", 42, ["X"], {})
    assert convert_value(node, MemgraphDialect().decode_id).id == 42
    assert convert_value(ada, Neo4jDialect().decode_id).id == "#1:0"


def test_temporals_points_and_nested_values_become_plain_python():
    moment = DateTime(2024, 2, 29, 13, 14, 15, tzinfo=dt.UTC)
    value = convert_value(
        {
            "m": moment,
            "p": [WGS84Point((2.0, 1.0)), CartesianPoint((1.0, 2.0, 3.0))],
            "d": Duration(days=1, seconds=5),
        }
    )
    assert value == {
        "m": dt.datetime(2024, 2, 29, 13, 14, 15, tzinfo=dt.UTC),
        "p": [{"latitude": 1.0, "longitude": 2.0}, {"x": 1.0, "y": 2.0, "z": 3.0}],
        "d": dt.timedelta(days=1, seconds=5),
    }


def test_params_turn_tuples_and_sets_into_lists():
    assert convert_params({"a": (1, 2), "b": {"k": frozenset({3})}}) == {
        "a": [1, 2],
        "b": {"k": [3]},
    }
    with pytest.raises(TypeError):
        convert_params([("a", 1)])  # type: ignore[arg-type]


def test_syntax_error_carries_position_caret_and_parameter_names_only():
    exc = CypherSyntaxError._hydrate_neo4j(
        code="Neo.ClientError.Statement.SyntaxError",
        message="Invalid input 'x' (line 1, column 8 (offset: 7))",
    )
    err = _core().query_error(exc, "RETURN x +", {"secret": "value-123"})
    assert isinstance(err, QueryError)
    assert (err.line, err.column, err.position) == (1, 8, 7)
    assert err.param_names == ["secret"] and "value-123" not in str(err)
    assert "\n  RETURN x +\n         ^" in str(err)


def test_timeout_and_connection_errors_are_classified_without_the_password():
    core = _core("s3cret-pw")
    timeout = core.query_error(
        ServiceUnavailable("closed"), "RETURN 1", None, timeout=0.5, timed_out=True
    )
    assert isinstance(timeout, QueryTimeoutError) and timeout.timeout_s == 0.5
    auth = core.connection_error(AuthError("bad credentials s3cret-pw"))
    assert isinstance(auth, ConnectionFailedError) and auth.reason == "auth"
    assert "s3cret-pw" not in str(auth)
    down = core.connection_error(ServiceUnavailable("Couldn't connect to db:7687"))
    assert down.reason == "unreachable"


def test_encrypted_rewrites_the_scheme_and_custom_schemes_map_to_bolt():
    assert client_uri_for("bolt://h:7687/db", True) == ("bolt+s://h:7687", None)
    assert client_uri_for("neo4j+s://u:p@h", False) == ("neo4j://h:7687", None)
    assert client_uri_for("memgraph://h:7688", None) == ("bolt://h:7688", "memgraph")
    assert client_uri_for("arcadedb+s://h", None) == ("bolt+s://h:7687", "arcadedb")
    with pytest.raises(ValueError):
        client_uri_for("http://h", None)


def test_dialect_comes_from_the_server_agent():
    assert isinstance(
        dialect_for_agent("Neo4j/5.26.0 compatible (ArcadeDB 26.10.2)"), ArcadeDBDialect
    )
    assert isinstance(dialect_for_agent("Memgraph/2.18"), MemgraphDialect)
    assert type(dialect_for_agent("Neo4j/5.20.0")) is Neo4jDialect


def test_dialects_render_their_search_calls_and_ids():
    assert Neo4jDialect().id_function("n") == "elementId(n)"
    assert MemgraphDialect().id_function("n") == "id(n)"
    assert "db.index.vector.queryNodes('Doc_emb', $k, $v)" in Neo4jDialect().vector_call(
        "Doc", "emb", None, "$k", "$v", "n", "s"
    )
    assert "vector_search.search('Doc_emb', $k, $v)" in MemgraphDialect().vector_call(
        "Doc", "emb", None, "$k", "$v", "n", "s"
    )
    assert "vector.neighbors('Doc[emb]', $v, $k)" in ArcadeDBDialect().vector_call(
        "Doc", "emb", None, "$k", "$v", "n", "s"
    )
    assert "text_search.search_all('Post', $q)" in MemgraphDialect().fulltext_call(
        "Post", None, "$q", "n", "s"
    )
    with pytest.raises(UnsupportedFeatureError):
        ArcadeDBDialect().fulltext_call("Post", None, "$q", "n", "s")


def test_arcadedb_create_node_sends_plain_values_as_parameters():
    clause = ArcadeDBDialect().render_create_node(
        ("Person", "Employee"),
        {"name": "Ada", "emb": [0.1, 0.2], "loc": {"latitude": 1.0, "longitude": 2.0}},
    )
    assert clause == "CREATE (n:Person:Employee {name: $n_name, emb: $n_emb, loc: point($n_loc)})"
    assert clause.params == {
        "n_name": "Ada",
        "n_emb": [0.1, 0.2],
        "n_loc": {"latitude": 1.0, "longitude": 2.0},
    }


def test_repr_of_a_driver_hides_the_password():
    from runic.ogm.driver.bolt import BoltDriver

    driver = BoltDriver(
        "neo4j+s://db:7687", auth=("alice", "pw-never-shown"), database="neo4j", dialect="neo4j"
    )
    try:
        assert repr(driver) == "<BoltDriver neo4j+s://alice:***@db:7687/neo4j dialect=neo4j>"
        assert "pw-never-shown" not in driver.url
    finally:
        driver.close()

"""AGE's SQL wrapping, RETURN-column parser, agtype codec and index DDL (no database)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from runic.ogm.driver._age_agtype import AgtypeParameterError, decode_agtype, encode_params
from runic.ogm.driver._age_cypher import (
    inline_label_predicates,
    inline_order_by_aliases,
    return_columns,
)
from runic.ogm.driver._age_schema import index_ddl, parse_index_def
from runic.ogm.driver.age import AGEDialect
from runic.ogm.driver.result import EdgeRecord, NodeRecord, PathRecord
from runic.ogm.exceptions import UnsupportedFeatureError
from runic.ogm.schema.index_manager import IndexSpec

pytestmark = [pytest.mark.unit]

dialect = AGEDialect()


# -- wrap_query ---------------------------------------------------------------------------------


def test_wrap_query_calls_cypher_with_one_bind_parameter_and_positional_columns():
    sql = dialect.wrap_query("social", "MATCH (n) RETURN n, n.name")
    assert sql == (
        "SELECT * FROM ag_catalog.cypher('social', $runic$MATCH (n) RETURN n, n.name$runic$, %s) "
        "AS (c0 agtype, c1 agtype)"
    )


def test_wrap_query_without_return_still_declares_one_column():
    sql = dialect.wrap_query("social", "CREATE (n:Person)")
    assert sql.endswith("$runic$CREATE (n:Person)$runic$, %s) AS (c0 agtype)")


def test_wrap_query_takes_explicit_columns():
    sql = dialect.wrap_query("social", "MATCH (n) RETURN *", columns=["a", "b", "c"])
    assert sql.endswith("AS (c0 agtype, c1 agtype, c2 agtype)")


def test_wrap_query_numbers_the_dollar_tag_when_the_query_contains_it():
    sql = dialect.wrap_query("social", "RETURN '$runic$' AS a, '$runic1$' AS b")
    assert "$runic2$RETURN '$runic$' AS a, '$runic1$' AS b$runic2$" in sql
    assert sql.count("$runic2$") == 2


def test_wrap_query_doubles_percent_signs_for_psycopg():
    sql = dialect.wrap_query("social", "RETURN 7 % 3 AS m, '100%' AS s")
    assert "RETURN 7 %% 3 AS m, '100%%' AS s" in sql
    assert sql.count("%s") == 1


@pytest.mark.parametrize(
    "name",
    ["g'); DROP TABLE x; --", "", "1graph", "ab", "a b", "grä", "g$$x", "x" * 64, "g.h", None, 42],
)
def test_wrap_query_refuses_hostile_or_invalid_graph_names(name):
    with pytest.raises(ValueError):
        dialect.wrap_query(name, "RETURN 1")


def test_wrap_query_refuses_return_star():
    with pytest.raises(UnsupportedFeatureError) as info:
        dialect.wrap_query("social", "MATCH (n) RETURN *")
    assert info.value.backend == "age"
    assert "RETURN *" in str(info.value)


# -- RETURN parser ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "columns"),
    [
        ("MATCH (n) RETURN n", ["n"]),
        ("MATCH (n) RETURN n.name AS name, count(*) AS c", ["name", "c"]),
        ("MATCH (n) RETURN n.name, n.age", ["n.name", "n.age"]),
        ("MATCH (n) RETURN DISTINCT n.city AS city", ["city"]),
        ("MATCH (n) RETURN n ORDER BY n.name SKIP 1 LIMIT 2", ["n"]),
        ("RETURN {a: 1, b: [1, 2]} AS m, [x IN range(1, 3) | x * 2] AS l", ["m", "l"]),
        ("RETURN coalesce(null, 'a, b') AS s, size('RETURN x, y') AS n", ["s", "n"]),
        ("RETURN 1 AS `a, b`, 2 AS `weird``name`", ["a, b", "weird`name"]),
        ("RETURN 1 AS a // RETURN x, y, z\n", ["a"]),
        ("RETURN 1 AS a /* , RETURN b */", ["a"]),
        ("MATCH (n) WITH n RETURN n.name AS name", ["name"]),
        ("RETURN 1 AS x UNION RETURN 2 AS x", ["x"]),
        ("RETURN 1 AS a, 2 AS b UNION ALL RETURN 3 AS a, 4 AS b", ["a", "b"]),
        ("MATCH (n) SET n.return = 1, n.limit = 2 RETURN n.order AS o", ["o"]),
        ("CREATE (n:Person {name: $name})", []),
        ("MATCH (n) RETURN n;", ["n"]),
        ("match (n) return n as Node, n.x", ["Node", "n.x"]),
        ("RETURN 'it''s' AS a, \"dq \\\" RETURN\" AS b", ["a", "b"]),
        ("RETURN count(*)", ["count(*)"]),
        ("MATCH p = (a)-[*1..3]->(b) RETURN p, length(p) AS hops", ["p", "hops"]),
    ],
)
def test_return_columns_name_each_item_as_other_backends_do(query, columns):
    assert return_columns(query) == columns
    assert dialect.return_columns(query) == columns


def test_return_star_after_distinct_is_refused():
    with pytest.raises(UnsupportedFeatureError):
        return_columns("MATCH (n) RETURN DISTINCT *")


def test_star_inside_count_is_not_return_star():
    assert return_columns("MATCH (n) RETURN count(*) AS c, n") == ["c", "n"]


@pytest.mark.parametrize(
    ("query", "sent"),
    [
        ("MATCH (n) RETURN n.name AS name ORDER BY name", "MATCH (n) RETURN n.name AS name ORDER BY (n.name)"),
        (
            "MATCH (n) RETURN n.city AS city, count(*) AS c ORDER BY c DESC, city SKIP 1 LIMIT 2",
            "MATCH (n) RETURN n.city AS city, count(*) AS c ORDER BY (count(*)) DESC, (n.city) SKIP 1 LIMIT 2",
        ),
        (
            "MATCH (n) WITH n.name AS name ORDER BY toLower(name) RETURN name ORDER BY name",
            "MATCH (n) WITH n.name AS name ORDER BY toLower((n.name)) RETURN name ORDER BY name",
        ),
        ("MATCH (n) RETURN n.x AS `a b` ORDER BY `a b`", "MATCH (n) RETURN n.x AS `a b` ORDER BY (n.x)"),
        ("MATCH (n) RETURN n AS m ORDER BY m.name, n.m", "MATCH (n) RETURN n AS m ORDER BY (n).name, n.m"),
        ("MATCH (n) RETURN n ORDER BY n.name", "MATCH (n) RETURN n ORDER BY n.name"),
        ("RETURN 'ORDER BY x' AS x", "RETURN 'ORDER BY x' AS x"),
    ],
)
def test_order_by_on_an_alias_of_the_same_clause_is_spelt_out(query, sent):
    assert inline_order_by_aliases(query) == sent


@pytest.mark.parametrize("query", ["RETURN 1 AS x;", "RETURN 1 AS x ;  \n", "RETURN 1 AS x; // done"])
def test_wrap_query_drops_a_final_semicolon(query):
    assert "$runic$RETURN 1 AS x$runic$" in dialect.wrap_query("social", query)


def test_wrap_query_keeps_semicolons_inside_strings():
    assert "$runic$RETURN ';' AS x$runic$" in dialect.wrap_query("social", "RETURN ';' AS x")


def test_wrap_query_sends_order_by_aliases_spelt_out():
    sql = dialect.wrap_query("social", "MATCH (n) RETURN n.name AS name ORDER BY name")
    assert "ORDER BY (n.name)$runic$" in sql


def _has(var: str, label: str) -> str:
    return f"(label({var}) = '{label}' OR '{label}' IN coalesce({var}._labels, []))"


@pytest.mark.parametrize(
    ("query", "sent"),
    [
        ("MATCH (n) WHERE NOT n:Doc RETURN n", f"MATCH (n) WHERE NOT ({_has('n', 'Doc')}) RETURN n"),
        ("MATCH (n) WHERE n:A:B RETURN n", f"MATCH (n) WHERE ({_has('n', 'A')} AND {_has('n', 'B')}) RETURN n"),
        ("MATCH (n) WHERE (n:`My Label`) RETURN n", f"MATCH (n) WHERE (({_has('n', 'My Label')})) RETURN n"),
        ("MATCH (n) WHERE n:`D'og\\` RETURN n", "MATCH (n) WHERE ((label(n) = 'D\\'og\\\\' OR 'D\\'og\\\\' IN coalesce(n._labels, []))) RETURN n"),
    ],
)
def test_label_predicates_in_where_become_label_tests(query, sent):
    assert inline_label_predicates(query) == sent


@pytest.mark.parametrize(
    "query",
    [
        "MATCH (n:Person {name: 'a:b'}) RETURN n",
        "MATCH (n) WHERE (n:A)-->(m) RETURN n",
        "MATCH (n) WHERE (n)-[r:KNOWS]->(:Person) RETURN n",
        "MATCH (n) WHERE n.x = {a: 1}.a RETURN n",
        "MATCH (n) WHERE n.name = 'x:y' RETURN n",
        "MATCH (n) RETURN n",
    ],
)
def test_patterns_maps_and_strings_keep_their_colons(query):
    assert inline_label_predicates(query) == query


# -- dialect ----------------------------------------------------------------------------------


def test_dialect_declares_age_capabilities():
    assert dialect.name == "age"
    assert dialect.multiple_labels is False
    assert dialect.supports_undirected_merge is False
    assert dialect.id_function("n") == "id(n)"


def test_label_pattern_uses_only_the_first_label():
    assert dialect.label_pattern(("Animal", "Dog")) == ":Animal"
    assert dialect.label_pattern("Person") == ":Person"
    assert dialect.label_pattern(("my label",)) == ":`my label`"


def test_subtype_filter_checks_extra_labels_in_the_labels_property():
    assert dialect.subtype_filter("n", ("Animal",)) is None
    assert dialect.subtype_filter("n", ("Animal", "Dog")) == "'Dog' IN n._labels"
    hostile = dialect.subtype_filter("n", ("Animal", "D'og\\"))
    assert hostile == "'D\\'og\\\\' IN n._labels"


def test_create_node_with_several_labels_stores_them_in_labels_property():
    clause = dialect.render_create_node(("Animal", "Dog"), {"name": "Rex"})
    assert clause == "CREATE (n:Animal {name: $n_name, _labels: $n__labels})"
    assert clause.params == {"n_name": "Rex", "n__labels": ["Animal", "Dog"]}


def test_label_properties_list_every_label_of_a_node_with_several():
    assert dialect.label_properties(("Animal", "Dog", "Animal")) == {"_labels": ["Animal", "Dog"]}
    assert dialect.label_properties(("Animal",)) == {}
    assert dialect.label_properties("Animal") == {}


def test_create_node_with_one_label_has_no_labels_property():
    clause = dialect.render_create_node("Person", {"name": "Ada", "weird key": 1})
    assert clause == "CREATE (n:Person {name: $n_name, `weird key`: $n_1})"
    assert clause.params == {"n_name": "Ada", "n_1": 1}


def test_fulltext_and_vector_calls_name_the_postgresql_alternatives():
    with pytest.raises(UnsupportedFeatureError) as ft:
        dialect.fulltext_call("Post", None, "$q", "n", "score")
    assert ft.value.alternative == "PostgreSQL full-text search"
    with pytest.raises(UnsupportedFeatureError) as vec:
        dialect.vector_call("Doc", "emb", None, "$k", "$v", "n", "score")
    assert vec.value.alternative == "pgvector"
    assert "pgvector" in str(vec.value)


# -- agtype -----------------------------------------------------------------------------------


def test_decode_vertex_edge_and_path():
    v1 = '{"id": 1, "label": "Animal", "properties": {"name": "Rex", "_labels": ["Animal", "Dog"]}}::vertex'
    v2 = '{"id": 2, "label": "Person", "properties": {}}::vertex'
    e = '{"id": 3, "label": "OWNS", "end_id": 1, "start_id": 2, "properties": {"since": 2020}}::edge'
    node = decode_agtype(v1)
    assert node == NodeRecord(1, ("Animal", "Dog"), {"name": "Rex"})
    assert decode_agtype(e) == EdgeRecord(3, "OWNS", 2, 1, {"since": 2020})
    path = decode_agtype(f"[{v2}, {e}, {v1}]::path")
    assert isinstance(path, PathRecord)
    assert [n.id for n in path.nodes] == [2, 1] and [r.id for r in path.edges] == [3]


def test_decode_plain_values():
    assert decode_agtype('[1, 2.5, null, true, false, "x\\n\\"y\\""]') == [1, 2.5, None, True, False, 'x\n"y"']
    assert decode_agtype("1.50::numeric") == Decimal("1.50")
    assert math.isnan(decode_agtype("NaN"))
    assert decode_agtype("-Infinity") == -math.inf
    assert decode_agtype('{"a": {"b": [1e-07]}}') == {"a": {"b": [1e-07]}}
    assert decode_agtype(None) is None
    assert isinstance(decode_agtype("1.0"), float) and isinstance(decode_agtype("1"), int)


def test_encode_params_is_one_agtype_map():
    text = encode_params({"s": "it's \"q\" $$ %s", "i": 2**62, "d": Decimal("1.5"), "f": math.inf, "l": (1, None)})
    assert text == '{"s": "it\'s \\"q\\" $$ %s", "i": 4611686018427387904, "d": 1.5::numeric, "f": Infinity, "l": [1, null]}'
    assert encode_params(None) == "{}"
    assert encode_params({}) == "{}"


@pytest.mark.parametrize("value", ["a\x00b", "\ud800", b"bytes", object(), 2**63, -(2**63) - 1])
def test_encode_params_refuses_values_agtype_cannot_carry_naming_only_the_parameter(value):
    with pytest.raises(AgtypeParameterError) as info:
        encode_params({"secret_param": value})
    assert info.value.param_name == "secret_param"
    if isinstance(value, str):
        assert value not in str(info.value)


# -- index DDL --------------------------------------------------------------------------------


def test_index_ddl_is_a_postgresql_expression_index():
    ddl = index_ddl("social", IndexSpec("Person", "email", unique=True))
    assert ddl == (
        'CREATE UNIQUE INDEX IF NOT EXISTS "runic_Person_email" ON "social"."Person" USING btree '
        "(ag_catalog.agtype_access_operator(VARIADIC ARRAY[properties, '\"email\"'::ag_catalog.agtype]))"
    )


def test_index_ddl_quotes_hostile_names():
    ddl = index_ddl("social", IndexSpec('Pe"r', "it's"))
    assert 'ON "social"."Pe""r"' in ddl
    assert "'\"it''s\"'::ag_catalog.agtype" in ddl


def test_parse_index_def_reads_what_postgresql_lists():
    indexdef = (
        'CREATE UNIQUE INDEX "runic_Person_email" ON social."Person" USING btree '
        "(ag_catalog.agtype_access_operator(VARIADIC ARRAY[properties, '\"email\"'::ag_catalog.agtype]))"
    )
    assert parse_index_def(indexdef) == ("runic_Person_email", "Person", "email", True)
    assert parse_index_def('CREATE UNIQUE INDEX "Person_pkey" ON social."Person" USING btree (id)') is None


def test_numpy_values_travel_as_python_values_and_numpy_dates_are_refused():
    import numpy as np

    from runic.ogm.exceptions import UnsupportedValueError

    assert encode_params({"f": np.float64(0.5), "i": np.int64(7), "a": np.array([1.5])}) == '{"f": 0.5, "i": 7, "a": [1.5]}'
    with pytest.raises(UnsupportedValueError, match="datetime64"):
        encode_params({"d": np.datetime64("2024-01-01T00:00:00.000000001")})

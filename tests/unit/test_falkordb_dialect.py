"""FalkorDBDialect renders FalkorDB's Cypher (pure logic)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from runic.ogm.driver.base import Clause
from runic.ogm.driver.falkordb import FalkorDBDialect

pytestmark = [pytest.mark.unit]

dialect = FalkorDBDialect()


def info(**kw):
    base = dict(db_type=None, interned=False, converter=None, to_db=lambda v: v)
    base.update(kw)
    return SimpleNamespace(**base)


def test_render_create_node_returns_a_clause_with_parameters():
    clause = dialect.render_create_node("Person", {"name": "Ada", "age": 36})
    assert isinstance(clause, Clause)
    assert clause == "CREATE (n:Person {name: $n_name, age: $n_age})"
    assert clause.params == {"n_name": "Ada", "n_age": 36}


def test_render_create_node_wraps_vectors_and_points_by_field_db_type():
    clause = dialect.render_create_node(
        "Doc",
        {"emb": [0.1, 0.2], "where": {"latitude": 1.0, "longitude": 2.0}},
        fields={"emb": info(db_type="vector"), "where": info(db_type="point")},
    )
    assert clause == "CREATE (n:Doc {emb: vecf32($n_emb), `where`: point($n_where)})"


def test_render_create_node_takes_several_labels_and_quotes_odd_names():
    clause = dialect.render_create_node(("Person", "Admin Role"), {"full name": "x"})
    assert clause == "CREATE (n:Person:`Admin Role` {`full name`: $n_0})"
    assert clause.params == {"n_0": "x"}


def test_render_create_node_without_properties():
    assert dialect.render_create_node("Tag", {}) == "CREATE (n:Tag)"


def test_param_ref_follows_field_info():
    assert dialect.param_ref("$p", None) == "$p"
    assert dialect.param_ref("$p", info(db_type="vector")) == "vecf32($p)"
    assert dialect.param_ref("row.loc", info(db_type="point")) == "point(row.loc)"
    assert dialect.param_ref("$p", info(interned=True)) == "intern($p)"
    assert dialect.param_ref("$p", info()) == "$p"


def test_render_index_is_falkordb_exact_index_ddl():
    assert dialect.render_index("Person", "email") == "CREATE INDEX FOR (n:Person) ON (n.email)"
    assert (
        dialect.render_index("Odd Label", "e-mail")
        == "CREATE INDEX FOR (n:`Odd Label`) ON (n.`e-mail`)"
    )


def test_id_function_and_id_param():
    assert dialect.id_function("n") == "id(n)"
    assert dialect.id_param("$id") == "toInteger($id)"


def test_label_pattern_quotes_every_label():
    assert dialect.label_pattern(["A", "B"]) == ":`A`:`B`"


def test_fulltext_and_vector_calls():
    assert dialect.fulltext_call("Post", None, "$q", "n", "__score") == (
        "CALL db.idx.fulltext.queryNodes('Post', $q) YIELD node AS n, score AS __score"
    )
    assert dialect.vector_call("Doc", "emb", None, "$k", "$v", "n", "__score") == (
        "CALL db.idx.vector.queryNodes('Doc', 'emb', $k, vecf32($v)) YIELD node AS n, score AS __score"
    )


def test_label_quotes_in_procedure_calls_are_escaped():
    call = dialect.fulltext_call("It's", None, "$q", "n", "s")
    assert "'It\\'s'" in call


def test_capabilities():
    assert dialect.name == "falkordb"
    assert dialect.supports_undirected_merge is False
    assert dialect.transactional is False
    assert dialect.multiple_labels is True

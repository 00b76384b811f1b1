"""Kernel-side completion in %%runic cells from the live schema."""

from __future__ import annotations

import pytest
from _notebook_helpers import cell
from IPython.core.completer import provisionalcompleter

from runic.notebook.completion import complete_cypher

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]


def _complete(shell, text):
    with provisionalcompleter():
        return [(c.text, c.type, text[: c.start]) for c in shell.Completer.completions(text, len(text))]


@pytest.fixture
def schema(shell):
    cell(shell, "", "CREATE (:Person {name: 'Ada', nickname: 'A'})-[:KNOWS]->(:Place {title: 'x'})-[:LOCATED_IN]->(:Planet)")
    return shell


def test_labels_after_colon_in_node_pattern(schema):
    got = _complete(schema, "%%runic\nMATCH (p:P")
    assert [t for t, _, _ in got] == ["Person", "Place", "Planet"]
    assert all(kind == "label" for _, kind, _ in got)
    assert got[0][2].endswith("(p:")  # replaces only the typed fragment


def test_relationship_types_after_bracket_colon(schema):
    got = _complete(schema, "%%runic\nMATCH (p)-[:")
    assert [t for t, _, _ in got] == ["KNOWS", "LOCATED_IN"]
    assert {k for _, k, _ in got} == {"relationship type"}
    assert [t for t, _, _ in _complete(schema, "%%runic\nMATCH (p)-[k:KNOWS|L")] == ["LOCATED_IN"]


def test_property_keys_after_dot(schema):
    got = _complete(schema, "%%runic\nMATCH (p:Person)\nWHERE p.n")
    assert [t for t, _, _ in got] == ["name", "nickname"]


def test_no_schema_completion_outside_runic_cells_or_inside_strings(schema):
    assert not any(k == "label" for _, k, _ in _complete(schema, "x = {'a':"))
    assert _complete(schema, "%%runic\nMATCH (p) WHERE p.name = 'x:P") == [] or all(
        k != "label" for _, k, _ in _complete(schema, "%%runic\nMATCH (p) WHERE p.name = 'x:P")
    )


def test_line_magic_completes_too(schema):
    assert [t for t, _, _ in _complete(schema, "%runic MATCH (p:Pe")] == ["Person"]


def test_new_labels_appear_after_a_write(schema):
    assert not [t for t, k, _ in _complete(schema, "%%runic\nMATCH (x:Z") if k == "label"]
    cell(schema, "", "CREATE (:Zebra)")
    assert [t for t, _, _ in _complete(schema, "%%runic\nMATCH (x:Z")] == ["Zebra"]


@pytest.mark.unit
def test_completion_contexts():
    schema = {"labels": ["Person", "odd label"], "types": ["KNOWS"], "keys": ["name"]}
    assert complete_cypher("MATCH (p:", schema) == ("", [("`odd label`", "label"), ("Person", "label")])
    assert complete_cypher("MATCH ()-[r:K", schema) == ("K", [("KNOWS", "relationship type")])
    assert complete_cypher("RETURN p.na", schema) == ("na", [("name", "property")])
    assert complete_cypher("RETURN {name:", schema) is None  # map literal key, not a label
    assert complete_cypher("RETURN 'p:", schema) is None
    assert complete_cypher("RETURN 1.5", schema) is None


def test_property_keys_follow_the_label_of_the_alias(schema):
    cell(schema, "", "CREATE (:Person {age: 3})-[:KNOWS {since: 2001, weight: 1}]->(:Place {size: 2})")
    person = [t for t, _, _ in _complete(schema, "%%runic\nMATCH (p:Person)-[k:KNOWS]->(q:Place)\nRETURN p.")]
    assert person == ["age", "name", "nickname"]
    place = _complete(schema, "%%runic\nMATCH (p:Person)-[k:KNOWS]->(q:Place)\nRETURN q.")
    assert [t for t, _, _ in place] == ["size", "title"] and place[0][1] == "property of :Place"
    assert [t for t, _, _ in _complete(schema, "%%runic\nMATCH (p:Person)-[k:KNOWS]->(q)\nRETURN k.")] == ["since", "weight"]
    # an alias bound later in the cell, and one with no label: every key
    assert [t for t, _, _ in _complete(schema, "%%runic\nRETURN p.s")] == ["since", "size"]


def test_keywords_and_functions_while_a_word_is_typed(schema):
    got = _complete(schema, "%%runic\nMATCH (p:Person) RET")
    assert ("RETURN", "keyword") in [(t, k) for t, k, _ in got]
    funcs = [(t, k) for t, k, _ in _complete(schema, "%%runic\nMATCH (p:Person) RETURN toU")]
    assert ("toUpper", "function") in funcs


@pytest.mark.unit
def test_completion_of_words_and_owned_keys():
    schema = {"labels": ["Person"], "types": ["KNOWS"], "keys": ["name", "since"]}
    keys = {("label", "Person"): ["name"], ("type", "KNOWS"): ["since"]}
    by_owner = lambda kind, name: keys[(kind, name)]
    assert complete_cypher("MATCH (a:Person)-[r:KNOWS]->() RETURN r.", schema, by_owner) == ("", [("since", "property of :KNOWS")])
    assert complete_cypher("RETURN a.", schema, by_owner, after=" FROM (a:Person)") == ("", [("name", "property of :Person")])
    assert complete_cypher("MATCH (n) WHE", schema)[1] == [("WHERE", "keyword"), ("WHEN", "keyword")]
    assert ("collect", "function") in complete_cypher("RETURN co", schema)[1]
    assert complete_cypher("RETURN $mi", schema) is None  # a parameter, not a keyword
    assert complete_cypher("RETURN {na", schema) is None


@pytest.mark.parametrize("backend", ["falkordb", "arcadedb", "age"])
def test_keys_of_a_label_on_each_backend(shell, request, backend):
    from runic.notebook.completion import _keys_of
    from runic.notebook.connections import registry

    request.applymarker(getattr(pytest.mark, backend))
    driver = request.getfixturevalue(f"{backend}_driver")
    registry.connect(driver=driver, alias="completion")
    try:
        driver.execute("CREATE (:Cpl {a: 1, b: 2})-[:CREL {w: 1}]->(:Other {z: 1})")
        assert _keys_of("label", "Cpl") == ["a", "b"]
        assert _keys_of("type", "CREL") == ["w"]
    finally:
        registry._connections.pop("completion", None)

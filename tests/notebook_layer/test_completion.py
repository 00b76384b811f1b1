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

"""IndexSpec: normalised input, equality by meaning, export form."""

from __future__ import annotations

import pytest

from runic.ogm.schema.index_manager import IndexSpec

pytestmark = [pytest.mark.unit]


@pytest.mark.parametrize(
    "given, kind, unique",
    [
        ("exact", "exact", False),
        ("RANGE", "exact", False),
        ("range", "exact", False),
        ("UNIQUE", "exact", True),
        ("FULLTEXT", "fulltext", False),
        ("Fulltext", "fulltext", False),
        ("VECTOR", "vector", False),
    ],
)
def test_index_type_input_is_normalised(given, kind, unique):
    spec = IndexSpec("L", "f", given, dimension=3 if kind == "vector" else None)
    assert (spec.index_type, spec.unique) == (kind, unique)


def test_unknown_index_type_is_a_value_error_with_a_suggestion():
    with pytest.raises(ValueError, match="fulltext"):
        IndexSpec("L", "f", "fulltxt")


def test_property_is_an_alias_of_field():
    spec = IndexSpec("Person", property="email")
    assert spec.field == "email" and spec.property == "email"
    assert spec == IndexSpec("Person", "email")
    with pytest.raises(ValueError):
        IndexSpec("Person", "a", property="b")


def test_legacy_type_gives_the_reference_names():
    assert IndexSpec("L", "f").legacy_type == "RANGE"
    assert IndexSpec("L", "f", unique=True).legacy_type == "UNIQUE"
    assert IndexSpec("L", "f", "fulltext").legacy_type == "FULLTEXT"
    assert IndexSpec("L", "f", "vector", dimension=2).legacy_type == "VECTOR"


def test_name_takes_no_part_in_equality_or_hash():
    a, b = IndexSpec("L", "f", name="idx_1"), IndexSpec("L", "f")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1


def test_specs_are_frozen():
    with pytest.raises(AttributeError):
        IndexSpec("L", "f").label = "M"


def test_invalid_combinations_are_refused():
    with pytest.raises(ValueError, match="unique"):
        IndexSpec("L", "f", "fulltext", unique=True)
    with pytest.raises(ValueError, match="vector"):
        IndexSpec("L", "f", "exact", dimension=3)
    with pytest.raises(ValueError, match="positive"):
        IndexSpec("L", "f", "vector", dimension=0)
    with pytest.raises(ValueError, match="similarity"):
        IndexSpec("L", "f", "vector", similarity="dot")
    with pytest.raises(ValueError, match="entity"):
        IndexSpec("L", "f", entity="graph")


def test_vector_similarity_defaults_to_cosine_and_accepts_aliases():
    assert IndexSpec("L", "f", "vector", dimension=2).similarity == "cosine"
    assert IndexSpec("L", "f", "vector", dimension=2, similarity="L2").similarity == "euclidean"


def test_matches_ignores_unknown_vector_options_but_not_known_differences():
    declared = IndexSpec("D", "e", "vector", dimension=3)
    assert declared.matches(IndexSpec("D", "e", "vector"))
    assert not declared.matches(IndexSpec("D", "e", "vector", dimension=4))
    assert not declared.matches(IndexSpec("D", "e", "vector", dimension=3, similarity="euclidean"))
    assert not IndexSpec("L", "f").matches(IndexSpec("L", "f", unique=True))
    assert not IndexSpec("L", "f").matches(IndexSpec("L", "f", entity="edge"))


def test_sort_key_orders_by_entity_label_field_type_unique():
    specs = [
        IndexSpec("B", "a"),
        IndexSpec("A", "b"),
        IndexSpec("A", "a", "fulltext"),
        IndexSpec("A", "a"),
        IndexSpec("A", "z", entity="edge"),
    ]
    assert [s.sort_key for s in sorted(specs, key=lambda s: s.sort_key)] == [
        ("edge", "A", "z", "exact", False),
        ("node", "A", "a", "exact", False),
        ("node", "A", "a", "fulltext", False),
        ("node", "A", "b", "exact", False),
        ("node", "B", "a", "exact", False),
    ]


def test_to_dict_has_every_key_and_from_dict_inverts_it():
    spec = IndexSpec("Doc", "emb", "vector", dimension=8, entity="edge", name="n")
    data = spec.to_dict()
    assert data == {
        "entity": "edge",
        "label": "Doc",
        "field": "emb",
        "index_type": "vector",
        "unique": False,
        "dimension": 8,
        "similarity": "cosine",
        "name": "n",
    }
    again = IndexSpec.from_dict(data)
    assert again == spec and again.name == "n"
    assert IndexSpec.from_dict(
        {"label": "L", "property": "p", "index_type": "UNIQUE"}
    ) == IndexSpec("L", "p", unique=True)
    with pytest.raises(ValueError, match="unknown keys"):
        IndexSpec.from_dict({"label": "L", "field": "f", "colour": "red"})


def test_repr_and_describe_are_short():
    assert (
        repr(IndexSpec("P", "e", unique=True))
        == "IndexSpec(label='P', field='e', index_type='exact', unique=True)"
    )
    assert IndexSpec("KNOWS", "since", entity="edge").describe() == "(edge) KNOWS.since exact"

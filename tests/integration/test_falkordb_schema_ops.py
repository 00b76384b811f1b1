"""driver.schema on FalkorDB: live names, index listing and DDL for every index kind."""

from __future__ import annotations

import pytest

from runic.ogm.exceptions import ConstraintFailedError, MetadataError, SchemaError
from runic.ogm.schema.index_manager import IndexSpec

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]


def test_a_graph_that_does_not_exist_has_no_names_and_no_indexes(falkordb_driver):
    schema = falkordb_driver.schema
    assert (
        schema.labels() == [] and schema.relationship_types() == [] and schema.property_keys() == []
    )
    assert schema.list_indexes() == []


def test_labels_types_and_property_keys(falkordb_driver):
    falkordb_driver.execute(
        "CREATE (:Person {name: 'a'})-[:KNOWS {since: 1}]->(:Company {title: 'c'})"
    )
    schema = falkordb_driver.schema
    assert schema.labels() == ["Company", "Person"]
    assert schema.relationship_types() == ["KNOWS"]
    assert schema.property_keys() == ["name", "since", "title"]


@pytest.mark.parametrize(
    "spec",
    [
        IndexSpec("Person", "email"),
        IndexSpec("KNOWS", "since", entity="edge"),
        IndexSpec("Person", "handle", "UNIQUE"),
        IndexSpec("Post", "body", "fulltext"),
        IndexSpec("Doc", "embedding", "vector", dimension=3, similarity="euclidean"),
        IndexSpec("LINKS", "vec", "vector", dimension=2, entity="edge"),
        IndexSpec("MENTIONS", "text", "fulltext", entity="edge"),
        IndexSpec("Odd Label", "odd field", "exact"),
    ],
    ids=lambda s: s.describe(),
)
def test_create_list_and_drop_each_index_kind(falkordb_driver, spec):
    schema = falkordb_driver.schema
    schema.create_index(spec)
    live = schema.list_indexes()
    assert [s for s in live if s.matches(spec)], f"{spec} not in {live}"
    schema.create_index(spec)  # a second time counts as success
    assert len([s for s in schema.list_indexes() if s.matches(spec)]) == 1
    schema.drop_index(spec)
    assert not [s for s in schema.list_indexes() if s.matches(spec)]
    schema.drop_index(spec)  # absent: ignored


def test_listed_specs_carry_vector_options(falkordb_driver):
    falkordb_driver.schema.create_index(
        IndexSpec("Doc", "emb", "vector", dimension=4, similarity="cosine")
    )
    (spec,) = falkordb_driver.schema.list_indexes()
    assert (spec.index_type, spec.dimension, spec.similarity, spec.entity) == (
        "vector",
        4,
        "cosine",
        "node",
    )


def test_unique_constraint_and_backing_index_list_as_one_spec(falkordb_driver):
    falkordb_driver.schema.create_index(IndexSpec("User", "email", unique=True))
    assert falkordb_driver.schema.list_indexes() == [
        IndexSpec("User", "email", "exact", unique=True)
    ]


def test_fulltext_fields_of_one_label_extend_one_index(falkordb_driver):
    schema = falkordb_driver.schema
    schema.create_index(IndexSpec("Post", "title", "fulltext"))
    schema.create_index(IndexSpec("Post", "body", "fulltext"))
    assert schema.list_indexes() == [
        IndexSpec("Post", "body", "fulltext"),
        IndexSpec("Post", "title", "fulltext"),
    ]
    falkordb_driver.execute("CREATE (:Post {title: 'graph databases', body: 'about FalkorDB'})")
    hits = falkordb_driver.execute(
        "CALL db.idx.fulltext.queryNodes('Post', 'FalkorDB') YIELD node RETURN node.title"
    ).values()
    assert hits == ["graph databases"]


def test_unique_constraint_over_duplicates_fails_and_is_not_left_behind(falkordb_driver):
    falkordb_driver.execute("CREATE (:Tag {name: 'x'}), (:Tag {name: 'x'})")
    spec = IndexSpec("Tag", "name", unique=True)
    with pytest.raises(ConstraintFailedError) as info:
        falkordb_driver.schema.create_index(spec)
    assert info.value.spec == spec
    assert "MATCH (e:`Tag`)" in info.value.hint
    specs, errors = falkordb_driver.schema.inspect_indexes()
    assert not [s for s in specs if s.unique] and errors == []


def test_failed_constraints_are_reported_as_errors(falkordb_driver):
    falkordb_driver.execute("CREATE (:Tag {name: 'x'}), (:Tag {name: 'x'})")
    falkordb_driver.execute("CREATE INDEX FOR (n:Tag) ON (n.name)")
    falkordb_driver.raw_command(
        "GRAPH.CONSTRAINT",
        "CREATE",
        falkordb_driver.graph_name,
        "UNIQUE",
        "NODE",
        "Tag",
        "PROPERTIES",
        "1",
        "name",
    )
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        specs, errors = falkordb_driver.schema.inspect_indexes()
        if errors and "FAILED" in errors[0]:
            break
        time.sleep(0.05)
    assert errors and "Tag(name)" in errors[0] and "FAILED" in errors[0]
    assert specs == [IndexSpec("Tag", "name")]


def test_vector_index_without_dimension_is_refused(falkordb_driver):
    with pytest.raises(MetadataError, match="dimension"):
        falkordb_driver.schema.create_index(IndexSpec("Doc", "emb", "vector"))


def test_vector_index_with_other_options_is_reported(falkordb_driver):
    falkordb_driver.schema.create_index(IndexSpec("Doc", "emb", "vector", dimension=3))
    with pytest.raises(SchemaError, match="other options"):
        falkordb_driver.schema.create_index(IndexSpec("Doc", "emb", "vector", dimension=8))


def test_dropping_the_index_behind_a_unique_constraint_alone_is_refused(falkordb_driver):
    falkordb_driver.schema.create_index(IndexSpec("User", "email", unique=True))
    with pytest.raises(SchemaError, match="unique=True"):
        falkordb_driver.schema.drop_index(IndexSpec("User", "email"))
    falkordb_driver.schema.drop_index(IndexSpec("User", "email", unique=True))
    assert falkordb_driver.schema.list_indexes() == []


async def test_async_schema_ops_mirror_the_sync_ones(async_falkordb_driver):
    schema = async_falkordb_driver.schema
    assert await schema.labels() == []
    spec = IndexSpec("Person", "email", unique=True)
    await schema.create_index(spec)
    assert await schema.list_indexes() == [spec]
    assert await schema.labels() == ["Person"]
    await schema.drop_index(spec)
    assert await schema.list_indexes() == []


def test_index_changes_return_once_the_label_index_is_rebuilt(falkordb_driver):
    # FalkorDB keeps one index per label and rebuilds it in the background when a field
    # is added or dropped; create/drop return only after the rebuild, so what is listed
    # right afterwards is the final state and carries no "under construction" error.
    falkordb_driver.execute(
        "UNWIND range(1, 200000) AS i CREATE (:Author {email: 'a' + toString(i), name: 'n', joined: i})"
    )
    schema = falkordb_driver.schema
    specs = [IndexSpec("Author", "email"), IndexSpec("Author", "name"), IndexSpec("Author", "joined")]
    for spec in specs:
        schema.create_index(spec)
        live, errors = schema.inspect_indexes()
        assert errors == [] and [s for s in live if s.matches(spec)]
    schema.drop_index(specs[2])
    live, errors = schema.inspect_indexes()
    assert errors == []
    assert sorted(s.field for s in live) == ["email", "name"]

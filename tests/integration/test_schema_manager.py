"""SchemaManager and IndexManager on the embedded FalkorDB: declare, validate, apply, sync, export."""

from __future__ import annotations

import json

import pytest

from runic.migrate import IndexManager, SchemaManager, SyncReport, ValidationResult
from runic.ogm.core.descriptors import Field
from runic.ogm.core.models import Edge, Node
from runic.ogm.core.types import Vector
from runic.ogm.exceptions import MetadataError
from runic.ogm.schema.index_manager import IndexSpec

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]

DECLARED = [
    IndexSpec("Person", "email", unique=True),
    IndexSpec("Person", "name"),
    IndexSpec("Post", "body", "fulltext"),
    IndexSpec("Post", "title", "fulltext"),
    IndexSpec("Doc", "embedding", "vector", dimension=3, similarity="euclidean"),
    IndexSpec("KNOWS", "since", entity="edge"),
]


class SmArticle(Node):
    __label__ = "SmArticle"
    slug: str = Field(default=None, unique=True)
    title: str = Field(default=None, fulltext=True)
    year: int = Field(default=None, index=True)
    embedding: Vector = Field(default=None, vector=True, dimension=4)


class SmCites(Edge):
    __type__ = "SM_CITES"
    weight: float = Field(default=1.0, index=True)


MODELS = [SmArticle, SmCites]


def test_declared_models_go_from_missing_to_valid(falkordb_driver):
    manager = SchemaManager(falkordb_driver, MODELS)
    before = manager.validate()
    assert not before.is_valid
    assert {(s.label, s.field) for s in before.missing} == {
        ("SmArticle", "id"),  # a stored node key implies a unique index
        ("SmArticle", "slug"),
        ("SmArticle", "title"),
        ("SmArticle", "year"),
        ("SmArticle", "embedding"),
        ("SM_CITES", "weight"),
    }
    report = manager.sync()
    assert len(report.created) == 6
    after = manager.validate()
    assert after.is_valid, str(after)
    assert IndexManager(falkordb_driver).create_indexes(SmArticle) == []
    live = {s for s in IndexManager(falkordb_driver).live()}
    assert IndexSpec("SmArticle", "embedding", "vector", dimension=4, similarity="cosine") in live


def test_validate_reports_every_declared_index_missing_on_an_empty_graph(falkordb_driver):
    result = SchemaManager(falkordb_driver, DECLARED).validate()
    assert isinstance(result, ValidationResult)
    assert not result.is_valid and not result
    assert sorted(result.missing, key=lambda s: s.sort_key) == result.missing
    assert set(result.missing) == set(DECLARED) and result.extra == [] and result.errors == []
    assert result.missing_indexes is result.missing and result.extra_indexes is result.extra


def test_apply_creates_the_missing_then_validate_is_valid(falkordb_driver):
    manager = IndexManager(falkordb_driver)
    assert set(manager.diff(DECLARED)) == set(DECLARED)
    created = manager.apply(DECLARED)
    assert set(created) == set(DECLARED)
    assert manager.diff(DECLARED) == []
    assert manager.apply(DECLARED) == []  # idempotent
    result = SchemaManager(falkordb_driver, DECLARED).validate()
    assert result.is_valid and bool(result)
    assert {s for s in result.live} >= set(DECLARED)


def test_apply_checks_every_spec_before_creating_any(falkordb_driver):
    manager = IndexManager(falkordb_driver)
    with pytest.raises(MetadataError, match="dimension"):
        manager.apply([IndexSpec("A", "x"), IndexSpec("Doc", "emb", "vector")])
    assert manager.live() == []


def test_hand_made_index_is_extra(falkordb_driver):
    IndexManager(falkordb_driver).apply(DECLARED)
    falkordb_driver.execute("CREATE INDEX FOR (n:Person) ON (n.nickname)")
    falkordb_driver.execute("CREATE INDEX FOR (n:Legacy) ON (n.code)")
    result = SchemaManager(falkordb_driver, DECLARED).validate()
    assert not result.is_valid and result.missing == []
    assert result.extra == [IndexSpec("Legacy", "code"), IndexSpec("Person", "nickname")]
    scoped = SchemaManager(falkordb_driver, DECLARED, scope="models").validate()
    assert scoped.extra == [IndexSpec("Person", "nickname")]


def test_sync_without_drop_keeps_extra_indexes(falkordb_driver):
    falkordb_driver.execute("CREATE INDEX FOR (n:Legacy) ON (n.code)")
    manager = SchemaManager(falkordb_driver, DECLARED)
    report = manager.sync()
    assert isinstance(report, SyncReport)
    assert set(report.created) == set(DECLARED) and report.dropped == []
    assert IndexSpec("Legacy", "code") in IndexManager(falkordb_driver).live()
    again = manager.sync()
    assert again.created == [] and again.dropped == [] and not again
    assert "nothing to do" in str(again)


def test_sync_with_drop_removes_extra_indexes(falkordb_driver):
    falkordb_driver.execute("CREATE INDEX FOR (n:Legacy) ON (n.code)")
    report = SchemaManager(falkordb_driver, DECLARED).sync(drop_extra=True)
    assert report.dropped == [IndexSpec("Legacy", "code")]
    assert SchemaManager(falkordb_driver, DECLARED).validate().is_valid
    assert SchemaManager(falkordb_driver, DECLARED, drop_extra=True).sync().changed is False


def test_sync_replaces_a_vector_index_with_other_options_when_dropping(falkordb_driver):
    falkordb_driver.schema.create_index(IndexSpec("Doc", "embedding", "vector", dimension=8))
    manager = SchemaManager(falkordb_driver, [IndexSpec("Doc", "embedding", "vector", dimension=3)])
    result = manager.validate()
    assert result.missing and result.extra
    report = manager.sync(drop_extra=True)
    assert report.dropped and report.created
    assert manager.validate().is_valid


def test_drop_ignores_absent_specs(falkordb_driver):
    manager = IndexManager(falkordb_driver)
    manager.apply([IndexSpec("A", "x")])
    assert manager.drop([IndexSpec("A", "x"), IndexSpec("B", "y")]) == [IndexSpec("A", "x")]
    assert manager.live() == []


def test_export_is_stable_json(falkordb_driver):
    manager = SchemaManager(falkordb_driver, DECLARED)
    IndexManager(falkordb_driver).apply(DECLARED[:2])
    first = manager.export_json()
    assert first == manager.export_json() and first.endswith("\n")
    data = json.loads(first)
    assert data["format"] == "runic.schema/1" and data["backend"] == "falkordb"
    assert data["graph"] == falkordb_driver.graph_name
    assert set(data) == {
        "format",
        "backend",
        "graph",
        "declared",
        "live",
        "missing",
        "extra",
        "unsupported",
    }
    assert all(
        set(spec)
        == {"entity", "label", "field", "index_type", "unique", "dimension", "similarity", "name"}
        for spec in data["declared"]
    )
    assert [IndexSpec.from_dict(d) for d in data["missing"]] == sorted(
        DECLARED[2:], key=lambda s: s.sort_key
    )
    assert manager.export() == data


def test_reprs_show_a_table_of_ok_missing_and_extra(falkordb_driver):
    IndexManager(falkordb_driver).apply(DECLARED[:1])
    falkordb_driver.execute("CREATE INDEX FOR (n:Legacy) ON (n.code)")
    result = SchemaManager(falkordb_driver, DECLARED[:2]).validate()
    text = str(result)
    assert "1 missing, 1 extra" in text
    lines = text.splitlines()
    assert any(line.startswith("ok") and "email" in line for line in lines)
    assert any(line.startswith("missing") and "name" in line for line in lines)
    assert any(line.startswith("extra") and "Legacy" in line for line in lines)
    page = result._repr_html_()
    assert "<table>" in page and ">missing<" in page and ">extra<" in page and ">ok<" in page


def test_reference_wrappers(falkordb_driver):
    manager = SchemaManager(falkordb_driver)
    assert "MISSING" in manager.get_schema_diff(DECLARED)
    manager.sync_schema(DECLARED)
    assert manager.validate_schema(DECLARED).is_valid
    assert manager.get_schema_diff(DECLARED).startswith("Schema is in sync")
    info = manager.get_schema_info(DECLARED)
    assert info.is_valid and info.declared_count == len(DECLARED)
    indexes = IndexManager(falkordb_driver)
    indexes.drop_spec(DECLARED[1])
    indexes.create_spec(DECLARED[1])
    assert indexes.diff(DECLARED) == []


def test_raw_falkordb_graph_handle_is_accepted(falkordb_driver):
    manager = IndexManager(falkordb_driver.graph)
    manager.apply([IndexSpec("Raw", "x")])
    assert IndexManager(falkordb_driver).live() == [IndexSpec("Raw", "x")]


def test_async_targets_are_refused(async_falkordb_driver):
    with pytest.raises(TypeError, match="sync driver"):
        IndexManager(async_falkordb_driver)

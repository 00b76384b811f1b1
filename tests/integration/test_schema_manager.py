"""SchemaManager and IndexManager on every backend: declare, validate (missing), apply,
validate (valid), an undeclared index made by hand (extra), sync with and without drop,
export — for every index kind the backend holds; the kinds it cannot hold are reported
unsupported and refused with a clear error."""

from __future__ import annotations

import json

import pytest
from _schema_backends import (
    HAND_MADE,
    SPEC_OF_KIND,
    SUPPORTED_KINDS,
    create_index_by_hand,
    supports,
)

from runic.migrate import IndexManager, SchemaManager, SyncReport, ValidationResult
from runic.ogm.core.descriptors import Field
from runic.ogm.core.models import Edge, Node
from runic.ogm.core.types import Vector
from runic.ogm.exceptions import UnsupportedFeatureError
from runic.ogm.schema.index_manager import IndexSpec

pytestmark = [pytest.mark.integration]

KINDS = list(SPEC_OF_KIND)
DECLARED = list(SPEC_OF_KIND.values())


def held(backend: str, specs=DECLARED) -> list[IndexSpec]:
    return [s for s in specs if supports(backend, s)]


def not_held(backend: str, specs=DECLARED) -> list[IndexSpec]:
    return [s for s in specs if not supports(backend, s)]


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


@pytest.mark.parametrize("kind", KINDS)
def test_full_schema_cycle_for_each_index_kind(driver, backend, kind):
    spec = SPEC_OF_KIND[kind]
    manager = SchemaManager(driver, [spec])
    if kind not in SUPPORTED_KINDS[backend]:
        result = manager.validate()
        assert result.unsupported == [spec] and result.missing == []
        report = manager.sync()
        assert report.unsupported == [spec] and report.created == []
        with pytest.raises(UnsupportedFeatureError) as info:
            manager.indexes.apply([spec])
        message = str(info.value)
        assert spec.label in message and spec.field in message and kind_word(spec) in message
        assert manager.indexes.live() == []
        return
    # declare → validate: missing
    before = manager.validate()
    assert not before.is_valid and before.missing == [spec] and before.unsupported == []
    # apply → validate: valid
    assert manager.indexes.apply([spec]) == [spec]
    assert manager.indexes.apply([spec]) == []
    after = manager.validate()
    assert after.is_valid, str(after)
    assert any(spec.matches(live) for live in after.live)
    # an undeclared index made by hand → extra
    create_index_by_hand(backend, driver)
    drifted = manager.validate()
    assert not drifted.is_valid and drifted.missing == [] and drifted.extra == [HAND_MADE]
    # sync without drop keeps it
    kept = manager.sync()
    assert kept.created == [] and kept.dropped == [] and not kept.changed
    assert HAND_MADE in manager.indexes.live()
    # sync with drop removes it, and leaves the declared index
    dropped = manager.sync(drop_extra=True)
    assert dropped.dropped == [HAND_MADE]
    live = manager.indexes.live()
    assert HAND_MADE not in live and any(spec.matches(s) for s in live)
    assert manager.validate().is_valid
    # export
    data = json.loads(manager.export_json())
    assert data["backend"] == backend
    assert [IndexSpec.from_dict(d) for d in data["declared"]] == [spec]
    assert data["missing"] == [] and data["extra"] == [] and data["unsupported"] == []
    assert any(spec.matches(IndexSpec.from_dict(d)) for d in data["live"])


def kind_word(spec: IndexSpec) -> str:
    return spec.index_type


def test_declared_models_go_from_missing_to_valid(driver, backend):
    manager = SchemaManager(driver, MODELS)
    before = manager.validate()
    assert not before.is_valid
    declared = {
        IndexSpec("SmArticle", "id", unique=True),  # a stored node key implies a unique index
        IndexSpec("SmArticle", "slug", unique=True),
        IndexSpec("SmArticle", "title", "fulltext"),
        IndexSpec("SmArticle", "year"),
        IndexSpec("SmArticle", "embedding", "vector", dimension=4),
        IndexSpec("SM_CITES", "weight", entity="edge"),
    }
    assert set(before.missing) == set(held(backend, declared))
    assert set(before.unsupported) == set(not_held(backend, declared))
    report = manager.sync()
    assert set(report.created) == set(held(backend, declared))
    assert set(report.unsupported) == set(not_held(backend, declared))
    after = manager.validate()
    assert after.is_valid, str(after)
    if supports(backend, IndexSpec("D", "e", "vector", dimension=4)):
        assert IndexManager(driver).create_indexes(SmArticle) == []
        live = set(IndexManager(driver).live())
        assert (
            IndexSpec("SmArticle", "embedding", "vector", dimension=4, similarity="cosine") in live
        )
    else:
        with pytest.raises(UnsupportedFeatureError):
            IndexManager(driver).create_indexes(SmArticle)


def test_validate_reports_every_declared_index_missing_on_an_empty_graph(driver, backend):
    result = SchemaManager(driver, DECLARED).validate()
    assert isinstance(result, ValidationResult)
    assert not result.is_valid and not result
    assert sorted(result.missing, key=lambda s: s.sort_key) == result.missing
    assert set(result.missing) == set(held(backend))
    assert set(result.unsupported) == set(not_held(backend))
    assert result.extra == [] and result.errors == []
    assert result.missing_indexes is result.missing and result.extra_indexes is result.extra


def test_apply_creates_the_missing_then_validate_is_valid(driver, backend):
    manager = IndexManager(driver)
    wanted = held(backend)
    assert set(manager.diff(wanted)) == set(wanted)
    assert set(manager.apply(wanted)) == set(wanted)
    assert manager.diff(wanted) == []
    assert manager.apply(wanted) == []  # idempotent
    result = SchemaManager(driver, DECLARED).validate()
    assert result.is_valid and bool(result), str(result)
    assert all(any(s.matches(live) for live in result.live) for s in wanted)


def test_apply_creates_the_others_while_a_vector_without_dimension_waits(driver, backend):
    manager = IndexManager(driver)
    waiting = IndexSpec("Doc", "emb", "vector")
    if not supports(backend, waiting):  # an impossible kind still stops everything
        with pytest.raises(UnsupportedFeatureError):
            manager.apply([IndexSpec("A", "x"), waiting])
        assert manager.live() == []
        return
    with pytest.warns(UserWarning, match="Doc.emb: the vector index waits for its dimension"):
        assert manager.apply([IndexSpec("A", "x"), waiting]) == [IndexSpec("A", "x")]
    assert [(s.label, s.field) for s in manager.live()] == [("A", "x")]


def test_unsupported_kinds_are_refused_before_anything_is_created(driver, backend):
    missing_kinds = not_held(backend)
    if not missing_kinds:
        assert set(SUPPORTED_KINDS[backend]) >= set(SPEC_OF_KIND)
        return
    with pytest.raises(UnsupportedFeatureError, match=backend_name_pattern(backend)):
        IndexManager(driver).apply([IndexSpec("A", "x"), *missing_kinds])
    assert IndexManager(driver).live() == []


def backend_name_pattern(backend: str) -> str:
    return {"age": "Apache AGE"}.get(backend, backend)


def test_hand_made_index_is_extra(driver, backend):
    IndexManager(driver).apply(held(backend))
    create_index_by_hand(backend, driver, "Person", "nickname")
    create_index_by_hand(backend, driver)
    result = SchemaManager(driver, DECLARED).validate()
    assert not result.is_valid and result.missing == []
    assert result.extra == [HAND_MADE, IndexSpec("Person", "nickname")]
    scoped = SchemaManager(driver, DECLARED, scope="models").validate()
    assert scoped.extra == [IndexSpec("Person", "nickname")]


def test_sync_without_drop_keeps_extra_indexes(driver, backend):
    create_index_by_hand(backend, driver)
    manager = SchemaManager(driver, DECLARED)
    report = manager.sync()
    assert isinstance(report, SyncReport)
    assert set(report.created) == set(held(backend)) and report.dropped == []
    assert set(report.unsupported) == set(not_held(backend))
    assert HAND_MADE in IndexManager(driver).live()
    again = manager.sync()
    assert again.created == [] and again.dropped == [] and not again.changed


def test_sync_with_drop_removes_extra_indexes(driver, backend):
    create_index_by_hand(backend, driver)
    report = SchemaManager(driver, DECLARED).sync(drop_extra=True)
    assert report.dropped == [HAND_MADE]
    assert SchemaManager(driver, DECLARED).validate().is_valid
    assert SchemaManager(driver, DECLARED, drop_extra=True).sync().changed is False


def test_sync_replaces_a_vector_index_with_other_options_when_dropping(driver, backend):
    old = IndexSpec("Doc", "embedding", "vector", dimension=8)
    if not supports(backend, old):
        with pytest.raises(UnsupportedFeatureError):
            driver.schema.create_index(old)
        return
    driver.schema.create_index(old)
    manager = SchemaManager(driver, [IndexSpec("Doc", "embedding", "vector", dimension=3)])
    result = manager.validate()
    assert result.missing and result.extra
    report = manager.sync(drop_extra=True)
    assert report.dropped and report.created
    assert manager.validate().is_valid


def test_drop_ignores_absent_specs(driver):
    manager = IndexManager(driver)
    manager.apply([IndexSpec("A", "x")])
    assert manager.drop([IndexSpec("A", "x"), IndexSpec("B", "y")]) == [IndexSpec("A", "x")]
    assert manager.live() == []


def test_export_is_stable_json(driver, backend):
    manager = SchemaManager(driver, DECLARED)
    first_two = [SPEC_OF_KIND["exact"], SPEC_OF_KIND["unique"]]
    IndexManager(driver).apply(first_two)
    first = manager.export_json()
    assert first == manager.export_json() and first.endswith("\n")
    data = json.loads(first)
    assert data["format"] == "runic.schema/1" and data["backend"] == backend
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
    assert isinstance(data["graph"], str) and data["graph"]
    assert all(
        set(spec)
        == {"entity", "label", "field", "index_type", "unique", "dimension", "similarity", "name"}
        for spec in data["declared"]
    )
    rest = [s for s in DECLARED if s not in first_two]
    assert [IndexSpec.from_dict(d) for d in data["missing"]] == sorted(
        held(backend, rest), key=lambda s: s.sort_key
    )
    assert [IndexSpec.from_dict(d) for d in data["unsupported"]] == sorted(
        not_held(backend), key=lambda s: s.sort_key
    )
    assert manager.export() == data


def test_reprs_show_a_table_of_ok_missing_and_extra(driver, backend):
    email, name = SPEC_OF_KIND["unique"], SPEC_OF_KIND["exact"]
    IndexManager(driver).apply([email])
    create_index_by_hand(backend, driver)
    result = SchemaManager(driver, [email, name]).validate()
    text = str(result)
    assert "1 missing, 1 extra" in text
    lines = text.splitlines()
    assert any(line.startswith("ok") and "email" in line for line in lines)
    assert any(line.startswith("missing") and "name" in line for line in lines)
    assert any(line.startswith("extra") and "Legacy" in line for line in lines)
    page = result._repr_html_()
    assert "<table>" in page and ">missing<" in page and ">extra<" in page and ">ok<" in page


def test_reference_wrappers(driver, backend):
    manager = SchemaManager(driver)
    assert "MISSING" in manager.get_schema_diff(DECLARED)
    manager.sync_schema(DECLARED)
    assert manager.validate_schema(DECLARED).is_valid
    assert manager.get_schema_diff(DECLARED).startswith("Schema is in sync")
    info = manager.get_schema_info(DECLARED)
    assert info.is_valid and info.declared_count == len(DECLARED)
    indexes = IndexManager(driver)
    indexes.drop_spec(SPEC_OF_KIND["exact"])
    assert indexes.diff(held(backend)) == [SPEC_OF_KIND["exact"]]
    indexes.create_spec(SPEC_OF_KIND["exact"])
    assert indexes.diff(held(backend)) == []


@pytest.mark.falkordb
def test_raw_falkordb_graph_handle_is_accepted(falkordb_driver):
    manager = IndexManager(falkordb_driver.graph)
    manager.apply([IndexSpec("Raw", "x")])
    assert IndexManager(falkordb_driver).live() == [IndexSpec("Raw", "x")]


def test_async_targets_are_refused(async_driver):
    with pytest.raises(TypeError, match="sync driver"):
        IndexManager(async_driver)

"""Vector fields declared without a dimension: other indexes, learned dimension, exact scan."""

from __future__ import annotations

import warnings

import pytest
from _vector_models import DOCS, VECTOR_BACKENDS, VdDoc, VdNote

from runic.migrate.schema import IndexManager
from runic.ogm import Session
from runic.ogm.core import vector_indexes
from runic.ogm.exceptions import UnsupportedFeatureError
from runic.ogm.schema.index_manager import extract_declared_specs

pytestmark = [pytest.mark.integration]


def store(driver, model=VdDoc, docs=DOCS):
    with Session(driver) as session:
        session.add_all(model(key=k, embedding=v) for k, v in docs.items())


def kinds(driver):
    return {(s.label, s.field, s.index_type, s.dimension) for s in IndexManager(driver).live() if s.label == "VdDoc"}


def test_applying_indexes_creates_the_others_and_the_vector_index_waits(driver, backend):
    manager = IndexManager(driver)
    if backend not in VECTOR_BACKENDS:
        with pytest.raises(UnsupportedFeatureError, match="vector"):
            manager.apply(extract_declared_specs(VdDoc))
        return
    with pytest.warns(UserWarning, match="VdDoc.embedding: the vector index waits for its dimension"):
        created = manager.apply(extract_declared_specs(VdDoc))
    assert sorted((s.field, s.index_type) for s in created) == [("key", "exact"), ("tag", "exact")]
    assert {(label, field, kind) for label, field, kind, _ in kinds(driver)} == {("VdDoc", "key", "exact"), ("VdDoc", "tag", "exact")}
    assert vector_indexes.pending(driver) == [("VdDoc", "embedding")]


def test_stored_vectors_give_the_index_its_dimension(driver, backend):
    if backend not in VECTOR_BACKENDS:
        return
    store(driver)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        created = IndexManager(driver).apply(extract_declared_specs(VdDoc))
    assert ("embedding", "vector", 3) in {(s.field, s.index_type, s.dimension) for s in created}
    assert ("VdDoc", "embedding", "vector", 3) in kinds(driver)
    assert vector_indexes.dimension_of(driver, "VdDoc", "embedding") == 3
    assert IndexManager(driver).apply(extract_declared_specs(VdDoc)) == []


def test_first_commit_with_a_vector_creates_the_waiting_index(driver, backend):
    if backend not in VECTOR_BACKENDS:
        return
    with pytest.warns(UserWarning, match="waits for its dimension"):
        IndexManager(driver).apply(extract_declared_specs(VdDoc))
    with Session(driver) as session:
        session.add(VdDoc(key="x"))  # no vector yet: still waiting
    assert vector_indexes.pending(driver) == [("VdDoc", "embedding")]
    store(driver)
    assert ("VdDoc", "embedding", "vector", 3) in kinds(driver)
    assert vector_indexes.pending(driver) == []
    with Session(driver) as session, warnings.catch_warnings():
        warnings.simplefilter("error")  # the index answers now: no notice
        hits = session.vector_search(VdDoc, vector=[1.0, 0.0, 0.0], k=2).all()
    assert [d.key for d in hits] == ["d1", "d2"]


@pytest.mark.parametrize("model, nearest, first_score", [(VdDoc, ["d1", "d2", "d3"], 0.0), (VdNote, ["d1", "d2", "d3"], 0.0)])
def test_vector_search_without_an_index_scans_exactly_with_a_notice(driver, backend, model, nearest, first_score):
    store(driver, model)
    with Session(driver) as session:
        search = session.vector_search(model, vector=[1.0, 0.0, 0.0], k=3)
        if backend not in VECTOR_BACKENDS:
            with pytest.raises(UnsupportedFeatureError, match="vector"):
                search.all()
            return
        with pytest.warns(UserWarning, match=f"{model.__name__}.embedding has no vector index yet .* exact scan"):
            hits = search.all_with_scores()
    assert [d.key for d, _ in hits] == nearest
    scores = [s for _, s in hits]
    assert scores[0] == pytest.approx(first_score, abs=1e-6) and scores == sorted(scores)
    if model is VdNote:  # euclidean: |[0.9, 0.1, 0] - [1, 0, 0]|
        assert scores[1] == pytest.approx((0.1**2 + 0.1**2) ** 0.5, rel=1e-5)
    else:  # cosine distance 1 - 0.9 / |[0.9, 0.1, 0]|
        assert scores[1] == pytest.approx(1 - 0.9 / (0.81 + 0.01) ** 0.5, rel=1e-4)


def test_exact_scan_applies_filters_before_taking_k(driver, backend):
    if backend not in VECTOR_BACKENDS:
        return
    with Session(driver) as session:
        session.add_all([VdDoc(key="a", tag="x", embedding=[1.0, 0.0, 0.0]), VdDoc(key="b", tag="y", embedding=[1.0, 0.0, 0.0]),
                         VdDoc(key="c", tag="y", embedding=[0.0, 1.0, 0.0])])
    with Session(driver) as session, pytest.warns(UserWarning, match="exact scan"):
        hits = session.vector_search(VdDoc, vector=[1.0, 0.0, 0.0], k=2).where(VdDoc.tag == "y").all()
    assert [d.key for d in hits] == ["b", "c"]


def test_schema_sync_creates_the_others_and_reports_the_waiting_vector_index_missing(driver, backend):
    from runic.migrate.schema import SchemaManager

    if backend not in VECTOR_BACKENDS:
        return
    manager = SchemaManager(driver, [VdDoc])
    with pytest.warns(UserWarning, match="waits for its dimension"):
        manager.sync()
    result = manager.validate()
    assert [(s.field, s.index_type) for s in result.missing] == [("embedding", "vector")]
    store(driver)  # the first commit with vectors creates it
    assert manager.validate().is_valid


@pytest.mark.falkordb
def test_search_on_a_declared_dimension_without_its_index_says_to_apply_the_indexes(falkordb_driver):
    from _vector_models import VdSized

    from runic.ogm.exceptions import QueryError

    store(falkordb_driver, VdSized)
    with Session(falkordb_driver) as session, pytest.raises(QueryError, match=r"apply the model's indexes"):
        session.vector_search(VdSized, vector=[1.0, 0.0, 0.0], k=1).all()

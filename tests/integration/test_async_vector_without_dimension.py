"""Async twin: vector search on a field without a dimension scans exactly, with a notice."""

from __future__ import annotations

import pytest
from _vector_models import DOCS, VECTOR_BACKENDS, VdDoc, VdNote

from runic.ogm import AsyncSession
from runic.ogm.exceptions import UnsupportedFeatureError

pytestmark = [pytest.mark.integration]


async def store(driver, model=VdDoc, docs=DOCS):
    async with AsyncSession(driver) as session:
        session.add_all(model(key=k, embedding=v) for k, v in docs.items())


@pytest.mark.parametrize("model, nearest, first_score", [(VdDoc, ["d1", "d2", "d3"], 0.0), (VdNote, ["d1", "d2", "d3"], 0.0)])
async def test_vector_search_without_an_index_scans_exactly_with_a_notice(async_driver, backend, model, nearest, first_score):
    await store(async_driver, model)
    async with AsyncSession(async_driver) as session:
        search = session.vector_search(model, vector=[1.0, 0.0, 0.0], k=3)
        if backend not in VECTOR_BACKENDS:
            with pytest.raises(UnsupportedFeatureError, match="vector"):
                await search.all()
            return
        with pytest.warns(UserWarning, match=f"{model.__name__}.embedding has no vector index yet .* exact scan"):
            hits = await search.all_with_scores()
    assert [d.key for d, _ in hits] == nearest
    scores = [s for _, s in hits]
    assert scores[0] == pytest.approx(first_score, abs=1e-6) and scores == sorted(scores)
    if model is VdNote:
        assert scores[1] == pytest.approx((0.1**2 + 0.1**2) ** 0.5, rel=1e-5)
    else:
        assert scores[1] == pytest.approx(1 - 0.9 / (0.81 + 0.01) ** 0.5, rel=1e-4)


async def test_exact_scan_applies_filters_before_taking_k(async_driver, backend):
    if backend not in VECTOR_BACKENDS:
        return
    async with AsyncSession(async_driver) as session:
        session.add_all([VdDoc(key="a", tag="x", embedding=[1.0, 0.0, 0.0]), VdDoc(key="b", tag="y", embedding=[1.0, 0.0, 0.0]),
                         VdDoc(key="c", tag="y", embedding=[0.0, 1.0, 0.0])])
    async with AsyncSession(async_driver) as session:
        with pytest.warns(UserWarning, match="exact scan"):
            hits = await session.vector_search(VdDoc, vector=[1.0, 0.0, 0.0], k=2).where(VdDoc.tag == "y").all()
    assert [d.key for d in hits] == ["b", "c"]

"""The per-driver record of vector indexes waiting for their dimension (pure logic)."""

from __future__ import annotations

import gc

import pytest

from runic.ogm.core import vector_indexes

pytestmark = [pytest.mark.unit]


class FakeDriver:
    pass


def test_a_waiting_index_is_created_once_its_attempt_learns_the_dimension():
    driver, answers = FakeDriver(), [None, 4]
    vector_indexes.defer(driver, "Doc", "emb", lambda d: answers.pop(0))
    assert vector_indexes.has_pending(driver) and vector_indexes.dimension_of(driver, "Doc", "emb") is None
    assert vector_indexes.retry_pending(driver) == []
    assert vector_indexes.retry_pending(driver) == [("Doc", "emb", 4)]
    assert not vector_indexes.has_pending(driver) and vector_indexes.dimension_of(driver, "Doc", "emb") == 4


def test_a_failing_attempt_warns_and_keeps_waiting():
    driver = FakeDriver()

    def boom(d):
        raise RuntimeError("server said no")

    vector_indexes.defer(driver, "Doc", "emb", boom)
    with pytest.warns(UserWarning, match="Doc.emb: creating the waiting vector index failed .*server said no"):
        assert vector_indexes.retry_pending(driver) == []
    assert vector_indexes.pending(driver) == [("Doc", "emb")]


def test_records_do_not_keep_a_driver_alive_and_none_is_no_driver():
    driver = FakeDriver()
    vector_indexes.defer(driver, "Doc", "emb", lambda d: None)
    vector_indexes.learned(driver, "Doc", "other", 3)
    del driver
    gc.collect()
    assert vector_indexes.dimension_of(None, "Doc", "other") is None and not vector_indexes.has_pending(None)
    assert all(type(key).__name__ != "FakeDriver" for key in list(vector_indexes._PENDING.keys()))

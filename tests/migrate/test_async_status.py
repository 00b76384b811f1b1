"""Async twin of test_status.py: the same flows, awaited on async drivers."""

from __future__ import annotations

import pytest
from _revisions import write_revision

from runic.migrate import AsyncRunic, MultipleHeadsError, RevisionNotFound


def _scripts(location):
    write_revision(location, "st0001", None, date="2026-01-01T00:00:00+00:00")
    write_revision(location, "st0002", "st0001", date="2026-01-02T00:00:00+00:00")
    write_revision(location, "side01", "st0001", date="2026-01-03T00:00:00+00:00")


async def test_stamp_then_current(async_driver, location):
    _scripts(location)
    runic = AsyncRunic(async_driver, location)
    assert await runic.current() is None
    assert await runic.stamp("st0002") == ["st0002"]
    assert await runic.current() == "st0002"
    assert [r.revision for r in await runic.pending_revisions(target="side01")] == ["side01"]


async def test_two_recorded_heads_need_current_revisions(async_driver, location):
    _scripts(location)
    runic = AsyncRunic(async_driver, location)
    await runic.stamp("heads")
    assert sorted(await runic.current_revisions()) == ["side01", "st0002"]
    with pytest.raises(MultipleHeadsError):
        await runic.current()


async def test_validate_reports_an_edited_script(async_driver, location):
    _scripts(location)
    runic = AsyncRunic(async_driver, location)
    await runic.stamp("st0002")
    assert await runic.validate() == []
    path = runic.scripts.get_revision("st0001").path
    path.write_text(path.read_text() + "# edit\n")
    assert ["st0001" in e for e in await runic.validate()] == [True]


async def test_stamping_an_unknown_revision_keeps_the_record(async_driver, location):
    _scripts(location)
    runic = AsyncRunic(async_driver, location)
    await runic.stamp("st0001")
    with pytest.raises(RevisionNotFound):
        await runic.stamp("zz9999")
    assert await runic.current() == "st0001"

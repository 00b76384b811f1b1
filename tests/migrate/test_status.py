"""Where a graph stands: stamp, current, validate, pending (twin: test_async_status.py)."""

from __future__ import annotations

import pytest
from _revisions import write_revision

from runic.migrate import MultipleHeadsError, RevisionNotFound, Runic


def _scripts(location):
    write_revision(location, "st0001", None, date="2026-01-01T00:00:00+00:00")
    write_revision(location, "st0002", "st0001", date="2026-01-02T00:00:00+00:00")
    write_revision(location, "side01", "st0001", date="2026-01-03T00:00:00+00:00")


def test_stamp_then_current(driver, location):
    _scripts(location)
    runic = Runic(driver, location)
    assert runic.current() is None
    assert runic.stamp("st0002") == ["st0002"]
    assert runic.current() == "st0002"
    assert [r.revision for r in runic.pending_revisions(target="side01")] == ["side01"]


def test_two_recorded_heads_need_current_revisions(driver, location):
    _scripts(location)
    runic = Runic(driver, location)
    runic.stamp("heads")
    assert sorted(runic.current_revisions()) == ["side01", "st0002"]
    with pytest.raises(MultipleHeadsError):
        runic.current()


def test_validate_reports_an_edited_script(driver, location):
    _scripts(location)
    runic = Runic(driver, location)
    runic.stamp("st0002")
    assert runic.validate() == []
    path = runic.scripts.get_revision("st0001").path
    path.write_text(path.read_text() + "# edit\n")
    assert ["st0001" in e for e in runic.validate()] == [True]


def test_stamping_an_unknown_revision_keeps_the_record(driver, location):
    _scripts(location)
    runic = Runic(driver, location)
    runic.stamp("st0001")
    with pytest.raises(RevisionNotFound):
        runic.stamp("zz9999")
    assert runic.current() == "st0001"

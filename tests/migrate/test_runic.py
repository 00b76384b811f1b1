"""Runic on every live backend: upgrade, downgrade, stamp, the version record, and bad input
that leaves the graph and its record as they were."""

from __future__ import annotations

import pytest
from _revisions import write_revision

from runic.migrate import (
    ChecksumMismatchError,
    IrreversibleMigrationError,
    MigrationFailedError,
    MultipleHeadsError,
    RevisionNotFound,
    Runic,
)
from runic.migrate.version import FALKORDB_VERSION_LABEL, VERSION_LABEL


def _three(location):
    write_revision(location, "r1aaaa", None, "op.run_cypher(\"CREATE (:Mig {n: 1})\")", "op.run_cypher(\"MATCH (m:Mig {n: 1}) DELETE m\")", date="2026-01-01T00:00:00+00:00")
    write_revision(location, "r2bbbb", "r1aaaa", "op.run_cypher(\"CREATE (:Mig {n: 2})\")", "op.run_cypher(\"MATCH (m:Mig {n: 2}) DELETE m\")", date="2026-01-02T00:00:00+00:00")
    write_revision(location, "r3cccc", "r2bbbb", "op.run_cypher(\"CREATE (:Mig {n: 3})\")", "op.run_cypher(\"MATCH (m:Mig {n: 3}) DELETE m\")", date="2026-01-03T00:00:00+00:00")


def _mig(driver) -> list[int]:
    return sorted(row[0] for row in driver.execute("MATCH (m:Mig) RETURN m.n").rows)


def _label(backend: str) -> str:
    return FALKORDB_VERSION_LABEL if backend == "falkordb" else VERSION_LABEL


def test_upgrade_runs_revisions_in_order_and_records_the_head(runic, location, driver):
    _three(location)
    assert runic.current() is None
    assert runic.upgrade() == ["r1aaaa", "r2bbbb", "r3cccc"]
    assert _mig(driver) == [1, 2, 3]
    assert runic.current() == "r3cccc"
    assert runic.upgrade() == []


def test_version_record_has_the_reference_shape(runic, location, driver, backend):
    _three(location)
    runic.upgrade(installed_by="deploy-bot")
    rows = driver.execute(f"MATCH (v:{_label(backend)}) RETURN v.singleton, v.revisions, v.checksums, v.installed_by, v.applied_at").rows
    assert len(rows) == 1
    singleton, revisions, checksums, installed, applied_at = rows[0]
    assert singleton is True
    assert revisions == ["r3cccc"]
    pairs = dict(item.split(":", 1) for item in checksums)
    assert set(pairs) == {"r1aaaa", "r2bbbb", "r3cccc"} and all(len(v) == 64 for v in pairs.values())
    assert sorted(installed) == ["r1aaaa:deploy-bot", "r2bbbb:deploy-bot", "r3cccc:deploy-bot"]
    assert isinstance(applied_at, int) and applied_at > 0


def test_a_record_written_by_the_reference_reads_here(runic, location, driver, backend):
    _three(location)
    driver.execute(
        f"MERGE (v:{_label(backend)} {{singleton: true}}) SET v.revisions = $r, v.applied_at = timestamp()",
        {"r": ["r2bbbb"]},
    )
    assert runic.current() == "r2bbbb"
    assert runic.upgrade() == ["r3cccc"]
    assert _mig(driver) == [3]
    assert runic.validate() == []


def test_relative_steps_up_and_down(runic, location, driver):
    _three(location)
    assert runic.upgrade("+2") == ["r1aaaa", "r2bbbb"]
    assert runic.downgrade("-1") == ["r2bbbb"]
    assert runic.current() == "r1aaaa"
    assert runic.upgrade("r3c") == ["r2bbbb", "r3cccc"]
    assert runic.downgrade("base") == ["r3cccc", "r2bbbb", "r1aaaa"]
    assert runic.current() is None and _mig(driver) == []


def test_unknown_revision_changes_nothing(runic, location, driver):
    _three(location)
    runic.upgrade("r1aaaa")
    with pytest.raises(RevisionNotFound, match="'r9zzzz'"):
        runic.upgrade("r9zzzz")
    with pytest.raises(RevisionNotFound):
        runic.downgrade("nothere")
    assert runic.current() == "r1aaaa" and _mig(driver) == [1]


def test_two_heads_are_refused_until_merged(runic, location, driver):
    _three(location)
    write_revision(location, "side01", "r1aaaa", "op.run_cypher(\"CREATE (:Mig {n: 10})\")", date="2026-01-04T00:00:00+00:00")
    runic.reload()
    with pytest.raises(MultipleHeadsError, match="merge"):
        runic.upgrade()
    assert runic.current() is None and _mig(driver) == []
    runic.upgrade("heads")
    assert sorted(runic.current_revisions()) == ["r3cccc", "side01"]
    with pytest.raises(MultipleHeadsError):
        runic.current()
    runic.merge(["r3cccc", "side01"], "join", rev_id="merge1")
    runic.reload()
    assert runic.upgrade() == ["merge1"]
    assert runic.current() == "merge1" and _mig(driver) == [1, 2, 3, 10]


def test_changed_checksum_is_reported_and_blocks_a_validated_upgrade(runic, location, driver):
    _three(location)
    runic.upgrade("r2bbbb")
    path = runic.scripts.get_revision("r1aaaa").path
    path.write_text(path.read_text() + "\n# edited after it ran\n")
    errors = runic.validate()
    assert len(errors) == 1 and "r1aaaa" in errors[0] and "checksum mismatch" in errors[0]
    with pytest.raises(ChecksumMismatchError, match="nothing was applied"):
        runic.upgrade(validate_on_migrate=True)
    assert runic.current() == "r2bbbb" and _mig(driver) == [1, 2]
    runic.stamp("r2bbbb")  # re-anchor on purpose
    assert runic.validate() == []


def test_irreversible_downgrade_is_refused_before_anything_runs(runic, location, driver):
    write_revision(location, "keep01", None, "op.run_cypher(\"CREATE (:Mig {n: 1})\")", "op.run_cypher(\"MATCH (m:Mig) DELETE m\")", date="2026-01-01T00:00:00+00:00")
    write_revision(location, "lossy1", "keep01", "op.run_cypher(\"CREATE (:Mig {n: 2})\")", "op.run_cypher(\"MATCH (m:Mig {n: 2}) DELETE m\")", irreversible=True, date="2026-01-02T00:00:00+00:00")
    write_revision(location, "top001", "lossy1", "op.run_cypher(\"CREATE (:Mig {n: 3})\")", "op.run_cypher(\"MATCH (m:Mig {n: 3}) DELETE m\")", date="2026-01-03T00:00:00+00:00")
    runic.upgrade()
    with pytest.raises(IrreversibleMigrationError, match="lossy1.*nothing was downgraded"):
        runic.downgrade("base")
    assert runic.current() == "top001" and _mig(driver) == [1, 2, 3]
    assert runic.downgrade("lossy1") == ["top001"]
    assert runic.downgrade("base", force=True) == ["lossy1", "keep01"]
    assert _mig(driver) == []


def test_failed_revision_keeps_the_record_and_says_what_ran(runic, location, driver, adapter):
    write_revision(location, "good01", None, "op.run_cypher(\"CREATE (:Mig {n: 1})\")", date="2026-01-01T00:00:00+00:00")
    write_revision(
        location,
        "bad001",
        "good01",
        "op.run_cypher(\"CREATE (:Mig {n: 2})\")\nraise RuntimeError('boom')",
        date="2026-01-02T00:00:00+00:00",
    )
    with pytest.raises(MigrationFailedError, match="bad001.*boom") as info:
        runic.upgrade()
    err = info.value
    assert err.applied and err.applied[0].startswith("CYPHER")
    assert runic.current() == "good01"
    if adapter.transactional:
        assert err.rolled_back and _mig(driver) == [1]
        assert "undone" in str(err)
    else:
        assert not err.rolled_back and _mig(driver) == [1, 2]
        assert "stay in the graph" in str(err)


def test_stamp_sets_the_record_without_running_scripts(runic, location, driver):
    _three(location)
    assert runic.stamp("r2bbbb") == ["r2bbbb"]
    assert runic.current() == "r2bbbb" and _mig(driver) == []
    assert runic.upgrade() == ["r3cccc"]
    runic.stamp("base")
    assert runic.current() is None
    runic.stamp("heads")
    assert runic.current() == "r3cccc"


def test_preview_sends_nothing(adapter, location, driver):
    _three(location)
    preview = Runic(adapter, location, preview=True)
    assert preview.upgrade() == ["r1aaaa", "r2bbbb", "r3cccc"]
    assert any(line.startswith("CYPHER: CREATE (:Mig {n: 3})") for line in preview.preview_log)
    assert preview.current() is None and _mig(driver) == []


def test_graph_ahead_of_the_scripts_is_named(runic, location, driver, backend):
    _three(location)
    driver.execute(f"MERGE (v:{_label(backend)} {{singleton: true}}) SET v.revisions = $r", {"r": ["f00000"]})
    with pytest.raises(RevisionNotFound, match="f00000.*no script"):
        runic.upgrade()


def test_failed_revision_reports_schema_changes_by_what_the_backend_undoes(runic, location, driver, adapter):
    write_revision(location, "ddl001", None, "op.create_range_index('Mig', 'n')\nop.run_cypher(\"CREATE (:Mig {n: 1})\")\nraise RuntimeError('late failure')")
    with pytest.raises(MigrationFailedError, match="late failure") as info:
        runic.upgrade()
    live = {(s.label, s.field) for s in adapter.live_specs()}
    assert runic.current() is None and _mig(driver) == ([] if adapter.transactional else [1])
    if adapter.transactional_ddl:
        assert ("Mig", "n") not in live and "were undone" in str(info.value)
    elif adapter.transactional:
        assert ("Mig", "n") in live and "schema changes stay" in str(info.value)
    else:
        assert ("Mig", "n") in live and "stay in the graph" in str(info.value)

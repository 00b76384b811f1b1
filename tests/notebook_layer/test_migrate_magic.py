"""``%runic migrate`` and the migration-status widget in a real IPython shell (embedded FalkorDB)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from IPython.core.error import UsageError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "migrate"))
from _revisions import write_revision

from runic.migrate import Runic, init
from runic.notebook.widgets.migration_status import MigrationStatus, MigrationStatusWidget

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    init(tmp_path / "runic")
    location = tmp_path / "runic"
    write_revision(location, "nb0001", None, "op.create_range_index('Person', 'name')\nop.seed('MERGE (:Person {name: row.n})', [{'n': 'ada'}])", "op.run_cypher('MATCH (p:Person) DELETE p')\nop.drop_range_index('Person', 'name')", message="people", date="2026-01-01T00:00:00+00:00")
    write_revision(location, "nb0002", "nb0001", "op.run_cypher(\"CREATE (:Tag {t: 'x'})\")", "op.run_cypher('MATCH (t:Tag) DELETE t')", message="tags", irreversible=True, date="2026-01-02T00:00:00+00:00")
    return location


def _count(conn, label):
    return conn.driver.execute(f"MATCH (n:{label}) RETURN count(n)").rows[0][0]


def test_status_lists_pending_revisions_as_a_table(shell, conn, project):
    status = shell.run_line_magic("runic", "migrate")
    assert isinstance(status, MigrationStatus)
    assert [(r.revision, r.state) for r in status.rows] == [("nb0002", "pending"), ("nb0001", "pending")]
    html = status._repr_html_()
    assert "runic-ms-pending" in html and "<code>nb0002</code>" in html and "irreversible" in html
    assert "0 of 2 revision(s) applied, 2 pending" in str(status)


def test_upgrade_then_history_marks_current_and_applied(shell, conn, project, capsys):
    status = shell.run_line_magic("runic", "migrate upgrade")
    assert "upgraded through nb0001, nb0002" in capsys.readouterr().out
    assert [(r.revision, r.state) for r in status.rows] == [("nb0002", "current"), ("nb0001", "applied")]
    assert _count(conn, "Person") == 1 and _count(conn, "Tag") == 1
    history = shell.run_line_magic("runic", "migrate history")
    assert [r.state for r in history.rows] == ["current", "applied"]
    assert all(r.installed_by for r in history.rows)


def test_downgrade_asks_first_and_runs_with_yes(shell, conn, project):
    shell.run_line_magic("runic", "migrate upgrade")
    plan = shell.run_line_magic("runic", "migrate downgrade base")
    assert "nothing ran" in repr(plan) and "CYPHER: MATCH (t:Tag) DELETE t" in list(plan)
    assert _count(conn, "Tag") == 1
    assert Runic(conn.driver, project).current() == "nb0002"
    status = shell.run_line_magic("runic", "migrate downgrade base --yes")
    assert [r.state for r in status.rows] == ["pending", "pending"]
    assert _count(conn, "Person") == 0 and _count(conn, "Tag") == 0


def test_preview_runs_nothing(shell, conn, project):
    plan = shell.run_line_magic("runic", "migrate upgrade +1 --preview")
    assert "CREATE RANGE INDEX: Person.name" in list(plan) and "preview only" in repr(plan)
    assert _count(conn, "Person") == 0


def test_bad_input_is_one_usage_line(shell, conn, project, tmp_path):
    with pytest.raises(UsageError, match="unknown action.*did you mean 'upgrade'"):
        shell.run_line_magic("runic", "migrate upgarde")
    with pytest.raises(UsageError, match="no revision 'zzz'"):
        shell.run_line_magic("runic", "migrate upgrade zzz")
    with pytest.raises(UsageError, match="no script directory at nowhere/"):
        shell.run_line_magic("runic", "migrate --scripts nowhere")
    assert Runic(conn.driver, project).current() is None


def test_widget_upgrades_and_confirms_a_downgrade(shell, conn, project):
    widget = shell.run_line_magic("runic", "migrate widget")
    assert isinstance(widget, MigrationStatusWidget)
    assert widget.status.pending and "runic-ms-pending" in widget._repr_html_()
    assert widget.request_upgrade("head") == ["nb0001", "nb0002"]
    assert widget.status.current == ["nb0002"] and "the graph is at nb0002" in widget.outcome
    assert widget.request_downgrade("-1") == []
    assert widget.pending_action[0] == "downgrade" and widget.downgrade_button.disabled
    assert _count(conn, "Tag") == 1
    widget.cancel()
    assert widget.pending_action is None and "nothing changed" in widget.outcome
    widget.request_downgrade("base")
    assert widget.confirm() == ["nb0002", "nb0001"]
    assert widget.status.current == [] and _count(conn, "Person") == 0
    bundle = widget._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert data["text/plain"].startswith("<MigrationStatusWidget") and "runic-migration-status" in data["text/html"]

"""``%runic migrate`` in a real IPython shell on every live backend, connected by URL."""

from __future__ import annotations

import pytest
from _revisions import write_revision

from runic.migrate import init


@pytest.fixture
def shell(backend_url, tmp_path, monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    from runic.notebook.connections import registry

    monkeypatch.chdir(tmp_path)
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "runic")
    ip.run_line_magic("runic", f"connect {backend_url[0]} --alias mig")
    yield ip
    registry.close_all()
    ip.run_line_magic("unload_ext", "runic")


def test_migrate_magic_moves_the_graph_and_never_shows_the_password(shell, driver, backend_url, tmp_path, capsys):
    init(tmp_path / "runic")
    location = tmp_path / "runic"
    write_revision(location, "mm0001", None, "op.create_range_index('Shelf', 'code')\nop.seed('MERGE (:Shelf {code: row.c})', [{'c': 'a'}, {'c': 'b'}])", "op.run_cypher('MATCH (s:Shelf) DELETE s')\nop.drop_range_index('Shelf', 'code')", message="shelves")
    status = shell.run_line_magic("runic", "migrate")
    assert [(r.revision, r.state) for r in status.rows] == [("mm0001", "pending")]
    status = shell.run_line_magic("runic", "migrate upgrade")
    assert [(r.revision, r.state) for r in status.rows] == [("mm0001", "current")]
    assert driver.execute("MATCH (s:Shelf) RETURN count(s)").rows[0][0] == 2
    plan = shell.run_line_magic("runic", "migrate downgrade")
    assert "nothing ran" in repr(plan) and driver.execute("MATCH (s:Shelf) RETURN count(s)").rows[0][0] == 2
    status = shell.run_line_magic("runic", "migrate downgrade --yes")
    assert [r.state for r in status.rows] == ["pending"]
    assert driver.execute("MATCH (s:Shelf) RETURN count(s)").rows[0][0] == 0
    printed = capsys.readouterr()
    shown = printed.out + printed.err + str(status) + status._repr_html_() + repr(plan)
    password = backend_url[1]
    assert not password or password not in shown

"""The revision graph without a database: lookup, heads, paths, merges, rendering."""

from __future__ import annotations

import pytest
from _revisions import write_revision

from runic.migrate import (
    AmbiguousRevision,
    MigrationError,
    MultipleBasesError,
    MultipleHeadsError,
    RevisionNotFound,
    ScriptDirectory,
)

pytestmark = pytest.mark.unit


def _chain(location, *ids):
    down = None
    for i, rev in enumerate(ids):
        write_revision(location, rev, down, date=f"2026-01-0{i + 1}T00:00:00+00:00")
        down = rev


def test_upgrade_path_follows_down_revision_order(location):
    _chain(location, "aaa111", "bbb222", "ccc333")
    scripts = ScriptDirectory.load(location)
    assert [r.revision for r in scripts.upgrade_path([], "head")] == ["aaa111", "bbb222", "ccc333"]
    assert [r.revision for r in scripts.upgrade_path(["aaa111"], "head")] == ["bbb222", "ccc333"]
    assert [r.revision for r in scripts.downgrade_path(["ccc333"], "aaa111")] == ["ccc333", "bbb222"]
    assert [r.revision for r in scripts.downgrade_path(["ccc333"], "base")] == ["ccc333", "bbb222", "aaa111"]


def test_prefix_lookup_and_ambiguous_prefix(location):
    _chain(location, "abc111", "abd222")
    scripts = ScriptDirectory.load(location)
    assert scripts.get_revision("abc").revision == "abc111"
    with pytest.raises(AmbiguousRevision, match="abc111, abd222"):
        scripts.get_revision("ab")


def test_unknown_revision_suggests_the_closest_id(location):
    _chain(location, "abc111")
    scripts = ScriptDirectory.load(location)
    with pytest.raises(RevisionNotFound, match="did you mean 'abc111'"):
        scripts.get_revision("abc112")


def test_two_heads_need_a_merge(location):
    write_revision(location, "root01", None, date="2026-01-01T00:00:00+00:00")
    write_revision(location, "left01", "root01", date="2026-01-02T00:00:00+00:00")
    write_revision(location, "right1", "root01", date="2026-01-03T00:00:00+00:00")
    scripts = ScriptDirectory.load(location)
    assert {h.revision for h in scripts.get_heads()} == {"left01", "right1"}
    assert [b.revision for b in scripts.get_branch_points()] == ["root01"]
    with pytest.raises(MultipleHeadsError, match="runic merge"):
        scripts.upgrade_path([], "head")
    path = scripts.create("join", ("left01", "right1"), location, rev_id="merge1")
    assert "down_revision = ('left01', 'right1')" in path.read_text()
    scripts = ScriptDirectory.load(location)
    assert [h.revision for h in scripts.get_heads()] == ["merge1"]
    order = [r.revision for r in scripts.upgrade_path([], "head")]
    assert order[0] == "root01" and order[-1] == "merge1" and set(order[1:3]) == {"left01", "right1"}
    assert scripts.heads_of({"root01", "left01"}) == ["left01"]


def test_depends_on_is_applied_first(location):
    write_revision(location, "base01", None, date="2026-01-01T00:00:00+00:00")
    write_revision(location, "other1", None, date="2026-01-03T00:00:00+00:00", branch_labels=("other",))
    write_revision(location, "needs1", "base01", date="2026-01-02T00:00:00+00:00", depends_on=("other1",))
    scripts = ScriptDirectory.load(location)
    order = [r.revision for r in scripts.upgrade_path([], "needs1")]
    assert order.index("other1") < order.index("needs1")
    assert scripts.get_revision("other").revision == "other1"
    with pytest.raises(MultipleBasesError):
        scripts.get_base()


def test_missing_parent_is_named(location):
    write_revision(location, "orphan", "gone01")
    with pytest.raises(RevisionNotFound, match="orphan.*'gone01'"):
        ScriptDirectory.load(location)


def test_cycle_is_refused(location):
    write_revision(location, "aaa", "bbb")
    write_revision(location, "bbb", "aaa")
    with pytest.raises(MigrationError, match="cycle"):
        ScriptDirectory.load(location)


def test_rendered_revision_loads_and_keeps_the_message_safe(location):
    scripts = ScriptDirectory.load(location)
    tricky = 'quote """ and \\ backslash'
    path = scripts.create(tricky, None, location, rev_id="0123abcd", upgrade_body="    op.create_range_index('A', 'b')")
    rev = ScriptDirectory.load(location).get_revision("0123abcd")
    assert rev.message == tricky
    assert rev.down_revision is None and rev.irreversible is False and rev.snapshot is False
    assert "op.create_range_index('A', 'b')" in path.read_text()
    assert path.name == "0123abcd_quote_and_backslash.py"


def test_file_template_names_the_file(location):
    scripts = ScriptDirectory.load(location)
    path = scripts.create("Add things", None, location, rev_id="feed01", file_template="%(year)d-%(rev)s_%(slug)s")
    assert path.name.endswith("-feed01_add_things.py")


def test_history_range_is_inclusive(location):
    _chain(location, "aaa111", "bbb222", "ccc333")
    scripts = ScriptDirectory.load(location)
    assert [i.revision for i in scripts.history("bbb222:ccc333")] == ["ccc333", "bbb222"]
    assert [i.revision for i in scripts.history(":bbb222")] == ["bbb222", "aaa111"]
    assert [i.revision for i in scripts.history()] == ["ccc333", "bbb222", "aaa111"]

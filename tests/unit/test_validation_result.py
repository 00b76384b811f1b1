"""ValidationResult and SyncReport: truth value, aliases and reprs (pure logic)."""

from __future__ import annotations

import pytest

from runic.migrate.schema import SyncReport, ValidationResult
from runic.ogm.schema.index_manager import IndexSpec

pytestmark = [pytest.mark.unit]

A = IndexSpec("Person", "email", unique=True)
B = IndexSpec("Person", "name")
C = IndexSpec("Legacy", "code")
D = IndexSpec("Post", "body", "fulltext")


def test_valid_when_nothing_is_missing_extra_or_in_error():
    assert ValidationResult(declared=[A]).is_valid
    assert bool(ValidationResult(declared=[A], unsupported=[D], unverified=[B]))
    assert not ValidationResult(missing=[A])
    assert not ValidationResult(extra=[C])
    assert not ValidationResult(errors=["constraint FAILED"])


def test_reference_aliases():
    result = ValidationResult(missing=[A], extra=[C])
    assert result.missing_indexes == [A] and result.extra_indexes == [C]


def test_rows_mark_each_declared_spec_and_each_extra():
    result = ValidationResult(declared=[A, B, D], missing=[B], extra=[C], unsupported=[D])
    assert result.rows() == [("ok", A), ("missing", B), ("extra", C), ("unsupported", D)]


def test_text_repr_is_a_table_with_a_summary():
    text = str(ValidationResult(declared=[A, B], missing=[B], extra=[C], errors=["boom"]))
    lines = text.splitlines()
    assert lines[0] == "schema not valid: 1 missing, 1 extra, 1 error(s)"
    assert lines[1].split() == ["status", "index", "entity", "label", "field"]
    assert lines[3].split() == ["ok", "exact", "unique", "node", "Person", "email"]
    assert lines[-1] == "error: boom"


def test_html_repr_escapes_names():
    spec = IndexSpec("<script>", "x")
    page = ValidationResult(declared=[spec], missing=[spec])._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page and "<table>" in page


def test_sync_report_reads_as_what_changed():
    assert str(SyncReport()) == "schema in sync: nothing to do" and not SyncReport()
    report = SyncReport(created=[A], dropped=[C], unsupported=[D])
    assert report.changed
    assert str(report).splitlines() == [
        "created Person.email exact unique",
        "dropped Legacy.code exact",
        "skipped (unsupported) Post.body fulltext",
    ]
    assert "<table>" in report._repr_html_()

"""On Apache AGE, fulltext and vector specs are reported as unsupported, never as missing."""

from __future__ import annotations

import pytest

from runic.migrate.schema import SchemaManager
from runic.ogm import Field, Node, UnsupportedFeatureError

pytestmark = [pytest.mark.integration, pytest.mark.age]


class AgePost(Node):
    slug: str = Field(primary_key=True)
    body: str = Field(default=None, fulltext=True)


def test_fulltext_spec_is_unsupported_and_sync_skips_it(age_driver):
    manager = SchemaManager(age_driver, [AgePost])
    before = manager.validate()
    assert [s.field for s in before.unsupported] == ["body"]
    assert [s.field for s in before.missing] == ["slug"]
    report = manager.sync()
    assert [s.field for s in report.created] == ["slug"]
    assert [s.field for s in report.unsupported] == ["body"]
    assert manager.validate().is_valid


def test_applying_an_unsupported_spec_names_the_alternative(age_driver):
    manager = SchemaManager(age_driver, [AgePost])
    with pytest.raises(UnsupportedFeatureError, match="PostgreSQL full-text search"):
        manager.indexes.apply(manager.validate().unsupported)

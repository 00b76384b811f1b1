"""Node creates quote what needs quoting: a keyword label, keyword and spaced property
names and a second label survive the session's flush and bulk writes on every backend."""

from __future__ import annotations

import pytest

from runic.ogm import Session
from runic.ogm.core.descriptors import Field
from runic.ogm.core.models import Node

pytestmark = [pytest.mark.integration]


class Match(Node):
    """A model whose label is a Cypher keyword."""

    order: int = Field(default=None)
    end: str = Field(default=None)


def _stored(driver, label: str) -> list[dict]:
    nodes = driver.execute(f"MATCH (n{driver.dialect.label_pattern(label)}) RETURN n").values()
    return sorted(({k: v for k, v in n.properties.items() if k in ("order", "end", "full name")} for n in nodes), key=repr)


def test_flush_creates_a_node_whose_label_and_properties_are_keywords(driver):
    with Session(driver) as session:
        session.add(Match(order=1, end="a"))
    assert _stored(driver, "Match") == [{"order": 1, "end": "a"}]


def test_bulk_save_creates_rows_under_keyword_and_spaced_names(driver):
    with Session(driver) as session:
        assert session.bulk_save(("Return", "Odd Label"), [{"order": 2, "full name": "Ada L."}]) == 1
    assert _stored(driver, "Return") == [{"order": 2, "full name": "Ada L."}]
    labels = driver.execute(f"MATCH (n{driver.dialect.label_pattern('Return')}) RETURN n").value().labels
    assert sorted(labels) == ["Odd Label", "Return"]

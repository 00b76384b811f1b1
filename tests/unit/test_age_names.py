"""How runic writes SET clauses and guards name lengths for Apache AGE (no database)."""

from __future__ import annotations

import pytest

from runic.ogm.driver._age_cypher import long_identifier
from runic.ogm.driver.age import AGEDialect
from runic.ogm.driver.base import GraphDialect
from runic.ogm.session._assign import set_assignments

pytestmark = [pytest.mark.unit]


def test_keyword_property_names_are_set_through_one_map_on_age():
    body = set_assignments(AGEDialect(), "n", [("age", "row.p0"), ("order", "row.p1"), ("End", "NULL")])
    assert body == "n.`age` = row.p0, n += {`order`: row.p1, `End`: NULL}"


def test_plain_and_quoted_names_stay_dotted_on_age():
    body = set_assignments(AGEDialect(), "r", [("weird name", "$e0"), ("a`b", "$e1")])
    assert body == "r.`weird name` = $e0, r.`a``b` = $e1"


def test_other_dialects_assign_every_name_after_the_dot():
    body = set_assignments(GraphDialect(), "n", [("order", "row.p0"), ("x", "NULL")])
    assert body == "n.`order` = row.p0, n.`x` = NULL"


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("MATCH (n:Person) RETURN n.name", None),
        (f"CREATE (n {{{'p' * 63}: 1}})", None),
        (f"CREATE (n {{{'p' * 64}: 1}})", "p" * 64),
        (f"MATCH (n) SET n.`{'x y' * 22}` = 1", "x y" * 22),
        (f"CREATE (n:{'L' * 70})", "L" * 70),
        (f"RETURN ${'q' * 64}", "q" * 64),
        (f"CREATE (n {{`{'é' * 32}`: 1}})", "é" * 32),
        (f"RETURN '{'s' * 200}'", None),
        (f"// {'c' * 200}\nRETURN 1", None),
    ],
)
def test_names_longer_than_age_keeps_are_found(query, found):
    assert long_identifier(query) == found

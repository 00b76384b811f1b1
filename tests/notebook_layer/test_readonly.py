"""Read-only fails closed: the database refuses writes, the graph is unchanged."""

from __future__ import annotations

import pytest
from _notebook_helpers import cell
from IPython.core.error import UsageError

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]

WRITES = [
    "CREATE (:Intruder {x: 1})",
    "MATCH (n:Keep) SET n.x = 99",
    "MATCH (n:Keep) DELETE n",
    "MERGE (n:Keep {k: 1}) SET n.x = 2",
    "MATCH (n:Keep) REMOVE n.x",
]


def _snapshot(shell):
    return cell(shell, "--no-limit", "MATCH (n) RETURN labels(n) AS l, properties(n) AS p ORDER BY id(n)").rows


@pytest.mark.parametrize("query", WRITES)
def test_readonly_option_makes_the_database_refuse_writes(shell, query):
    cell(shell, "", "CREATE (:Keep {k: 1, x: 1})")
    before = _snapshot(shell)
    with pytest.raises(UsageError, match="read-only"):
        cell(shell, "--readonly", query)
    assert _snapshot(shell) == before


@pytest.mark.parametrize("query", WRITES[:2])
def test_readonly_config_applies_to_every_cell(shell, query):
    cell(shell, "", "CREATE (:Keep {k: 1, x: 1})")
    before = _snapshot(shell)
    shell.run_line_magic("config", "RunicMagic.readonly = True")
    try:
        with pytest.raises(UsageError, match="read-only"):
            cell(shell, "", query)
        assert cell(shell, "", "MATCH (n:Keep) RETURN n.x AS x").value() == 1  # reads still work
    finally:
        shell.run_line_magic("config", "RunicMagic.readonly = False")
    assert _snapshot(shell) == before


def test_readonly_connection_refuses_writes(shell):
    shell.run_line_magic("runic", f"connect --graph {shell.test_graph} --alias ro --readonly")
    with pytest.raises(UsageError, match="read-only"):
        cell(shell, "-c ro", "CREATE (:Intruder)")
    shell.run_line_magic("runic", "use main")
    assert cell(shell, "", "MATCH (n:Intruder) RETURN count(n) AS c").value() == 0


def test_write_detection_is_not_the_guard(shell):
    # a write hidden where no keyword scan would look: the server still refuses it
    cell(shell, "", "CREATE (:Keep {k: 1})")
    with pytest.raises(UsageError, match="read-only"):
        cell(shell, "--readonly", "MATCH (n:Keep) WITH n CALL { WITH n SET n.k = 2 } RETURN n")
    assert cell(shell, "", "MATCH (n:Keep) RETURN n.k AS k").value() == 1

"""%runic / %%runic in a real IPython shell against the embedded FalkorDB."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from _notebook_helpers import cell, run_cell_capturing
from IPython.core.error import UsageError

from runic.notebook import connections as nb_connections
from runic.notebook.magics import RunicMagic, _split_line, parse_param
from runic.notebook.result import QueryResult

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]


def test_cell_magic_returns_a_result_and_stores_it_by_name(shell):
    cell(shell, "", "CREATE (:Person {name: 'Ada', age: 36}), (:Person {name: 'Bob', age: 25})")
    shell.user_ns["min_age"] = 30
    result = cell(shell, "people <<", "MATCH (p:Person) WHERE p.age > $min_age RETURN p.name AS name, p.age AS age")
    assert isinstance(result, QueryResult)
    assert shell.user_ns["people"] is result
    assert result.records == [{"name": "Ada", "age": 36}]


def test_store_marker_without_spaces_is_accepted(shell):
    result = cell(shell, "x<<", "RETURN 1 AS one")
    assert shell.user_ns["x"] is result


def test_line_magic_returns_the_result_for_assignment(shell):
    shell.run_cell("r = %runic RETURN 1 + 1 AS two")
    assert shell.user_ns["r"].value() == 2


def test_line_magic_takes_leading_options(shell):
    cell(shell, "", "UNWIND range(1, 9) AS i CREATE (:N {i: i})")
    result = shell.run_line_magic("runic", "--limit 2 MATCH (n:N) RETURN n.i AS i ORDER BY i")
    assert result.values("i") == [1, 2] and result.has_more


def test_connect_connections_use_and_close(shell, capsys):
    shell.run_line_magic("runic", f"connect --graph {shell.test_graph}_b --alias second")
    assert "connected second → falkordb+embedded://?graph=" in capsys.readouterr().out
    assert nb_connections.registry.current_alias == "second"
    table = shell.run_line_magic("runic", "connections")
    assert [row[0] for row in table] == ["main", "second"]
    assert "second" in table._repr_html_() and "* second" in repr(table)
    cell(shell, "", "CREATE (:OnlyInB)")
    shell.run_line_magic("runic", "use main")
    assert cell(shell, "", "MATCH (n:OnlyInB) RETURN count(n) AS c").value() == 0
    assert cell(shell, "-c second", "MATCH (n:OnlyInB) RETURN count(n) AS c").value() == 1
    cell(shell, "-c second", "MATCH (n) DETACH DELETE n")
    shell.run_line_magic("runic", "close second")
    assert "second" not in nb_connections.registry
    with pytest.raises(UsageError, match="no connection named 'secnd'.*did you mean 'main'|no connection named 'secnd'"):
        cell(shell, "-c secnd", "RETURN 1")


def test_unknown_alias_suggests_a_close_one(shell):
    with pytest.raises(UsageError, match="did you mean 'main'"):
        shell.run_line_magic("runic", "use mian")


def test_connect_reads_runic_url(shell, monkeypatch, capsys):
    monkeypatch.setenv("RUNIC_URL", f"falkordb+embedded://?graph={shell.test_graph}_env")
    nb_connections.registry.use_embedded(nb_connections.registry.embedded)
    shell.run_line_magic("runic", "connect --alias fromenv")
    out = capsys.readouterr().out
    assert "fromenv" in out and f"graph={shell.test_graph}_env" in out
    shell.run_line_magic("runic", "close fromenv")


def test_bad_option_is_a_usage_error_with_did_you_mean(shell, capsys):
    result, out = run_cell_capturing(shell, "%%runic --limt 5\nRETURN 1", capsys)
    assert isinstance(result.error_in_exec, UsageError)
    assert "did you mean --limit?" in out
    assert "Traceback" not in out


def test_conflicting_options_are_refused(shell):
    with pytest.raises(UsageError, match="exclude each other"):
        cell(shell, "--limit 3 --no-limit", "RETURN 1")
    with pytest.raises(UsageError, match="exclude each other"):
        cell(shell, "--explain --profile", "RETURN 1")


def test_database_error_is_one_short_message_with_position(shell, capsys):
    result, out = run_cell_capturing(shell, "%%runic\nMATCH (n)\nRETURN n.name +", capsys)
    assert isinstance(result.error_in_exec, UsageError)
    assert "UsageError: FalkorDB rejected the query" in out
    assert "line 2" in out  # the position in the cell as written, not in the appended LIMIT
    assert "Traceback" not in out and "redis" not in out.lower()
    assert len(out.splitlines()) <= 6


def test_explain_shows_a_plan_and_runs_nothing(shell):
    cell(shell, "", "CREATE (:Seed)")
    plan = cell(shell, "--explain", "CREATE (:Ghost)")
    assert any("Create" in line for line in plan.lines)
    assert cell(shell, "", "MATCH (g:Ghost) RETURN count(g) AS c").value() == 0
    assert "text/html" in plan._repr_mimebundle_()


def test_profile_runs_and_shows_records(shell):
    cell(shell, "", "UNWIND range(1, 3) AS i CREATE (:P {i: i})")
    plan = cell(shell, "--profile", "MATCH (p:P) RETURN p")
    assert plan.profile and any("Records produced" in line for line in plan.lines)


def test_timeout_cancels_and_the_connection_stays_usable(shell):
    cell(shell, "", "UNWIND range(1, 400) AS i CREATE (:T {i: i})")
    started = time.monotonic()
    with pytest.raises(UsageError, match="timeout"):
        cell(shell, "--timeout 0.2", "MATCH (a:T), (b:T), (c:T) RETURN count(*) AS c")
    assert time.monotonic() - started < 5
    assert cell(shell, "", "MATCH (t:T) RETURN count(t) AS c").value() == 400


def test_keyboard_interrupt_cancels_and_the_connection_stays_usable(shell):
    cell(shell, "", "UNWIND range(1, 400) AS i CREATE (:T {i: i})")
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer.start()
    try:
        with pytest.raises(UsageError, match="interrupted"):
            cell(shell, "--timeout 1.5", "MATCH (a:T), (b:T), (c:T) RETURN count(*) AS c")
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
    assert cell(shell, "", "MATCH (t:T) RETURN count(t) AS c").value() == 400


def test_schema_lists_labels_types_keys_and_indexes(shell):
    cell(shell, "", "CREATE (:Person {name: 'Ada'})-[:KNOWS {since: 2020}]->(:Person {name: 'Bob'})")
    cell(shell, "", "CREATE INDEX FOR (p:Person) ON (p.name)")
    report = shell.run_line_magic("runic", "schema")
    assert report.labels == ["Person"] and report.types == ["KNOWS"]
    assert {"name", "since"} <= set(report.keys)
    assert any(getattr(s, "field", None) == "name" for s in report.indexes)
    assert "KNOWS" in repr(report) and "Person" in report._repr_html_()


def test_empty_result_names_a_misspelt_label(shell):
    cell(shell, "", "CREATE (:Person {name: 'Ada'})")
    result = shell.run_line_magic("runic", "MATCH (p:Persn) RETURN p.name")
    assert len(result) == 0
    assert "label :Persn does not exist in this graph — did you mean 'Person'?" in result.footer()


def test_config_traits_change_behaviour(shell):
    shell.run_line_magic("config", "RunicMagic.displaylimit = 3")
    shell.run_line_magic("config", "RunicMagic.style = 'markdown'")
    try:
        cell(shell, "", "UNWIND range(1, 9) AS i CREATE (:N {i: i})")
        result = cell(shell, "", "MATCH (n:N) RETURN n.i AS i ORDER BY i")
        assert len(result) == 3
        assert result._repr_mimebundle_()["text/plain"].startswith("| i")
        shell.run_line_magic("config", "RunicMagic.autolimit = False")
        assert len(cell(shell, "", "MATCH (n:N) RETURN n.i AS i")) == 9
    finally:
        shell.run_line_magic("config", "RunicMagic.displaylimit = 1000")
        shell.run_line_magic("config", "RunicMagic.style = 'grid'")
        shell.run_line_magic("config", "RunicMagic.autolimit = True")


def test_magic_is_a_configurable(shell):
    assert any(isinstance(c, RunicMagic) for c in shell.configurables)


def test_no_connection_tells_how_to_open_one(shell):
    nb_connections.registry.close_all()
    with pytest.raises(UsageError, match="%runic connect"):
        cell(shell, "", "RETURN 1")


@pytest.mark.unit
def test_line_splitting_keeps_cypher_intact():
    assert _split_line("--limit 5 MATCH (n) WHERE n.x = '-1' RETURN n") == ("--limit 5", "MATCH (n) WHERE n.x = '-1' RETURN n")
    assert _split_line("r << --readonly RETURN -1") == ("r << --readonly", "RETURN -1")
    assert _split_line("RETURN 1") == ("", "RETURN 1")


@pytest.mark.unit
def test_param_values_are_literals_or_strings():
    assert parse_param("n=5") == ("n", 5)
    assert parse_param("s='5'") == ("s", "5")
    assert parse_param("name=Ada Lovelace") == ("name", "Ada Lovelace")
    assert parse_param("xs=[1, 2]") == ("xs", [1, 2])

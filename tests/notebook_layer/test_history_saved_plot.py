"""``%runic history``, ``--save NAME`` / ``%runic run NAME``, ``%runic plot`` and the magic's
own words: comments on magic lines, unknown subcommands refused, hints that name options.

The shell tests run on the embedded FalkorDB; the ``*_on_each_backend`` tests run the same
cells on FalkorDB, ArcadeDB and AGE through a connection adopted from the ``driver`` fixture.
"""

from __future__ import annotations

import matplotlib
import pytest
from IPython.core.error import UsageError

from runic.notebook.history import history, saved

matplotlib.use("Agg")

pytestmark = [pytest.mark.integration]


@pytest.fixture(autouse=True)
def _fresh_history():
    history.clear()
    saved.clear()
    yield
    history.clear()
    saved.clear()


def _cell(shell, line: str, body: str):
    return shell.run_cell_magic("runic", line, body)


# -- comments, subcommands ----------------------------------------------------------------
@pytest.mark.falkordb
def test_comment_after_a_magic_line_is_ignored(shell):
    shell.run_line_magic("runic", f"connect --graph {shell.test_graph} --alias commented   # the same graph again")
    from runic.notebook.connections import registry

    assert registry.current_alias == "commented"
    result = shell.run_line_magic("runic", "RETURN '#not a comment' AS s, 1 AS n   # a comment")
    assert result.rows == [["#not a comment", 1]]


@pytest.mark.falkordb
def test_comment_on_the_cell_line_is_ignored(shell):
    result = _cell(shell, "people <<   # keep it", "RETURN 2 AS n")
    assert shell.user_ns["people"] is result
    assert result.rows == [[2]]


@pytest.mark.falkordb
def test_unknown_subcommand_is_refused_with_a_suggestion_and_never_sent(shell):
    with pytest.raises(UsageError, match=r"did you mean %runic history\?"):
        shell.run_line_magic("runic", "histroy")
    with pytest.raises(UsageError, match="not a subcommand"):
        shell.run_line_magic("runic", "frobnicate now")
    assert len(history) == 0


@pytest.mark.falkordb
def test_lower_case_cypher_still_runs_as_cypher(shell):
    assert shell.run_line_magic("runic", "return 3 AS n").rows == [[3]]


@pytest.mark.falkordb
def test_register_subcommand_adds_a_subcommand_the_help_lists(shell, capsys):
    from runic.notebook.magics import SUBCOMMANDS, register_subcommand

    register_subcommand("echo-test", lambda magic, rest, ns: rest.upper(), "%runic echo-test TEXT — says it back")
    try:
        assert shell.run_line_magic("runic", "echo-test hello  # comment") == "HELLO"
        shell.run_line_magic("runic", "help")
        assert "%runic echo-test TEXT" in capsys.readouterr().out
    finally:
        SUBCOMMANDS.pop("echo-test")
    with pytest.raises(ValueError, match="does not start Cypher"):
        register_subcommand("match", lambda *a: None, "")


# -- history ------------------------------------------------------------------------------
@pytest.mark.falkordb
def test_history_lists_statements_with_rows_parameters_and_errors(shell):
    shell.user_ns["min_age"] = 30
    _cell(shell, "", "UNWIND [20, 40, 50] AS a RETURN a AS age")
    _cell(shell, "", "UNWIND [20, 40, 50] AS a WITH a WHERE a > $min_age RETURN a")
    with pytest.raises(UsageError):
        _cell(shell, "", "MATCH (n RETURN n")
    table = shell.run_line_magic("runic", "history")
    assert [e.rows for e in table] == [3, 2, None]
    assert table[1].params == {"min_age": 30}
    assert table[2].error
    html = table._repr_html_()
    assert "$min_age = 30" in html and "error:" in html
    assert [e.number for e in shell.run_line_magic("runic", "history -n 1")] == [table[2].number]
    assert len(shell.run_line_magic("runic", "history --search min_age")) == 1
    shell.run_line_magic("runic", "history --clear")
    assert len(history) == 0


@pytest.mark.falkordb
def test_history_hides_secret_looking_parameters(shell):
    _cell(shell, "--param api_token='s3cr3t-value'", "RETURN 1 AS n")
    table = shell.run_line_magic("runic", "history")
    assert "s3cr3t-value" not in table._repr_html_() and "s3cr3t-value" not in repr(table)
    assert "***" in repr(table)


# -- saved queries --------------------------------------------------------------------------
@pytest.mark.falkordb
def test_save_keeps_the_query_with_its_parameters_for_a_later_cell(shell):
    shell.user_ns["min_age"] = 30
    first = _cell(shell, "--save older", "UNWIND [20, 40, 50] AS a WITH a WHERE a > $min_age RETURN a")
    assert first.rows == [[40], [50]]
    assert saved.get("older").params == {"min_age": 30}
    shell.user_ns["min_age"] = 99  # the saved value wins over the changed variable
    again = shell.run_line_magic("runic", "run older")
    assert again.rows == [[40], [50]]
    other = shell.run_line_magic("runic", "run older --param min_age=45")
    assert other.rows == [[50]]
    shell.run_line_magic("runic", "run older_rows << older")
    assert shell.user_ns["older_rows"].rows == [[40], [50]]
    listing = shell.run_line_magic("runic", "saved")
    assert "older" in listing._repr_html_() and "$min_age = 30" in repr(listing)


@pytest.mark.falkordb
def test_running_an_unknown_saved_query_suggests_the_close_name(shell):
    _cell(shell, "--save older", "RETURN 1 AS n")
    with pytest.raises(UsageError, match="did you mean 'older'"):
        shell.run_line_magic("runic", "run oldr")
    with pytest.raises(UsageError, match="letters, digits and _"):
        _cell(shell, "--save 9lives", "RETURN 1 AS n")
    shell.run_line_magic("runic", "saved --remove older")
    assert "older" not in saved


# -- magic words in errors ----------------------------------------------------------------------
@pytest.mark.falkordb
def test_a_write_refused_by_readonly_names_the_option_not_a_keyword(shell):
    with pytest.raises(UsageError) as info:
        _cell(shell, "--readonly", "CREATE (:Nope)")
    text = str(info.value)
    assert "--readonly" in text and "readonly=True" not in text


@pytest.mark.falkordb
def test_a_bad_timeout_is_refused_in_the_magics_words(shell):
    with pytest.raises(UsageError, match=r"--timeout -1\.0 is not a usable limit: give a finite number of seconds greater than 0"):
        _cell(shell, "--timeout -1", "RETURN 1 AS n")


def test_magic_words_rewrite_python_keyword_hints():
    from runic.notebook.magics import magic_words
    from runic.ogm.exceptions import QueryTimeoutError, ReadOnlyError

    ro = ReadOnlyError("the statement writes", hint="drop readonly=True (on the call or the driver) to write")
    assert magic_words(ro) == "the statement writes — drop --readonly (from the cell, or reconnect without it) to write"
    slow = QueryTimeoutError("query timed out after 1s", hint="add an index or a LIMIT, or pass a larger timeout=")
    assert magic_words(slow).endswith("add an index or a LIMIT, or raise --timeout S")


# -- plots --------------------------------------------------------------------------------------
@pytest.mark.falkordb
def test_result_plot_draws_the_rows_with_pandas(shell):
    result = _cell(shell, "", "UNWIND range(1, 5) AS i RETURN i AS x, i * i AS y")
    ax = result.plot(x="x", y="y")
    assert list(ax.get_lines()[0].get_ydata()) == [1, 4, 9, 16, 25]


@pytest.mark.falkordb
def test_plot_refuses_a_bad_kind_and_a_missing_source(shell):
    with pytest.raises(UsageError, match="did you mean histogram"):
        shell.run_line_magic("runic", "plot histgram age --label P")
    with pytest.raises(UsageError, match="exactly one source"):
        shell.run_line_magic("runic", "plot bar age")


@pytest.fixture
def adopted(shell, driver):
    """The shell connected to ``driver`` (one per live backend), with 100 :Pl nodes."""
    from runic.notebook.connections import registry

    registry.connect(driver=driver, alias="backend")
    driver.execute("UNWIND range(1, 100) AS i CREATE (:Pl {age: i, city: CASE WHEN i % 4 = 0 THEN 'Paris' ELSE 'Oslo' END})")
    yield shell
    registry._connections.pop("backend", None)


def _bar_heights(ax) -> list[float]:
    return [p.get_height() for p in ax.patches]


def test_histogram_is_counted_in_the_database_on_each_backend(adopted):
    ax = adopted.run_line_magic("runic", "plot histogram age --label Pl --bins 5")
    assert _bar_heights(ax) == [20, 20, 20, 20, 20]
    assert "100 values in 5 bins" in ax.get_title()
    # only the aggregation's rows crossed the wire: the history holds two short statements
    assert [e.rows for e in history] == []  # plot queries go straight to the driver, not the notebook history


def test_bar_counts_values_in_the_database_on_each_backend(adopted):
    ax = adopted.run_line_magic("runic", "plot bar city --label Pl --top 1")
    assert [p.get_width() for p in ax.patches] == [75]
    assert "top 1 of 2 values" in ax.get_title()


def test_saved_query_feeds_a_plot_and_history_on_each_backend(adopted):
    adopted.user_ns["min_age"] = 50
    result = _cell(adopted, "--save older --no-limit", "MATCH (p:Pl) WHERE p.age > $min_age RETURN p.age AS age ORDER BY age")
    assert len(result) == 50
    ax = adopted.run_line_magic("runic", "plot histogram age --query older --bins 2")
    assert _bar_heights(ax) == [25, 25]
    again = adopted.run_line_magic("runic", "run older --param min_age=90 --no-limit")
    assert again["age"] == list(range(91, 101))
    entries = list(adopted.run_line_magic("runic", "history"))
    assert [(e.connection, e.rows) for e in entries] == [("backend", 50), ("backend", 10)]

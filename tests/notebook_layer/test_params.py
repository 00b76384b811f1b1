"""$name parameters come from the notebook namespace, never from string templating."""

from __future__ import annotations

import pytest
from _notebook_helpers import cell
from IPython.core.error import UsageError

from runic.notebook.statement import bind_parameters, parameter_names

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]

NASTY = [
    "O'Brien",
    'say "hi"',
    "back\\slash\\",
    "'; MATCH (n) DETACH DELETE n //",
    "{braces} and $dollar and `tick`",
    "line\nbreak\ttab",
    "ünïcødé ✓ 中文",
    "*/ /* // --",
]


@pytest.mark.parametrize("value", NASTY)
def test_string_values_that_break_interpolation_round_trip_as_parameters(shell, value):
    shell.user_ns["v"] = value
    cell(shell, "", "CREATE (:Item {text: $v})")
    result = cell(shell, "", "MATCH (i:Item) WHERE i.text = $v RETURN i.text AS text, count(*) AS c")
    assert result.rows == [[value, 1]]
    # the graph still holds exactly the one node: nothing in the value ran as Cypher
    assert cell(shell, "", "MATCH (n) RETURN count(n) AS c").value() == 1


def test_non_string_values_keep_their_types(shell):
    shell.user_ns.update(n=42, f=2.5, flag=True, items=[1, "two", None], m={"k": "v's"}, nothing=None)
    result = cell(shell, "", "RETURN $n AS n, $f AS f, $flag AS flag, $items AS items, $m AS m, $nothing AS nothing")
    assert result.records == [{"n": 42, "f": 2.5, "flag": True, "items": [1, "two", None], "m": {"k": "v's"}, "nothing": None}]


def test_missing_parameter_names_it_and_the_fix(shell):
    shell.user_ns.pop("min_age", None)
    with pytest.raises(UsageError) as info:
        cell(shell, "", "MATCH (p:Person) WHERE p.age > $min_age RETURN p")
    text = str(info.value)
    assert "$min_age is not defined in the notebook" in text
    assert "--param min_age=" in text


def test_param_option_overrides_the_namespace(shell):
    shell.user_ns["x"] = 1
    result = cell(shell, "--param x=5 --param label='a b'", "RETURN $x AS x, $label AS label")
    assert result.rows == [[5, "a b"]]


def test_param_option_without_equals_is_a_usage_error(shell):
    with pytest.raises(UsageError, match="name=value"):
        cell(shell, "--param x", "RETURN $x")


def test_map_literals_are_left_alone(shell):
    shell.user_ns["name"] = "Ada"
    result = cell(shell, "", "RETURN {name: $name, nested: {a: 1}} AS m")
    assert result.value() == {"name": "Ada", "nested": {"a": 1}}


def test_dollar_words_inside_strings_and_comments_need_no_variable(shell):
    shell.user_ns.pop("ghost", None)
    result = cell(shell, "", "// costs $ghost\nRETURN '$ghost' AS a, \"$ghost\" AS b /* $ghost */")
    assert result.rows == [["$ghost", "$ghost"]]


def test_one_line_magic_sends_parameters_not_expanded_text(shell):
    # IPython would expand $k into the line text; %runic must send it as a parameter
    shell.user_ns["k"] = "O'Brien"
    result = shell.run_line_magic("runic", "RETURN $k AS k")
    assert result.value() == "O'Brien"
    assert result.raw.query.startswith("RETURN $k AS k")
    shell.run_cell("r2 = %runic RETURN $k + '!' AS k")
    assert shell.user_ns["r2"].value() == "O'Brien!"


def test_local_scope_wins_over_globals(shell):
    shell.user_ns["k"] = 1
    shell.run_cell("def f():\n    k = 99\n    r = %runic RETURN $k AS k\n    return r\nlocal_result = f()")
    assert shell.user_ns["local_result"].value() == 99


@pytest.mark.unit
def test_parameter_scanner_ignores_quoted_text_and_comments():
    query = "MATCH (n {a: $a}) WHERE n.x = '$no' AND n.y = \"$no2\" // $no3\n/* $no4 */ RETURN $b, $`odd name`, $a"
    assert parameter_names(query) == ["a", "b", "odd name"]


@pytest.mark.unit
def test_bind_parameters_prefers_explicit_values():
    assert bind_parameters("RETURN $a, $b", {"a": 1, "b": 2}, {"b": 3}) == {"a": 1, "b": 3}

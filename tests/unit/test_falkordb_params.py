"""Parameter encoding for FalkorDB's CYPHER header (pure logic; round trips run in the integration tests)."""

from __future__ import annotations

import math

import pytest

from runic.ogm.driver._falkordb_params import ParameterError, build_query, encode_value

pytestmark = [pytest.mark.unit]


def test_strings_escape_backslash_quote_and_line_breaks():
    assert encode_value("it's") == "'it\\'s'"
    assert encode_value("a\\b") == "'a\\\\b'"
    assert encode_value("l1\nl2\r\tx") == "'l1\\nl2\\r\\tx'"


def test_unicode_and_double_quotes_pass_unchanged():
    assert encode_value('ünï€😀 "q"') == "'ünï€😀 \"q\"'"


def test_header_stays_on_one_line_whatever_the_strings_hold():
    header, text = build_query("RETURN $a", {"a": "x\ny\r\nz"})
    assert "\n" not in header and "\r" not in header
    assert text == header + "RETURN $a"


def test_scalars_none_and_booleans():
    assert encode_value(None) == "null"
    assert encode_value(True) == "true"
    assert encode_value(False) == "false"
    assert encode_value(-7) == "-7"
    assert encode_value(2.5) == "2.5"
    assert encode_value(1e-05) == "1e-05"


def test_infinities_become_overflowing_literals():
    assert encode_value(math.inf) == "1e999"
    assert encode_value(-math.inf) == "-1e999"


def test_lists_tuples_and_maps_nest():
    assert encode_value([1, "a", None, [True]]) == "[1,'a',null,[true]]"
    assert encode_value((1, 2)) == "[1,2]"
    assert encode_value({"plain": 1, "with space": {"x": []}}) == "{plain:1,`with space`:{x:[]}}"


def test_nul_characters_are_refused_naming_the_parameter_not_the_value():
    with pytest.raises(ParameterError) as info:
        build_query("RETURN $secret", {"secret": "top\x00secret"})
    assert "$secret" in str(info.value)
    assert "top" not in str(info.value)


def test_lone_surrogates_are_refused():
    with pytest.raises(ParameterError):
        encode_value("\ud800")


def test_map_keys_with_backticks_are_refused():
    with pytest.raises(ParameterError):
        build_query("RETURN $m", {"m": {"a`b": 1}})


def test_integers_beyond_64_bits_are_refused():
    with pytest.raises(ParameterError):
        encode_value(2**63)
    assert encode_value(2**63 - 1) == str(2**63 - 1)


def test_unsupported_types_are_refused_with_what_to_do():
    with pytest.raises(ParameterError, match="convert it"):
        encode_value(object())
    with pytest.raises(ParameterError, match="bytes"):
        encode_value(b"raw")


def test_parameter_names_are_quoted_when_not_plain():
    header, _ = build_query("RETURN $`we ird`", {"we ird": 1, "ok": 2})
    assert header == "CYPHER `we ird`=1 ok=2 "
    with pytest.raises(ParameterError):
        build_query("RETURN 1", {"a`b": 1})


def test_no_params_send_the_query_unchanged():
    assert build_query("RETURN 1", None) == ("", "RETURN 1")
    assert build_query("RETURN 1", {}) == ("", "RETURN 1")


def test_nan_is_written_into_the_query_at_its_references_only():
    query = "RETURN $x, '$x', `$x`, $xy // $x\n, $x"
    header, text = build_query(query, {"x": float("nan"), "xy": 1})
    assert header == "CYPHER xy=1 "
    assert text == header + "RETURN (0.0/0.0), '$x', `$x`, $xy // $x\n, (0.0/0.0)"


def test_nan_inside_a_list_inlines_the_whole_value():
    _, text = build_query("RETURN $v", {"v": [1.0, float("nan"), "it's"]})
    assert text == "RETURN [1.0,(0.0/0.0),'it\\'s']"


def test_numpy_like_values_are_converted_through_tolist():
    class FakeArray:
        def tolist(self):
            return [1.0, 2.0]

    assert encode_value(FakeArray()) == "[1.0,2.0]"


def test_numpy_values_travel_as_python_values_and_numpy_dates_are_refused():
    import numpy as np

    from runic.ogm.exceptions import UnsupportedValueError

    assert encode_value(np.float64(0.5), "v") == "0.5" and encode_value(np.int64(7), "v") == "7"
    assert encode_value(np.array([1.5, 2.5]), "v") == "[1.5,2.5]"
    for value in (np.datetime64("2024-01-01T00:00:00.000000001"), np.array(["2024-01-01"], dtype="datetime64[D]")):
        with pytest.raises(UnsupportedValueError, match="datetime64|ndarray"):
            encode_value(value, "v")

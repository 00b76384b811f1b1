"""The asyncio twin of test_clear_errors.

Bad input to a driver gets a clear error that names the problem, on every backend, and
nothing is sent: params that are not a mapping, timeouts that are not a finite number of
seconds above 0, names holding a lone surrogate, ArcadeDB's reserved ``@`` names."""

from __future__ import annotations

import math

import pytest

from runic.ogm.exceptions import ConnectionFailedError, DriverError, QueryError, UnsupportedFeatureError


async def test_params_that_are_not_a_mapping_are_refused_by_name(async_driver):
    driver = async_driver
    for params in ([1], (1, 2), "x=1"):
        with pytest.raises(TypeError, match="params must be a mapping of parameter names to values") as err:
            await driver.execute("RETURN $x AS x", params)
        assert type(params).__name__ in str(err.value)
    assert (await driver.execute("RETURN $x AS x", {"x": 1})).value() == 1


@pytest.mark.parametrize("timeout", [math.inf, math.nan, -1.0, 0])
async def test_timeouts_that_are_not_finite_seconds_above_zero_are_refused(async_driver, timeout):
    driver = async_driver
    with pytest.raises(ValueError, match="must be a finite number of seconds greater than 0") as err:
        await driver.execute("RETURN 1", timeout=timeout)
    assert f"timeout={timeout!r}" in str(err.value)
    assert (await driver.execute("RETURN 1", timeout=5)).value() == 1


@pytest.mark.parametrize("query", ["CREATE (:`Bad\udc00Label`)", "MATCH (n) RETURN n.`p\ud800` AS p"])
async def test_a_lone_surrogate_in_a_name_is_reported_as_a_broken_name_not_a_connection_failure(async_driver, query):
    driver = async_driver
    with pytest.raises(QueryError, match="lone surrogate") as err:
        await driver.execute(query)
    assert not isinstance(err.value, DriverError | ConnectionFailedError)
    assert err.value.position == next(i for i, c in enumerate(query) if "\ud800" <= c <= "\udfff")
    assert err.value.hint
    assert (await driver.execute("MATCH (n) RETURN count(n)")).value() == 0


async def test_property_names_starting_with_at_are_refused_on_arcadedb_and_kept_elsewhere(async_driver):
    driver = async_driver
    writes = [
        ("CREATE (n:AtProp {`@tag`: 1})", None),
        ("CREATE (n:AtProp) SET n.`@tag` = 1", None),
        ("CREATE (n:AtProp) SET n += $props", {"props": {"@tag": 1}}),
        ("UNWIND $rows AS row CREATE (n:AtProp) SET n += row", {"rows": [{"ok": 1}, {"@tag": 1}]}),
    ]
    if driver.backend == "arcadedb":
        for query, params in writes:
            with pytest.raises(UnsupportedFeatureError, match="reserves property names that start with '@'") as err:
                await driver.execute(query, params)
            assert "'@tag'" in str(err.value) and "at_tag" in err.value.hint
        assert (await driver.execute("MATCH (n:AtProp) RETURN count(n)")).value() == 0
        assert (await driver.execute("RETURN {`@x`: 1} AS m")).value() == {"@x": 1}  # reads are not refused
        return
    await driver.execute(*writes[0])
    (record,) = (await driver.execute("MATCH (n:AtProp) RETURN n")).values()
    assert record.properties == {"@tag": 1}

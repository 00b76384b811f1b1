"""Every cell of docs/type-fidelity.md, proven on every live backend.

The cells come from ``tests/type_fidelity_cases.py``; the doc is checked against the same
data, so a change to one without the other fails here.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from type_fidelity_cases import BACKENDS, CASES, Case, Outcome, render_table

from runic.ogm import Field, Node, Session
from runic.ogm.exceptions import FieldValidationError, UnsupportedValueError

DOC = Path(__file__).resolve().parents[2] / "docs" / "type-fidelity.md"
START, END = "<!-- fidelity-table:start -->", "<!-- fidelity-table:end -->"


def same(got: Any, want: Any) -> bool:
    """Equal and of the same type, all the way down (NaN equals NaN)."""
    if type(got) is not type(want):
        return False
    if isinstance(want, float) and math.isnan(want):
        return math.isnan(got)
    if isinstance(want, np.ndarray):
        return got.dtype == want.dtype and np.array_equal(got, want)
    if isinstance(want, list):
        return len(got) == len(want) and all(same(g, w) for g, w in zip(got, want, strict=True))
    if isinstance(want, dict):
        return got.keys() == want.keys() and all(same(got[k], want[k]) for k in want)
    if hasattr(want, "tzinfo") and want.tzinfo is not None:
        return got == want and got.utcoffset() == want.utcoffset()
    return bool(got == want)


def expected(outcome: Outcome, value: Any) -> Any:
    return value if outcome.kind == "exact" else outcome.back(value)


def check_refusal(info: pytest.ExceptionInfo, outcome: Outcome, backend: str, value: Any) -> None:
    err = info.value
    assert isinstance(err, (TypeError, ValueError)) or outcome.error is not UnsupportedValueError
    if isinstance(err, UnsupportedValueError):
        assert err.backend == backend
        assert err.value_type == type(value).__name__
        assert " — " in str(err) and err.hint  # says what to do
    if isinstance(err, FieldValidationError):
        assert err.field == "v" and err.hint


def _model(case: Case) -> type:
    annotation = case.annotation or type(case.make())
    namespace = {
        "__module__": __name__,
        "__annotations__": {"uid": str, "v": annotation | None},
        "uid": Field(primary_key=True),
        "v": Field(default=None),
    }
    return type(f"Fidelity_{case.key}", (Node,), namespace)


MODELS = {case.key: _model(case) for case in CASES}


@pytest.fixture(params=CASES, ids=[c.key for c in CASES])
def case(request) -> Case:
    return request.param


def test_raw_parameter_round_trips_as_the_table_says(driver, backend, case):
    outcome, value = case.raw[backend], case.make()
    write = "CREATE (n:Fidelity {v: $v})"
    if outcome.kind == "refused":
        with pytest.raises(outcome.error) as info:
            driver.execute(write, {"v": value})
        check_refusal(info, outcome, backend, value)
        return
    driver.execute(write, {"v": value})
    got = driver.execute("MATCH (n:Fidelity) RETURN n.v AS v").value("v")
    assert same(got, expected(outcome, value)), f"{backend} read back {got!r}"
    if "stored exactly" in outcome.note:
        assert driver.execute("MATCH (n:Fidelity) WHERE n.v = $v RETURN count(n) AS c", {"v": value}).value("c") == 1


async def test_raw_parameter_round_trips_as_the_table_says_on_async_drivers(async_driver, backend, case):
    outcome, value = case.raw[backend], case.make()
    write = "CREATE (n:Fidelity {v: $v})"
    if outcome.kind == "refused":
        with pytest.raises(outcome.error) as info:
            await async_driver.execute(write, {"v": value})
        check_refusal(info, outcome, backend, value)
        return
    await async_driver.execute(write, {"v": value})
    got = (await async_driver.execute("MATCH (n:Fidelity) RETURN n.v AS v")).value("v")
    assert same(got, expected(outcome, value)), f"{backend} read back {got!r}"


def test_model_field_round_trips_as_the_table_says(driver, backend, case):
    outcome, model = case.field[backend], MODELS[case.key]
    value = case.make()
    if outcome.kind == "refused":
        with pytest.raises(outcome.error) as info:
            session = Session(driver)
            try:
                session.add(model(uid="u", v=value))
                session.commit()
            finally:
                session.close()
        check_refusal(info, outcome, backend, value)
        return
    session = Session(driver)
    try:
        session.add(model(uid="u", v=value))
        session.commit()
    finally:
        session.close()
    with Session(driver) as session:
        got = session.get(model, "u").v
    assert same(got, expected(outcome, value)), f"{backend} read back {got!r}"


@pytest.mark.unit
def test_doc_table_is_the_one_the_tests_prove():
    text = DOC.read_text(encoding="utf-8")
    assert START in text and END in text, f"{DOC} lost its table markers"
    table = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert table == render_table().strip(), (
        "docs/type-fidelity.md differs from tests/type_fidelity_cases.py — run: python tests/type_fidelity_cases.py"
    )


@pytest.mark.unit
def test_every_backend_has_a_cell_in_every_row():
    for case in CASES:
        assert set(case.raw) == set(BACKENDS) and set(case.field) == set(BACKENDS), case.key

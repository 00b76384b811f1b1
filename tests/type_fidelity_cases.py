"""The type-fidelity table: what each backend does with each Python value (one place).

``docs/type-fidelity.md`` holds the table rendered from these cases, and
``tests/integration/test_type_fidelity.py`` proves every cell on every live backend; a
unit test there checks the doc against ``render_table()``, so the two cannot drift.

A cell is one of
* ``EXACT`` — read back equal and of the same type;
* ``conv(note, back)`` — read back as ``back(value)`` (equal and of the same type), the
  documented conversion ``note``;
* ``refused(note, error)`` — the write raises ``error`` (``UnsupportedValueError``, a
  ``TypeError``/``ValueError`` naming the type, the backend and the fix, unless noted).

"raw" is a property written with a parameter (``CREATE (n {v: $v})``) and read back with
``driver.execute``; "field" is a model field written by a session and read by ``get()``.
Neo4j and Memgraph columns are checked only when ``RUNIC_TEST_NEO4J_URL`` /
``RUNIC_TEST_MEMGRAPH_URL`` is set (marked † in the doc until then).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from runic.ogm.core.types import GeoLocation, Vector
from runic.ogm.exceptions import FieldValidationError, QueryError, UnsupportedValueError

BACKENDS = ("falkordb", "arcadedb", "age", "neo4j", "memgraph")
#: backends the project starts itself; the others join by URL
STARTED = ("falkordb", "arcadedb", "age")
TITLES = {"falkordb": "FalkorDB", "arcadedb": "ArcadeDB", "age": "Apache AGE", "neo4j": "Neo4j †", "memgraph": "Memgraph †"}


@dataclass(frozen=True)
class Outcome:
    kind: str  # "exact" | "converted" | "refused"
    note: str = ""
    back: Callable[[Any], Any] | None = None
    error: type[BaseException] = UnsupportedValueError

    def cell(self) -> str:
        if self.kind == "exact":
            return f"✓ {self.note}" if self.note else "✓"
        mark = "→" if self.kind == "converted" else "✗"
        return f"{mark} {self.note}"


EXACT = Outcome("exact")


def stored(note: str) -> Outcome:
    """Read back exactly, through the field's converter that stores ``note``."""
    return Outcome("exact", note)


def conv(note: str, back: Callable[[Any], Any]) -> Outcome:
    return Outcome("converted", note, back)


def refused(note: str, error: type[BaseException] = UnsupportedValueError) -> Outcome:
    return Outcome("refused", note, error=error)


@dataclass(frozen=True)
class Case:
    key: str
    title: str
    make: Callable[[], Any]
    raw: dict[str, Outcome]
    field: dict[str, Outcome]
    annotation: Any = None  # the model field's annotation (None: type(value))
    extra: dict[str, Any] = field(default_factory=dict)


def _all(outcome: Outcome, **others: Outcome) -> dict[str, Outcome]:
    return {b: others.get(b, outcome) for b in BACKENDS}


_ISO = "→ ISO text"
_PI = math.pi
_PI_15 = float(f"{math.pi:.15g}")
_F32 = float(np.float32(0.1))

CASES: list[Case] = [
    Case("int64", "int, ±2**63 range", lambda: -(2**63), _all(EXACT), _all(EXACT), int),
    Case(
        "bigint", "int beyond 64 bits", lambda: 2**70,
        _all(refused("pass str(n), or Decimal(n) on AGE")),
        _all(refused("on assignment: declare the field Decimal or str", FieldValidationError)),
        int,
    ),
    Case(
        "float", "float (17 significant digits)", lambda: _PI,
        _all(EXACT, falkordb=conv("read back with 15 significant digits (server limit; stored exactly, `=` matches)", lambda v: _PI_15)),
        _all(EXACT, falkordb=conv("read back with 15 significant digits (server limit)", lambda v: _PI_15)),
        float,
    ),
    Case("nan", "float NaN", lambda: math.nan, _all(EXACT), _all(EXACT), float),
    Case("inf", "float ±inf", lambda: -math.inf, _all(EXACT), _all(EXACT), float),
    Case(
        "decimal", "Decimal (25 digits)", lambda: Decimal("1234567890.123456789012345"),
        _all(refused("pass str(d) or float(d)"), age=EXACT),
        _all(stored("stored as text")),
        Decimal,
    ),
    Case(
        "str_nul", "str with NUL", lambda: "a\x00b",
        _all(refused("remove the NUL"), arcadedb=EXACT, neo4j=EXACT, memgraph=EXACT),
        _all(refused("remove the NUL"), arcadedb=EXACT, neo4j=EXACT, memgraph=EXACT),
        str,
    ),
    Case(
        "str_surrogate", "str with a lone surrogate", lambda: "a\ud800b",
        _all(refused("encode the text properly")), _all(refused("on assignment: encode the text properly", FieldValidationError)), str,
    ),
    Case("str_1mb", "str of 1 MB (non-ASCII)", lambda: "é☃𝄞x" * 250_000, _all(EXACT), _all(EXACT), str),
    Case(
        "bytes", "bytes", lambda: b"\x00\x01\xffab",
        _all(refused("decode to str or store a list of ints"), arcadedb=EXACT, neo4j=EXACT, memgraph=EXACT),
        _all(stored("stored as base64 text")),
        bytes,
    ),
    Case("bool", "bool", lambda: True, _all(EXACT), _all(EXACT), bool),
    Case("none", "None", lambda: None, _all(EXACT), _all(EXACT), int),
    Case(
        "datetime_naive", "datetime, naive", lambda: dt.datetime(2024, 1, 2, 3, 4, 5, 123456),
        _all(EXACT, falkordb=refused("pass dt.isoformat() or a datetime field"), age=conv("ISO text (str)", lambda v: v.isoformat())),
        _all(stored("stored as ISO text")),
        dt.datetime,
    ),
    Case(
        "datetime_aware", "datetime, aware (+02:00)",
        lambda: dt.datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        _all(
            EXACT, falkordb=refused("pass dt.isoformat() or a datetime field"), age=conv("ISO text (str), offset kept", lambda v: v.isoformat()),
            arcadedb=conv("naive UTC (the offset is dropped, the instant kept)", lambda v: v.astimezone(dt.UTC).replace(tzinfo=None)),
        ),
        _all(stored("stored as ISO text, offset kept")),
        dt.datetime,
    ),
    Case(
        "date", "date", lambda: dt.date(2024, 1, 2),
        _all(EXACT, falkordb=refused("pass d.isoformat() or a date field"), age=conv("ISO text (str)", lambda v: v.isoformat())),
        _all(stored("stored as ISO text")),
        dt.date,
    ),
    Case(
        "time", "time", lambda: dt.time(3, 4, 5, 6),
        _all(EXACT, falkordb=refused("pass t.isoformat() or a time field"), age=conv("ISO text (str)", lambda v: v.isoformat())),
        _all(stored("stored as ISO text")),
        dt.time,
    ),
    Case(
        "timedelta", "timedelta", lambda: dt.timedelta(days=1, seconds=5, microseconds=7),
        _all(EXACT, falkordb=refused("pass total seconds or a timedelta field"), age=refused("pass total seconds or a timedelta field")),
        _all(stored("stored as whole microseconds (int)")),
        dt.timedelta,
    ),
    Case(
        "pd_timestamp", "pandas Timestamp (ns)", lambda: pd.Timestamp("2024-01-02T03:04:05.123456789"),
        _all(
            conv("datetime (nanoseconds dropped)", lambda v: v.to_pydatetime(warn=False)),
            falkordb=refused("pass ts.isoformat() or a Timestamp field"),
            age=conv("ISO text (str), nanoseconds kept", lambda v: v.isoformat()),
        ),
        _all(stored("stored as ISO text")),
        pd.Timestamp,
    ),
    Case("pd_na", "pandas NA", lambda: pd.NA, _all(conv("None (null)", lambda v: None)), _all(conv("None (null)", lambda v: None)), int),
    Case("pd_nat", "pandas NaT", lambda: pd.NaT, _all(conv("None (null)", lambda v: None)), _all(conv("None (null)", lambda v: None)), dt.datetime),
    Case(
        "np_int", "numpy int64 scalar", lambda: np.int64(7),
        _all(conv("int", lambda v: v.item())), _all(conv("int (on assignment)", lambda v: v.item())), int,
    ),
    Case(
        "np_float", "numpy float64 scalar", lambda: np.float64(0.5),
        _all(conv("float", lambda v: v.item())), _all(conv("float (on assignment)", lambda v: v.item())), float,
    ),
    Case(
        "np_datetime64", "numpy datetime64", lambda: np.datetime64("2024-01-02T03:04:05.123456"),
        _all(conv("datetime", lambda v: v.item()), falkordb=refused("pass str(value) or a datetime"), age=refused("pass str(value) or a datetime")),
        _all(refused("on assignment to a datetime field: pass value.item() or pandas.Timestamp(value)", FieldValidationError)),
        dt.datetime,
    ),
    Case(
        "np_array", "numpy array", lambda: np.array([1.5, 2.5]),
        _all(conv("list", lambda v: v.tolist())), _all(stored("stored as a list")), np.ndarray,
    ),
    Case("list", "list of ints", lambda: [1, 2, 3], _all(EXACT), _all(EXACT), list[int]),
    Case(
        "list_mixed", "list, mixed and nested", lambda: [1, "a", [2.5]],
        _all(EXACT, neo4j=refused("store a list of one type", QueryError)),
        _all(EXACT, neo4j=refused("store a list of one type", QueryError)),
        list,
    ),
    Case(
        "dict", "dict, nested", lambda: {"a": 1, "b": {"c": [1, 2]}},
        _all(refused("server: no maps as property values — use a dict field", QueryError), age=EXACT, memgraph=EXACT),
        _all(stored("stored as JSON text")),
        dict,
    ),
    Case(
        "vector", "Vector", lambda: Vector([0.1, 0.25]),
        _all(conv("list of floats", lambda v: list(v))),
        _all(EXACT, falkordb=conv("32-bit floats (vecf32)", lambda v: Vector([_F32, 0.25]))),
        Vector,
    ),
    Case(
        "geo", "GeoLocation", lambda: GeoLocation(45.5, -73.25),
        _all(refused("pass {'latitude': …, 'longitude': …} or a GeoLocation field")),
        _all(EXACT),
        GeoLocation,
    ),
]



def render_table() -> str:
    """The Markdown tables (raw parameters, then model fields) the doc must contain."""
    out = []
    for part, title in (("raw", "As a raw query parameter (`driver.execute`)"), ("field", "As a model field (`Session`)")):
        out.append(f"### {title}\n")
        out.append("| Python value | " + " | ".join(TITLES[b] for b in BACKENDS) + " |")
        out.append("|---" * (len(BACKENDS) + 1) + "|")
        for case in CASES:
            cells = getattr(case, part)
            out.append(f"| {case.title} | " + " | ".join(cells[b].cell() for b in BACKENDS) + " |")
        out.append("")
    return "\n".join(out)


def rewrite_doc(path: str = "docs/type-fidelity.md") -> None:
    """Put ``render_table()`` between the doc's markers (``python tests/type_fidelity_cases.py``)."""
    start, end = "<!-- fidelity-table:start -->", "<!-- fidelity-table:end -->"
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(f"{head}{start}\n{render_table().strip()}\n{end}{tail}")


if __name__ == "__main__":
    rewrite_doc()

"""Progress and interrupts of a fetch: rows per second while rows arrive, a true count when stopped.

``FetchProgress`` is the ``progress(rows)`` callback a driver calls while a result's rows
arrive (the Bolt drivers every ``PROGRESS_EVERY`` rows; FalkorDB and AGE deliver a reply
in one piece, so it hears of their rows once, when they are in). Once the fetch has run
longer than ``PROGRESS_AFTER_S`` it shows a bar — "fetching rows: 250,000 rows [00:04,
61,000 rows/s]" — and when it closes the bar leaves that line behind.

An interrupt (Ctrl-C, a kernel interrupt) during the fetch ends as ``FetchInterrupted``:
the drivers that stream count the rows that had arrived; for the others ``interrupted``
turns the bare ``KeyboardInterrupt`` into one with the count this callback last heard
(0 while the reply was still on its way).
"""

from __future__ import annotations

import inspect
import time
from typing import Any, Self

from runic.ogm.exceptions import FetchInterrupted
from runic.progress import progress_bar

__all__ = ["PROGRESS_AFTER_S", "FetchProgress", "accepts_progress", "interrupted"]

#: a fetch running longer than this shows its bar
PROGRESS_AFTER_S = 1.0

_ACCEPTS: dict[tuple[type, str], bool] = {}


def accepts_progress(driver: Any, method: str) -> bool:
    """Does ``driver.<method>`` take a ``progress=`` callback? (asked once per class)"""
    key = (type(driver), method)
    if key not in _ACCEPTS:
        try:
            params = inspect.signature(getattr(driver, method)).parameters
        except (TypeError, ValueError, AttributeError):
            params = {}
        _ACCEPTS[key] = "progress" in params
    return _ACCEPTS[key]


class FetchProgress:
    """The ``progress(rows)`` callback of one fetch, and its bar once the fetch is slow."""

    def __init__(self, desc: str = "fetching rows", *, show: bool = True, total: int | None = None, after_s: float | None = None) -> None:
        self.desc = desc
        self.show = show
        self.total = total
        self.after_s = PROGRESS_AFTER_S if after_s is None else after_s
        #: rows heard of so far
        self.rows = 0
        self.started = time.monotonic()
        self.bar: Any = None

    def __call__(self, rows: int) -> None:
        self.rows = rows
        if not self.show:
            return
        if self.bar is None:
            if time.monotonic() - self.started <= self.after_s:
                return
            self.bar = progress_bar(self.total, self.desc, unit="rows", show=True, unit_scale=False)
            # rows/s counted from the start of the fetch (on the bar's own clock)
            self.bar.start_t = self.bar.last_print_t = self.bar._time() - (time.monotonic() - self.started)
        self.bar.update(rows - self.bar.n)

    @property
    def rate(self) -> float:
        """Rows per second so far."""
        elapsed = time.monotonic() - self.started
        return self.rows / elapsed if elapsed > 0 else 0.0

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def interrupted(exc: KeyboardInterrupt, progress: FetchProgress, backend: str | None) -> FetchInterrupted:
    """``exc`` as a ``FetchInterrupted`` that counts the rows that had arrived."""
    if isinstance(exc, FetchInterrupted):
        return exc
    rows = progress.rows
    where = f" on {backend}" if backend else ""
    when = f"after {rows:,} rows had arrived; they are dropped" if rows else "before its rows arrived (0 rows fetched)"
    return FetchInterrupted(
        f"the query{where} was interrupted {when}",
        hint="add a LIMIT, or a timeout to stop long queries on the server",
        rows_fetched=rows,
        backend=backend,
    )

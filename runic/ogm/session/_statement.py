"""``Statement``: one Cypher statement the core asks a shell to send."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from runic.ogm.driver.result import GraphResult

__all__ = ["Statement"]


class Statement:
    """Cypher text, its parameters and what to do with the answer.

    ``params`` may be computed late (``params_fn``): a flush step can refer to database ids
    that only an earlier statement of the same flush returns. ``on_result(result)`` feeds
    the answer back to the core (and may raise, e.g. EntityNotFoundError); its return value
    is the statement's value for the caller.
    """

    __slots__ = ("_params", "_params_fn", "cypher", "on_result", "rows", "step", "write")

    def __init__(
        self,
        cypher: str,
        params: dict[str, Any] | None = None,
        on_result: Callable[[GraphResult], Any] | None = None,
        *,
        params_fn: Callable[[], dict[str, Any]] | None = None,
        step: str = "query",
        rows: int = 0,
        write: bool = False,
    ) -> None:
        self.cypher = cypher
        self._params = params
        self._params_fn = params_fn
        self.on_result = on_result
        self.step = step
        self.rows = rows
        self.write = write

    @property
    def params(self) -> dict[str, Any]:
        if self._params is None:
            self._params = self._params_fn() if self._params_fn is not None else {}
        return self._params

    def finish(self, result: GraphResult) -> Any:
        return self.on_result(result) if self.on_result is not None else result

    def __iter__(self):  # ``cypher, params = statement``
        yield self.cypher
        yield self.params

    def __repr__(self) -> str:
        return f"<Statement {self.step} rows={self.rows}: {self.cypher[:120]!r}>"

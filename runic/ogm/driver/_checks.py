"""Checks every driver makes on a call's arguments before anything is sent (no I/O).

One wording for every backend: a query that is not text or holds broken unicode, params
that are not a mapping, a timeout that is not a usable number of seconds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from runic.ogm.exceptions import QueryError

__all__ = ["check_params", "check_query", "check_timeout"]


def check_query(query: Any, backend: str) -> str:
    """``query`` if it is text that can be sent as UTF-8, else ``TypeError`` / ``QueryError``."""
    if not isinstance(query, str):
        raise TypeError(f"query must be a str, got {type(query).__name__}")
    try:
        query.encode("utf-8")
    except UnicodeEncodeError as exc:
        where = exc.start
        line = query.count("\n", 0, where) + 1
        raise QueryError(
            f"the query holds {query[where]!r} at position {where} (line {line}), a lone surrogate — "
            "a label, type, property name or literal in it is not valid unicode; nothing was sent",
            query=query, backend=backend, position=where, line=line,
            hint="fix the text's encoding (e.g. decode the source bytes as UTF-8) or remove that character",
        ) from None
    return query


def check_params(params: Any) -> Mapping[str, Any] | None:
    """``params`` if it is ``None`` or a mapping of names to values, else ``TypeError``."""
    if params is not None and not isinstance(params, Mapping):
        raise TypeError(
            f"params must be a mapping of parameter names to values, got {type(params).__name__} — "
            "Cypher parameters are named: pass {'name': value} for $name"
        )
    return params


def check_timeout(value: Any) -> float | None:
    """``value`` if it is ``None`` or a finite number of seconds above 0, else ``ValueError``."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise ValueError(
            f"timeout={value!r} must be a finite number of seconds greater than 0 (or None for no limit)"
        )
    return value

"""Data operations of migrations as flows: batched, measured, with no I/O of their own.

Each function returns a flow (``_flow``) that yields the statements to run and receives
their results; ``GraphOperations`` drives them on the adapter's driver. Labels and
property names are validated and quoted by the dialect; values travel as parameters.
A ``progress`` callback gets the number of entities each batch touched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from runic.cypher import validate_identifier

from ._flow import Flow, Query

__all__ = ["count_flow", "relabel_flow", "rename_property_flow", "seed_flow"]

Progress = Callable[[int], None]


def _count(result: Any) -> int:
    rows = list(result.rows) if result is not None else []
    return int(rows[0][0] or 0) if rows else 0


def _batch(batch: int) -> int:
    if isinstance(batch, bool) or not isinstance(batch, int) or batch <= 0:
        raise ValueError(f"batch={batch!r} must be a positive int")
    return batch


def count_flow(dialect: Any, label: str, prop: str | None = None) -> Flow:
    """How many nodes of ``label`` (holding ``prop`` when given)."""
    validate_identifier(label, "node label")
    where = f" WHERE {dialect.property_ref('n', prop)} IS NOT NULL" if prop else ""
    result = yield Query(f"MATCH (n{dialect.label_pattern(label)}){where} RETURN count(n)", {}, True)
    return _count(result)


def _ids_then_batches(dialect: Any, match: str, where: str, change: str, batch: int, progress: Progress | None) -> Flow:
    """Read the ids of the entities to change in one pass, then change them ``batch`` ids at a time.

    Each batch finds its nodes by id (a seek, not a scan), so the whole run stays linear
    in the number of nodes; ``where`` is checked again so a node changed meanwhile is skipped."""
    size = _batch(batch)
    ident = dialect.id_function("n")
    result = yield Query(f"MATCH {match} WHERE {where} RETURN {ident}", {}, True)
    ids = [row[0] for row in result.rows]
    total = 0
    query = f"UNWIND $ids AS i MATCH {match} WHERE {ident} = i AND {where} {change} RETURN count(n)"
    for start in range(0, len(ids), size):
        changed = _count((yield Query(query, {"ids": ids[start : start + size]})))
        if progress is not None and changed:
            progress(changed)
        total += changed
    return total


def rename_property_flow(dialect: Any, label: str, old: str, new: str, batch: int = 10_000, progress: Progress | None = None) -> Flow:
    """Move ``old`` to ``new`` on every node of ``label``, ``batch`` nodes per statement.

    Nodes that already hold ``new`` keep it and their ``old`` value. Returns how many
    nodes were changed."""
    for name, what in ((label, "node label"), (old, "property name"), (new, "property name")):
        validate_identifier(name, what)
    n_old, n_new = dialect.property_ref("n", old), dialect.property_ref("n", new)
    return (
        yield from _ids_then_batches(
            dialect,
            f"(n{dialect.label_pattern(label)})",
            f"{n_old} IS NOT NULL AND {n_new} IS NULL",
            f"SET {n_new} = {n_old} REMOVE {n_old}",
            batch,
            progress,
        )
    )


def relabel_flow(dialect: Any, old: str, new: str, batch: int = 10_000, progress: Progress | None = None) -> Flow:
    """Give every node of label ``old`` the label ``new`` instead, ``batch`` per statement."""
    validate_identifier(old, "node label")
    validate_identifier(new, "node label")
    return (
        yield from _ids_then_batches(
            dialect,
            f"(n{dialect.label_pattern(old)})",
            "true",
            f"SET n{dialect.label_pattern(new)} REMOVE n{dialect.label_pattern(old)}",
            batch,
            progress,
        )
    )


def seed_flow(merge_query: str, rows: Sequence[dict[str, Any]], batch: int = 1_000, progress: Progress | None = None, *, batched_merge: bool = True) -> Flow:
    """``UNWIND $rows AS row <merge_query>`` over ``rows``, ``batch`` rows per statement.

    ``batched_merge=False`` (the dialect says a ``MERGE`` inside ``UNWIND`` keeps only the
    first row's ``SET``: AGE) sends one row per statement."""
    if not isinstance(merge_query, str) or not merge_query.strip():
        raise ValueError("seed() needs a Cypher fragment after 'UNWIND $rows AS row', e.g. \"MERGE (c:Country {code: row.code})\"")
    size = _batch(batch) if batched_merge else 1
    rows = list(rows)
    query = f"UNWIND $rows AS row {merge_query}"
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        yield Query(query, {"rows": chunk})
        if progress is not None:
            progress(len(chunk))
    return len(rows)

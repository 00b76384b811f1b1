"""Bulk writes outside the unit of work: rows → batched statements, run as a flow.

One engine serves ``Session.bulk_save`` / ``AsyncSession.bulk_save`` and the notebook's
``from_dataframe`` / ``from_networkx``. Rows stream: a batch of ``batch_size`` rows is
encoded, written and dropped before the next is read, so memory stays flat.

A batch is a contiguous range of rows written by one statement per property signature
(the names a row sets), committed together on a transactional backend.

- **Fresh nodes** (no key, or a generated key the row did not carry) are ``CREATE``d.
- **Keyed nodes** are merged on the key, backed by an index on ``(label, key)`` that the
  runner creates before the first batch. FalkorDB's ``MERGE`` finds nodes through that
  index; elsewhere (``dialect.merge_uses_index`` false) the batch first looks the keys up
  with an indexed ``MATCH``, then ``SET``s the nodes that exist and ``CREATE``s the rest.
- **Edges** find their endpoints by element id or by an indexed key.

``bulk_save_flow`` is the conversation, a flow like the session's others (``_flows``): it
yields the driver calls to make and the session runs it, with or without ``await``. An
error or an interrupt ends it with ``BulkWriteError`` counting the rows the database holds.
"""

from __future__ import annotations

import logging
import signal
import threading
import uuid
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from runic.ogm.exceptions import (
    BulkWriteError,
    BulkWriteInterrupted,
    FieldValidationError,
    did_you_mean,
)
from runic.ogm.mapper.mapper import create_labels, hashable_key, is_edge_model

from ._assign import set_assignments
from ._flows import Call, Flow
from ._statement import Statement

if TYPE_CHECKING:  # pragma: no cover
    from ._core import SessionCore

log = logging.getLogger("runic.session")

__all__ = ["BulkSave", "EdgeRows", "bulk_save_flow", "deferred_interrupts"]


@dataclass(frozen=True)
class EdgeRows:
    """Target of a bulk write of edges without a model: ``bulk_save(EdgeRows("KNOWS"), rows)``.

    Each row carries ``source`` and ``target`` — the endpoints' element ids, or with
    ``by="prop"`` their values of that property (an index on it is made first) — and the
    edge's properties. ``source_labels`` / ``target_labels`` narrow the endpoint match
    (needed with ``by``). Edges are created."""

    type: str
    source_labels: tuple[str, ...] = ()
    target_labels: tuple[str, ...] = ()
    by: str | None = None


#: marks an encoded row whose key was generated here (the database never saw it)
_FRESH = "\0fresh"


class _Group:
    """Rows of one batch that set the same property names: one statement."""

    __slots__ = ("names", "rows")

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        self.rows: list[dict[str, Any]] = []


class BulkSave:
    """One bulk write: its target, its statements and how far it got."""

    def __init__(
        self,
        core: SessionCore,
        target: Any,
        rows: Iterable[Any],
        *,
        key: str | None,
        batch_size: int,
        on_ids: Callable[[list[tuple[int, Any]]], Any] | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size={batch_size!r} must be at least 1")
        self.core = core
        self.dialect = core.dialect
        self.mapper = core.mapper
        self.rows = rows
        self.total_rows: int | None = len(rows) if hasattr(rows, "__len__") else None  # type: ignore[arg-type]
        self.batch_size = batch_size
        self.on_ids = on_ids
        #: rows the database holds after the batches that committed
        self.committed_rows = 0
        self.batches_committed = 0
        #: rows read from the input so far (the failing batch ends here)
        self.read_rows = 0
        self.model: type | None = None
        self.edge_rows: EdgeRows | None = None
        self.fields: dict[str, Any] = {}
        self.generated_pk: str | None = None
        self.generated_key = False
        self.key: str | None = key
        self.label_props: dict[str, Any] = {}
        if isinstance(target, EdgeRows):
            self.edge_rows = target
            self.edge = True
            self.name = f"{target.type} edges"
            self.key = None
            return
        if isinstance(target, str):
            target = (target,)
        if isinstance(target, tuple):
            if not target or not all(isinstance(t, str) and t for t in target):
                raise TypeError(f"bulk_save() takes a model class, a label or a tuple of labels, got {target!r}")
            self.labels: tuple[str, ...] = target
            self.edge = False
            self.name = ":".join(target)
            self.label_props = dict(self.dialect.label_properties(target)) if len(target) > 1 else {}
            return
        if not isinstance(target, type):
            raise TypeError(f"bulk_save() takes a model class, a label or a tuple of labels, got {target!r}")
        model = target
        self.model = model
        self.name = model.__name__
        self.edge = is_edge_model(model)
        fields = self.mapper.property_fields(model)
        self.fields = fields
        pk = None if self.edge else self.mapper.pk_name(model)
        if key is None and not self.edge and not self.mapper.has_database_key(model):
            key = pk
        self.key = key
        if key is not None and key not in fields:
            raise TypeError(f"bulk_save(key={key!r}): {model.__name__} has no such stored field — {did_you_mean(key, fields) or 'pick one of ' + ', '.join(fields)}")
        if not self.edge:
            self.labels = tuple(create_labels(model))
            self.label_props = dict(self.dialect.label_properties(self.labels))
        pk_info = fields.get(pk) if pk is not None else None
        #: a generated primary key the rows do not carry: new nodes get one, existing keep theirs
        self.generated_pk = pk if pk != key and getattr(pk_info, "generated", False) == "uuid" else None
        #: a key the database never saw when the row lacks it: such rows are created
        self.generated_key = key is not None and getattr(fields[key], "generated", False) == "uuid"

    # -- what the runner prepares -----------------------------------------------------------------
    def required_indexes(self) -> list[Any]:
        """Indexes the merges and endpoint matches rely on (the runner makes missing ones)."""
        from runic.ogm.schema.index_manager import IndexSpec

        if self.edge_rows is not None:
            er = self.edge_rows
            if er.by is None:
                return []
            labels = {lbl[0] for lbl in (er.source_labels, er.target_labels) if lbl}
            return [IndexSpec(label, er.by) for label in sorted(labels)]
        if self.edge:
            from runic.ogm.core.metadata import get_metadata
            from runic.ogm.mapper.mapper import node_labels

            meta = get_metadata().get_edge_meta(self.model)
            specs = []
            for end in (getattr(meta, "source_model", None), getattr(meta, "target_model", None)):
                if isinstance(end, type) and not self.mapper.has_database_key(end):
                    spec = IndexSpec(node_labels(self.mapper.root_class(end))[0], self.mapper.pk_name(end))
                    if spec not in specs:
                        specs.append(spec)
            return specs
        if self.key is None:
            return []
        if self.model is not None:  # the model's own declaration of the key (a primary key is unique)
            from runic.ogm.schema.index_manager import extract_declared_specs

            for spec in extract_declared_specs(self.model):
                if spec.field == self.key and spec.index_type == "exact" and spec.entity == "node":
                    return [spec]
        return [IndexSpec(self.labels[0], self.key)]

    # -- rows -------------------------------------------------------------------------------------
    def _encode(self, row: Any, index: int) -> dict[str, Any]:
        if not isinstance(row, dict):
            row = dict(row)
        if self.model is None:
            if self.key is not None and row.get(self.key) is None:
                raise ValueError(f"bulk write of {self.name}: row {index} has no value for the key {self.key!r} — give every row its key")
            return row
        out: dict[str, Any] = {}
        model = self.model
        fields = self.fields
        for name, value in row.items():
            if self.edge and name in ("source", "target"):
                out[name] = value
                continue
            info = fields.get(name)
            if info is None:
                raise TypeError(f"bulk_save(): row {index} has {name!r}, which {model.__name__} does not declare — {did_you_mean(name, fields) or 'fields: ' + ', '.join(fields)}")
            out[name] = info.to_db(value) if value is not None else None
        key = self.key
        if key is not None and out.get(key) is None:
            if self.generated_key:
                out[key] = str(uuid.uuid4())
                out[_FRESH] = True
            else:
                raise FieldValidationError(
                    f"bulk_save(): row {index} has no value for the key {model.__name__}.{key}",
                    model=model,
                    field=key,
                    value=None,
                    rule="required",
                    hint="give every row its key, or pass key=... naming a field every row has",
                )
        return out

    def batches(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        """``(first row index, encoded rows)`` of each batch, read lazily from the input."""
        buf: list[dict[str, Any]] = []
        start = 0
        size = self.batch_size
        for index, row in enumerate(self.rows):
            buf.append(self._encode(row, index))
            if len(buf) == size:
                self.read_rows = index + 1
                yield start, buf
                start = index + 1
                buf = []
        if buf:
            self.read_rows = start + len(buf)
            yield start, buf
        if self.total_rows is None:
            self.total_rows = self.read_rows

    # -- statements ---------------------------------------------------------------------------------
    def _groups(self, start: int, rows: list[dict[str, Any]], skip: frozenset[str] = frozenset()) -> list[_Group]:
        groups: dict[tuple[str, ...], _Group] = {}
        for offset, row in enumerate(rows):
            names = tuple(n for n, v in row.items() if v is not None and n not in skip and not n.startswith("\0"))
            group = groups.get(names)
            if group is None:
                group = groups[names] = _Group(names)
            r = {f"p{j}": row[n] for j, n in enumerate(names)}
            r["\0i"] = start + offset
            r["\0row"] = row
            group.rows.append(r)
        return list(groups.values())

    def _params(self, group: _Group, extra: Callable[[dict[str, Any], dict[str, Any]], None] | None = None) -> list[dict[str, Any]]:
        out = []
        for r in group.rows:
            p = {k: v for k, v in r.items() if not k.startswith("\0")}
            if extra is not None:
                extra(p, r["\0row"])
            out.append(p)
        return out

    def _ref(self, name: str, expr: str) -> str:
        return self.dialect.param_ref(expr, self.fields.get(name))

    def _create_map(self, names: Iterable[str], extra: Iterable[tuple[str, str]] = ()) -> str:
        q = self.dialect.quote
        items = [f"{q(n)}: {self._ref(n, f'row.p{j}')}" for j, n in enumerate(names)]
        items += [f"{q(n)}: {expr}" for n, expr in extra]
        return f" {{{', '.join(items)}}}" if items else ""

    def statements(self, start: int, rows: list[dict[str, Any]]) -> Generator[Statement, Any, None]:
        """The statements writing one batch; a lookup's answer arrives through ``send``."""
        if self.edge_rows is not None:
            yield from self._edge_rows_statements(start, rows)
        elif self.edge:
            yield from self._model_edge_statements(start, rows)
        elif self.key is None:
            yield from self._create_statements(start, rows)
        else:
            yield from self._merge_statements(start, rows)

    def _label_extra(self) -> list[tuple[str, str]]:
        return [(name, f"row.l{j}") for j, name in enumerate(self.label_props)]

    def _add_label_params(self, p: dict[str, Any], row: dict[str, Any]) -> None:
        for j, value in enumerate(self.label_props.values()):
            p[f"l{j}"] = value

    def _create_statements(self, start: int, rows: list[dict[str, Any]]) -> Iterator[Statement]:
        """One ``CREATE`` for the batch: the rows travel as they are, read by name.

        CREATE stores no null property (on every backend), so rows setting different names
        share the statement; a name a row lacks reads as null."""
        d = self.dialect
        names: dict[str, None] = {}
        seen = names.keys()
        for row in rows:
            if not row.keys() <= seen:
                names.update(dict.fromkeys(row))
        names.pop(_FRESH, None)
        refs = [(n, self._ref(n, d.property_ref("row", n))) for n in names]
        extra: dict[str, Any] = {}
        for j, (name, value) in enumerate(self.label_props.items()):
            refs.append((name, f"row.__l{j}"))
            extra[f"__l{j}"] = value
        pk = self.generated_pk
        fill_pk = pk is not None and pk in names
        if pk is not None and not fill_pk:
            refs.append((pk, "row.__g"))
        want_ids = self.on_ids is not None
        if extra or pk is not None or want_ids or self.generated_key:
            params = []
            for offset, row in enumerate(rows):
                p = {k: v for k, v in row.items() if k != _FRESH}
                p.update(extra)
                if pk is not None:
                    if not fill_pk:
                        p["__g"] = str(uuid.uuid4())
                    elif p.get(pk) is None:
                        p[pk] = str(uuid.uuid4())
                if want_ids:
                    p["__i"] = start + offset
                params.append(p)
        else:
            params = rows
        ret = f"RETURN row.__i, {d.id_function('n')}" if want_ids else "RETURN count(n)"
        cypher = f"UNWIND $rows AS row {d.create_node_pattern(self.labels, refs)} {ret}"
        yield Statement(cypher, {"rows": params}, self._on_created if want_ids else None, step="bulk", rows=len(params), write=True)

    def _on_created(self, result: Any) -> int:
        pairs = [(i, element_id) for i, element_id in result.rows]
        if self.on_ids is not None:
            self.on_ids(pairs)
        return len(pairs)

    def _merge_statements(self, start: int, rows: list[dict[str, Any]]) -> Generator[Statement, Any, None]:
        key = self.key
        assert key is not None
        fresh = [r for r in rows if _FRESH in r]
        keyed = _dedupe([r for r in rows if _FRESH not in r], key) if len(fresh) < len(rows) else []
        if fresh:
            yield from self._create_statements(start, fresh)
        if not keyed:
            return
        d = self.dialect
        q = d.quote
        labels = d.label_pattern(self.labels)
        if getattr(d, "merge_uses_index", False):
            for group in self._groups(start, keyed, frozenset((key,))):
                sets = self._set_clause(group.names)
                cypher = f"UNWIND $rows AS row MERGE (n{labels} {{{q(key)}: {self._ref(key, 'row.k')}}}){sets} RETURN count(n)"
                params = self._params(group, self._merge_params)
                yield Statement(cypher, {"rows": params}, None, step="bulk", rows=len(params), write=True)
            return
        # look the keys up through the index, then update the nodes found and create the rest
        match = f"MATCH (n{labels}) WHERE {d.property_ref('n', key)} = {self._ref(key, 'row.k')}"
        keys = [{"k": r[key]} for r in keyed]  # maps, not scalars: PostgreSQL (AGE) joins those through the index
        found = yield Statement(f"UNWIND $rows AS row {match} RETURN row.k", {"rows": keys}, _column, step="bulk lookup", rows=0, write=False)
        existing = {hashable_key(k) for k in found}
        old = [r for r in keyed if hashable_key(r[key]) in existing]
        new = [r for r in keyed if hashable_key(r[key]) not in existing]
        for group in self._groups(start, old, frozenset((key,))):
            sets = self._set_clause(group.names)
            if not sets:
                continue
            cypher = f"UNWIND $rows AS row MATCH (n{labels}) WHERE {d.property_ref('n', key)} = {self._ref(key, 'row.k')}{sets} RETURN count(n)"
            params = self._params(group, self._merge_params)
            yield Statement(cypher, {"rows": params}, None, step="bulk", rows=len(params), write=True)
        if new:
            yield from self._create_statements(start, new)

    def _merge_params(self, p: dict[str, Any], row: dict[str, Any]) -> None:
        p["k"] = row[self.key]  # type: ignore[index]
        if self.generated_pk is not None:
            p["g"] = str(uuid.uuid4())
        self._add_label_params(p, row)

    def _set_clause(self, names: tuple[str, ...]) -> str:
        d = self.dialect
        assignments = [(n, self._ref(n, f"row.p{j}")) for j, n in enumerate(names)]
        if self.generated_pk is not None and self.generated_pk not in names:
            pk = self.generated_pk
            assignments.append((pk, f"coalesce({d.property_ref('n', pk)}, row.g)"))
        assignments += [(name, f"row.l{j}") for j, name in enumerate(self.label_props)]
        sets = set_assignments(d, "n", assignments)
        return f" SET {sets}" if sets else ""

    def _edge_rows_statements(self, start: int, rows: list[dict[str, Any]]) -> Iterator[Statement]:
        er = self.edge_rows
        assert er is not None
        d = self.dialect
        q = d.quote

        def endpoint(alias: str, labels: tuple[str, ...], expr: str) -> str:
            pattern = f"({alias}{d.label_pattern(labels) if labels else ''})"
            if er.by is None:
                return f"MATCH {pattern} WHERE {d.id_function(alias)} = {d.id_param(expr)}"
            return f"MATCH {pattern} WHERE {d.property_ref(alias, er.by)} = {expr}"

        for group in self._groups(start, rows, frozenset(("source", "target"))):
            params = self._params(group, _endpoints)
            cypher = (
                f"UNWIND $rows AS row {endpoint('a', er.source_labels, 'row.s')} {endpoint('b', er.target_labels, 'row.t')} "
                f"CREATE (a)-[n:{q(er.type)}{self._create_map(group.names)}]->(b) RETURN count(n)"
            )
            yield Statement(cypher, {"rows": params}, _count, step="bulk", rows=len(params), write=True)

    def _model_edge_statements(self, start: int, rows: list[dict[str, Any]]) -> Iterator[Statement]:
        """Edges of a model, their endpoints found by key; merged on the edge key (or the pair)."""
        from runic.ogm.core.metadata import get_metadata

        assert self.model is not None
        d = self.dialect
        q = d.quote
        meta = get_metadata().get_edge_meta(self.model)
        src = getattr(meta, "source_model", None)
        dst = getattr(meta, "target_model", None)
        if not isinstance(src, type) or not isinstance(dst, type):
            raise TypeError(f"bulk_save() of {self.model.__name__} edges needs its source and target classes declared (source: Person, target: Movie)")
        # AGE drops the writes of all but the first row a MERGE inside UNWIND creates: one row each
        batched = getattr(d, "batched_merge", True)
        row = "row." if batched else "$"
        unwind = "UNWIND $rows AS row " if batched else ""
        a_pattern, a_cond = self.core.match_node("a", src, f"{row}s", anchor_only=True)
        b_pattern, b_cond = self.core.match_node("b", dst, f"{row}t", anchor_only=True)
        key = f" {{{q(self.key)}: {row}k}}" if self.key is not None else ""
        for group in self._groups(start, rows, frozenset(("source", "target") + ((self.key,) if self.key else ()))):
            assignments = [(n, self._ref(n, f"{row}p{j}")) for j, n in enumerate(group.names)]
            sets = set_assignments(d, "n", assignments)
            set_clause = f" SET {sets}" if sets else ""
            head = f"{unwind}MATCH {a_pattern} WHERE {a_cond} MATCH {b_pattern} WHERE {b_cond} "

            def add(p: dict[str, Any], r: dict[str, Any]) -> None:
                _endpoints(p, r)
                if self.key is not None:
                    p["k"] = r.get(self.key)

            params = self._params(group, add)
            if batched:
                cypher = f"{head}MERGE (a)-[n:{q(self.model.__type__)}{key}]->(b){set_clause} RETURN count(n)"
                yield Statement(cypher, {"rows": params}, _count, step="bulk", rows=len(params), write=True)
                continue
            merge = f"{head}MERGE (a)-[n:{q(self.model.__type__)}{key}]->(b) RETURN count(n)"
            update = f"{head}MATCH (a)-[n:{q(self.model.__type__)}{key}]->(b){set_clause} RETURN count(n)"
            for p in params:
                yield Statement(merge, p, _count, step="bulk", rows=1, write=True)
                if set_clause:
                    yield Statement(update, p, None, step="bulk", rows=0, write=True)

    # -- accounting ---------------------------------------------------------------------------------
    def failed(self, exc: BaseException, start: int, stop: int) -> BulkWriteError:
        interrupted = isinstance(exc, KeyboardInterrupt)
        cls = BulkWriteInterrupted if interrupted else BulkWriteError
        what = "was interrupted" if interrupted else f"failed: {exc.args[0] if getattr(exc, 'args', None) else exc}"
        where = f" at rows {start}–{stop - 1}" if stop > start else f" after {start} rows"
        return cls(
            f"bulk write of {self.name}{where} {what}",
            row_range=(start, stop),
            committed_rows=self.committed_rows,
            batches_committed=self.batches_committed,
            hint=f"{self.committed_rows} rows are written; fix the cause and resume with rows[{start}:]",
        )


def _dedupe(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """One row per key: a later row's values override an earlier one's (as MERGE + SET would)."""
    seen: dict[Any, dict[str, Any]] = {}
    for row in rows:
        k = hashable_key(row[key])
        if k in seen:
            seen[k].update({n: v for n, v in row.items() if v is not None})
        else:
            seen[k] = dict(row)
    return list(seen.values()) if len(seen) < len(rows) else rows


def _covers(live: Any, spec: Any) -> bool:
    """Does the live index ``live`` serve lookups that ``spec`` is wanted for?"""
    return live.label == spec.label and live.field == spec.field and live.index_type == "exact" and live.entity == spec.entity


def _endpoints(p: dict[str, Any], row: dict[str, Any]) -> None:
    p["s"] = row.get("source")
    p["t"] = row.get("target")


def _column(result: Any) -> list[Any]:
    return [r[0] for r in result.rows]


def _count(result: Any) -> int:
    rows = result.rows
    return int(rows[0][0]) if rows and rows[0] and rows[0][0] is not None else 0


# -- the flow ---------------------------------------------------------------------------------------
def bulk_save_flow(session: Any, job: BulkSave, *, progress: Callable[[int, int | None], Any] | None = None, interrupted: Callable[[], bool] = lambda: False) -> Flow:
    """The conversation of one bulk write, run by the session like its other flows.

    Makes the indexes the write relies on, then per batch: ``begin`` (transactional
    backends), the batch's statements (a lookup's answer feeds the next), ``commit``,
    ``progress(done, total)``. A failure or an interrupt (raised by ``progress``, or noted
    by ``interrupted()`` between batches) rolls the open batch back and ends the flow with
    ``BulkWriteError`` / ``BulkWriteInterrupted`` counting the rows the database holds.
    Returns the number of rows written."""
    specs = job.required_indexes()
    if specs:
        schema = session.driver.schema
        present = yield Call("list_indexes", target=schema)
        for spec in specs:
            if not any(_covers(p, spec) for p in present):
                yield Call("create_index", (spec,), target=schema)
    transactional = session.transactional
    start = stop = 0
    batches = job.batches()
    try:
        while True:
            try:
                start, rows = next(batches)
            except StopIteration:
                break
            except (TypeError, ValueError) as exc:  # a row that cannot be written
                if job.committed_rows == 0:
                    raise
                start = stop = job.committed_rows
                raise job.failed(exc, start, stop) from exc
            stop = start + len(rows)
            written = 0
            if transactional:
                session._claim_transaction()
                yield Call("begin", kwargs={"readonly": False})
                session._tx_open = True
            try:
                statements = job.statements(start, rows)
                reply = None
                while True:
                    try:
                        statement = statements.send(reply)
                    except StopIteration:
                        break
                    session._log(statement)
                    try:
                        reply = yield Call("execute", (statement.cypher, statement.params), {"readonly": False})
                    except BaseException as exc:
                        session._after_error(exc)
                        raise
                    reply = statement.finish(reply)
                    if statement.write:
                        counted = reply if statement.on_result is not None and isinstance(reply, int) else statement.rows
                        written += counted
                        if not transactional:  # each statement stands on its own
                            job.committed_rows += counted
                if transactional:
                    try:
                        yield Call("commit")
                    finally:
                        session._release_transaction()
                    job.committed_rows += written
            except BaseException:
                if transactional and session._tx_open:
                    try:
                        yield Call("rollback")
                    except BaseException as lost:  # noqa: BLE001 - the batch's own error tells the story
                        log.debug("rollback after a failed bulk batch failed too: %s", type(lost).__name__)
                    finally:
                        session._release_transaction()
                raise
            job.batches_committed += 1
            start = stop
            if progress is not None:
                progress(job.committed_rows, job.total_rows)
            if interrupted():
                raise KeyboardInterrupt
    except BulkWriteError:
        raise
    except (Exception, KeyboardInterrupt) as exc:
        raise job.failed(exc, start, stop) from exc
    return job.committed_rows


@contextmanager
def deferred_interrupts() -> Iterator[Callable[[], bool]]:
    """Hold Ctrl-C / a kernel interrupt until the batch in flight is done.

    Inside, SIGINT only sets a flag (read with the yielded function); the runner stops after
    the batch, so the count of rows written stays true. Outside the main thread, or where
    SIGINT is not Python's, nothing changes."""
    hit = [False]
    if threading.current_thread() is not threading.main_thread():
        yield lambda: hit[0]
        return
    try:
        previous = signal.getsignal(signal.SIGINT)
    except (ValueError, OSError):  # pragma: no cover - no signals here
        yield lambda: hit[0]
        return
    if not callable(previous) or previous is signal.SIG_IGN:
        yield lambda: hit[0]
        return

    def note(signum: int, frame: Any) -> None:
        if hit[0]:  # a second interrupt: stop now
            previous(signum, frame)
        hit[0] = True

    signal.signal(signal.SIGINT, note)
    try:
        yield lambda: hit[0]
    finally:
        signal.signal(signal.SIGINT, previous)

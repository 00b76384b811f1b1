"""``bulk_save`` planning: rows → batched ``MERGE`` statements outside the unit of work."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from runic.ogm.exceptions import BulkWriteError, FieldValidationError, OrmError
from runic.ogm.mapper.mapper import create_labels, is_edge_model

from ._assign import set_assignments
from ._statement import Statement

if TYPE_CHECKING:  # pragma: no cover
    from ._core import SessionCore

__all__ = ["BulkSave"]


class BulkSave:
    """One ``bulk_save`` call: its statements and how far it got."""

    def __init__(self, core: SessionCore, model: type, rows: Iterable[Any], *, key: str | None, batch_size: int) -> None:
        self.core = core
        self.model = model
        self.mapper = core.mapper
        self.rows = [dict(r) for r in rows]
        self.total_rows = len(self.rows)
        self.batch_size = batch_size
        self.committed_rows = 0
        self.batches_committed = 0
        self._ranges: dict[int, tuple[int, int]] = {}
        self.edge = is_edge_model(model)
        fields = self.mapper.property_fields(model)
        self.fields = fields
        self.key = key or self.mapper.pk_name(model)
        if self.key is not None and self.key not in fields:
            from runic.ogm.exceptions import did_you_mean

            raise TypeError(f"bulk_save(key={self.key!r}): {model.__name__} has no such stored field — {did_you_mean(self.key, fields) or 'pick one of ' + ', '.join(fields)}")
        if not self.edge and self.key is None:
            raise TypeError(f"bulk_save() needs key=... for {model.__name__}: it has no stored primary key")
        pk = None if self.edge else self.mapper.pk_name(model)
        pk_info = fields.get(pk) if pk is not None else None
        label_properties = getattr(core.dialect, "label_properties", None)
        #: properties standing in for extra labels on one-label backends (AGE: ``_labels``)
        self.label_props = dict(label_properties(create_labels(model))) if label_properties and not self.edge else {}
        #: a generated primary key the rows do not carry: new nodes get one, existing keep theirs
        self.generated_pk = pk if pk != self.key and getattr(pk_info, "generated", False) == "uuid" else None

    def _encode(self, row: dict[str, Any], index: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        model = self.model
        for name, value in row.items():
            if name in ("source", "target") and self.edge:
                continue
            info = self.fields.get(name)
            if info is None:
                from runic.ogm.exceptions import did_you_mean

                raise TypeError(f"bulk_save(): row {index} has {name!r}, which {model.__name__} does not declare — {did_you_mean(name, self.fields) or 'fields: ' + ', '.join(self.fields)}")
            out[name] = info.to_db(value)
        if self.key is not None and out.get(self.key) is None:
            info = self.fields[self.key]
            if getattr(info, "generated", False) == "uuid":
                out[self.key] = str(uuid.uuid4())
            else:
                raise FieldValidationError(
                    f"bulk_save(): row {index} has no value for the key {model.__name__}.{self.key}",
                    model=model,
                    field=self.key,
                    value=None,
                    rule="required",
                    hint="give every row its key, or pass key=... naming a field every row has",
                )
        return out

    def batches(self) -> Iterator[list[Statement]]:
        """Yield each batch as the statements that write it (committed together).

        A batch is one ``UNWIND`` statement, or one statement per row on a backend whose
        ``MERGE … SET`` inside ``UNWIND`` loses writes (``dialect.batched_merge`` false: AGE)."""
        batched = getattr(self.core.dialect, "batched_merge", True)
        groups: dict[tuple[str, ...], list[tuple[int, dict[str, Any], dict[str, Any]]]] = {}
        for index, row in enumerate(self.rows):
            enc = self._encode(row, index)
            names = tuple(n for n, v in enc.items() if v is not None and n != self.key)
            groups.setdefault(names, []).append((index, enc, row))
        for names, items in groups.items():
            cypher = self._cypher(names, "row." if batched else "$")
            # AGE also drops a SET on an edge the same statement's MERGE created: merge, then set
            row_steps = [self._cypher((), "$"), self._cypher(names, "$", "MATCH")] if self.edge and names else [cypher]
            for start in range(0, len(items), self.batch_size):
                batch = items[start : start + self.batch_size]
                self._ranges[len(self._ranges)] = (batch[0][0], batch[-1][0] + 1)
                params_rows = [self._params_row(names, enc, row) for _, enc, row in batch]
                if batched:
                    yield [Statement(cypher, {"rows": params_rows}, None, step="bulk", rows=len(batch), write=True)]
                else:
                    yield [
                        Statement(text, r, None, step="bulk", rows=1 if i == 0 else 0, write=True)
                        for r in params_rows
                        for i, text in enumerate(row_steps)
                    ]

    def _params_row(self, names: tuple[str, ...], enc: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
        r: dict[str, Any] = {f"p{j}": enc[n] for j, n in enumerate(names)}
        if self.key is not None:
            r["k"] = enc[self.key]
        if self.generated_pk is not None and self.generated_pk not in names:
            r["g"] = str(uuid.uuid4())
        for j, value in enumerate(self.label_props.values()):
            r[f"l{j}"] = value
        if self.edge:
            r["s"] = row.get("source")
            r["t"] = row.get("target")
        return r

    def _cypher(self, names: tuple[str, ...], row: str = "row.", edge_verb: str = "MERGE") -> str:
        """The MERGE statement; ``row`` prefixes each value: ``row.`` under ``UNWIND $rows``, ``$`` for one row."""
        unwind = "UNWIND $rows AS row " if row == "row." else ""
        d = self.core.dialect
        q = d.quote
        assignments = [(n, d.param_ref(f"{row}p{j}", self.fields[n])) for j, n in enumerate(names)]
        if self.generated_pk is not None and self.generated_pk not in names:
            pk = self.generated_pk
            assignments.append((pk, f"coalesce({d.property_ref('n', pk)}, {row}g)"))
        assignments += [(name, f"{row}l{j}") for j, name in enumerate(self.label_props)]
        sets = set_assignments(d, "n", assignments)
        set_clause = f" SET {sets}" if sets else ""
        if not self.edge:
            labels = d.label_pattern(create_labels(self.model))
            return f"{unwind}MERGE (n{labels} {{{q(self.key)}: {row}k}}){set_clause} RETURN count(n)"
        from runic.ogm.core.metadata import get_metadata

        meta = get_metadata().get_edge_meta(self.model)
        src = getattr(meta, "source_model", None)
        dst = getattr(meta, "target_model", None)
        if not isinstance(src, type) or not isinstance(dst, type):
            raise TypeError(f"bulk_save() of {self.model.__name__} edges needs its source and target classes declared (source: Person, target: Movie)")
        a_pattern, a_cond = self.core.match_node("a", src, f"{row}s", anchor_only=True)
        b_pattern, b_cond = self.core.match_node("b", dst, f"{row}t", anchor_only=True)
        key = f" {{{q(self.key)}: {row}k}}" if self.key is not None else ""
        return (
            f"{unwind}MATCH {a_pattern} WHERE {a_cond} MATCH {b_pattern} WHERE {b_cond} "
            f"{edge_verb} (a)-[n:{q(self.model.__type__)}{key}]->(b){set_clause} RETURN count(n)"
        )

    def done(self, batch: list[Statement]) -> None:
        self.committed_rows += sum(statement.rows for statement in batch)
        self.batches_committed += 1

    def failed(self, exc: OrmError) -> BulkWriteError:
        start, stop = self._failed_range(exc)
        return BulkWriteError(
            f"bulk_save() of {self.model.__name__} failed at rows {start}..{stop - 1}: {exc.args[0] if exc.args else exc}",
            row_range=(start, stop),
            committed_rows=self.committed_rows,
            batches_committed=self.batches_committed,
            hint=f"{self.committed_rows} rows stay committed; fix the cause and resume with rows[{start}:]",
        )

    def _failed_range(self, exc: OrmError) -> tuple[int, int]:
        done = {i for i in range(self.batches_committed)}
        ranges = list(self._ranges.values())
        if len(ranges) > len(done):
            return ranges[len(done)]
        return (self.committed_rows, self.total_rows)

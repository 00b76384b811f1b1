"""Index and schema management: declared ``IndexSpec`` vs the live database.

``IndexManager`` creates, drops and diffs specs; ``SchemaManager`` validates the specs the
models declare against the database, syncs them and exports the state. All backend DDL
and introspection go through ``driver.schema`` (``SchemaOps``); this module only plans.

``sync()`` never drops an index unless asked: ``drop_extra=True`` (on the call or the
manager) removes live indexes no declared spec covers.
"""

from __future__ import annotations

import functools
import html
import inspect
import json
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from runic.cypher import escape_identifier
from runic.ogm.core import vector_indexes
from runic.ogm.core.metadata import get_metadata
from runic.ogm.driver.falkordb import FalkorDBDriver
from runic.ogm.exceptions import MetadataError, UnsupportedFeatureError
from runic.ogm.schema.index_manager import IndexSpec, extract_declared_specs
from runic.progress import progress_bar

__all__ = [
    "EXPORT_FORMAT",
    "IndexManager",
    "SchemaInfo",
    "SchemaManager",
    "SyncReport",
    "ValidationResult",
]

EXPORT_FORMAT = "runic.schema/1"
_SCOPES = ("graph", "models")


def _sorted(specs: Iterable[IndexSpec]) -> list[IndexSpec]:
    return sorted(specs, key=lambda s: (s.sort_key, s.dimension or 0, s.similarity or ""))


def _is_async(obj: Any) -> bool:
    """An async session or driver: its ``execute`` is a coroutine function."""
    return inspect.iscoroutinefunction(getattr(obj, "execute", None))


def _resolve_driver(target: Any) -> Any:
    """The sync driver behind a Session, a driver, an adapter or a raw falkordb graph handle."""
    if target is None:
        raise TypeError(
            "IndexManager needs a Session, a driver, or a falkordb graph handle — got None"
        )
    if _is_async(target):
        raise TypeError(
            f"{type(target).__name__} is asynchronous; schema management runs on a sync driver — "
            "create one on the same URL (create_driver(url)) and pass it instead"
        )
    driver = getattr(target, "driver", None)
    if driver is not None and hasattr(driver, "schema"):  # a Session
        if _is_async(driver):
            raise TypeError(
                f"the session's driver {type(driver).__name__} is asynchronous; schema management runs on a "
                "sync driver — create one on the same URL and pass it instead"
            )
        return driver
    if hasattr(target, "schema") and hasattr(target, "execute"):
        return target
    connection = getattr(target, "falkordb_connection", None)
    if callable(connection):  # a reference-style adapter
        db, graph = connection()
        return _wrap_graph(graph, db)
    if hasattr(target, "create_node_range_index") and hasattr(target, "name"):  # raw falkordb graph
        return _wrap_graph(target, None)
    raise TypeError(
        f"cannot manage indexes through {type(target).__name__} — pass a Session, a driver "
        "(create_driver(...)) or a falkordb graph handle"
    )


def _wrap_graph(graph: Any, db: Any) -> Any:
    if inspect.iscoroutinefunction(getattr(graph, "query", None)):
        raise TypeError(
            "an asyncio falkordb graph handle cannot be managed here — pass a sync handle or driver"
        )
    return FalkorDBDriver(graph, db)


def _graph_name(driver: Any) -> str | None:
    for attr in ("graph_name", "database", "graph"):
        value = getattr(driver, attr, None)
        if isinstance(value, str):
            return value
    return None


def _create_when_known(spec: IndexSpec, driver: Any) -> int | None:
    """Create a waiting vector index on ``driver`` if its dimension can be learned now."""
    return IndexManager(driver)._create_when_known(spec)


#: index operations above which ``progress=None`` shows a bar
PROGRESS_AUTO_ABOVE = 4

class IndexManager:
    """Creates, drops and diffs indexes on one database.

    ``IndexManager(target)``: a ``Session``, a sync driver, a reference-style adapter or a
    raw ``falkordb`` graph handle. Async sessions and drivers raise ``TypeError``.
    """

    def __init__(self, target: Any) -> None:
        self.driver = _resolve_driver(target)
        self.schema = self.driver.schema

    @property
    def backend(self) -> str:
        return getattr(self.driver, "backend", "unknown")

    # -- introspection -------------------------------------------------------------------
    def inspect(self) -> tuple[list[IndexSpec], list[str]]:
        """``(live specs, errors)``; errors are introspection problems as text."""
        try:
            specs, errors = self.schema.inspect_indexes()
        except UnsupportedFeatureError:
            raise
        except Exception as exc:  # keep validating: the failure is reported, not hidden
            return [], [f"reading the live indexes failed: {type(exc).__name__}: {exc}"]
        return _sorted(specs), list(errors)

    def live(self) -> list[IndexSpec]:
        """The live indexes as specs, sorted."""
        specs, _ = self.inspect()
        return specs

    def supports(self, spec: IndexSpec) -> bool:
        """Can the backend hold ``spec`` at all?"""
        return bool(self.schema.supports(spec))

    def can_list(self, spec: IndexSpec) -> bool:
        """Does the backend list indexes of this kind (else they cannot be verified)?"""
        return bool(self.schema.can_list(spec))

    # -- planning ----------------------------------------------------------------------------
    def diff(self, specs: Iterable[IndexSpec]) -> list[IndexSpec]:
        """Declared specs absent from the database."""
        live = self.live()
        return [
            spec for spec in _sorted(set(specs)) if not any(spec.matches(other) for other in live)
        ]

    def _check_all(self, specs: Sequence[IndexSpec], *, waiting_ok: bool = False) -> None:
        for spec in specs:
            if not isinstance(spec, IndexSpec):
                raise TypeError(f"expected IndexSpec objects, got {type(spec).__name__}")
            if not self.supports(spec):
                raise UnsupportedFeatureError(
                    self.schema.unsupported_reason(spec),
                    backend=self.backend,
                    feature=f"{spec.index_type} index",
                    hint="remove the index option from the field, or use a backend that has this index kind",
                )
            if spec.index_type == "vector" and spec.dimension is None and not waiting_ok:
                raise MetadataError(
                    f"{spec.label}.{spec.field} declares a vector index without a dimension",
                    field=spec.field,
                    hint="use Field(..., vector=True, dimension=768)",
                )

    # -- vectors without a dimension ---------------------------------------------------------------
    def learn_dimension(self, spec: IndexSpec) -> int | None:
        """The length of a vector stored in ``spec``'s field, or ``None`` when none is stored."""
        alias, name = escape_identifier("n"), escape_identifier(spec.field)
        label = escape_identifier(spec.label)
        pattern = f"({alias}:{label})" if spec.entity == "node" else f"()-[{alias}:{label}]->()"
        result = self.driver.execute(
            f"MATCH {pattern} WHERE {alias}.{name} IS NOT NULL RETURN {alias}.{name} AS v LIMIT 1", readonly=True
        )
        value = result.value("v") if result.rows else None
        return len(value) if isinstance(value, (list, tuple)) and value else None

    def _with_dimension(self, spec: IndexSpec, dimension: int) -> IndexSpec:
        return IndexSpec(
            spec.label, spec.field, "vector", dimension=dimension, similarity=spec.similarity, entity=spec.entity
        )

    def _create_when_known(self, spec: IndexSpec) -> int | None:
        dimension = self.learn_dimension(spec)
        if dimension is None:
            return None
        self.schema.create_index(self._with_dimension(spec, dimension))
        return dimension

    def _resolve_waiting(self, spec: IndexSpec, live: list[IndexSpec]) -> IndexSpec | None:
        """A dimensionless vector spec: already live, learnable from stored vectors, or deferred."""
        present = [other for other in live if spec.matches(other) and other.dimension]
        if present:
            vector_indexes.learned(self.driver, spec.label, spec.field, present[0].dimension)
            return None
        dimension = self.learn_dimension(spec)
        if dimension is not None:
            return self._with_dimension(spec, dimension)
        vector_indexes.defer(self.driver, spec.label, spec.field, functools.partial(_create_when_known, spec))
        warnings.warn(
            f"{spec.label}.{spec.field}: the vector index waits for its dimension (none declared, no vectors "
            "stored yet) — it is created after the first flush that stores one (sync Session) or by apply() "
            "again; until then vector search scans exactly. Declare Field(..., dimension=N) to create it now",
            stacklevel=3,
        )
        return None

    # -- changes -------------------------------------------------------------------------------
    def apply(self, specs: Iterable[IndexSpec], *, progress: bool | None = None) -> list[IndexSpec]:
        """Create the specs not present; return those created.

        Every spec is checked first, and nothing is created if one cannot be: a kind the
        backend cannot hold → ``UnsupportedFeatureError``. A vector index declared without
        a dimension takes the length of a stored vector; with none stored yet it waits
        (a warning says so; ``runic.ogm.core.vector_indexes`` keeps it) and is created after
        the first flush that stores one, while every other index is created now. Applying
        twice creates nothing the second time. ``progress`` shows a bar (``None``: when
        there are more than a few indexes to build).
        """
        wanted = _sorted(set(specs))
        self._check_all(wanted, waiting_ok=True)
        waiting = [s for s in wanted if s.index_type == "vector" and s.dimension is None]
        if waiting:
            live = self.live()
            resolved = [self._resolve_waiting(spec, live) for spec in waiting]
            wanted = [s for s in wanted if s not in waiting] + [s for s in resolved if s is not None]
        todo = self.diff(wanted)
        created = []
        with progress_bar(len(todo), "creating indexes", unit="index", show=progress, auto_above=PROGRESS_AUTO_ABOVE) as bar:
            for spec in todo:
                self.schema.create_index(spec)
                if spec.index_type == "vector" and spec.dimension:
                    vector_indexes.learned(self.driver, spec.label, spec.field, spec.dimension)
                created.append(spec)
                bar.update(1)
        return created

    def drop(self, specs: Iterable[IndexSpec], *, progress: bool | None = None) -> list[IndexSpec]:
        """Drop the specs present in the database; absent ones are ignored. Returns those dropped."""
        live = self.live()
        todo = []
        for spec in _sorted(set(specs)):
            present = [other for other in live if spec.matches(other)]
            if present:
                todo.append((spec, present[0]))
        dropped = []
        with progress_bar(len(todo), "dropping indexes", unit="index", show=progress, auto_above=PROGRESS_AUTO_ABOVE) as bar:
            for spec, live_spec in todo:
                self.schema.drop_index(live_spec)
                dropped.append(spec)
                bar.update(1)
        return dropped

    # -- reference wrappers -------------------------------------------------------------------
    def create_indexes(self, cls: Any, if_not_exists: bool = True) -> list[IndexSpec]:
        """Create every index ``cls`` declares (reference name; existing ones are kept)."""
        specs = extract_declared_specs(cls)
        if not if_not_exists:
            self._check_all(specs)
            for spec in specs:
                self.schema.create_index(spec)
            return specs
        return self.apply(specs)

    def ensure_indexes(self, cls: Any) -> list[IndexSpec]:
        """Create the missing indexes ``cls`` declares (reference name)."""
        return self.apply(extract_declared_specs(cls))

    def create_spec(self, spec: IndexSpec) -> None:
        """Create one spec (reference name)."""
        self.apply([spec])

    def drop_spec(self, spec: IndexSpec) -> None:
        """Drop one spec (reference name)."""
        self.drop([spec])

    def __repr__(self) -> str:
        return f"<IndexManager {getattr(self.driver, 'url', self.backend)}>"


# -- results ----------------------------------------------------------------------------------
_STATUS_ORDER = {"ok": 0, "missing": 1, "extra": 2, "unsupported": 3, "unverified": 4}


@dataclass
class ValidationResult:
    """Declared indexes vs live ones.

    ``missing``: declared, absent; ``extra``: live, matching no declared spec (within the
    manager's scope); ``unsupported``: declared but impossible on this backend;
    ``unverified``: declared, of a kind the backend does not list; ``errors``: problems
    reading the database. ``is_valid`` (and ``bool(result)``): nothing missing, extra or
    in error.
    """

    missing: list[IndexSpec] = field(default_factory=list)
    extra: list[IndexSpec] = field(default_factory=list)
    unsupported: list[IndexSpec] = field(default_factory=list)
    unverified: list[IndexSpec] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    declared: list[IndexSpec] = field(default_factory=list)
    live: list[IndexSpec] = field(default_factory=list)
    backend: str | None = None

    @property
    def is_valid(self) -> bool:
        return not self.missing and not self.extra and not self.errors

    def __bool__(self) -> bool:
        return self.is_valid

    @property
    def missing_indexes(self) -> list[IndexSpec]:
        """Alias of ``missing`` (reference name)."""
        return self.missing

    @property
    def extra_indexes(self) -> list[IndexSpec]:
        """Alias of ``extra`` (reference name)."""
        return self.extra

    def rows(self) -> list[tuple[str, IndexSpec]]:
        """``(status, spec)`` for every declared and extra spec, ordered by status then spec."""
        out: list[tuple[str, IndexSpec]] = []
        flagged = set(self.missing) | set(self.unsupported) | set(self.unverified)
        for spec in self.declared:
            if spec not in flagged:
                out.append(("ok", spec))
        out += [("missing", s) for s in self.missing]
        out += [("extra", s) for s in self.extra]
        out += [("unsupported", s) for s in self.unsupported]
        out += [("unverified", s) for s in self.unverified]
        return sorted(out, key=lambda row: (_STATUS_ORDER[row[0]], row[1].sort_key))

    def summary(self) -> str:
        if self.is_valid:
            text = f"schema valid: {len(self.declared)} declared index(es) present"
        else:
            parts = [f"{len(self.missing)} missing", f"{len(self.extra)} extra"]
            if self.errors:
                parts.append(f"{len(self.errors)} error(s)")
            text = "schema not valid: " + ", ".join(parts)
        notes = []
        if self.unsupported:
            notes.append(f"{len(self.unsupported)} unsupported")
        if self.unverified:
            notes.append(f"{len(self.unverified)} unverified")
        return text + (f" ({', '.join(notes)})" if notes else "")

    def __str__(self) -> str:
        rows = [
            (status, _kind(spec), spec.entity, spec.label, spec.field)
            for status, spec in self.rows()
        ]
        header = ("status", "index", "entity", "label", "field")
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        lines = [self.summary()]
        if rows:
            fmt = "  ".join("{:<%d}" % w for w in widths)
            lines.append(fmt.format(*header))
            lines.append(fmt.format(*("-" * w for w in widths)))
            lines += [fmt.format(*row) for row in rows]
        lines += [f"error: {e}" for e in self.errors]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"<ValidationResult valid={self.is_valid} missing={len(self.missing)} extra={len(self.extra)} "
            f"unsupported={len(self.unsupported)} unverified={len(self.unverified)} errors={len(self.errors)}>"
        )

    def _repr_html_(self) -> str:
        esc = html.escape
        colour = {
            "ok": "#1a7f37",
            "missing": "#cf222e",
            "extra": "#9a6700",
            "unsupported": "#57606a",
            "unverified": "#57606a",
        }
        body = "".join(
            f"<tr><td style='color:{colour[status]};font-weight:600'>{esc(status)}</td><td>{esc(_kind(spec))}</td>"
            f"<td>{esc(spec.entity)}</td><td>{esc(spec.label)}</td><td>{esc(spec.field)}</td></tr>"
            for status, spec in self.rows()
        )
        errors = "".join(f"<li>{esc(e)}</li>" for e in self.errors)
        table = (
            "<table><thead><tr><th>status</th><th>index</th><th>entity</th><th>label</th><th>field</th></tr></thead>"
            f"<tbody>{body}</tbody></table>"
            if body
            else ""
        )
        return (
            f"<div class='runic-schema-validation'><p><b>{esc(self.summary())}</b></p>{table}"
            + (f"<ul>{errors}</ul>" if errors else "")
            + "</div>"
        )


def _kind(spec: IndexSpec) -> str:
    if spec.unique:
        return "exact unique"
    if spec.index_type == "vector":
        return f"vector({spec.dimension if spec.dimension is not None else '?'}, {spec.similarity})"
    return spec.index_type


@dataclass
class SyncReport:
    """What ``sync()`` changed: ``created`` and ``dropped`` specs; ``unsupported`` ones it skipped."""

    created: list[IndexSpec] = field(default_factory=list)
    dropped: list[IndexSpec] = field(default_factory=list)
    unsupported: list[IndexSpec] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.dropped)

    def __bool__(self) -> bool:
        return self.changed

    def __str__(self) -> str:
        if not (self.created or self.dropped or self.unsupported):
            return "schema in sync: nothing to do"
        lines = [f"created {spec.describe()}" for spec in self.created]
        lines += [f"dropped {spec.describe()}" for spec in self.dropped]
        lines += [f"skipped (unsupported) {spec.describe()}" for spec in self.unsupported]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = (
            [("created", s) for s in self.created]
            + [("dropped", s) for s in self.dropped]
            + [("skipped", s) for s in self.unsupported]
        )
        if not rows:
            return "<p>schema in sync: nothing to do</p>"
        body = "".join(
            f"<tr><td>{html.escape(a)}</td><td>{html.escape(s.describe())}</td></tr>"
            for a, s in rows
        )
        return f"<table><thead><tr><th>action</th><th>index</th></tr></thead><tbody>{body}</tbody></table>"


@dataclass
class SchemaInfo:
    """Counts and lists of a validation (reference shape)."""

    is_valid: bool
    declared_count: int
    existing_count: int
    missing_count: int
    extra_count: int
    missing: list[dict[str, Any]]
    extra: list[dict[str, Any]]
    errors: list[str]


class SchemaManager:
    """Validate, sync and export the indexes the models declare.

    ``SchemaManager(target, models=None, *, drop_extra=False, scope="graph")``:
    ``models=None`` means every registered model; ``scope="graph"`` counts every live index
    no declared spec covers as ``extra``, ``scope="models"`` only those on the managed
    models' labels and edge types (for shared databases).
    """

    def __init__(
        self, target: Any, models: Any = None, *, drop_extra: bool = False, scope: str = "graph"
    ) -> None:
        if scope not in _SCOPES:
            raise ValueError(f"scope={scope!r} is not known — use 'graph' or 'models'")
        self.indexes = IndexManager(target)
        self.models = models
        self.drop_extra = bool(drop_extra)
        self.scope = scope

    @property
    def driver(self) -> Any:
        return self.indexes.driver

    def _models(self, models: Any) -> Any:
        return self.models if models is None else models

    def declared(self, models: Any = None) -> list[IndexSpec]:
        """The specs the models declare."""
        return extract_declared_specs(self._models(models))

    def _in_scope(self, spec: IndexSpec, declared: list[IndexSpec], models: Any) -> bool:
        if self.scope == "graph":
            return True
        names = _model_names(models) or {(s.entity, s.label) for s in declared}
        return (spec.entity, spec.label) in names

    def validate(self, models: Any = None) -> ValidationResult:
        """Declared specs vs the live database."""
        chosen = self._models(models)
        declared = extract_declared_specs(chosen)
        live, errors = self.indexes.inspect()
        unsupported = [s for s in declared if not self.indexes.supports(s)]
        unverified = [s for s in declared if s not in unsupported and not self.indexes.can_list(s)]
        checked = [s for s in declared if s not in unsupported and s not in unverified]
        missing = [s for s in checked if not any(s.matches(other) for other in live)]
        covered = [s for s in declared if s not in unsupported]
        extra = [
            other
            for other in live
            if not any(s.matches(other) for s in covered)
            and self._in_scope(other, declared, chosen)
        ]
        return ValidationResult(
            missing=_sorted(missing),
            extra=_sorted(extra),
            unsupported=_sorted(unsupported),
            unverified=_sorted(unverified),
            errors=errors,
            declared=_sorted(declared),
            live=live,
            backend=self.indexes.backend,
        )

    def sync(self, models: Any = None, *, drop_extra: bool | None = None, progress: bool | None = None) -> SyncReport:
        """Create missing indexes; drop extra ones only with ``drop_extra`` (argument, else
        the manager's); skip and report unsupported ones. A second run reports nothing.
        ``progress`` shows a bar per step (``None``: when there are more than a few)."""
        drop = self.drop_extra if drop_extra is None else bool(drop_extra)
        chosen = self._models(models)
        _ensure_types(self.indexes.schema, chosen)
        result = self.validate(chosen)
        report = SyncReport(unsupported=list(result.unsupported))
        if drop and result.extra:
            report.dropped = self.indexes.drop(result.extra, progress=progress)
        if result.missing:
            report.created = self.indexes.apply(result.missing, progress=progress)
        return report

    def export(self, models: Any = None) -> dict[str, Any]:
        """The schema state as plain data (stable: same state, same output)."""
        result = self.validate(models)

        def dump(specs: list[IndexSpec]) -> list[dict[str, Any]]:
            return [s.to_dict() for s in _sorted(specs)]

        return {
            "format": EXPORT_FORMAT,
            "backend": self.indexes.backend,
            "graph": _graph_name(self.driver),
            "declared": dump(result.declared),
            "live": dump(result.live),
            "missing": dump(result.missing),
            "extra": dump(result.extra),
            "unsupported": dump(result.unsupported),
        }

    def export_json(self, models: Any = None) -> str:
        """``export()`` as indented JSON with sorted keys and a final newline."""
        return json.dumps(self.export(models), indent=2, sort_keys=True) + "\n"

    # -- reference wrappers -------------------------------------------------------------------
    def validate_schema(self, classes: Any) -> ValidationResult:
        return self.validate(classes)

    def sync_schema(self, classes: Any, drop_extra: bool = False) -> SyncReport:
        return self.sync(classes, drop_extra=drop_extra)

    def get_schema_diff(self, classes: Any = None) -> str:
        """``MISSING …`` / ``EXTRA …`` lines, or a one-line "in sync" message."""
        result = self.validate(classes)
        if not result.missing and not result.extra:
            return "Schema is in sync — no differences found."
        lines = [f"  MISSING  {_kind(s):<12} {s.label}.{s.field}" for s in result.missing]
        lines += [f"  EXTRA    {_kind(s):<12} {s.label}.{s.field}" for s in result.extra]
        return "\n".join(lines)

    def get_schema_info(self, classes: Any = None) -> SchemaInfo:
        result = self.validate(classes)
        return SchemaInfo(
            is_valid=result.is_valid,
            declared_count=len(result.declared),
            existing_count=len(result.live),
            missing_count=len(result.missing),
            extra_count=len(result.extra),
            missing=[s.to_dict() for s in result.missing],
            extra=[s.to_dict() for s in result.extra],
            errors=list(result.errors),
        )

    def ensure_entity_types(self, classes: Any = None) -> None:
        """Create vertex/edge types where the backend needs them (ArcadeDB); no-op elsewhere."""
        _ensure_types(self.indexes.schema, self._models(classes))

    def __repr__(self) -> str:
        return f"<SchemaManager {getattr(self.driver, 'url', self.indexes.backend)} scope={self.scope}>"


def _model_classes(models: Any) -> list[type]:
    if models is None:
        meta = get_metadata()
        return [
            getattr(m, "model_cls", None) or m.cls
            for m in [*meta.nodes.values(), *meta.edges.values()]
        ]
    if isinstance(models, type):
        return [models]
    return list(models)


def _model_names(models: Any) -> set[tuple[str, str]]:
    names = set()
    for cls in _model_classes(models):
        edge_type = getattr(cls, "__type__", None)
        label = getattr(cls, "__label__", None)
        if isinstance(label, str) and label:
            names.add(("node", label))
        elif isinstance(edge_type, str) and edge_type:
            names.add(("edge", edge_type))
    return names


def _ensure_types(schema: Any, models: Any) -> None:
    names = _model_names(models)
    schema.ensure_entity_types(sorted(n for e, n in names if e == "node"), sorted(n for e, n in names if e == "edge"))

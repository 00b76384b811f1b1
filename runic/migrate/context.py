"""``Runic``: versioned migrations of one graph, and the ``context`` module API of ``env.py``.

``Runic(adapter, script_location)`` upgrades, downgrades, stamps and validates the graph
against the revision scripts, and answers offline questions about them (history, heads,
branch points) and writes new ones. Each revision runs in a transaction where the backend
has one (ArcadeDB, AGE: the revision and its version-record update commit together); on
FalkorDB a revision with ``snapshot = True`` copies the graph first and restores the
copy if it fails. A failure raises ``MigrationFailedError`` saying which operations ran
and whether they were undone; the version record then still names the last revision that
finished.

``env.py`` calls ``context.configure(adapter, ...)``; the CLI then takes ``context.get()``.
"""

from __future__ import annotations

import contextlib
import getpass
import logging
import os
import secrets
from pathlib import Path
from typing import Any

from .adapters import create_adapter
from .checksum import file_checksum
from .exceptions import (
    ChecksumMismatchError,
    GraphAlreadyManagedError,
    IrreversibleMigrationError,
    MigrationError,
    MigrationFailedError,
    MultipleHeadsError,
    RevisionNotFound,
)
from .manifest import SchemaManifest
from .operations import GraphOperations
from .script import Revision, RevisionInfo, ScriptDirectory
from .version import VersionRecord

__all__ = ["IrreversibleMigrationError", "RevisionNotFound", "Runic", "configure", "get", "is_preview"]

log = logging.getLogger(__name__)


def _installed_by(explicit: str | None, track: bool) -> str | None:
    if explicit is not None:
        return explicit
    if not track:
        return None
    env = os.environ.get("RUNIC_INSTALLED_BY")
    if env:
        return env
    with contextlib.suppress(Exception):
        return getpass.getuser()
    return None


def current_of(revisions: list[str]) -> str | None:
    """The single revision a version record names, or None; ``MultipleHeadsError`` for several."""
    if len(revisions) > 1:
        raise MultipleHeadsError(
            f"the graph is at {len(revisions)} revisions: {', '.join(revisions)}",
            heads=revisions,
            hint="use current_revisions(), or merge the branches and upgrade",
        )
    return revisions[0] if revisions else None


def _relative_steps(target: str, sign: str) -> int | None:
    """N of a relative target (``+N`` up, ``-N`` down), or None for an absolute one."""
    if not target.startswith(sign):
        return None
    try:
        return int(target[1:])
    except ValueError:
        more = " or base" if sign == "-" else ""
        raise RevisionNotFound(f"{target!r} is not a relative step", hint=f"use {sign}1, {sign}2, ...{more}") from None


class ScriptsAt:
    """The revision scripts in ``script_location``, loaded on first use (``Runic`` and
    ``AsyncRunic`` share it)."""

    _script_location: Path
    _scripts: ScriptDirectory | None = None

    @property
    def script_location(self) -> Path:
        return self._script_location

    @property
    def scripts(self) -> ScriptDirectory:
        """The revision scripts (loaded on first use; ``reload()`` after editing files)."""
        if self._scripts is None:
            self._scripts = ScriptDirectory.load(self._script_location)
        return self._scripts

    def reload(self) -> ScriptDirectory:
        self._scripts = None
        return self.scripts


class Runic(ScriptsAt):
    """Migrations of one graph (``adapter``) from the scripts in ``script_location``."""

    def __init__(
        self,
        adapter: Any,
        script_location: Path | str,
        *,
        preview: bool = False,
        target_manifest: SchemaManifest | None = None,
        track_checksums: bool = True,
        track_installed_by: bool = True,
        truncate_slug_length: int = 40,
        file_template: str | None = None,
        progress: bool | None = None,
    ) -> None:
        self._adapter = create_adapter(adapter) if not hasattr(adapter, "read_record") else adapter
        self._script_location = Path(script_location)
        self._preview = bool(preview)
        self._target_manifest = target_manifest
        self._track_checksums = track_checksums
        self._track_installed_by = track_installed_by
        self._truncate_slug_length = truncate_slug_length
        self._file_template = file_template
        self._progress = progress
        self._scripts: ScriptDirectory | None = None
        self.preview_log: list[str] = []
        #: operations of the last upgrade/downgrade, revision by revision
        self.last_applied: list[tuple[str, list[str]]] = []

    # -- properties ---------------------------------------------------------------------------
    @property
    def adapter(self) -> Any:
        return self._adapter

    @property
    def target_manifest(self) -> SchemaManifest | None:
        return self._target_manifest

    @property
    def preview(self) -> bool:
        return self._preview

    def enable_preview(self) -> None:
        self._preview = True

    def retarget(self, adapter: Any) -> None:
        self._adapter = adapter

    def __repr__(self) -> str:
        return f"<Runic {self._adapter.url} scripts={self._script_location}>"

    # -- the record -----------------------------------------------------------------------------
    def record(self) -> VersionRecord:
        return self._adapter.read_record()

    def current_revisions(self) -> list[str]:
        """The revision ids the version record names (several after a branch)."""
        return self.record().revisions

    def current(self) -> str | None:
        """The single current revision, or ``None``; ``MultipleHeadsError`` when the graph is at several."""
        return current_of(self.current_revisions())

    def get_revision_message(self, rev_id: str) -> str | None:
        try:
            return self.scripts.get_revision(rev_id).message
        except (RevisionNotFound, LookupError):
            return None

    def _known(self, revisions: list[str]) -> list[str]:
        for rev in revisions:
            if rev not in self.scripts:
                raise RevisionNotFound(
                    f"the graph {self._adapter.name} is at revision {rev}, which no script in {self._script_location / 'versions'} defines",
                    revision=rev,
                    hint="check out the code that matches the graph, or re-anchor it with 'runic stamp <revision>'",
                )
        return revisions

    # -- checksums -----------------------------------------------------------------------------
    def validate(self) -> list[str]:
        """Applied scripts whose checksum changed since they were applied (empty: all valid)."""
        if not self._track_checksums:
            return []
        return find_mismatches(self.scripts, self.record(), self._script_location)

    # -- running revisions ----------------------------------------------------------------------
    def pending_revisions(self, from_revs: list[str] | None = None, target: str = "head") -> list[Revision]:
        current = self.current_revisions() if from_revs is None else from_revs
        return self.scripts.upgrade_path(self._known(current), target)

    def _resolve_up(self, current: list[str], target: str) -> list[Revision]:
        n = _relative_steps(target, "+")
        return self.scripts.upgrade_path(current, target) if n is None else self.scripts.upgrade_path(current, "head")[:n]

    def _resolve_down(self, current: list[str], target: str) -> list[Revision]:
        n = _relative_steps(target, "-")
        return self.scripts.downgrade_path(current, target) if n is None else self.scripts.downgrade_path(current, "base")[:n]

    def upgrade(self, target: str = "head", *, validate_on_migrate: bool = False, installed_by: str | None = None) -> list[str]:
        """Apply the revisions up to ``target`` (id, prefix, ``head``, ``heads`` or ``+N``).

        Returns the ids applied, in order. In preview mode nothing is written and the
        operations are listed in ``preview_log``."""
        if validate_on_migrate:
            errors = self.validate()
            if errors:
                raise ChecksumMismatchError(
                    "checksums of applied revisions changed:\n" + "\n".join(f"  {e}" for e in errors),
                    mismatches=errors,
                    hint="nothing was applied; restore the scripts or re-anchor them with 'runic stamp'",
                )
        record = self.record()
        path = self._resolve_up(self._known(record.revisions), target)
        who = _installed_by(installed_by, self._track_installed_by)
        self.last_applied = []
        done = []
        for rev in path:
            record = self._step(rev, record, "upgrade", who)
            done.append(rev.revision)
        return done

    def downgrade(self, target: str = "-1", *, force: bool = False) -> list[str]:
        """Undo revisions down to ``target`` (id, prefix, ``base`` or ``-N``); returns the ids undone.

        A revision marked ``irreversible`` stops it before anything runs
        (``IrreversibleMigrationError``) unless ``force=True``."""
        record = self.record()
        path = self._resolve_down(self._known(record.revisions), target)
        blocked = [r for r in path if r.irreversible]
        if blocked and not force:
            names = ", ".join(str(r) for r in blocked)
            raise IrreversibleMigrationError(
                f"revision {names} is marked irreversible; nothing was downgraded",
                revision=blocked[0].revision,
                hint="restore from a backup, or pass force=True (--force) to run its downgrade() anyway",
            )
        self.last_applied = []
        done = []
        for rev in path:
            record = self._step(rev, record, "downgrade", None)
            done.append(rev.revision)
        return done

    def _next_record(self, rev: Revision, record: VersionRecord, direction: str, who: str | None) -> VersionRecord:
        new = record.copy()
        applied = self.scripts.ancestors(record.revisions) if record.revisions else set()
        if direction == "upgrade":
            applied.add(rev.revision)
            if self._track_checksums:
                new.checksums[rev.revision] = file_checksum(rev.path)
            if who is not None:
                new.installed_by[rev.revision] = who
        else:
            applied.discard(rev.revision)
            new.checksums.pop(rev.revision, None)
            new.installed_by.pop(rev.revision, None)
        new.revisions = self.scripts.heads_of(applied)
        return new

    def _step(self, rev: Revision, record: VersionRecord, direction: str, who: str | None) -> VersionRecord:
        adapter = self._adapter
        op = GraphOperations(adapter, preview=self._preview, progress=self._progress)
        if self._preview:
            getattr(rev.module, direction)(op)
            self.preview_log += [f"# {direction} {rev}", *op.preview_log]
            self.last_applied.append((rev.revision, op.preview_log))
            return self._next_record(rev, record, direction, who)
        snap = f"{adapter.name}__premig_{rev.revision}"
        use_snapshot = direction == "upgrade" and rev.snapshot and adapter.supports_snapshots()
        if rev.snapshot and direction == "upgrade" and not use_snapshot:
            log.warning("revision %s asks for a snapshot, which %s cannot take; it runs without one", rev.revision, adapter.backend)
        use_tx = adapter.transactional
        new = self._next_record(rev, record, direction, who)
        if use_snapshot:
            adapter.snapshot(snap)
        log.info("%s %s", direction, rev)
        if use_tx:
            adapter.begin()
        try:
            getattr(rev.module, direction)(op)
            adapter.write_record(new)
            if use_tx:
                adapter.commit()
        except BaseException as exc:
            undone = []
            if use_tx:
                with contextlib.suppress(Exception):
                    adapter.rollback()
                undone.append("transaction rolled back")
            if use_snapshot:
                adapter.restore_snapshot(snap)
                undone.append("graph restored from its snapshot")
            if not isinstance(exc, Exception):
                raise
            raise self._failure(rev, direction, op.applied, undone, record, exc) from exc
        finally:
            if use_snapshot:
                with contextlib.suppress(Exception):
                    adapter.drop_snapshot(snap)
        self.last_applied.append((rev.revision, list(op.applied)))
        return new

    def _failure(self, rev: Revision, direction: str, applied: list[str], undone: list[str], record: VersionRecord, exc: Exception) -> MigrationFailedError:
        at = ", ".join(record.revisions) or "base"
        if not applied:
            ran = "no operation had run"
        elif undone and (self._adapter.transactional_ddl or "graph restored from its snapshot" in undone or not any(
            a.startswith(("CREATE", "DROP")) for a in applied
        )):
            ran = f"{len(applied)} operation(s) had run and were undone ({'; '.join(undone)})"
        elif undone:
            ran = (
                f"{len(applied)} operation(s) had run; data changes were rolled back but schema changes stay "
                f"({self._adapter.backend} does not undo them): " + "; ".join(applied)
            )
        else:
            ran = (
                f"{len(applied)} operation(s) had run and stay in the graph ({self._adapter.backend} has no transactions; "
                "mark the revision snapshot = True to have it restored): " + "; ".join(applied)
            )
        return MigrationFailedError(
            f"{direction} of revision {rev} failed: {type(exc).__name__}: {exc}; {ran}; the version record still says {at}",
            revision=rev.revision,
            applied=list(applied),
            rolled_back=bool(undone),
            direction=direction,
            hint=f"fix the revision's {direction}() and run it again",
        )

    def stamp(self, target: str, *, purge: bool = False) -> list[str]:
        """Set the version record to ``target`` (id, ``base``, ``heads``) without running scripts.

        Checksums of the stamped revisions are (re)recorded, so stamping re-anchors an
        edited script. Returns the revisions now recorded."""
        new = plan_stamp(self.scripts, VersionRecord() if purge else self.record(), target, self._track_checksums)
        if self._preview:
            self.preview_log.append(f"STAMP: {', '.join(new.revisions) or 'base'}")
            return new.revisions
        self._adapter.write_record(new)
        return new.revisions

    # -- offline ------------------------------------------------------------------------------------
    def get_history(self, range_: str | None = None) -> list[RevisionInfo]:
        """Revisions newest first; ``range_`` ``"start:end"`` (either side may be empty) limits them."""
        return self.scripts.history(range_)

    def get_heads(self) -> list[Revision]:
        return self.scripts.get_heads()

    def get_branch_points(self) -> list[tuple[Revision, list[str]]]:
        return [(bp, self.scripts.get_children(bp.revision)) for bp in self.scripts.get_branch_points()]

    def show_revision(self, rev: str) -> Revision:
        return self.scripts.get_revision(rev)

    def create_revision(
        self,
        message: str,
        head: str | tuple[str, ...] | None = None,
        rev_id: str | None = None,
        branch_labels: list[str] | None = None,
        depends_on: list[str] | None = None,
        *,
        upgrade_body: str = "    pass",
        downgrade_body: str = "    pass",
    ) -> Path:
        """Write a new revision on top of ``head`` (default: the single head) and return its path."""
        parent = head if head is not None else self.scripts.head()
        if isinstance(parent, str) and parent not in ("base",):
            parent = self.scripts.get_revision(parent).revision
        elif parent == "base":
            parent = None
        return self.scripts.create(
            message,
            parent,
            self._script_location,
            branch_labels=branch_labels,
            depends_on=depends_on,
            rev_id=rev_id,
            upgrade_body=upgrade_body,
            downgrade_body=downgrade_body,
            truncate_slug_length=self._truncate_slug_length,
            file_template=self._file_template,
        )

    def merge(self, revisions: list[str], message: str, *, branch_labels: list[str] | None = None, rev_id: str | None = None) -> Path:
        """A revision joining ``revisions`` (heads) into one."""
        parents = tuple(self.scripts.get_revision(r).revision for r in revisions)
        if len(set(parents)) < 2:
            raise RevisionNotFound("a merge needs two different revisions", hint="name two heads, see 'runic heads'")
        return self.scripts.create(message, parents, self._script_location, branch_labels=branch_labels, rev_id=rev_id,
                                   truncate_slug_length=self._truncate_slug_length, file_template=self._file_template)

    def autogenerate(self, models: Any = None) -> list[Any]:
        """The operations that would bring the live schema to the target manifest (or the models')."""
        from .autogen import diff_schema

        manifest = self._target(models)
        return diff_schema(manifest, self._adapter.read_live_schema(), can_list_mandatory=self._adapter.list_mandatory() is not None)

    def _target(self, models: Any = None) -> SchemaManifest:
        if models is not None:
            return models if isinstance(models, SchemaManifest) else SchemaManifest.from_models(models)
        if self._target_manifest is not None:
            return self._target_manifest
        from runic.ogm.core.metadata import get_metadata

        meta = get_metadata()
        if not meta.nodes and not meta.edges:
            raise MigrationError(
                "there is no target schema to compare with: no target_manifest and no models are registered",
                hint="set target_manifest in env.py (SchemaManifest(...) or SchemaManifest.from_models()), or import the module defining your models there",
            )
        return SchemaManifest.from_models()

    def baseline(self, message: str = "baseline", *, stamp_only: bool = False) -> Path | None:
        """A first revision that rebuilds the live schema, recorded as applied."""
        from .autogen import diff_schema, render_downgrade_body, render_upgrade_body

        if self.current_revisions():
            raise GraphAlreadyManagedError(
                f"the graph {self._adapter.name} already has a version record ({', '.join(self.current_revisions())})",
                hint="use 'runic upgrade'",
            )
        rev_id = ScriptDirectory.generate_revision_id()
        path = None
        if not stamp_only:
            ops = diff_schema(self._adapter.read_live_schema(), SchemaManifest())
            path = self.scripts.create(message, None, self._script_location, rev_id=rev_id,
                                       upgrade_body=render_upgrade_body(ops), downgrade_body=render_downgrade_body(ops))
            self.stamp(rev_id)
        else:
            self._adapter.write_record(VersionRecord(revisions=[rev_id]))
        return path

    def run_script(self, path: Path | str) -> list[str]:
        """Run ``upgrade(op)`` of a one-off script (not a revision, nothing recorded); returns
        the operations it ran (in preview mode: would run)."""
        from .script import _load_module

        script = Path(path)
        if script.suffix != ".py" or not script.is_file():
            raise MigrationError(f"{script} is not a Python file", hint="pass the path of a .py file with an upgrade(op) function")
        module = _load_module(script)
        if not callable(getattr(module, "upgrade", None)):
            raise MigrationError(f"{script.name} has no upgrade(op) function", hint="define def upgrade(op): ...")
        op = GraphOperations(self._adapter, preview=self._preview, progress=self._progress)
        module.upgrade(op)
        return list(op.preview_log if self._preview else op.applied)

    def test_revision(self, rev: str, *, graph_name: str | None = None) -> list[tuple[str, dict[str, int]]]:
        """Upgrade to ``rev``, downgrade to base, upgrade again on a throw-away graph; the counts after each phase."""
        rev_id = self.scripts.get_revision(rev).revision
        name = graph_name or f"{self._adapter.name}__test_{rev_id}_{secrets.token_hex(4)}"
        scratch = self._adapter.fork(name)
        runner = Runic(scratch, self._script_location, track_installed_by=False, progress=False)
        runner._scripts = self.scripts
        phases = []
        try:
            for phase, action in (("upgrade", lambda: runner.upgrade(rev_id)), ("downgrade", lambda: runner.downgrade("base")), ("upgrade again", lambda: runner.upgrade(rev_id))):
                action()
                phases.append((phase, _counts(scratch)))
        finally:
            with contextlib.suppress(Exception):
                scratch.delete_graph()
            with contextlib.suppress(Exception):
                scratch.close()
        return phases


def find_mismatches(scripts: ScriptDirectory, record: VersionRecord, location: Path) -> list[str]:
    """Applied revisions whose script no longer has the recorded checksum (no I/O but reading the scripts)."""
    if not record.revisions:
        return []
    missing = [r for r in record.revisions if r not in scripts]
    if missing:
        return [f"the graph is at revision {', '.join(missing)}, which no script in {location / 'versions'} defines"]
    errors = []
    for rev in scripts.topological(scripts.ancestors(record.revisions)):
        stored = record.checksums.get(rev.revision)
        if stored and stored != file_checksum(rev.path):
            errors.append(
                f"{rev.revision} ({rev.message}): checksum mismatch — {rev.path.name} changed after it was applied; "
                f"restore it, or re-anchor with 'runic stamp {rev.revision}'"
            )
    return errors


def plan_stamp(scripts: ScriptDirectory, record: VersionRecord, target: str, track_checksums: bool) -> VersionRecord:
    """The record after stamping ``target`` (a revision, ``heads`` or ``base``)."""
    if target == "base":
        revisions: list[str] = []
    elif target == "heads":
        revisions = [h.revision for h in scripts.get_heads()]
    else:
        revisions = [scripts.get_revision(target).revision]
    applied = scripts.ancestors(revisions) if revisions else set()
    new = record.copy()
    new.revisions = revisions
    new.checksums = {k: v for k, v in new.checksums.items() if k in applied}
    new.installed_by = {k: v for k, v in new.installed_by.items() if k in applied}
    if track_checksums:
        for rid in applied:
            new.checksums[rid] = file_checksum(scripts.revisions[rid].path)
    return new


def _counts(adapter: Any) -> dict[str, int]:
    label = adapter.version_label
    rows = adapter.execute(f"MATCH (n) WHERE NOT n:{label} RETURN count(n)", readonly=True).rows if adapter.supports_multi_label else adapter.execute("MATCH (n) RETURN count(n)", readonly=True).rows
    nodes = int(rows[0][0]) if rows else 0
    if not adapter.supports_multi_label:
        nodes -= len(adapter.execute(f"MATCH (v:{label}) RETURN v", readonly=True).rows)
    specs = adapter.live_specs()
    return {
        "nodes": nodes,
        "indexes": sum(1 for s in specs if not s.unique),
        "constraints": sum(1 for s in specs if s.unique) + len(adapter.list_mandatory() or []),
    }


# -- module-level API of env.py -------------------------------------------------------------------
_context: Runic | None = None
_defaults: dict[str, Any] = {}


def configure(
    adapter: Any,
    script_location: Path | str | None = None,
    preview: bool = False,
    *,
    target_manifest: SchemaManifest | None = None,
    track_checksums: bool = True,
    track_installed_by: bool = True,
    truncate_slug_length: int = 40,
    file_template: str | None = None,
    **extra: Any,
) -> Runic:
    """Set up the ``Runic`` that the CLI uses (called from ``env.py``)."""
    global _context
    env_path = extra.pop("_env_path", None) or _defaults.get("env_path")
    if extra:
        raise TypeError(f"configure() got unknown keywords: {', '.join(sorted(extra))}")
    location = script_location
    if location is None:
        location = Path(env_path).parent if env_path else Path("runic")
    if _defaults.get("adapter") is not None:  # the CLI's --url wins over env.py's connection
        with contextlib.suppress(Exception):
            if adapter is not _defaults["adapter"] and hasattr(adapter, "close"):
                adapter.close()
        adapter = _defaults["adapter"]
    _context = Runic(
        adapter,
        location,
        preview=preview or bool(_defaults.get("preview")),
        target_manifest=target_manifest,
        track_checksums=track_checksums,
        track_installed_by=track_installed_by,
        truncate_slug_length=truncate_slug_length,
        file_template=file_template,
    )
    return _context


def get() -> Runic:
    if _context is None:
        raise RuntimeError("runic context not configured — env.py must call context.configure(adapter, ...)")
    return _context


def is_preview() -> bool:
    return _context.preview if _context is not None else False


def reset() -> None:
    """Forget the configured context (tests, notebooks)."""
    global _context
    _context = None
    _defaults.clear()

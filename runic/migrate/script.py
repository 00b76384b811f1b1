"""The script directory: revision files under ``<script_location>/versions/`` and their graph.

Each revision file is a Python module with ``revision``, ``down_revision`` (``None``, an
id, or a tuple of ids for a merge), ``branch_labels``, ``depends_on``, ``message``,
``create_date``, ``irreversible``, ``snapshot`` and ``upgrade(op)`` / ``downgrade(op)``.
``ScriptDirectory`` loads them and answers graph questions without touching a database:
heads, bases, branch points, which revisions an upgrade or downgrade runs and in which
order. New files are rendered from ``script.py.mako`` (the script directory's own, else
runic's), whose ``${expression}`` placeholders are the only template syntax used.
"""

from __future__ import annotations

import importlib.util
import re
import secrets
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from runic.ogm.exceptions import did_you_mean

from .exceptions import (
    AmbiguousRevision,
    MigrationError,
    MultipleBasesError,
    MultipleHeadsError,
    RevisionNotFound,
)

__all__ = ["Revision", "RevisionInfo", "ScriptDirectory", "render_template"]

TEMPLATES = Path(__file__).parent / "templates"
_PLACEHOLDER = re.compile(r"\$\{(.*?)\}")


@dataclass
class Revision:
    """One revision script, loaded."""

    revision: str
    down_revision: str | tuple[str, ...] | None
    branch_labels: list[str]
    depends_on: list[str]
    irreversible: bool
    snapshot: bool
    message: str
    create_date: datetime
    path: Path
    module: Any = field(default=None, repr=False)

    @property
    def parents(self) -> tuple[str, ...]:
        if self.down_revision is None:
            return ()
        if isinstance(self.down_revision, str):
            return (self.down_revision,)
        return tuple(self.down_revision)

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    def __str__(self) -> str:
        return f"{self.revision} ({self.message})" if self.message else self.revision


@dataclass
class RevisionInfo:
    """A line of history."""

    revision: str
    down_revision: str | tuple[str, ...] | None
    message: str
    create_date: datetime
    is_head: bool
    is_branch_point: bool


def render_template(text: str, values: dict[str, Any]) -> str:
    """Replace each ``${expression}`` with the expression's value over ``values``."""
    scope = {"repr": repr, "str": str, "len": len, **values}

    def replace(match: re.Match[str]) -> str:
        return str(eval(match.group(1), {"__builtins__": {}}, scope))

    return _PLACEHOLDER.sub(replace, text)


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _load_module(path: Path) -> ModuleType:
    name = f"runic_revision_{path.stem}_{abs(hash(str(path.resolve()))):x}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise MigrationError(f"cannot load revision script {path}", hint="check that it is a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules.pop(name, None)
    spec.loader.exec_module(module)
    return module


def _as_date(value: Any, path: Path) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        except ValueError:
            pass
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


def load_revision(path: Path) -> Revision:
    """Load one revision file; missing or malformed names get an error naming the file."""
    module = _load_module(path)
    rev = getattr(module, "revision", None)
    if not isinstance(rev, str) or not rev:
        raise MigrationError(
            f"{path.name} has no 'revision' id",
            hint="add revision = '<id>' at the top of the file (runic revision -m ... writes one)",
        )
    for fn in ("upgrade", "downgrade"):
        if not callable(getattr(module, fn, None)):
            raise MigrationError(f"{path.name} (revision {rev}) has no {fn}(op) function", revision=rev, hint=f"define def {fn}(op): ...")
    down = getattr(module, "down_revision", None)
    if isinstance(down, (list, tuple)):
        down = tuple(down) if len(down) != 1 else down[0]
    message = getattr(module, "message", None)
    if not message:
        doc = (module.__doc__ or "").strip().splitlines()
        message = doc[0].strip() if doc else ""
    return Revision(
        revision=rev,
        down_revision=down or None,
        branch_labels=list(_tuple(getattr(module, "branch_labels", None))),
        depends_on=list(_tuple(getattr(module, "depends_on", None))),
        irreversible=bool(getattr(module, "irreversible", False)),
        snapshot=bool(getattr(module, "snapshot", False)),
        message=str(message),
        create_date=_as_date(getattr(module, "create_date", None), path),
        path=path,
        module=module,
    )


#: what is said when several revisions claim to be the one head or base:
#: (error, the keyword that carries their ids, message, hint)
_SEVERAL = {
    "head": (MultipleHeadsError, "heads", "the revisions have {n} heads: {ids}", "name a revision, or join them with 'runic merge <rev1> <rev2> -m ...'"),
    "base": (MultipleBasesError, "bases", "{n} revisions have down_revision = None: {ids}", "set down_revision of all but one of them"),
}


def _single(found: list[Revision], which: str) -> Revision:
    """The one head or base in ``found``; several or none raise an error that says so."""
    if len(found) > 1:
        error, key, message, hint = _SEVERAL[which]
        ids = [r.revision for r in found]
        raise error(message.format(n=len(ids), ids=", ".join(ids)), hint=hint, **{key: ids})
    if not found:
        raise RevisionNotFound("there are no revisions yet", hint="create one with 'runic revision -m ...'")
    return found[0]


class ScriptDirectory:
    """The revisions of one script location and the graph they form (no database I/O)."""

    def __init__(self, script_location: Path | str | None = None, revisions: Iterable[Revision] = ()) -> None:
        self.script_location = Path(script_location) if script_location is not None else None
        self._revisions: dict[str, Revision] = {}
        for rev in revisions:
            self._add(rev)

    @classmethod
    def load(cls, script_location: Path | str) -> ScriptDirectory:
        location = Path(script_location)
        directory = cls(location)
        versions = location / "versions"
        if versions.is_dir():
            for path in sorted(versions.glob("*.py")):
                if not path.name.startswith("_"):
                    directory._add(load_revision(path))
        directory.check()
        return directory

    def _add(self, rev: Revision) -> None:
        other = self._revisions.get(rev.revision)
        if other is not None:
            raise MigrationError(
                f"revision id {rev.revision} appears twice: {other.path.name} and {rev.path.name}",
                revision=rev.revision,
                hint="give one of them a new id",
            )
        self._revisions[rev.revision] = rev

    def check(self) -> None:
        """Every parent and dependency names a known revision; the graph has no cycle."""
        for rev in self._revisions.values():
            for parent in (*rev.parents, *rev.depends_on):
                if parent not in self._revisions:
                    hint = did_you_mean(parent, self._revisions)
                    raise RevisionNotFound(
                        f"revision {rev.revision} ({rev.path.name}) refers to {parent!r}, which no script defines",
                        revision=parent,
                        hint=hint or "fix down_revision / depends_on, or restore the missing script",
                    )
        self.topological()

    # -- lookup -------------------------------------------------------------------------
    def __iter__(self):
        return iter(self.topological())

    def __len__(self) -> int:
        return len(self._revisions)

    def __contains__(self, rev_id: object) -> bool:
        return rev_id in self._revisions

    @property
    def revisions(self) -> dict[str, Revision]:
        return dict(self._revisions)

    def get_revision(self, rev_id: str) -> Revision:
        """By id, unique prefix, branch label, or ``head`` (the single head) / ``base`` (the single base)."""
        if not isinstance(rev_id, str) or not rev_id:
            raise RevisionNotFound(f"revision {rev_id!r} is not a revision id", hint="pass an id, a unique prefix, 'head' or 'base'")
        if rev_id == "head":
            return _single(self.get_heads(), "head")
        if rev_id == "base":
            return self.get_base()
        if rev_id in self._revisions:
            return self._revisions[rev_id]
        labelled = [r for r in self._revisions.values() if rev_id in r.branch_labels]
        if labelled:
            return labelled[0]
        matches = sorted(r for r in self._revisions if r.startswith(rev_id))
        if len(matches) == 1:
            return self._revisions[matches[0]]
        if matches:
            raise AmbiguousRevision(
                f"revision prefix {rev_id!r} matches {len(matches)} revisions: {', '.join(matches)}",
                candidates=matches,
                hint="type more characters of the id",
            )
        hint = did_you_mean(rev_id, self._revisions)
        raise RevisionNotFound(
            f"no revision {rev_id!r} in {self._where()}",
            revision=rev_id,
            hint=hint or "list them with 'runic history' (or 'runic heads')",
        )

    def _where(self) -> str:
        return str(self.script_location / "versions") if self.script_location else "the script directory"

    def get_heads(self) -> list[Revision]:
        """Revisions no other revision names as ``down_revision`` (newest first)."""
        parents = {p for r in self._revisions.values() for p in r.parents}
        heads = [r for r in self._revisions.values() if r.revision not in parents]
        return sorted(heads, key=lambda r: (r.create_date, r.revision), reverse=True)

    def head(self) -> str | None:
        """The single head's id (``None`` when there are no revisions)."""
        heads = self.get_heads()
        if len(heads) > 1:
            self.get_revision("head")  # raises MultipleHeadsError
        return heads[0].revision if heads else None

    def get_bases(self) -> list[Revision]:
        return sorted((r for r in self._revisions.values() if not r.parents), key=lambda r: (r.create_date, r.revision))

    def get_base(self) -> Revision:
        return _single(self.get_bases(), "base")

    def get_children(self, rev_id: str) -> list[str]:
        return sorted(r.revision for r in self._revisions.values() if rev_id in r.parents)

    def get_branch_points(self) -> list[Revision]:
        return [r for r in self.topological() if len(self.get_children(r.revision)) > 1]

    # -- graph ----------------------------------------------------------------------------
    def _requires(self, rev: Revision) -> tuple[str, ...]:
        return (*rev.parents, *rev.depends_on)

    def ancestors(self, rev_ids: Iterable[str]) -> set[str]:
        """The revisions and everything they need (parents and dependencies), transitively."""
        seen: set[str] = set()
        stack = [self.get_revision(r).revision for r in rev_ids]
        while stack:
            rid = stack.pop()
            if rid in seen:
                continue
            seen.add(rid)
            stack.extend(self._requires(self._revisions[rid]))
        return seen

    def topological(self, ids: Iterable[str] | None = None) -> list[Revision]:
        """``ids`` (default all) ordered so that every revision follows what it needs."""
        chosen = set(self._revisions) if ids is None else set(ids)
        order: list[Revision] = []
        done: set[str] = set()
        visiting: set[str] = set()

        def key(rid: str) -> tuple[datetime, str]:
            rev = self._revisions[rid]
            return (rev.create_date, rid)

        def visit(rid: str) -> None:
            if rid in done:
                return
            if rid in visiting:
                raise MigrationError(f"the revisions form a cycle through {rid}", revision=rid, hint="fix down_revision so the chain has a start")
            visiting.add(rid)
            for need in sorted(self._requires(self._revisions[rid]), key=key):
                if need in chosen:
                    visit(need)
            visiting.discard(rid)
            done.add(rid)
            order.append(self._revisions[rid])

        for rid in sorted(chosen, key=key):
            visit(rid)
        return order

    def heads_of(self, applied: Iterable[str]) -> list[str]:
        """The heads of a set of applied revisions (those no applied revision builds on)."""
        applied = set(applied)
        parents = {p for rid in applied for p in self._revisions[rid].parents}
        return [r.revision for r in self.topological(applied) if r.revision not in parents]

    def upgrade_path(self, current: Iterable[str], target: str = "head") -> list[Revision]:
        """Revisions to apply, in order, to go from ``current`` (heads) up to ``target``."""
        if target == "heads":
            targets = [h.revision for h in self.get_heads()]
        else:
            targets = [self.get_revision(target).revision]
        todo = self.ancestors(targets) - self.ancestors(current)
        return self.topological(todo)

    def downgrade_path(self, current: Iterable[str], target: str) -> list[Revision]:
        """Revisions to undo, newest first, to go from ``current`` down to ``target`` (or ``base``)."""
        applied = self.ancestors(current)
        if target == "base":
            keep: set[str] = set()
        else:
            rev = self.get_revision(target)
            if rev.revision not in applied:
                raise MigrationError(
                    f"revision {rev.revision} is not applied, so the graph cannot go down to it",
                    revision=rev.revision,
                    hint=f"use 'runic upgrade {rev.revision}' to go up to it",
                )
            keep = self.ancestors([rev.revision])
        return list(reversed(self.topological(applied - keep)))

    def revision_history(self) -> list[RevisionInfo]:
        """Every revision, oldest first."""
        heads = {r.revision for r in self.get_heads()}
        points = {r.revision for r in self.get_branch_points()}
        return [
            RevisionInfo(r.revision, r.down_revision, r.message, r.create_date, r.revision in heads, r.revision in points)
            for r in self.topological()
        ]

    def history(self, range_: str | None = None) -> list[RevisionInfo]:
        """Revisions newest first; ``range_`` ``"start:end"`` (inclusive, either side may be empty)."""
        items = self.revision_history()
        if range_:
            start, _, end = range_.partition(":")
            ids = set(self._revisions)
            if end.strip():
                ids &= self.ancestors([end.strip()])
            if start.strip():
                first = self.get_revision(start.strip()).revision
                ids -= self.ancestors([first]) - {first}
            items = [i for i in items if i.revision in ids]
        return list(reversed(items))

    # -- new files ---------------------------------------------------------------------------
    @staticmethod
    def generate_revision_id() -> str:
        return secrets.token_hex(6)

    def template_path(self) -> Path:
        own = self.script_location / "script.py.mako" if self.script_location else None
        return own if own is not None and own.is_file() else TEMPLATES / "script.py.mako"

    def render(
        self,
        message: str,
        head: str | tuple[str, ...] | None,
        *,
        rev_id: str,
        branch_labels: list[str] | None = None,
        depends_on: list[str] | None = None,
        upgrade_body: str = "    pass",
        downgrade_body: str = "    pass",
        create_date: datetime | None = None,
    ) -> str:
        """The text of a new revision file."""
        if isinstance(head, (list, tuple)):
            head = tuple(head) if len(head) != 1 else head[0]
        return render_template(
            self.template_path().read_text(),
            {
                "up_revision": rev_id,
                "down_revision": head,
                "branch_labels": list(branch_labels or []),
                "depends_on": list(depends_on or []),
                "message": message,
                "doc_message": message.replace("\\", "\\\\").replace('"', '\\"'),
                "create_date": create_date or datetime.now(UTC),
                "upgrade_body": upgrade_body,
                "downgrade_body": downgrade_body,
            },
        )

    def file_name(self, rev_id: str, message: str, *, truncate_slug_length: int = 40, file_template: str | None = None) -> str:
        slug = re.sub(r"\W+", "_", message.lower()).strip("_")[:truncate_slug_length].rstrip("_") or "revision"
        if file_template:
            now = datetime.now(UTC)
            return file_template % {"rev": rev_id, "slug": slug, "year": now.year, "month": now.month, "day": now.day, "hour": now.hour, "minute": now.minute} + ".py"
        return f"{rev_id}_{slug}.py"

    def create(
        self,
        message: str,
        head: str | tuple[str, ...] | None,
        script_location: Path | str | None = None,
        *,
        branch_labels: list[str] | None = None,
        depends_on: list[str] | None = None,
        upgrade_body: str = "    pass",
        downgrade_body: str = "    pass",
        rev_id: str | None = None,
        truncate_slug_length: int = 40,
        file_template: str | None = None,
    ) -> Path:
        """Write a new revision file under ``versions/`` and return its path."""
        location = Path(script_location) if script_location is not None else self.script_location
        if location is None:
            raise MigrationError("no script location to write the revision to", hint="pass script_location=")
        rev_id = rev_id or self.generate_revision_id()
        if not re.fullmatch(r"[A-Za-z0-9_]+", rev_id):
            raise MigrationError(f"revision id {rev_id!r} may hold only letters, digits and '_'", hint="choose another --rev-id")
        if rev_id in self._revisions:
            raise MigrationError(f"revision id {rev_id} exists already ({self._revisions[rev_id].path.name})", revision=rev_id, hint="choose another --rev-id")
        for parent in _tuple(head):
            self.get_revision(parent)
        for dep in depends_on or []:
            self.get_revision(dep)
        text = self.render(message, head, rev_id=rev_id, branch_labels=branch_labels, depends_on=depends_on, upgrade_body=upgrade_body, downgrade_body=downgrade_body)
        versions = location / "versions"
        versions.mkdir(parents=True, exist_ok=True)
        path = versions / self.file_name(rev_id, message, truncate_slug_length=truncate_slug_length, file_template=file_template)
        path.write_text(text)
        self._add(load_revision(path))
        return path

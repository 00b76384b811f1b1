"""Migration status in notebooks: a table of revisions and a widget to move along them.

``migration_status(runic)`` reads where the graph stands and returns ``MigrationStatus``
— one row per revision (newest first) with its state: ``current`` (the graph is at it),
``applied``, ``pending``; plus whether its script changed since it ran and whether it is
irreversible. It shows as an HTML table with a plain-text twin.

``MigrationStatusWidget(runic)`` adds Refresh / Upgrade / Downgrade buttons. Downgrading
(and an upgrade whose preview drops something) asks for confirmation first and shows the
operations it would run; the methods behind the buttons (``refresh``, ``request_upgrade``,
``request_downgrade``, ``confirm``, ``cancel``) work from Python too. Without a widget
front-end the same table appears as static HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any

import ipywidgets as widgets

from runic.migrate import Runic
from runic.ogm.exceptions import OrmError

from ._fallback import StaticFallback

__all__ = ["MigrationStatus", "MigrationStatusWidget", "StatusRow", "migration_status", "preview_operations"]

CSS = """<style>
.runic-ms-table{border-collapse:collapse;font-size:12px;margin:4px 0}
.runic-ms-table th,.runic-ms-table td{padding:3px 10px;text-align:left;border-bottom:1px solid rgba(127,127,127,.25)}
.runic-ms-state{font-weight:600;border-radius:3px;padding:0 6px}
.runic-ms-current .runic-ms-state{color:#1a7f37;background:rgba(26,127,55,.12)}
.runic-ms-applied .runic-ms-state{color:#0b5cad;background:rgba(11,92,173,.10)}
.runic-ms-pending .runic-ms-state{color:#b35900;background:rgba(230,120,0,.15)}
.runic-ms-summary{font-size:12px;margin:2px 0}
.runic-ms-outcome{font-size:12px;margin:2px 0;white-space:pre-wrap}
.runic-ms-error{color:#c62828}
</style>"""

_DESTRUCTIVE = ("DROP", "RENAME", "RELABEL", "RESTORE")


@dataclass(frozen=True)
class StatusRow:
    revision: str
    message: str
    state: str  # current | applied | pending
    parents: tuple[str, ...]
    irreversible: bool = False
    changed: bool = False
    installed_by: str | None = None


@dataclass
class MigrationStatus:
    """Where a graph stands against its revision scripts (newest first)."""

    graph: str
    backend: str
    current: list[str]
    rows: list[StatusRow] = field(default_factory=list)

    @property
    def pending(self) -> list[StatusRow]:
        return [r for r in self.rows if r.state == "pending"]

    @property
    def up_to_date(self) -> bool:
        return not self.pending

    def summary(self) -> str:
        at = ", ".join(self.current) or "base"
        applied = sum(1 for r in self.rows if r.state != "pending")
        changed = sum(1 for r in self.rows if r.changed)
        text = f"{self.backend} graph {self.graph} at {at}: {applied} of {len(self.rows)} revision(s) applied, {len(self.pending)} pending"
        return text + (f", {changed} changed since applied" if changed else "")

    def to_html(self) -> str:
        body = "".join(
            f'<tr class="runic-ms-row runic-ms-{r.state}"><td><span class="runic-ms-state">{escape(r.state)}</span></td>'
            f"<td><code>{escape(r.revision)}</code></td><td>{escape(r.message)}</td>"
            f"<td>{escape(', '.join(r.parents) or 'base')}</td>"
            f"<td>{'irreversible' if r.irreversible else ''}{' · changed since applied' if r.changed else ''}</td>"
            f"<td>{escape(r.installed_by or '')}</td></tr>"
            for r in self.rows
        )
        table = (
            '<table class="runic-ms-table"><thead><tr><th>state</th><th>revision</th><th>message</th>'
            f"<th>revises</th><th>notes</th><th>installed by</th></tr></thead><tbody>{body}</tbody></table>"
            if self.rows
            else '<div class="runic-ms-summary">no revision scripts yet — create one with runic revision -m "..."</div>'
        )
        return f'<div class="runic-migration-status">{CSS}<div class="runic-ms-summary">{escape(self.summary())}</div>{table}</div>'

    def __str__(self) -> str:
        lines = [self.summary()]
        for r in self.rows:
            notes = ("irreversible " if r.irreversible else "") + ("changed" if r.changed else "")
            lines.append(f"  {r.state:<8} {r.revision:<13} {r.message}" + (f"  [{notes.strip()}]" if notes else ""))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        try:
            return self.to_html()
        except Exception as exc:  # noqa: BLE001 - a repr never raises
            return f"<pre>&lt;MigrationStatus repr-error {type(exc).__name__}&gt;</pre>"

    def __repr__(self) -> str:
        return f"<MigrationStatus {self.summary()}>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


def migration_status(runic: Runic) -> MigrationStatus:
    """Read the version record and compare it with the scripts."""
    record = runic.record()
    scripts = runic.scripts
    known = [r for r in record.revisions if r in scripts]
    applied = scripts.ancestors(known) if known else set()
    changed = {e.split(" ", 1)[0] for e in runic.validate()}
    rows = [
        StatusRow(
            revision=info.revision,
            message=info.message,
            state="current" if info.revision in record.revisions else ("applied" if info.revision in applied else "pending"),
            parents=scripts.revisions[info.revision].parents,
            irreversible=scripts.revisions[info.revision].irreversible,
            changed=info.revision in changed,
            installed_by=record.installed_by.get(info.revision),
        )
        for info in scripts.history()
    ]
    return MigrationStatus(graph=runic.adapter.name, backend=runic.adapter.backend, current=list(record.revisions), rows=rows)


def preview_operations(runic: Runic, direction: str, target: str) -> list[str]:
    """The operations an upgrade/downgrade to ``target`` would run, without running them."""
    dry = Runic(runic.adapter, runic.script_location, preview=True)
    dry._scripts = runic.scripts
    getattr(dry, direction)(target, **({"force": True} if direction == "downgrade" else {}))
    return list(dry.preview_log)


def is_destructive(operations: list[str]) -> bool:
    return any(line.startswith(_DESTRUCTIVE) or ("DELETE" in line.upper() and line.startswith("CYPHER")) for line in operations)


class MigrationStatusWidget(StaticFallback, widgets.VBox):
    """The migration status of a graph with Refresh / Upgrade / Downgrade buttons.

    ``status`` is the latest ``MigrationStatus``; ``outcome`` the latest message;
    ``pending_action`` the ``(direction, target, operations)`` awaiting confirmation.
    """

    def __init__(self, runic: Runic, **kwargs: Any) -> None:
        self.runic = runic
        self.status: MigrationStatus | None = None
        self.outcome = ""
        self.pending_action: tuple[str, str, list[str]] | None = None
        self._summary = widgets.HTML()
        self._table = widgets.HTML()
        self.target = widgets.Text(value="head", description="target", layout=widgets.Layout(width="220px"))
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh", tooltip="Read the version record again")
        self.upgrade_button = widgets.Button(description="Upgrade", icon="arrow-up", button_style="success", tooltip="Apply revisions up to the target (head, +N, an id)")
        self.downgrade_button = widgets.Button(description="Downgrade", icon="arrow-down", button_style="danger", tooltip="Undo revisions down to the target (-1, base, an id); asks first")
        self.confirm_button = widgets.Button(description="Confirm", button_style="danger")
        self.cancel_button = widgets.Button(description="Cancel")
        self._confirm_text = widgets.HTML()
        self._confirm_box = widgets.VBox([self._confirm_text, widgets.HBox([self.confirm_button, self.cancel_button])])
        self._confirm_box.layout.display = "none"
        self._outcome = widgets.HTML()
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.upgrade_button.on_click(lambda _b: self.request_upgrade(self.target.value or "head"))
        self.downgrade_button.on_click(lambda _b: self.request_downgrade(self.target.value if self.target.value not in ("", "head") else "-1"))
        self.confirm_button.on_click(lambda _b: self.confirm())
        self.cancel_button.on_click(lambda _b: self.cancel())
        buttons = widgets.HBox([self.refresh_button, self.target, self.upgrade_button, self.downgrade_button])
        super().__init__([widgets.HTML(CSS), self._summary, self._table, buttons, self._confirm_box, self._outcome], **kwargs)
        self.add_class("runic-migration-status-widget")
        self.refresh(announce=False)

    # -- actions ------------------------------------------------------------------------------
    def refresh(self, *, announce: bool = True) -> MigrationStatus | None:
        try:
            self.status = migration_status(self.runic)
        except OrmError as exc:
            self._set_outcome(f"could not read the migration status: {exc}", error=True)
            return None
        self._summary.value = f'<div class="runic-ms-summary">{escape(self.status.summary())}</div>'
        self._table.value = self.status.to_html()
        if announce:
            self._set_outcome(f"refreshed: {self.status.summary()}")
        return self.status

    def request_upgrade(self, target: str = "head") -> list[str]:
        """Upgrade now, or ask first when the preview drops, renames or deletes something."""
        operations = self._guard(lambda: preview_operations(self.runic, "upgrade", target))
        if operations is None:
            return []
        if not operations:
            self._set_outcome(f"nothing to upgrade: the graph is at {target} already")
            return []
        if is_destructive(operations):
            return self._ask("upgrade", target, operations)
        return self._do("upgrade", target)

    def request_downgrade(self, target: str = "-1") -> list[str]:
        """Show what a downgrade would undo and wait for ``confirm()``."""
        operations = self._guard(lambda: preview_operations(self.runic, "downgrade", target))
        if operations is None:
            return []
        if not operations:
            self._set_outcome("nothing to downgrade: the graph is at base")
            return []
        return self._ask("downgrade", target, operations)

    def confirm(self) -> list[str]:
        """Run the action awaiting confirmation; returns the revisions it moved through."""
        action, self.pending_action = self.pending_action, None
        self._confirm_box.layout.display = "none"
        self._set_buttons(disabled=False)
        if action is None:
            self._set_outcome("nothing to confirm")
            return []
        direction, target, _ = action
        return self._do(direction, target)

    def cancel(self) -> None:
        self.pending_action = None
        self._confirm_box.layout.display = "none"
        self._set_buttons(disabled=False)
        self._set_outcome("cancelled; nothing changed")

    # -- display ------------------------------------------------------------------------------
    def to_html(self) -> str:
        if self.status is None:
            return f'<div class="runic-ms-outcome runic-ms-error">{escape(self.outcome)}</div>'
        return self.status.to_html()

    def __repr__(self) -> str:
        return f"<MigrationStatusWidget {self.status.summary() if self.status else 'status not read'}>"

    # -- internals ----------------------------------------------------------------------------
    def _ask(self, direction: str, target: str, operations: list[str]) -> list[str]:
        self.pending_action = (direction, target, operations)
        items = "".join(f"<li><code>{escape(op)}</code></li>" for op in operations)
        self._confirm_text.value = f"<b>{escape(direction.capitalize())} to {escape(target)}?</b> It runs:<ul>{items}</ul>"
        self._confirm_box.layout.display = "flex"
        self._set_buttons(disabled=True)
        self._set_outcome(f"confirm to {direction} to {target}")
        return []

    def _do(self, direction: str, target: str) -> list[str]:
        def call() -> list[str]:
            if direction == "downgrade":
                return self.runic.downgrade(target, force=True)
            return self.runic.upgrade(target)

        done = self._guard(call)
        self.refresh(announce=False)
        if done is not None:
            at = ", ".join(self.status.current) or "base" if self.status else "?"
            self._set_outcome(f"{direction}d through {', '.join(done)}; the graph is at {at}" if done else f"nothing to {direction}")
        return done or []

    def _guard(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except OrmError as exc:
            self._set_outcome(str(exc), error=True)
            return None

    def _set_buttons(self, *, disabled: bool) -> None:
        for button in (self.refresh_button, self.upgrade_button, self.downgrade_button):
            button.disabled = disabled

    def _set_outcome(self, text: str, *, error: bool = False) -> None:
        self.outcome = text
        css = "runic-ms-outcome runic-ms-error" if error else "runic-ms-outcome"
        self._outcome.value = f'<div class="{css}">{escape(text)}</div>'

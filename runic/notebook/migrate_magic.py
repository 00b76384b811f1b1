"""``%runic migrate``: migration status and moves from a notebook, over the current connection.

    %runic migrate [status]                 where the graph stands (pending and current)
    %runic migrate history                  every revision with its state
    %runic migrate upgrade [TARGET] [--yes] apply up to TARGET (head); asks first if it drops
    %runic migrate downgrade [TARGET] --yes undo down to TARGET (-1); without --yes only shows
    %runic migrate widget                   the migration-status widget

``--scripts DIR`` names the script directory (default: the one ``runic init`` made here,
``runic/``, or where ``.runic`` points); ``-c ALIAS`` picks a connection; ``--preview``
lists the operations without running them. Everything here is ``runic.migrate.Runic`` and
``runic.notebook.widgets.migration_status`` called with the parsed arguments.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic_arguments import MagicArgumentParser

from runic.migrate import Runic

from . import connections as _connections
from .widgets.migration_status import (
    MigrationStatus,
    MigrationStatusWidget,
    is_destructive,
    migration_status,
    preview_operations,
)

__all__ = ["ACTIONS", "migrate_command", "script_location"]

ACTIONS = ("status", "history", "upgrade", "downgrade", "widget")


def _parser() -> MagicArgumentParser:
    p = MagicArgumentParser(prog="%runic migrate", add_help=False)
    p.add_argument("action", nargs="?", default="status", help=f"one of {', '.join(ACTIONS)}")
    p.add_argument("target", nargs="?", default=None, help="upgrade: head, +N or a revision; downgrade: -N, base or a revision")
    p.add_argument("--scripts", default=None, help="script directory (default: runic/ or where .runic points)")
    p.add_argument("-c", "--connection", default=None, help="connection alias (default: current)")
    p.add_argument("--yes", "-y", action="store_true", help="run without asking (downgrades and dropping upgrades ask otherwise)")
    p.add_argument("--preview", action="store_true", help="list the operations, run nothing")
    return p


def script_location(scripts: str | None) -> Path:
    """``--scripts``, else ``runic/``, else the directory ``.runic`` points at."""
    if scripts:
        location = Path(scripts)
    else:
        location = Path("runic")
        marker = Path(".runic")
        if not (location / "versions").is_dir() and marker.is_file():
            location = Path(marker.read_text().strip()).parent
    if not (location / "versions").is_dir():
        raise UsageError(f"no script directory at {location}/ — run 'runic init' in a terminal, or pass --scripts DIR")
    return location


class PlannedChange(list):
    """Operations a move would run, shown before anything runs."""

    def __init__(self, direction: str, target: str, operations: list[str], note: str) -> None:
        super().__init__(operations)
        self.direction, self.target, self.note = direction, target, note

    def __repr__(self) -> str:
        lines = [f"{self.direction} to {self.target} would run:"] + [f"  {op}" for op in self if not op.startswith("# ")] + [self.note]
        return "\n".join(lines)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def _repr_html_(self) -> str:
        from html import escape

        items = "".join(f"<li><code>{escape(op)}</code></li>" for op in self if not op.startswith("# "))
        return f"<div class='runic-ms-plan'><b>{escape(self.direction)} to {escape(self.target)}</b> would run:<ul>{items}</ul><p>{escape(self.note)}</p></div>"


def migrate_command(words: list[str]) -> Any:
    """Parse the words after ``%runic migrate`` and do it."""
    try:
        args = _parser().parse_args(words)
    except UsageError as exc:
        raise UsageError(f"{exc} — usage: %runic migrate [{'|'.join(ACTIONS)}] [TARGET] [--scripts DIR] [--yes] [--preview]") from None
    if args.action not in ACTIONS:
        from runic.ogm.exceptions import did_you_mean

        hint = did_you_mean(args.action, ACTIONS)
        raise UsageError(f"%runic migrate {args.action}: unknown action{' — ' + hint if hint else ''}; use one of {', '.join(ACTIONS)}")
    conn = _connections.registry.get(args.connection)
    runic = Runic(conn.driver, script_location(args.scripts))
    if args.action == "widget":
        return MigrationStatusWidget(runic)
    if args.action in ("status", "history"):
        status = migration_status(runic)
        if args.action == "status":
            status = MigrationStatus(status.graph, status.backend, status.current, [r for r in status.rows if r.state != "applied"])
        return status
    direction = args.action
    target = args.target or ("head" if direction == "upgrade" else "-1")
    operations = preview_operations(runic, direction, target)
    if not operations:
        print(f"nothing to {direction}: the graph is at {', '.join(runic.current_revisions()) or 'base'}")
        return migration_status(runic)
    if args.preview:
        return PlannedChange(direction, target, operations, "preview only: nothing ran")
    needs_yes = direction == "downgrade" or is_destructive(operations)
    if needs_yes and not args.yes:
        what = "undoes revisions" if direction == "downgrade" else "drops or rewrites data"
        return PlannedChange(direction, target, operations, f"nothing ran: this {what} — run it again with --yes to apply")
    done = runic.downgrade(target, force=args.yes) if direction == "downgrade" else runic.upgrade(target)
    print(f"{direction}d through {', '.join(done)}")
    return migration_status(runic)

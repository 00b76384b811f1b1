"""``SchemaDriftWidget``: declared indexes vs live ones, with buttons to act on the drift.

One row per index — ``ok`` (declared and present), ``missing`` (declared, absent),
``extra`` (present, undeclared), plus ``unsupported`` / ``unverified`` where the backend
cannot hold or list a kind. Buttons: Refresh, Apply missing, Drop extra (asks first),
Export (JSON file plus a download link). Every button goes through the public
``SchemaManager`` / ``IndexManager`` API, shows progress and its outcome, then refreshes.
Without a widget front-end the same table appears as static HTML.

    SchemaDriftWidget(SchemaManager(driver, models=[Person]))
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from runic.ogm.exceptions import OrmError

from ._fallback import StaticFallback

__all__ = ["SchemaDriftWidget", "drift_rows", "render_drift_table", "render_errors", "unreadable"]

_STATUS_HELP = {
    "ok": "declared and present",
    "missing": "declared, not in the database",
    "extra": "in the database, not declared",
    "unsupported": "declared, but this backend cannot hold it",
    "unverified": "declared, of a kind this backend does not list",
    "unknown": "declared; the live indexes could not be read, so whether it exists is unknown",
}

CSS = """<style>
.runic-sd-table{border-collapse:collapse;font-size:12px;margin:4px 0}
.runic-sd-table th,.runic-sd-table td{padding:3px 10px;text-align:left;border-bottom:1px solid rgba(127,127,127,.25)}
.runic-sd-status{font-weight:600;border-radius:3px;padding:0 6px}
.runic-sd-ok .runic-sd-status{color:#1a7f37;background:rgba(26,127,55,.12)}
.runic-sd-missing .runic-sd-status{color:#b35900;background:rgba(230,120,0,.15)}
.runic-sd-extra .runic-sd-status{color:#c62828;background:rgba(198,40,40,.13)}
.runic-sd-unsupported .runic-sd-status,.runic-sd-unverified .runic-sd-status{color:inherit;opacity:.7;background:rgba(127,127,127,.15)}
.runic-sd-summary{font-size:12px;margin:2px 0}
.runic-sd-outcome{font-size:12px;margin:2px 0;white-space:pre-wrap}
.runic-sd-unknown .runic-sd-status{color:inherit;background:rgba(127,127,127,.15);font-style:italic}
.runic-sd-error{color:#c62828}
.runic-sd-errors{color:#c62828;font-size:12px;margin:2px 0 4px 0;padding-left:18px;white-space:pre-wrap}
</style>"""


def _kind(spec: Any) -> str:
    kind = spec.index_type + (" unique" if getattr(spec, "unique", False) else "")
    if spec.index_type == "vector" and getattr(spec, "dimension", None):
        kind += f" ({spec.dimension}, {spec.similarity})"
    return kind


def unreadable(result: Any) -> bool:
    """Did reading the live schema fail (so nothing can be called missing or extra)?"""
    return bool(getattr(result, "errors", None))


def drift_rows(result: Any) -> list[tuple[str, Any]]:
    """``(status, spec)`` rows; when the live schema could not be read, a declared index
    that was not found is ``unknown``, never ``missing``."""
    rows = result.rows()
    if unreadable(result):
        rows = [("unknown" if status == "missing" else status, spec) for status, spec in rows]
    return rows


def render_errors(result: Any) -> str:
    """The errors met reading the live schema, as a list (empty string when none)."""
    errors = list(getattr(result, "errors", None) or [])
    if not errors:
        return ""
    return '<ul class="runic-sd-errors">' + "".join(f"<li>{escape(str(e))}</li>" for e in errors) + "</ul>"


def render_drift_table(result: Any) -> str:
    """The rows of a ``ValidationResult`` as an HTML table with status colours."""
    rows = drift_rows(result)
    if not rows:
        return '<div class="runic-sd-summary">no indexes declared and none in the database</div>'
    body = "".join(
        f'<tr class="runic-sd-row runic-sd-{status}" title="{escape(_STATUS_HELP[status])}">'
        f'<td><span class="runic-sd-status">{escape(status)}</span></td>'
        f"<td>{escape(spec.entity)}</td><td>{escape(spec.label)}</td><td>{escape(spec.field)}</td>"
        f"<td>{escape(_kind(spec))}</td><td>{escape(spec.name or '')}</td></tr>"
        for status, spec in rows
    )
    return (
        '<table class="runic-sd-table"><thead><tr><th>status</th><th>entity</th><th>label / type</th>'
        f"<th>property</th><th>index</th><th>name</th></tr></thead><tbody>{body}</tbody></table>"
    )


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip().split("\n", 1)[0]
    return text if isinstance(exc, OrmError) else f"{type(exc).__name__}: {text}"


def _export_file_name(graph: Any) -> str:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(graph or "graph"))
    return f"runic-schema-{name}.json"


class SchemaDriftWidget(StaticFallback, widgets.VBox):
    """Declared vs live indexes of a ``SchemaManager``, with Refresh / Apply missing /
    Drop extra / Export buttons.

    ``export_dir`` is where Export writes its JSON file (default: the current directory).
    The methods behind the buttons — ``refresh()``, ``apply_missing()``,
    ``request_drop()`` + ``confirm_drop()`` / ``cancel_drop()`` and ``export()`` — can be
    called from Python too; ``result`` is the latest ``ValidationResult`` and ``outcome``
    the latest message.
    """

    def __init__(self, schema_manager: Any, *, export_dir: str | Path | None = None, **kwargs: Any) -> None:
        self.manager = schema_manager
        self.export_dir = Path(export_dir) if export_dir is not None else Path.cwd()
        self.result: Any = None
        self.outcome = ""
        self.exported_path: Path | None = None
        self._pending_drop: list[Any] = []

        self._summary = widgets.HTML()
        self._table = widgets.HTML()
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh", tooltip="Read the live indexes again")
        self.apply_button = widgets.Button(
            description="Apply missing", icon="plus", button_style="success", tooltip="Create the declared indexes the database lacks"
        )
        self.drop_button = widgets.Button(
            description="Drop extra", icon="trash", button_style="danger", tooltip="Drop indexes no model declares (asks first)"
        )
        self.export_button = widgets.Button(description="Export", icon="download", tooltip="Write the schema state as JSON")
        self.confirm_button = widgets.Button(description="Confirm drop", button_style="danger")
        self.cancel_button = widgets.Button(description="Cancel")
        self._confirm_text = widgets.HTML()
        self._confirm_box = widgets.HBox([self._confirm_text, self.confirm_button, self.cancel_button])
        self._confirm_box.layout.display = "none"
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="", bar_style="info")
        self.progress.layout.display = "none"
        self._outcome = widgets.HTML()
        self._link = widgets.HTML()

        self.refresh_button.on_click(lambda _b: self.refresh())
        self.apply_button.on_click(lambda _b: self.apply_missing())
        self.drop_button.on_click(lambda _b: self.request_drop())
        self.confirm_button.on_click(lambda _b: self.confirm_drop())
        self.cancel_button.on_click(lambda _b: self.cancel_drop())
        self.export_button.on_click(lambda _b: self.export())

        buttons = widgets.HBox([self.refresh_button, self.apply_button, self.drop_button, self.export_button])
        super().__init__(
            [widgets.HTML(CSS), self._summary, self._table, buttons, self._confirm_box, self.progress, self._outcome, self._link],
            **kwargs,
        )
        self.add_class("runic-schema-drift")
        self.refresh(announce=False)

    # -- actions -----------------------------------------------------------------------------

    def refresh(self, *, announce: bool = True) -> Any:
        """Compare declared and live indexes again; returns the ``ValidationResult``."""
        try:
            self.result = self.manager.validate()
        except Exception as exc:  # noqa: BLE001 - shown in place, the widget stays usable
            self.result = None
            self._summary.value = f'<div class="runic-sd-summary runic-sd-error">{escape(self._summary_text())}</div>'
            self._table.value = f'<ul class="runic-sd-errors"><li>{escape(_error_text(exc))}</li></ul>'
            self._set_buttons(disabled=bool(self._pending_drop))
            self._set_outcome(f"could not read the schema: {_error_text(exc)}", error=True)
            return None
        self._render()
        if unreadable(self.result):
            self._set_outcome(f"could not read the live indexes ({len(self.result.errors)} error(s), listed above); nothing is shown as missing or extra and Apply / Drop stay off until Refresh succeeds", error=True)
        elif announce:
            self._set_outcome(f"refreshed: {self.result.summary()}")
        return self.result

    def _drift(self, verb: str, which: str, none: str) -> list[Any]:
        """The ``missing`` or ``extra`` indexes of the last reading; when there are none to
        act on (or the reading failed), the outcome line says why and the list is empty."""
        if self.result is None or unreadable(self.result):
            self._set_outcome(f"cannot {verb}: the live indexes could not be read — press Refresh once the database answers", error=True)
            return []
        found = list(getattr(self.result, which))
        if not found:
            self._set_outcome(f"nothing to {verb}: {none}")
        return found

    def apply_missing(self) -> list[Any]:
        """Create the missing indexes (``SchemaManager.sync(drop_extra=False)``); returns those created."""
        missing = self._drift("apply", "missing", "no declared index is missing")
        if not missing:
            return []
        report = self._run(f"creating {len(missing)} index(es)", len(missing), lambda: self.manager.sync(drop_extra=False))
        if report is None:
            return []
        lines = [f"created {len(report.created)} index(es)"] + [f"  + {s.describe()}" for s in report.created]
        lines += [f"  skipped (unsupported) {s.describe()}" for s in report.unsupported]
        self.refresh(announce=False)
        self._set_outcome("\n".join(lines))
        return list(report.created)

    def request_drop(self) -> list[Any]:
        """Ask for confirmation before dropping the extra indexes; returns what would be dropped."""
        extra = self._drift("drop", "extra", "every live index is declared")
        if not extra:
            return []
        self._pending_drop = extra
        names = ", ".join(escape(s.describe()) for s in extra)
        self._confirm_text.value = f"<b>Drop {len(extra)} index(es)?</b> {names}"
        self._confirm_box.layout.display = "flex"
        self._set_buttons(disabled=True)
        self._set_outcome(f"confirm to drop {len(extra)} index(es) no model declares")
        return extra

    def confirm_drop(self) -> list[Any]:
        """Drop the indexes listed by ``request_drop()`` (``IndexManager.drop``); returns those dropped."""
        pending, self._pending_drop = self._pending_drop, []
        self._confirm_box.layout.display = "none"
        self._set_buttons(disabled=False)
        if not pending:
            self._set_outcome("nothing to drop: press Drop extra first")
            return []
        dropped = self._run(f"dropping {len(pending)} index(es)", len(pending), lambda: self.manager.indexes.drop(pending))
        if dropped is None:
            return []
        self.refresh(announce=False)
        self._set_outcome("\n".join([f"dropped {len(dropped)} index(es)"] + [f"  - {s.describe()}" for s in dropped]))
        return list(dropped)

    def cancel_drop(self) -> None:
        """Forget a pending drop; nothing changes in the database."""
        self._pending_drop = []
        self._confirm_box.layout.display = "none"
        self._set_buttons(disabled=False)
        self._set_outcome("drop cancelled; nothing changed")

    def export(self, path: str | Path | None = None) -> Path | None:
        """Write ``SchemaManager.export_json()`` to ``path`` (default: export_dir/runic-schema-<graph>.json)
        and offer it as a download link; returns the file written."""
        text = self._run("exporting", 1, self.manager.export_json)
        if text is None:
            return None
        if path is None:
            graph = getattr(self.manager.driver, "graph_name", None) or getattr(self.manager.driver, "graph", None)
            path = self.export_dir / _export_file_name(graph if isinstance(graph, str) else None)
        target = Path(path)
        try:
            target.write_text(text, encoding="utf-8")
        except OSError as exc:
            self._set_outcome(f"could not write {target}: {exc.strerror or exc} — pass export(path=...) to choose another place", error=True)
            return None
        self.exported_path = target
        payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
        self._link.value = (
            f'<a download="{escape(target.name)}" href="data:application/json;base64,{payload}" '
            f'class="runic-sd-download">download {escape(target.name)}</a>'
        )
        self.refresh(announce=False)
        self._set_outcome(f"exported the schema state to {target}")
        return target

    # -- display -----------------------------------------------------------------------------

    def to_html(self) -> str:
        """The static form: summary line and table, no buttons."""
        if self.result is None:
            return f'<div class="runic-schema-drift-static">{CSS}<div class="runic-sd-outcome runic-sd-error">{escape(self.outcome)}</div></div>'
        return (
            f'<div class="runic-schema-drift-static">{CSS}'
            f'<div class="runic-sd-summary">{escape(self._summary_text())}</div>'
            f"{render_errors(self.result)}{render_drift_table(self.result)}</div>"
        )

    def __repr__(self) -> str:
        return f"<SchemaDriftWidget {self._summary_text()}>"

    # -- internals -----------------------------------------------------------------------------

    def _summary_text(self) -> str:
        if self.result is None:
            return "schema not read"
        backend = getattr(self.result, "backend", None)
        prefix = f"{backend}: " if backend else ""
        if unreadable(self.result):
            declared = len(getattr(self.result, "declared", []) or [])
            return f"{prefix}the live indexes could not be read ({len(self.result.errors)} error(s)); {declared} declared index(es) not checked"
        return prefix + self.result.summary()

    def _render(self) -> None:
        css = "runic-sd-summary runic-sd-error" if unreadable(self.result) else "runic-sd-summary"
        self._summary.value = f'<div class="{css}">{escape(self._summary_text())}</div>'
        self._table.value = render_errors(self.result) + render_drift_table(self.result)
        self._set_buttons(disabled=bool(self._pending_drop))

    def _set_buttons(self, *, disabled: bool) -> None:
        self.refresh_button.disabled = disabled
        self.export_button.disabled = disabled
        readable = self.result is not None and not unreadable(self.result)
        self.apply_button.disabled = disabled or not (readable and self.result.missing)
        self.drop_button.disabled = disabled or not (readable and self.result.extra)

    def _set_outcome(self, text: str, *, error: bool = False) -> None:
        self.outcome = text
        css = "runic-sd-outcome runic-sd-error" if error else "runic-sd-outcome"
        self._outcome.value = f'<div class="{css}">{escape(text)}</div>'

    def _run(self, what: str, steps: int, call: Callable[[], Any]) -> Any:
        """Run one manager call with the progress bar showing; errors become the outcome."""
        self.progress.max = max(steps, 1)
        self.progress.value = 0
        self.progress.description = what
        self.progress.bar_style = "info"
        self.progress.layout.display = "flex"
        self._set_buttons(disabled=True)
        self._set_outcome(f"{what}…")
        try:
            value = call()
        except OrmError as exc:
            self.progress.bar_style = "danger"
            self._set_buttons(disabled=False)
            self.refresh(announce=False)
            self._set_outcome(f"{what} failed: {exc}", error=True)
            return None
        self.progress.value = self.progress.max
        self.progress.bar_style = "success"
        self.progress.layout.display = "none"
        self._set_buttons(disabled=False)
        return value

"""Writing revision files for the migration tests."""

from __future__ import annotations

import textwrap
from pathlib import Path


def write_revision(
    location: Path,
    rev: str,
    down: str | tuple[str, ...] | None,
    upgrade: str = "pass",
    downgrade: str = "pass",
    *,
    message: str | None = None,
    irreversible: bool = False,
    snapshot: bool = False,
    depends_on: tuple[str, ...] = (),
    branch_labels: tuple[str, ...] = (),
    date: str = "2026-01-01T00:00:00+00:00",
) -> Path:
    """A revision file with the given bodies (each a block of Python statements on ``op``)."""
    body_up = textwrap.indent(textwrap.dedent(upgrade).strip() or "pass", "    ")
    body_down = textwrap.indent(textwrap.dedent(downgrade).strip() or "pass", "    ")
    text = (
        f'"""{message or rev}"""\n'
        "from datetime import datetime\n"
        f"message = {message or rev!r}\n"
        f"create_date = datetime.fromisoformat({date!r})\n"
        f"revision = {rev!r}\n"
        f"down_revision = {down!r}\n"
        f"branch_labels = {list(branch_labels)!r}\n"
        f"depends_on = {list(depends_on)!r}\n"
        f"irreversible = {irreversible!r}\n"
        f"snapshot = {snapshot!r}\n\n\n"
        f"def upgrade(op):\n{body_up}\n\n\n"
        f"def downgrade(op):\n{body_down}\n"
    )
    path = location / "versions" / f"{rev}_{(message or rev).replace(' ', '_')}.py"
    path.write_text(text)
    return path

"""``init``: lay out a new migration environment on disk."""

from __future__ import annotations

import shutil
from pathlib import Path

__all__ = ["init"]

TEMPLATES = Path(__file__).parent / "templates"


def init(directory: Path | str = "runic", *, force: bool = False) -> list[Path]:
    """Create ``directory`` with ``env.py``, ``script.py.mako`` and ``versions/``.

    An existing directory raises ``FileExistsError`` unless ``force=True`` (which rewrites
    the two files and keeps ``versions/``). Returns the paths created."""
    root = Path(directory)
    if root.exists() and not force:
        raise FileExistsError(f"{root} exists already — pick another directory, or pass force=True (--force) to rewrite env.py and the template")
    versions = root / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    (versions / ".gitkeep").touch()
    env = root / "env.py"
    env.write_text((TEMPLATES / "env.py.mako").read_text())
    template = root / "script.py.mako"
    shutil.copyfile(TEMPLATES / "script.py.mako", template)
    return [env, template, versions]

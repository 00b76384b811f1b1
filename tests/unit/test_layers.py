"""The layers point one way, and the notebook layer uses the OGM's public API only.

The import-linter contracts in pyproject.toml are the statement of the layers; this file
runs them inside the suite, so an import from a lower package to a higher one (even
inside a function) fails a test, not only `make test`'s `lint-imports` step.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "runic" / "notebook"


def test_import_contracts_in_pyproject_are_kept():
    # in a child process: import-linter configures logging, which would silence runic's loggers here
    check = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True))"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", check, str(ROOT / "pyproject.toml")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def _ogm_imports(path: Path):
    """(line, module, imported names) of every runic.ogm import in a file, nested ones included."""
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("runic.ogm"):
                    yield node.lineno, alias.name, ()
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("runic.ogm"):
            yield node.lineno, node.module, tuple(alias.name for alias in node.names)


def _private_uses(path: Path) -> list[str]:
    found = []
    for line, module, names in _ogm_imports(path):
        if any(part.startswith("_") for part in module.split(".")):
            found.append(f"{path.name}:{line} imports the private module {module}")
        for name in names:
            if name.startswith("_"):
                found.append(f"{path.name}:{line} imports the private name {module}.{name}")
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_runic"):
            found.append(f"{path.name}:{node.lineno} reads the OGM's private attribute .{node.attr}")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("_runic"):
            found.append(f"{path.name}:{node.lineno} names the OGM's private attribute {node.value!r}")
    return found


def test_notebook_layer_uses_only_public_ogm_modules_and_names():
    files = sorted(NOTEBOOK.rglob("*.py"))
    assert files, "the notebook package was not found"
    problems = [p for path in files for p in _private_uses(path)]
    assert problems == [], "\n".join(problems)


def test_private_use_check_catches_a_private_module_and_attribute(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(x):\n"
        "    from runic.ogm.session._core import state_of\n"
        "    return x._runic_state, getattr(x, '_runic_state')\n"
    )
    problems = _private_uses(sample)
    assert len(problems) == 3, problems

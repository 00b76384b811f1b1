"""Replay the Binder build without Docker: a copy of the repository, a fresh venv,
``binder/requirements.txt`` then ``binder/postBuild`` — and the quickstart must pass nbval there."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.notebook, pytest.mark.timeout(2400)]

REPO = Path(__file__).resolve().parents[2]
QUICKSTART = "notebooks/01-quickstart.ipynb"
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "artifacts", "__pycache__", ".pytest_cache", "*.egg-info",
    "build", "dist", ".ipynb_checkpoints", "labextension", "lib", "tsconfig.tsbuildinfo", ".yarn",
)


def run(command: list[str], cwd: Path, env: dict[str, str], what: str) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{what} failed ({done.returncode}):\n{output[-4000:]}"
    return output


@pytest.fixture(scope="module")
def binder_env(tmp_path_factory):
    """(repository copy, venv, environment) after the Binder build steps."""
    base = tmp_path_factory.mktemp("binder")
    repo = base / "repo"
    shutil.copytree(REPO, repo, ignore=NOT_COPIED)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = dict(os.environ)
    env.pop("VIRTUAL_ENV", None)
    env.update(
        PATH=f"{venv / 'bin'}:{env.get('PATH', '')}",
        VENV=str(venv),
        JUPYTER_CONFIG_DIR=str(base / "jupyter-config"),
        JUPYTER_DATA_DIR=str(base / "jupyter-data"),
        IPYTHONDIR=str(base / "ipython"),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    run(pip + ["-r", "binder/requirements.txt"], repo, env, "pip install -r binder/requirements.txt")
    run(["bash", "binder/postBuild"], repo, env, "binder/postBuild")
    return repo, venv, env


def test_binder_build_installs_runic_and_its_lab_extension(binder_env):
    repo, venv, env = binder_env
    listing = run([str(venv / "bin" / "jupyter"), "labextension", "list"], repo, env, "jupyter labextension list")
    assert "runic-lab" in listing and "enabled" in listing
    installed = venv / "share" / "jupyter" / "labextensions" / "runic-lab" / "package.json"
    assert installed.exists(), f"{installed} missing: pip install did not place the extension"
    version = run([str(venv / "bin" / "python"), "-c", "import runic; print(runic.__file__)"], base_dir(repo), env, "import runic")
    assert str(venv) in version, "runic must be imported from the Binder venv, not the working tree"


def test_quickstart_passes_nbval_in_the_binder_environment(binder_env):
    repo, venv, env = binder_env
    assert (repo / QUICKSTART).exists(), f"{QUICKSTART} is missing"
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "pytest", "nbval"], repo, env, "install nbval")
    sanitize = ["--nbval-sanitize-with", "notebooks/sanitize.cfg"] if (repo / "notebooks/sanitize.cfg").exists() else []
    output = run(
        [str(venv / "bin" / "python"), "-m", "pytest", "--nbval", *sanitize, "--nbval-current-env",
         "-p", "no:cacheprovider", "-o", "addopts=", "--rootdir", str(repo), QUICKSTART],
        repo, env, "nbval on the quickstart",
    )
    assert " passed" in output and "failed" not in output


def base_dir(repo: Path) -> Path:
    """A directory outside the repository copy, so `import runic` cannot pick up its source tree."""
    return repo.parent

"""The ``runic`` console script in a subprocess, against each live backend."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def runic_command() -> list[str]:
    """The installed console script beside this Python, else the same entry point run by module."""
    script = Path(sys.executable).parent / "runic"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "runic.migrate.cli"]


@pytest.fixture
def backend_url(request, backend, driver) -> tuple[str, str | None]:
    """``(url, password)`` of the test's graph on ``backend``."""
    if backend == "falkordb":
        return f"unix://{driver.embedded.unix_socket_path}?graph={driver.graph_name}", None
    if backend == "arcadedb":
        server = request.getfixturevalue("arcadedb_server")
        return (
            f"arcadedb://{server.username}:{server.password}@{server.host}:{server.bolt_port}/{driver.database}?http_port={server.http_port}",
            server.password,
        )
    if backend == "age":
        kw = request.getfixturevalue("age_server").connect_kwargs()
        return f"postgresql://{kw['username']}:{kw['password']}@{kw['host']}:{kw['port']}/{kw['database']}?graph={driver.graph_name}", str(kw["password"])
    pytest.fail(f"no URL form for {backend}")


class Cli:
    def __init__(self, cwd: Path, url: str, password: str | None) -> None:
        self.cwd, self.url, self.password = cwd, url, password

    def __call__(self, *args: str, code: int = 0, url_in_env: bool = True) -> str:
        env = {**os.environ, "RUNIC_URL": self.url, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
        if not url_in_env:
            env.pop("RUNIC_URL")
        done = subprocess.run([*runic_command(), *args], cwd=self.cwd, env=env, capture_output=True, text=True, timeout=240, check=False)
        out = done.stdout + done.stderr
        assert done.returncode == code, f"runic {' '.join(args)} exited {done.returncode}:\n{out}"
        if self.password:
            assert self.password not in out, "a password was printed"
        return out


@pytest.fixture
def cli(tmp_path, backend_url) -> Cli:
    return Cli(tmp_path, *backend_url)


def _new_revision(cli: Cli, message: str, upgrade: str, downgrade: str) -> tuple[str, Path]:
    out = cli("revision", "-m", message)
    path = cli.cwd / re.search(r"Created revision: (\S+)", out).group(1)
    text = path.read_text()
    text = text.replace("def upgrade(op: Any) -> None:\n    pass", f"def upgrade(op: Any) -> None:\n    {upgrade}")
    text = text.replace("def downgrade(op: Any) -> None:\n    pass", f"def downgrade(op: Any) -> None:\n    {downgrade}")
    path.write_text(text)
    return path.name.split("_", 1)[0], path


def test_cli_runs_the_whole_cycle(cli, driver):
    assert "Created runic environment at runic/" in cli("init")
    first, _ = _new_revision(cli, "add people", "op.seed('MERGE (:Person {name: row.n})', [{'n': 'ada'}, {'n': 'bob'}])", "op.run_cypher('MATCH (p:Person) DELETE p')")
    second, _ = _new_revision(cli, "index names", "op.create_range_index('Person', 'name')", "op.drop_range_index('Person', 'name')")
    assert f"{second}  index names  (single head)" in cli("heads")
    assert "CREATE RANGE INDEX: Person.name" in cli("upgrade", "--preview")
    assert cli("current").strip() == "<none>"
    assert f"Upgraded to: {second}" in cli("upgrade")
    assert driver.execute("MATCH (p:Person) RETURN count(p)").rows[0][0] == 2
    assert cli("current").strip() == f"{second} — index names"
    history = cli("history")
    assert re.search(rf"\* {second}\s+\(current, head\)\s+index names", history)
    assert re.search(rf"\* {first}\s+add people", history)
    assert "All checksums valid." in cli("validate")
    assert f"Revises:       {first}" in cli("show", second[:6])
    assert f"Downgraded to: {first}" in cli("downgrade")
    assert "Downgraded to: base" in cli("downgrade", "base")
    assert driver.execute("MATCH (p:Person) RETURN count(p)").rows[0][0] == 0
    assert "Stamped: " + first in cli("stamp", first)
    assert "Pending  : 1" in cli("info")


def test_cli_bad_input_exits_1_and_changes_nothing(cli, driver):
    cli("init")
    rev, path = _new_revision(cli, "one", "op.run_cypher('CREATE (:Mig)')", "op.run_cypher('MATCH (m:Mig) DELETE m')")
    cli("upgrade")
    out = cli("upgrade", "nosuchrev", code=1)
    assert "Error: no revision 'nosuchrev'" in out
    path.write_text(path.read_text() + "\n# edited\n")
    out = cli("validate", code=1)
    assert f"x {rev} (one): checksum mismatch" in out
    out = cli("upgrade", "--validate-on-migrate", code=1)
    assert "nothing was applied" in out
    text = path.read_text().replace("irreversible = False", "irreversible = True")
    path.write_text(text)
    assert "is marked irreversible" in cli("downgrade", "base", code=1)
    assert cli("current").strip() == f"{rev} — one"
    assert driver.execute("MATCH (m:Mig) RETURN count(m)").rows[0][0] == 1
    _new_revision(cli, "left", "pass", "pass")
    cli("revision", "-m", "right", "--head", rev)
    assert "MULTIPLE HEADS" in cli("heads")
    assert "heads" in cli("upgrade", code=1)
    heads = re.findall(r"^(\w+)  ", cli("heads"), re.MULTILINE)
    assert "Created revision" in cli("merge", *heads, "-m", "join")
    assert "(single head)" in cli("heads")


def test_cli_check_autogenerate_and_round_trip_test(cli, driver):
    cli("init")
    env = cli.cwd / "runic" / "env.py"
    env.write_text(
        env.read_text().replace(
            "target_manifest = None",
            "from runic.migrate import RangeIndex, SchemaManifest, UniqueConstraint\n"
            "target_manifest = SchemaManifest(range_indexes=[RangeIndex('Book', 'title')], constraints=[UniqueConstraint('NODE', 'Book', ['isbn'])])",
        )
    )
    out = cli("check", code=1)
    assert "+ op.create_range_index('Book', 'title')" in out and "+ op.create_constraint('UNIQUE', 'NODE', 'Book', ['isbn'])" in out
    preview = cli("revision", "--autogenerate", "-m", "books", "--preview")
    assert "# Would create:" in preview and "op.drop_range_index('Book', 'title')" in preview
    assert not list((cli.cwd / "runic" / "versions").glob("*.py"))
    assert "[generated — review before applying]" in cli("revision", "--autogenerate", "-m", "books")
    cli("upgrade")
    assert "Schema up-to-date." in cli("check")
    assert "No schema changes detected." in cli("revision", "--autogenerate", "-m", "nothing")
    out = cli("test")
    assert "PASSED" in out and re.search(r"downgrade:\s+✓\s+nodes=0\s+indexes=0\s+constraints=0", out)
    assert re.search(r"upgrade again:\s+✓\s+nodes=0\s+indexes=1\s+constraints=1", out)
    assert "Schema up-to-date." in cli("check")


def test_cli_url_option_connects_without_the_environment_variable(cli, driver):
    cli("init")
    rev, _ = _new_revision(cli, "one", "op.run_cypher('CREATE (:Mig)')", "op.run_cypher('MATCH (m:Mig) DELETE m')")
    assert f"Upgraded to: {rev}" in cli("upgrade", "--url", cli.url, url_in_env=False)
    assert driver.execute("MATCH (m:Mig) RETURN count(m)").rows[0][0] == 1
    out = cli("current", "--url", cli.url, "--config", "runic/env.py", url_in_env=False)
    assert out.strip() == f"{rev} — one"


def test_cli_check_without_a_target_says_how_to_set_one(cli):
    cli("init")
    out = cli("check", code=1)
    assert "no target schema" in out and "target_manifest" in out

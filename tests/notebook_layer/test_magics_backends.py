"""%runic on every backend: ``%runic connect <url>``, a ``%%runic`` cell, ``%runic schema``
and ``--readonly`` refusing a write, in a real IPython shell against FalkorDB (unix
socket), ArcadeDB (``arcadedb://``, and ``bolt://`` with ``?dialect=arcadedb``) and Apache AGE
(``postgresql://``). The password of a URL never shows in any output."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from IPython.core.error import UsageError

#: (test id, backend): ArcadeDB is reached both as ``arcadedb://`` and as ``bolt://?dialect=arcadedb``
TARGETS = [
    ("falkordb", "falkordb"),
    ("arcadedb", "arcadedb"),
    ("arcadedb-bolt", "arcadedb"),
    ("age", "age"),
]
pytestmark = [pytest.mark.integration]


@dataclass
class Target:
    backend: str
    url: str
    password: str | None
    label: str


@pytest.fixture(params=[backend for _, backend in TARGETS], ids=[name for name, _ in TARGETS])
def target(request):
    backend = request.param
    scheme = "bolt" if request.node.callspec.id.startswith("arcadedb-bolt") else "arcadedb"
    request.applymarker(getattr(pytest.mark, backend))
    label = f"Mb_{uuid.uuid4().hex[:8]}"
    if backend == "falkordb":
        server = request.getfixturevalue("embedded_falkordb")
        graph = f"nb_{uuid.uuid4().hex[:12]}"
        yield Target(backend, f"unix://{server.unix_socket_path}?graph={graph}", None, label)
    elif backend == "arcadedb":
        server = request.getfixturevalue("arcadedb_server")
        database = request.getfixturevalue("arcadedb_database")
        login = (
            f"{server.username}:{quote(server.password, safe='')}@{server.host}:{server.bolt_port}"
        )
        query = f"http_port={server.http_port}"
        if scheme == "bolt":
            query = f"dialect=arcadedb&{query}"
        url = f"{scheme}://{login}/{database}?{query}"
        yield Target(backend, url, server.password, label)
    else:
        server = request.getfixturevalue("age_server")
        graph = f"nb_{uuid.uuid4().hex[:12]}"
        yield Target(backend, f"{server.url}?graph={graph}", server.password, label)


@pytest.fixture
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    from runic.notebook.connections import registry

    ip = InteractiveShell.instance()
    before = set(ip.user_ns)
    ip.run_line_magic("load_ext", "runic")
    yield ip
    try:
        for conn in list(registry):
            if conn.closed:
                continue
            if conn.driver.backend == "age" and not conn.readonly:
                conn.driver.drop_graph()
            elif conn.driver.backend == "falkordb" and not conn.readonly:
                conn.driver.execute("MATCH (n) DETACH DELETE n")
    finally:
        registry.close_all()
        for name in set(ip.user_ns) - before:
            ip.user_ns.pop(name, None)
        ip.run_line_magic("unload_ext", "runic")


def run(ip, source: str, capsys):
    """Run a notebook cell as the kernel does; return (ExecutionResult, all printed output)."""
    outcome = ip.run_cell(source)
    out = capsys.readouterr()
    return outcome, out.out + out.err


def assert_no_password(target: Target, *texts: str) -> None:
    if target.password:
        for text in texts:
            assert target.password not in text
            assert quote(target.password, safe="") not in text


def count(ip, label: str, alias: str = "nb") -> int:
    result = ip.run_cell_magic("runic", f"-c {alias}", f"MATCH (n:{label}) RETURN count(n) AS c")
    return result.value()


def test_connect_then_a_cell_runs_on_the_backend(shell, target, capsys):
    outcome, out = run(shell, f"%runic connect {target.url} --alias nb", capsys)
    assert outcome.success, outcome.error_in_exec
    assert "connected nb →" in out
    assert_no_password(target, out)
    from runic.notebook.connections import registry

    conn = registry.get("nb")
    assert conn.driver.backend == target.backend
    assert_no_password(
        target, repr(conn), conn.url, repr(shell.run_line_magic("runic", "connections"))
    )

    outcome, out = run(
        shell,
        f"%%runic created <<\nCREATE (a:{target.label} {{name: 'Ada', age: 36}}), (b:{target.label} {{name: 'Bob', age: 25}})",
        capsys,
    )
    assert outcome.success, outcome.error_in_exec
    shell.user_ns["min_age"] = 30
    outcome, out = run(
        shell,
        f"%%runic people <<\nMATCH (p:{target.label}) WHERE p.age > $min_age RETURN p.name AS name, p.age AS age",
        capsys,
    )
    assert outcome.success, outcome.error_in_exec
    assert shell.user_ns["people"].records == [{"name": "Ada", "age": 36}]
    assert "Ada" in out and "Bob" not in out
    assert_no_password(target, out)


def test_schema_lists_the_live_labels_and_keys(shell, target, capsys):
    shell.run_line_magic("runic", f"connect {target.url} --alias nb")
    shell.run_cell_magic("runic", "", f"CREATE (:{target.label} {{name: 'Ada', nickname: 'A'}})")
    from runic.notebook.connections import registry
    from runic.ogm.schema.index_manager import IndexSpec

    index = IndexSpec(target.label, "name")
    unique = IndexSpec(target.label, "nickname", unique=True)
    registry.get("nb").driver.schema.create_index(index)
    registry.get("nb").driver.schema.create_index(unique)
    capsys.readouterr()
    outcome, out = run(shell, "report = %runic schema", capsys)
    assert outcome.success, outcome.error_in_exec
    report = shell.user_ns["report"]
    assert report.alias == "nb"
    assert target.label in report.labels
    assert {"name", "nickname"} <= set(report.keys)
    assert index in report.indexes and unique in report.indexes
    assert report.drift is not None and index in report.drift.live
    text, page = repr(report), report._repr_html_()
    assert target.label in text and target.label in page
    outcome, shown = run(shell, "%runic schema", capsys)
    assert outcome.success and f"{target.label}.name (exact)" in shown
    assert f"{target.label}.nickname (unique)" in shown
    assert f"{target.label}.nickname (exact)" not in shown
    assert f"{target.label}.nickname (unique)" in page
    assert_no_password(target, out, text, page, shown)


def test_readonly_cell_refuses_a_write_and_leaves_the_graph_unchanged(shell, target, capsys):
    shell.run_line_magic("runic", f"connect {target.url} --alias nb")
    shell.run_cell_magic("runic", "", f"CREATE (:{target.label} {{name: 'Ada'}})")
    capsys.readouterr()
    outcome, out = run(
        shell, f"%%runic --readonly\nCREATE (:{target.label} {{name: 'Eve'}})", capsys
    )
    assert not outcome.success
    assert isinstance(outcome.error_in_exec, UsageError)
    assert "read-only" in str(outcome.error_in_exec) and "nothing was kept" in str(
        outcome.error_in_exec
    )
    assert_no_password(target, out, str(outcome.error_in_exec))
    assert count(shell, target.label) == 1
    names = shell.run_cell_magic(
        "runic", "", f"MATCH (n:{target.label}) RETURN n.name AS name"
    ).values("name")
    assert names == ["Ada"]


def test_readonly_connection_refuses_a_write_and_leaves_the_graph_unchanged(shell, target, capsys):
    shell.run_line_magic("runic", f"connect {target.url} --alias nb")
    shell.run_cell_magic("runic", "", f"CREATE (:{target.label} {{name: 'Ada'}})")
    outcome, out = run(shell, f"%runic connect {target.url} --alias ro --readonly", capsys)
    assert outcome.success, outcome.error_in_exec
    assert "(read-only)" in out
    outcome, out = run(shell, f"%%runic -c ro\nCREATE (:{target.label} {{name: 'Eve'}})", capsys)
    assert not outcome.success
    assert isinstance(outcome.error_in_exec, UsageError)
    assert "read-only" in str(outcome.error_in_exec) and "nothing was kept" in str(
        outcome.error_in_exec
    )
    assert_no_password(target, out, str(outcome.error_in_exec))
    assert count(shell, target.label, "ro") == 1
    assert count(shell, target.label) == 1


def test_password_from_an_environment_variable_never_shows(shell, target, capsys, monkeypatch):
    if target.password is None:
        assert "@" not in target.url  # the embedded FalkorDB socket takes no login
        return
    monkeypatch.setenv("RUNIC_TEST_NB_PASSWORD", target.password)
    bare = target.url.replace(":" + quote(target.password, safe="") + "@", "@").replace(
        ":" + target.password + "@", "@"
    )
    assert target.password not in bare
    outcome, out = run(
        shell, f"%runic connect {bare} --alias nb --password-env RUNIC_TEST_NB_PASSWORD", capsys
    )
    assert outcome.success, outcome.error_in_exec
    outcome, more = run(shell, "%runic RETURN 1 AS one", capsys)
    assert outcome.success and outcome.result.value() == 1
    assert_no_password(target, out, more)

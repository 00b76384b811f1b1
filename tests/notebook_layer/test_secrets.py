"""Passwords never appear in anything the magics print, show or raise."""

from __future__ import annotations

import pytest
import redis
from _notebook_helpers import run_cell_capturing

from runic.notebook.connections import registry

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]

PASSWORD = "S3cr3t-Pa55'w\"rd{x}"


@pytest.fixture
def locked_server():
    from runic.ogm.driver.embedded import EmbeddedFalkorDB

    server = EmbeddedFalkorDB().start()
    client = redis.Redis(unix_socket_path=server.unix_socket_path)
    client.config_set("requirepass", PASSWORD)
    client.close()
    yield server
    client = redis.Redis(unix_socket_path=server.unix_socket_path, password=PASSWORD)
    client.config_set("requirepass", "")  # so the server's own shutdown command is accepted
    client.close()
    server.stop()


def test_password_never_reaches_any_output(shell, locked_server, monkeypatch, capsys):
    monkeypatch.setenv("RUNIC_TEST_SECRET", PASSWORD)
    monkeypatch.setenv("RUNIC_TEST_WRONG", PASSWORD + "-wrong")
    url = f"unix://{locked_server.unix_socket_path}?graph=secret_graph"
    seen: list[str] = []

    def run(source):
        result, out = run_cell_capturing(shell, source, capsys)
        seen.append(out)
        if result.error_in_exec is not None:
            seen.append(str(result.error_in_exec))
            seen.append(repr(result.error_in_exec))
        value = result.result
        if value is not None:
            data, _ = shell.display_formatter.format(value)
            seen.extend(str(v) for v in data.values())
            seen.append(repr(value))
        return result

    ok = run(f"%runic connect {url} --alias locked --password-env RUNIC_TEST_SECRET")
    assert ok.error_in_exec is None
    run("%runic connections")
    run("%%runic\nCREATE (:S {x: 1}) RETURN 1 AS one")
    run("%%runic r <<\nMATCH (s:S) RETURN s")
    run("%runic schema")
    run("%%runic\nMATCH (n) RETURN n.x +")  # a database error
    run("%%runic --readonly\nCREATE (:Nope)")  # a read-only refusal
    bad = run(f"%runic connect {url} --alias wrong --password-env RUNIC_TEST_WRONG")
    assert bad.error_in_exec is not None  # the login is refused...
    run("%runic connect bolt://nowhere.invalid:1 --alias gone --password-env RUNIC_TEST_SECRET")
    seen.append(repr(registry.get("locked")))
    seen.append(repr(registry.get("locked").driver))
    seen.append(registry.get("locked").url)
    text = "\n".join(seen)
    assert "locked" in text and "refused the login" in text  # we did look at real output
    assert PASSWORD not in text
    assert "S3cr3t" not in text
    registry.get("locked").driver.execute("MATCH (n) DETACH DELETE n")
    registry.close("locked")


def test_missing_password_env_names_the_variable_only(shell, monkeypatch):
    monkeypatch.delenv("RUNIC_NOT_SET", raising=False)
    from IPython.core.error import UsageError

    with pytest.raises(UsageError, match="RUNIC_NOT_SET is not set"):
        shell.run_line_magic("runic", "connect --password-env RUNIC_NOT_SET")


def test_password_inside_a_url_is_never_echoed(shell, capsys):
    secret = "inl1ne-Secret"
    texts = []
    for source in (
        f"%runic connect bolt://neo4j:{secret}@127.0.0.1:1 --alias nowhere",
        "%runic connections",
        "%runic -c nowhere RETURN 1",  # the connection is refused here, at first use
        "%runic close nowhere",
    ):
        result = shell.run_cell(source)
        out = capsys.readouterr()
        texts += [out.out, out.err, str(result.error_in_exec), repr(result.result)]
    text = "\n".join(texts)
    assert "127.0.0.1" in text and "UsageError" in text
    assert secret not in text


@pytest.mark.parametrize(
    "line",
    [
        "connect arcadedb://root:pa'ss-Qz9@127.0.0.1:1/db --alias quoted",
        'connect arcadedb://root:pa"ss-Qz9@127.0.0.1:1/db --alias quoted',
        "connect arcadedb://root:pass-Qz9@127.0.0.1:1/db --alais quoted",
        "connect arcadedb://root:pass-Qz9@127.0.0.1:1/db extra words",
    ],
)
def test_a_connect_line_that_does_not_parse_never_echoes_its_password(shell, line):
    from IPython.core.error import UsageError

    with pytest.raises(UsageError) as err:
        shell.run_line_magic("runic", line)
    text = f"{err.value}\n{err.value!r}\n{err.value.__cause__!r}\n{err.value.__context__!r}"
    assert "Qz9" not in text and "ss-" not in text
    assert any(word in text for word in ("unbalanced quote", "did you mean --alias", "unrecognized arguments"))

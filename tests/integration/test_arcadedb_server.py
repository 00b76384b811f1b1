"""The project's own ArcadeDB server (runic.servers.arcadedb): start, URL, stop, failure."""

from __future__ import annotations

import os
import socket

import pytest

from runic.ogm.exceptions import DriverError
from runic.servers.arcadedb import ArcadeDBServer

pytestmark = [pytest.mark.integration, pytest.mark.arcadedb]


def test_server_listens_on_loopback_and_its_url_redacts_the_password(arcadedb_server):
    assert arcadedb_server.running
    assert arcadedb_server.url.startswith(
        f"arcadedb://root:{arcadedb_server.password}@127.0.0.1:{arcadedb_server.bolt_port}/runic"
    )
    assert arcadedb_server.url.endswith(f"?http_port={arcadedb_server.http_port}")
    assert arcadedb_server.password not in arcadedb_server.redacted_url
    assert arcadedb_server.password not in repr(arcadedb_server)
    assert arcadedb_server.password not in arcadedb_server.log_tail(1000)
    with socket.create_connection(("127.0.0.1", arcadedb_server.bolt_port), timeout=2):
        pass
    assert arcadedb_server.start_seconds is not None and arcadedb_server.start_seconds > 0


def test_root_directory_is_private(arcadedb_server):
    assert os.stat(arcadedb_server.root_dir).st_mode & 0o077 == 0


def test_stop_ends_the_process_and_removes_the_directory():
    server = ArcadeDBServer("lab").start()
    root, port = server.root_dir, server.bolt_port
    server.stop()
    server.stop()  # idempotent
    assert not server.running
    assert not os.path.exists(root)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_a_server_that_cannot_start_raises_with_the_log_tail():
    server = ArcadeDBServer(max_heap="not-a-size", startup_timeout=30)
    with pytest.raises(DriverError) as info:
        server.start()
    assert "server log" in str(info.value)
    assert "heap" in str(info.value).lower()
    assert not server.running

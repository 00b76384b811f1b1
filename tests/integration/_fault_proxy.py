"""A TCP relay that can cut every connection it carries, for fault tests.

``FaultProxy(upstream)`` listens on a free loopback port and relays each client connection
to ``upstream()`` — a ``(host, port)`` pair or a unix socket path, asked anew for every
connection, so a restarted server on another address takes over. ``cut()`` closes every
open connection at once and refuses new ones (the server seems gone); ``restore()`` lets
clients connect again.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

Upstream = Callable[[], "tuple[str, int] | str"]


class FaultProxy:
    def __init__(self, upstream: Upstream) -> None:
        self._upstream = upstream
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._down = False
        self._closed = False
        threading.Thread(target=self._accept, daemon=True, name="fault-proxy").start()

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def _connect_upstream(self) -> socket.socket:
        where = self._upstream()
        if isinstance(where, str):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(where)
            return sock
        return socket.create_connection(where)

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self._down:
                _close(client)
                continue
            try:
                server = self._connect_upstream()
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._open.update((client, server))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            self._drop(source)
            self._drop(sink)

    def _drop(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.discard(sock)
        _close(sock)

    def cut(self) -> None:
        """End every carried connection now and refuse new ones.

        Only ``shutdown``: each relay thread closes its own sockets once its ``recv``
        returns, so no descriptor is reused while a thread still reads it."""
        self._down = True
        with self._lock:
            socks = list(self._open)
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def wait_idle(self, timeout: float = 5.0) -> None:
        """Wait until every relayed connection has been closed on both sides (after the
        server ended them), so a client sees the end before it sends again."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._open:
                    return
            time.sleep(0.01)
        raise AssertionError(f"the proxy still relays {len(self._open)} socket(s) after {timeout} s")

    def restore(self) -> None:
        """Accept and relay connections again."""
        self._down = False

    def close(self) -> None:
        self._closed = True
        self.cut()
        _close(self._listener)


def _close(sock: Any) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()

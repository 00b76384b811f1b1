"""Fewer calls per Bolt record: a read-ahead buffer in front of the neo4j client's inbox.

The neo4j client reads every message with two ``recv_into`` calls on its socket wrapper
(the chunk size, then the chunk), and each of those computes deadlines, sets the socket's
timeout and makes a system call; for a result of many small records that costs more than
decoding them. ``install_read_ahead`` gives the inbox of one connection a ``ReadAhead``
instead of the bare socket wrapper: a receive takes what is already buffered and refills
the buffer through the wrapper (timeouts, deadlines and errors as before) with one large
read when it is empty. Sending, closing and the pool's liveness checks still use the
wrapper itself.

The connection keeps its buffer for its whole life in the client's pool, so no byte read
ahead is lost. Where the client's internals are not the expected ones (another version,
an asyncio connection), nothing is installed and the client reads as before.
"""

from __future__ import annotations

from typing import Any

__all__ = ["READ_AHEAD_BYTES", "ReadAhead", "install_read_ahead"]

#: bytes asked of the socket per refill
READ_AHEAD_BYTES = 1 << 16


class ReadAhead:
    """``recv_into`` of ``source`` served from a buffer refilled in large reads."""

    __slots__ = ("_buffer", "_end", "_source", "_start", "_view")

    def __init__(self, source: Any, size: int = READ_AHEAD_BYTES) -> None:
        self._source = source
        self._buffer = bytearray(size)
        self._view = memoryview(self._buffer)
        self._start = self._end = 0

    @property
    def source(self) -> Any:
        return self._source

    @property
    def buffered(self) -> int:
        """Bytes read from the source and not yet handed on."""
        return self._end - self._start

    def recv_into(self, buffer: Any, nbytes: int = 0) -> int:
        start = self._start
        if start == self._end:
            got = self._source.recv_into(self._view, len(self._buffer))
            if not got:
                return 0
            start, self._end = 0, got
        n = min(nbytes or len(buffer), self._end - start)
        buffer[:n] = self._view[start : start + n]
        self._start = start + n
        return n

    def __getattr__(self, name: str) -> Any:
        return getattr(self._source, name)


def install_read_ahead(result: Any) -> bool:
    """Give the connection of a running neo4j ``Result`` (sync client) a read-ahead inbox.

    Returns whether one is in place. Safe to call for every statement: a connection gets
    one buffer for its whole life."""
    connection = getattr(result, "_connection", None)
    inbox = getattr(connection, "inbox", None)
    reader = getattr(inbox, "_socket", None)
    if isinstance(reader, ReadAhead):
        return True
    if reader is None or reader is not getattr(connection, "socket", None) or not callable(getattr(reader, "recv_into", None)):
        return False
    if type(reader).__module__.startswith("neo4j._async"):
        return False
    inbox._socket = ReadAhead(reader)
    return True

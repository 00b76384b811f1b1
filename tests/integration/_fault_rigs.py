"""Fault rigs: a driver per backend whose server can be taken away and given back.

- FalkorDB: a private embedded server with a data directory behind a ``FaultProxy``;
  ``kill()`` stops the server process (SIGTERM: it saves its data, as a restart would),
  ``back()`` starts a new one on the same data and the proxy carries on to it;
  ``end_connection()`` has the server close the client connections (``CLIENT KILL``).
- ArcadeDB: the shared server behind a ``FaultProxy`` on a database of its own;
  ``kill()`` and ``end_connection()`` cut every connection (the server seems gone),
  ``back()`` lets clients connect again.
- AGE: the shared server; ``kill()`` and ``end_connection()`` end the driver's backend
  process from the server side (``pg_terminate_backend``); the server stays up.

Each rig is separate from the shared fixtures' drivers, so other tests are not disturbed.
"""

from __future__ import annotations

import os
import signal
import uuid
from typing import Any

from _fault_proxy import FaultProxy

from runic.ogm.driver.embedded import EmbeddedFalkorDB, _command


class FalkorDBRig:
    backend = "falkordb"

    def __init__(self, tmp_path: Any) -> None:
        self._data = tmp_path / "falkordb-data"
        self.server = EmbeddedFalkorDB(data_dir=self._data).start()
        self.proxy = FaultProxy(lambda: self.server.unix_socket_path)
        self.graph = f"faults_{uuid.uuid4().hex[:8]}"

    def driver(self, *, async_: bool = False) -> Any:
        from runic.ogm.driver.falkordb import create_falkordb_driver

        return create_falkordb_driver(host=self.proxy.host, port=self.proxy.port, graph=self.graph, async_=async_)

    def kill(self) -> None:
        os.kill(self.server.pid, signal.SIGTERM)
        self.server._server.proc.wait(10)
        self.proxy.cut()

    def end_connection(self) -> None:
        _command(self.server.unix_socket_path, "CLIENT", "KILL", "TYPE", "normal")
        self.proxy.wait_idle()

    def back(self) -> None:
        if not self.server.running:
            self.server.stop()
            self.server = EmbeddedFalkorDB(data_dir=self._data).start()
        self.proxy.restore()

    def close(self) -> None:
        self.proxy.close()
        self.server.stop()


class ArcadeDBRig:
    backend = "arcadedb"

    def __init__(self, server: Any) -> None:
        self.server = server
        self.database = f"faults_{uuid.uuid4().hex[:8]}"
        server.create_database(self.database)
        self.proxy = FaultProxy(lambda: (server.host, server.bolt_port))

    def driver(self, *, async_: bool = False) -> Any:
        from runic.ogm.driver.arcadedb import create_arcadedb_driver

        s = self.server
        return create_arcadedb_driver(
            self.proxy.host, self.proxy.port, self.database, s.username, s.password, http_port=s.http_port, async_=async_
        )

    def kill(self) -> None:
        self.proxy.cut()

    end_connection = kill

    def back(self) -> None:
        self.proxy.restore()

    def close(self) -> None:
        self.proxy.close()
        self.server.drop_database(self.database)


class ArcadeDBCrashRig:
    """A private ArcadeDB server whose process is killed (SIGKILL) and started again on the
    same directory and ports; the driver connects to it directly."""

    backend = "arcadedb"

    def __init__(self) -> None:
        from runic.servers.arcadedb import ArcadeDBServer

        self.server = ArcadeDBServer(database="crash").start()

    def driver(self, *, async_: bool = False) -> Any:
        from runic.ogm.driver.arcadedb import create_arcadedb_driver

        s = self.server
        return create_arcadedb_driver(s.host, s.bolt_port, s.database, s.username, s.password, http_port=s.http_port, async_=async_)

    def kill(self) -> None:
        self.server.kill()

    def back(self) -> None:
        self.server.restart()

    def close(self) -> None:
        self.server.stop()


class AGERig:
    backend = "age"

    def __init__(self, server: Any) -> None:
        self.server = server
        self.graph = f"faults_{uuid.uuid4().hex[:8]}"
        self._drivers: list[Any] = []

    def driver(self, *, async_: bool = False) -> Any:
        from runic.ogm.driver.age import create_age_driver

        driver = create_age_driver(**self.server.connect_kwargs(), graph=self.graph, async_=async_)
        self._drivers.append(driver)
        return driver

    def kill(self) -> None:
        import psycopg

        pids = [d.connection.info.backend_pid for d in self._drivers if d.connection is not None and not d.connection.closed]
        kwargs = self.server.connect_kwargs()
        with psycopg.connect(
            host=kwargs["host"], port=kwargs["port"], dbname=kwargs["database"], user=kwargs["username"],
            password=kwargs["password"], autocommit=True,
        ) as admin:
            for pid in pids:
                admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))

    end_connection = kill

    def back(self) -> None:
        pass

    def close(self) -> None:
        from runic.ogm.driver.age import create_age_driver

        with create_age_driver(**self.server.connect_kwargs(), graph=self.graph) as driver:
            driver.drop_graph()


def make_rig(backend: str, request: Any, tmp_path: Any) -> Any:
    if backend == "falkordb":
        return FalkorDBRig(tmp_path)
    if backend == "arcadedb":
        return ArcadeDBRig(request.getfixturevalue("arcadedb_server"))
    if backend == "age":
        return AGERig(request.getfixturevalue("age_server"))
    raise ValueError(f"no fault rig for {backend}")


class FaultAt:
    """A driver that runs ``fault()`` before its ``at``-th statement, or before COMMIT."""

    def __init__(self, driver: Any) -> None:
        self._driver = driver
        self.at: int | None = None
        self.before_commit = False
        self.fault: Any = None
        self.sent = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._driver, name)

    def _maybe(self, commit: bool = False) -> None:
        if self.fault is None:
            return
        if (commit and self.before_commit) or (not commit and self.at is not None and self.sent == self.at):
            fault, self.fault = self.fault, None
            fault()

    def execute(self, query: str, params: Any = None, **kwargs: Any) -> Any:
        self._maybe()
        self.sent += 1
        return self._driver.execute(query, params, **kwargs)

    def commit(self) -> None:
        self._maybe(commit=True)
        return self._driver.commit()

    def _split(self, statements: list[Any]) -> int | None:
        """Where the fault falls inside a pipelined run (``None``: not in this run)."""
        if self.fault is None or self.at is None or not self.sent <= self.at < self.sent + len(statements):
            return None
        return self.at - self.sent

    def execute_pipelined(self, statements: Any, on_result: Any) -> int:
        """The real pipelined run, cut in two where the fault falls: the statements before
        it are all answered when it strikes, as with ``execute``."""
        statements = list(statements)
        split = self._split(statements)
        if split is None:
            self.sent += len(statements)
            return self._driver.execute_pipelined(statements, on_result)
        done = self._driver.execute_pipelined(statements[:split], on_result) if split else 0
        self.sent += split
        self._maybe()
        self.sent += len(statements) - split
        return done + self._driver.execute_pipelined(statements[split:], lambda i, result: on_result(split + i, result))


class AsyncFaultAt(FaultAt):
    async def execute(self, query: str, params: Any = None, **kwargs: Any) -> Any:
        self._maybe()
        self.sent += 1
        return await self._driver.execute(query, params, **kwargs)

    async def execute_pipelined(self, statements: Any, on_result: Any) -> int:
        statements = list(statements)
        split = self._split(statements)
        if split is None:
            self.sent += len(statements)
            return await self._driver.execute_pipelined(statements, on_result)
        done = await self._driver.execute_pipelined(statements[:split], on_result) if split else 0
        self.sent += split
        self._maybe()
        self.sent += len(statements) - split
        return done + await self._driver.execute_pipelined(statements[split:], lambda i, result: on_result(split + i, result))

    async def commit(self) -> None:
        self._maybe(commit=True)
        return await self._driver.commit()

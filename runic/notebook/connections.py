"""Named connections of a notebook kernel.

``connect()`` opens a driver through ``create_driver`` and registers it under an
alias; the latest one becomes current. With no URL (and no ``RUNIC_URL``), connections
share one private embedded FalkorDB that stops when the kernel exits. Nothing here
keeps or prints a password: only the driver's redacted URL is shown.
"""

from __future__ import annotations

import atexit
import os
import threading
from dataclasses import dataclass, field
from typing import Any

from runic.ogm.exceptions import OrmError, did_you_mean

__all__ = [
    "Connection",
    "ConnectionRegistry",
    "NotebookConnectionError",
    "close",
    "connect",
    "current",
    "current_driver",
    "list_connections",
    "registry",
    "use",
]

#: environment variable holding the default URL for ``connect()``
URL_ENV = "RUNIC_URL"


class NotebookConnectionError(OrmError):
    """A notebook connection command cannot be carried out (unknown alias, none open…)."""

    _attrs = ("alias",)


@dataclass
class Connection:
    """One open driver under an alias."""

    alias: str
    driver: Any
    readonly: bool = False
    #: label/type/key lists for completion, refreshed after writes
    schema_cache: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """Redacted URL (never holds a password)."""
        return str(getattr(self.driver, "url", "?"))

    @property
    def backend(self) -> str:
        return str(getattr(self.driver, "backend", "?"))

    @property
    def closed(self) -> bool:
        return bool(getattr(self.driver, "closed", False))

    def __repr__(self) -> str:
        mode = " readonly" if self.readonly else ""
        return f"<Connection {self.alias} {self.url}{mode}>"


def _scrub(text: str, secret: str | None) -> str:
    if secret:
        text = text.replace(secret, "***")
    return text


class ConnectionRegistry:
    """Aliases → connections, plus which one is current."""

    def __init__(self) -> None:
        self._connections: dict[str, Connection] = {}
        self._current: str | None = None
        self._embedded: Any = None
        self._owns_embedded = False
        self._lock = threading.Lock()

    # -- embedded server ------------------------------------------------------------
    @property
    def embedded(self) -> Any:
        """The embedded FalkorDB shared by URL-less connections (started on first use)."""
        return self._embedded

    def use_embedded(self, server: Any) -> None:
        """Share an already running ``EmbeddedFalkorDB`` instead of starting one."""
        self._embedded = server
        self._owns_embedded = False

    def _embedded_server(self) -> Any:
        with self._lock:
            if self._embedded is None or not getattr(self._embedded, "running", True):
                from runic.ogm.driver.embedded import EmbeddedFalkorDB

                self._embedded = EmbeddedFalkorDB().start()
                self._owns_embedded = True
            return self._embedded

    # -- commands --------------------------------------------------------------------
    def connect(
        self,
        url: str | None = None,
        *,
        alias: str | None = None,
        graph: str | None = None,
        password: str | None = None,
        password_env: str | None = None,
        readonly: bool = False,
        driver: Any = None,
        **kwargs: Any,
    ) -> Connection:
        """Open (or adopt ``driver``) and register a connection; it becomes current.

        ``url`` defaults to ``$RUNIC_URL``; with neither, an embedded FalkorDB serves
        ``graph`` (default ``runic``). ``password_env`` names an environment variable
        holding the password, so the password never sits in the notebook.
        """
        if password_env:
            if password_env not in os.environ:
                raise NotebookConnectionError(
                    f"environment variable {password_env} is not set",
                    hint=f"export {password_env}=... before starting Jupyter, or pick another --password-env",
                )
            password = os.environ[password_env]
        if driver is None:
            url = url or os.environ.get(URL_ENV) or None
            driver = self._open(url, graph=graph, password=password, readonly=readonly, **kwargs)
        else:
            readonly = readonly or bool(getattr(driver, "readonly", False))
        name = alias or self._default_alias(driver)
        if name in self._connections:
            if alias:
                self._connections.pop(name).driver.close()
            else:
                name = self._unique(name)
        conn = Connection(alias=name, driver=driver, readonly=readonly)
        self._connections[name] = conn
        self._current = name
        return conn

    def _open(self, url: str | None, *, graph: str | None, password: str | None, readonly: bool, **kwargs: Any) -> Any:
        from runic.ogm.driver.factory import create_driver

        try:
            if url is None:
                opts: dict[str, Any] = {"embedded": self._embedded_server(), "readonly": readonly}
                if graph:
                    opts["graph"] = graph
                return create_driver(**opts, **kwargs)
            opts = dict(kwargs)
            if graph:
                opts["graph"] = graph
            if password:
                opts["password"] = password
            if readonly:
                opts["readonly"] = True
            return create_driver(url, **opts)
        except OrmError:
            raise
        except (ValueError, TypeError) as exc:
            from runic.ogm.driver.urls import redact_url

            text = _scrub(str(exc), password)
            if url:
                text = text.replace(url, redact_url(url))
            raise NotebookConnectionError(text, hint="check the URL (e.g. falkordb://host:6379/graph)") from None

    @staticmethod
    def _default_alias(driver: Any) -> str:
        graph = getattr(driver, "graph_name", None) or getattr(driver, "database", None)
        backend = getattr(driver, "backend", "db")
        return f"{backend}:{graph}" if graph else str(backend)

    def _unique(self, name: str) -> str:
        i = 2
        while f"{name}#{i}" in self._connections:
            i += 1
        return f"{name}#{i}"

    def get(self, alias: str | None = None) -> Connection:
        """The connection named ``alias``, or the current one."""
        if alias is None:
            if self._current is None:
                raise NotebookConnectionError(
                    "no connection is open",
                    hint="run %runic connect (embedded FalkorDB) or %runic connect <URL>",
                )
            return self._connections[self._current]
        try:
            return self._connections[alias]
        except KeyError:
            guess = did_you_mean(alias, self._connections)
            known = ", ".join(self._connections) or "none"
            raise NotebookConnectionError(
                f"no connection named {alias!r} (open: {known})",
                alias=alias,
                hint=guess or "list them with %runic connections",
            ) from None

    def use(self, alias: str) -> Connection:
        conn = self.get(alias)
        self._current = conn.alias
        return conn

    def close(self, alias: str | None = None) -> Connection:
        conn = self.get(alias)
        try:
            conn.driver.close()
        finally:
            del self._connections[conn.alias]
            if self._current == conn.alias:
                self._current = next(reversed(self._connections), None) if self._connections else None
        return conn

    def close_all(self) -> None:
        for alias in list(self._connections):
            try:
                self.close(alias)
            except Exception:  # noqa: BLE001 - closing at exit must not raise
                pass
        if self._owns_embedded and self._embedded is not None:
            try:
                self._embedded.stop()
            finally:
                self._embedded = None
                self._owns_embedded = False

    @property
    def current_alias(self) -> str | None:
        return self._current

    def __iter__(self):
        return iter(list(self._connections.values()))

    def __len__(self) -> int:
        return len(self._connections)

    def __contains__(self, alias: object) -> bool:
        return alias in self._connections

    def table(self) -> ConnectionTable:
        return ConnectionTable([(c.alias, c.backend, c.url, c.readonly, c.alias == self._current) for c in self])


class ConnectionTable(list):
    """Rows ``(alias, backend, url, readonly, current)`` shown as a table."""

    def _repr_html_(self) -> str:
        from .display import html_table

        rows = [["●" if cur else "", alias, backend, url, "yes" if ro else ""] for alias, backend, url, ro, cur in self]
        return html_table(["", "alias", "backend", "url", "read-only"], rows, footer=f"{len(self)} connection(s)")

    def __repr__(self) -> str:
        if not self:
            return "no connections — %runic connect opens one"
        lines = []
        for alias, backend, url, ro, cur in self:
            lines.append(f"{'*' if cur else ' '} {alias}  {backend}  {url}{'  readonly' if ro else ''}")
        return "\n".join(lines)


#: the kernel's connections (what the magics use)
registry = ConnectionRegistry()
atexit.register(registry.close_all)


def connect(url: str | None = None, **kwargs: Any) -> Connection:
    """Open a connection in the kernel's registry (see ``ConnectionRegistry.connect``)."""
    return registry.connect(url, **kwargs)


def use(alias: str) -> Connection:
    return registry.use(alias)


def close(alias: str | None = None) -> Connection:
    return registry.close(alias)


def current() -> Connection:
    return registry.get()


def current_driver(alias: str | None = None) -> Any:
    """The driver behind the notebook's current connection (or the one named ``alias``):
    what ``%runic connect`` opened, for the OGM in the same notebook —
    ``with Session(current_driver()) as session: ...``. The session does not own it, so
    closing the session leaves the connection open for the next ``%%runic`` cell."""
    return registry.get(alias).driver


def list_connections() -> ConnectionTable:
    return registry.table()

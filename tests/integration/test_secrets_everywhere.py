"""No password in anything a user can see, whatever the URL looks like.

One test gathers every text a user can see — ``str`` and ``repr`` of each error and of
every error chained behind it (``__cause__`` and ``__context__``), the formatted traceback,
log records, reprs and URLs of drivers and sessions, and a notebook's output — across
``create_driver`` (sync and async) for ``falkordb://``, ``redis://``, ``arcadedb://``,
``bolt://`` and ``postgresql://`` URLs, ``ConnectionManager`` and ``%runic connect``, with
passwords holding unencoded ``#``, ``@``, ``/``, ``%`` and ``?``: unreachable servers,
wrong passwords on the live ArcadeDB, AGE and FalkorDB servers, and a successful AGE login
whose password holds all of them. Then it scans them all for any piece of a password.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import socket
import traceback
import uuid
from typing import Any

import pytest
from arcadedb_fixtures import FAILED_LOGIN_USER

from runic.ogm.driver.factory import create_driver
from runic.ogm.session import ConnectionManager, Session

pytestmark = [pytest.mark.integration, pytest.mark.falkordb, pytest.mark.arcadedb, pytest.mark.age, pytest.mark.slow]

#: pieces no text may show; each password below is made of them and special characters
PIECES = ("Zq7Ab", "Kw3Cd", "Lp9Ef", "Vv2Gh", "Tt4Ij")
PASSWORDS = [
    "Zq7Ab#Kw3Cd",
    "Zq7Ab@Kw3Cd/Lp9Ef",
    "Zq7Ab%Kw3Cd?Vv2Gh",
    "Zq7Ab#Kw3Cd@Lp9Ef/Vv2Gh%Tt4Ij",
]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Seen:
    """Every text a user could see, gathered from errors, objects, logs and output."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []

    def add(self, where: str, text: Any) -> None:
        self.texts.append((where, str(text)))

    def error(self, where: str, exc: BaseException, *, own_input: str | None = None) -> None:
        text = "".join(traceback.format_exception(exc))
        if own_input is not None:  # a notebook traceback quotes the cell the user typed
            text = "\n".join(line for line in text.splitlines() if own_input not in line)
        self.add(f"{where}: traceback", text)
        seen: set[int] = set()
        chain: BaseException | None = exc
        while chain is not None and id(chain) not in seen:
            seen.add(id(chain))
            self.add(f"{where}: str({type(chain).__name__})", chain)
            self.add(f"{where}: repr({type(chain).__name__})", repr(chain))
            for attr in ("url", "hint", "backend_message"):
                value = getattr(chain, attr, None)
                if value is not None:
                    self.add(f"{where}: {attr}", value)
            for follow in (chain.__cause__, chain.__context__):
                if follow is not None and id(follow) not in seen:
                    self.error(f"{where} <- {type(follow).__name__}", follow, own_input=own_input)
            chain = None

    def attempt(self, where: str, action: Any) -> Any:
        try:
            return action()
        except Exception as exc:  # noqa: BLE001 - every failure is a text to scan
            self.error(where, exc)
            return None

    def leaks(self) -> list[str]:
        found = []
        for where, text in self.texts:
            for piece in PIECES:
                if piece in text:
                    found.append(f"{where}: {piece!r} in {text[:300]!r}")
                    break
        return found


def _use(driver: Any) -> None:
    try:
        driver.execute("RETURN 1")
    finally:
        driver.close()


async def _use_async(url: str) -> None:
    driver = create_driver(url, async_=True)
    try:
        await driver.execute("RETURN 1")
    finally:
        await driver.close()


def _manager(url: str) -> None:
    manager = ConnectionManager(url, max_size=1)
    try:
        with manager.session() as session:
            session.execute("RETURN 1")
    finally:
        manager.close_all()


@pytest.fixture
def shell():
    from IPython.core.interactiveshell import InteractiveShell

    from runic.notebook.connections import registry

    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "runic")
    yield ip
    registry.close_all()
    ip.run_line_magic("unload_ext", "runic")


def _magic(seen: Seen, shell: Any, where: str, line: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        result = shell.run_cell(f"%runic {line}")
    if result.error_in_exec is not None:
        seen.error(where, result.error_in_exec, own_input=f"run_line_magic('runic', {line!r})")
    seen.add(f"{where}: output", out.getvalue() + err.getvalue())


def test_no_password_in_any_text_a_user_can_see(request, shell, caplog):
    caplog.set_level(logging.DEBUG)
    seen = Seen()
    arcadedb = request.getfixturevalue("arcadedb_server")
    age = request.getfixturevalue("age_server")
    falkordb = request.getfixturevalue("embedded_falkordb")
    port = _closed_port()
    for pw in PASSWORDS:
        urls = {
            "falkordb": f"falkordb://runic:{pw}@127.0.0.1:{port}/g",
            "redis": f"redis://:{pw}@127.0.0.1:{port}/0",
            "arcadedb": f"arcadedb://root:{pw}@127.0.0.1:{port}/db",
            "bolt": f"bolt://neo4j:{pw}@127.0.0.1:{port}/db",
            "postgresql": f"postgresql://postgres:{pw}@127.0.0.1:{port}/postgres?graph=leaky",
            "arcadedb (wrong password)": (
                f"arcadedb://{FAILED_LOGIN_USER}:{pw}@{arcadedb.host}:{arcadedb.bolt_port}/{arcadedb.database}"
                f"?http_port={arcadedb.http_port}"
            ),
            "age (wrong password)": f"postgresql://postgres:{pw}@127.0.0.1:{age.port}/postgres?graph=leaky",
            "falkordb (wrong password)": f"unix://runic:{pw}@{falkordb.unix_socket_path}?graph=leaky",
        }
        for name, url in urls.items():
            seen.attempt(f"create_driver {name} {pw}", lambda url=url: _use(create_driver(url)))
            if pw != PASSWORDS[-1]:
                continue  # the other paths with the password that holds every special character
            seen.attempt(f"async create_driver {name} {pw}", lambda url=url: asyncio.run(_use_async(url)))
            seen.attempt(f"ConnectionManager {name} {pw}", lambda url=url: _manager(url))
            _magic(seen, shell, f"%runic connect {name} {pw}", f"connect {url} --alias leak")

    # a login that works, with a password that holds every special character
    role, pw = f"leak_{uuid.uuid4().hex[:8]}", PASSWORDS[-1]
    admin = create_driver(age.url + "?graph=leakadmin")
    try:
        admin.connection.execute(f"CREATE ROLE {role} LOGIN SUPERUSER PASSWORD '{pw}'")
        url = f"postgresql://{role}:{pw}@127.0.0.1:{age.port}/postgres?graph=leaky"
        driver = create_driver(url)
        seen.add("driver repr", repr(driver))
        seen.add("driver url", driver.url)
        with Session(driver, log_cypher=True) as session:
            seen.add("session repr", repr(session))
            seen.attempt("bad query", lambda: session.execute("MATCH (n RETURN n"))
        driver.drop_graph()
        driver.close()
        _magic(seen, shell, "%runic connect (works)", f"connect {url} --alias ok")
        _magic(seen, shell, "%runic connections", "connections")
        _magic(seen, shell, "%runic bad cell", "-c ok MATCH (n RETURN n")
    finally:
        from runic.notebook.connections import registry

        registry.close_all()
        with contextlib.suppress(Exception):
            admin.connection.execute(f"DROP ROLE IF EXISTS {role}")
        admin.drop_graph()
        admin.close()

    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    for record in caplog.records:
        seen.add(f"log {record.name}", formatter.format(record))
    assert len(seen.texts) > 200
    leaks = seen.leaks()
    assert leaks == []

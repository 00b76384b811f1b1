"""``%runic`` / ``%%runic``: parsers that call runic.notebook's public functions.

Everything a magic does, ``runic.notebook.connections`` and ``runic.notebook.run`` do
from Python too. Errors reach the user as one ``UsageError`` line (IPython shows no
traceback for those); passwords never reach any output.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import (
    Magics,
    line_cell_magic,
    magics_class,
    needs_local_scope,
    no_var_expand,
)
from IPython.core.magic_arguments import MagicArgumentParser, argument, magic_arguments
from traitlets import Bool, Int, Unicode, validate

from runic.ogm.exceptions import OrmError

from . import connections as _connections
from .run import explain, run
from .statement import MissingParameterError

__all__ = ["RunicMagic", "load_ipython_extension", "parse_param", "unload_ipython_extension"]

SUBCOMMANDS = ("connect", "connections", "use", "close", "schema", "migrate", "help")
STYLES = ("grid", "plain", "markdown")
#: options of %%runic that take a value
_VALUE_OPTIONS = {"-c", "--connection", "--limit", "--timeout", "--param"}
_STORE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*<<\s*")


def parse_param(text: str) -> tuple[str, Any]:
    """``k=v`` → ``(k, value)``; the value is a Python literal when it reads as one, else a string."""
    import ast

    if "=" not in text:
        raise UsageError(f"--param {text!r} needs the form name=value (e.g. --param min_age=30)")
    name, _, raw = text.partition("=")
    name = name.strip().lstrip("$")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise UsageError(f"--param name {name!r} is not a valid parameter name")
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        value = raw
    return name, value


def _parser(prog: str) -> MagicArgumentParser:
    return MagicArgumentParser(prog=prog, add_help=False)


def _connect_parser() -> MagicArgumentParser:
    p = _parser("%runic connect")
    p.add_argument("url", nargs="?", default=None, help="connection URL (default: $RUNIC_URL, else an embedded FalkorDB)")
    p.add_argument("--alias", "-a", default=None, help="name of this connection")
    p.add_argument("--graph", "-g", default=None, help="graph (FalkorDB) or database name")
    p.add_argument("--password-env", default=None, help="environment variable holding the password")
    p.add_argument("--readonly", action="store_true", help="every statement through the read-only path")
    return p


def _option_strings(parser: Any) -> list[str]:
    return [s for action in parser._actions for s in action.option_strings]


def _with_suggestion(err: UsageError, options: list[str]) -> UsageError:
    text = str(err)
    unknown = re.findall(r"(--?[\w-]+)", text.split("unrecognized arguments:", 1)[1]) if "unrecognized arguments:" in text else []
    for token in unknown:
        close = difflib.get_close_matches(token.split("=")[0], options, n=1, cutoff=0.5)
        if close:
            return UsageError(f"unknown option {token} — did you mean {close[0]}?")
        return UsageError(f"unknown option {token} — options are {', '.join(sorted(set(options)))}")
    return err


@magics_class
class RunicMagic(Magics):
    """Cypher in notebook cells: ``%runic connect``, ``%%runic [name <<] [options]``."""

    displaylimit = Int(1000, allow_none=True, help="rows fetched and shown for read queries without their own LIMIT (None: all)").tag(config=True)
    autolimit = Bool(True, help="push LIMIT displaylimit+1 to the database for read queries without a LIMIT").tag(config=True)
    readonly = Bool(False, help="run every cell through the database's read-only path").tag(config=True)
    feedback = Int(1, help="0: tables only; 1: footers, notes and progress bars; 2: also timings").tag(config=True)
    style = Unicode("grid", help="text table style: grid, plain or markdown").tag(config=True)

    def __init__(self, shell: Any = None, **kwargs: Any) -> None:
        super().__init__(shell=shell, **kwargs)
        self._secrets: set[str] = set()
        if shell is not None and self not in shell.configurables:
            shell.configurables.append(self)

    @validate("style")
    def _check_style(self, proposal: Any) -> str:
        value = proposal["value"]
        if value not in STYLES:
            raise UsageError(f"style {value!r} is not one of {', '.join(STYLES)}")
        return value

    # -- the magic -------------------------------------------------------------------
    @no_var_expand
    @needs_local_scope
    @magic_arguments()
    @argument("store", nargs="*", help="`name <<` stores the result in the notebook variable `name`")
    @argument("-c", "--connection", default=None, help="alias of the connection to use (default: current)")
    @argument("--limit", type=int, default=None, help="fetch at most N rows (read queries without LIMIT)")
    @argument("--no-limit", action="store_true", help="fetch every row")
    @argument("--readonly", action="store_true", help="run through the database's read-only path")
    @argument("--explain", action="store_true", help="show the plan instead of running")
    @argument("--profile", action="store_true", help="run and show the profile")
    @argument("--timeout", type=float, default=None, help="cancel the query after S seconds")
    @argument("--param", action="append", default=[], metavar="K=V", help="a parameter value (repeatable)")
    @line_cell_magic
    def runic(self, line: str, cell: str | None = None, local_ns: dict[str, Any] | None = None) -> Any:
        """Run Cypher: ``%runic MATCH ...`` or a ``%%runic`` cell; ``%runic connect|connections|use|close|schema``."""
        try:
            return self._dispatch(line, cell, local_ns)
        except UsageError as exc:
            raise UsageError(self._scrub(str(exc))) from None
        except MissingParameterError as exc:
            raise UsageError(str(exc)) from None
        except KeyboardInterrupt:
            raise UsageError("query interrupted — the connection stays usable; add --timeout S to stop long queries on the server") from None
        except (OrmError, ValueError, TypeError) as exc:
            raise UsageError(self._scrub(_short_error(exc))) from exc

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _dispatch(self, line: str, cell: str | None, local_ns: dict[str, Any] | None) -> Any:
        namespace = dict(self.shell.user_ns) if self.shell is not None else {}
        if local_ns:
            namespace.update(local_ns)
        if cell is None:
            stripped = line.strip()
            word = stripped.split(None, 1)[0] if stripped else ""
            if not stripped or word == "help":
                return self._help()
            if word in SUBCOMMANDS:
                return self._subcommand(word, stripped[len(word):].strip())
            options, query = _split_line(stripped)
            if not query.strip():
                raise UsageError("no Cypher after the options — write %runic MATCH (n) RETURN n LIMIT 5")
            return self._execute(options, query, namespace)
        return self._execute(line, cell, namespace)

    def _execute(self, options: str, query: str, namespace: dict[str, Any]) -> Any:
        store = None
        match = _STORE.match(options)
        if match:
            store = match.group(1)
            options = options[match.end():]
        try:
            args = self.runic.parser.parse_args(_split_options(options))
        except UsageError as exc:
            raise _with_suggestion(exc, _option_strings(self.runic.parser)) from None
        if args.store:
            raise UsageError(f"unexpected {' '.join(args.store)!r} on the %%runic line — to keep the result write `name <<` first, e.g. %%runic people <<")
        if args.explain and args.profile:
            raise UsageError("--explain and --profile exclude each other; pick one")
        if args.limit is not None and args.no_limit:
            raise UsageError("--limit and --no-limit exclude each other; pick one")
        if args.limit is not None and args.limit < 0:
            raise UsageError(f"--limit {args.limit} must be 0 or more")
        params = dict(parse_param(p) for p in args.param)
        query = query.rstrip()
        if not query.strip():
            raise UsageError("the cell holds no Cypher")
        conn = _connections.registry.get(args.connection)
        if args.explain or args.profile:
            plan = explain(query, connection=conn, namespace=namespace, params=params, profile=args.profile)
            return plan
        if args.no_limit or not self.autolimit:
            limit = None
        else:
            limit = args.limit if args.limit is not None else self.displaylimit
        result = run(
            query,
            connection=conn,
            namespace=namespace,
            params=params,
            limit=limit,
            readonly=args.readonly or self.readonly,
            timeout=args.timeout,
            name=store,
            style=self.style,
            feedback=self.feedback,
        )
        if self.displaylimit is not None and limit is None:
            result.displaylimit = self.displaylimit
        if store:
            self.shell.user_ns[store] = result
        return result

    # -- subcommands ---------------------------------------------------------------------
    def _subcommand(self, word: str, rest: str) -> Any:
        if word == "connect":
            return self._connect(rest)
        if word == "connections":
            return _connections.list_connections()
        if word == "use":
            if not rest:
                raise UsageError("%runic use needs an alias — %runic connections lists them")
            conn = _connections.use(rest.split()[0])
            self._say(f"using {conn.alias} → {conn.url}")
            return None
        if word == "close":
            conn = _connections.close(rest.split()[0] if rest else None)
            self._say(f"closed {conn.alias}")
            return None
        if word == "schema":
            from .schema_view import live_schema

            return live_schema(_connections.registry.get(rest.split()[0] if rest else None))
        if word == "migrate":
            from .migrate_magic import migrate_command

            return migrate_command(_split_options(rest))
        return self._help()

    def _connect(self, rest: str) -> None:
        parser = _connect_parser()
        try:
            args = parser.parse_args(_split_options(rest))
        except UsageError as exc:
            raise _with_suggestion(exc, _option_strings(parser)) from None
        if args.url:
            self._remember_url_secret(args.url)
        password = None
        if args.password_env:
            import os

            password = os.environ.get(args.password_env)
            if password:
                self._secrets.add(password)
        conn = _connections.connect(
            args.url,
            alias=args.alias,
            graph=args.graph,
            password_env=args.password_env,
            readonly=args.readonly or self.readonly,
        )
        mode = " (read-only)" if conn.readonly else ""
        self._say(f"connected {conn.alias} → {conn.url}{mode}")

    def _remember_url_secret(self, url: str) -> None:
        """Keep a password written into the URL so no later message can echo it."""
        try:
            from runic.ogm.driver.urls import parse_url

            secret = parse_url(url).password.reveal()
        except Exception:  # noqa: BLE001 - a URL that does not parse fails later with its own message
            match = re.search(r"://[^:/@]*:([^@]+)@", url)
            secret = match.group(1) if match else None
        if secret:
            self._secrets.add(secret)

    def _say(self, text: str) -> None:
        if self.feedback > 0:
            print(self._scrub(text))

    def _help(self) -> str:
        print(
            "%runic connect [URL] [--alias A] [--graph G] [--password-env VAR] [--readonly]\n"
            "%runic connections | use A | close [A] | schema\n"
            "%runic migrate [status|history|upgrade [T]|downgrade [T]|widget] [--scripts DIR] [--yes] [--preview]\n"
            "%runic <one-line Cypher>\n"
            "%%runic [name <<] [-c A] [--limit N | --no-limit] [--readonly] [--explain | --profile] "
            "[--timeout S] [--param k=v]...\n"
            "$name in Cypher takes the notebook variable `name` as a parameter."
        )
        return None


_WORD = re.compile(r"""(?:[^\s'"]+|'[^']*'|"[^"]*")+""")


def _split_options(text: str) -> list[str]:
    """Shell-like words; quotes stay on ``--param`` values so ``s='5'`` remains a string."""
    words = _WORD.findall(text)
    leftover = _WORD.sub("", text).strip()
    if leftover:
        raise UsageError(f"cannot read the options {text!r}: unbalanced quote {leftover!r}")
    return [w[1:-1] if w[:1] in "'\"" and w[-1:] == w[:1] and not w.startswith("--") else w for w in words]


def _split_line(line: str) -> tuple[str, str]:
    """Leading ``%runic`` options (and ``name <<``) apart from the one-line Cypher after them."""
    pos = 0
    match = _STORE.match(line)
    if match:
        pos = match.end()
    token = re.compile(r"\s*(\"[^\"]*\"|'[^']*'|\S+)")
    expect_value = False
    while pos < len(line):
        m = token.match(line, pos)
        if not m:
            break
        text = m.group(1)
        if expect_value:
            expect_value = False
            pos = m.end()
            continue
        if text.startswith("-") and not text[1:2].isdigit():
            pos = m.end()
            expect_value = text.split("=", 1)[0] in _VALUE_OPTIONS and "=" not in text
            continue
        break
    return line[:pos].rstrip(), line[pos:].lstrip()


def _short_error(exc: BaseException) -> str:
    """The error's own message, without the client library's chained tracebacks."""
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, OrmError):
        return text
    return f"{type(exc).__name__}: {text}"


# -- extension entry points -------------------------------------------------------------
def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext runic``: magics, rich reprs and Cypher completion."""
    from . import completion, display

    magic = RunicMagic(shell=ipython)
    ipython.register_magics(magic)
    display.register(ipython)
    completion.register(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    from . import completion, display

    display.unregister(ipython)
    completion.unregister(ipython)
    for magic in list(getattr(ipython, "configurables", [])):
        if isinstance(magic, RunicMagic):
            ipython.configurables.remove(magic)
    manager = ipython.magics_manager
    manager.magics["line"].pop("runic", None)
    manager.magics["cell"].pop("runic", None)

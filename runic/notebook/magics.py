"""``%runic`` / ``%%runic``: parsers that call runic.notebook's public functions.

Everything a magic does, ``runic.notebook.connections`` and ``runic.notebook.run`` do
from Python too. Errors reach the user as one ``UsageError`` line (IPython shows no
traceback for those); passwords never reach any output.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
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

from runic.ogm.exceptions import OrmError, QueryTimeoutError, ReadOnlyError

from . import connections as _connections
from .history import SavedQueryError, history, saved
from .run import explain, run
from .statement import MissingParameterError, mask

__all__ = [
    "SUBCOMMANDS",
    "RunicMagic",
    "Subcommand",
    "load_ipython_extension",
    "parse_param",
    "register_subcommand",
    "unload_ipython_extension",
]

STYLES = ("grid", "plain", "markdown")
#: options of %%runic that take a value
_VALUE_OPTIONS = {"-c", "--connection", "--limit", "--timeout", "--param", "--save"}
_STORE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*<<\s*")
#: words that start a Cypher statement: a one-line %runic beginning with one is Cypher
CYPHER_STARTS = frozenset(
    ["match", "optional", "create", "merge", "return", "with", "unwind", "call", "explain", "profile", "show", "load", "foreach", "detach", "delete", "set", "remove", "drop", "union"]
)


@dataclass(frozen=True)
class Subcommand:
    """``%runic NAME ...``: ``handler(magic, rest_of_line, namespace)`` and one usage line."""

    name: str
    handler: Callable[[RunicMagic, str, dict[str, Any]], Any]
    usage: str


#: the ``%runic`` subcommands by name; ``register_subcommand`` adds one
SUBCOMMANDS: dict[str, Subcommand] = {}


def register_subcommand(name: str, handler: Callable[..., Any], usage: str) -> None:
    """Add (or replace) ``%runic NAME``. ``handler(magic, rest, namespace)`` gets the text
    after the name (comments removed) and the notebook namespace; what it returns is the
    magic's value. Raise ``UsageError`` for bad input."""
    if not re.fullmatch(r"[a-z][a-z0-9-]*", name) or name in CYPHER_STARTS:
        raise ValueError(f"subcommand name {name!r} must be a lower-case word that does not start Cypher")
    SUBCOMMANDS[name] = Subcommand(name, handler, usage)


def strip_comment(line: str) -> str:
    """``line`` without a trailing ``# comment`` (a ``#`` inside quotes or backticks stays)."""
    masked = mask(line)
    cut = masked.find("#")
    return line if cut < 0 else line[:cut].rstrip()


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


def _hide_userinfo(text: str) -> str:
    """``text`` with the password of every URL in it shown as ``***``."""
    return re.sub(r"(://[^\s:/@]*:)\S*@", r"\1***@", text)


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
    @argument("--save", default=None, metavar="NAME", help="keep the query and its parameters as NAME (%%runic run NAME runs it again)")
    @line_cell_magic
    def runic(self, line: str, cell: str | None = None, local_ns: dict[str, Any] | None = None) -> Any:
        """Run Cypher: ``%runic MATCH ...`` or a ``%%runic`` cell; ``%runic connect|connections|use|close|schema``."""
        try:
            return self._dispatch(line, cell, local_ns)
        except UsageError as exc:
            raise UsageError(self._scrub(str(exc))) from None
        except MissingParameterError as exc:
            raise UsageError(str(exc)) from None
        except SavedQueryError as exc:
            raise UsageError(str(exc).strip('"')) from None
        except KeyboardInterrupt as exc:
            rows = getattr(exc, "rows_fetched", None)
            fetched = f" after {rows:,} rows had arrived (they are dropped)" if rows else ""
            raise UsageError(f"query interrupted{fetched} — the connection stays usable; add --timeout S to stop long queries on the server") from None
        except ImportError as exc:
            raise UsageError(str(exc)) from None
        except (OrmError, ValueError, TypeError) as exc:
            raise UsageError(self._scrub(magic_words(exc))) from exc

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _dispatch(self, line: str, cell: str | None, local_ns: dict[str, Any] | None) -> Any:
        namespace = dict(self.shell.user_ns) if self.shell is not None else {}
        if local_ns:
            namespace.update(local_ns)
        line = strip_comment(line)
        if cell is None:
            stripped = line.strip()
            word = stripped.split(None, 1)[0] if stripped else ""
            if not stripped:
                return self._help()
            if word in SUBCOMMANDS:
                return SUBCOMMANDS[word].handler(self, stripped[len(word):].strip(), namespace)
            if re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", word) and word.lower() not in CYPHER_STARTS and not _STORE.match(stripped):
                close = difflib.get_close_matches(word.lower(), list(SUBCOMMANDS), n=1, cutoff=0.6)
                hint = f" — did you mean %runic {close[0]}?" if close else ""
                raise UsageError(
                    f"%runic {word}: not a subcommand and not the start of a Cypher statement{hint} "
                    f"(subcommands: {', '.join(SUBCOMMANDS)}; Cypher starts with MATCH, CREATE, RETURN, …)"
                )
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
        if args.save:
            from .statement import bind_parameters

            saved.save(args.save, query, bind_parameters(query, namespace, params), connection=None)
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
    def _connect(self, rest: str, namespace: dict[str, Any] | None = None) -> None:
        parser = _connect_parser()
        for word in rest.split():
            if "://" in word:
                self._remember_url_secret(word)
        try:
            args = parser.parse_args(_split_options(rest))
        except UsageError as exc:
            if "unbalanced quote" in str(exc):
                raise UsageError(
                    "cannot read the %runic connect line: it holds an unbalanced quote — if the password "
                    "has one, put it in an environment variable and pass --password-env VAR"
                ) from None
            hidden = UsageError(self._scrub(_hide_userinfo(str(exc))))
            raise _with_suggestion(hidden, _option_strings(parser)) from None
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

    def _help(self) -> None:
        lines = [sub.usage for sub in SUBCOMMANDS.values()]
        lines += [
            "%runic <one-line Cypher>",
            (
                "%%runic [name <<] [-c A] [--limit N | --no-limit] [--readonly] [--explain | --profile] "
                "[--timeout S] [--param k=v]... [--save NAME]"
            ),
            "$name in Cypher takes the notebook variable `name` as a parameter; # starts a comment on a %runic line.",
        ]
        print("\n".join(lines))


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


_PYTHON_WORDS = [
    (re.compile(r"drop readonly=True[^,;—]*?to write|create a driver without readonly=True to write"),
     "drop --readonly (from the cell, or reconnect without it) to write"),
    (re.compile(r"(?:pass a larger|raise) timeout="), "raise --timeout S"),
    (re.compile(r"\btimeout=(-?[\d.]+|None)"), r"--timeout \1"),
    (re.compile(r"\blimit=None\b"), "--no-limit"),
]


def magic_words(exc: BaseException) -> str:
    """The error's message with its hint in the magic's words (``--readonly``, ``--timeout``)
    rather than the Python keyword arguments the OGM's own hints name."""
    text = _short_error(exc)
    for pattern, words in _PYTHON_WORDS:
        text = pattern.sub(words, text)
    if isinstance(exc, ReadOnlyError) and "--readonly" not in text:
        text += " — drop --readonly (from the cell, or reconnect without it) to write"
    if isinstance(exc, QueryTimeoutError) and "--timeout" not in text:
        text += " — raise --timeout S, or add an index or a LIMIT"
    return text


def _short_error(exc: BaseException) -> str:
    """The error's own message, without the client library's chained tracebacks."""
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, OrmError):
        return text
    return f"{type(exc).__name__}: {text}"


# -- subcommands ---------------------------------------------------------------------------
def _alias(rest: str) -> str | None:
    words = rest.split()
    return words[0] if words else None


def _sub_connect(magic: RunicMagic, rest: str, namespace: dict[str, Any]) -> None:
    return magic._connect(rest)


def _sub_connections(magic: RunicMagic, rest: str, namespace: dict[str, Any]) -> Any:
    return _connections.list_connections()


def _sub_use(magic: RunicMagic, rest: str, namespace: dict[str, Any]) -> None:
    alias = _alias(rest)
    if not alias:
        raise UsageError("%runic use needs an alias — %runic connections lists them")
    conn = _connections.use(alias)
    magic._say(f"using {conn.alias} → {conn.url}")


def _sub_close(magic: RunicMagic, rest: str, namespace: dict[str, Any]) -> None:
    conn = _connections.close(_alias(rest))
    magic._say(f"closed {conn.alias}")


def _sub_schema(magic: RunicMagic, rest: str, namespace: dict[str, Any]) -> Any:
    from .schema_view import live_schema

    return live_schema(_connections.registry.get(_alias(rest)))


def _sub_help(magic: RunicMagic, rest: str, namespace: dict[str, Any]) -> None:
    return magic._help()


def _parse(parser: MagicArgumentParser, rest: str) -> Any:
    try:
        return parser.parse_args(_split_options(rest))
    except UsageError as exc:
        raise _with_suggestion(exc, _option_strings(parser)) from None


def _history_parser() -> MagicArgumentParser:
    p = _parser("%runic history")
    p.add_argument("-n", type=int, default=None, help="only the last N statements")
    p.add_argument("--search", "-s", default=None, help="only statements whose text holds TEXT")
    p.add_argument("--clear", action="store_true", help="forget the history")
    return p


def _sub_history(magic: RunicMagic, rest: str, namespace: dict[str, Any]) -> Any:
    args = _parse(_history_parser(), rest)
    if args.clear:
        history.clear()
        magic._say("history cleared")
        return None
    return history.last(args.n, search=args.search)


def _saved_parser() -> MagicArgumentParser:
    p = _parser("%runic saved")
    p.add_argument("--remove", default=None, metavar="NAME", help="forget the saved query NAME")
    return p


def _sub_saved(magic: RunicMagic, rest: str, namespace: dict[str, Any]) -> Any:
    args = _parse(_saved_parser(), rest)
    if args.remove:
        saved.remove(args.remove)
        magic._say(f"forgot the saved query {args.remove}")
        return None
    return saved


def _sub_run(magic: RunicMagic, rest: str, namespace: dict[str, Any]) -> Any:
    store = _STORE.match(rest)
    prefix = ""
    if store:
        prefix = f"{store.group(1)} << "
        rest = rest[store.end():]
    words = rest.split(None, 1)
    if not words:
        raise UsageError("%runic run needs the name of a saved query — %runic saved lists them")
    entry = saved.get(words[0])
    options = words[1] if len(words) > 1 else ""
    # the saved values win over notebook variables; --param on this line wins over both
    return magic._execute(f"{prefix}{options}".strip(), entry.query, {**namespace, **entry.params})


def _plot_parser() -> MagicArgumentParser:
    p = _parser("%runic plot")
    p.add_argument("kind", help="histogram or bar")
    p.add_argument("column", help="the property (or saved query column) to plot")
    p.add_argument("--label", "-l", default=None, help="nodes with this label")
    p.add_argument("--type", "-t", default=None, help="relationships of this type")
    p.add_argument("--query", "-q", default=None, metavar="NAME", help="the rows of a saved query (%%runic --save NAME)")
    p.add_argument("--bins", type=int, default=10, help="histogram: number of buckets")
    p.add_argument("--top", type=int, default=20, help="bar: the most frequent N values")
    p.add_argument("-c", "--connection", default=None, help="alias of the connection to use (default: current)")
    return p


def _sub_plot(magic: RunicMagic, rest: str, namespace: dict[str, Any]) -> Any:
    from . import plot

    args = _parse(_plot_parser(), rest)
    if args.kind not in ("histogram", "hist", "bar"):
        close = difflib.get_close_matches(args.kind, ["histogram", "bar"], n=1, cutoff=0.5)
        hint = f" — did you mean {close[0]}?" if close else ""
        raise UsageError(f"%runic plot {args.kind}: unknown chart{hint} (histogram or bar)")
    if sum(bool(x) for x in (args.label, args.type, args.query)) != 1:
        raise UsageError("%runic plot needs exactly one source: --label L, --type T or --query NAME (a saved query)")
    query, params = None, None
    if args.query:
        entry = saved.get(args.query)
        query, params = entry.query, entry.params
    conn = _connections.registry.get(args.connection)
    common = {"label": args.label, "type": args.type, "query": query, "params": params, "connection": conn}
    if args.kind == "bar":
        if args.top < 1:
            raise UsageError(f"--top {args.top} must be 1 or more")
        return plot.bar(args.column, top=args.top, **common)
    if args.bins < 1:
        raise UsageError(f"--bins {args.bins} must be 1 or more")
    return plot.histogram(args.column, bins=args.bins, **common)


def _sub_migrate(magic: RunicMagic, rest: str, namespace: dict[str, Any]) -> Any:
    from .migrate_magic import migrate_command

    return migrate_command(_split_options(rest))


for _name, _handler, _usage in [
    ("connect", _sub_connect, "%runic connect [URL] [--alias A] [--graph G] [--password-env VAR] [--readonly]"),
    ("connections", _sub_connections, "%runic connections                — the open connections"),
    ("use", _sub_use, "%runic use A                       — make A the current connection"),
    ("close", _sub_close, "%runic close [A]                   — close A (default: the current one)"),
    ("schema", _sub_schema, "%runic schema [A]                  — labels, types, keys and indexes"),
    ("history", _sub_history, "%runic history [-n N] [--search TEXT] [--clear] — what this kernel ran"),
    ("saved", _sub_saved, "%runic saved [--remove NAME]       — queries kept with %%runic --save NAME"),
    ("run", _sub_run, "%runic run NAME [name <<] [--param k=v] [--limit N | --no-limit] — run a saved query"),
    ("plot", _sub_plot, "%runic plot histogram|bar COLUMN (--label L | --type T | --query NAME) [--bins N] [--top N]"),
    ("migrate", _sub_migrate, "%runic migrate [status|history|upgrade [T]|downgrade [T]|widget] [--scripts DIR] [--yes] [--preview]"),
    ("help", _sub_help, "%runic help                        — this list"),
]:
    register_subcommand(_name, _handler, _usage)


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

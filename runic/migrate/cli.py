"""The ``runic`` command: versioned migrations from a shell (built on click).

Every command takes ``--config PATH`` (default ``runic/env.py``; a ``.runic`` file in the
working directory may point elsewhere, ``runic init DIR`` writes it). Commands that need
the database run ``env.py``, which calls ``context.configure(adapter, ...)``; ``--url``
(or ``RUNIC_URL`` when there is no ``env.py``) connects there instead. Passwords in URLs
are never printed. Exit status: 0 on success, 1 on an error, on drift (``check``), on
changed checksums (``validate``) or on a failed round trip (``test``).
"""

from __future__ import annotations

import ast
import functools
import os
import sys
from pathlib import Path
from typing import Any

import click

from runic.ogm.exceptions import OrmError

from . import context as ctx_module
from .adapters import create_adapter
from .context import Runic
from .exceptions import MultipleHeadsError
from .script import ScriptDirectory

__all__ = ["cli", "main"]

DEFAULT_CONFIG = Path("runic") / "env.py"
MARKER = Path(".runic")


# -- configuration ----------------------------------------------------------------------------------
def resolve_config(config: Path | None) -> Path:
    """``--config``, else ``runic/env.py``, else the path the ``.runic`` marker names."""
    if config is not None:
        return config
    if DEFAULT_CONFIG.exists() or not MARKER.exists():
        return DEFAULT_CONFIG
    candidate = Path(MARKER.read_text().strip())
    root = Path.cwd().resolve()
    try:
        candidate.resolve().relative_to(root)
    except (OSError, ValueError):
        raise click.ClickException(f".runic points outside this project ({candidate}) — fix it or pass --config") from None
    return candidate


def _literal_settings(env: Path) -> dict[str, Any]:
    """``truncate_slug_length`` / ``file_template`` assigned as literals in env.py (read without running it)."""
    out: dict[str, Any] = {}
    if not env.is_file():
        return out
    try:
        tree = ast.parse(env.read_text())
    except SyntaxError:
        return out
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in ("truncate_slug_length", "file_template"):
                try:
                    out[name] = ast.literal_eval(node.value)
                except ValueError:
                    pass
    return out


def offline(config: Path | None) -> tuple[ScriptDirectory, dict[str, Any], Path]:
    env = resolve_config(config)
    location = env.parent
    return ScriptDirectory.load(location), _literal_settings(env), location


def connect(config: Path | None, url: str | None, *, preview: bool = False) -> Runic:
    """The configured ``Runic``: env.py run (with ``--url`` replacing its connection)."""
    env = resolve_config(config)
    ctx_module.reset()
    if url is None and not env.is_file():
        url = os.environ.get("RUNIC_URL")
    if url is not None:
        os.environ["RUNIC_URL"] = url  # env.py files that read it connect to the same place
        ctx_module._defaults["adapter"] = create_adapter(url)
    ctx_module._defaults["env_path"] = env
    ctx_module._defaults["preview"] = preview
    if env.is_file():
        namespace = {"__file__": str(env), "__name__": "__runic_env__"}
        code = compile(env.read_text(), str(env), "exec")
        exec(code, namespace)  # noqa: S102 - the project's own env.py, as the reference runs it
        if ctx_module._context is None:
            raise click.ClickException(f"{env} did not call context.configure(adapter, ...) — add it at the end")
        runic = ctx_module.get()
    elif url is not None:
        runic = ctx_module.configure(ctx_module._defaults["adapter"], env.parent, preview=preview)
    else:
        raise click.ClickException(f"no {env} and no --url — run 'runic init' first, pass --config DIR/env.py, or set RUNIC_URL")
    if preview:
        runic.enable_preview()
    return runic


# -- shared options and errors ---------------------------------------------------------------------------
def config_option(fn: Any) -> Any:
    return click.option("--config", "config", type=click.Path(path_type=Path, dir_okay=False), default=None, help="path of env.py (default runic/env.py)")(fn)


def url_option(fn: Any) -> Any:
    return click.option("--url", "url", default=None, metavar="URL", help="connect here instead of env.py's connection (also RUNIC_URL without env.py)")(fn)


def friendly(fn: Any) -> Any:
    """Turn runic's errors into one 'Error: ...' line and exit status 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (OrmError, FileExistsError, LookupError, ValueError, TypeError, NotImplementedError) as exc:
            raise click.ClickException(str(exc)) from exc
        finally:
            runic = ctx_module._context
            if runic is not None:
                try:
                    runic.adapter.close()
                except Exception:  # noqa: BLE001 - closing is best effort at exit
                    pass
                ctx_module.reset()

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="runic", prog_name="runic")
def cli() -> None:
    """Versioned migrations for graph databases (FalkorDB, ArcadeDB, Apache AGE, Neo4j, Memgraph)."""


# -- scaffolding -----------------------------------------------------------------------------------------
@cli.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False), default=Path("runic"))
@click.option("--force", is_flag=True, help="rewrite env.py and the template in an existing directory")
@friendly
def init(directory: Path, force: bool) -> None:
    """Create a migration environment: DIRECTORY/env.py, script.py.mako, versions/."""
    from .service import init as make

    make(directory, force=force)
    click.echo(f"Created runic environment at {directory}/")
    for part in ("env.py", "script.py.mako", "versions/"):
        click.echo(f"  {directory}/{part}")
    if directory / "env.py" != DEFAULT_CONFIG:
        MARKER.write_text(f"{directory / 'env.py'}\n")
        click.echo(f"  {MARKER}  (points the runic command at {directory}/env.py — commit it)")


@cli.command()
@click.option("-m", "--message", required=True, help="what the revision does")
@config_option
@url_option
@click.option("--head", default=None, help="parent revision (default: the single head)")
@click.option("--rev-id", default=None, help="id of the new revision (default: 12 random hex digits)")
@click.option("--branch-label", "branch_labels", multiple=True, help="label for a new branch (repeatable)")
@click.option("--depends-on", multiple=True, help="revision that must be applied first (repeatable)")
@click.option("--autogenerate", is_flag=True, help="fill upgrade/downgrade from the difference between the live schema and the target manifest (or the models)")
@click.option("--preview", is_flag=True, help="print the file instead of writing it")
@friendly
def revision(message: str, config: Path | None, url: str | None, head: str | None, rev_id: str | None, branch_labels: tuple[str, ...], depends_on: tuple[str, ...], autogenerate: bool, preview: bool) -> None:
    """Create a new revision script."""
    from .autogen import render_downgrade_body, render_upgrade_body

    upgrade_body = downgrade_body = "    pass"
    if autogenerate:
        runic = connect(config, url)
        scripts, location = runic.scripts, runic.script_location
        settings = {"truncate_slug_length": runic._truncate_slug_length, "file_template": runic._file_template}
        ops = runic.autogenerate()
        if not ops:
            click.echo("No schema changes detected.")
            return
        upgrade_body, downgrade_body = render_upgrade_body(ops), render_downgrade_body(ops)
    else:
        scripts, settings, location = offline(config)
    parent: Any = head if head is not None else scripts.head()
    if parent == "base":
        parent = None
    elif parent is not None:
        parent = scripts.get_revision(parent).revision
    new_id = rev_id or ScriptDirectory.generate_revision_id()
    if preview:
        click.echo(f"# Would create: {new_id}")
        click.echo(scripts.render(message, parent, rev_id=new_id, branch_labels=list(branch_labels), depends_on=list(depends_on), upgrade_body=upgrade_body, downgrade_body=downgrade_body))
        return
    path = scripts.create(
        message,
        parent,
        location,
        rev_id=new_id,
        branch_labels=list(branch_labels),
        depends_on=list(depends_on),
        upgrade_body=upgrade_body,
        downgrade_body=downgrade_body,
        truncate_slug_length=int(settings.get("truncate_slug_length") or 40),
        file_template=settings.get("file_template"),
    )
    click.echo(f"Created revision: {path}" + ("  [generated — review before applying]" if autogenerate else ""))


# -- running ---------------------------------------------------------------------------------------------
def _print_preview(runic: Runic, what: str) -> None:
    if runic.preview_log:
        for line in runic.preview_log:
            click.echo(line)
    else:
        click.echo(f"(nothing to {what})")


@cli.command()
@click.argument("target", default="head")
@config_option
@url_option
@click.option("--preview", is_flag=True, help="print the operations instead of running them")
@click.option("--validate-on-migrate", is_flag=True, help="refuse to run when an applied script's checksum changed")
@click.option("--installed-by", default=None, help="who applies it (default RUNIC_INSTALLED_BY, else the OS user)")
@friendly
def upgrade(target: str, config: Path | None, url: str | None, preview: bool, validate_on_migrate: bool, installed_by: str | None) -> None:
    """Apply revisions up to TARGET: head (default), heads, a revision id or prefix, or +N."""
    runic = connect(config, url, preview=preview)
    done = runic.upgrade(target, validate_on_migrate=validate_on_migrate, installed_by=installed_by)
    if preview:
        _print_preview(runic, "upgrade")
        return
    for rev_id, applied in runic.last_applied:
        click.echo(f"  {rev_id}: {len(applied)} operation(s)")
    current = runic.current_revisions()
    click.echo(f"Upgraded to: {', '.join(current) or 'base'}" if done else f"Already at: {', '.join(current) or 'base'}")


@cli.command()
@click.argument("target", default="-1")
@config_option
@url_option
@click.option("--force", is_flag=True, help="also undo revisions marked irreversible")
@click.option("--preview", is_flag=True, help="print the operations instead of running them")
@friendly
def downgrade(target: str, config: Path | None, url: str | None, force: bool, preview: bool) -> None:
    """Undo revisions down to TARGET: -1 (default), -N, a revision id or prefix, or base."""
    runic = connect(config, url, preview=preview)
    runic.downgrade(target, force=force)
    if preview:
        _print_preview(runic, "downgrade")
        return
    click.echo(f"Downgraded to: {', '.join(runic.current_revisions()) or 'base'}")


@cli.command()
@click.argument("target")
@config_option
@url_option
@click.option("--purge", is_flag=True, help="start from an empty version record")
@friendly
def stamp(target: str, config: Path | None, url: str | None, purge: bool) -> None:
    """Record TARGET (a revision, heads or base) as applied without running anything."""
    runic = connect(config, url)
    revisions = runic.stamp(target, purge=purge)
    click.echo(f"Stamped: {', '.join(revisions) or '<none>'}")


@cli.command()
@config_option
@url_option
@click.option("-v", "--verbose", is_flag=True, help="also who applied it and the checksum")
@friendly
def current(config: Path | None, url: str | None, verbose: bool) -> None:
    """Print the revision(s) the graph is at."""
    runic = connect(config, url)
    record = runic.record()
    if not record.revisions:
        click.echo("<none>")
        return
    for rev_id in record.revisions:
        message = runic.get_revision_message(rev_id)
        click.echo(f"{rev_id} — {message}" if message else rev_id)
        if verbose:
            click.echo(f"    installed_by: {record.installed_by.get(rev_id, '-')}")
            click.echo(f"    checksum:     {record.checksums.get(rev_id, '-')}")


@cli.command()
@config_option
@url_option
@click.option("-v", "--verbose", is_flag=True, help="also dates and parents")
@click.option("--range", "range_", default=None, metavar="START:END", help="only revisions in this range (either side may be empty)")
@click.option("--offline", "no_db", is_flag=True, help="do not connect (no 'current' marks)")
@friendly
def history(config: Path | None, url: str | None, verbose: bool, range_: str | None, no_db: bool) -> None:
    """List revisions, newest first; * marks applied ones, (current) the ones the graph is at."""
    if no_db:
        scripts, _, _ = offline(config)
        current_revs: list[str] = []
    else:
        runic = connect(config, url)
        scripts, current_revs = runic.scripts, runic.current_revisions()
    applied = scripts.ancestors(current_revs) if current_revs else set()
    for info in scripts.history(range_):
        tags = []
        if info.revision in current_revs:
            tags.append("current")
        if info.is_head:
            tags.append("head")
        if info.is_branch_point:
            tags.append("branch point")
        mark = "*" if info.revision in applied else " "
        tag = f"({', '.join(tags)})" if tags else ""
        click.echo(f"{mark} {info.revision:<13} {tag:<24} {info.message}")
        if verbose:
            click.echo(f"    create_date:   {info.create_date}")
            click.echo(f"    down_revision: {info.down_revision}")


@cli.command()
@config_option
@friendly
def heads(config: Path | None) -> None:
    """List the head revisions (more than one: merge them)."""
    scripts, _, _ = offline(config)
    found = scripts.get_heads()
    if not found:
        click.echo("<none>")
    suffix = "(single head)" if len(found) == 1 else "(MULTIPLE HEADS — join them with 'runic merge')"
    for head in found:
        click.echo(f"{head.revision}  {head.message}  {suffix}")


@cli.command()
@config_option
@friendly
def branches(config: Path | None) -> None:
    """List branch points: revisions with several children."""
    scripts, _, _ = offline(config)
    for point in scripts.get_branch_points():
        click.echo(f"{point.revision}  {point.message}  -> {', '.join(scripts.get_children(point.revision))}")


@cli.command()
@click.argument("rev")
@config_option
@friendly
def show(rev: str, config: Path | None) -> None:
    """Print one revision's details (id, prefix, head or base)."""
    scripts, _, _ = offline(config)
    r = scripts.get_revision(rev)
    rows = [
        ("Revision ID", r.revision),
        ("Revises", ", ".join(r.parents) or "<base>"),
        ("Message", r.message),
        ("Create Date", r.create_date),
        ("Irreversible", r.irreversible),
        ("Snapshot", r.snapshot),
        ("Branch Labels", r.branch_labels),
        ("Depends On", r.depends_on),
        ("Path", r.path),
    ]
    for key, value in rows:
        click.echo(f"{key + ':':<15}{value}")


@cli.command()
@click.argument("revisions", nargs=-1, required=True)
@click.option("-m", "--message", required=True, help="what the merge joins")
@config_option
@click.option("--branch-label", "branch_labels", multiple=True)
@click.option("--rev-id", default=None)
@friendly
def merge(revisions: tuple[str, ...], message: str, config: Path | None, branch_labels: tuple[str, ...], rev_id: str | None) -> None:
    """Create a revision joining REVISIONS (usually the heads) into one."""
    scripts, settings, location = offline(config)
    if len(revisions) < 2:
        raise click.UsageError("merge needs at least two revisions — see 'runic heads'")
    parents = tuple(scripts.get_revision(r).revision for r in revisions)
    head_ids = {h.revision for h in scripts.get_heads()}
    for parent in parents:
        if parent not in head_ids:
            click.echo(f"Warning: {parent} is not a head", err=True)
    path = scripts.create(message, parents, location, rev_id=rev_id, branch_labels=list(branch_labels),
                          truncate_slug_length=int(settings.get("truncate_slug_length") or 40), file_template=settings.get("file_template"))
    click.echo(f"Created revision: {path}")


@cli.command()
@config_option
@url_option
@friendly
def validate(config: Path | None, url: str | None) -> None:
    """Check that applied scripts still match the checksums recorded when they ran."""
    runic = connect(config, url)
    errors = runic.validate()
    if not errors:
        click.echo("All checksums valid.")
        return
    for error in errors:
        click.echo(f"  x {error}", err=True)
    sys.exit(1)


@cli.command()
@config_option
@url_option
@friendly
def check(config: Path | None, url: str | None) -> None:
    """Exit 1 when the live schema differs from the target manifest (or the models): for CI."""
    runic = connect(config, url)
    ops = runic.autogenerate()
    if not ops:
        click.echo("Schema up-to-date.")
        return
    click.echo("Pending schema changes (run 'runic revision --autogenerate -m \"...\"' to write them):")
    for op in ops:
        click.echo(f"  {op}")
    sys.exit(1)


@cli.command(name="test")
@click.argument("rev", default="head")
@config_option
@url_option
@click.option("--graph", "graph_name", default=None, help="name of the throw-away graph (default <graph>__test_<rev>_<random>)")
@friendly
def test_cmd(rev: str, config: Path | None, url: str | None, graph_name: str | None) -> None:
    """Round trip on a throw-away graph: upgrade to REV, downgrade to base, upgrade again."""
    runic = connect(config, url)
    rev_id = runic.scripts.get_revision(rev).revision
    line = "─" * 45
    click.echo(f"runic test {rev_id}")
    click.echo(line)
    try:
        phases = runic.test_revision(rev_id, graph_name=graph_name)
    except OrmError as exc:
        click.echo(f"FAILED: {exc}", err=True)
        sys.exit(1)
    for phase, counts in phases:
        click.echo(f"{phase + ':':<16} ✓  nodes={counts['nodes']}  indexes={counts['indexes']}  constraints={counts['constraints']}")
    click.echo(line)
    first, last = phases[0][1], phases[-1][1]
    if phases[1][1]["indexes"] or phases[1][1]["constraints"] or first != last:
        click.echo("FAILED: downgrade left schema behind, or the second upgrade differs from the first", err=True)
        sys.exit(1)
    click.echo("PASSED")


@cli.command()
@config_option
@url_option
@click.option("--mode", type=click.Choice(["COMPARE", "LOCAL", "REMOTE"], case_sensitive=False), default="COMPARE")
@friendly
def info(config: Path | None, url: str | None, mode: str) -> None:
    """Migration status: COMPARE (graph vs scripts), LOCAL (scripts only), REMOTE (graph only)."""
    mode = mode.upper()
    if mode == "LOCAL":
        scripts, _, _ = offline(config)
        click.echo(f"Local revisions : {len(scripts)}")
        click.echo(f"Heads           : {len(scripts.get_heads())}")
        for head in scripts.get_heads():
            click.echo(f"  {head.revision}  {head.message}")
        return
    runic = connect(config, url)
    current_revs = runic.current_revisions()
    if mode == "REMOTE":
        click.echo(f"Applied : {', '.join(current_revs) or '<none>'}")
        return
    try:
        pending = runic.pending_revisions(current_revs)
    except MultipleHeadsError:
        pending = runic.pending_revisions(current_revs, "heads")
    click.echo(f"Database : {runic.adapter.name} ({runic.adapter.url})")
    click.echo(f"Current  : {', '.join(current_revs) or '<none>'}")
    click.echo(f"Applied  : {len(runic.scripts) - len(pending)} of {len(runic.scripts)}")
    click.echo(f"Pending  : {len(pending)}")
    for rev in pending:
        click.echo(f"  {rev.revision}  {rev.message}")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``runic`` console script."""
    cli.main(args=argv, prog_name="runic")


if __name__ == "__main__":  # pragma: no cover
    main()

"""The ``graph`` command: argument parsing and output only; the work is in ``graphsvc``.

Exit codes: 0 success, 1 unexpected failure, 2 bad input, 3 store error,
4 inconsistent language table, 130 interrupted.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from graphsvc.errors import GraphError, Interrupted, SettingsError
from graphsvc.settings import Settings

__all__ = ["main"]


def _settings(**flags: Any) -> Settings:
    try:
        return Settings(**flags)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err.get("loc", ()))
        raise SettingsError(f"invalid setting '{where}': {err.get('msg')}",
                            suggestion="see `graph --help` for the accepted values") from exc


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except KeyboardInterrupt:
        click.echo("error: interrupted — the store keeps its last complete write; run the command again", err=True)
        sys.exit(Interrupted.exit_code)
    except GraphError as exc:
        click.echo(f"error: {exc.line()}", err=True)
        sys.exit(exc.exit_code)


def _store_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option("--neo4j-password", default=None, help="Neo4j password (or GRAPH_NEO4J_PASSWORD).")(fn)
    fn = click.option("--neo4j-user", default=None, help="Neo4j user (or GRAPH_NEO4J_USER).")(fn)
    fn = click.option("--store", default=None, metavar="URL",
                      help="ladybug:///path/graph.lbug or neo4j://host:7687 (or GRAPH_STORE).")(fn)
    return fn


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="graphsvc")
def main() -> None:
    """graphsvc: a code knowledge graph of your repositories."""


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--project", default=None, help="Project name (default: the directory name).")
@click.option("--incremental", is_flag=True, help="Parse only files whose hash changed; drop deleted ones.")
@click.option("--lang", "langs", default=None, help="Comma-separated languages to index (default: all).")
@click.option("--workers", type=int, default=None, help="Parser worker processes.")
@click.option("--max-file-size", type=int, default=None, help="Skip files larger than this many bytes.")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary.")
@_store_options
def ingest(path: Path, project: str | None, incremental: bool, langs: str | None, workers: int | None,
           max_file_size: int | None, as_json: bool, store: str | None, neo4j_user: str | None,
           neo4j_password: str | None) -> None:
    """Index the repository at PATH."""
    from graphsvc.ingest.run import ingest as run_ingest

    with _errors():
        settings = _settings(store=store, neo4j_user=neo4j_user, neo4j_password=neo4j_password,
                             workers=workers, max_file_size=max_file_size,
                             languages=[s.strip() for s in langs.split(",") if s.strip()] if langs else None)
        with _progress(enabled=not as_json and sys.stderr.isatty()) as progress:
            report = run_ingest(path, settings, project=project, incremental=incremental, progress=progress)
        if as_json:
            click.echo(report.to_json())
            return
        if report.nothing_changed:
            click.echo(f"{report.repo}: nothing changed ({report.unchanged} files checked) in {report.seconds:.2f}s")
            return
        click.echo(f"{report.repo} ({report.mode}) into {settings.store}")
        click.echo(f"  files: {report.scanned} scanned, {report.changed} parsed, {report.unchanged} unchanged,"
                   f" {report.removed} removed, {report.relinked} re-linked, {len(report.failed)} failed")
        if report.skipped:
            reasons = ", ".join(f"{n} {r}" for r, n in report.skipped.items())
            click.echo(f"  skipped: {reasons}")
        for path_, reason in sorted(report.failed.items()):
            click.echo(f"  failed: {path_}: {reason}")
        click.echo(f"  written: {report.symbols} symbols, {report.edges} edges;"
                   f" {report.parse_errors} parse errors recovered")
        click.echo(f"  time: {report.seconds:.2f}s")


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)

        yield update


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_store_options
def status(as_json: bool, store: str | None, neo4j_user: str | None, neo4j_password: str | None) -> None:
    """Show projects, repos, files, symbols, edges and the last run."""
    from graphsvc.status import status as read_status

    with _errors():
        settings = _settings(store=store, neo4j_user=neo4j_user, neo4j_password=neo4j_password)
        info = read_status(settings)
        if as_json:
            click.echo(json.dumps(info, sort_keys=True))
            return
        click.echo(f"store: {info['store']}")
        if not info["repos"]:
            click.echo("no repos indexed yet — run `graph ingest PATH`")
        for repo in info["repos"]:
            click.echo(f"{repo['project']} / {repo['repo']}: {repo['files']} files, {repo['loc']} lines,"
                       f" {repo['parseErrors']} parse errors; state {repo['state']}")
            click.echo(f"  root: {repo['root']}  commit: {repo['headCommit'] or '-'}")
            if repo["lastRun"]:
                run = repo["lastRun"]
                click.echo(f"  last run: {run.get('at')} {run.get('mode')}: {run.get('changed')} parsed,"
                           f" {run.get('removed')} removed, {run.get('relinked')} re-linked,"
                           f" {run.get('failed')} failed, {run.get('skipped')} skipped")
        counts = ", ".join(f"{n} {label}" for label, n in info["nodes"].items())
        click.echo(f"nodes: {counts or 'none'}")
        click.echo("edges: " + (", ".join(f"{n} {t}" for t, n in info["edges"].items()) or "none"))
        if info["resolution"]:
            click.echo("resolution: " + ", ".join(f"{n} {r}" for r, n in info["resolution"].items()))


@main.command()
@click.option("--project", default=None, help="Export one project only.")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", help="Output format.")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None, help="Write here, not stdout.")
@_store_options
def export(project: str | None, fmt: str, output: Path | None, store: str | None, neo4j_user: str | None,
           neo4j_password: str | None) -> None:
    """Write the canonical, sorted dump of the graph."""
    from graphsvc.export import export_lines
    from graphsvc.store import open_store

    with _errors():
        settings = _settings(store=store, neo4j_user=neo4j_user, neo4j_password=neo4j_password)
        with open_store(settings, read_only=True) as st:
            text = "".join(line + "\n" for line in export_lines(st, project))
        if output is None:
            sys.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

"""The ``graph`` command: argument parsing and output only; the work is in ``graphsvc``.

Exit codes: 0 success, 1 unexpected failure, 2 bad input, 3 store error,
4 inconsistent language table, 130 interrupted. ``graph check``: 0 every check passed, 1 a check
failed, 2 warnings only, 91 could not check, 92 policy unreadable or invalid, 93 store error.
"""

from __future__ import annotations

import dataclasses
import json
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from graphsvc.errors import GraphError, Interrupted, SettingsError, interrupt_handled
from graphsvc.settings import Settings

__all__ = ["main"]


def _settings(**flags: Any) -> Settings:
    from graphsvc.events import attach_log

    try:
        settings = Settings(**flags)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err.get("loc", ()))
        raise SettingsError(f"invalid setting '{where}': {err.get('msg')}",
                            suggestion="see `graph --help` for the accepted values") from exc
    # Events of this command reach `graph serve` through the store's event log (graphsvc/events.py).
    attach_log(settings.event_log_path(), settings.event_log_bytes)
    return settings


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except KeyboardInterrupt:
        interrupt_handled()
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


class _Commands(click.Group):
    """The command group; Ctrl-C anywhere in a command (an import included) exits 130, not click's 1."""

    def invoke(self, ctx: click.Context) -> Any:
        with _errors():
            return super().invoke(ctx)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="graphsvc")
def main() -> None:
    """graphsvc: a code knowledge graph of your repositories."""


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--project", default=None, help="Project name (default: the directory name).")
@click.option("--incremental", is_flag=True, help="Parse only files whose hash changed; drop deleted ones.")
@click.option("--since", default=None, metavar="REF",
              help="Incremental, with the changed files taken from `git diff REF` (the store holds REF).")
@click.option("--lang", "langs", default=None, help="Comma-separated languages to index (default: all).")
@click.option("--workers", type=int, default=None, help="Worker processes that parse (and, in a full run, resolve).")
@click.option("--max-file-size", type=int, default=None, help="Skip files larger than this many bytes.")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary.")
@_store_options
def ingest(path: Path, project: str | None, incremental: bool, since: str | None, langs: str | None,
           workers: int | None,
           max_file_size: int | None, as_json: bool, store: str | None, neo4j_user: str | None,
           neo4j_password: str | None) -> None:
    """Index the repository at PATH."""
    with _errors():  # an interrupt while the pipeline imports is an interrupt too (exit 130)
        from graphsvc.ingest.run import ingest as run_ingest

        settings = _settings(store=store, neo4j_user=neo4j_user, neo4j_password=neo4j_password,
                             workers=workers, max_file_size=max_file_size,
                             languages=[s.strip() for s in langs.split(",") if s.strip()] if langs else None)
        with _progress(enabled=not as_json and sys.stderr.isatty()) as progress:
            report = run_ingest(path, settings, project=project, incremental=incremental, since=since,
                                progress=progress)
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


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--project", default=None, help="Project name (default: the directory name).")
@click.option("--debounce", type=float, default=0.15, show_default=True, help="Quiet seconds before a run.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON event per line.")
@_store_options
def watch(path: Path, project: str | None, debounce: float, as_json: bool, store: str | None,
          neo4j_user: str | None, neo4j_password: str | None) -> None:
    """Keep the graph of PATH current while files change (Ctrl-C stops)."""
    from graphsvc.events import Event, subscribe
    from graphsvc.ingest.scan import scan
    from graphsvc.watch import watch as run_watch

    def show(event: Event) -> None:
        if as_json:
            click.echo(json.dumps({"subject": event.subject, "payload": event.payload,
                                   "correlationId": event.correlation_id, "createdAt": event.created_at},
                                  sort_keys=True))
        elif event.subject == "graph.ingest.finished" and not event.payload["nothingChanged"]:
            p = event.payload
            click.echo(f"{event.created_at} {p['repo']}: {p['changed']} parsed, {p['removed']} removed,"
                       f" {p['relinked']} re-linked in {p['seconds']:.3f}s")
        elif event.subject in ("graph.watch.retrying", "graph.ingest.failed"):
            click.echo(f"{event.created_at} {event.payload.get('error')}", err=True)
        elif event.subject == "graph.watch.started":
            click.echo(f"watching {event.payload['root']} (Ctrl-C stops)")

    with _errors():
        settings = _settings(store=store, neo4j_user=neo4j_user, neo4j_password=neo4j_password)
        scan(path)  # a missing path or a file fails here, with the same message as ingest
        # Ctrl-C (SIGINT) is how a watcher is stopped, by a person or a process manager; a parent
        # that ignored SIGINT (a script's background job, a test runner) would pass that on and
        # leave a watcher nothing stops but SIGKILL.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        unsubscribe = subscribe(show)
        try:
            run_watch(path, settings, project=project, debounce=debounce)
        finally:
            unsubscribe()


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
            behind = repo.get("behind")
            if behind and behind["commits"]:
                click.echo(f"  behind HEAD by {behind['commits']} commits touching {behind['files']} files"
                           " — run `graph ingest ROOT --incremental`")
            elif behind is not None:
                click.echo("  up to date with HEAD")
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



@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; the default keeps the server to this machine.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on.")
@click.option("--log-level", type=click.Choice(["debug", "info", "warning", "error"]), default="info",
              show_default=True, help="Log level.")
@_store_options
def serve(host: str, port: int, log_level: str, store: str | None, neo4j_user: str | None,
          neo4j_password: str | None) -> None:
    """Serve the browser client (/), the GraphQL API (GraphiQL at /graphql) and the editor endpoints (/api/...)."""
    import logging

    import uvicorn

    from api.app import create_app
    from api.correlation import LOG_FORMAT
    from graphsvc.store import open_store

    with _errors():
        settings = _settings(store=store, neo4j_user=neo4j_user, neo4j_password=neo4j_password)
        open_store(settings, read_only=True).close()  # fail now, in one line, when the store is not there
        logging.basicConfig(level=log_level.upper(), format=LOG_FORMAT)
        app = create_app(settings)
        click.echo(f"serving {settings.store} at http://{host}:{port}/ (GraphQL at /graphql)", err=True)
        uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)



@main.command()
@click.option("--stdio", is_flag=True, help="Talk LSP over stdin/stdout (the default and only transport).")
@_store_options
def lsp(stdio: bool, store: str | None, neo4j_user: str | None, neo4j_password: str | None) -> None:
    """Serve the Language Server Protocol over stdio: definitions, references, calls, types, symbols, hover."""
    from api.lsp import serve as serve_lsp

    with _errors():
        settings = _settings(store=store, neo4j_user=neo4j_user, neo4j_password=neo4j_password)
        serve_lsp(settings)


@main.command("mcp")
@click.option("--http", is_flag=True, help="Serve streamable HTTP on 127.0.0.1 (at /mcp) instead of stdio.")
@click.option("--port", type=int, default=8765, show_default=True, help="Port for --http.")
@_store_options
def mcp_command(http: bool, port: int, store: str | None, neo4j_user: str | None,
                neo4j_password: str | None) -> None:
    """Serve the graph to AI agents over the Model Context Protocol (stdio, or HTTP with --http)."""
    import logging

    from api.mcp import run as run_mcp

    with _errors():
        settings = _settings(store=store, neo4j_user=neo4j_user, neo4j_password=neo4j_password)
        # stdout carries the protocol on stdio: logs go to stderr.
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
        if http:
            click.echo(f"serving {settings.store} over MCP at http://127.0.0.1:{port}/mcp", err=True)
        run_mcp(settings, http=http, port=port)


@main.group()
def query() -> None:
    """Ask the graph: callers, callees, refs, search, deps, symbol-at."""


def _query_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option("--json", "as_json", is_flag=True, help="Print JSON.")(fn)
    return _store_options(fn)


def _page_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option("--offset", type=int, default=0, show_default=True, help="Skip this many.")(fn)
    fn = click.option("--limit", type=int, default=50, show_default=True, help="Show at most this many.")(fn)
    return fn


def _ask(flags: dict[str, Any], fn: Callable[..., Any], *args: Any) -> Any:
    from graphsvc.store import open_store

    settings = _settings(store=flags.get("store"), neo4j_user=flags.get("neo4j_user"),
                         neo4j_password=flags.get("neo4j_password"))
    with open_store(settings, read_only=True) as st:
        return fn(st, *args)


def _guess(ref: Any) -> str:
    if ref.resolution == "heuristic":
        return f"heuristic ({ref.candidates} candidates, confidence {ref.confidence:.2f})"
    return str(ref.resolution or "")


def _print_references(page: Any, as_json: bool) -> None:
    from queries.graph import as_data

    if as_json:
        click.echo(json.dumps(as_data(page), sort_keys=True))
        return
    for ref in page.items:
        where = f"{ref.file.path}:{ref.line}:{ref.column}" if ref.file else "-"
        click.echo(f"{where}  {ref.type}  {ref.source.id} -> {ref.target.id}  {_guess(ref)}")
    if not page.items:
        click.echo("none")
    if page.has_more:
        click.echo(f"… more with --offset {page.offset + page.limit}")


def _reference_command(name: str, help_text: str) -> None:
    @query.command(name, help=help_text)
    @click.argument("node_id", metavar="ID")
    @_page_options
    @_query_options
    def command(node_id: str, limit: int, offset: int, as_json: bool, **flags: Any) -> None:
        from queries import graph

        with _errors():
            page = _ask(flags, getattr(graph, "references" if name == "refs" else name), node_id,
                        graph.window(limit, offset))
            _print_references(page, as_json)


_reference_command("callers", "Calls into the symbol (or external name) ID, by caller.")
_reference_command("callees", "Calls the symbol ID makes, in source order.")
_reference_command("refs", "Every call, use, base-class mention and import of the symbol, file or external ID.")


@query.command("search")
@click.argument("text")
@click.option("--scope", "scopes", type=click.Choice(["symbols", "files"]), multiple=True,
              help="Look through these only (repeatable; default: both).")
@click.option("--limit", type=int, default=20, show_default=True, help="Show at most this many.")
@_query_options
def search_command(text: str, scopes: tuple[str, ...], limit: int, as_json: bool, **flags: Any) -> None:
    """Symbols and files matching TEXT: exact, prefix, words, fuzzy; best first."""
    from queries.graph import as_data
    from queries.search import search

    with _errors():
        hits = _ask(flags, search, text, [s.upper() for s in scopes] or None, limit)
        if as_json:
            click.echo(json.dumps(as_data(hits), sort_keys=True))
            return
        for hit in hits:
            where = f"  {hit.entity.path}:{hit.entity.line}" if hit.entity.label == "Symbol" else ""
            click.echo(f"{hit.score:6.2f}  {hit.match:<6}  {hit.entity.label:<8}  {hit.entity.id}{where}")
        if not hits:
            click.echo("no match")


@query.command("deps")
@click.argument("node_id", metavar="ID")
@click.option("--direction", type=click.Choice(["out", "in", "both"]), default="out", show_default=True,
              help="out: what ID depends on; in: what depends on ID.")
@click.option("--depth", type=int, default=1, show_default=True, help="Hops to follow (at most 5).")
@click.option("--types", default=None, help="Comma-separated edge types (default: CALLS,USES,EXTENDS,IMPORTS).")
@click.option("--max-nodes", type=int, default=None, help="Stop after this many nodes (default 500).")
@_query_options
def deps_command(node_id: str, direction: str, depth: int, types: str | None, max_nodes: int | None,
                 as_json: bool, **flags: Any) -> None:
    """The dependency graph around ID."""
    from queries import graph

    with _errors():
        chosen = [t.strip() for t in types.split(",") if t.strip()] if types else None
        way = {"out": "OUTGOING", "in": "INCOMING", "both": "BOTH"}[direction]
        found = _ask(flags, graph.dependencies, node_id, way, depth, chosen, max_nodes)
        if as_json:
            click.echo(json.dumps(graph.as_data(found), sort_keys=True))
            return
        for n in found.nodes:
            where = f"  {n.path}:{n.line}" if n.path and n.line else ""
            click.echo(f"{n.depth}  {n.label:<8}  {n.id}{where}")
        for e in found.edges:
            click.echo(f"  {e.type} {e.source} -> {e.target}  line {e.line}:{e.column}  {e.resolution}")
        if found.truncated:
            click.echo("… truncated: raise --max-nodes or lower --depth")


@query.command("symbol-at")
@click.argument("repo")
@click.argument("path")
@click.argument("line", type=int)
@click.argument("column", type=int)
@_query_options
def symbol_at_command(repo: str, path: str, line: int, column: int, as_json: bool, **flags: Any) -> None:
    """The innermost symbol at LINE (1-based) and COLUMN (0-based) of PATH in REPO (repo:<project>/<name>)."""
    from queries import graph

    with _errors():
        found = _ask(flags, graph.symbol_at, repo, path, line, column)
        if as_json:
            click.echo(json.dumps(graph.as_data(found), sort_keys=True))
            return
        click.echo(f"{found.id}  {found.kind}  {found.path}:{found.line}:{found.column}  {found.signature or ''}".rstrip())


@main.group()
def project() -> None:
    """Projects: several repos under one name, linked to the projects they depend on."""


@project.command("add")
@click.argument("name")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON summary per repo.")
@_store_options
def project_add(name: str, paths: tuple[Path, ...], as_json: bool, store: str | None, neo4j_user: str | None,
                neo4j_password: str | None) -> None:
    """Register project NAME and index each PATH as one of its repos (incrementally when it is known)."""
    from graphsvc.ingest.run import ingest as run_ingest
    from graphsvc.ingest.scan import scan
    from graphsvc.projects import add_repo, register_project
    from graphsvc.store import open_store

    with _errors():
        settings = _settings(store=store, neo4j_user=neo4j_user, neo4j_password=neo4j_password)
        roots = [scan(p).root for p in paths]  # every path is checked before anything is written
        with open_store(settings) as writer:
            pid, _ = register_project(writer, name)
            repos = [add_repo(writer, pid, str(root)) for root in roots]
        for root, repo in zip(roots, repos, strict=True):
            report = run_ingest(root, settings, project=name, incremental=True)
            if as_json:
                click.echo(report.to_json())
            else:
                click.echo(f"{repo.id}: {report.changed} parsed, {report.removed} removed in {report.seconds:.2f}s")


@main.command("api-key")
def api_key() -> None:
    """Make a new API key: prints the key (give it to clients) and its sha256 (for GRAPH_API_KEY_HASHES)."""
    import secrets

    from api.auth import hash_key

    key = secrets.token_urlsafe(32)
    click.echo(f"key:    {key}")
    click.echo(f"sha256: {hash_key(key)}")


# -- specs, tasks, audits, compliance, attestations (docs/decisions/0008) ------------------------------


def _writer(flags: dict[str, Any]) -> Any:
    from graphsvc.store import open_store

    return open_store(_settings(**flags))


@main.group()
def audit() -> None:
    """Import scanner reports (SARIF 2.1.0) and follow requested audits."""


@audit.command("import")
@click.argument("report", type=click.Path(path_type=Path))
@click.option("--project", required=True, help="Project the scanned repo belongs to.")
@click.option("--repo", default=None, help="Repo name (default: the project name).")
@click.option("--commit", default=None, help="Commit the report was produced on (default: from the report, else"
              " the indexed commit).")
@click.option("--kind", type=click.Choice(["codeReview", "security", "license", "compliance"]), default=None,
              help="Audit kind (default: security for security scanners, else codeReview).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_store_options
def audit_import(report: Path, project: str, repo: str | None, commit: str | None, kind: str | None, as_json: bool,
                 **flags: Any) -> None:
    """Import a SARIF report: an Audit and its Findings, attached to the innermost symbol or file."""
    from graphsvc import insights
    from graphsvc.audits import import_report

    with _errors(), _writer(flags) as store:
        result = import_report(store, report, project, repo, commit=commit, kind=kind)
        if not result.unchanged:
            insights.record(store, _settings(**flags).metric_points)  # the open findings changed
        if as_json:
            click.echo(json.dumps(dataclasses.asdict(result), sort_keys=True))
        elif result.unchanged and not result.findings:
            click.echo(f"already imported: {', '.join(result.audits)}")
        else:
            click.echo(f"{', '.join(result.audits)}: {result.findings} findings, {result.attached} attached,"
                       f" {result.superseded} older findings superseded")


@audit.command("trigger")
@click.argument("target")
@click.option("--kind", type=click.Choice(["codeReview", "security", "license", "compliance"]), required=True)
@click.option("--tool", default="", help="Tool the runner should use.")
@_store_options
def audit_trigger(target: str, kind: str, tool: str, **flags: Any) -> None:
    """Create a pending audit of TARGET (a project, repo, file or symbol id) and emit audit.requested."""
    from graphsvc.audits import trigger_audit

    with _errors(), _writer(flags) as store:
        click.echo(trigger_audit(store, target, kind, tool))


@audit.command("record")
@click.argument("audit_id", metavar="AUDIT")
@click.option("--status", type=click.Choice(["ok", "warn", "fail"]), required=True)
@click.option("--summary", default="", help="One line on the outcome.")
@click.option("--report", type=click.Path(path_type=Path), default=None, help="SARIF report with its findings.")
@_store_options
def audit_record(audit_id: str, status: str, summary: str, report: Path | None, **flags: Any) -> None:
    """Complete a requested audit."""
    from graphsvc.audits import record_audit

    with _errors(), _writer(flags) as store:
        record_audit(store, audit_id, status, summary, report)
        click.echo(f"{audit_id}: {status}")


@audit.command("overview")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_store_options
def audit_overview(as_json: bool, **flags: Any) -> None:
    """Open findings by project and severity, newest first."""
    from graphsvc.store import open_store

    with _errors(), open_store(_settings(**flags), read_only=True) as store:
        rows = store.read("security_overview")
    if as_json:
        click.echo(json.dumps(rows, sort_keys=True))
        return
    for r in rows:
        click.echo(f"{r['project']}  {r['severity']:<8} {r['findings']:>5}  newest {r['newest']}")


@main.group()
def task() -> None:
    """Tasks created by hand (comment tasks come from ingest)."""


@task.command("add")
@click.argument("title")
@click.option("--project", required=True)
@click.option("--link", "links", multiple=True, help="Symbol, file or spec item id it is about (repeatable).")
@click.option("--label", "labels", multiple=True, help="Label (repeatable).")
@click.option("--assignee", default="")
@_store_options
def task_add(title: str, project: str, links: tuple[str, ...], labels: tuple[str, ...], assignee: str,
             **flags: Any) -> None:
    """Create a task."""
    from graphsvc.tasks import create_task

    with _errors(), _writer(flags) as store:
        click.echo(create_task(store, project, title, labels=list(labels), assignee=assignee, links=list(links))["id"])


@task.command("link")
@click.argument("task_id", metavar="TASK")
@click.argument("target")
@_store_options
def task_link(task_id: str, target: str, **flags: Any) -> None:
    """Link TASK to a symbol, file or spec item."""
    from graphsvc.tasks import link_task

    with _errors(), _writer(flags) as store:
        link_task(store, task_id, target)


@query.command("specs")
@click.option("--project", required=True, help="Project name.")
@click.option("--unimplemented", is_flag=True, help="Only the spec items nothing implements.")
@_query_options
def specs_command(project: str, unimplemented: bool, as_json: bool, **flags: Any) -> None:
    """Spec items of a project (checklists, requirement headings, decision records)."""
    from queries import specs
    from queries.graph import as_data

    with _errors():
        items = _ask(flags, lambda st: specs.spec_items(st, f"proj:{project}", unimplemented=unimplemented))
    if as_json:
        click.echo(json.dumps(as_data(items), sort_keys=True))
        return
    for i in items:
        click.echo(f"{i.ref:<40} {i.source:<11} {i.status or '-':<9} {i.implementations:>3}  {i.title}")


@query.command("tasks")
@click.option("--project", required=True, help="Project name.")
@click.option("--path", default="", help="Only the tasks in this file.")
@click.option("--symbol", default="", help="Only the tasks about this symbol id.")
@_query_options
def tasks_command(project: str, path: str, symbol: str, as_json: bool, **flags: Any) -> None:
    """Tasks of a project: TODO/FIXME/XXX/HACK comments and tasks created by hand."""
    from queries import specs
    from queries.graph import as_data

    with _errors():
        found = _ask(flags, lambda st: specs.tasks(st, f"proj:{project}", path=path, symbol=symbol))
    if as_json:
        click.echo(json.dumps(as_data(found), sort_keys=True))
        return
    for t in found:
        where = f"{t.path}:{t.line}" if t.path else t.origin
        click.echo(f"{where:<40} {t.kind:<6} {t.title}")


@query.command("untested")
@click.option("--project", required=True, help="Project name.")
@_query_options
def untested_command(project: str, as_json: bool, **flags: Any) -> None:
    """Exported functions, methods and classes that no test calls."""
    from queries import specs
    from queries.graph import as_data

    with _errors():
        found = _ask(flags, lambda st: specs.untested_symbols(st, f"proj:{project}"))
    if as_json:
        click.echo(json.dumps(as_data(found), sort_keys=True))
        return
    for u in found:
        click.echo(f"{u.kind:<8} {u.id}")


# Exit codes of `graph check` above 90: infrastructure, not verdicts.
_CHECK_STORE_ERROR = 93
_CHECK_POLICY_ERROR = 92
_CHECK_OTHER_ERROR = 91


@main.command()
@click.option("--project", required=True, help="Project to check.")
@click.option("--policy", "policies", multiple=True, type=click.Path(path_type=Path),
              help="Policy file or directory (repeatable; default: policies/ of the project's repos).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_store_options
def check(project: str, policies: tuple[Path, ...], as_json: bool, **flags: Any) -> None:
    """Evaluate compliance policies. Exit 0 pass, 1 a check failed, 2 warnings only, 91-93 could not check."""
    from graphsvc import compliance, insights
    from graphsvc.errors import PolicyError, StoreError
    from graphsvc.model import project_id
    from graphsvc.store import open_store

    try:
        store_settings = _settings(**flags)
        with open_store(store_settings) as store:
            paths = list(policies)
            if not paths:
                for r in store.read("project_repos", id=project_id(project)):
                    root = (store.repo(r["id"]) or {}).get("root")
                    if root and (Path(root) / "policies").is_dir():
                        paths.append(Path(root) / "policies")
            if not paths:
                raise PolicyError(f"no policies for project '{project}'",
                                  suggestion="add policies/*.yaml to a repo or pass --policy")
            results = compliance.run_check(store, project, compliance.load_policies(paths))
            insights.record(store, store_settings.metric_points)
    except KeyboardInterrupt:
        interrupt_handled()
        click.echo("error: interrupted", err=True)
        sys.exit(Interrupted.exit_code)
    except PolicyError as exc:
        click.echo(f"error: {exc.line()}", err=True)
        sys.exit(_CHECK_POLICY_ERROR)
    except StoreError as exc:
        click.echo(f"error: {exc.line()}", err=True)
        sys.exit(_CHECK_STORE_ERROR)
    except GraphError as exc:
        click.echo(f"error: {exc.line()}", err=True)
        sys.exit(_CHECK_OTHER_ERROR)
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(r) for r in results], sort_keys=True))
    else:
        for r in results:
            click.echo(f"{r.status:<4}  {r.check_id}  ({r.evaluated} checked, {len(r.violations)} violations)")
            for v in r.violations[:10]:
                click.echo(f"        {v['id']}: {v['message']}")
    sys.exit(compliance.exit_code(results))


@main.command()
@click.option("--project", required=True, help="Project to attest.")
@click.option("--days", type=int, default=30, show_default=True, help="Days until the attestation expires.")
@click.option("--key", type=click.Path(path_type=Path), default=None, help="Ed25519 private key (or GRAPH_ATTESTATION_KEY).")
@_store_options
def attest(project: str, days: int, key: Path | None, **flags: Any) -> None:
    """Sign the project's checks and audits into an Attestation."""
    from graphsvc.attestations import attest as make

    with _errors():
        settings = _settings(attestation_key=key, **flags)
        from graphsvc.store import open_store

        with open_store(settings) as store:
            made = make(store, project, settings, days)
        click.echo(f"{made['id']}  {made['status']}  {made['summary']}  expires {made['expiresAt']}")


@main.command()
@click.argument("attestation")
@click.option("--public-key", type=click.Path(path_type=Path), default=None,
              help="Ed25519 public key (or GRAPH_ATTESTATION_PUBLIC_KEY; default: from the private key).")
@click.option("--key", type=click.Path(path_type=Path), default=None, help="Ed25519 private key (or GRAPH_ATTESTATION_KEY).")
@_store_options
def verify(attestation: str, public_key: Path | None, key: Path | None, **flags: Any) -> None:
    """Verify an attestation's signature and expiry; says why it fails."""
    from graphsvc.attestations import verify as check_signature
    from graphsvc.store import open_store

    with _errors():
        settings = _settings(attestation_key=key, attestation_public_key=public_key, **flags)
        with open_store(settings, read_only=True) as store:
            ok = check_signature(store, attestation, settings)
        click.echo(f"ok: {ok.id} signed by key {ok.key_id}, status {ok.status}, expires {ok.expires_at}")


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
def keygen(path: Path) -> None:
    """Write a new Ed25519 key pair for attestations: PATH (private, mode 0600) and PATH.pub."""
    from graphsvc.attestations import write_keypair

    if path.exists():
        click.echo(f"error: {path} exists — choose another path; a key is never overwritten", err=True)
        sys.exit(2)
    click.echo(f"private key {path}, public key {write_keypair(path)}")


if __name__ == "__main__":
    main()

"""One ingest run: scan, hash, parse, resolve, re-resolve dependents, write.

Example::

    from graphsvc.ingest.run import ingest
    report = ingest(Path("fixtures/repos/shop"), Settings(), incremental=True)
    print(report.changed, report.seconds)

A full run (the default) rewrites the repo from scratch through the store's bulk
path. An incremental run compares sha256 hashes with the stored ones, parses only
what changed, and re-resolves the unchanged files whose recorded lookups now answer
differently (see ``resolve.py``); it leaves exactly the graph a full run would build.
"""

from __future__ import annotations

import gc
import json
import threading
from importlib import import_module
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from queue import Queue
from typing import Any, Generic, TypeVar
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from graphsvc import ecosystem, insights, specs
from graphsvc.errors import LanguageError, StoreMissing, WriteConflict
from graphsvc.events import emit, new_correlation_id
from graphsvc.ingest.hash import hash_file
from graphsvc.ingest.parse import POOL_THRESHOLD, ParseFailure, parse_files, worker_context
from graphsvc.ingest.resolve import FileGraph, Summary, config_fingerprint, resolver_module, summary_signature
from graphsvc.ingest.resolve.symbol_rows import ANY_FILE
from graphsvc.ingest.scan import ScanResult, changed_since, rescan, scan
from graphsvc.ingest.workers import Workers
from graphsvc.model import FileFacts, Node, file_id, project_id, repo_id
from graphsvc.settings import Settings
from graphsvc.store import RepoChange, Store, StoredFile, dialect, open_store
from graphsvc.store.base import BulkRows, node_tuple, summary_json, summary_of
from parsers import registry

__all__ = ["IngestCache", "IngestReport", "ingest", "prime"]

_ATTEMPTS = 3
INSIGHTS_EVERY = 30.0  # seconds between insights records of a long-lived process (IngestCache)
_T = TypeVar("_T")

Progress = Callable[[str, int, int], None]


@dataclass
class IngestReport:
    """What one run did. ``seconds`` is wall time; counts are files unless named otherwise."""

    project: str
    repo: str
    root: str
    store: str
    mode: str  # "full" | "incremental"
    scanned: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    relinked: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    skipped_files: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    parse_errors: int = 0
    symbols: int = 0
    edges: int = 0
    nothing_changed: bool = False
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> str:
        """The machine-readable summary (``graph ingest --json``)."""
        return json.dumps(asdict(self), sort_keys=True)


class Dependents:
    """Which files recorded lookups about which file, with those lookups, so a run finds the files
    a changed file may affect, and the lookups to ask again, without reading every recorded lookup
    (kept by ``IngestCache``)."""

    def __init__(self) -> None:
        self.about: dict[str, dict[str, tuple[str, ...]]] = {}  # file -> {file with lookups about it: those}
        self.of: dict[str, frozenset[str]] = {}

    @staticmethod
    def lookups(lang: str, summary: Summary) -> dict[str, tuple[str, ...]]:
        """A file's recorded lookups by the file each is about."""
        dep_path = resolver_module(lang).dep_path
        out: dict[str, list[str]] = {}
        for key in summary.get("deps") or {}:
            about = dep_path(key)
            if about is not None:
                out.setdefault(about, []).append(key)
        return {about: tuple(keys) for about, keys in out.items()}

    def set(self, path: str, lookups: dict[str, tuple[str, ...]]) -> None:
        for q in self.of.get(path, frozenset()) - lookups.keys():
            self.about.get(q, {}).pop(path, None)
        for q, keys in lookups.items():
            self.about.setdefault(q, {})[path] = keys
        self.of[path] = frozenset(lookups)

    def drop(self, path: str) -> None:
        self.set(path, {})
        del self.of[path]

    def of_any(self, paths: set[str]) -> dict[str, list[str]]:
        """The files with a lookup about any of ``paths``, each with those lookups."""
        out: dict[str, list[str]] = {}
        for q in paths:
            for p, keys in self.about.get(q, {}).items():
                out.setdefault(p, []).extend(keys)
        return out


@dataclass
class IngestCache:
    """What a long-lived process (``graph watch``, ``graph lsp``) keeps of a repo between its runs.

    After each of its own writes it holds the repo's properties and stored files as the store now
    has them, so the next run needs no read of the store. It is only ever a guess about the store:
    the write checks the repo's generation under the write lock, and a run that finds another
    writer went in between drops the cache and reads the store again.
    """

    repo: str = ""
    repo_props: dict[str, Any] | None = None
    stored: dict[str, StoredFile] = field(default_factory=dict)
    linker: specs.Linker | None = None
    dependents: Dependents | None = None
    scan: ScanResult | None = None  # the tree as the last run saw it
    insights_at: float = float("-inf")  # when this process last recorded the insights figures
    module_maps: dict[tuple[str, tuple[str, ...], tuple[str, ...]], dict[str, tuple[str, ...]]] = field(
        default_factory=dict)
    writer: Store | None = None  # the store of the last write, held for the next (``Store.hold``)

    def holds(self, rid: str) -> bool:
        return self.repo == rid and self.repo_props is not None

    def clear(self) -> None:
        self.repo, self.repo_props, self.stored, self.linker, self.dependents = "", None, {}, None, None
        self.scan, self.module_maps = None, {}

    def close(self) -> None:
        """Release the held store; the process ends or stops writing."""
        writer, self.writer = self.writer, None
        if writer is not None:
            writer.close()


def _check_languages(languages: list[str]) -> None:
    for name in languages:
        if registry.by_name(name) is None:
            known = ", ".join(sorted(s.name for s in registry.LANGUAGES))
            raise LanguageError(f"unknown language '{name}'", suggestion=f"known: {known}")


def ingest(path: Path, settings: Settings, *, project: str | None = None, incremental: bool = False,
           since: str | None = None, progress: Progress | None = None, store: Store | None = None,
           correlation_id: str | None = None, cache: IngestCache | None = None,
           changed_paths: set[str] | None = None) -> IngestReport:
    """Index the tree at ``path`` into the store the settings name.

    ``since`` (a git ref; implies ``incremental``) takes the changed set from ``git diff``
    instead of hashing every file: the files git reports unchanged since ``ref`` keep
    their stored facts, so the store must hold the tree as it was at ``ref``. ``cache``
    (incremental runs of one process) saves reading the store before the run, and with
    ``changed_paths`` (relative paths a file watcher saw change since the cache's last run)
    the walk of the tree too.
    """
    started = time.perf_counter()
    _check_languages(settings.languages)
    if not incremental and since is None and cache is None and settings.workers > 1:
        # A full run may parse in workers (``_early_workers``): their fork server starts up (an
        # interpreter and its imports, some 0.1 s) while the tree is walked.
        worker_context()
    scanned = None
    if cache is not None and changed_paths is not None and cache.scan is not None and incremental \
            and since is None and cache.scan.root == path.resolve():
        scanned = rescan(cache.scan, changed_paths, settings.languages or None, settings.max_file_size)
    if scanned is None:
        scanned = scan(path, settings.languages or None, settings.max_file_size)
    if since is not None:
        incremental = True
        scanned.trusted_unchanged = {f.path for f in scanned.files} - changed_since(scanned.root, since)
    root = scanned.root
    name = root.name
    project = project or name
    rid = repo_id(project, name)
    report = IngestReport(project=project_id(project), repo=rid, root=str(root), store=settings.store,
                          mode="incremental" if incremental else "full")
    report.skipped_files = dict(scanned.skipped)
    timings = report.timings
    timings["scan"] = time.perf_counter() - started

    cid = correlation_id or new_correlation_id()
    emit("graph.ingest.started", {"repo": rid, "mode": report.mode}, cid)
    manifest = ecosystem.read_manifest(root)
    linked: ecosystem.LinkReport | None = None
    if cache is not None and (not incremental or not cache.holds(rid)):
        cache.clear()
    try:
        for attempt in range(_ATTEMPTS):
            try:
                with _gc_paused(not incremental), ExitStack() as run_scope:
                    linked = _run(store, scanned, rid, project, name, report, incremental, settings, progress,
                                  manifest, cache, run_scope)
                break
            except WriteConflict:
                # Another writer changed the repo since this run read it: read again and redo.
                if cache is not None:
                    cache.clear()
                if attempt == _ATTEMPTS - 1:
                    raise
                report.failed.clear()
                report.symbols = report.edges = report.parse_errors = 0
        report.failed.update(manifest.problems)
    except BaseException as exc:
        if cache is not None:
            cache.clear()
        emit("graph.ingest.failed", {"repo": rid, "error": str(exc) or exc.__class__.__name__}, cid)
        raise
    if cache is not None:
        cache.scan = scanned
    if linked is not None:
        emit("graph.ecosystem.linked", {"repo": rid, "projectLinks": linked.project_links,
                                        "crossEdges": linked.cross_edges, "services": linked.services,
                                        "integrations": linked.integrations}, cid)
    report.skipped = {}
    for reason in report.skipped_files.values():
        report.skipped[reason] = report.skipped.get(reason, 0) + 1
    report.seconds = round(time.perf_counter() - started, 4)
    report.timings = {k: round(v, 4) for k, v in timings.items()}
    emit("graph.ingest.finished", {
        "repo": rid, "mode": report.mode, "changed": report.changed, "removed": report.removed,
        "relinked": report.relinked, "failed": len(report.failed), "nothingChanged": report.nothing_changed,
        "seconds": report.seconds,
    }, cid)
    return report


@contextmanager
def _gc_paused(pause: bool) -> Iterator[None]:
    """Hold off the cyclic garbage collector for a full run.

    A full run builds millions of objects that all live until the write; the collector would
    scan them again and again (a quarter of the run's CPU time on Django) and find nothing to
    free, since facts, rows and summaries hold no cycles.
    """
    if not pause or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def prime(path: Path, settings: Settings, cache: IngestCache, *, project: str | None = None) -> None:
    """Fill ``cache`` with what the store holds of the repo at ``path``, writing nothing and reading
    without the write lock, so the first change is taken like the others (a watcher that does not
    catch up at start, a language server over an indexed repo): the stored files, the tree, and what
    a run builds from every summary, the dependents of each lookup and the mentions' linker; and what
    a first run would otherwise do cold: the files' module names and the languages' compiled queries.
    Its insights clock starts at the priming (``_link_and_record``)."""
    scanned = scan(path, settings.languages or None, settings.max_file_size)
    rid = repo_id(project or scanned.root.name, scanned.root.name)
    repo_props, stored = _read(None, settings, rid, True, None)
    if repo_props is None or repo_props.get("state") == "writing":
        return
    cache.clear()
    cache.repo, cache.repo_props, cache.stored, cache.scan = rid, dict(repo_props), stored, scanned
    langs = {f.path: f.lang for f in scanned.files if f.path in stored}
    cache.dependents = Dependents()
    for p, lang in langs.items():
        cache.dependents.set(p, Dependents.lookups(lang, stored[p].summary))
    summaries = {p: stored[p].summary for p in langs}
    if any(summ.get("mentions") for summ in summaries.values()):
        cache.linker = specs.Linker(rid, summaries)
    _module_maps(scanned, langs, cache)
    for lang in set(langs.values()):
        registry.compiled(lang)
    # The insights figures of the graph as primed are those its last writer recorded: the process's
    # clock for them starts now, so a first save within INSIGHTS_EVERY does not pay two passes over
    # the graph (100 ms of a 250 ms save on Django) for a point the trend does not need.
    cache.insights_at = time.monotonic()


def _read(store: Store | None, settings: Settings, rid: str, incremental: bool,
          cache: IngestCache | None) -> tuple[dict[str, Any] | None, dict[str, StoredFile]]:
    """The repo's properties and stored files, read without taking the write lock."""
    if cache is not None and cache.holds(rid):
        return dict(cache.repo_props or {}), dict(cache.stored)
    if store is not None:
        repo_props = store.repo(rid)
        return repo_props, store.stored_files(rid) if incremental and repo_props else {}
    try:
        reader = open_store(settings, read_only=True)
    except StoreMissing:
        return None, {}
    with reader:
        repo_props = reader.repo(rid)
        return repo_props, reader.stored_files(rid) if incremental and repo_props else {}


def _write(store: Store | None, settings: Settings, change: RepoChange | None,
           link: Callable[[Store], ecosystem.LinkReport | None] | None,
           cache: IngestCache | None = None) -> tuple[float, ecosystem.LinkReport | None]:
    """Apply the change, then re-derive the cross-project layer (docs/decisions/0007) through the same
    store handle; the seconds spent waiting for the embedded store's write lock, and what linking did.

    A long-lived process (``cache``) holds its store between writes (``Store.hold``) and writes
    through it again unless it had to let go meanwhile.
    """

    def on(writer: Store) -> ecosystem.LinkReport | None:
        if change is not None:
            writer.apply(change)
        return link(writer) if link is not None else None

    if store is not None:
        return 0.0, on(store)
    if cache is None:
        with open_store(settings) as writer:
            done = on(writer)
            return float(getattr(writer, "lock_wait", 0.0)), done
    writer, cache.writer = cache.writer, None
    if writer is None or not writer.take_back():
        writer = open_store(settings)
    try:
        done = on(writer)
        waited = float(getattr(writer, "lock_wait", 0.0))
        writer.hold()
    except BaseException:
        writer.close()
        raise
    cache.writer = writer
    return waited, done


def _link_and_record(writer: Store, settings: Settings, rid: str, manifest: ecosystem.Manifest,
                     wrote: bool, cache: IngestCache | None = None) -> ecosystem.LinkReport | None:
    """Re-link the repo into the ecosystem, then append the insights figures that changed
    (graphsvc/insights.py), with the writer of the run's write. A long-lived process (``cache``)
    records them at most every ``INSIGHTS_EVERY`` seconds: a trend needs no point per save, and
    the figures cost a pass over the graph."""
    linked = ecosystem.link(writer, rid, manifest, wrote)
    now = time.monotonic()
    if cache is None or now - cache.insights_at >= INSIGHTS_EVERY:
        insights.record(writer, settings.metric_points)
        if cache is not None:
            cache.insights_at = now
    return linked


def _module_maps(scanned: ScanResult, langs: Mapping[str, str], cache: IngestCache | None
                 ) -> tuple[dict[str, str], dict[str, list[str]], dict[str, str], dict[str, dict[str, tuple[str, ...]]]]:
    """The resolver module of each language, the files of each, the fingerprints of the project files
    that steer resolution, and the dotted names of every file, by resolver module.

    Each resolver module resolves the files of the languages that name it (TypeScript, TSX and
    JavaScript import each other, so they share one): module names, and per language the
    fingerprint of the project files whose contents steer resolution (a changed tsconfig.json
    re-resolves all TS files). The names of the same files under the same configs come from the
    cache (``prime`` computes them ahead of a first run).
    """
    group = {lang: resolver_module(lang).__name__ for lang in set(langs.values())}
    by_group: dict[str, list[str]] = {}
    for p in langs:
        by_group.setdefault(group[langs[p]], []).append(p)
    module_maps: dict[str, dict[str, tuple[str, ...]]] = {}
    configs: dict[str, str] = {}
    for lang in sorted(set(langs.values())):
        fingerprint = config_fingerprint(scanned.root, scanned.project_files, resolver_module(lang).CONFIG_FILES)
        if fingerprint:
            configs[lang] = fingerprint
    for key, paths in sorted(by_group.items()):
        # Module names follow from the paths, and from the contents of the files the configs
        # fingerprint (go.mod, Cargo.toml…).
        memo = (key, tuple(sorted(paths)), (*scanned.project_files, *sorted(configs.values())))
        if cache is not None and memo in cache.module_maps:
            module_maps[key] = cache.module_maps[memo]  # the same files answer to the same names
            continue
        module_maps[key] = import_module(key).module_names(paths, scanned.project_files, scanned.root)
        if cache is not None:
            cache.module_maps = {k: v for k, v in cache.module_maps.items() if k[0] != key}
            cache.module_maps[memo] = module_maps[key]
    return group, by_group, configs, module_maps


def _run(store: Store | None, scanned: ScanResult, rid: str, project: str, name: str, report: IngestReport,
         incremental: bool, settings: Settings, progress: Progress | None, manifest: ecosystem.Manifest,
         cache: IngestCache | None, scope: ExitStack) -> ecosystem.LinkReport | None:
    """Index the scanned tree, write it and link the repo into the ecosystem; what linking did.
    What the run opens (a writer opened ahead, its thread) closes with ``scope``."""
    timings = report.timings
    starting = _early_workers(scanned, incremental, cache, settings, scope)
    t = time.perf_counter()
    repo_props, stored = _read(store, settings, rid, incremental, cache)
    if repo_props is not None and repo_props.get("state") == "writing":
        incremental, stored = False, {}  # a crash interrupted the last bulk load: rebuild
    generation = int((repo_props or {}).get("generation") or 0)
    timings["load"] = time.perf_counter() - t

    t = time.perf_counter()
    hashes: dict[str, tuple[str, int]] = {}
    langs: dict[str, str] = {}
    stats: dict[str, tuple[int, int]] = {}
    # A file modified this close to the run may change again within the same mtime tick
    # (racy-git); it is recorded without an mtime, so the next run hashes it.
    racy_after = time.time_ns() - 2_000_000_000
    for f in scanned.files:
        stats[f.path] = (f.mtime_ns if f.mtime_ns < racy_after else 0, f.inode)
        known = stored.get(f.path)
        if known is not None and (f.path in scanned.trusted_unchanged or known.same_stat(f.size, f.mtime_ns, f.inode)):
            hashes[f.path] = (known.hash, f.size)
            langs[f.path] = f.lang
            continue
        result = hash_file(scanned.root / f.path)
        if isinstance(result, str):
            report.skipped_files[f.path] = result
            continue
        digest, binary = result
        if binary:
            report.skipped_files[f.path] = "binary"
            continue
        hashes[f.path] = (digest, f.size)
        langs[f.path] = f.lang
    report.scanned = len(hashes) + len(report.skipped_files)
    timings["hash"] = time.perf_counter() - t

    # Each resolver module resolves the files of the languages that name it (TypeScript, TSX and
    # JavaScript import each other, so they share one): module names, and per language the
    # fingerprint of the project files whose contents steer resolution (a changed tsconfig.json
    # re-resolves all TS files).
    group, by_group, configs, module_maps = _module_maps(scanned, langs, cache)
    names = {p: module_maps[group[langs[p]]].get(p, ()) for p in hashes}
    modules = {p: (names[p][0] if names[p] else "") for p in hashes}
    stored_configs = json.loads((repo_props or {}).get("configs") or "{}")
    reconfigured = {lang for lang in group if configs.get(lang, "") != stored_configs.get(lang, "")}

    changed = [p for p, (digest, _) in hashes.items()
               if p not in stored or stored[p].hash != digest
               or stored[p].summary.get("m") != modules[p] or langs[p] in reconfigured]
    removed = sorted(p for p in stored if p not in hashes)
    report.removed = len(removed)
    report.unchanged = len(hashes) - len(changed)
    # Files whose bytes are unchanged but whose stat is not recorded (touched, checked out again,
    # or racy last time) get their stat refreshed, so the next run skips hashing them.
    restat = {p: stats[p] for p in hashes if p in stored and p not in changed
              and not stored[p].same_stat(hashes[p][1], *stats[p])}
    manifest_json = manifest.to_json()
    if incremental and not changed and not removed:
        report.nothing_changed = True
        if cache is not None and not cache.holds(rid) and repo_props is not None:
            cache.repo, cache.repo_props, cache.stored = rid, dict(repo_props), dict(stored)
        relink_manifest = (repo_props or {}).get("manifest") != manifest_json
        if restat or relink_manifest:
            rows = _restat_rows(rid, restat)

            def refresh_and_link(writer: Store) -> ecosystem.LinkReport | None:
                if rows:
                    writer.refresh_stats(rid, rows)
                return _link_and_record(writer, settings, rid, manifest, False, cache) if relink_manifest else None

            _, linked = _write(store, settings, None, refresh_and_link, cache)
            if cache is not None and cache.holds(rid):
                _remember_stats(cache, restat)
                if relink_manifest and cache.repo_props is not None:
                    cache.repo_props["manifest"] = manifest_json
            return linked
        return None

    now = datetime.now(UTC).isoformat(timespec="seconds")
    meta = {p: {"hash": hashes[p][0], "size": hashes[p][1], "at": now, "mtime_ns": stats[p][0], "inode": stats[p][1]}
            for p in hashes}
    graphs: list[FileGraph] = []
    facts: dict[str, FileFacts] = {}
    relink: list[str] = []
    rows: BulkRows | None = None
    ahead: _NodesAhead | None = None
    if not stored and cache is None and settings.workers > 1 and len(changed) >= POOL_THRESHOLD:
        # A repo written from scratch: parsed and resolved in the workers (docs/decisions/0020).
        rows, ahead = _in_workers(starting, store, scanned, changed, langs, names, group, module_maps, meta, repo_props,
                                  rid, project, name, report, settings, progress, scope)
    else:
        if starting is not None:
            starting.cancel()
        ahead, relink = _here(store, scanned, changed, langs, names, group, by_group, module_maps, stored, removed,
                              repo_props, rid, project, name, incremental, report, settings, progress, cache,
                              scope, facts, graphs)

    # Write.
    t = time.perf_counter()
    git = scanned.git
    change = RepoChange(
        project=Node("Project", project_id(project), {"name": project}),
        repo=Node("Repo", rid, {
            "name": name, "project": project_id(project), "root": str(scanned.root),
            "url": git.url if git else "", "provider": _provider(git.url if git else ""),
            "defaultBranch": git.branch if git else "", "headCommit": git.head_commit if git else "",
            "state": "ok", "lastIndexedAt": now, "configs": json.dumps(configs, sort_keys=True),
            "manifest": (repo_props or {}).get("manifest"),
        }),
        writes=graphs,
        rows=rows,
        meta=meta,
        old={p: stored[p].summary for p in stored},
        removed=removed,
        full=not incremental or not stored,
        relinked=set(relink),
        expected_generation=generation if repo_props is not None else None,
        early=ahead.finish() if ahead is not None else frozenset(),
    )
    change.repo.props["lastChanged"] = json.dumps(sorted({*changed, *relink, *removed}))
    change.repo.props["lastRun"] = json.dumps({
        "mode": report.mode, "changed": report.changed, "removed": report.removed, "relinked": report.relinked,
        "failed": len(report.failed), "skipped": len(report.skipped_files), "at": now,
    }, sort_keys=True)
    # The unchanged files whose stat moved (a checkout, a copy of the tree) get it refreshed in the
    # same write, so the next runs skip hashing them again.
    restat_rows = _restat_rows(rid, restat) if not change.full else []

    def write_and_link(writer: Store) -> ecosystem.LinkReport | None:
        if restat_rows:
            writer.refresh_stats(rid, restat_rows)
        return _link_and_record(writer, settings, rid, manifest, True, cache)

    if ahead is not None:
        _, linked = _write(ahead.writer, settings, change, write_and_link, cache)
    else:
        timings["lock_wait"], linked = _write(store, settings, change, write_and_link, cache)
    timings["write"] = time.perf_counter() - t
    if cache is not None:
        _remember(cache, change, stored, manifest_json, langs)
        _remember_stats(cache, {p: st for p, st in restat.items() if p not in change.removed})
    return linked


def _here(store: Store | None, scanned: ScanResult, changed: list[str], langs: dict[str, str],
          names: dict[str, tuple[str, ...]], group: dict[str, str], by_group: dict[str, list[str]],
          module_maps: dict[str, dict[str, tuple[str, ...]]], stored: dict[str, StoredFile], removed: list[str],
          repo_props: dict[str, Any] | None, rid: str, project: str, name: str, incremental: bool,
          report: IngestReport, settings: Settings, progress: Progress | None, cache: IngestCache | None,
          scope: ExitStack, facts: dict[str, FileFacts], graphs: list[FileGraph]
          ) -> tuple[_NodesAhead | None, list[str]]:
    """Parse what changed (in ``parse_files``' pool), resolve it in this process against the summaries
    of every file, and re-resolve the unchanged files whose lookups now answer differently; fills
    ``facts`` and ``graphs``; the writer opened ahead, if any, and the re-resolved files."""
    timings = report.timings
    t = time.perf_counter()
    for i, result in enumerate(parse_files(scanned.root, [(p, langs[p]) for p in changed], settings.workers)):
        if isinstance(result, ParseFailure):
            report.failed[result.path] = result.reason
        else:
            facts[result.path] = result
        if progress is not None:
            progress("parse", i + 1, len(changed))
    timings["parse"] = time.perf_counter() - t

    # Summaries of every file: fresh for parsed files, stored for the others.
    t = time.perf_counter()
    summaries: dict[str, dict[str, Summary]] = {lang: {} for lang in by_group}
    for p in langs:  # every indexed file
        if p in facts:
            summaries[group[langs[p]]][p] = resolver_module(langs[p]).make_summary(facts[p], names[p])
        elif p in stored and p not in report.failed:
            summaries[group[langs[p]]][p] = stored[p].summary
    resolvers = {key: import_module(key).Resolver(rid, summaries[key], module_maps[key], scanned.root)
                 for key in by_group}
    ahead: _NodesAhead | None = None
    if repo_props is None and cache is None and (not incremental or not stored) and facts:
        ahead = scope.enter_context(_open_ahead(store, settings, scanned, rid, project, name, timings))
    for p in sorted(facts):
        graphs.append(resolvers[group[langs[p]]].resolve(facts[p]))
        if ahead is not None:
            ahead.add(graphs[-1])

    # Unchanged files whose lookups now answer differently are re-linked. When the set of files
    # is the same, only lookups of the re-parsed files whose signature changed can answer
    # differently; otherwise every recorded lookup is asked again.
    same_files = not removed and all(p in stored for p in langs)
    suspects = {p for p in facts
                if p in stored and summary_signature(summaries[group[langs[p]]][p]) != summary_signature(stored[p].summary)}
    if suspects:
        suspects.add(ANY_FILE)  # lookups about names any file may declare (a Java package's types)

    def stale(path: str, deps: dict[str, str]) -> bool:
        lang = langs[path]
        answer = resolvers[group[lang]].dep_answer
        if not same_files:
            return any(answer(k) != v for k, v in deps.items())
        module = resolver_module(lang)
        about = asked.get(path)
        if getattr(module, "DEPS_CLOSED", False):
            # With the same files, a lookup can only answer differently when a file it (or a
            # lookup on its way, recorded too) is about changed its signature.
            if about is not None:
                return any(answer(k) != deps.get(k) for k in about)
            dep_path = module.dep_path
            return any(answer(k) != v for k, v in deps.items() if dep_path(k) in suspects)
        if about is None and not any(module.dep_path(k) in suspects for k in deps):
            return False
        return any(answer(k) != v for k, v in deps.items())

    candidates: Any = stored
    asked: dict[str, list[str]] = {}  # candidate -> its lookups about a suspect, when known
    if same_files and cache is not None:
        if cache.dependents is None:
            cache.dependents = Dependents()
            for p, f in stored.items():
                if p in langs:
                    cache.dependents.set(p, Dependents.lookups(langs[p], f.summary))
        asked = cache.dependents.of_any(suspects)  # the files with a lookup about a suspect
        candidates = asked
    relink_set = {
        p for p in candidates
        if p in stored and p in langs and p in summaries[group[langs[p]]] and p not in facts
        and p not in report.failed and stale(p, stored[p].summary.get("deps") or {})
    }
    # Mentions in specs, tasks and documents are linked against every file of the repo; an
    # unchanged file whose links would now differ is re-linked like a stale dependent.
    everything = {p: summ for by in summaries.values() for p, summ in by.items()}
    linker = _linker(cache, rid, everything) if any(s.get("mentions") for s in everything.values()) else None
    if linker is not None:
        relink_set |= {p for p, summ in everything.items()
                       if p not in facts and p in stored and summ.get("mentions") and linker.may_relink(summ)
                       and linker.signature(p, summ) != summ.get("links", "")}
    relink = sorted(relink_set)
    parsed = dict(facts)
    if relink:
        for result in parse_files(scanned.root, [(p, langs[p]) for p in relink], settings.workers):
            if isinstance(result, ParseFailure):
                report.failed[result.path] = result.reason
                continue
            lang = langs[result.path]
            summaries[group[lang]][result.path] = resolver_module(lang).make_summary(result, names[result.path])
            graphs.append(resolvers[group[lang]].resolve(result))
            parsed[result.path] = result
    for fg in graphs:
        specs.attach(fg, parsed[fg.path], rid)
    if linker is None and any(fg.summary.get("mentions") for fg in graphs):
        linker = _linker(cache, rid, everything)
    if linker is not None:
        for fg in graphs:
            specs.link(fg, linker)
    report.changed = len(facts)
    report.relinked = len(relink)
    report.parse_errors = sum(f.parse_errors for f in facts.values())
    for fg in graphs:
        report.symbols += sum(1 for n in fg.nodes if n.label == "Symbol")
        report.edges += len(fg.edges)
    timings["resolve"] = time.perf_counter() - t
    return ahead, relink


def _early_workers(scanned: ScanResult, incremental: bool, cache: IngestCache | None, settings: Settings,
                   scope: ExitStack) -> _InThread[Workers] | None:
    """The workers of a full run that will use them (``_in_workers``), started before anything else, in a
    thread: they start up (an interpreter, its imports, the languages' queries compiled: 0.1-0.15 s)
    while this process reads the store, hashes the files and names the modules, and starting them
    waits for the fork server to have imported their modules (started with the run, ``ingest``; on
    Django 0.03 s after the walk of the tree). An incremental run knows only once it has read the
    store whether it writes the repo from scratch; it starts them then."""
    if incremental or cache is not None or settings.workers <= 1 or len(scanned.files) < POOL_THRESHOLD:
        return None
    root, count, langs = scanned.root, settings.workers, {f.lang for f in scanned.files}
    starting = _InThread(lambda: Workers(root, count, langs), lambda pool: pool.close(0.0), "start workers")
    scope.callback(starting.cancel)  # a run that fails, or parses here, stops them
    return starting


def _in_workers(starting: _InThread[Workers] | None, store: Store | None, scanned: ScanResult, changed: list[str],
                langs: dict[str, str], names: dict[str, tuple[str, ...]], group: dict[str, str],
                module_maps: dict[str, dict[str, tuple[str, ...]]], meta: dict[str, dict[str, Any]],
                repo_props: dict[str, Any] | None, rid: str, project: str, name: str, report: IngestReport,
                settings: Settings, progress: Progress | None,
                scope: ExitStack) -> tuple[BulkRows, _NodesAhead | None]:
    """Parse and resolve a repo written from scratch in worker processes that keep the facts they
    parse (``graphsvc/ingest/workers.py``; ``starting``, if they were started already); the bulk rows,
    and the writer opened ahead, if any.

    A repo new to the store gets that writer opened in a thread while the files are parsed: opening
    a store, taking its write lock and marking the repo cost this process 0.05-0.1 s, which the
    parse would otherwise wait for (and a run that waits for another's write lock parses meanwhile).
    """
    timings = report.timings
    t = time.perf_counter()
    parsed: set[str] = set()
    pool = scope.enter_context(starting.result() if starting is not None
                               else Workers(scanned.root, settings.workers, set(langs.values())))
    opening = None
    if repo_props is None:
        opening = _InThread(lambda: _open_ahead(store, settings, scanned, rid, project, name, timings),
                            lambda ahead: ahead.__exit__(None, None, None), "open ahead")
        scope.callback(opening.cancel)  # a run that fails does not wait for it
    items = [(p, langs[p], names[p]) for p in changed]
    for i, (path, reason, errors) in enumerate(pool.parse(items)):
        if reason:
            report.failed[path] = reason
        else:
            parsed.add(path)
            report.parse_errors += errors
        if progress is not None:
            progress("parse", i + 1, len(items))
    timings["parse"] = time.perf_counter() - t

    t = time.perf_counter()
    ahead = scope.enter_context(opening.result()) if opening is not None else None
    rows = BulkRows()
    # LadybugDB loads edges from Arrow tables: the workers build them (graphsvc/store/arrow.py).
    arrow = (store.dialect if store is not None else dialect(settings)) == "ladybug"
    # Every worker's Symbol rows, written ahead in one copy once all have come (on LadybugDB one copy
    # of Django's costs 0.36-0.39 s of CPU, two 0.45-0.47 s); they come first, at about the same time.
    symbols: list[Any] = []
    waiting = len(pool.conns)
    for part in pool.resolve(rid, {k: module_maps[k] for k in set(group.values())}, group,
                             {p: meta[p] for p in parsed}, arrow):
        if part.ahead and ahead is not None and ahead.active:  # else another run wrote the repo meanwhile
            symbols.append(part.rows.nodes.pop(_NodesAhead.LABEL, []))
            symbols += part.rows.node_tables.pop(_NodesAhead.LABEL, [])
            waiting -= 1
            if not waiting:
                ahead.add_rows(_joined(symbols))
        rows.extend(part.rows)
        report.symbols += part.symbols
        report.edges += part.edges
    pool.stop()  # they end while the run writes; the run's scope waits for them (``Workers.close``)
    report.changed = len(parsed)
    timings["resolve"] = time.perf_counter() - t
    return rows, ahead


def _joined(parts: list[Any]) -> Any:
    """Row lists and Arrow tables of the same label as one: a table if any is one, else a list."""
    tables = [p for p in parts if not isinstance(p, list)]
    if not tables:
        return [row for p in parts for row in p]
    from graphsvc.store.arrow import joined, node_table

    label = _NodesAhead.LABEL
    return joined([*tables, *(node_table(label, p) for p in parts if isinstance(p, list) and p)])


def _open_ahead(store: Store | None, settings: Settings, scanned: ScanResult, rid: str, project: str, name: str,
                timings: dict[str, float]) -> _NodesAhead:
    """A new repo: its symbols are written while the rest is resolved (docs/decisions/0018); the caller
    closes the writer (``with``). ``lock_wait``: the seconds opening it took, its write lock included."""
    wait = time.perf_counter()
    ahead = _NodesAhead(store, settings, Node("Project", project_id(project), {"name": project}),
                        Node("Repo", rid, {"name": name, "project": project_id(project), "root": str(scanned.root)}))
    timings["lock_wait"] = time.perf_counter() - wait
    return ahead


class _InThread(Generic[_T]):
    """What a run opens or starts in a thread while it goes on: the writer ahead while the files are
    parsed (``_in_workers``), the workers while the files are hashed (``_early_workers``).

    ``result`` waits for it. A run that fails or is interrupted meanwhile calls ``cancel``, which waits
    for the thread ``CANCEL_WAIT`` seconds at most: opening a writer may mean waiting up to the lock
    timeout for another run's write lock (in Python, where a thread can be left), but an interpreter
    that exits while the thread is inside LadybugDB's native code aborts ("terminate called without
    an active exception"), and opening without a wait takes well under a second. What the thread
    opens after the cancel, it closes at once (``close``), so nothing the run gave up keeps the
    store's write lock or a worker process. The thread is a daemon: an interpreter that exits does
    not wait for it beyond that.
    """

    CANCEL_WAIT = 5.0

    def __init__(self, start: Callable[[], _T], close: Callable[[_T], None], name: str) -> None:
        self._lock = threading.Lock()
        self._cancelled = False
        self._done = threading.Event()
        self._close = close
        self._value: _T | None = None
        self._taken = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._start, args=(start,), name=name, daemon=True)
        self._thread.start()

    def _start(self, start: Callable[[], _T]) -> None:
        try:
            value = start()
        except BaseException as exc:  # raised by ``result`` in the run's thread
            self._error = exc
        else:
            with self._lock:
                if self._cancelled:
                    self._close(value)
                else:
                    self._value = value
        finally:
            self._done.set()

    def result(self) -> _T:
        """What the thread opened, once it has (its error, raised)."""
        self._done.wait()
        if self._error is not None:
            raise self._error
        with self._lock:
            assert self._value is not None and not self._cancelled
            self._taken = True
            return self._value

    def cancel(self) -> None:
        """The run no longer wants it: closed now if opened and not taken (``result``), else by the
        thread once it has opened it."""
        with self._lock:
            self._cancelled = True
            if self._value is not None and not self._taken:
                self._close(self._value)
                self._value = None
        self._thread.join(self.CANCEL_WAIT)


class _NodesAhead:
    """The Symbol nodes of a new repo, written in a thread while the main one resolves (and links,
    and builds the rest of the change): a bulk load's node copies release the interpreter, and
    resolving leaves the second core idle. The repo is marked ``writing`` first (``begin_bulk``),
    so a crash in between leaves a load the next run rebuilds; the bulk load (``change.early``)
    then writes everything else. A writer is opened for it when the run was given none, and
    the run's write goes through it.
    """

    LABEL = "Symbol"
    BATCH = 20_000  # rows per copy: a copy costs some 30 ms besides its rows

    def __init__(self, store: Store | None, settings: Settings, project: Node, repo: Node) -> None:
        self.owned = store is None
        self.writer = open_store(settings) if store is None else store
        self.pending: list[tuple[Any, ...]] = []
        self.queue: Queue[list[tuple[Any, ...]] | Any] = Queue()  # rows or an Arrow table; None: stop
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None
        try:
            # Read again with the write lock held: another run may have written the repo meanwhile
            # (then this run rewrites it whole, as any full run of a repo the store holds).
            self.writer.lock_writes(repo.id)
            self.active = self.writer.repo(repo.id) is None
            if self.active:
                self.writer.begin_bulk(project, repo)
        except BaseException:
            self._close()
            raise
        if self.active:
            self.thread = threading.Thread(target=self._drain, name="nodes ahead", daemon=True)
            self.thread.start()

    def add(self, fg: FileGraph) -> None:
        """Queue the file's Symbol nodes; hand a batch to the thread once there are enough."""
        if not self.active:
            return
        self.pending += [node_tuple(n) for n in fg.nodes if n.label == self.LABEL]
        if len(self.pending) >= self.BATCH:
            self.queue.put(self.pending)
            self.pending = []

    def add_rows(self, rows: list[tuple[Any, ...]] | Any) -> None:
        """Hand the thread Symbol rows built elsewhere (or an Arrow table of them), at once: a full run's
        worker sends all of its files' before it resolves them (``graphsvc/ingest/workers.py``). Only
        while ``active``."""
        if len(rows):
            self.queue.put(rows)

    def finish(self) -> frozenset[str]:
        """Write what is left and wait for the thread; the labels written (its error, raised)."""
        if self.pending:
            self.queue.put(self.pending)
            self.pending = []
        self._stop()
        if self.error is not None:
            raise self.error
        return frozenset({self.LABEL}) if self.active else frozenset()

    def _drain(self) -> None:
        while (rows := self.queue.get()) is not None:
            if self.error is None:
                try:
                    self.writer.bulk_nodes(self.LABEL, rows)
                except BaseException as exc:  # raised by ``finish`` in the main thread
                    self.error = exc

    def _stop(self) -> None:
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.thread = None

    def _close(self) -> None:
        if self.owned:
            self.writer.close()

    def __enter__(self) -> _NodesAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()
        self._close()


def _restat_rows(rid: str, restat: dict[str, tuple[int, int]]) -> list[dict[str, Any]]:
    return [{"id": file_id(rid, p), "mtimeNs": m, "inode": i} for p, (m, i) in sorted(restat.items())]


def _remember_stats(cache: IngestCache, restat: dict[str, tuple[int, int]]) -> None:
    """The cache's stored files with the stats a run refreshed (their bytes and summaries unchanged)."""
    for p, (m, i) in restat.items():
        old = cache.stored.get(p)
        if old is not None:
            cache.stored[p] = StoredFile(p, old.hash, old.summary, old.size, m, i)


def _linker(cache: IngestCache | None, rid: str, summaries: dict[str, Summary]) -> specs.Linker:
    """The repo's linker: the cached one brought up to date, else a new one (kept in the cache)."""
    if cache is None:
        return specs.Linker(rid, summaries)
    if cache.linker is None or cache.linker.repo != rid:
        cache.linker = specs.Linker(rid, summaries)
    else:
        cache.linker.update(summaries)
    return cache.linker


def _remember(cache: IngestCache, change: RepoChange, stored: dict[str, StoredFile], manifest_json: str,
              langs: dict[str, str]) -> None:
    """Bring the cache to what the store holds after ``change`` (and its manifest link)."""
    kept = {p: f for p, f in stored.items() if p not in change.removed}
    if cache.dependents is not None and change.full:
        cache.dependents = None
    for p in change.removed:
        if cache.dependents is not None and p in cache.dependents.of:
            cache.dependents.drop(p)
    for fg in change.writes:
        meta = change.meta[fg.path]
        # Through JSON, as the store keeps it, so a cached summary equals a stored one.
        summary = summary_of(summary_json(fg.summary))
        kept[fg.path] = StoredFile(fg.path, meta["hash"], summary, meta["size"], meta["mtime_ns"], meta["inode"])
        if cache.dependents is not None:
            cache.dependents.set(fg.path, Dependents.lookups(langs[fg.path], summary))
    props = dict(change.repo.props)
    props["manifest"] = manifest_json
    cache.repo, cache.repo_props, cache.stored = change.repo.id, props, kept


def _provider(url: str) -> str:
    for host in ("github", "gitlab", "bitbucket"):
        if host in url:
            return host
    return "git" if url else ""

"""Ingest benchmark: index a pinned open-source Python tree and time it against bare tree-sitter.

Usage::

    python bench/ingest.py [--runs 3] [--stores ladybug,neo4j] [--corpus NAME==VERSION]
                           [--workers 2] [--json OUT]

Corpus:
    The sdist of a PyPI release (default ``Django==5.0.14``), fetched with
    ``pip download --no-deps --no-binary :all: NAME==VERSION -d bench/.cache/dl`` and
    extracted once to ``bench/.cache/src/NAME-VERSION/``. Every invocation works on a
    temporary copy in the system temp directory: the cache is never modified, and the
    copy lies outside this git work tree, so ``scan`` walks the files instead of asking
    ``git ls-files`` (which would list nothing under the ignored ``bench/.cache/``).

Baseline (same invocation, single process):
    The file list is exactly what an ingest indexes: ``graphsvc.ingest.scan.scan`` with
    the settings' languages and size limit, minus the files the hash step would skip as
    unreadable or binary. The sources are read into memory first, so only tree-sitter
    work is timed:

    * parse-only: ``Parser.parse`` on every file, with the parser from
      ``parsers.registry.compiled``;
    * parse+query: the same plus ``QueryCursor(query).matches(tree.root_node)`` with the
      language's tags query, fully consumed;
    * parse_source: ``graphsvc.ingest.parse.parse_source``, i.e. parse, query and the
      language adapter that turns matches into file facts (what one parser worker does
      per file), to show where the ingest's parse stage spends its time.

Per store:
    * ``ladybug``: a fresh ``ladybug:///<tmp>/g.lbug`` for every run;
    * ``neo4j``: one throw-away Neo4j 5 server from ``tests/neo4j_server/launcher.py``
      for the whole benchmark, emptied (every node detached and deleted) before every run,
      which then waits until the server has gone quiet (it collects and checkpoints for
      seconds after a large delete); every run of either store waits for that too. Before the
      measured runs, full ingests warm the freshly started server up until one is no more than
      5 % faster than the one before (at least 2, at most ``WARM_UP_MAX``): its Java code is
      compiled at first use and then again, optimised, over the next runs. On Django a fresh
      server took 16.2, 9.6, 7.8, 7.0, 7.4 and 7.5 s for six full ingests in a row, so one
      warm-up run left the measured runs still compiling (9.8, 9.0, 7.4 s). The first run's
      time is reported on its own ("first full ingest on a fresh server"), the others as
      "warm-up full ingests"; none is among the runs, since a server in use has long been warm.

    Each run measures:

    * full ingest into the empty store, in a freshly spawned process so that its memory
      is its own; also files/s and the ratio to the parse-only and parse+query
      baselines. Peak resident set size comes from ``/proc`` (Linux): ``VmHWM`` of the
      ingest process at the end; ``VmHWM`` of its descendants (the forkserver and the
      parser workers), sampled every 0.1 s, largest one reported; and the largest
      sampled sum of ``VmRSS`` over the whole process tree (shared pages count once per
      process). ``resource.getrusage`` is not used: on Linux a process's ``ru_maxrss``
      starts at its parent's peak RSS (it is carried across ``exec``), so a process
      spawned from this benchmark, or the forkserver spawned from the ingest, would
      report its parent's memory;
    * an ``incremental=True`` run with nothing changed;
    * an ``incremental=True`` run after appending a small function to one mid-size module
      (the median-size file outside ``__init__.py`` and test directories); the file is
      restored afterwards.

    Times are ``IngestReport.seconds``: wall time inside ``ingest()``, opening the store
    included, interpreter start-up and imports excluded. For Neo4j the memory figures
    cover the client side only; the server's own peak RSS is printed separately.

Every measurement is repeated ``--runs`` times (stores interleaved within a run) and
reported as median with min and max, because shared machines are noisy. The code
measured is the ``graphsvc`` of the checkout this file sits in (its root goes first on
``sys.path``), whichever copy is installed. A store whose ingest raises is reported
with its traceback and skipped for the remaining runs; the exit status is then 1.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import traceback
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from importlib import metadata
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Self

from tree_sitter import Parser, Query, QueryCursor

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
# Measure the graphsvc of this checkout, whichever one is installed.
if str(REPO_DIR) not in sys.path:
    sys.path.insert(0, str(REPO_DIR))

import graphsvc  # noqa: E402
from graphsvc.ingest.hash import hash_file  # noqa: E402
from graphsvc.ingest.parse import parse_source  # noqa: E402
from graphsvc.ingest.run import IngestCache, IngestReport, ingest  # noqa: E402
from graphsvc.ingest.scan import ScannedFile, scan  # noqa: E402
from graphsvc.settings import Settings  # noqa: E402
from parsers import registry  # noqa: E402

CACHE_DIR = BENCH_DIR / ".cache"
LAUNCHER_DIR = REPO_DIR / "tests" / "neo4j_server"

DEFAULT_CORPUS = "Django==5.0.14"
STORES = ("ladybug", "neo4j")
STAGES = ("scan", "load", "hash", "parse", "resolve", "write")
APPENDED_FUNCTION = b"\n\ndef bench_appended_function(value):\n    return [value, len(str(value))]\n"
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip")
MIB = 1024 * 1024


# -- corpus -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    """A pinned PyPI release, extracted into the cache."""

    name: str
    version: str
    source: Path

    @property
    def label(self) -> str:
        """``NAME-VERSION``, also the directory name of the tree."""
        return f"{self.name}-{self.version}"


def parse_corpus_spec(spec: str) -> tuple[str, str]:
    """Split ``NAME==VERSION``; exit with a message when the spec is not pinned."""
    name, sep, version = spec.partition("==")
    if not sep or not name.strip() or not version.strip():
        sys.exit(f"--corpus must be pinned as NAME==VERSION, got {spec!r}")
    return name.strip(), version.strip()


def _normalized(text: str) -> str:
    return re.sub(r"[-_]+", "-", text).lower()


def find_archive(directory: Path, name: str, version: str) -> Path | None:
    """The downloaded sdist of ``name`` ``version`` in ``directory``, if there is one."""
    if not directory.is_dir():
        return None
    prefix = _normalized(f"{name}-{version}")
    for candidate in sorted(directory.iterdir()):
        lower = candidate.name.lower()
        for suffix in ARCHIVE_SUFFIXES:
            if lower.endswith(suffix) and _normalized(candidate.name[: -len(suffix)]) == prefix:
                return candidate
    return None


def download_sdist(name: str, version: str, dest: Path) -> Path:
    """Fetch the sdist with pip (once) and return the archive's path."""
    found = find_archive(dest, name, version)
    if found is not None:
        return found
    dest.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
               f"{name}=={version}", "-d", str(dest)]
    log(f"downloading {name}=={version}: {shlex.join(command)}")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    found = find_archive(dest, name, version)
    if result.returncode != 0 or found is None:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        sys.exit(f"pip could not download the sdist of {name}=={version}:\n{tail}")
    return found


def extract_archive(archive: Path, dest: Path) -> None:
    """Unpack ``archive`` so that its single top-level directory becomes ``dest``."""
    staging = Path(tempfile.mkdtemp(prefix=".extract-", dir=dest.parent))
    try:
        if archive.name.lower().endswith(".zip"):
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(staging)
        else:
            with tarfile.open(archive) as tf:
                tf.extractall(staging, filter="data")
        entries = list(staging.iterdir())
        top = entries[0] if len(entries) == 1 and entries[0].is_dir() else staging
        top.rename(dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def fetch_corpus(spec: str) -> Corpus:
    """Download and extract the corpus into the cache unless it is already there."""
    name, version = parse_corpus_spec(spec)
    source = CACHE_DIR / "src" / f"{name}-{version}"
    if not source.is_dir():
        archive = download_sdist(name, version, CACHE_DIR / "dl")
        source.parent.mkdir(parents=True, exist_ok=True)
        log(f"extracting {archive.name} to {source}")
        extract_archive(archive, source)
    return Corpus(name=name, version=version, source=source)


@contextmanager
def working_copy(corpus: Corpus) -> Iterator[Path]:
    """A temporary copy of the corpus tree, outside any git work tree, removed afterwards."""
    parent = Path(tempfile.mkdtemp(prefix="graphsvc-bench-"))
    try:
        root = parent / corpus.label
        shutil.copytree(corpus.source, root, symlinks=True)
        yield root
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def indexed_files(root: Path, settings: Settings) -> list[ScannedFile]:
    """The files an ingest of ``root`` parses: scanned, readable and not binary."""
    scanned = scan(root, settings.languages or None, settings.max_file_size)
    kept = []
    for f in scanned.files:
        result = hash_file(scanned.root / f.path)
        if isinstance(result, tuple) and not result[1]:
            kept.append(f)
    return kept


def pick_module(files: list[ScannedFile]) -> ScannedFile:
    """A mid-size module: the median-size file that is neither ``__init__`` nor a test."""

    def plain(f: ScannedFile) -> bool:
        parts = f.path.split("/")
        return not parts[-1].startswith("__init__.") and not any(p.startswith("test") for p in parts)

    pool = sorted((f for f in files if plain(f)), key=lambda f: (f.size, f.path)) or \
        sorted(files, key=lambda f: (f.size, f.path))
    return pool[len(pool) // 2]


# -- statistics ---------------------------------------------------------------------------


@dataclass
class Series:
    """The values of one measurement over the runs."""

    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        """Record one run's value."""
        self.values.append(value)

    def summary(self) -> dict[str, Any]:
        """Median, min, max and the raw values (rounded), for tables and JSON."""
        if not self.values:
            return {"median": None, "min": None, "max": None, "runs": []}
        return {"median": round(statistics.median(self.values), 4), "min": round(min(self.values), 4),
                "max": round(max(self.values), 4), "runs": [round(v, 4) for v in self.values]}

    @property
    def median(self) -> float:
        """The median value."""
        return statistics.median(self.values)


# -- baseline -----------------------------------------------------------------------------


Source = tuple[str, str, bytes]  # (path, language, bytes)


def load_sources(root: Path, files: list[ScannedFile]) -> list[Source]:
    """Read every file once."""
    return [(f.path, f.lang, (root / f.path).read_bytes()) for f in files]


def time_parse_only(sources: list[Source]) -> float:
    """Seconds to parse every source with tree-sitter."""
    parsers: dict[str, Parser] = {lang: registry.compiled(lang)[0] for _, lang, _ in sources}
    started = time.perf_counter()
    for _, lang, source in sources:
        parsers[lang].parse(source)
    return time.perf_counter() - started


def time_parse_query(sources: list[Source]) -> float:
    """Seconds to parse every source and run the tags query over the tree to the end."""
    compiled: dict[str, tuple[Parser, Query]] = {lang: registry.compiled(lang) for _, lang, _ in sources}
    started = time.perf_counter()
    for _, lang, source in sources:
        parser, query = compiled[lang]
        tree = parser.parse(source)
        for _ in QueryCursor(query).matches(tree.root_node):
            pass
    return time.perf_counter() - started


def time_parse_source(sources: list[Source]) -> float:
    """Seconds for ``parse_source`` (parse, query and the language adapter) on every source."""
    started = time.perf_counter()
    for path, lang, source in sources:
        parse_source(lang, path, source)
    return time.perf_counter() - started


# -- stores -------------------------------------------------------------------------------


@dataclass
class StoreTarget:
    """One store under test: how to build its settings and how to empty it before a run."""

    name: str
    settings_for_run: Callable[[int], dict[str, Any]]
    cleanup: Callable[[], None] = lambda: None
    note: str = ""
    warm_up: bool = False  # full ingests before the measured runs (a server's code compiles at first use)
    # Returns once the store's own server has gone quiet: every store's run waits for it, since a
    # server still collecting or checkpointing after its last run shares the cores with this one.
    quiet: Callable[[], None] = lambda: None


def ladybug_target(workers: int) -> StoreTarget:
    """A fresh LadybugDB file in a temporary directory for every run."""
    run_dirs: list[Path] = []

    def settings_for_run(run: int) -> dict[str, Any]:
        for old in run_dirs:
            shutil.rmtree(old, ignore_errors=True)
        run_dirs.clear()
        run_dirs.append(Path(tempfile.mkdtemp(prefix=f"graphsvc-bench-lbug-{run}-")))
        return {"store": f"ladybug://{run_dirs[0] / 'g.lbug'}", "workers": workers}

    def cleanup() -> None:
        for old in run_dirs:
            shutil.rmtree(old, ignore_errors=True)

    return StoreTarget("ladybug", settings_for_run, cleanup)


def neo4j_target(workers: int) -> StoreTarget:
    """One test Neo4j server for the whole benchmark, emptied before every run and left to go quiet."""
    import neo4j

    if str(LAUNCHER_DIR) not in sys.path:
        sys.path.insert(0, str(LAUNCHER_DIR))
    import launcher  # type: ignore[import-not-found]  # found through LAUNCHER_DIR on sys.path

    log("starting the test Neo4j server (tests/neo4j_server/launcher.py)")
    server = launcher.start()
    driver = neo4j.GraphDatabase.driver(server.uri, auth=server.auth)
    records, _, _ = driver.execute_query("CALL dbms.components() YIELD versions RETURN versions[0] AS v")
    version = records[0]["v"] if records else "?"

    def settings_for_run(run: int) -> dict[str, Any]:
        # MATCH (n) DETACH DELETE n, in batches so a large graph fits the server's heap.
        with driver.session() as session:
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
        # The server goes on for seconds after a large delete (collection, checkpoint): a run started
        # at once shares the cores with it, and its parse stage took a second longer than on LadybugDB.
        _wait_until_idle(server.process.pid)
        return {"store": server.uri, "workers": workers,
                "neo4j_user": server.user, "neo4j_password": server.password}

    def cleanup() -> None:
        target.note = f"Neo4j server {version}, peak RSS over the whole benchmark: " \
                      f"{_peak_rss_of_pid(server.process.pid)}"
        driver.close()
        launcher.stop(server)

    target = StoreTarget("neo4j", settings_for_run, cleanup, note=f"Neo4j server {version}", warm_up=True,
                         quiet=lambda: _wait_until_idle(server.process.pid))
    return target


def _wait_until_idle(pid: int, limit: float = 30.0) -> None:
    """Return once process ``pid`` used under 5% of a core over half a second (Linux; at most ``limit`` s)."""
    tick = os.sysconf("SC_CLK_TCK")

    def cpu() -> int:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks

    deadline = time.monotonic() + limit
    try:
        while time.monotonic() < deadline:
            before = cpu()
            time.sleep(0.5)
            if (cpu() - before) / tick < 0.025:
                return
    except OSError:
        return


def _peak_rss_of_pid(pid: int) -> str:
    """``VmHWM`` of a live process, as text (Linux only)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return f"{int(line.split()[1]) / 1024:.0f} MiB"
    except OSError:
        pass
    return "unknown"


# -- ingest runs --------------------------------------------------------------------------


@dataclass
class FullRun:
    """A full ingest in its own process: the report and the peak RSS figures."""

    report: IngestReport
    rss_main_mib: float
    rss_child_mib: float
    rss_tree_mib: float


class IngestFailed(RuntimeError):
    """The ingest raised; the message holds the traceback."""


def _proc_status(pid: int) -> dict[str, int]:
    """``VmRSS`` and ``VmHWM`` of a process in KiB (empty once it has gone)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {key: int(rest.split()[0]) for key, _, rest in (line.partition(":") for line in lines)
            if key in ("VmRSS", "VmHWM")}


def _descendants(pid: int) -> list[int]:
    """The live descendants of a process, from the parent ids in ``/proc/*/stat``."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_bytes()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])  # after "pid (comm) state"
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


class TreeMemory:
    """Peak memory of this process's descendants and of the whole tree, sampled from ``/proc``."""

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.child_peak_kib = 0
        self.tree_peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample_until_stopped, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def _sample_until_stopped(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        """Read every process of the tree once."""
        total = _proc_status(os.getpid()).get("VmRSS", 0)
        for pid in _descendants(os.getpid()):
            status = _proc_status(pid)
            total += status.get("VmRSS", 0)
            self.child_peak_kib = max(self.child_peak_kib, status.get("VmHWM", 0))
        self.tree_peak_kib = max(self.tree_peak_kib, total)


def _full_ingest_child(conn: Connection, root: str, settings: dict[str, Any], project: str) -> None:
    """Body of the spawned process: one full ingest, then its memory peaks in KiB."""
    try:
        with TreeMemory() as memory:
            report = ingest(Path(root), Settings(**settings), project=project)
        own_peak = _proc_status(os.getpid())["VmHWM"]
        conn.send({"report": asdict(report), "self_kib": own_peak, "child_kib": memory.child_peak_kib,
                   "tree_kib": max(memory.tree_peak_kib, own_peak)})
    except BaseException:  # noqa: BLE001 - any failure goes back to the parent as a traceback
        conn.send({"error": traceback.format_exc()})
    finally:
        conn.close()


def full_ingest(root: Path, settings: dict[str, Any], project: str) -> FullRun:
    """Run one full ingest in a fresh spawned interpreter and collect its report and peak RSS."""
    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_full_ingest_child, args=(sender, str(root), settings, project))
    process.start()
    sender.close()
    try:
        message = receiver.recv()
    except EOFError:
        message = {}
    finally:
        receiver.close()
        process.join()
    if not message:
        raise IngestFailed(f"the ingest process died without a report (exit code {process.exitcode})")
    if "error" in message:
        raise IngestFailed(message["error"])
    return FullRun(report=IngestReport(**message["report"]),
                   rss_main_mib=message["self_kib"] / 1024, rss_child_mib=message["child_kib"] / 1024,
                   rss_tree_mib=message["tree_kib"] / 1024)


def incremental_ingest(root: Path, settings: dict[str, Any], project: str) -> IngestReport:
    """One ``incremental=True`` run in this process."""
    try:
        return ingest(root, Settings(**settings), project=project, incremental=True)
    except Exception as exc:
        raise IngestFailed(traceback.format_exc()) from exc


def one_file_change(root: Path, module: ScannedFile, settings: dict[str, Any], project: str) -> IngestReport:
    """Append a function to ``module``, run incrementally, then restore the file."""
    path = root / module.path
    original = path.read_bytes()
    changed = original if original.endswith(b"\n") else original + b"\n"
    try:
        path.write_bytes(changed + APPENDED_FUNCTION)
        return incremental_ingest(root, settings, project)
    finally:
        path.write_bytes(original)


def watched_edits(root: Path, module: ScannedFile, settings: dict[str, Any], project: str,
                  edits: int = 5) -> list[IngestReport]:
    """``edits`` saves of ``module`` (a new function appended each time) taken in the way ``graph
    watch`` takes them: one process, one ``IngestCache``, told which path changed. The first,
    untimed run fills the cache; the file is restored at the end."""
    path = root / module.path
    original = path.read_bytes()
    text = original if original.endswith(b"\n") else original + b"\n"
    cache = IngestCache()
    reports = []
    try:
        ingest(root, Settings(**settings), project=project, incremental=True, cache=cache)
        for i in range(edits):
            text += APPENDED_FUNCTION.replace(b"bench_appended_function", f"bench_watched_{i}".encode())
            path.write_bytes(text)
            reports.append(ingest(root, Settings(**settings), project=project, incremental=True, cache=cache,
                                  changed_paths={module.path}))
    except Exception as exc:
        raise IngestFailed(traceback.format_exc()) from exc
    finally:
        cache.close()
        path.write_bytes(original)
    return reports


# -- diagnosis ----------------------------------------------------------------------------


def files_that_fail_to_parse(root: Path, files: list[ScannedFile]) -> list[tuple[str, str]]:
    """Files on which ``parse_source`` raises, single process, with the last traceback line."""
    failing = []
    for f in files:
        try:
            parse_source(f.lang, f.path, (root / f.path).read_bytes())
        except Exception:  # noqa: BLE001 - a diagnosis: every kind of failure counts
            failing.append((f.path, traceback.format_exc().strip().splitlines()[-1]))
    return failing


# -- the benchmark ------------------------------------------------------------------------


@dataclass
class StoreResults:
    """Every run's numbers for one store."""

    full_s: Series = field(default_factory=Series)
    first_full_s: Series = field(default_factory=Series)  # the first warm-up run of a fresh server, not in full_s
    warm_up_s: Series = field(default_factory=Series)  # every warm-up run, the first included
    files_per_s: Series = field(default_factory=Series)
    x_parse_only: Series = field(default_factory=Series)
    x_parse_query: Series = field(default_factory=Series)
    noop_s: Series = field(default_factory=Series)
    one_file_s: Series = field(default_factory=Series)
    one_file_watched_s: Series = field(default_factory=Series)
    rss_main_mib: Series = field(default_factory=Series)
    rss_child_mib: Series = field(default_factory=Series)
    rss_tree_mib: Series = field(default_factory=Series)
    stages: dict[str, Series] = field(default_factory=dict)
    counts: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """Everything as plain data."""
        out: dict[str, Any] = {k: v.summary() for k, v in vars(self).items() if isinstance(v, Series)}
        out["stages"] = {k: v.summary() for k, v in self.stages.items()}
        out["counts"] = self.counts
        out["warnings"] = self.warnings
        out["errors"] = self.errors
        return out


def run_store(target: StoreTarget, run: int, root: Path, project: str, files: list[ScannedFile],
              module: ScannedFile, baseline: dict[str, Series], results: StoreResults) -> None:
    """One run against one store: full, no-change incremental, one-file incremental."""
    settings = target.settings_for_run(run)
    full = full_ingest(root, settings, project)
    seconds = full.report.seconds
    results.full_s.add(seconds)
    results.files_per_s.add(len(files) / seconds)
    results.x_parse_only.add(seconds / baseline["parse_only"].median)
    results.x_parse_query.add(seconds / baseline["parse_query"].median)
    results.rss_main_mib.add(full.rss_main_mib)
    results.rss_child_mib.add(full.rss_child_mib)
    results.rss_tree_mib.add(full.rss_tree_mib)
    for stage in STAGES:
        results.stages.setdefault(stage, Series()).add(full.report.timings.get(stage, 0.0))
    results.counts.update(changed=full.report.changed, symbols=full.report.symbols, edges=full.report.edges,
                          parse_errors=full.report.parse_errors, failed=len(full.report.failed))
    if full.report.changed != len(files):
        results.warnings.append(f"run {run}: full ingest parsed {full.report.changed} files, "
                                f"baseline has {len(files)}; failed: {sorted(full.report.failed)[:5]}")
    log(f"run {run} {target.name}: full {seconds:.2f} s, peak RSS {full.rss_main_mib:.0f} MiB ingest, "
        f"{full.rss_child_mib:.0f} MiB largest worker, {full.rss_tree_mib:.0f} MiB tree")

    noop = incremental_ingest(root, settings, project)
    results.noop_s.add(noop.seconds)
    if not noop.nothing_changed:
        results.warnings.append(f"run {run}: no-change incremental changed {noop.changed} files")
    log(f"run {run} {target.name}: no-change incremental {noop.seconds:.2f} s")

    try:
        one = one_file_change(root, module, settings, project)
    except IngestFailed as exc:
        # Recorded, not fatal: the other measurements stay meaningful.
        if "one_file" not in results.errors:
            results.errors["one_file"] = str(exc)
            log(f"run {run} {target.name}: one-file incremental raised:\n{exc}")
        results.warnings.append(f"run {run}: one-file incremental raised "
                                f"{str(exc).strip().splitlines()[-1]}")
        return
    results.one_file_s.add(one.seconds)
    results.counts.update(one_file_changed=one.changed, one_file_relinked=one.relinked)
    log(f"run {run} {target.name}: one-file incremental {one.seconds:.2f} s "
        f"(changed {one.changed}, relinked {one.relinked})")
    try:
        watched = watched_edits(root, module, settings, project)
    except IngestFailed as exc:
        results.errors.setdefault("one_file_watched", str(exc))
        results.warnings.append(f"run {run}: watched edits raised {str(exc).strip().splitlines()[-1]}")
        return
    for report in watched:
        results.one_file_watched_s.add(report.seconds)
    slowest = max(watched, key=lambda r: r.seconds)
    log(f"run {run} {target.name}: one file edited, as graph watch takes it: "
        + ", ".join(f"{r.seconds:.3f}" for r in watched) + " s; the slowest by stage: "
        + ", ".join(f"{k} {v:.3f}" for k, v in slowest.timings.items() if v >= 0.01))


BASELINES: dict[str, tuple[str, Callable[[list[Source]], float]]] = {
    "parse_only": ("parse-only", time_parse_only),
    "parse_query": ("parse+query", time_parse_query),
    "parse_source": ("parse_source (parse+query+adapter)", time_parse_source),
}


def run_baseline(sources: list[Source], runs: int) -> dict[str, Series]:
    """The single-process baselines, ``runs`` times each."""
    baseline = {key: Series() for key in BASELINES}
    for run in range(1, runs + 1):
        for key, (_, measure) in BASELINES.items():
            baseline[key].add(measure(sources))
        log(f"run {run} baseline: " + ", ".join(f"{BASELINES[k][0]} {v.values[-1]:.2f} s"
                                                 for k, v in baseline.items()))
    return baseline


def make_target(name: str, workers: int) -> StoreTarget:
    """The store under test called ``name``."""
    return ladybug_target(workers) if name == "ladybug" else neo4j_target(workers)


def package_version(name: str) -> str:
    """The installed version of a distribution, or ``-``."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def _git(*args: str) -> str:
    """Output of a git command in this checkout, or empty."""
    return subprocess.run(["git", "-C", str(REPO_DIR), *args], capture_output=True, text=True,
                          check=False).stdout.strip()


def describe_environment(args: argparse.Namespace, corpus: Corpus, files: list[ScannedFile],
                         module: ScannedFile) -> dict[str, Any]:
    """What was run, on what, with which versions."""
    commit = _git("rev-parse", "--short", "HEAD") or "no git"
    if _git("status", "--porcelain", "--untracked-files=no"):
        commit += ", uncommitted changes"
    return {
        "command": "python " + shlex.join(sys.argv),
        "corpus": {"name": corpus.name, "version": corpus.version, "files": len(files),
                   "bytes": sum(f.size for f in files), "changed_module": module.path,
                   "changed_module_bytes": module.size},
        "runs": args.runs,
        "workers": args.workers,
        "stores": args.stores,
        "versions": {"python": platform.python_version(), "tree-sitter": package_version("tree-sitter"),
                     "tree-sitter-language-pack": package_version("tree-sitter-language-pack"),
                     "ladybug": package_version("ladybug"), "neo4j-driver": package_version("neo4j"),
                     "graphsvc": f"{package_version('graphsvc')} ({commit}) from "
                                 f"{Path(graphsvc.__file__).parent.parent}"},
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
    }


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    """Run everything and return the results as plain data."""
    corpus = fetch_corpus(args.corpus)
    targets: list[StoreTarget] = []
    with working_copy(corpus) as root:
        files = indexed_files(root, Settings(workers=args.workers))
        if not files:
            sys.exit(f"no indexable files in {corpus.source}")
        module = (next((f for f in files if f.path == args.changed_module), None) if args.changed_module
                  else pick_module(files))
        if module is None:
            raise SystemExit(f"--changed-module {args.changed_module}: no such indexed file in {corpus.label}")
        env = describe_environment(args, corpus, files, module)
        log(f"corpus {corpus.label}: {len(files)} files, one-file change on {module.path}")

        baseline = run_baseline(load_sources(root, files), args.runs)
        results = {name: StoreResults() for name in args.stores}
        try:
            targets = [make_target(name, args.workers) for name in args.stores]
            for target in targets:
                if target.warm_up:
                    warm_up(target, root, corpus.name, files, results[target.name])
            for run in range(1, args.runs + 1):
                for target in targets:
                    store_results = results[target.name]
                    if "run" in store_results.errors:
                        continue  # this store failed in an earlier run; reported once
                    for other in targets:
                        other.quiet()
                    try:
                        run_store(target, run, root, corpus.name, files, module, baseline, store_results)
                    except IngestFailed as exc:
                        record_failure(store_results, target.name, run, exc, root, files)
        finally:
            for target in targets:
                target.cleanup()
    env["notes"] = [t.note for t in targets if t.note]
    return {"environment": env,
            "baseline": {k: v.summary() for k, v in baseline.items()},
            "stores": {k: v.summary() for k, v in results.items()}}


WARM_UP_MAX = 6  # full ingests at most before a server's measured runs
WARM_UP_SETTLED = 0.95  # a warm-up run at least this fraction of the one before: the server is warm


def warm_up(target: StoreTarget, root: Path, project: str, files: list[ScannedFile], results: StoreResults) -> None:
    """Full ingests into a freshly started server until it is warm: until a run is no more than 5 %
    faster than the one before, at least two and at most ``WARM_UP_MAX`` runs."""
    for run in range(WARM_UP_MAX):
        try:
            seconds = full_ingest(root, target.settings_for_run(0), project).report.seconds
        except IngestFailed as exc:
            record_failure(results, target.name, 0, exc, root, files)
            return
        if run == 0:
            results.first_full_s.add(seconds)
        results.warm_up_s.add(seconds)
        log(f"warm-up {target.name}: full ingest {run + 1} on a fresh server {seconds:.2f} s")
        done = results.warm_up_s.values
        if len(done) >= 2 and done[-1] >= WARM_UP_SETTLED * done[-2]:
            return


def record_failure(results: StoreResults, store: str, run: int, exc: IngestFailed, root: Path,
                   files: list[ScannedFile]) -> None:
    """Keep a store's failed run in its results: no further runs of it are made."""
    results.errors["run"] = str(exc)
    results.errors["parse_check"] = report_failure(store, run, exc, root, files)


def report_failure(store: str, run: int, exc: IngestFailed, root: Path, files: list[ScannedFile]) -> str:
    """Log the ingest's traceback, check every file with ``parse_source`` alone, return the verdict."""
    log(f"run {run} {store}: the ingest raised; {store} is skipped from now on:\n{exc}")
    failing = files_that_fail_to_parse(root, files)
    if failing:
        verdict = "parse_source raises on: " + "; ".join(f"{path} ({last})" for path, last in failing)
    else:
        verdict = "parse_source succeeds on every file on its own: the error comes after parsing"
    log(f"{store}: {verdict}")
    return verdict


# -- output -------------------------------------------------------------------------------


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def print_results(data: dict[str, Any]) -> None:
    """Print the environment and the result tables."""
    # rich is imported here only, to keep it out of the spawned ingest processes' memory.
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 130)
    env = data["environment"]
    corpus = env["corpus"]
    versions = ", ".join(f"{k} {v}" for k, v in env["versions"].items())
    console.print(f"[bold]command[/]  {env['command']}")
    console.print(f"[bold]corpus[/]   {corpus['name']} {corpus['version']} (PyPI sdist): "
                  f"{corpus['files']} files, {corpus['bytes'] / MIB:.1f} MiB; "
                  f"one-file change on {corpus['changed_module']} ({corpus['changed_module_bytes']:,} bytes)")
    console.print(f"[bold]versions[/] {versions}")
    console.print(f"[bold]machine[/]  {env['machine']['cpus']} CPUs, {env['machine']['platform']}; "
                  f"workers={env['workers']}, runs={env['runs']} (median, min, max)")
    for note in env.get("notes", []):
        console.print(f"[bold]note[/]     {note}")

    files = corpus["files"]
    table = Table(title="Baseline: tree-sitter, 1 process, sources in memory")
    for column in ("pass", "median s", "min s", "max s", "files/s"):
        table.add_column(column, justify="left" if column == "pass" else "right")
    for key, (label, _) in BASELINES.items():
        s = data["baseline"][key]
        table.add_row(label, _fmt(s["median"]), _fmt(s["min"]), _fmt(s["max"]), _fmt(files / s["median"], 0))
    console.print(table)

    rows = (("full_s", "full ingest, s", 2), ("first_full_s", "first full ingest on a fresh server, s", 2),
            ("files_per_s", "full ingest, files/s", 0),
            ("x_parse_only", "full ingest ÷ parse-only", 2),
            ("x_parse_query", "full ingest ÷ parse+query", 2),
            ("noop_s", "incremental, no change, s", 2), ("one_file_s", "incremental, one file changed, s", 2),
            ("one_file_watched_s", "one file changed, as graph watch takes it (kept cache), s", 3),
            ("rss_main_mib", "full ingest peak RSS, ingest process, MiB", 0),
            ("rss_child_mib", "full ingest peak RSS, largest worker process, MiB", 0),
            ("rss_tree_mib", "full ingest peak RSS, sum over process tree, MiB", 0))
    table = Table(title=f"Ingest (workers={env['workers']})")
    for column in ("store", "measurement", "median", "min", "max"):
        table.add_column(column, justify="left" if column in ("store", "measurement") else "right")
    for store, result in data["stores"].items():
        for i, (key, label, digits) in enumerate(rows):
            s = result[key]
            table.add_row(store if i == 0 else "", label, _fmt(s["median"], digits), _fmt(s["min"], digits),
                          _fmt(s["max"], digits), end_section=i == len(rows) - 1)
    console.print(table)

    table = Table(title="Full ingest by stage (median s) and graph size")
    for column in ("store", *STAGES, "symbols", "edges", "relinked on one-file change"):
        table.add_column(column, justify="left" if column == "store" else "right")
    for store, result in data["stores"].items():
        counts = result["counts"]
        table.add_row(store, *(_fmt(result["stages"].get(st, {}).get("median"), 2) for st in STAGES),
                      f"{counts.get('symbols', 0):,}", f"{counts.get('edges', 0):,}",
                      str(counts.get("one_file_relinked", "-")))
    console.print(table)
    for store, result in data["stores"].items():
        if result["warm_up_s"]["runs"]:
            console.print(f"{store}: warm-up full ingests on the fresh server, s: "
                          + ", ".join(_fmt(v, 2) for v in result["warm_up_s"]["runs"]))
    for store, result in data["stores"].items():
        for warning in result["warnings"]:
            console.print(f"[yellow]warning[/] {store}: {escape(warning)}")
        if "run" in result["errors"]:
            last = result["errors"]["run"].strip().splitlines()[-1]
            console.print(f"[red]error[/]   {store}: the ingest raised, no further runs: {escape(last)}")
            console.print(f"[red]error[/]   {store}: {escape(result['errors']['parse_check'])}")


def log(message: str) -> None:
    """A progress line on stderr."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description="Benchmark graphsvc ingest on a pinned PyPI sdist.")
    parser.add_argument("--runs", type=int, default=3, help="repetitions of every measurement (default 3)")
    parser.add_argument("--stores", default="ladybug,neo4j", help="comma-separated: ladybug, neo4j")
    parser.add_argument("--corpus", default=DEFAULT_CORPUS,
                        help=f"NAME==VERSION on PyPI (default {DEFAULT_CORPUS})")
    parser.add_argument("--workers", type=int, default=2, help="parser worker processes (default 2)")
    parser.add_argument("--changed-module", default=None, metavar="PATH",
                        help="the module the one-file change edits (default: a median-size module)")
    parser.add_argument("--json", type=Path, default=None, metavar="OUT", help="also write the results here")
    args = parser.parse_args(argv)
    args.stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    unknown = [s for s in args.stores if s not in STORES]
    if unknown or not args.stores:
        parser.error(f"--stores takes {', '.join(STORES)}; got {args.stores}")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the tables, optionally write JSON."""
    args = parse_args(argv)
    data = benchmark(args)
    print_results(data)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=2) + "\n")
        log(f"wrote {args.json}")
    return 1 if any(result["errors"] for result in data["stores"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())

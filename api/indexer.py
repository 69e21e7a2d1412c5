"""Keeps the graph of an editor's workspace current, in the background.

One worker thread per repo root runs the same ``ingest`` as ``graph ingest``: a full run when
the root was never indexed (else it first reads what the store holds into the run's cache, so
the first save is as quick as the next), then an incremental run after each burst of changes (a
saved buffer, or a file changed on disk, seen by watchdog). Writes take the store's write lock for
one write only (docs/decisions/0002), so the editor's readers and other writers go on.

A request that arrives after a save waits (bounded) for the run that takes the save in, so
an answer never predates an edit the editor already saved; a workspace being indexed for
the first time is not waited for: it answers from what the store holds meanwhile::

    indexer = Indexer(settings, report=print)
    indexer.track(Path("/src/shop"), project="shop", indexed=False)   # full run in the background
    indexer.touch(Path("/src/shop"))                                  # a save: incremental run
    indexer.wait_fresh(Path("/src/shop"), timeout=5.0)
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from graphsvc.errors import GraphError, StoreError
from graphsvc.ingest.run import IngestCache, ingest, prime
from graphsvc.ingest.scan import SKIP_DIRS
from graphsvc.settings import Settings
from graphsvc.store import Store, ladybug_path, open_store
from parsers import registry

__all__ = ["Indexer", "Progress"]

log = logging.getLogger("api.indexer")
_EXTENSIONS = frozenset(ext for spec in registry.LANGUAGES for ext in spec.extensions)
_PROJECT_FILES = frozenset({".gitignore", *(n for spec in registry.LANGUAGES for n in spec.project_files)})
_DEBOUNCE = 0.02  # seconds of quiet before a run: an editor's save is one write, a checkout many
_HOLD_AHEAD_WAIT = 0.5  # seconds the worker waits for the write lock to hold the store before a save

# (root, stage, done, total, finished): stage "index" while a full run parses, "done" at its end.
Progress = Callable[[Path, str, int, int], None]


@dataclass
class _Root:
    """The state of one tracked root."""

    root: Path
    project: str
    requested: int = 0  # changes asked for
    done: int = 0  # changes taken in by a finished run
    indexing: bool = False  # the first, full run is under way
    error: str | None = None
    cond: threading.Condition = field(default_factory=threading.Condition)
    cache: IngestCache = field(default_factory=IngestCache)  # what the store holds after our last run
    paths: set[str] | None = None  # relative paths changed since the last run; None: scan everything
    writer: Store | None = None  # the store of the last run's write, held for the next (``reading``)


class _Events(FileSystemEventHandler):
    """Turns file-system events under a root into ``touch`` calls."""

    def __init__(self, indexer: Indexer, root: Path) -> None:
        self.indexer = indexer
        self.root = str(root)

    def _relevant(self, path: str) -> bool:
        rel = os.path.relpath(path, self.root)
        parts = rel.replace(os.sep, "/").split("/")
        if rel.startswith("..") or any(p in SKIP_DIRS or p.startswith(".") for p in parts[:-1]):
            return False
        name = parts[-1]
        return os.path.splitext(name)[1] in _EXTENSIONS or name in _PROJECT_FILES

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write", "closed"):
            return
        paths = [os.fsdecode(event.src_path)]
        if getattr(event, "dest_path", ""):
            paths.append(os.fsdecode(event.dest_path))
        if any(self._relevant(p) for p in paths):
            # A directory created, removed or moved: only a full scan can tell what it held.
            changed = None if event.is_directory else paths
            self.indexer.touch(Path(self.root), changed)


class Indexer:
    """Background ingest runs for the roots of a workspace."""

    def __init__(self, settings: Settings, progress: Progress | None = None,
                 failed: Callable[[Path, str], None] | None = None,
                 ready: Callable[[Path, list[str]], None] | None = None) -> None:
        self.settings = settings
        self._progress = progress
        self._failed = failed
        self._ready = ready  # told a new root's indexed paths once its first index is done
        self._roots: dict[Path, _Root] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._observer = Observer()
        self._observer.daemon = True
        self._observer.start()

    def track(self, root: Path, project: str, indexed: bool) -> None:
        """Keep ``root`` current; index it first when ``indexed`` is false."""
        root = root.resolve()
        with self._lock:
            if root in self._roots:
                return
            state = _Root(root=root, project=project, indexing=not indexed)
            self._roots[root] = state
        try:
            self._observer.schedule(_Events(self, root), str(root), recursive=True)
        except OSError as exc:  # no inotify watch left: saves still arrive through touch()
            if self._failed is not None:
                self._failed(root, f"cannot watch {root} for changes on disk ({exc}); saves are still indexed")
        threading.Thread(target=self._work, args=(state,), name=f"index {root.name}", daemon=True).start()

    def tracked(self) -> dict[Path, str]:
        """Tracked roots and their projects."""
        with self._lock:
            return {r: s.project for r, s in self._roots.items()}

    def touch(self, root: Path, paths: list[str] | None = None) -> None:
        """Something under ``root`` changed (the files ``paths``, when known): run an incremental ingest soon."""
        root = root.resolve()
        state = self._roots.get(root)
        if state is None:
            return
        with state.cond:
            state.requested += 1
            if paths is None:
                state.paths = None
            elif state.paths is not None:
                for p in paths:
                    rel = Path(p).resolve() if Path(p).is_absolute() else root / p
                    if rel.is_relative_to(root):
                        state.paths.add(rel.relative_to(root).as_posix())
            state.cond.notify_all()

    def indexing(self, root: Path) -> bool:
        """Whether the first, full run of ``root`` is still under way."""
        state = self._roots.get(root.resolve())
        return bool(state and state.indexing)

    def wait_fresh(self, root: Path, timeout: float) -> bool:
        """Wait until the changes asked for so far are in the graph; False on timeout or during a first index."""
        state = self._roots.get(root.resolve())
        if state is None:
            return True
        deadline = time.monotonic() + timeout
        with state.cond:
            target = state.requested
            while state.done < target and not state.indexing:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                state.cond.wait(left)
            return not state.indexing

    @contextmanager
    def reading(self) -> Iterator[Store | None]:
        """A store for one read through the writer a root's worker holds between its writes, or None
        when none holds the store (Neo4j, or another process asked for it): open one then.

        Opening the embedded store read-only after a write would make the held writer let go (and
        reopen for the next write): about 130 ms of a save on Django. Through the writer, a read
        sees every committed write; one that comes during a write waits for it (as it would for
        the write lock) and a worker's next write waits for the reads in flight.
        """
        with self._lock:
            writers = [s.writer for s in self._roots.values() if s.writer is not None]
        for writer in writers:
            with writer.lend(self.settings.lock_timeout) as view:
                if view is not None:
                    yield view
                    return
        yield None

    def stopped(self) -> bool:
        """Whether ``stop`` was called."""
        return self._stop.is_set()

    def stop(self) -> None:
        """Stop watching and let the workers end."""
        self._stop.set()
        for state in list(self._roots.values()):
            with state.cond:
                state.cond.notify_all()
        self._observer.stop()

    def _work(self, state: _Root) -> None:
        try:
            if state.indexing:
                self._run(state, full=True)
                if self._ready is not None and state.cache.stored:
                    self._ready(state.root, sorted(state.cache.stored))
            else:
                self._prime(state)
            while not self._stop.is_set():
                with state.cond:
                    while state.requested == state.done and not self._stop.is_set():
                        state.cond.wait(1.0)
                    target = state.requested
                if self._stop.is_set():
                    return
                time.sleep(_DEBOUNCE)
                with state.cond:
                    target = state.requested
                self._run(state, full=False, target=target)
        finally:
            state.writer = None
            state.cache.close()  # its held store (graphsvc/ingest/run.py)

    def _prime(self, state: _Root) -> None:
        """Read what the store holds of an indexed root into its cache before the first save, so that
        save is taken as fast as the next ones (``prime``: read-only, without the write lock).

        Its scan is the tree as of now, so the first run re-stats only the paths changed since (as
        every later run does) instead of scanning the tree again (a third of a second on Django);
        unless a change came before it, which the scan may not have seen in whole."""
        with state.cond:
            if state.requested == 0:
                state.paths = set()
        try:
            prime(state.root, self.settings, state.cache, project=state.project)
        except GraphError:
            state.cache.clear()  # the first run reads the store itself
            return
        except Exception:  # a bug must not stop the worker: the first run reads the store itself
            log.exception("priming the ingest cache of %s failed", state.root)
            state.cache.clear()
            return
        self._hold_ahead(state)

    def _hold_ahead(self, state: _Root) -> None:
        """Open the embedded store for writing now and hold it, as after a write, so the first save
        neither opens it (tens of milliseconds, hundreds on a busy machine) nor has the reads before
        it open a read-only handle: they go through the held writer too (``reading``). Another
        process that asks for the store gets it as from any held writer. When the lock is not free
        at once, the first save opens the store itself, as before."""
        if urlsplit(self.settings.store).scheme != "ladybug" or state.cache.repo_props is None:
            return
        try:
            if not ladybug_path(self.settings.store).exists():
                return  # removed since the priming: opening for writing would make an empty one
            writer = open_store(self.settings.model_copy(update={"lock_timeout": _HOLD_AHEAD_WAIT}))
        except GraphError:
            return
        try:
            writer.hold()
        except BaseException:
            writer.close()
            raise
        state.cache.writer = writer
        state.writer = writer

    def _run(self, state: _Root, full: bool, target: int | None = None) -> None:
        def progress(stage: str, done: int, total: int) -> None:
            if self._progress is not None and full:
                self._progress(state.root, stage, done, total)

        with state.cond:
            paths, state.paths = (None, set()) if full else (state.paths, set())
        delay = 0.25
        while not self._stop.is_set():
            try:
                ingest(state.root, self.settings, project=state.project, incremental=not full, progress=progress,
                       cache=state.cache, changed_paths=paths)
                state.error = None
                break
            except StoreError as exc:
                # Away or locked: retry, folding newer changes into the next run.
                state.error = exc.line()
                paths = None
                time.sleep(delay)
                delay = min(delay * 2, 5.0)
            except GraphError as exc:
                with state.cond:
                    state.paths = None  # the next run scans everything
                state.error = exc.line()
                if self._failed is not None:
                    self._failed(state.root, exc.line())
                break
            except Exception as exc:  # a bug must not stop the worker: say it, and serve what the store holds
                with state.cond:
                    state.paths = None
                log.exception("ingest of %s failed", state.root)
                state.error = f"{exc.__class__.__name__}: {exc}"
                if self._failed is not None:
                    self._failed(state.root, state.error)
                break
        state.writer = state.cache.writer  # before the run counts as done: the next read goes through it
        with state.cond:
            if full:
                state.indexing = False
            if target is not None:
                state.done = max(state.done, target)
            state.cond.notify_all()
        if full and self._progress is not None:
            self._progress(state.root, "done", 1, 1)

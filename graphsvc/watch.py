"""Watch a tree and keep its graph current through the incremental ingest path.

Example::

    stop = threading.Event()
    watch(Path("."), Settings(), stop=stop)     # returns when `stop` is set (or on Ctrl-C)

File-system events (watchdog) only mark the tree dirty; a run starts once the tree
has been quiet for ``debounce`` seconds, or ``max_delay`` seconds after the first
event of a burst that never pauses (a `git checkout` touching thousands of files).
Events under directories ingest skips (``.git``, ``node_modules``…) and files of no
registered language are ignored. A run is the same ``ingest(..., incremental=True)``
as the CLI's, so the graph always equals a fresh build of the tree. When the store
cannot be reached or is locked, the watcher retries with exponential backoff and then
catches up in one run: events that arrive meanwhile are folded into it.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from graphsvc.errors import StoreError, interrupt_handled
from graphsvc.events import emit, new_correlation_id
from graphsvc.ingest.run import IngestCache, IngestReport, ingest, prime
from graphsvc.ingest.scan import SKIP_DIRS
from graphsvc.settings import Settings
from parsers import registry

__all__ = ["watch"]

_FULL_SCAN_EVERY = 60.0  # seconds between runs that walk the whole tree
_EXTENSIONS = frozenset(ext for spec in registry.LANGUAGES for ext in spec.extensions)
_PROJECT_FILES = frozenset({".gitignore", *(n for spec in registry.LANGUAGES for n in spec.project_files)})


class _Dirty(FileSystemEventHandler):
    """Marks the tree dirty on events that can change the graph, and collects the files they name."""

    def __init__(self, root: Path) -> None:
        self.root = str(root)
        self.first: float | None = None
        self.last = 0.0
        self.paths: set[str] | None = set()  # relative paths seen changing; None: only a full scan can tell
        self.lock = threading.Lock()
        self.wake = threading.Event()

    def _relative(self, path: str) -> str | None:
        rel = os.path.relpath(path, self.root)
        parts = rel.replace(os.sep, "/").split("/")
        if rel.startswith("..") or any(p in SKIP_DIRS for p in parts[:-1]):
            return None
        name = parts[-1]
        if os.path.splitext(name)[1] in _EXTENSIONS or name in _PROJECT_FILES or "." not in name:
            return "/".join(parts)
        return None

    def relevant(self, path: str) -> bool:
        return self._relative(path) is not None

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # comes with the events of the files in it
        paths = [os.fsdecode(event.src_path)]
        if getattr(event, "dest_path", ""):
            paths.append(os.fsdecode(event.dest_path))
        rels = [r for r in map(self._relative, paths) if r is not None]
        if not rels:
            return
        with self.lock:
            now = time.monotonic()
            self.first = self.first or now
            self.last = now
            if event.is_directory:
                self.paths = None  # a directory created, removed or moved: walk the tree again
            elif self.paths is not None:
                self.paths.update(rels)
        self.wake.set()

    def take(self, debounce: float, max_delay: float) -> tuple[bool, set[str] | None]:
        """(True, the paths seen, or None: scan everything) and clean again, when a dirty tree has
        been quiet long enough or waited too long; (False, None) otherwise."""
        with self.lock:
            if self.first is None:
                return False, None
            now = time.monotonic()
            if now - self.last >= debounce or now - self.first >= max_delay:
                self.first = None
                paths, self.paths = self.paths, set()
                return True, paths
            return False, None

    def quiet_in(self, debounce: float) -> float:
        """Seconds until a dirty tree has been quiet for ``debounce`` (0.1 when it is clean)."""
        with self.lock:
            if self.first is None:
                return 0.1
            return max(0.005, min(0.1, self.last + debounce - time.monotonic()))

    def mark(self) -> None:
        """Dirty again (a run failed and must be retried): the next run scans everything."""
        with self.lock:
            self.first = self.first or time.monotonic()
            self.last = 0.0
            self.paths = None


def watch(path: Path, settings: Settings, *, project: str | None = None, debounce: float = 0.15,
          max_delay: float = 2.0, stop: threading.Event | None = None,
          on_report: Callable[[IngestReport], None] | None = None, catch_up: bool = True) -> None:
    """Watch ``path`` until ``stop`` is set or Ctrl-C, re-indexing incrementally after each burst."""
    root = path.resolve()
    stop = stop or threading.Event()
    handler = _Dirty(root)
    observer = Observer()
    observer.schedule(handler, str(root), recursive=True)
    observer.start()
    cid = new_correlation_id()
    emit("graph.watch.started", {"root": str(root)}, cid)
    cache = IngestCache()  # what the store holds after this process's last run (run.py)
    scanned_at = 0.0
    if not catch_up:
        try:
            prime(root, settings, cache, project=project)  # so the first save is taken like the others
            scanned_at = time.monotonic()
        except StoreError:
            cache.clear()  # the first run reads the store itself
    if catch_up:
        handler.mark()  # bring the graph up to date with what changed while nobody watched
    delay = 0.0
    retry_at = 0.0
    try:
        while not stop.is_set():
            handler.wake.wait(timeout=handler.quiet_in(debounce))
            handler.wake.clear()
            if time.monotonic() < retry_at:
                continue
            ready, paths = handler.take(debounce, max_delay)
            if not ready:
                continue
            if time.monotonic() - scanned_at > _FULL_SCAN_EVERY:
                paths = None  # also notices what no event reports (a commit moves HEAD)
            try:
                report = ingest(root, settings, project=project, incremental=True,
                                correlation_id=new_correlation_id(), cache=cache, changed_paths=paths)
            except StoreError as exc:
                # The store is away or locked: try again later, folding new events into that run.
                delay = min(max(delay * 2, 0.5), 30.0)
                retry_at = time.monotonic() + delay
                handler.mark()
                emit("graph.watch.retrying", {"root": str(root), "error": exc.line(), "delay": delay}, cid)
                continue
            delay = 0.0
            if paths is None:
                scanned_at = time.monotonic()
            if on_report is not None:
                on_report(report)
            # What the cache holds lives as long as the process: keep the collector from walking it.
            gc.freeze()
    except KeyboardInterrupt:
        interrupt_handled()  # a watcher told to stop ends with 0
    finally:
        cache.close()
        observer.stop()
        observer.join(timeout=5)
        emit("graph.watch.stopped", {"root": str(root)}, cid)

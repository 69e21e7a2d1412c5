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

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from graphsvc.errors import StoreError
from graphsvc.events import emit, new_correlation_id
from graphsvc.ingest.run import IngestCache, IngestReport, ingest
from graphsvc.ingest.scan import SKIP_DIRS
from graphsvc.settings import Settings
from parsers import registry

__all__ = ["watch"]

_EXTENSIONS = frozenset(ext for spec in registry.LANGUAGES for ext in spec.extensions)
_PROJECT_FILES = frozenset({".gitignore", *(n for spec in registry.LANGUAGES for n in spec.project_files)})


class _Dirty(FileSystemEventHandler):
    """Marks the tree dirty on events that can change the graph."""

    def __init__(self, root: Path) -> None:
        self.root = str(root)
        self.first: float | None = None
        self.last = 0.0
        self.lock = threading.Lock()
        self.wake = threading.Event()

    def relevant(self, path: str) -> bool:
        rel = os.path.relpath(path, self.root)
        parts = rel.replace(os.sep, "/").split("/")
        if rel.startswith("..") or any(p in SKIP_DIRS for p in parts[:-1]):
            return False
        name = parts[-1]
        return os.path.splitext(name)[1] in _EXTENSIONS or name in _PROJECT_FILES or "." not in name

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        paths = [os.fsdecode(event.src_path)]
        if getattr(event, "dest_path", ""):
            paths.append(os.fsdecode(event.dest_path))
        if not any(self.relevant(p) for p in paths):
            return
        with self.lock:
            now = time.monotonic()
            self.first = self.first or now
            self.last = now
        self.wake.set()

    def take(self, debounce: float, max_delay: float) -> bool:
        """True (and clean again) when a dirty tree has been quiet long enough, or waited too long."""
        with self.lock:
            if self.first is None:
                return False
            now = time.monotonic()
            if now - self.last >= debounce or now - self.first >= max_delay:
                self.first = None
                return True
            return False

    def mark(self) -> None:
        """Dirty again (a run failed and must be retried)."""
        with self.lock:
            self.first = self.first or time.monotonic()
            self.last = 0.0


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
    if catch_up:
        handler.mark()  # bring the graph up to date with what changed while nobody watched
    delay = 0.0
    retry_at = 0.0
    cache = IngestCache()  # what the store holds after this process's last run (run.py)
    try:
        while not stop.is_set():
            handler.wake.wait(timeout=min(debounce, 0.1))
            handler.wake.clear()
            if time.monotonic() < retry_at or not handler.take(debounce, max_delay):
                continue
            try:
                report = ingest(root, settings, project=project, incremental=True,
                                correlation_id=new_correlation_id(), cache=cache)
            except StoreError as exc:
                # The store is away or locked: try again later, folding new events into that run.
                delay = min(max(delay * 2, 0.5), 30.0)
                retry_at = time.monotonic() + delay
                handler.mark()
                emit("graph.watch.retrying", {"root": str(root), "error": exc.line(), "delay": delay}, cid)
                continue
            delay = 0.0
            if on_report is not None:
                on_report(report)
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        observer.join(timeout=5)
        emit("graph.watch.stopped", {"root": str(root)}, cid)

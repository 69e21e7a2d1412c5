"""What the writing and live parts of the API share: settings, keys, the event feed, ingest runs.

Mutations write through a store opened for the write alone (the embedded store's write lock is
held for one write, as every other writer holds it). ``ingest`` runs in a background thread and
reports through events; one run per repo at a time.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from api.auth import KeyCheck
from api.event_feed import EventFeed
from graphsvc.events import EventLog, attach_log, emit, new_correlation_id
from graphsvc.ingest.run import ingest
from graphsvc.settings import Settings

__all__ = ["IngestRuns", "Services"]

_PROGRESS_EVERY = 0.25  # seconds between progress events of one stage


@dataclass
class IngestRuns:
    """Background ingest runs, one per repo at a time."""

    settings: Settings
    running: dict[str, str] = field(default_factory=dict)  # repo id -> correlation id
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self, repo_id: str, root: Path, project: str, incremental: bool) -> tuple[str, bool]:
        """Start a run unless one is under way; returns its correlation id and whether it is new."""
        with self._lock:
            if repo_id in self.running:
                return self.running[repo_id], False
            cid = new_correlation_id()
            self.running[repo_id] = cid
        thread = threading.Thread(target=self._run, args=(repo_id, root, project, incremental, cid),
                                  name=f"ingest {repo_id}", daemon=True)
        thread.start()
        return cid, True

    def _run(self, repo_id: str, root: Path, project: str, incremental: bool, cid: str) -> None:
        last: dict[str, float] = {}

        def progress(stage: str, done: int, total: int) -> None:
            now = time.monotonic()
            if done == total or now - last.get(stage, 0.0) >= _PROGRESS_EVERY:
                last[stage] = now
                emit("graph.ingest.progress", {"repo": repo_id, "stage": stage, "done": done, "total": total}, cid)

        try:
            ingest(root, self.settings, project=project, incremental=incremental, progress=progress, correlation_id=cid)
        except Exception:  # noqa: BLE001 — reported as graph.ingest.failed by ingest itself
            pass
        finally:
            with self._lock:
                self.running.pop(repo_id, None)


class Services:
    """The app-wide parts of the API."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.keys = KeyCheck(settings)
        path = settings.event_log_path()
        self._detach = attach_log(path, settings.event_log_bytes)
        self.feed = EventFeed(EventLog(path, settings.event_log_bytes))
        self.runs = IngestRuns(settings)

    async def close(self) -> None:
        """Stop the feed and stop writing this process's events to the log."""
        await self.feed.close()
        self._detach()

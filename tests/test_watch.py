"""`graph watch`: bursts are debounced, the graph follows the tree, a locked store is caught up."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from graphsvc.events import Event, subscribe
from graphsvc.ingest.run import IngestReport, ingest
from graphsvc.model import repo_id
from graphsvc.settings import Settings
from graphsvc.store import open_store
from graphsvc.watch import watch
from tests.conftest import FIXTURES
from tests.helpers import copy_repo, diff, export_text

_HOLD = """
import sys, ladybug
db = ladybug.Database(sys.argv[1])
print("locked", flush=True)
sys.stdin.read()
db.close()
"""


class _Watcher:
    def __init__(self, root: Path, settings: Settings, catch_up: bool = True) -> None:
        self.reports: list[IngestReport] = []
        self.events: list[Event] = []
        self.stop = threading.Event()
        self._unsubscribe = subscribe(self.events.append)
        self.thread = threading.Thread(target=watch, args=(root, settings),
                                       kwargs={"stop": self.stop, "on_report": self.reports.append,
                                               "debounce": 0.2, "catch_up": catch_up})
        self.thread.start()

    def wait_for(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len([r for r in self.reports if not r.nothing_changed]) < count:
            assert time.monotonic() < deadline, f"no run after {timeout}s: {self.events[-5:]}"
            time.sleep(0.05)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=30)
        self._unsubscribe()
        assert not self.thread.is_alive()


def _fresh(root: Path, make_settings: Any) -> str:
    settings = make_settings(fresh=True)
    ingest(root, settings)
    return export_text(settings)


def test_watch_follows_edits_and_debounces_a_burst(tmp_path: Path, make_settings: Any) -> None:
    root = copy_repo(FIXTURES / "shop", tmp_path / "shop")
    settings = make_settings()
    ingest(root, settings)
    watcher = _Watcher(root, settings)
    try:
        time.sleep(0.5)
        models = root / "shop" / "models.py"
        models.write_text(models.read_text().replace("def discounted", "def reduced"))
        watcher.wait_for(1)
        runs_before = len(watcher.reports)
        for i in range(60):  # a burst, like a branch checkout
            (root / "shop" / f"burst_{i}.py").write_text(f"from .models import Product\n\nP{i} = Product('x', {i})\n")
        (root / "node_modules").mkdir()
        (root / "node_modules" / "ignored.py").write_text("x = 1\n")
        watcher.wait_for(2)
        time.sleep(1.0)
        assert len(watcher.reports) - runs_before <= 3, "a burst of 60 files must be folded into a few runs"
    finally:
        watcher.close()
    assert {e.subject for e in watcher.events} >= {"graph.watch.started", "graph.ingest.finished",
                                                   "graph.watch.stopped"}
    a, b = _fresh(root, make_settings), export_text(settings)
    assert a == b, diff(a, b, "watched vs fresh")


def test_watch_without_catch_up_takes_edits_through_its_primed_cache(tmp_path: Path, make_settings: Any) -> None:
    """Started with ``catch_up=False``, the watcher fills its cache from the store without writing;
    a file that changed before it started is still taken in by the first run after an edit."""
    root = copy_repo(FIXTURES / "shop", tmp_path / "shop")
    settings = make_settings()
    ingest(root, settings)
    log = root / "shop" / "util" / "log.py"
    log.write_text(log.read_text() + "\n\ndef before_watch():\n    return 0\n")  # unseen by any event
    watcher = _Watcher(root, settings, catch_up=False)
    try:
        time.sleep(0.5)
        assert not watcher.reports
        models = root / "shop" / "models.py"
        models.write_text(models.read_text().replace("def discounted", "def reduced"))
        watcher.wait_for(1)
        assert watcher.reports[0].changed == 2
        (root / "shop" / "added.py").write_text("from .models import Product\n\nP = Product('x', 1)\n")
        models.unlink()
        watcher.wait_for(2)
    finally:
        watcher.close()
    a, b = _fresh(root, make_settings), export_text(settings)
    assert a == b, diff(a, b, "watched vs fresh")


def test_watch_retries_while_the_store_is_locked_then_catches_up(tmp_path: Path, make_settings: Any,
                                                                 backend: str) -> None:
    root = copy_repo(FIXTURES / "toolkit", tmp_path / "toolkit")
    settings = make_settings(lock_timeout=0.2)
    ingest(root, settings)
    # Another writer holds the write lock, as a second `graph` command would: on the embedded store
    # another process (the lock is per process), on Neo4j another connection.
    if backend == "ladybug":
        path = settings.store.removeprefix("ladybug://")
        holder = subprocess.Popen([sys.executable, "-c", _HOLD, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert holder.stdout is not None and holder.stdout.readline() == b"locked\n"
        release = lambda: holder.communicate(b"", timeout=30)  # noqa: E731
    else:
        store = open_store(settings)
        store.lock_writes(repo_id("toolkit", "toolkit"))
        release = store.close
    watcher = _Watcher(root, settings)
    try:
        (root / "scripts" / "late.py").write_text("from toolkit import Engine\n\nEngine().run()\n")
        deadline = time.monotonic() + 30
        while not any(e.subject == "graph.watch.retrying" for e in watcher.events):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        release()
        watcher.wait_for(1)
    finally:
        watcher.close()
    assert "scripts/late.py" in export_text(settings)
    a, b = _fresh(root, make_settings), export_text(settings)
    assert a == b, diff(a, b, "caught up vs fresh")


def test_graph_watch_stops_on_sigint_even_when_its_parent_ignored_it(tmp_path: Path) -> None:
    # A process started with SIGINT ignored (a script's background job) inherits that; `graph watch`
    # puts Ctrl-C back, so SIGINT still stops it cleanly.
    repo = copy_repo(FIXTURES / "shop", tmp_path / "shop")
    env = {**os.environ, "GRAPH_STORE": f"ladybug://{tmp_path / 'g.lbug'}", "GRAPH_WORKERS": "1",
           "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "ingest_cli", "watch", str(repo), "--json"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=Path(__file__).parent.parent,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        assert proc.stdout is not None
        subjects = []
        for line in proc.stdout:
            subjects.append(json.loads(line)["subject"])
            if subjects[-1] == "graph.ingest.finished":
                break  # started, and caught up
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err.decode()
    assert "graph.watch.stopped" in [json.loads(line)["subject"] for line in out.decode().splitlines()]

"""Events across processes: a subscriber of `graph serve` receives what a CLI ingest in another
process emits (both stores), and the event log stays bounded and readable across rotations."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from graphsvc.events import Event, EventLog, LogTail, attach_log, emit
from graphsvc.settings import Settings
from tests.conftest import FIXTURES
from tests.ecosystem.live import live_server, next_messages

ROOT = Path(__file__).resolve().parents[2]
EVENTS = 'subscription($s: String) { events(subject: $s) { subject payload correlationId } }'


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GRAPH_STORE": settings.store, "GRAPH_NEO4J_USER": settings.neo4j_user,
           "GRAPH_NEO4J_PASSWORD": settings.neo4j_password, "GRAPH_EVENT_LOG": str(settings.event_log),
           "GRAPH_WORKERS": "1"}
    return subprocess.run([sys.executable, "-m", "ingest_cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_a_subscriber_receives_the_events_of_an_ingest_in_another_process(eco_settings: Any) -> None:
    settings = eco_settings()
    assert _cli(settings, "project", "add", "ledger", str(ROOT / "fixtures/ecosystem/ledger")).returncode == 0
    with live_server(settings) as live:
        with live.subscribe(EVENTS, s="graph.ingest.>") as ws:
            done = _cli(settings, "ingest", str(FIXTURES / "shop"))
            assert done.returncode == 0, done.stderr
            messages = next_messages(ws, until="graph.ingest.finished", timeout=30)
    events = [m["payload"]["data"]["events"] for m in messages]
    assert [e["subject"] for e in events] == ["graph.ingest.started", "graph.ingest.finished"]
    assert events[0]["payload"] == {"repo": "repo:shop/shop", "mode": "full"}
    assert events[1]["payload"]["changed"] > 0 and events[0]["correlationId"] == events[1]["correlationId"]


def test_the_log_rotates_and_a_tail_follows_across_the_rotation(tmp_path: Path) -> None:
    log = EventLog(tmp_path / "events.jsonl", max_bytes=4096)
    tail = LogTail(log)
    got = []
    for i in range(80):
        log.append(Event("graph.test", {"n": i, "pad": "x" * 100}, "c"))
        if i % 10 == 9:  # a poll between rotations (a file holds about 15 of these)
            got += tail.poll()
    assert [e.payload["n"] for e in got] == list(range(80))
    assert log.path.stat().st_size <= 4096 and log.path.with_name("events.jsonl.1").stat().st_size <= 4096
    kept = [e.payload["n"] for e in log.read_all()]
    assert kept == list(range(kept[0], 80)) and len(kept) < 40  # bounded: the oldest went


def test_a_torn_line_is_skipped_and_a_partial_one_waits(tmp_path: Path) -> None:
    log = EventLog(tmp_path / "events.jsonl")
    tail = LogTail(log)
    with open(log.path, "a", encoding="utf-8") as f:
        f.write("{not json}\n")
        f.write(Event("graph.a", {}, "c").to_json()[:20])
    assert tail.poll() == []  # a torn line is skipped; a line without its newline waits for it
    with open(log.path, "a", encoding="utf-8") as f:
        f.write(Event("graph.a", {}, "c").to_json()[20:] + "\n")
    log.append(Event("graph.b", {}, "c"))
    assert [e.subject for e in tail.poll()] == ["graph.a", "graph.b"]  # the completed line, then the next


def test_attached_processes_write_each_event_once(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    detach_a, detach_b = attach_log(path), attach_log(path)
    try:
        emit("graph.test.once", {}, "c")
    finally:
        detach_a()
        detach_b()
    emit("graph.test.after", {}, "c")
    assert [e.subject for e in EventLog(path).read_all()] == ["graph.test.once"]

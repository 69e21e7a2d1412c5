"""Service health probes against a real HTTP server on loopback that goes up, slows down and goes away."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from graphsvc.events import Event, subscribe
from graphsvc.export import export_lines
from graphsvc.health import HealthMonitor, classify
from graphsvc.ingest.run import ingest
from graphsvc.settings import Settings
from graphsvc.store import open_store
from queries.ecosystem import ecosystem_graph, health_samples
from tests.ecosystem.live import live_server, next_messages
from tests.helpers import HealthBackend

SVC = "svc:shop/api"


@pytest.fixture
def http_backend() -> Iterator[HealthBackend]:
    b = HealthBackend()
    yield b
    b.stop()


def _repo(root: Path, url: str) -> Path:
    repo = root / "shop"
    repo.mkdir(parents=True)
    (repo / "app.py").write_text("def main():\n    return 1\n", encoding="utf-8")
    (repo / "docker-compose.yml").write_text(
        "services:\n"
        "  api:\n"
        "    image: shop-api:1\n"
        "    ports: ['8080:8080']\n"
        f"    labels:\n      graphsvc.health-url: {url}\n"
        "  db:\n"
        "    image: postgres:16\n", encoding="utf-8")
    return repo


@contextmanager
def _events() -> Iterator[list[Event]]:
    seen: list[Event] = []
    stop = subscribe(lambda e: seen.append(e) if e.subject == "service.health.changed" else None)
    try:
        yield seen
    finally:
        stop()


def _service(settings: Settings) -> Any:
    with open_store(settings, read_only=True) as store:
        return next(s for s in ecosystem_graph(store).services if s.id == SVC)


def _samples(settings: Settings, limit: int = 100) -> Any:
    with open_store(settings, read_only=True) as store:
        return health_samples(store, SVC, limit)


def _export(settings: Settings) -> list[str]:
    with open_store(settings, read_only=True) as store:
        return list(export_lines(store))


def test_classify_by_code_and_latency() -> None:
    assert [classify(200, 10, 100), classify(204, 150, 100), classify(302, 1, 100), classify(503, 1, 100),
            classify(404, 1, 100), classify(None, 1, 100)] == ["up", "degraded", "up", "down", "down", "down"]


def test_status_flips_up_degraded_down_with_events_and_bounded_samples(
        make_settings: Any, tmp_path: Path, http_backend: HealthBackend) -> None:
    settings = make_settings(health_degraded_ms=250, health_timeout=2, health_samples=3, health_interval=0)
    ingest(_repo(tmp_path, http_backend.url), settings)
    before = _export(settings)
    assert _service(settings).health_status == ""
    monitor = HealthMonitor(settings)
    with _events() as seen:
        assert [c["to"] for c in asyncio.run(monitor.check_once())] == ["up"]
        up = _service(settings)
        assert (up.health_status, up.health_checked_at is not None) == ("up", True)
        assert 0 <= up.health_latency_ms < 250
        assert asyncio.run(monitor.check_once()) == []  # still up: a sample, no change

        http_backend.delay = 0.4
        changes = asyncio.run(monitor.check_once())
        assert [(c["from"], c["to"], c["code"]) for c in changes] == [("up", "degraded", 200)]
        assert changes[0]["latencyMs"] >= 400

        http_backend.delay, http_backend.code = 0.0, 503
        assert [(c["from"], c["to"], c["code"], c["error"]) for c in asyncio.run(monitor.check_once())] == [
            ("degraded", "down", 503, "HTTP 503")]
        http_backend.code = 200
        assert [c["to"] for c in asyncio.run(monitor.check_once())] == ["up"]

        http_backend.stop()
        changes = asyncio.run(monitor.check_once())
        assert [(c["from"], c["to"], c["code"]) for c in changes] == [("up", "down", None)]
        assert changes[0]["error"]
    assert [(e.payload["service"], e.payload["from"], e.payload["to"]) for e in seen] == [
        (SVC, "", "up"), (SVC, "up", "degraded"), (SVC, "degraded", "down"), (SVC, "down", "up"), (SVC, "up", "down")]
    assert {e.payload["name"] for e in seen} == {"api"} and {e.payload["project"] for e in seen} == {"proj:shop"}

    # Six rounds, three samples kept: the newest, newest first; the service without a URL was never probed.
    samples = _samples(settings)
    assert [(s.status, s.code) for s in samples] == [("down", None), ("up", 200), ("down", 503)]
    assert samples[0].at > samples[1].at > samples[2].at
    assert [(s.status, s.code) for s in _samples(settings, limit=1)] == [("down", None)]
    with open_store(settings, read_only=True) as store:
        assert store.read("health_sample_counts", ids=["svc:shop/db", SVC]) == [{"service": SVC, "n": 3}]
    down = _service(settings)
    assert (down.health_status, down.health_checked_at) == ("down", samples[0].at)

    # Probes are observations, not code: the canonical export does not change.
    assert _export(settings) == before
    # Re-indexing keeps what the probes saw on a service that is still declared.
    ingest(tmp_path / "shop", settings)
    assert _service(settings).health_status == "down"
    assert len(_samples(settings)) == 3


def test_a_service_removed_from_the_compose_file_takes_its_samples_along(
        make_settings: Any, tmp_path: Path, http_backend: HealthBackend) -> None:
    settings = make_settings(health_interval=0)
    repo = _repo(tmp_path, http_backend.url)
    ingest(repo, settings)
    asyncio.run(HealthMonitor(settings).check_once())
    assert len(_samples(settings)) == 1
    (repo / "docker-compose.yml").write_text("services:\n  db:\n    image: postgres:16\n", encoding="utf-8")
    ingest(repo, settings, incremental=True)
    with open_store(settings, read_only=True) as store:
        assert [s.id for s in ecosystem_graph(store).services] == ["svc:shop/db"]
        assert store.read("health_sample_counts", ids=[SVC]) == []


SERVICES = '{ ecosystemGraph { services { id healthUrl healthStatus healthLatencyMs healthCheckedAt ' \
           'healthSamples(limit: 2) { status code error at latencyMs } } } }'
EVENTS = 'subscription { events(subject: "service.health.changed") { subject payload } }'


def test_graph_serve_probes_on_its_interval_and_streams_the_changes(
        make_settings: Any, tmp_path: Path, http_backend: HealthBackend) -> None:
    settings = make_settings(health_interval=0.3, health_timeout=1, event_log=str(tmp_path / "events.jsonl"))
    ingest(_repo(tmp_path, http_backend.url), settings)
    with live_server(settings) as live:
        with live.subscribe(EVENTS) as ws:
            first = next_messages(ws, until="service.health.changed", timeout=30)
            assert first[-1]["payload"]["data"]["events"]["payload"]["to"] == "up"
            services = {s["id"]: s for s in live.data(SERVICES)["ecosystemGraph"]["services"]}
            assert services["svc:shop/db"] == {"id": "svc:shop/db", "healthUrl": "", "healthStatus": "",
                                               "healthLatencyMs": None, "healthCheckedAt": None, "healthSamples": []}
            api = services[SVC]
            assert (api["healthUrl"], api["healthStatus"]) == (http_backend.url, "up")
            assert api["healthSamples"][0]["status"] == "up" and api["healthSamples"][0]["code"] == 200
            http_backend.stop()
            flipped = next_messages(ws, until="service.health.changed", timeout=30)
            payload = flipped[-1]["payload"]["data"]["events"]["payload"]
            assert (payload["service"], payload["from"], payload["to"], payload["code"]) == (SVC, "up", "down", None)
        api = next(s for s in live.data(SERVICES)["ecosystemGraph"]["services"] if s["id"] == SVC)
        assert api["healthStatus"] == "down" and api["healthSamples"][0]["status"] == "down"
        assert len(api["healthSamples"]) == 2
        bad = live.graphql('{ ecosystemGraph { services { healthSamples(limit: 0) { at } } } }')
        assert bad["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"

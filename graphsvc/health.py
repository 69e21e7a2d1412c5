"""Service health: probe each service's ``healthUrl``, keep the samples, say when a status changes.

``graph serve`` runs a ``HealthMonitor`` (every ``health_interval`` seconds). One round:

1. read the services that have a ``healthUrl`` (through the server's reader);
2. probe them all at once with an HTTP GET (httpx, ``health_timeout`` seconds, no redirects followed);
3. classify each answer::

       up        an answer below 400 within ``health_degraded_ms``
       degraded  an answer below 400, slower than ``health_degraded_ms``
       down      an answer of 400 or more (a health endpoint's way to say "unhealthy"),
                 or no answer: refused, reset, timed out, unknown host

4. write, in one transaction on a store opened for that write alone (as every writer does,
   docs/decisions/0002): a ``HealthSample`` per service, the service's ``healthStatus``,
   ``healthLatencyMs`` and ``healthCheckedAt``, and delete the samples past the newest
   ``health_samples`` of each service;
5. emit ``service.health.changed {service, name, project, from, to, latencyMs, code, error, at}``
   for every service whose status differs from the one stored before the write (``from`` is ""
   the first time).

A round that cannot write (the store is locked past ``lock_timeout``, Neo4j is away) is logged
and the next round tries again; probing never stops the server.

Example::

    samples = asyncio.run(probe_all([("svc:shop/api", "http://127.0.0.1:8000/healthz")], settings))
    with open_store(settings) as store:
        changes = record(store, samples, keep=settings.health_samples)
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from graphsvc.events import emit, new_correlation_id
from graphsvc.model import Node, health_sample_id
from graphsvc.settings import Settings
from graphsvc.store import Store, cypher, open_store
from graphsvc.store.base import node_row

__all__ = ["HealthMonitor", "Sample", "classify", "probe", "probe_all", "record"]

log = logging.getLogger("graphsvc.health")
_MAX_ERROR = 200


@dataclass(frozen=True, slots=True)
class Sample:
    """One probe: ``latency_ms`` until the answer or the failure; ``code`` None without an answer."""

    service: str
    url: str
    status: str
    latency_ms: float
    code: int | None
    error: str
    at: str


def classify(code: int | None, latency_ms: float, degraded_ms: float) -> str:
    """up, degraded or down (see the module docstring)."""
    if code is None or code >= 400:
        return "down"
    return "degraded" if latency_ms > degraded_ms else "up"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


async def probe(client: httpx.AsyncClient, service: str, url: str, timeout: float, degraded_ms: float) -> Sample:
    """GET ``url`` once and classify the answer."""
    at = _now()
    started = time.perf_counter()
    code: int | None = None
    error = ""
    try:
        response = await client.get(url, timeout=timeout)
        code = response.status_code
        if code >= 400:
            error = f"HTTP {code}"
    except httpx.TimeoutException:
        error = f"no answer within {timeout:g}s"
    except httpx.HTTPError as exc:
        error = (str(exc) or type(exc).__name__).splitlines()[0][:_MAX_ERROR]
    latency = round((time.perf_counter() - started) * 1000, 1)
    return Sample(service, url, classify(code, latency, degraded_ms), latency, code, error, at)


async def probe_all(targets: list[tuple[str, str]], settings: Settings) -> list[Sample]:
    """Probe every (service id, url) at once."""
    if not targets:
        return []
    async with httpx.AsyncClient(follow_redirects=False, trust_env=False) as client:
        return list(await asyncio.gather(*(probe(client, sid, url, settings.health_timeout, settings.health_degraded_ms)
                                           for sid, url in targets)))


def _targets(store: Store) -> list[tuple[str, str]]:
    return [(r["id"], r["healthUrl"]) for r in store.read("health_targets")]


def record(store: Store, samples: list[Sample], keep: int, correlation_id: str | None = None) -> list[dict[str, Any]]:
    """Write the samples, update their services and prune old samples; emit and return the status changes.

    Services that vanished since they were probed (a re-link removed them) are skipped.
    """
    if not samples:
        return []
    before = {r["id"]: r for r in store.read("health_state", ids=sorted({s.service for s in samples}))}
    samples = [s for s in samples if s.service in before]
    nodes = [Node("HealthSample", health_sample_id(s.service, s.at), {
        "service": s.service, "status": s.status, "latencyMs": s.latency_ms, "code": s.code,
        "error": s.error, "at": s.at}) for s in samples]
    rows = [{"id": s.service, "status": s.status, "latency": s.latency_ms, "at": s.at} for s in samples]
    counts = {r["service"]: int(r["n"]) for r in store.read("health_sample_counts", ids=[s.service for s in samples])}
    stale: list[str] = []
    for sid, n in counts.items():
        if n + 1 > keep:
            old = store.read("health_samples", service=sid, limit=n + 1)  # newest first; this round's is not in yet
            stale += [r["id"] for r in old[keep - 1:]]
    statements: list[tuple[str, dict[str, Any]]] = []
    if stale:
        statements.append(("UNWIND $ids AS id MATCH (h:HealthSample {id: id}) DELETE h", {"ids": stale}))
    statements += [
        (cypher.merge_nodes("HealthSample", typed=store.dialect == "ladybug"), {"rows": [node_row(n) for n in nodes]}),
        ("UNWIND $rows AS r MATCH (s:Service {id: r.id}) SET s.healthStatus = r.status, "
         "s.healthLatencyMs = r.latency, s.healthCheckedAt = r.at", {"rows": rows}),
    ]
    store.execute_writes(statements)  # one transaction
    changes = []
    cid = correlation_id or new_correlation_id()
    for s in samples:
        old = before[s.service]
        if (old["healthStatus"] or "") != s.status:
            change = {"service": s.service, "name": old["name"], "project": old["project"],
                      "from": old["healthStatus"] or "", "to": s.status, "latencyMs": s.latency_ms,
                      "code": s.code, "error": s.error, "at": s.at}
            changes.append(change)
    for change in changes:
        emit("service.health.changed", change, cid)
    return changes


class HealthMonitor:
    """Probes the services of a store on an interval while the server runs.

    ``read`` runs a function with a read-only store (the server passes its request reader, so the
    monitor opens no handle of its own for reading); writes open the store for the write alone.
    """

    def __init__(self, settings: Settings,
                 read: Callable[[Callable[[Store], Any]], Awaitable[Any]] | None = None) -> None:
        self.settings = settings
        self._read = read
        self._task: asyncio.Task[None] | None = None
        self.rounds = 0

    async def _targets(self) -> list[tuple[str, str]]:
        if self._read is not None:
            return list(await self._read(_targets))

        def read() -> list[tuple[str, str]]:
            with open_store(self.settings, read_only=True) as store:
                return _targets(store)
        return await asyncio.to_thread(read)

    def _write(self, samples: list[Sample]) -> list[dict[str, Any]]:
        with open_store(self.settings) as store:
            return record(store, samples, self.settings.health_samples)

    async def check_once(self) -> list[dict[str, Any]]:
        """One round: probe every service with a healthUrl, record the samples; the status changes."""
        samples = await probe_all(await self._targets(), self.settings)
        changes = await asyncio.to_thread(self._write, samples) if samples else []
        self.rounds += 1
        return changes

    async def run(self) -> None:
        """Rounds every ``health_interval`` seconds until cancelled; a failed round is logged, not fatal."""
        while True:
            started = time.monotonic()
            try:
                await self.check_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 — a locked or unreachable store must not stop the probes
                log.warning("health probes: %s", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            await asyncio.sleep(max(0.0, self.settings.health_interval - (time.monotonic() - started)))

    def start(self) -> None:
        """Run in the background on the current event loop."""
        if self._task is None and self.settings.health_interval > 0:
            self._task = asyncio.get_running_loop().create_task(self.run(), name="health-monitor")

    async def stop(self) -> None:
        """Stop probing."""
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

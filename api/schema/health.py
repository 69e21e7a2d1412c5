"""Service health in the schema: the probes' samples (``graphsvc/health.py`` takes them).

Example::

    { ecosystemGraph { services { id healthStatus healthLatencyMs healthCheckedAt
                                  healthSamples(limit: 5) { status latencyMs code error at } } } }
"""

from __future__ import annotations

import strawberry

from api.schema.types import Info
from queries import ecosystem

__all__ = ["HealthSample", "health_samples"]


@strawberry.type(description="One probe of a service's health URL. `status`: up (an answer below 400 in time), "
                             "degraded (below 400 but slower than the threshold) or down (400 or more, or no "
                             "answer). `code` is null without an answer; `at` is ISO 8601 UTC.")
class HealthSample:
    status: str
    latency_ms: float | None = strawberry.field(description="Milliseconds until the answer or the failure.")
    code: int | None
    error: str = strawberry.field(description="Why the probe failed; empty when it did not.")
    at: str


async def health_samples(info: Info, service_id: str, limit: int) -> list[HealthSample]:
    """A service's latest samples, newest first."""
    found = await info.context.session.run(ecosystem.health_samples, service_id, limit)
    return [HealthSample(status=s.status, latency_ms=s.latency_ms, code=s.code, error=s.error, at=s.at) for s in found]

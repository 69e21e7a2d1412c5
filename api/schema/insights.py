"""Insights in the schema: figures about the graph over time (``graphsvc/insights.py`` records them).

Example::

    { insights(projectId: "proj:shop", since: "2026-01-01T00:00:00Z") { name projectId points { at value } } }
"""

from __future__ import annotations

import strawberry

from api.schema.types import Info
from graphsvc import insights as insights_

__all__ = ["InsightQueries", "Metric", "MetricPoint"]


@strawberry.type(description="One value of a series; `at` is ISO 8601 UTC.")
class MetricPoint:
    at: str
    value: float


@strawberry.type(description="A time series: projects, files, symbols, tested_public_share, compliance_pass_ratio, "
                             "open_findings_critical|high|medium|low, commits_behind_head or files_behind_head. "
                             "A point is added when the value changes (after an ingest or a compliance check).")
class Metric:
    name: str
    project_id: strawberry.ID | None = strawberry.field(description="The project; null for ecosystem-wide figures.")
    points: list[MetricPoint]


@strawberry.type
class InsightQueries:
    """The insights fields of ``Query``."""

    @strawberry.field(description="The figures of a project (`proj:<name>`), or ecosystem-wide without one, oldest "
                                  "point first. With `since` (ISO 8601), each series starts with the value in force "
                                  "then, dated `since`.")
    async def insights(self, info: Info, project_id: strawberry.ID | None = None,
                       since: str | None = None) -> list[Metric]:
        found = await info.context.session.run(insights_.insights, str(project_id) if project_id else None, since)
        return [Metric(name=m.name, project_id=strawberry.ID(m.project) if m.project else None,
                       points=[MetricPoint(at=p.at, value=p.value) for p in m.points]) for m in found]

"""The ecosystem read side: projects, their dependency links, services and integrations.

Example::

    with open_store(settings, read_only=True) as store:
        eco = ecosystem_graph(store)
        deps = cross_project_dependencies(store, "proj:billing", window())

The links are derived at ingest (``graphsvc/ecosystem.py``); this module only reads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from graphsvc.errors import LimitExceeded, NotFound
from graphsvc.store.base import Store
from queries.graph import Page, ProjectInfo, Reference, Window, _page, _references

__all__ = ["MAX_HEALTH_SAMPLES", "CrossProjectDependencies", "EcosystemGraph", "HealthSampleInfo", "Integration",
           "ProjectLink", "ServiceInfo", "cross_project_dependencies", "ecosystem_graph", "health_samples"]

MAX_HEALTH_SAMPLES = 1000


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    """A docker-compose service."""

    id: str
    name: str
    project: str
    repo: str
    path: str
    image: str
    type: str
    ports: tuple[str, ...]
    endpoint: str
    health_url: str
    health_status: str = ""  # up, degraded, down; "" before the first probe
    health_latency_ms: float | None = None
    health_checked_at: str | None = None


@dataclass(frozen=True, slots=True)
class HealthSampleInfo:
    """One probe of a service's health URL (graphsvc/health.py)."""

    id: str
    status: str
    latency_ms: float | None
    code: int | None
    error: str
    at: str


@dataclass(frozen=True, slots=True)
class ProjectLink:
    """``source`` depends on ``target`` through ``package``."""

    source: str
    target: str
    type: str
    package: str


@dataclass(frozen=True, slots=True)
class Integration:
    """Service ``source`` talks to ``target`` (``via`` depends_on and/or an environment URL)."""

    source: str
    target: str
    protocol: str
    via: str


@dataclass(frozen=True, slots=True)
class EcosystemGraph:
    """Every project and service with the links between them."""

    projects: tuple[ProjectInfo, ...]
    services: tuple[ServiceInfo, ...]
    links: tuple[ProjectLink, ...]
    integrations: tuple[Integration, ...]


@dataclass(frozen=True, slots=True)
class CrossProjectDependencies:
    """A project's links to and from other projects, and the edges that cross them."""

    project: str
    depends_on: tuple[ProjectLink, ...]
    dependents: tuple[ProjectLink, ...]
    outgoing: Page[Reference]
    incoming: Page[Reference]


def ecosystem_graph(store: Store) -> EcosystemGraph:
    """All projects, services, project links and integrations, in id order."""
    projects = tuple(ProjectInfo(id=r["id"], name=r["name"]) for r in store.read("eco_all_projects"))
    services = tuple(ServiceInfo(
        id=r["id"], name=r["name"], project=r["project"] or "", repo=r["repo"] or "", path=r["path"] or "",
        image=r["image"] or "", type=r["type"] or "", ports=tuple(json.loads(r["ports"] or "[]")),
        endpoint=r["endpoint"] or "", health_url=r["healthUrl"] or "", health_status=r["healthStatus"] or "",
        health_latency_ms=r["healthLatencyMs"], health_checked_at=r["healthCheckedAt"] or None)
        for r in store.read("eco_services"))
    links, integrations = [], []
    for r in store.read("eco_links"):
        if r["type"] == "PROJECT_LINK":
            links.append(ProjectLink(r["src"], r["dst"], r["linkType"] or "", r["package"] or ""))
        else:
            integrations.append(Integration(r["src"], r["dst"], r["protocol"] or "", r["via"] or ""))
    links.sort(key=lambda x: (x.source, x.target, x.package))
    integrations.sort(key=lambda x: (x.source, x.target))
    return EcosystemGraph(projects, services, tuple(links), tuple(integrations))


def _cross_page(store: Store, project: str, outgoing: bool, win: Window) -> Page[Reference]:
    rows = store.read("eco_cross_edges", files=f"file:repo:{project}/", syms=f"sym:repo:{project}/",
                      outgoing=outgoing)
    rows.sort(key=lambda r: (r["src"], r["line"] or 0, r["column"] or 0, r["type"], r["dst"]))
    page = _page(rows[win.offset:win.offset + win.limit + 1], win)
    return Page(items=tuple(_references(store, list(page.items))), offset=page.offset, limit=page.limit,
                has_more=page.has_more)


def cross_project_dependencies(store: Store, project_id: str, win: Window) -> CrossProjectDependencies:
    """The projects ``project_id`` depends on and that depend on it, with one page of crossing edges each way.

    Raises:
        NotFound: no such project.
    """
    if not project_id.startswith("proj:") or not any(r["id"] == project_id for r in store.read("eco_all_projects")):
        raise NotFound(f"no project '{project_id}'", suggestion="ask `projects` for the ids (proj:<name>)")
    name = project_id.removeprefix("proj:")
    links = [ProjectLink(r["src"], r["dst"], r["linkType"] or "", r["package"] or "")
             for r in store.read("eco_project_links", id=project_id)]
    return CrossProjectDependencies(
        project=project_id,
        depends_on=tuple(x for x in links if x.source == project_id),
        dependents=tuple(x for x in links if x.target == project_id),
        outgoing=_cross_page(store, name, True, win),
        incoming=_cross_page(store, name, False, win))


def health_samples(store: Store, service_id: str, limit: int = 20) -> tuple[HealthSampleInfo, ...]:
    """A service's latest health samples, newest first.

    Raises:
        LimitExceeded: ``limit`` outside 1..MAX_HEALTH_SAMPLES.
    """
    if not 1 <= limit <= MAX_HEALTH_SAMPLES:
        raise LimitExceeded(f"limit {limit} is outside 1..{MAX_HEALTH_SAMPLES}",
                            suggestion=f"ask for at most {MAX_HEALTH_SAMPLES} samples")
    return tuple(HealthSampleInfo(id=r["id"], status=r["status"] or "", latency_ms=r["latencyMs"], code=r["code"],
                                  error=r["error"] or "", at=r["at"] or "")
                 for r in store.read("health_samples", service=service_id, limit=limit))

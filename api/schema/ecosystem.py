"""The ecosystem: projects, their dependency links and services; registering projects and repos; ingest."""

from __future__ import annotations

from typing import Any

import strawberry
from starlette.concurrency import run_in_threadpool

from api.correlation import correlation_id
from api.schema.health import HealthSample, health_samples
from api.schema.types import Info, ReferencePage
from graphsvc import projects as registry
from graphsvc.settings import Settings
from graphsvc.store import Store, open_store
from queries import ecosystem, graph

__all__ = ["EcosystemMutations", "EcosystemQueries"]


@strawberry.type(description="A docker-compose service of a project. `type` (db, queue, cache, api, job) is "
                             "guessed from its image and whether it publishes ports.")
class Service:
    id: strawberry.ID
    name: str
    project: str
    repo: str
    path: str = strawberry.field(description="The compose file that declares it, relative to the repo root.")
    image: str
    type: str
    ports: list[str]
    endpoint: str = strawberry.field(description="`<service>:<container port>` on the compose network, or empty.")
    health_url: str = strawberry.field(description="From a `graphsvc.health-url` label or an HTTP healthcheck.")
    health_status: str = strawberry.field(description="up, degraded or down as the latest probe of `healthUrl` "
                                                      "saw it; empty before the first probe.")
    health_latency_ms: float | None = strawberry.field(description="Milliseconds the latest probe took.")
    health_checked_at: str | None = strawberry.field(description="When the latest probe ran (ISO 8601, UTC).")

    @strawberry.field(description="The latest probes, newest first (`graph serve` keeps `health_samples` of them).")
    async def health_samples(self, info: Info, limit: int = 20) -> list[HealthSample]:
        return await health_samples(info, str(self.id), limit)


@strawberry.type(description="`from` depends on `to`: a repo of `from` requires `package`, a repo of `to` provides it.")
class ProjectLink:
    source: strawberry.ID = strawberry.field(name="from")
    target: strawberry.ID = strawberry.field(name="to")
    type: str
    package: str


@strawberry.type(description="Service `from` talks to `to`: `via` depends_on and/or a URL in its environment "
                             "(`protocol` is that URL's scheme).")
class Integration:
    source: strawberry.ID = strawberry.field(name="from")
    target: strawberry.ID = strawberry.field(name="to")
    protocol: str
    via: str


@strawberry.type(description="A project in the ecosystem.")
class EcosystemProject:
    id: strawberry.ID
    name: str


@strawberry.type(description="Every project and service with the links between them.")
class EcosystemGraph:
    projects: list[EcosystemProject]
    services: list[Service]
    links: list[ProjectLink]
    integrations: list[Integration]


@strawberry.type(description="A project's links to other projects and one page of the edges that cross them "
                             "(imports, calls, uses and bases resolved into the other project's code).")
class CrossProjectDependencies:
    project: strawberry.ID
    depends_on: list[ProjectLink]
    dependents: list[ProjectLink]
    outgoing: ReferencePage = strawberry.field(description="Edges from this project's code into other projects.")
    incoming: ReferencePage = strawberry.field(description="Edges from other projects' code into this one.")


def _link(x: ecosystem.ProjectLink) -> ProjectLink:
    return ProjectLink(source=strawberry.ID(x.source), target=strawberry.ID(x.target), type=x.type, package=x.package)


@strawberry.type
class EcosystemQueries:
    """The ecosystem fields of ``Query``."""

    @strawberry.field(description="All projects, their dependency links, docker-compose services and integrations.")
    async def ecosystem_graph(self, info: Info) -> EcosystemGraph:
        g = await info.context.session.run(ecosystem.ecosystem_graph)
        return EcosystemGraph(
            projects=[EcosystemProject(id=strawberry.ID(p.id), name=p.name) for p in g.projects],
            services=[Service(id=strawberry.ID(s.id), name=s.name, project=s.project, repo=s.repo, path=s.path,
                              image=s.image, type=s.type, ports=list(s.ports), endpoint=s.endpoint,
                              health_url=s.health_url, health_status=s.health_status,
                              health_latency_ms=s.health_latency_ms, health_checked_at=s.health_checked_at)
                      for s in g.services],
            links=[_link(x) for x in g.links],
            integrations=[Integration(source=strawberry.ID(i.source), target=strawberry.ID(i.target),
                                      protocol=i.protocol, via=i.via) for i in g.integrations])

    @strawberry.field(description="What a project (`proj:<name>`) depends on in other projects, what depends on it, "
                                  "and the edges that cross, one page each way.")
    async def cross_project_dependencies(self, info: Info, project_id: strawberry.ID, limit: int = graph.DEFAULT_PAGE,
                                         offset: int = 0) -> CrossProjectDependencies:
        d = await info.context.session.run(ecosystem.cross_project_dependencies, str(project_id),
                                           graph.window(limit, offset))
        return CrossProjectDependencies(project=strawberry.ID(d.project), depends_on=[_link(x) for x in d.depends_on],
                                        dependents=[_link(x) for x in d.dependents],
                                        outgoing=ReferencePage.of(d.outgoing), incoming=ReferencePage.of(d.incoming))


@strawberry.type(description="A registered project.")
class RegisteredProject:
    id: strawberry.ID
    name: str
    created: bool = strawberry.field(description="False when it was registered already.")


@strawberry.type(description="A registered repo; `ingest(repoId)` indexes it.")
class RegisteredRepo:
    id: strawberry.ID
    project: strawberry.ID
    root: str
    created: bool = strawberry.field(description="False when it was registered already.")


@strawberry.type(description="An ingest run started in the background. Follow it with the subscription "
                             "`events(subject: \"graph.ingest.>\", correlationId: ...)`.")
class IngestRun:
    repo_id: strawberry.ID
    correlation_id: str
    started: bool = strawberry.field(description="False when a run of this repo was already under way "
                                                 "(its correlation id is returned).")


def _writing(settings: Settings, fn: Any, *args: Any) -> Any:
    with open_store(settings) as store:
        return fn(store, *args)


def _root(store: Store, rid: str) -> Any:
    return registry.repo_root(store, rid)


@strawberry.type
class EcosystemMutations:
    """The ecosystem fields of ``Mutation``."""

    @strawberry.mutation(description="Register a project by name (letters, digits, '.', '_', '-').")
    async def register_project(self, info: Info, name: str) -> RegisteredProject:
        settings = info.context.services.settings
        pid, created = await run_in_threadpool(_writing, settings, registry.register_project, name, correlation_id())
        return RegisteredProject(id=strawberry.ID(pid), name=name, created=created)

    @strawberry.mutation(description="Register a directory on the server (an absolute path) as a repo of a project; "
                                     "its id is `repo:<project>/<directory name>`.")
    async def add_repo(self, info: Info, project_id: strawberry.ID, path: str) -> RegisteredRepo:
        settings = info.context.services.settings
        repo = await run_in_threadpool(_writing, settings, registry.add_repo, str(project_id), path, correlation_id())
        return RegisteredRepo(id=strawberry.ID(repo.id), project=strawberry.ID(repo.project), root=repo.root,
                              created=repo.created)

    @strawberry.mutation(description="Index a registered repo in the background (`incremental`: only what changed); "
                                     "progress arrives as events with the returned correlation id.")
    async def ingest(self, info: Info, repo_id: strawberry.ID, incremental: bool = True) -> IngestRun:
        root, project = await info.context.session.run(_root, str(repo_id))
        await info.context.session.aclose()  # the embedded store's reader must not hold up the run's writes
        cid, started = info.context.services.runs.start(str(repo_id), root, project, incremental)
        return IngestRun(repo_id=repo_id, correlation_id=cid, started=started)

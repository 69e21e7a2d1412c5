"""Projects: the list, one project with its repos, and a project as a graph."""

from __future__ import annotations

import strawberry

from api.schema.types import EdgeType, Graph, Info, to_graph
from graphsvc.store import Store
from queries import graph

__all__ = ["ProjectQueries"]


@strawberry.type(description="An indexed repo with its file and symbol counts.")
class Repo:
    id: strawberry.ID
    name: str
    head_commit: str | None = strawberry.field(description="The git commit indexed last, when it is a git work tree.")
    state: str | None = strawberry.field(description="ok after a complete run, writing while one is under way.")
    last_indexed_at: str | None
    files: int
    symbols: int


@strawberry.input(name="GraphFilters", description="What a project graph keeps.")
class GraphFiltersInput:
    language: str | None = strawberry.field(default=None, description="Files of this language only.")
    path_prefix: str | None = strawberry.field(default=None, description="Files whose path starts with this only.")
    kinds: list[str] | None = strawberry.field(default=None, description="Symbols of these kinds only.")
    edge_types: list[EdgeType] | None = strawberry.field(default=None, description="These edge types only.")
    include_external: bool = strawberry.field(default=False, description="Add the externals that kept edges reach.")

    def to_filters(self) -> graph.GraphFilters:
        """The read layer's form of the filters."""
        return graph.GraphFilters(
            language=self.language, path_prefix=self.path_prefix,
            kinds=tuple(self.kinds) if self.kinds is not None else None,
            edge_types=tuple(t.value for t in self.edge_types) if self.edge_types is not None else None,
            include_external=self.include_external)


@strawberry.type(description="A product or team boundary that holds repos.")
class Project:
    id: strawberry.ID
    name: str
    repos: list[Repo]

    @strawberry.field(description="The project as a graph; see `projectGraph`.")
    async def graph(self, info: Info, depth: int = 3, filters: GraphFiltersInput | None = None,
                    max_nodes: int | None = None) -> Graph:
        return await _project_graph(info, str(self.id), depth, filters, max_nodes)


@strawberry.type(description="One page of projects; `hasMore` says whether more follow.")
class ProjectPage:
    items: list[Project]
    offset: int
    limit: int
    has_more: bool


async def _project_graph(info: Info, project_id: str, depth: int, filters: GraphFiltersInput | None,
                         max_nodes: int | None) -> Graph:
    flt = filters.to_filters() if filters is not None else None
    return to_graph(await info.context.session.run(graph.project_graph, project_id, depth, flt, max_nodes))


def _project(info: graph.ProjectInfo, repos: tuple[graph.RepoInfo, ...]) -> Project:
    return Project(id=strawberry.ID(info.id), name=info.name, repos=[
        Repo(id=strawberry.ID(r.id), name=r.name, head_commit=r.head_commit, state=r.state,
             last_indexed_at=r.last_indexed_at, files=r.files, symbols=r.symbols) for r in repos])


_WithRepos = tuple[graph.ProjectInfo, tuple[graph.RepoInfo, ...]]


def _projects_with_repos(store: Store, win: graph.Window) -> tuple[graph.Page[graph.ProjectInfo], list[_WithRepos]]:
    page = graph.projects(store, win)
    return page, [graph.project(store, p.id) for p in page.items]


@strawberry.type
class ProjectQueries:
    """The project fields of ``Query``."""

    @strawberry.field(description="One page of projects, by id.")
    async def projects(self, info: Info, limit: int = graph.DEFAULT_PAGE, offset: int = 0) -> ProjectPage:
        page, full = await info.context.session.run(_projects_with_repos, graph.window(limit, offset))
        return ProjectPage(items=[_project(p, repos) for p, repos in full], offset=page.offset, limit=page.limit,
                           has_more=page.has_more)

    @strawberry.field(description="A project by id (`proj:<name>`), with its repos and their file and symbol counts.")
    async def project(self, info: Info, id: strawberry.ID) -> Project | None:
        p, repos = await info.context.session.run(graph.project, str(id))
        return _project(p, repos)

    @strawberry.field(description="A project as a graph: repos (depth 1), files (2), module symbols and top-level "
                                  "definitions (3), members (4 and on), with structural and dependency edges between "
                                  f"them; at most `maxNodes` nodes (default {graph.DEFAULT_GRAPH_NODES}, "
                                  f"at most {graph.MAX_GRAPH_NODES}).")
    async def project_graph(self, info: Info, project_id: strawberry.ID, depth: int = 3,
                            filters: GraphFiltersInput | None = None, max_nodes: int | None = None) -> Graph | None:
        return await _project_graph(info, str(project_id), depth, filters, max_nodes)

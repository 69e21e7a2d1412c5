"""Projects and repos registered before (or without) an ingest: ``graph project add``, ``registerProject``, ``addRepo``.

A project is a name; a repo is a directory on this machine, registered under a project with the
id ``graph ingest`` would give it (``repo:<project>/<directory name>``), so ingesting it later
fills the same node. Registering again is a no-op: the stored node is returned as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from graphsvc.errors import InputError, NotFound, PathError
from graphsvc.events import emit, new_correlation_id
from graphsvc.model import project_id, repo_id
from graphsvc.store.base import Store

__all__ = ["RegisteredRepo", "add_repo", "check_project_name", "register_project", "repo_root"]

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


@dataclass(frozen=True, slots=True)
class RegisteredRepo:
    """A repo as registered: its id, project id and root directory."""

    id: str
    project: str
    root: str
    created: bool


def check_project_name(name: str) -> str:
    """The name, if it can be a project name; else an InputError saying what is accepted."""
    if not _NAME.fullmatch(name):
        raise InputError(f"'{name[:100]}' cannot be a project name",
                         suggestion="use letters, digits, '.', '_' and '-' (at most 100),"
                                    " starting with a letter or digit")
    return name


def register_project(store: Store, name: str, correlation_id: str | None = None) -> tuple[str, bool]:
    """Create the project ``name`` unless it exists; returns its id and whether it was created."""
    pid = project_id(check_project_name(name))
    if any(r["id"] == pid for r in store.read("eco_all_projects")):
        return pid, False
    store.execute_writes([("MERGE (p:Project {id: $id}) SET p.name = $name", {"id": pid, "name": name})])
    emit("graph.project.registered", {"project": pid}, correlation_id or new_correlation_id())
    return pid, True


def add_repo(store: Store, project: str, path: str, correlation_id: str | None = None) -> RegisteredRepo:
    """Register the directory ``path`` as a repo of the existing project ``project`` (an id or a name)."""
    name = project.removeprefix("proj:")
    pid = project_id(check_project_name(name))
    if not any(r["id"] == pid for r in store.read("eco_all_projects")):
        raise NotFound(f"no project '{pid}'", suggestion="register it first (registerProject / graph project add)")
    root = Path(path).expanduser()
    if not root.is_absolute():
        raise PathError(f"'{path[:200]}' is not an absolute path", suggestion="give the repo's absolute path")
    root = root.resolve()
    if not root.is_dir():
        raise PathError(f"{root} is not a directory", suggestion="give the path of a checked-out repository")
    if not root.name or root == Path.home():
        raise PathError(f"{root} cannot be a repo", suggestion="give the directory of one repository")
    rid = repo_id(name, root.name)
    existing = store.repo(rid)
    if existing is not None:
        return RegisteredRepo(rid, pid, str(existing.get("root") or root), False)
    store.execute_writes([
        ("MERGE (r:Repo {id: $id}) SET r.name = $name, r.project = $project, r.root = $root, "
         "r.state = 'registered', r.generation = 0",
         {"id": rid, "name": root.name, "project": pid, "root": str(root)}),
        ("MATCH (p:Project {id: $p}) MATCH (r:Repo {id: $r}) MERGE (p)-[:HAS_REPO]->(r)", {"p": pid, "r": rid}),
    ])
    emit("graph.repo.added", {"repo": rid, "project": pid, "root": str(root)}, correlation_id or new_correlation_id())
    return RegisteredRepo(rid, pid, str(root), True)


def repo_root(store: Store, rid: str) -> tuple[Path, str]:
    """The root directory and project name of a registered or ingested repo."""
    props = store.repo(rid)
    if props is None:
        raise NotFound(f"no repo '{rid}'", suggestion="register it with addRepo, or ask `projects` for repo ids")
    root = Path(str(props.get("root") or ""))
    if not props.get("root") or not root.is_dir():
        raise PathError(f"the root of {rid} ({root}) is not a directory on this server",
                        suggestion="register the repo again with its current path")
    return root, str(props.get("project") or "").removeprefix("proj:") or rid.removeprefix("repo:").split("/", 1)[0]

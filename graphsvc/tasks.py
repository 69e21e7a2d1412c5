"""Tasks created through the API or the CLI (``createTask``, ``linkTask``, ``graph task``).

Comment tasks come from the ingest pipeline (``graphsvc/specs.py``); these are the others:
``Task {origin: "api"}`` under a project (``HAS_TASK``), linked by ``IMPLEMENTED_BY`` to
the symbols, files or spec items they are about.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from graphsvc.errors import InputError, NotFound
from graphsvc.model import Edge, Node, project_id
from graphsvc.store.base import Store

__all__ = ["create_task", "link_task"]

_LINKABLE = {"sym:": "Symbol", "file:": "File", "spec:": "SpecItem"}
_STATUSES = ("open", "in_progress", "done")


def create_task(store: Store, project: str, title: str, *, description: str = "", labels: list[str] | None = None,
                assignee: str = "", status: str = "open", links: list[str] | None = None) -> dict[str, Any]:
    """Create a task in a project, optionally linked to symbols, files or spec items; returns its properties."""
    if not title.strip():
        raise InputError("a task needs a title")
    if status not in _STATUSES:
        raise InputError(f"unknown task status '{status}'", suggestion=f"use one of {', '.join(_STATUSES)}")
    pid = project_id(project)
    if not store.read("project", id=pid):
        raise NotFound(f"no project {pid} in the graph", suggestion="run `graph ingest` first")
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    key = hashlib.sha256(f"{pid}\0{title}\0{now}".encode()).hexdigest()[:12]
    tid = f"task:{project}:api/{key}"
    props: dict[str, object] = {"title": title.strip()[:200], "description": description, "status": status, "kind": "TASK",
             "labels": json.dumps(sorted(set(labels or []))), "assignee": assignee, "origin": "api",
             "project": pid, "createdAt": now}
    edges = [Edge("HAS_TASK", pid, "Project", tid, "Task")]
    edges += [_link_edge(store, tid, target) for target in links or []]
    store.put([Node("Task", tid, props)], edges)
    return {"id": tid, **props}


def _link_edge(store: Store, task: str, target: str) -> Edge:
    label = next((lab for prefix, lab in _LINKABLE.items() if target.startswith(prefix)), None)
    if label is None:
        raise InputError(f"cannot link a task to '{target}'", suggestion="give a symbol, file or spec item id")
    if not store.read("node", id=target):
        raise NotFound(f"no node {target}", suggestion="check the id (`graph query search`)")
    return Edge("IMPLEMENTED_BY", task, "Task", target, label, {"resolution": "exact"})


def link_task(store: Store, task: str, target: str) -> None:
    """Link a task to a symbol, file or spec item (``IMPLEMENTED_BY``)."""
    found = store.read("node", id=task)
    if not found or not task.startswith("task:"):
        raise NotFound(f"no task {task}", suggestion="create it first (`graph task add`)")
    store.put([], [_link_edge(store, task, target)])

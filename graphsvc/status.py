"""What a store holds: repos, files, node and edge counts, the last run of each repo."""

from __future__ import annotations

import json
from typing import Any

from pathlib import Path

from graphsvc.ingest.scan import commits_between
from graphsvc.settings import Settings
from graphsvc.store import open_store

__all__ = ["status"]


def _behind(root: str | None, commit: str | None) -> dict[str, int] | None:
    """How far the indexed commit is behind the work tree's HEAD (None: not a git tree, or gone)."""
    if not root or not commit or not Path(root).is_dir():
        return None
    found = commits_between(Path(root), commit)
    return None if found is None else {"commits": found[0], "files": found[1]}


def status(settings: Settings) -> dict[str, Any]:
    """Read the status of the store the settings name."""
    with open_store(settings, read_only=True) as store:
        repos = store.read("status_repos")
        files = {r["repo"]: r for r in store.read("status_files")}
        nodes = {r["label"]: int(r["count"]) for r in store.read("status_counts") if r["label"] != "Meta"}
        edge_rows = store.read("status_edges")
    edges: dict[str, int] = {}
    resolution: dict[str, int] = {}
    for row in edge_rows:
        edges[row["type"]] = edges.get(row["type"], 0) + int(row["count"])
        if row["resolution"]:
            resolution[row["resolution"]] = resolution.get(row["resolution"], 0) + int(row["count"])
    out = []
    for r in repos:
        f = files.get(r["repo"], {})
        # Sums come back as Decimal from LadybugDB (INT128): plain ints for JSON.
        out.append({**r, "files": int(f.get("files") or 0), "parseErrors": int(f.get("parseErrors") or 0),
                    "loc": int(f.get("loc") or 0), "lastRun": json.loads(r["lastRun"]) if r["lastRun"] else None,
                    "behind": _behind(r["root"], r["headCommit"])})
    return {"store": settings.store, "repos": out, "nodes": dict(sorted(nodes.items())),
            "edges": dict(sorted(edges.items())), "resolution": dict(sorted(resolution.items()))}

"""What a store holds: repos, files, node and edge counts, the last run of each repo."""

from __future__ import annotations

import json
from typing import Any

from graphsvc.settings import Settings
from graphsvc.store import open_store

__all__ = ["status"]


def status(settings: Settings) -> dict[str, Any]:
    """Read the status of the store the settings name."""
    with open_store(settings, read_only=True) as store:
        repos = store.read("status_repos")
        files = {r["repo"]: r for r in store.read("status_files")}
        nodes = {r["label"]: r["count"] for r in store.read("status_counts") if r["label"] != "Meta"}
        edge_rows = store.read("status_edges")
    edges: dict[str, int] = {}
    resolution: dict[str, int] = {}
    for row in edge_rows:
        edges[row["type"]] = edges.get(row["type"], 0) + row["count"]
        if row["resolution"]:
            resolution[row["resolution"]] = resolution.get(row["resolution"], 0) + row["count"]
    out = []
    for r in repos:
        f = files.get(r["repo"], {})
        out.append({**r, "files": f.get("files", 0), "parseErrors": f.get("parseErrors") or 0,
                    "loc": f.get("loc") or 0, "lastRun": json.loads(r["lastRun"]) if r["lastRun"] else None})
    return {"store": settings.store, "repos": out, "nodes": dict(sorted(nodes.items())),
            "edges": dict(sorted(edges.items())), "resolution": dict(sorted(resolution.items()))}

"""The canonical dump: the whole graph as sorted JSON lines, without volatile properties.

Format (one JSON object per line, keys sorted)::

    {"node": {"id": "...", "label": "Symbol", ...properties}}      sorted by id
    {"edge": {"from": "...", "to": "...", "type": "CALLS", ...}}    sorted by (type, from, to, line, column)

Null properties and volatile ones (timestamps, the indexed root and commit, the
resolver's internal summary, the latest health probe) are left out, and so are the time
series (``HealthSample``, ``GlobalMetric``: observations of when the graph was looked at), so two graphs are equal exactly when their
exports are byte-identical, whichever store holds them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from graphsvc.model import SERIES_LABELS, VOLATILE_PROPS, project_id
from graphsvc.store.base import Store

__all__ = ["export_lines"]


def _clean(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if v is not None and k not in VOLATILE_PROPS}


def _dump(obj: dict[str, Any]) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def export_lines(store: Store, project: str | None = None) -> Iterator[str]:
    """Yield the export of the store (or of one project) line by line, without newlines."""
    nodes, edges = store.export()
    nodes = [n for n in nodes if n[0] not in SERIES_LABELS]
    if project is not None:
        pid = project_id(project)
        prefixes = (f"repo:{project}/", f"file:repo:{project}/", f"sym:repo:{project}/", f"svc:{project}/",
                    f"spec:repo:{project}/", f"task:repo:{project}/", f"task:{project}:")
        keep = {props["id"] for _, props in nodes if props["id"] == pid or props["id"].startswith(prefixes)}
        edges = [e for e in edges if e[1] in keep]
        keep |= {e[2] for e in edges}
        nodes = [n for n in nodes if n[1]["id"] in keep]
    for label, props in sorted(nodes, key=lambda n: n[1]["id"]):
        yield _dump({"node": {"label": label, **_clean(props)}})
    def edge_key(e: tuple[str, str, str, dict[str, Any]]) -> tuple[Any, ...]:
        return (e[0], e[1], e[2], e[3].get("line") or 0, e[3].get("column") or 0)
    for etype, src, dst, props in sorted(edges, key=edge_key):
        # An edge property named like a key of the line (PROJECT_LINK's `type`) is written as `prop.<name>`.
        clean = {(f"prop.{k}" if k in ("type", "from", "to") else k): v for k, v in _clean(props).items()}
        yield _dump({"edge": {"type": etype, "from": src, "to": dst, **clean}})

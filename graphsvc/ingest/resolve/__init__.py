"""Cross-file resolution, one module per language, behind one small interface.

The ingest run groups a repo's files by resolver module and resolves each group with the
resolver module its row in ``parsers/registry.py`` names (``resolver=``). A resolver
module provides:

``CONFIG_FILES``
    basenames of project files whose *contents* change how names resolve
    (``tsconfig.json``, ``go.mod``, ``Cargo.toml``…). When their fingerprint changes,
    an incremental run re-resolves every file of the language. ``()`` when only the
    paths of project files matter (they already shape the module names).
``module_names(paths, project_files, root) -> dict[path, tuple[name, ...]]``
    the names each file answers to in imports, primary first (Python: dotted module
    paths; Go: import path of its package; TS: none needed, ``()``). A file whose
    primary name changes is re-resolved.
``make_summary(facts, names) -> Summary``
    what other files need to know about a file, JSON-serialisable; stored in
    ``File.summary`` so unchanged files are never re-parsed to answer lookups. It must
    hold ``m`` (the primary name, ``""`` if none) and ``defs`` ({qualified name: kind}
    of every symbol of the file: the store deletes a file's symbols by it).
``qualifier(facts, summary) -> Callable[[qname], str] | None``
    what ``Symbol.qualifiedName`` is for each qname of a file (None: the language makes no
    Symbol rows). The resolver builds a file's Symbol rows with it, and so does a full run's
    worker before it resolves anything (``graphsvc/ingest/workers.py``), so that the run can
    write them while it resolves.
``Resolver(repo_id, summaries, module_map, root, *, symbol_nodes=True)``
    with ``resolve(facts) -> FileGraph``, which also records in ``summary["deps"]``
    every lookup it made in *other* files with its answer, and ``dep_answer(key)``,
    the current answer to one recorded lookup. ``symbol_nodes=False``: the file graphs
    leave out the Symbol nodes (a full run's workers write them ahead, from the facts).
``EDGE_ROWS`` (optional, default False)
    True when the ``Resolver`` also takes ``edge_rows=True``: its file graphs then hold the
    dependency edges as bulk rows (``FileGraph.rows``), not as ``Edge`` objects, for a full
    run's workers, which load them as they are (on Django, 8 % less CPU in their resolve).
``dep_path(key) -> path | None``
    the file a recorded lookup is about (None: a lookup about names or directories).
``DEPS_CLOSED`` (optional, default False)
    True when every lookup made on the way to an answer is recorded with it (Python's
    memoised lookups replay their inner lookups). Then, when the set of files is the
    same, only the recorded lookups about files whose signature changed are asked again;
    otherwise a file with one such lookup has all of its lookups asked again.

An unchanged file is re-resolved exactly when one of its recorded answers changed,
which keeps an incremental run equal to a fresh build (docs/decisions/0001).
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from graphsvc.model import Edge, Node, external_id, unresolved_id

__all__ = ["FileGraph", "Summary", "config_fingerprint", "dedupe_edges", "resolver_module", "summary_signature"]

Summary = dict[str, Any]


def summary_signature(summary: Summary) -> str:
    """Hash of the parts of a summary other files' resolution depends on (cached in ``sig``).

    Everything but the file's own recorded lookups (``deps``) and its spec/task records is part of it.
    """
    sig = summary.get("sig")
    if sig is None:
        # Spec items, tasks and their links (graphsvc/specs.py) never steer name resolution.
        core = {k: v for k, v in summary.items() if k not in ("deps", "sig", "owned", "mentions", "links")}
        sig = hashlib.sha256(json.dumps(core, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:16]
        summary["sig"] = sig
    return str(sig)


@dataclass
class FileGraph:
    """Everything written for one file: its nodes, its outgoing edges, its summary."""

    path: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    externals: dict[str, Node] = field(default_factory=dict)
    summary: Summary = field(default_factory=dict)
    # Dependency edges as bulk rows (``graphsvc.store.base.BULK_EDGE_COLUMNS``) by (type, from label,
    # to label), made in place of ``edges`` by a resolver asked for them (``edge_rows``).
    rows: dict[tuple[str, str, str], list[tuple[Any, ...]]] = field(default_factory=dict)

    def edge_count(self) -> int:
        """The edges of the file, as ``Edge`` objects and as rows."""
        return len(self.edges) + sum(map(len, self.rows.values()))

    def external(self, lang: str, dotted: str, sep: str = ".") -> str:
        """The id of the External node for ``dotted`` (added to this file's rows once)."""
        eid = external_id(lang, dotted)
        if eid not in self.externals:
            module, _, name = dotted.rpartition(sep)
            self.externals[eid] = Node("External", eid, {"name": name or dotted, "module": module, "lang": lang})
        return eid

    def unresolved(self, lang: str, name: str) -> str:
        """The id of the placeholder an unresolved reference to ``name`` points at."""
        eid = unresolved_id(lang, name)
        if eid not in self.externals:
            self.externals[eid] = Node("External", eid, {"name": name, "module": "", "lang": lang})
        return eid


def dedupe_edges(edges: Iterable[Edge]) -> list[Edge]:
    """Drop repeated edges (same type, ends and position), keeping the first."""
    seen: set[tuple[object, ...]] = set()
    out: list[Edge] = []
    for e in edges:
        key = (e.type, e.src, e.dst, e.props.get("line"), e.props.get("column"))
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


@cache
def resolver_module(lang: str) -> ModuleType:
    """The resolver module of a registered language."""
    from parsers import registry

    spec = registry.by_name(lang)
    if spec is None:
        raise KeyError(lang)
    return importlib.import_module(spec.resolver)


def config_fingerprint(root: Path, project_files: Iterable[str], names: Iterable[str]) -> str:
    """Hash of the paths and contents of the project files called one of ``names`` ('' if none)."""
    wanted = set(names)
    if not wanted:
        return ""
    h = hashlib.sha256()
    found = False
    for rel in sorted(project_files):
        if rel.rsplit("/", 1)[-1] not in wanted:
            continue
        found = True
        h.update(rel.encode() + b"\0")
        try:
            h.update((root / rel).read_bytes())
        except OSError:
            h.update(b"\0unreadable")
        h.update(b"\0")
    return h.hexdigest()[:16] if found else ""

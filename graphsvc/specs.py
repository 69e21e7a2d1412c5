"""Spec items and tasks: extraction, attachment to a file's rows, and the repo-wide linker.

Three stages of the ingest pipeline call in here (docs/decisions/0008):

1. **Parse** — ``comment_tasks`` reads TODO/FIXME/XXX/HACK comments from the comment nodes
   a language's registry row names (``LanguageSpec.comment_nodes``), for every language,
   and notes the innermost enclosing symbol. Markdown spec items come from its adapter.
2. **Resolve** — ``attach`` adds a file's ``SpecItem`` and ``Task`` nodes (``DECLARES``
   from the file), ``IMPLEMENTED_BY`` from each comment task to its enclosing symbol, and
   ``TESTS`` from a test symbol to every symbol it calls (its first resolved ``CALLS`` to each). It
   records what the file owns in its summary, so the store replaces them with the file.
3. **Link** — ``Linker`` resolves the names and paths spec items, tasks and documents
   mention against every file of the repo: ``IMPLEMENTED_BY`` and ``DOCUMENTS`` edges,
   ``exact`` when one symbol or file answers, ``heuristic`` with a ``confidence``
   otherwise (1/candidates for an ambiguous name, the rapidfuzz score / 100 for a close
   spelling). A file whose links would change is re-linked, which keeps an incremental
   run equal to a fresh build.

Summary keys owned here: ``owned`` ({label: [ids]}), ``mentions`` ({owner id: [[name, line]]})
and ``links`` (hash of the file's link edges).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from rapidfuzz import fuzz, process
from tree_sitter import Node as TSNode

from graphsvc.ingest.resolve import FileGraph, Summary
from graphsvc.model import Edge, FileFacts, Node, SymbolFact, TaskFact, file_id, spec_id, symbol_id, task_id
from parsers import markdown, registry

__all__ = ["Linker", "attach", "comment_tasks", "link", "with_tasks"]

MARKERS = ("TODO", "FIXME", "XXX", "HACK")
_MARKER_BYTES = re.compile(rb"\b(?:TODO|FIXME|XXX|HACK)\b")
# Plain substring searches first: four of them take a third of the time of one search of the
# pattern (whose leading \b is tried at every byte), and most files hold no marker at all.
_MARKER_WORDS = tuple(m.encode() for m in MARKERS)
_MARKER = re.compile(r"\b(TODO|FIXME|XXX|HACK)\b(?:\(([^)\n]*)\))?[:\s-]*(.*)")
_CLOSERS = re.compile(r"\s*(\*/|-->|\*+|#+)\s*$")
_FUZZY_CUTOFF = 88.0
_MIN_MENTION = 3
_DUPLICATE = re.compile(r"#\d+")
_MAX_TITLE = 200


# -- parse stage -------------------------------------------------------------------------


def _marked_comments(root: TSNode, source: bytes, types: frozenset[str]) -> list[TSNode]:
    """The comment nodes that hold a marker, found from each marker's bytes up through the
    enclosing nodes rather than by a query over every comment of the file. A marker the bytes
    pattern finds is a superset of what the per-line pattern accepts, so no comment is missed."""
    found: dict[tuple[int, int, str], TSNode] = {}
    for hit in _MARKER_BYTES.finditer(source):
        node: TSNode | None = root.descendant_for_byte_range(hit.start(), hit.end())
        while node is not None:
            if node.type in types:
                found.setdefault((node.start_byte, -node.end_byte, node.type), node)
            node = node.parent
    return [found[k] for k in sorted(found)]


def _enclosing(symbols: Iterable[SymbolFact], pos: tuple[int, int]) -> str | None:
    best: SymbolFact | None = None
    for s in symbols:
        if s.start <= pos < s.end and (best is None or best.start <= s.start and s.end <= best.end):
            best = s
    return best.qname if best is not None else None


def comment_tasks(lang: str, root: TSNode, source: bytes, symbols: tuple[SymbolFact, ...]) -> tuple[TaskFact, ...]:
    """The TODO/FIXME/XXX/HACK markers in a file's comments, each with its enclosing symbol."""
    spec = registry.by_name(lang)
    if spec is None or not spec.comment_nodes or not any(word in source for word in _MARKER_WORDS):
        return ()
    has_module = any(s.qname == "" for s in symbols)
    tasks: list[TaskFact] = []
    for node in _marked_comments(root, source, frozenset(spec.comment_nodes)):
        text = (node.text or b"").decode("utf-8", "replace")
        for i, line_text in enumerate(text.split("\n")):
            hit = _MARKER.search(line_text)
            if hit is None:
                continue
            line = node.start_point.row + 1 + i
            column = (node.start_point.column if i == 0 else 0) + hit.start()
            title = _CLOSERS.sub("", hit.group(3)).strip()[:_MAX_TITLE] or hit.group(1)
            scope = _enclosing(symbols, (line, column))
            tasks.append(TaskFact(kind=hit.group(1), title=title, line=line, column=column,
                                  scope=scope if scope is not None else ("" if has_module else "\0file"),
                                  assignee=(hit.group(2) or "").strip(),
                                  mentions=tuple(markdown.mentions(title, line))))
    return tuple(tasks)


def with_tasks(lang: str, facts: FileFacts, root: TSNode, source: bytes) -> FileFacts:
    """``facts`` with the comment tasks of its file added."""
    tasks = comment_tasks(lang, root, source, facts.symbols)
    return replace(facts, tasks=tasks) if tasks else facts


# -- resolve stage ------------------------------------------------------------------------


def attach(fg: FileGraph, facts: FileFacts, repo: str) -> None:
    """Add a file's spec items, tasks and TESTS edges to its rows and record what it owns."""
    fid = file_id(repo, facts.path)
    owned: dict[str, list[str]] = {}
    mentions: dict[str, list[list[object]]] = {}
    for spec in facts.specs:
        sid = spec_id(repo, facts.path, spec.key)
        owned.setdefault("SpecItem", []).append(sid)
        fg.nodes.append(Node("SpecItem", sid, {
            "source": spec.source, "ref": f"{facts.path}:{spec.line}", "title": spec.title,
            "description": spec.description, "priority": spec.priority, "status": spec.status,
            "path": facts.path, "line": spec.line, "headingPath": spec.heading_path,
        }))
        fg.edges.append(Edge("DECLARES", fid, "File", sid, "SpecItem"))
        if spec.mentions:
            mentions[sid] = [[name, line] for name, line in spec.mentions]
    counts: dict[str, int] = {}
    for task in facts.tasks:
        in_file = task.scope == "\0file"
        scope = "" if in_file else task.scope
        counts[scope] = counts.get(scope, 0) + 1
        tid = task_id(repo, facts.path, scope, counts[scope])
        owned.setdefault("Task", []).append(tid)
        fg.nodes.append(Node("Task", tid, {
            "title": task.title, "description": "", "status": "open", "kind": task.kind,
            "labels": json.dumps([task.kind.lower()]), "assignee": task.assignee, "origin": "comment",
            "path": facts.path, "line": task.line,
        }))
        fg.edges.append(Edge("DECLARES", fid, "File", tid, "Task"))
        props = {"line": task.line, "column": task.column, "resolution": "exact"}
        if in_file:
            fg.edges.append(Edge("IMPLEMENTED_BY", tid, "Task", fid, "File", props))
        else:
            fg.edges.append(Edge("IMPLEMENTED_BY", tid, "Task", symbol_id(repo, facts.path, scope), "Symbol", props))
        if task.mentions:
            mentions[tid] = [[name, line] for name, line in task.mentions]
    if facts.mentions:
        mentions[fid] = [[name, line] for name, line in facts.mentions]
    _add_tests(fg, facts, repo)
    if owned:
        fg.summary["owned"] = owned
    if mentions:
        fg.summary["mentions"] = mentions


def _add_tests(fg: FileGraph, facts: FileFacts, repo: str) -> None:
    # From the facts, not the Symbol nodes: a full run's workers resolve without them (``symbol_nodes``).
    tests = {symbol_id(repo, facts.path, s.qname) for s in facts.symbols if s.kind == "Test"}
    if not tests:
        return
    seen: set[tuple[str, str]] = set()
    for e in list(fg.edges):
        if e.type == "CALLS" and e.dst_label == "Symbol" and e.src in tests and e.dst not in tests \
                and (e.src, e.dst) not in seen:
            seen.add((e.src, e.dst))
            fg.edges.append(Edge("TESTS", e.src, "Symbol", e.dst, "Symbol", dict(e.props)))
    calls = fg.rows.get(("CALLS", "Symbol", "Symbol"))  # the same, from a resolver's rows (``edge_rows``)
    if calls:
        found: list[tuple[Any, ...]] = []
        for row in calls:
            if row[0] in tests and row[1] not in tests and (row[0], row[1]) not in seen:
                seen.add((row[0], row[1]))
                found.append(row)
        if found:
            fg.rows.setdefault(("TESTS", "Symbol", "Symbol"), []).extend(found)


# -- link stage -----------------------------------------------------------------------------


class Linker:
    """Resolves mentions against every file of a repo (the summaries of all languages)."""

    def __init__(self, repo: str, summaries: Mapping[str, Summary]) -> None:
        self.repo = repo
        self.files: dict[str, str] = {}
        self.names: dict[str, set[str]] = {}
        self.short: dict[str, set[str]] = {}
        self.sources: dict[str, Summary] = {}
        self._sorted: list[str] | None = None
        # What the last ``update`` changed (None for a linker built anew): the name keys whose
        # symbols changed, the keys of ``names`` that came or went, whether the set of files did.
        self.touched: set[str] | None = None
        self.came_or_went: set[str] = set()
        self.paths_changed = False
        names, short, repo = self.names, self.short, self.repo
        for path, summ in summaries.items():  # _add, inlined: this runs over every symbol of a repo
            self.files[path] = file_id(repo, path)
            self.sources[path] = summ
            module = summ.get("m") or ""
            prefix = f"sym:{repo}:{path}#"  # symbol_id(repo, path, qname) is prefix + qname
            for qname in summ.get("defs", {}):
                sid = prefix + qname
                plain = _DUPLICATE.sub("", qname) if "#" in qname else qname
                if not plain:
                    if module:
                        names.setdefault(module, set()).add(sid)
                    continue
                ids = names.get(plain)
                if ids is None:
                    names[plain] = {sid}
                else:
                    ids.add(sid)
                last = plain.rpartition(".")[2]
                ids = short.get(last)
                if ids is None:
                    short[last] = {sid}
                else:
                    ids.add(sid)
                if module:
                    names.setdefault(f"{module}.{plain}", set()).add(sid)

    def _keys(self, path: str, summ: Summary) -> list[tuple[dict[str, set[str]], str, str]]:
        """The (index, key, symbol id) entries one file contributes."""
        out: list[tuple[dict[str, set[str]], str, str]] = []
        module = summ.get("m") or ""
        for qname in summ.get("defs", {}):
            sid = symbol_id(self.repo, path, qname)
            plain = _DUPLICATE.sub("", qname) if "#" in qname else qname
            if plain:
                out.append((self.names, plain, sid))
                out.append((self.short, plain.rsplit(".", 1)[-1], sid))
                if module:
                    out.append((self.names, f"{module}.{plain}", sid))
            elif module:
                out.append((self.names, module, sid))
        return out

    def _add(self, path: str, summ: Summary) -> None:
        self.files[path] = file_id(self.repo, path)
        self.sources[path] = summ
        for index, key, sid in self._keys(path, summ):
            if index is self.names and key not in index:
                self._sorted = None
                self.came_or_went.add(key)
            index.setdefault(key, set()).add(sid)
            if self.touched is not None:
                self.touched.add(key)

    def _remove(self, path: str) -> None:
        self.files.pop(path, None)
        summ = self.sources.pop(path, None)
        if summ is None:
            return
        for index, key, sid in self._keys(path, summ):
            if self.touched is not None:
                self.touched.add(key)
            ids = index.get(key)
            if ids is not None:
                ids.discard(sid)
                if not ids:
                    del index[key]
                    self._sorted = None
                    if index is self.names:
                        self.came_or_went.add(key)

    def update(self, summaries: Mapping[str, Summary]) -> None:
        """Bring the index to ``summaries`` (every file of the repo), touching only the files whose
        names changed, so a long-lived process keeps one linker across its runs."""
        self.touched, self.came_or_went = set(), set()
        gone = [p for p in self.sources if p not in summaries]
        self.paths_changed = bool(gone) or any(p not in self.sources for p in summaries)
        for path in gone:
            self._remove(path)
        for path, summ in summaries.items():
            old = self.sources.get(path)
            if old is summ:
                continue
            if old is not None and old.get("m") == summ.get("m") and old.get("defs") == summ.get("defs"):
                self.sources[path] = summ
                continue
            self._remove(path)
            self._add(path, summ)

    @property
    def _choices(self) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self.names)
        return self._sorted

    def resolve(self, mention: str) -> tuple[str, str, dict[str, object]] | None:
        """The node a mention names: (id, label, edge properties), or None."""
        if len(mention) < _MIN_MENTION:
            return None
        if "/" in mention or (mention not in self.names and mention in self.files):
            return self._path(mention)
        name = mention.replace("::", ".")
        hits = self.names.get(name) or (self.short.get(name) if "." not in name else None)
        if hits:
            return self._pick(hits, "Symbol")
        if self._choices and len(name) >= 4:
            best = process.extractOne(name, self._choices, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
            if best is not None:
                target = sorted(self.names[best[0]])[0]
                return target, "Symbol", {"resolution": "heuristic", "candidates": len(self.names[best[0]]),
                                          "confidence": round(best[1] / 100, 2)}
        return None

    def _path(self, mention: str) -> tuple[str, str, dict[str, object]] | None:
        if mention in self.files:
            return self.files[mention], "File", {"resolution": "exact"}
        hits = {fid for p, fid in self.files.items() if p.endswith("/" + mention)}
        return self._pick(hits, "File") if hits else None

    @staticmethod
    def _pick(hits: set[str], label: str) -> tuple[str, str, dict[str, object]]:
        if len(hits) == 1:
            return next(iter(hits)), label, {"resolution": "exact"}
        return sorted(hits)[0], label, {"resolution": "heuristic", "candidates": len(hits),
                                        "confidence": round(1 / len(hits), 2)}

    def edges(self, path: str, summary: Summary) -> list[Edge]:
        """The IMPLEMENTED_BY and DOCUMENTS edges of one file's mentions."""
        fid = file_id(self.repo, path)
        out: list[Edge] = []
        seen: set[tuple[str, str]] = set()
        for owner, found in sorted((summary.get("mentions") or {}).items()):
            etype, label = ("DOCUMENTS", "File") if owner == fid else (
                "IMPLEMENTED_BY", "SpecItem" if owner.startswith("spec:") else "Task")
            for name, line in found:
                hit = self.resolve(str(name))
                if hit is None or (owner, hit[0]) in seen or hit[0] == owner:
                    continue
                if etype == "DOCUMENTS" and hit[1] == "File" and hit[0] == fid:
                    continue
                seen.add((owner, hit[0]))
                out.append(Edge(etype, owner, label, hit[0], hit[1], {"line": int(line), "column": 0, **hit[2]}))
        return out

    def may_relink(self, summary: Summary) -> bool:
        """Whether the link edges of a file, right for this linker before its last ``update``, may
        differ now: a mention can only resolve differently when its name's symbols changed, when a
        name close enough for the fuzzy match came or went, or when files came or went."""
        if self.touched is None:
            return True  # built anew: nothing is known of the links before
        mentions = summary.get("mentions")
        if not mentions or not (self.touched or self.paths_changed):
            return False
        if self.paths_changed:
            return True
        for found in mentions.values():
            for mention, _ in found:
                mention = str(mention)
                name = mention.replace("::", ".")
                if len(mention) < _MIN_MENTION or "/" in mention:
                    continue
                if mention in self.touched or name in self.touched:
                    return True
                exact = name in self.names or ("." not in name and name in self.short)
                if not exact and len(name) >= 4 and any(
                        fuzz.ratio(name, key) >= _FUZZY_CUTOFF for key in self.came_or_went):
                    return True
        return False

    def signature(self, path: str, summary: Summary) -> str:
        """A hash of the link edges a file would get now ("" when it mentions nothing)."""
        if not summary.get("mentions"):
            return ""
        return _edges_signature(self.edges(path, summary))


def _edges_signature(edges: list[Edge]) -> str:
    text = json.dumps([[e.type, e.src, e.dst, sorted(e.props.items())] for e in edges], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def link(fg: FileGraph, linker: Linker) -> None:
    """Add a file's link edges to its rows and record their signature in its summary."""
    edges = linker.edges(fg.path, fg.summary)
    fg.edges.extend(edges)
    if fg.summary.get("mentions"):
        fg.summary["links"] = _edges_signature(edges)
    else:
        fg.summary.pop("links", None)

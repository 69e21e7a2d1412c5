"""The impact of a change in a repo's git work tree: the symbols its diff touches and their dependents.

The repo is named by id; where its tree lies comes from the graph (``Repo.root``), so a caller
cannot point this at any other directory. The diff is ``git diff -U0 <ref>`` of the work tree
(``HEAD`` when no ref is given: the uncommitted changes, staged or not) plus the untracked files.
A file whose bytes the graph already holds is matched by its new line numbers, one the graph
has not seen yet by its old ones, so the touched symbols are the graph's own.

Example::

    with open_store(settings, read_only=True) as store:
        found = changes_impact(store, "shop/shop")
        for t in found.touched:
            print(t.symbol.id, t.lines)
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import git

from graphsvc.errors import InputError, NotFound, QueryError
from graphsvc.store.base import Store
from queries.graph import Entity, FileInfo, ImpactEntry, ImpactGroup, SymbolInfo, file, file_symbols, impact, \
    normalize_repo

__all__ = ["MAX_TOUCHED", "ChangesImpact", "Touched", "changed_files", "changes_impact"]

MAX_TOUCHED = 200  # touched symbols whose dependents are walked; more and the answer says truncated
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_STRENGTH = {"exact": 0, "heuristic": 1, "unresolved": 2}


@dataclass(frozen=True, slots=True)
class Touched:
    """A symbol the change touches, with the touched line ranges inside it (1-based, inclusive)."""

    symbol: SymbolInfo
    lines: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class ChangesImpact:
    """The touched symbols, their dependents by file (nearest first), and the files the graph does not know."""

    repo: str
    ref: str
    touched: tuple[Touched, ...]
    groups: tuple[ImpactGroup, ...]
    unindexed: tuple[str, ...]
    truncated: bool


@dataclass
class _FileDiff:
    old_path: str | None
    new_path: str | None
    old: list[tuple[int, int]]
    new: list[tuple[int, int]]


def _span(start: int, count: int) -> tuple[int, int]:
    # A pure deletion (count 0) touches the line it follows; keep it on a real line.
    return (max(start, 1), max(start, 1) + max(count, 1) - 1)


def _parse(diff: str) -> list[_FileDiff]:
    files: list[_FileDiff] = []
    cur: _FileDiff | None = None
    for line in diff.splitlines():
        if line.startswith("diff --git "):
            cur = _FileDiff(None, None, [], [])
            files.append(cur)
        elif cur is not None and line.startswith("--- "):
            cur.old_path = None if line[4:] == "/dev/null" else line[4:].removeprefix("a/")
        elif cur is not None and line.startswith("+++ "):
            cur.new_path = None if line[4:] == "/dev/null" else line[4:].removeprefix("b/")
        elif cur is not None and (m := _HUNK.match(line)):
            o_start, o_count, n_start, n_count = (int(g) if g is not None else 1 for g in m.groups())
            cur.old.append(_span(o_start, o_count))
            cur.new.append(_span(n_start, n_count))
    return files


def _git_diff(root: Path, ref: str) -> tuple[list[_FileDiff], list[str]]:
    if ref.startswith("-"):
        raise QueryError(f"'{ref}' is not a git ref", suggestion="give a commit, branch or tag, e.g. HEAD~1")
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
        raise InputError(f"the repo at {root} is not in a git work tree",
                         suggestion="changes_impact needs git; ask impact for one symbol instead") from exc
    try:
        cmd = git.Git(str(root))
        try:
            cmd.rev_parse("--verify", "--quiet", f"{ref}^{{commit}}")
        except git.GitCommandError as exc:
            raise QueryError(f"unknown git ref '{ref}'", suggestion="give a commit, branch or tag that exists") from exc
        out = cmd.diff("-U0", "--no-color", "--no-ext-diff", "--relative", ref, "--", ".")
        untracked = [p for p in cmd.ls_files("-z", "--others", "--exclude-standard").split("\0") if p]
    finally:
        repo.close()
    return _parse(out), untracked


def _innermost(symbols: tuple[SymbolInfo, ...], line: int) -> SymbolInfo | None:
    best: SymbolInfo | None = None
    for s in symbols:
        start, end = (int(x.partition(":")[0]) for x in (s.range_start, s.range_end))
        if s.kind != "Module" and start <= line <= end and (best is None or _size(s) < _size(best)):
            best = s
    return best or next((s for s in symbols if s.kind == "Module"), None)


def _size(s: SymbolInfo) -> int:
    return int(s.range_end.partition(":")[0]) - int(s.range_start.partition(":")[0])


def _touched_in(f: FileInfo, symbols: tuple[SymbolInfo, ...], ranges: list[tuple[int, int]],
                into: dict[str, tuple[SymbolInfo, list[tuple[int, int]]]]) -> None:
    for a, b in ranges:
        spans: dict[str, list[int]] = {}
        for line in range(a, min(b, a + 5000) + 1):
            s = _innermost(symbols, line)
            if s is not None:
                spans.setdefault(s.id, []).append(line)
        for sid, lines in spans.items():
            sym = next(s for s in symbols if s.id == sid)
            into.setdefault(sid, (sym, []))[1].append((min(lines), max(lines)))


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def changes_impact(store: Store, repo: str, ref: str | None = None, depth: int = 2) -> ChangesImpact:
    """What a work tree's change touches and what depends on that, within ``depth`` hops.

    Raises:
        NotFound: no such repo, or the graph does not know where its tree is.
        QueryError: an unknown git ref, or the tree is not in git.
        LimitExceeded: ``depth`` over the maximum.
    """
    rid = normalize_repo(repo)
    rows = store.read("repo_roots", ids=[rid])
    if not rows or not rows[0]["root"] or not Path(rows[0]["root"]).is_dir():
        raise NotFound(f"no indexed work tree for {rid}", suggestion="run `graph ingest PATH` on the repo first")
    root = Path(rows[0]["root"])
    base = ref or "HEAD"
    diffs, untracked = _git_diff(root, base)
    touched: dict[str, tuple[SymbolInfo, list[tuple[int, int]]]] = {}
    unindexed: list[str] = []
    for d in diffs:
        path = d.new_path or d.old_path
        try:
            f = file(store, rid, path or "")
        except NotFound:
            if d.old_path and d.old_path != path:
                try:
                    f, path = file(store, rid, d.old_path), d.old_path
                except NotFound:
                    unindexed.append(path or "")
                    continue
            else:
                unindexed.append(path or "")
                continue
        current = d.new_path is not None and path == d.new_path and _sha256(root / path) == f.hash
        _touched_in(f, file_symbols(store, f), d.new if current else d.old, touched)
    for path in untracked:  # a new file: every line of it is touched
        try:
            f = file(store, rid, path)
        except NotFound:
            unindexed.append(path)
            continue
        _touched_in(f, file_symbols(store, f), [(1, f.loc or 1)], touched)
    ordered = sorted(touched.values(), key=lambda t: (t[0].path or "", t[0].line, t[0].id))
    walked = ordered[:MAX_TOUCHED]
    merged: dict[str, tuple[FileInfo, dict[str, ImpactEntry]]] = {}
    truncated = len(ordered) > MAX_TOUCHED
    touched_ids = {s.id for s, _ in ordered}
    for sym, _ in walked:
        found = impact(store, sym.id, depth)
        truncated = truncated or found.truncated
        for g in found.groups:
            slot = merged.setdefault(g.file.id, (g.file, {}))[1]
            for e in g.entries:
                if e.entity.id in touched_ids:
                    continue
                prior = slot.get(e.entity.id)
                if prior is None or (e.depth, _STRENGTH.get(e.resolution, 2)) < (prior.depth,
                                                                                   _STRENGTH.get(prior.resolution, 2)):
                    slot[e.entity.id] = e
    groups = [ImpactGroup(file=f, entries=tuple(sorted(es.values(), key=_entry_key)))
              for f, es in merged.values() if es]
    groups.sort(key=lambda g: (min(e.depth for e in g.entries), g.file.repo, g.file.path))
    return ChangesImpact(repo=rid, ref=base,
                         touched=tuple(Touched(symbol=s, lines=tuple(_merge(lines))) for s, lines in ordered),
                         groups=tuple(groups), unindexed=tuple(sorted(set(unindexed))), truncated=truncated)


def _entry_key(e: ImpactEntry) -> tuple[int, int, str]:
    ent: Entity = e.entity
    return (e.depth, getattr(ent, "line", 0) or 0, ent.id)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def changed_files(store: Store, repo: str, since: str | None = None) -> tuple[str, ...]:
    """Paths (relative to the repo root, sorted) changed since a git ref, or written by the last ingest.

    With ``since``: what ``git diff <since>`` of the work tree reports (modified, added, deleted,
    both sides of a rename) and the untracked files, as ``graph ingest --since`` sees them. Without:
    the files the repo's last writing ingest parsed, re-linked or removed (``Repo.lastChanged``).

    Raises:
        NotFound: no such repo, or (with ``since``) the graph does not know where its tree is.
        QueryError: an unknown git ref, or the tree is not in git.
    """
    rid = normalize_repo(repo)
    props = store.repo(rid)
    if props is None:
        raise NotFound(f"no repo '{rid}'", suggestion="ask `projects` for the repo ids (repo:<project>/<name>)")
    if since is None:
        return tuple(json.loads(props.get("lastChanged") or "[]"))
    if since.startswith("-") or not since.strip():
        raise QueryError(f"'{since}' is not a git ref", suggestion="give a commit, branch or tag, e.g. HEAD~1")
    root = props.get("root")
    if not root or not Path(root).is_dir():
        raise NotFound(f"no indexed work tree for {rid}", suggestion="run `graph ingest PATH` on the repo first")
    from graphsvc.ingest.scan import changed_since

    try:
        return tuple(sorted(changed_since(Path(root), since)))
    except InputError as exc:  # said again without the server's path
        if exc.message.startswith("--since"):
            raise QueryError(f"the work tree of {rid} is not in git",
                             suggestion="ask without `since` for the files of the last ingest") from None
        raise QueryError(exc.message, suggestion=exc.suggestion) from None

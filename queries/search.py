"""Search: symbol names and file paths, matched exactly, by prefix, by words and fuzzily, ranked.

The store gives the candidates in one query per scope (``search_symbols``, ``search_files``);
ranking happens here. Names are split into words at ``.``, ``_``, ``-``, ``/`` and camelCase
humps (``getLogger`` → get, logger; ``HTTPServer`` → http, server), so that ``get_log``, ``gL``
and ``getLog`` all find ``getLogger``.

Scores, 0–100, best first:

====  ======  ==============================================================================
100   exact   the name, qualified name, path, file name or file stem equals the query
 95   exact   the same, ignoring case; or the qualified name ends with ``.<query>``
 90   prefix  the name (qualified name, file name or path) starts with the query, ignoring case
 85   words   each query word starts a name word, in order (``gL`` → ``getLogger``)
<80   fuzzy   rapidfuzz similarity of query and name, without case and separators, times 0.8; from 48
====  ======  ==============================================================================

Ties go to the shorter name, then to the id, so an answer is stable.
"""

from __future__ import annotations

import bisect
import gc
import json
import re
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from rapidfuzz import fuzz, process

from graphsvc.errors import LimitExceeded, QueryError
from graphsvc.store.base import Store
from graphsvc.model import file_id, split_symbol_id
from queries.graph import Entity, FileInfo, entities, file_symbols

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "SCOPES", "SearchHit", "search", "words"]

DEFAULT_LIMIT = 20
MAX_LIMIT = 200
SCOPES = ("SYMBOLS", "FILES")
_FUZZY_CUTOFF = 60.0  # rapidfuzz ratio below which a name is not offered

Match = Literal["exact", "prefix", "words", "fuzzy"]

_SPLIT = re.compile(r"[._\-/\s]+")
_HUMPS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+|[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A ranked answer: the entity, its score (0–100) and how it matched."""

    entity: Entity
    score: float
    match: Match


@dataclass(frozen=True, slots=True)
class _Candidate:
    id: str
    file: str  # the id of the file it comes from: an edit of that file replaces it
    name: str  # what fuzzy matching compares: a symbol's name, a file's name
    exact: tuple[str, ...]  # texts that match exactly (name, qualified name, path, stem)
    exact_lower: tuple[str, ...]
    prefixes: tuple[str, ...]  # lower-cased texts a prefix may start
    suffix_of: str  # lower-cased qualified name or path, for ".<query>" / "/<query>" endings
    dotted: str  # what the words come from: a qualified name or a path


# Separators go before fuzzy comparison, so that `priceAftr` is near `price_after`.
_SQUASH = str.maketrans("", "", "._-/ ")


def words(name: str) -> tuple[str, ...]:
    """The lower-cased words of a name: dotted, snake_case, kebab-case, path and camelCase aware."""
    out: list[str] = []
    for part in _SPLIT.split(name):
        out.extend(w.lower() for w in _HUMPS.findall(part))
    return tuple(out)


def _all_words(names: Iterable[str]) -> list[tuple[str, ...]]:
    """``words`` of many names; the parts of qualified names and paths repeat (module paths), so
    each distinct part is split once."""
    seen: dict[str, tuple[str, ...]] = {}
    out = []
    for name in names:
        found: list[str] = []
        for part in _SPLIT.split(name):
            got = seen.get(part)
            if got is None:
                got = seen[part] = tuple(w.lower() for w in _HUMPS.findall(part))
            found.extend(got)
        out.append(tuple(found))
    return out


def _symbol_candidates(rows: Iterable[dict[str, Any]]) -> list[_Candidate]:
    out = []
    for r in rows:
        name, qname = r["name"] or "", r["qualifiedName"] or ""
        owner = split_symbol_id(r["id"])
        out.append(_Candidate(id=r["id"], file=owner[0] if owner else "", name=name, exact=(name, qname),
                              exact_lower=(name.lower(), qname.lower()), prefixes=(name.lower(), qname.lower()),
                              suffix_of="." + qname.lower(), dotted=qname if r["kind"] != "Module" else name))
    return out


def _file_candidates(rows: Iterable[dict[str, Any]]) -> list[_Candidate]:
    out = []
    for r in rows:
        path = r["path"] or ""
        base = path.rsplit("/", 1)[-1]
        stem = base.rsplit(".", 1)[0] if "." in base else base
        out.append(_Candidate(id=r["id"], file=r["id"], name=base, exact=(path, base, stem),
                              exact_lower=(path.lower(), base.lower(), stem.lower()), prefixes=(base.lower(), path.lower()),
                              suffix_of="/" + path.lower(), dotted=path))
    return out


def _words_match(query: tuple[str, ...], name: tuple[str, ...]) -> bool:
    at = 0
    for q in query:
        while at < len(name) and not name[at].startswith(q):
            at += 1
        if at == len(name):
            return False
        at += 1
    return True


@dataclass(frozen=True, slots=True)
class _Index:
    """The candidates of one scope, with lookup tables so that a query does not loop over them all
    in Python: exact texts, every dotted or slashed suffix, sorted prefixes, lower-cased names."""

    cands: tuple[_Candidate, ...]
    squashed: tuple[str, ...]
    exact: dict[str, list[int]]
    exact_lower: dict[str, list[int]]
    suffixes: dict[str, list[int]]  # ".<tail>" / "/<tail>" of a qualified name or path -> candidates
    prefixes: tuple[tuple[str, int], ...]  # sorted (lower-cased text, candidate)
    words: tuple[tuple[str, ...], ...]  # each candidate's words (of its qualified name or path)
    vocabulary: tuple[str, ...]  # every word, sorted
    having: dict[str, tuple[int, ...]]  # word -> the candidates that have it
    by_file: dict[str, tuple[int, ...]]  # file id -> the candidates it holds


def _build(cands: tuple[_Candidate, ...]) -> _Index:
    exact: dict[str, list[int]] = {}
    exact_lower: dict[str, list[int]] = {}
    suffixes: dict[str, list[int]] = {}
    prefixes: list[tuple[str, int]] = []
    by_file: dict[str, list[int]] = {}
    for i, c in enumerate(cands):
        for t in dict.fromkeys(c.exact):
            exact.setdefault(t, []).append(i)
        for t in dict.fromkeys(c.exact_lower):
            exact_lower.setdefault(t, []).append(i)
        for at, ch in enumerate(c.suffix_of):
            if ch in "./":
                suffixes.setdefault(c.suffix_of[at:], []).append(i)
        prefixes += [(t, i) for t in dict.fromkeys(c.prefixes)]
        by_file.setdefault(c.file, []).append(i)
    prefixes.sort()
    all_words = _all_words(c.dotted for c in cands)
    having: dict[str, list[int]] = {}
    for i, ws in enumerate(all_words):
        for w in dict.fromkeys(ws):
            having.setdefault(w, []).append(i)
    return _Index(cands=cands, squashed=tuple(c.name.lower().translate(_SQUASH) for c in cands), exact=exact,
                  exact_lower=exact_lower, suffixes=suffixes, prefixes=tuple(prefixes), words=tuple(all_words),
                  vocabulary=tuple(sorted(having)), having={w: tuple(v) for w, v in having.items()},
                  by_file={f: tuple(v) for f, v in by_file.items()})


_EMPTY = _build(())


def _starting(index: _Index, prefix: str) -> set[int]:
    """The candidates with a word that starts with ``prefix``."""
    out: set[int] = set()
    at = bisect.bisect_left(index.vocabulary, prefix)
    while at < len(index.vocabulary) and index.vocabulary[at].startswith(prefix):
        out.update(index.having[index.vocabulary[at]])
        at += 1
    return out


# A store state as search sees it: each repo's (generation, state, lastIndexedAt, lastRun).
Stamps = dict[str, tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class _Layers:
    """A scope's names as of one store state: a base index, the base candidates since replaced or
    removed (``hidden``) and an index of those since added or replaced (``overlay``). A query asks
    both and merges by id; since a candidate's score depends on it and the query alone, the answer
    is the one an index built afresh would give."""

    stamps: Stamps
    hashes: dict[str, dict[str, str]]  # repo id -> file id -> content hash the names were read at
    base: _Index
    hidden: frozenset[int]
    overlay: _Index

    def parts(self) -> tuple[tuple[_Index, frozenset[int]], ...]:
        return ((self.base, self.hidden), (self.overlay, frozenset())) if self.overlay.cands else (
            (self.base, self.hidden),)


_CACHE_SIZE = 8  # (store, scope) indexes kept; a server has one store, tests have many
_DELTA_FILES = 200  # more changed files than this: read every name again
_FOLD = 5000  # overlay candidates past which the layers are merged into a new base
_cache: dict[tuple[str, str], _Layers] = {}
_cache_lock = threading.Lock()
_stamps_of: weakref.WeakKeyDictionary[Store, Stamps] = weakref.WeakKeyDictionary()


def _stamps(store: Store) -> Stamps:
    # One small query: a Repo node per indexed tree. A handle that is a snapshot (an embedded store
    # opened read-only) cannot see a change, so it is read once per handle, and shared by the views
    # of it (``origin``) that a server gives its requests.
    snapshot = getattr(store, "snapshot", False)
    handle = getattr(store, "origin", store)
    if snapshot:
        with _cache_lock:
            known = _stamps_of.get(handle)
        if known is not None:
            return known
    found = {r["id"]: (r["generation"], r["state"], r["at"], r["run"]) for r in store.read("search_repos")}
    if snapshot:
        with _cache_lock:
            _stamps_of[handle] = found
    return found


def _file_hashes(store: Store, repos: Iterable[str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {r: {} for r in repos}
    if out:
        for r in store.read("search_repo_files", repos=sorted(out)):
            out[r["repo"]][r["id"]] = r["hash"]
    return out


def _incremental(stamp: tuple[Any, ...]) -> bool:
    """Whether a repo's last write was incremental: a full one lists the files it wrote, not those
    it dropped."""
    try:
        return bool(json.loads(stamp[3] or "{}").get("mode") == "incremental")
    except (ValueError, AttributeError):
        return False


def _changed_files(store: Store, old: _Layers, stamps: Stamps, repos: set[str]) -> dict[str, str] | None:
    """The files of ``repos`` whose names may differ from those ``old`` holds, with their repos; None
    when there are too many. A repo written once since (its generation one up), incrementally,
    lists the paths of that write; otherwise the file hashes tell."""
    out: dict[str, str] = {}
    compare: list[str] = []
    listed = [r for r in repos if r in old.stamps and r in stamps and _incremental(stamps[r])
              and stamps[r][0] == (old.stamps[r][0] or 0) + 1]
    found = {r["id"]: r for r in store.read("search_repo_changes", repos=sorted(listed))} if listed else {}
    for r in sorted(repos):
        row = found.get(r)
        if row is not None and row["generation"] == stamps[r][0]:
            out.update((file_id(r, p), r) for p in json.loads(row["changed"] or "[]"))
        else:
            compare.append(r)  # written more than once, added, removed, or written again meanwhile
    hashes = _file_hashes(store, (r for r in compare if r in stamps))
    for r in compare:
        was, now = old.hashes.get(r, {}), hashes.get(r, {})
        out.update((f, r) for f in {*was, *now} if was.get(f) != now.get(f))
    return out if len(out) <= _DELTA_FILES else None


def _candidates_of(store: Store, scope: str, files: list[str]) -> tuple[list[_Candidate], dict[str, str]]:
    """The candidates the files ``files`` hold now (none for a file that is gone), and the files'
    content hashes."""
    found = [f for f in entities(store, files).values() if isinstance(f, FileInfo)]
    hashes = {f.id: f.hash or "" for f in found}
    if scope == "FILES":
        return _file_candidates({"id": f.id, "path": f.path} for f in found), hashes
    return _symbol_candidates({"id": s.id, "name": s.name, "qualifiedName": s.qualified_name, "kind": s.kind}
                              for f in found for s in file_symbols(store, f)), hashes


def _fresh(store: Store, scope: str, stamps: Stamps) -> _Layers:
    # Hashes first, names second: names read later are as new as the hashes or newer, and a name
    # newer than its hash is read again at the next change of that repo.
    hashes = _file_hashes(store, stamps)
    rows = store.read("search_symbols") if scope == "SYMBOLS" else store.read("search_files")
    cands = _symbol_candidates(rows) if scope == "SYMBOLS" else _file_candidates(rows)
    return _Layers(stamps=stamps, hashes=hashes, base=_build(tuple(cands)), hidden=frozenset(), overlay=_EMPTY)


def _updated(store: Store, scope: str, old: _Layers, stamps: Stamps) -> _Layers | None:
    """``old`` brought to ``stamps`` by re-reading the names of the files that changed; None when
    too many did (a checkout, a first index), and reading them all is as quick."""
    repos = {r for r in {*old.stamps, *stamps} if old.stamps.get(r) != stamps.get(r)}
    found = _changed_files(store, old, stamps, repos)
    if found is None:
        return None
    changed = sorted(found)
    hidden = old.hidden.union(*(old.base.by_file.get(f, ()) for f in changed))
    kept = [c for c in old.overlay.cands if c.file not in found]
    fresh, now = _candidates_of(store, scope, changed)
    added = kept + fresh
    hashes = {r: dict(old.hashes.get(r, {})) for r in stamps}
    for f, r in found.items():
        if r in hashes:
            if f in now:
                hashes[r][f] = now[f]
            else:
                hashes[r].pop(f, None)
    if len(added) > _FOLD:
        base = tuple(c for i, c in enumerate(old.base.cands) if i not in hidden) + tuple(added)
        return _Layers(stamps=stamps, hashes=hashes, base=_build(base), hidden=frozenset(), overlay=_EMPTY)
    return _Layers(stamps=stamps, hashes=hashes, base=old.base, hidden=hidden, overlay=_build(tuple(added)))


def _index(store: Store, scope: str, stamps: Stamps) -> _Layers:
    # Reading and preparing the names of a Django-sized graph takes a second or more; it is done
    # once, and after a write only the changed files' names are read again, so a server answers
    # searches in milliseconds, and the first search after a save in a few more.
    key = (store.url, scope)
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and hit.stamps == stamps:
        return hit
    writing = any(s[1] == "writing" for s in stamps.values())
    layers = _updated(store, scope, hit, stamps) if hit is not None and not writing else None
    if layers is None:
        layers = _fresh(store, scope, stamps)
    if writing:
        return layers  # a bulk load commits batch by batch under one generation: not a state to keep
    if hit is None or layers.base is not hit.base:
        # A base holds hundreds of thousands of objects for as long as the process serves; left
        # to the collector, each full collection walks them all (0.3-0.8 s on Django, inside
        # whichever request triggers it). Garbage goes first, then what lives is set aside.
        gc.collect()
        gc.freeze()
    with _cache_lock:
        _cache.pop(key, None)
        _cache[key] = layers
        while len(_cache) > _CACHE_SIZE:  # the least recently built goes first
            del _cache[next(iter(_cache))]
    return layers


def _rank(query: str, index: _Index, hidden: frozenset[int]) -> dict[str, tuple[float, Match, int]]:
    """The exact, prefix and word matches of ``query`` not in ``hidden``: (score, how, length of the
    name) by id."""
    q_lower = query.lower()
    q_words = words(query)
    # A single short word would word-match nearly everything; it has prefix and fuzzy matching.
    by_words = bool(q_words) and (len(q_words) > 1 or len(q_lower) >= 3)
    found: dict[int, tuple[float, Match]] = {}
    for i in index.exact.get(query, ()):
        found[i] = (100.0, "exact")
    for i in (*index.exact_lower.get(q_lower, ()), *index.suffixes.get("." + q_lower, ()),
              *index.suffixes.get("/" + q_lower, ())):
        found.setdefault(i, (95.0, "exact"))
    at = bisect.bisect_left(index.prefixes, (q_lower, -1))
    while at < len(index.prefixes) and index.prefixes[at][0].startswith(q_lower):
        found.setdefault(index.prefixes[at][1], (90.0, "prefix"))
        at += 1
    if by_words:
        # Only the names with a word starting with each query word can match them in order; the
        # rarest query words (the longest) narrow that down first.
        pool: set[int] | None = None
        for q in sorted(set(q_words), key=len, reverse=True):
            pool = _starting(index, q) if pool is None else pool & _starting(index, q)
            if not pool:
                break
        for i in sorted(pool or ()):
            if i not in found and _words_match(q_words, index.words[i]):
                found[i] = (85.0, "words")
    ranked: dict[str, tuple[float, Match, int]] = {}
    for i, (score, how) in found.items():
        if i not in hidden:
            c = index.cands[i]
            ranked[c.id] = (score, how, len(c.name))
    return ranked


def _fuzzy(query: str, index: _Index, hidden: frozenset[int], ranked: dict[str, tuple[float, Match, int]]) -> None:
    """Add the fuzzy matches of ``query`` not in ``ranked`` yet nor in ``hidden``, compared without
    case and separators (rapidfuzz does the scan in C++)."""
    squashed = query.lower().translate(_SQUASH)
    if not squashed:
        return
    for _, ratio, i in process.extract(squashed, index.squashed, scorer=fuzz.ratio, processor=None,
                                       score_cutoff=_FUZZY_CUTOFF, limit=None):
        c = index.cands[i]
        if c.id not in ranked and i not in hidden:
            ranked[c.id] = (round(ratio * 0.8, 2), "fuzzy", len(c.name))


def search(store: Store, query: str, scopes: Iterable[str] | None = None, limit: int | None = None) -> list[SearchHit]:
    """The best matches of ``query`` among symbol names and file paths, best first.

    Raises:
        QueryError: an empty query or an unknown scope.
        LimitExceeded: ``limit`` over ``MAX_LIMIT``.
    """
    query = query.strip()
    if not query:
        raise QueryError("the search query is empty", suggestion="give a name, a prefix or a path")
    n = DEFAULT_LIMIT if limit is None else limit
    if n > MAX_LIMIT:
        raise LimitExceeded(f"limit {n} is over the maximum {MAX_LIMIT}", suggestion="narrow the query")
    if n < 1:
        raise QueryError(f"limit must be at least 1, got {n}")
    chosen = tuple(dict.fromkeys(s.upper() for s in (scopes or SCOPES)))
    unknown = [s for s in chosen if s not in SCOPES]
    if unknown:
        raise QueryError(f"unknown search scope '{unknown[0]}'", suggestion="known: " + ", ".join(SCOPES))
    stamps = _stamps(store)
    parts = [part for scope in chosen for part in _index(store, scope, stamps).parts()]
    ranked: dict[str, tuple[float, Match, int]] = {}
    for index, hidden in parts:
        ranked.update(_rank(query, index, hidden))
    if len(ranked) < n:
        # Fuzzy scores (80 at most) rank below every other match (85 and up): they are needed only
        # when those do not fill the page.
        for index, hidden in parts:
            _fuzzy(query, index, hidden, ranked)
    top = sorted(ranked.items(), key=lambda kv: (-kv[1][0], kv[1][2], kv[0]))[:n]
    found = entities(store, [i for i, _ in top])
    return [SearchHit(entity=found[i], score=score, match=how) for i, (score, how, _) in top if i in found]

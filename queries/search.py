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
import hashlib
import weakref
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from graphsvc.errors import LimitExceeded, QueryError
from graphsvc.store.base import Store
from queries.graph import Entity, entities

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


def _symbol_candidates(store: Store) -> list[_Candidate]:
    out = []
    for r in store.read("search_symbols"):
        name, qname = r["name"] or "", r["qualifiedName"] or ""
        out.append(_Candidate(id=r["id"], name=name, exact=(name, qname), exact_lower=(name.lower(), qname.lower()),
                              prefixes=(name.lower(), qname.lower()),
                              suffix_of="." + qname.lower(), dotted=qname if r["kind"] != "Module" else name))
    return out


def _file_candidates(store: Store) -> list[_Candidate]:
    out = []
    for r in store.read("search_files"):
        path = r["path"] or ""
        base = path.rsplit("/", 1)[-1]
        stem = base.rsplit(".", 1)[0] if "." in base else base
        out.append(_Candidate(id=r["id"], name=base, exact=(path, base, stem),
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


def _build(cands: tuple[_Candidate, ...]) -> _Index:
    exact: dict[str, list[int]] = {}
    exact_lower: dict[str, list[int]] = {}
    suffixes: dict[str, list[int]] = {}
    prefixes: list[tuple[str, int]] = []
    for i, c in enumerate(cands):
        for t in dict.fromkeys(c.exact):
            exact.setdefault(t, []).append(i)
        for t in dict.fromkeys(c.exact_lower):
            exact_lower.setdefault(t, []).append(i)
        for at, ch in enumerate(c.suffix_of):
            if ch in "./":
                suffixes.setdefault(c.suffix_of[at:], []).append(i)
        prefixes += [(t, i) for t in dict.fromkeys(c.prefixes)]
    prefixes.sort()
    all_words = _all_words(c.dotted for c in cands)
    having: dict[str, list[int]] = {}
    for i, ws in enumerate(all_words):
        for w in dict.fromkeys(ws):
            having.setdefault(w, []).append(i)
    return _Index(cands=cands, squashed=tuple(c.name.lower().translate(_SQUASH) for c in cands), exact=exact,
                  exact_lower=exact_lower, suffixes=suffixes, prefixes=tuple(prefixes), words=tuple(all_words),
                  vocabulary=tuple(sorted(having)), having={w: tuple(v) for w, v in having.items()})


def _starting(index: _Index, prefix: str) -> set[int]:
    """The candidates with a word that starts with ``prefix``."""
    out: set[int] = set()
    at = bisect.bisect_left(index.vocabulary, prefix)
    while at < len(index.vocabulary) and index.vocabulary[at].startswith(prefix):
        out.update(index.having[index.vocabulary[at]])
        at += 1
    return out


_CACHE_SIZE = 8  # (store, scope) indexes kept; a server has one store, tests have many
_cache: dict[tuple[str, str], tuple[str, _Index]] = {}
_cache_lock = threading.Lock()


_signatures: weakref.WeakKeyDictionary[Store, str] = weakref.WeakKeyDictionary()


def _signature(store: Store) -> str:
    # A handle that is a snapshot (an embedded store opened read-only) cannot see a change, so
    # its signature is computed once per handle, and shared by the views of it (``origin``) that a
    # server gives its requests.
    if getattr(store, "snapshot", False):
        handle = getattr(store, "origin", store)
        with _cache_lock:
            known = _signatures.get(handle)
        if known is None:
            known = _digest(store)
            with _cache_lock:
                _signatures[handle] = known
        return known
    return _digest(store)


def _digest(store: Store) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for r in sorted(store.read("search_signature"), key=lambda r: r["id"]):
        digest.update(f"{r['id']}\0{r['hash']}\n".encode())
    return digest.hexdigest()


def _index(store: Store, scope: str, signature: str) -> _Index:
    # Loading and preparing the names of a Django-sized graph takes about half a second; it is
    # redone only when a file changed (the signature), so a server answers searches in milliseconds.
    key = (store.url, scope)
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] == signature:
        return hit[1]
    index = _build(tuple(_symbol_candidates(store) if scope == "SYMBOLS" else _file_candidates(store)))
    with _cache_lock:
        _cache.pop(key, None)
        _cache[key] = (signature, index)
        while len(_cache) > _CACHE_SIZE:  # the least recently built goes first
            del _cache[next(iter(_cache))]
    return index


def _rank(query: str, index: _Index) -> dict[str, tuple[float, Match, int]]:
    """The exact, prefix and word matches of ``query``: (score, how, length of the name) by id."""
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
        c = index.cands[i]
        ranked[c.id] = (score, how, len(c.name))
    return ranked


def _fuzzy(query: str, index: _Index, ranked: dict[str, tuple[float, Match, int]]) -> None:
    """Add the fuzzy matches of ``query`` not in ``ranked`` yet, compared without case and separators
    (rapidfuzz does the scan in C++)."""
    squashed = query.lower().translate(_SQUASH)
    if not squashed:
        return
    for _, ratio, i in process.extract(squashed, index.squashed, scorer=fuzz.ratio, processor=None,
                                       score_cutoff=_FUZZY_CUTOFF, limit=None):
        c = index.cands[i]
        if c.id not in ranked:
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
    signature = _signature(store)
    indexes = [_index(store, scope, signature) for scope in chosen]
    ranked: dict[str, tuple[float, Match, int]] = {}
    for index in indexes:
        ranked.update(_rank(query, index))
    if len(ranked) < n:
        # Fuzzy scores (80 at most) rank below every other match (85 and up): they are needed only
        # when those do not fill the page.
        for index in indexes:
            _fuzzy(query, index, ranked)
    top = sorted(ranked.items(), key=lambda kv: (-kv[1][0], kv[1][2], kv[0]))[:n]
    found = entities(store, [i for i, _ in top])
    return [SearchHit(entity=found[i], score=score, match=how) for i, (score, how, _) in top if i in found]

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
<80   fuzzy   rapidfuzz similarity of the query to the name or its words, times 0.8; kept from 48
====  ======  ==============================================================================

Ties go to the shorter name, then to the id, so an answer is stable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process, utils

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
    name: str  # what the words and fuzzy matching look at: a symbol's name, a file's name
    exact: tuple[str, ...]  # texts that match exactly (name, qualified name, path, stem)
    prefixes: tuple[str, ...]  # lower-cased texts a prefix may start
    suffix_of: str  # lower-cased qualified name or path, for ".<query>" / "/<query>" endings
    words: tuple[str, ...]


def words(name: str) -> tuple[str, ...]:
    """The lower-cased words of a name: dotted, snake_case, kebab-case, path and camelCase aware."""
    out: list[str] = []
    for part in _SPLIT.split(name):
        out.extend(w.lower() for w in _HUMPS.findall(part))
    return tuple(out)


def _symbol_candidates(store: Store) -> list[_Candidate]:
    out = []
    for r in store.read("search_symbols"):
        name, qname = r["name"] or "", r["qualifiedName"] or ""
        out.append(_Candidate(id=r["id"], name=name, exact=(name, qname), prefixes=(name.lower(), qname.lower()),
                              suffix_of="." + qname.lower(), words=words(qname if r["kind"] != "Module" else name)))
    return out


def _file_candidates(store: Store) -> list[_Candidate]:
    out = []
    for r in store.read("search_files"):
        path = r["path"] or ""
        base = path.rsplit("/", 1)[-1]
        stem = base.rsplit(".", 1)[0] if "." in base else base
        out.append(_Candidate(id=r["id"], name=base, exact=(path, base, stem), prefixes=(base.lower(), path.lower()),
                              suffix_of="/" + path.lower(), words=words(path)))
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


def _rank(query: str, cands: list[_Candidate]) -> dict[str, tuple[float, Match, int]]:
    q_lower = query.lower()
    q_words = words(query)
    ranked: dict[str, tuple[float, Match, int]] = {}
    for c in cands:
        score: float
        how: Match
        if query in c.exact:
            score, how = 100.0, "exact"
        elif any(q_lower == e.lower() for e in c.exact) or c.suffix_of.endswith(("." + q_lower, "/" + q_lower)):
            score, how = 95.0, "exact"
        elif any(p.startswith(q_lower) for p in c.prefixes):
            score, how = 90.0, "prefix"
        elif (len(q_words) > 1 or len(q_lower) >= 3) and _words_match(q_words, c.words):
            score, how = 85.0, "words"
        else:
            continue
        ranked[c.id] = (score, how, len(c.name))
    # Fuzzy: the name itself, and its words joined, against the query; rapidfuzz does the scan in C++.
    choices = {i: c.name for i, c in enumerate(cands) if c.id not in ranked}
    joined = {i: " ".join(cands[i].words) for i in choices}
    q_joined = " ".join(q_words)
    best: dict[int, float] = {}
    for text, pool in ((query, choices), (q_joined, joined)):
        if not text:
            continue
        for _, ratio, i in process.extract(text, pool, scorer=fuzz.ratio, processor=utils.default_process,
                                           score_cutoff=_FUZZY_CUTOFF, limit=None):
            best[i] = max(best.get(i, 0.0), ratio)
    for i, ratio in best.items():
        c = cands[i]
        ranked[c.id] = (round(ratio * 0.8, 2), "fuzzy", len(c.name))
    return ranked


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
    cands: list[_Candidate] = []
    if "SYMBOLS" in chosen:
        cands += _symbol_candidates(store)
    if "FILES" in chosen:
        cands += _file_candidates(store)
    ranked = _rank(query, cands)
    top = sorted(ranked.items(), key=lambda kv: (-kv[1][0], kv[1][2], kv[0]))[:n]
    found = entities(store, [i for i, _ in top])
    return [SearchHit(entity=found[i], score=score, match=how) for i, (score, how, _) in top if i in found]

"""Search among spec items and tasks by title, ranked on the scale of ``queries.search``.

Titles are sentences (``Overdraft protection for `Account.withdraw```), so matching differs from
names: a spec item's ``ref`` (``docs/requirements.md:5``) also matches by prefix, and the fuzzy
score is rapidfuzz's partial ratio (a query found inside a title scores 80).

====  ======  =========================================================================
100   exact   the title equals the query
 95   exact   the same, ignoring case
 90   prefix  the title, or the ref / path, starts with the query, ignoring case
 85   words   each query word starts a title word, in order (``neg dep`` → negative deposits)
≤80   fuzzy   rapidfuzz partial ratio of query and title, without case, times 0.8; from 60
====  ======  =========================================================================

Example::

    for hit in search_work(store, "overdraft", ("SPECS", "TASKS"), 10):
        print(hit.kind, hit.title, f"{hit.path}:{hit.line}", hit.score)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from graphsvc.errors import QueryError
from graphsvc.store.base import Store
from queries.attached import repo_of_item
from queries.search import MAX_LIMIT, Match, words

__all__ = ["WORK_SCOPES", "WorkHit", "search_work"]

WORK_SCOPES = ("SPECS", "TASKS")
_FUZZY_CUTOFF = 75.0  # partial ratio below which a title is not offered (×0.8: 60)


@dataclass(frozen=True, slots=True)
class WorkHit:
    """A spec item or task that matches, with its score (0–100) and how it matched."""

    id: str
    kind: str  # SpecItem | Task
    title: str
    detail: str  # a spec item's source (requirement, design, checklist, adr); a task's kind (TODO, FIXME…)
    status: str
    path: str | None
    line: int | None
    repo: str | None
    score: float
    match: Match


def _words_in_order(query: tuple[str, ...], title: tuple[str, ...]) -> bool:
    at = 0
    for q in query:
        while at < len(title) and not title[at].startswith(q):
            at += 1
        if at == len(title):
            return False
        at += 1
    return True


def _score(query: str, q_lower: str, q_words: tuple[str, ...], title: str, places: tuple[str, ...]
           ) -> tuple[float, Match] | None:
    if title == query:
        return 100.0, "exact"
    low = title.lower()
    if low == q_lower:
        return 95.0, "exact"
    if low.startswith(q_lower) or any(p.lower().startswith(q_lower) for p in places if p):
        return 90.0, "prefix"
    if q_words and _words_in_order(q_words, words(title)):
        return 85.0, "words"
    ratio = fuzz.partial_ratio(q_lower, low)
    if ratio >= _FUZZY_CUTOFF:
        return round(ratio * 0.8, 2), "fuzzy"
    return None


def search_work(store: Store, query: str, scopes: Iterable[str] | None = None, limit: int = 20) -> list[WorkHit]:
    """The best matches of ``query`` among spec item and task titles, best first (ties: shorter title, id).

    Raises:
        QueryError: an empty query, an unknown scope or a limit out of 1–``MAX_LIMIT``.
    """
    query = query.strip()
    if not query:
        raise QueryError("the search query is empty", suggestion="give words of a spec item's or task's title")
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be within 1–{MAX_LIMIT}, got {limit}")
    chosen = tuple(dict.fromkeys(s.upper() for s in (scopes or WORK_SCOPES)))
    unknown = [s for s in chosen if s not in WORK_SCOPES]
    if unknown:
        raise QueryError(f"unknown search scope '{unknown[0]}'", suggestion="known: " + ", ".join(WORK_SCOPES))
    q_lower, q_words = query.lower(), words(query)
    hits: list[WorkHit] = []
    if "SPECS" in chosen:
        for r in store.read("search_spec_items"):
            title = r["title"] or ""
            got = _score(query, q_lower, q_words, title, (r["ref"] or "", r["path"] or ""))
            if got:
                hits.append(WorkHit(r["id"], "SpecItem", title, r["source"] or "", r["status"] or "", r["path"],
                                    r["line"], repo_of_item(r["id"]), *got))
    if "TASKS" in chosen:
        for r in store.read("search_tasks"):
            title = r["title"] or ""
            got = _score(query, q_lower, q_words, title, (r["path"] or "",))
            if got:
                hits.append(WorkHit(r["id"], "Task", title, r["kind"] or "", r["status"] or "", r["path"], r["line"],
                                    repo_of_item(r["id"]), *got))
    hits.sort(key=lambda h: (-h.score, len(h.title), h.id))
    return hits[:limit]

"""Search: symbols and files by exact name, prefix, words or fuzzy match, ranked with scores."""

from __future__ import annotations

import enum

import strawberry

from api.schema.types import Entity, Info, to_entity
from queries import search as search_

__all__ = ["SearchQueries"]


@strawberry.enum(description="What a search looks through.")
class SearchScope(enum.Enum):
    SYMBOLS = "SYMBOLS"
    FILES = "FILES"


@strawberry.enum(description="How a search hit matched: exactly, by prefix, by words (camelCase, snake_case and "
                             "dotted names split into words) or fuzzily.")
class MatchKind(enum.Enum):
    EXACT = "exact"
    PREFIX = "prefix"
    WORDS = "words"
    FUZZY = "fuzzy"


@strawberry.type(description="A ranked search answer; `score` runs from 0 to 100, best first.")
class SearchHit:
    node: Entity
    score: float
    match: MatchKind


@strawberry.type
class SearchQueries:
    """The search field of ``Query``."""

    @strawberry.field(description=f"Symbols and files matching `query`, best first, at most `limit` "
                                  f"(default {search_.DEFAULT_LIMIT}, at most {search_.MAX_LIMIT}).")
    async def search(self, info: Info, query: str, scope: list[SearchScope] | None = None,
                     limit: int = search_.DEFAULT_LIMIT) -> list[SearchHit]:
        scopes = [s.value for s in scope] if scope is not None else None
        hits = await info.context.session.run(search_.search, query, scopes, limit)
        return [SearchHit(node=to_entity(h.entity), score=h.score, match=MatchKind(h.match)) for h in hits]

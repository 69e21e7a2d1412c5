"""What changed in a repo: for the client's "only what changed since REF" filter.

Example::

    { changedFiles(repoId: "repo:shop/shop", since: "HEAD~3") }
    { changedFiles(repoId: "repo:shop/shop") }      # the files the last ingest wrote
"""

from __future__ import annotations

import strawberry

from api.schema.types import Info
from queries import changes

__all__ = ["ChangeQueries"]


@strawberry.type
class ChangeQueries:
    """The change fields of ``Query``."""

    @strawberry.field(description="Paths (relative to the repo root, sorted) that changed in the repo's work tree "
                                  "since the git ref `since` (untracked and deleted files included), or, without "
                                  "`since`, the files its last ingest parsed, re-linked or removed.")
    async def changed_files(self, info: Info, repo_id: strawberry.ID, since: str | None = None) -> list[str]:
        return list(await info.context.session.run(changes.changed_files, str(repo_id), since))

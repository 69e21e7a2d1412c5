"""The graph model: node and edge types, file facts, and the id builders.

This module is the only place ids are formed. Ids are readable strings built from
what a node *is*, so an unchanged symbol keeps its id across re-indexing and the
edges into it survive (see ../shared/DESIGN.md, "The graph").

Id grammar::

    proj:<project>                                   Project
    repo:<project>/<repo>                            Repo
    file:<repo-id>:<path>                            File      (path: POSIX, relative to the repo root)
    sym:<repo-id>:<path>#<qualified.name>[#<n>]      Symbol    (n >= 2 for the n-th duplicate in one file)
    sym:<repo-id>:<path>#                            the Module symbol of a file (empty fragment)
    ext:<lang>:<module>[.<name>]                     External  (a module or name outside the indexed repos)
    ext:<lang>:?.<name>                              External placeholder for an unresolved reference
    svc:<project>/<name>                             Service   (declared in a docker-compose file)

Positions: ``line`` is 1-based, ``column`` 0-based (in bytes of the UTF-8 source, as
tree-sitter reports them); ranges are ``"<line>:<column>"`` strings, end exclusive.

When you add a node property here, also add it to ``NODE_SCHEMA`` (both stores
create their tables and export their rows from it); when you add an edge type or
a (from, to) label pair, add it to ``EDGE_SCHEMA``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "EDGE_PROPS",
    "ECOSYSTEM_EDGE_PROPS",
    "EDGE_SCHEMA",
    "NODE_SCHEMA",
    "VOLATILE_PROPS",
    "Edge",
    "FileFacts",
    "ImportFact",
    "LocalFact",
    "Node",
    "RefFact",
    "SymbolFact",
    "external_id",
    "file_id",
    "project_id",
    "repo_id",
    "service_id",
    "split_symbol_id",
    "symbol_id",
    "unresolved_id",
]

Resolution = Literal["exact", "heuristic", "unresolved"]

# ---------------------------------------------------------------------------
# Schema: one table per label, typed properties. "STRING", "INT64", "BOOL", "DOUBLE".

NODE_SCHEMA: dict[str, dict[str, str]] = {
    # A product or team boundary; holds repos.
    "Project": {"id": "STRING", "name": "STRING"},
    # One indexed source tree. `root` is the absolute path it was indexed from;
    # `headCommit` the git commit indexed (empty when the tree is not a git work tree);
    # `state` is "ok" after a complete run, "writing" while one is under way; `generation` counts
    # the writes to the repo, so a run that read an older generation starts over. `configs` is
    # JSON {lang: fingerprint of the project files whose contents steer resolution}.
    "Repo": {
        "id": "STRING", "name": "STRING", "project": "STRING", "root": "STRING", "url": "STRING",
        "provider": "STRING", "defaultBranch": "STRING", "headCommit": "STRING", "state": "STRING",
        "lastIndexedAt": "STRING", "lastRun": "STRING", "generation": "INT64", "configs": "STRING",
        # JSON {provides, requires, services}: what its manifests and docker-compose files declare
        # (graphsvc/ecosystem.py); the cross-project layer is derived from it.
        "manifest": "STRING",
    },
    # One source file. `hash` is the sha256 of its bytes; `loc` its line count; `module`
    # the import name of the file (Python: dotted module path); `parseErrors` the number of
    # ERROR/MISSING nodes tree-sitter recovered from; `summary` is the resolver's compact
    # per-file record (JSON) that lets an incremental run re-link dependents without
    # re-parsing the whole repo; it is internal and not exported. `mtimeNs` and `inode` are the
    # stat cache: a file whose size, mtime and inode are unchanged is not even hashed again.
    "File": {
        "id": "STRING", "path": "STRING", "lang": "STRING", "hash": "STRING", "size": "INT64",
        "loc": "INT64", "module": "STRING", "parseErrors": "INT64", "lastIndexedAt": "STRING",
        "summary": "STRING", "mtimeNs": "INT64", "inode": "INT64",
    },
    # A named entity defined in a file. `line`/`column`: where its name stands;
    # `rangeStart`/`rangeEnd`: the whole entity, decorators and body included.
    "Symbol": {
        "id": "STRING", "name": "STRING", "qualifiedName": "STRING", "kind": "STRING",
        "signature": "STRING", "doc": "STRING", "line": "INT64", "column": "INT64",
        "rangeStart": "STRING", "rangeEnd": "STRING", "exported": "BOOL", "lang": "STRING",
    },
    # A module or name outside the indexed repos; `module` is empty for placeholders.
    "External": {"id": "STRING", "name": "STRING", "module": "STRING", "lang": "STRING"},
    # A service declared in a docker-compose file of a repo of `project`; `ports` is JSON
    # ["host:container", …]; `type` db|queue|cache|api|job, guessed from the image and ports.
    "Service": {
        "id": "STRING", "name": "STRING", "project": "STRING", "repo": "STRING", "path": "STRING",
        "image": "STRING", "type": "STRING", "ports": "STRING", "endpoint": "STRING", "healthUrl": "STRING",
    },
}

# Properties every dependency edge carries (structural edges carry none).
# `candidates` and `confidence` are set on heuristic edges only.
EDGE_PROPS: dict[str, str] = {
    "line": "INT64", "column": "INT64", "resolution": "STRING", "candidates": "INT64",
    "confidence": "DOUBLE", "alias": "STRING", "crossProject": "BOOL",
}

# Properties of the ecosystem edges (in place of EDGE_PROPS). PROJECT_LINK: `type` "dependency",
# `package` the provided package; INTEGRATES: `protocol` (a URL scheme, or ""), `via`
# ("depends_on", "environment" or both, comma-separated).
ECOSYSTEM_EDGE_PROPS: dict[str, dict[str, str]] = {
    "PROJECT_LINK": {"type": "STRING", "package": "STRING"},
    "INTEGRATES": {"protocol": "STRING", "via": "STRING"},
}

# Edge type -> allowed (from label, to label) pairs.
EDGE_SCHEMA: dict[str, tuple[tuple[str, str], ...]] = {
    "HAS_REPO": (("Project", "Repo"),),
    "CONTAINS": (("Repo", "File"),),
    "DEFINES": (("File", "Symbol"), ("Symbol", "Symbol")),
    "IMPORTS": (("File", "File"), ("File", "Symbol"), ("File", "External")),
    "CALLS": (("Symbol", "Symbol"), ("Symbol", "External")),
    "EXTENDS": (("Symbol", "Symbol"), ("Symbol", "External")),
    "IMPLEMENTS": (("Symbol", "Symbol"), ("Symbol", "External")),
    "USES": (("Symbol", "Symbol"), ("Symbol", "External")),
    "PROJECT_LINK": (("Project", "Project"),),
    "INTEGRATES": (("Service", "Service"),),
}

STRUCTURAL_EDGES = frozenset({"HAS_REPO", "CONTAINS", "DEFINES"})

# Properties that describe a run or where a tree was checked out, not the code in it; the export
# leaves them out, so the same tree gives the same export from any clone, path or time.
VOLATILE_PROPS = frozenset({
    "lastIndexedAt", "lastRun", "headCommit", "root", "summary", "state", "url", "provider", "defaultBranch",
    "mtimeNs", "inode", "generation", "configs", "manifest",
})


# ---------------------------------------------------------------------------
# Id builders


def project_id(project: str) -> str:
    """Return the id of a project: ``proj:<name>``."""
    return f"proj:{project}"


def repo_id(project: str, repo: str) -> str:
    """Return the id of a repo: ``repo:<project>/<name>``."""
    return f"repo:{project}/{repo}"


def file_id(repo: str, path: str) -> str:
    """Return the id of a file from its repo id and POSIX path relative to the repo root."""
    return f"file:{repo}:{path}"


def symbol_id(repo: str, path: str, qualified_name: str) -> str:
    """Return the id of a symbol; ``qualified_name`` may carry a ``#n`` duplicate suffix."""
    return f"sym:{repo}:{path}#{qualified_name}"


def service_id(project: str, name: str) -> str:
    """Return the id of a docker-compose service of a project: ``svc:<project>/<name>``."""
    return f"svc:{project}/{name}"


def external_id(lang: str, dotted: str) -> str:
    """Return the id of an external module or name, e.g. ``ext:python:os.path.join``."""
    return f"ext:{lang}:{dotted}"


def unresolved_id(lang: str, name: str) -> str:
    """Return the id of the placeholder that unresolved references to ``name`` point at."""
    return f"ext:{lang}:?.{name}"


# A symbol id's fragment: dotted segments, each optionally followed by a ``#n`` duplicate
# suffix (``Product.label#2``, ``Foo#2.bar``), or empty for the module. A segment never holds
# '#', '.' or '/', so the first '#' whose remainder has this shape ends the path, even when
# the path itself contains '#'.
_FRAGMENT = re.compile(r"(?:[^.#/\s]+(?:#\d+)?(?:\.[^.#/\s]+(?:#\d+)?)*)?")


def split_symbol_id(symbol: str) -> tuple[str, str] | None:
    """Split a symbol id into the id of the file that defines it and its fragment.

    Returns None when ``symbol`` is not a symbol id. Example:
    ``sym:repo:shop/shop:shop/models.py#Base.save`` → ``("file:repo:shop/shop:shop/models.py", "Base.save")``.
    """
    if not symbol.startswith("sym:"):
        return None
    body = symbol[len("sym:"):]
    at = body.find("#")
    while at != -1:
        if _FRAGMENT.fullmatch(body, at + 1):
            return "file:" + body[:at], body[at + 1:]
        at = body.find("#", at + 1)
    return None


# ---------------------------------------------------------------------------
# File facts: what a language adapter extracts from one file, knowing nothing of others.


@dataclass(frozen=True, slots=True)
class SymbolFact:
    """A definition in a file.

    ``qname`` is the dotted name within the file (``User.save``; ``""`` for the module),
    with a ``#n`` suffix for the n-th duplicate. ``parent`` is the qname of the
    enclosing symbol (``""``: the module). Positions as in the module docstring.
    """

    qname: str
    name: str
    kind: str
    line: int
    column: int
    start: tuple[int, int]
    end: tuple[int, int]
    signature: str = ""
    doc: str = ""
    exported: bool = False
    parent: str | None = ""


@dataclass(frozen=True, slots=True)
class ImportFact:
    """One imported binding.

    ``module`` is the module text as written (leading dots for relative imports);
    ``name`` the imported name for ``from m import name`` (``None`` for ``import m``);
    ``alias`` the local name it is bound to (``None``: the default binding);
    ``scope`` the qname of the symbol whose scope receives the binding.
    """

    module: str
    name: str | None
    alias: str | None
    wildcard: bool
    line: int
    column: int
    scope: str


@dataclass(frozen=True, slots=True)
class RefFact:
    """A reference: a call, a base class, a type annotation or a decorator.

    ``receiver`` is the dotted chain the name is looked up on (``("self",)``,
    ``("os", "path")``, ``("super()",)``), ``()`` for a bare name, or ``None`` when
    the receiver is an expression the adapter cannot name (``f().g()``).
    ``scope`` is the qname of the innermost enclosing symbol.
    """

    kind: Literal["call", "base", "type", "decorator", "implements"]
    name: str
    receiver: tuple[str, ...] | None
    scope: str
    line: int
    column: int
    # Number of arguments of a call (-1: not a call, or not counted); tells overloads apart.
    arity: int = -1
    # The static type of each argument as written (``"String"``, ``"int[]"``), "" where unknown.
    arg_types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LocalFact:
    """A name bound inside a function scope, with the dotted type it is known to hold.

    ``type_ref`` is the annotation or the callee of ``x = Callee(...)``; ``None`` when unknown.
    """

    scope: str
    name: str
    type_ref: tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class FileFacts:
    """Everything one adapter knows about one file."""

    path: str
    lang: str
    loc: int
    parse_errors: int
    symbols: tuple[SymbolFact, ...] = ()
    imports: tuple[ImportFact, ...] = ()
    refs: tuple[RefFact, ...] = ()
    locals: tuple[LocalFact, ...] = ()
    all_names: tuple[str, ...] | None = None


# ---------------------------------------------------------------------------
# Graph rows, as written to a store.


@dataclass(frozen=True, slots=True)
class Node:
    """A node row: label, id and properties (None-valued properties are not stored)."""

    label: str
    id: str
    props: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Edge:
    """An edge row between two node ids with the labels of both ends."""

    type: str
    src: str
    src_label: str
    dst: str
    dst_label: str
    props: dict[str, object] = field(default_factory=dict)

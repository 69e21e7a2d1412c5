"""Assertions written as comments inside fixture sources.

A comment line whose text holds a caret states where the reference directly above
the caret (on the nearest preceding line that is not such an assertion) must
resolve::

    order.submit()
#         ^ calls: shop/orders.py#Order.submit exact

Format: ``# <spaces> ^ <edge type>: <target> <resolution>`` (``//`` in TS/JS, Go, Java and Rust), where
the caret's column is the column of the referenced name and ``<edge type>`` is
``calls``, ``imports``, ``extends``, ``implements`` or ``uses``. ``<target>`` is one of

* ``path/in/repo.py#Qualified.name`` — a Symbol of the same repo,
* ``path/in/repo.py`` — a File of the same repo,
* ``ext:<lang>:<dotted>`` — an External, written as its id,
* ``?name`` — the unresolved placeholder for ``name``.

Several assertion lines may follow one source line. An assertion holds when the
graph has an edge of that type, at that line and column, to that target, with that
resolution.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from graphsvc.model import file_id, symbol_id, unresolved_id

__all__ = ["Assertion", "read_assertions"]

_LINE_RE = re.compile(
    r"^(\s*(?:#|//)\s*)\^ (calls|imports|extends|implements|uses): (\S+) (exact|heuristic|unresolved)\s*$"
)
# Which files hold assertions, and the language of their unresolved placeholders.
_LANGS = {".py": "python", ".ts": "typescript", ".tsx": "typescript", ".js": "javascript", ".jsx": "javascript",
          ".go": "go", ".java": "java", ".rs": "rust"}


@dataclass(frozen=True)
class Assertion:
    """One expected edge: type, position of the reference, target id and resolution."""

    where: str
    etype: str
    line: int
    column: int
    target: str
    resolution: str


def _target(repo: str, lang: str, text: str) -> str:
    if text.startswith("ext:"):
        return text
    if text.startswith("?"):
        return unresolved_id(lang, text[1:])
    if "#" in text:
        path, qname = text.split("#", 1)
        return symbol_id(repo, path, qname)
    return file_id(repo, text)


def read_assertions(root: Path, repo: str) -> Iterator[Assertion]:
    """Yield every assertion in the source files under ``root`` (``#`` or ``//`` comments)."""
    for path in sorted(p for p in root.rglob("*") if p.suffix in _LANGS and p.is_file()):
        lang = _LANGS[path.suffix]
        rel = path.relative_to(root).as_posix()
        lines = path.read_bytes().decode("utf-8", "replace").splitlines()
        source_line = 0
        for number, text in enumerate(lines, start=1):
            m = _LINE_RE.match(text)
            if m is None:
                source_line = number
                continue
            column = len(m.group(1))
            yield Assertion(where=f"{rel}:{number}", etype=m.group(2).upper(), line=source_line,
                            column=column, target=_target(repo, lang, m.group(3)), resolution=m.group(4))

"""Markdown adapter: spec items from headings, checklists and decision records.

What becomes a spec item (docs/decisions/0008):

* every checklist item (``- [ ]`` planned, ``- [x]`` done), in any Markdown file;
* every heading of a requirement or design document (a file whose name or directory
  says ``requirement``, ``spec``, ``design`` or ``rfc``);
* one item per decision record (``docs/decisions/*.md``, ``docs/adr/*.md``), titled by its
  first heading, with the status its ``Status:`` line or ``## Status`` section gives.

An item's key is the slugs of its enclosing headings joined by ``/`` (a checklist item
adds the slug of its text), so editing a body keeps the id. Backticked names and paths
are recorded as mentions; the linker (``graphsvc/specs.py``) resolves them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from tree_sitter import Node as TSNode

from graphsvc.model import FileFacts, SpecFact
from parsers.syntax import count_errors

__all__ = ["document_kind", "extract", "mentions", "slug"]

_MAX_DESCRIPTION = 500
_MAX_TITLE = 200
_BACKTICKS = re.compile(r"`([^`\n]+)`")
_NAME = re.compile(r"[A-Za-z_][\w]*(?:(?:\.|::)[A-Za-z_]\w*)*")
_PATH = re.compile(r"[\w.-]+(?:/[\w.-]+)+|[\w-]+\.[a-z]{1,5}")
_PRIORITY = re.compile(r"\b(P[0-4])\b")
_RFC2119 = (("MUST", "must"), ("SHALL", "must"), ("SHOULD", "should"), ("MAY", "may"))
_STATUS_LINE = re.compile(r"^\s*\**status\**\s*:\s*\**\s*([\w -]+)", re.IGNORECASE | re.MULTILINE)
_ADR_DIR = re.compile(r"(^|/)docs/(decisions|adr)/[^/]+\.(md|markdown)$")
_SPEC_WORDS = re.compile(r"requirement|spec|design|rfc", re.IGNORECASE)


def slug(text: str) -> str:
    """A heading or item text as an id segment: lower case, words joined by ``-``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48] or "untitled"


def document_kind(path: str) -> str:
    """``adr``, ``design``, ``requirement`` or ``doc`` (only checklists count) for a Markdown path."""
    if _ADR_DIR.search(path):
        return "adr"
    hit = _SPEC_WORDS.search(path)
    if hit is None:
        return "doc"
    return "design" if hit.group(0).lower() in ("design", "rfc") else "requirement"


def mentions(text: str, first_line: int) -> list[tuple[str, int]]:
    """The backticked names and paths in ``text`` with their 1-based lines."""
    found: list[tuple[str, int]] = []
    for m in _BACKTICKS.finditer(text):
        span = m.group(1).strip()
        if span.endswith("()"):
            span = span[:-2]
        if _NAME.fullmatch(span) or _PATH.fullmatch(span):
            found.append((span, first_line + text.count("\n", 0, m.start())))
    return found


def _text(node: TSNode) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _one_line(text: str, limit: int) -> str:
    return re.sub(r"\s+", " ", text).strip()[:limit]


def _level(heading: TSNode) -> int:
    for child in heading.children:
        if child.type.startswith("atx_h") and child.type.endswith("_marker"):
            return int(child.type[5])
        if child.type == "setext_h1_underline":
            return 1
        if child.type == "setext_h2_underline":
            return 2
    return 1


def _priority(text: str) -> str:
    hit = _PRIORITY.search(text)
    if hit:
        return hit.group(1)
    for word, value in _RFC2119:
        if re.search(rf"\b{word}\b", text):
            return value
    return ""


@dataclass
class _Section:
    level: int
    key: str
    title: str
    line: int
    body: list[str] = field(default_factory=list)
    body_mentions: list[tuple[str, int]] = field(default_factory=list)


class _Keys:
    """Hands out keys, numbering repeats ``#2``, ``#3`` in order of appearance."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def take(self, key: str) -> str:
        n = self.seen.get(key, 0) + 1
        self.seen[key] = n
        return key if n == 1 else f"{key}#{n}"


def extract(path: str, source: bytes, root: TSNode,
            matches: Iterable[tuple[int, dict[str, list[TSNode]]]]) -> FileFacts:
    """Turn the matches of ``markdown.scm`` into spec items and file-wide mentions."""
    kind = document_kind(path)
    events: list[tuple[int, str, TSNode, TSNode]] = []
    for _, caps in matches:
        role = next(k for k in caps if k != "name")
        events.append((caps[role][0].start_byte, role, caps[role][0], caps["name"][0]))
    events.sort(key=lambda e: (e[0], e[1]))
    keys = _Keys()
    stack: list[_Section] = []
    sections: list[_Section] = []
    checklist: list[SpecFact] = []
    all_mentions: list[tuple[str, int]] = []
    for _, role, entity, name in events:
        line = entity.start_point.row + 1
        text = _text(name)
        found = mentions(text, name.start_point.row + 1)
        if role == "definition.heading":
            level = _level(entity)
            while stack and stack[-1].level >= level:
                stack.pop()
            parent = stack[-1].key + "/" if stack else ""
            section = _Section(level, keys.take(parent + slug(text)), _one_line(text, _MAX_TITLE), line,
                               body_mentions=list(found))
            stack.append(section)
            sections.append(section)
        elif role == "definition.checklist":
            done = any(c.type == "task_list_marker_checked" for c in entity.children)
            prefix = stack[-1].key + "/" if stack else ""
            heading_path = " / ".join(s.title for s in stack)
            checklist.append(SpecFact(
                key=keys.take(prefix + slug(text)), source="checklist",
                title=_one_line(text, _MAX_TITLE), line=line, status="done" if done else "planned",
                priority=_priority(text), heading_path=heading_path, mentions=tuple(found)))
        elif not _in_checklist(entity) and stack:
            stack[-1].body.append(text)
            stack[-1].body_mentions.extend(found)
        all_mentions.extend(found)
    specs = _section_specs(kind, sections, source) + checklist
    specs.sort(key=lambda s: (s.line, s.key))
    return FileFacts(path=path, lang="markdown", loc=source.count(b"\n") + (0 if source.endswith(b"\n") else 1),
                     parse_errors=count_errors(root), specs=tuple(specs), mentions=tuple(all_mentions))


def _in_checklist(paragraph: TSNode) -> bool:
    parent = paragraph.parent
    return parent is not None and parent.type == "list_item" and any(
        c.type.startswith("task_list_marker") for c in parent.children)


def _section_specs(kind: str, sections: list[_Section], source: bytes) -> list[SpecFact]:
    if kind == "doc" or not sections:
        return []
    if kind == "adr":
        first = sections[0]
        status = ""
        hit = _STATUS_LINE.search(source.decode("utf-8", "replace"))
        if hit:
            status = hit.group(1).strip().lower()
        else:
            for s in sections[1:]:
                if s.title.lower() == "status" and s.body:
                    status = _one_line(s.body[0], 40).lower()
                    break
        body = " ".join(b for b in first.body if not _STATUS_LINE.match(b))
        return [SpecFact(key=first.key, source="adr", title=first.title, line=first.line, status=status,
                         priority=_priority(body), description=_one_line(body, _MAX_DESCRIPTION),
                         mentions=tuple(m for s in sections for m in s.body_mentions))]
    out: list[SpecFact] = []
    trail: list[_Section] = []
    for s in sections:
        while trail and trail[-1].level >= s.level:
            trail.pop()
        body = " ".join(s.body)
        out.append(SpecFact(key=s.key, source=kind, title=s.title, line=s.line, priority=_priority(s.title + " " + body),
                            description=_one_line(body, _MAX_DESCRIPTION),
                            heading_path=" / ".join(t.title for t in trail), mentions=tuple(s.body_mentions)))
        trail.append(s)
    return out

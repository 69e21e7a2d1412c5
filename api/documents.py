"""Source text for the language server: positions between the graph and LSP, and unsaved buffers.

The graph stores 1-based lines and 0-based columns in bytes of the UTF-8 source (what
tree-sitter reports); LSP speaks 0-based lines and columns in UTF-16 code units. Converting
needs the text of the line, so every conversion takes the file's text::

    text = FileText.of("x = 'é'; f()\\n")
    text.to_graph(0, 10)     # (1, 11): "é" is one UTF-16 unit, two UTF-8 bytes
    text.to_lsp(1, 11)       # (0, 10)

A buffer the editor changed but did not save differs from what the graph indexed. Its
positions are mapped through the symbols both versions define (the buffer re-parsed with the
language's adapter, the graph's symbols by qualified name): a line inside a function keeps
its offset from that function's name line, so a function moved down by ten lines still
resolves. Lines outside every symbol follow the nearest matched symbol before them (or
after them, at the top of a file). When the file on disk is still the indexed version, runs of
unchanged lines (difflib) map exactly first, module-level lines included.
"""

from __future__ import annotations

import bisect
import difflib
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from graphsvc.ingest.parse import parse_source
from graphsvc.model import FileFacts
from parsers import registry

__all__ = ["Anchor", "DiskTexts", "FileText", "LineMap", "known_encoding", "language_of", "parse_buffer",
           "stat_key"]


def known_encoding(name: str) -> str:
    """A position encoding this module converts to: ``name``, else UTF-16 (LSP's default)."""
    return name if name in _UNITS else "utf-16"


def _utf8_bytes(ch: str) -> int:
    # A byte that was not UTF-8 was decoded as one U+FFFD: it stands for one byte of the file.
    return 1 if ch == "\ufffd" else len(ch.encode("utf-8"))


# Code units of one character in each position encoding LSP defines; UTF-16 is the default.
_UNITS: dict[str, Callable[[str], int]] = {
    "utf-16": lambda ch: 2 if ord(ch) > 0xFFFF else 1,
    "utf-8": _utf8_bytes,
    "utf-32": lambda ch: 1,
}


@dataclass(frozen=True)
class FileText:
    """A file's text split in lines, for position conversions in one position encoding."""

    lines: tuple[str, ...]
    encoding: str = "utf-16"

    @classmethod
    def of(cls, text: str, encoding: str = "utf-16") -> FileText:
        """The lines of a text (line ends dropped; ``\\r\\n``, ``\\r`` and ``\\n`` all end a line)."""
        return cls(tuple(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")), known_encoding(encoding))

    @classmethod
    def read(cls, path: Path, encoding: str = "utf-16") -> FileText | None:
        """A file's text from disk (bytes that are not UTF-8 count one unit each), or None when unreadable."""
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return cls.of(data.decode("utf-8", errors="replace"), encoding)

    def unit(self, ch: str) -> int:
        """The code units of one character in this text's position encoding."""
        return _UNITS[self.encoding](ch)

    def line(self, index: int) -> str:
        """The 0-based line ``index``, or ``""`` past the end."""
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def to_graph(self, line: int, character: int) -> tuple[int, int]:
        """An LSP position (0-based line, character in code units) as a graph one (1-based line, UTF-8 byte column)."""
        text = self.line(line)
        if text.isascii():  # one byte, one unit per character in every encoding
            return line + 1, max(0, min(character, len(text)))
        units = 0
        byte = 0
        for ch in text:
            if units >= character:
                break
            units += self.unit(ch)
            byte += _utf8_bytes(ch)
        return line + 1, byte

    def to_lsp(self, line: int, column: int) -> tuple[int, int]:
        """A graph position (1-based line, UTF-8 byte column) as an LSP one (0-based line, character in code units)."""
        text = self.line(line - 1)
        if text.isascii():  # one byte, one unit per character in every encoding
            return max(line - 1, 0), max(0, min(column, len(text)))
        units = 0
        byte = 0
        for ch in text:
            if byte >= column:
                break
            byte += _utf8_bytes(ch)
            units += self.unit(ch)
        return max(line - 1, 0), units

    def word_at(self, line: int, character: int) -> tuple[int, int] | None:
        """The span (characters in code units, end exclusive) of the identifier under an LSP position."""
        text = self.line(line)
        units = [self.unit(ch) for ch in text]
        idx, at = 0, 0
        while idx < len(text) and at + units[idx] <= character:
            at += units[idx]
            idx += 1
        if idx >= len(text) or not _word_char(text[idx]):
            return None
        start = idx
        while start > 0 and _word_char(text[start - 1]):
            start -= 1
        end = idx
        while end < len(text) and _word_char(text[end]):
            end += 1
        return sum(units[:start]), sum(units[:end])


def stat_key(st: os.stat_result) -> tuple[int, int, int]:
    """What tells one version of a file on disk from another without reading it: size, mtime and inode
    (an editor that saves by writing a new file and renaming it over the old one changes the inode,
    whatever the size and mtime)."""
    return st.st_size, st.st_mtime_ns, st.st_ino


class DiskTexts:
    """Files' texts kept between requests, each under the ``stat_key`` it was read at: a list of 2,000
    references names some 350 files, and a file is read again only once its stat changed. The least
    recently used go first past ``capacity`` files or ``budget`` bytes of source (a kept text takes
    about twice its size in memory). Safe to share between threads.
    """

    def __init__(self, capacity: int, budget: int | None = None) -> None:
        self.capacity = capacity
        self.budget = budget
        self.size = 0  # bytes of source kept
        self._texts: OrderedDict[Path, tuple[tuple[int, int, int], FileText]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, path: Path, encoding: str = "utf-16") -> FileText | None:
        """The text of the file at ``path`` as it is now, or None when it cannot be read."""
        try:
            key = stat_key(path.stat())
        except OSError:
            return None
        with self._lock:
            hit = self._texts.get(path)
            if hit is not None and hit[0] == key and hit[1].encoding == known_encoding(encoding):
                self._texts.move_to_end(path)
                return hit[1]
        # Read outside the lock; a change after the stat is seen by the next stat.
        text = FileText.read(path, encoding)
        with self._lock:
            old = self._texts.pop(path, None)
            if old is not None:
                self.size -= old[0][0]
            if text is None:
                return None
            self._texts[path] = (key, text)
            self.size += key[0]
            while len(self._texts) > self.capacity or (
                    self.budget is not None and self.size > self.budget and len(self._texts) > 1):
                self.size -= self._texts.popitem(last=False)[1][0][0]
        return text

    def full(self) -> bool:
        """Whether one more text would put out another."""
        with self._lock:
            return len(self._texts) >= self.capacity or (self.budget is not None and self.size >= self.budget)

    def warm(self, paths: Iterable[Path], encoding: str = "utf-16", *, stop: Callable[[], bool] | None = None) -> int:
        """Read the texts of ``paths`` ahead of the requests that will need them, until it is full: no
        kept text is put out for one that may never be asked for. It gives up once ``stop()`` is
        true, and lets other threads run between two files. Returns how many files it read."""
        read = 0
        for path in paths:
            time.sleep(0)  # a request waiting for the interpreter gets it now, not after the switch interval
            if (stop is not None and stop()) or self.full():
                return read
            with self._lock:
                kept = path in self._texts
            if not kept and self.get(path, encoding) is not None:
                read += 1
        return read


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def language_of(path: str) -> str | None:
    """The registered language of a file, by extension."""
    dot = path.rfind(".")
    spec = registry.by_extension(path[dot:]) if dot != -1 else None
    return spec.name if spec else None


def parse_buffer(path: str, text: str) -> FileFacts | None:
    """The file facts of an unsaved buffer, parsed with its language's adapter (None: no language)."""
    lang = language_of(path)
    if lang is None:
        return None
    return parse_source(lang, path, text.encode("utf-8"))


@dataclass(frozen=True)
class Anchor:
    """A symbol both versions define: its extent in the buffer (1-based lines) and the line shift."""

    start: int
    end: int
    shift: int  # buffer line minus graph line
    depth: int  # nesting: the innermost anchor containing a line wins


class LineMap:
    """Maps lines between the graph's version of a file and an edited buffer.

    ``blocks`` are runs of identical lines, ``(graph line, buffer line, count)`` (1-based), known
    when the indexed text is at hand (the file on disk still has the indexed hash): a line in a
    run maps exactly. Other lines follow the symbol anchors.
    """

    def __init__(self, anchors: Sequence[Anchor], blocks: Sequence[tuple[int, int, int]] = ()) -> None:
        self._anchors = sorted(anchors, key=lambda a: (a.start, -a.end))
        self._starts = [a.start for a in self._anchors]
        self._blocks = [b for b in blocks if b[2] > 0]

    @staticmethod
    def blocks(graph_lines: Sequence[str], buffer_lines: Sequence[str]) -> list[tuple[int, int, int]]:
        """The runs of identical lines of two versions of a file (1-based starts)."""
        matcher = difflib.SequenceMatcher(None, list(graph_lines), list(buffer_lines), autojunk=False)
        return [(a + 1, b + 1, n) for a, b, n in matcher.get_matching_blocks() if n]

    @classmethod
    def between(cls, graph_symbols: Sequence[tuple[str, int, int, int]], buffer: FileFacts,
                blocks: Sequence[tuple[int, int, int]] = ()) -> LineMap:
        """Anchors from ``(qualified name, name line, start line, end line)`` of the graph and a buffer's facts."""
        graph = {q: line for q, line, _, _ in graph_symbols}
        anchors = []
        for s in buffer.symbols:
            if not s.qname or s.qname not in graph:
                continue
            anchors.append(Anchor(start=s.start[0], end=s.end[0], shift=s.line - graph[s.qname],
                                  depth=s.qname.count(".")))
        return cls(anchors, blocks)

    def shift_at(self, buffer_line: int) -> int:
        """The shift of a buffer line: its innermost enclosing anchor's, else the nearest one's before it."""
        inside = [a for a in self._anchors if a.start <= buffer_line <= a.end]
        if inside:
            return max(inside, key=lambda a: (a.depth, a.start)).shift
        at = bisect.bisect_right(self._starts, buffer_line)
        before = [a for a in self._anchors[:at] if a.depth == 0]
        if before:
            return before[-1].shift
        after = self._anchors[at:]
        return after[0].shift if after else 0

    def to_graph(self, buffer_line: int) -> int:
        """The graph line of a buffer line (1-based both)."""
        for g, b, n in self._blocks:
            if b <= buffer_line < b + n:
                return g + buffer_line - b
        return buffer_line - self.shift_at(buffer_line)

    def to_buffer(self, graph_line: int) -> int:
        """The buffer line of a graph line (1-based both): the anchor whose graph extent holds it."""
        for g, b, n in self._blocks:
            if g <= graph_line < g + n:
                return b + graph_line - g
        inside = [a for a in self._anchors if a.start - a.shift <= graph_line <= a.end - a.shift]
        if inside:
            return graph_line + max(inside, key=lambda a: (a.depth, a.start)).shift
        tops = [a for a in self._anchors if a.depth == 0]
        before = [a for a in tops if a.start - a.shift <= graph_line]
        if before:
            return graph_line + before[-1].shift
        return graph_line + (tops[0].shift if tops else 0)

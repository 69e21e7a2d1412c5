"""Position conversions between the graph (1-based lines, UTF-8 byte columns) and LSP (0-based
lines, code units of the agreed encoding), on ASCII lines (converted without a walk) and others."""

from __future__ import annotations

import pytest

from api.documents import FileText

LINES = ("def f(x):  return g(x)", "", "x = 'é'; f()", "s = '😀'; g()", "a\ufffdb = 1")


@pytest.mark.parametrize(("encoding", "line", "column", "expected"), [
    ("utf-16", 1, 18, (0, 18)),  # ASCII: bytes are units
    ("utf-16", 1, 99, (0, 22)),  # past the end: the end of the line
    ("utf-16", 1, -3, (0, 0)),
    ("utf-16", 2, 4, (1, 0)),
    ("utf-16", 9, 4, (8, 0)),  # past the last line
    ("utf-16", 3, 10, (2, 9)),  # after "é" (two bytes, one unit)
    ("utf-8", 3, 10, (2, 10)),
    ("utf-32", 3, 10, (2, 9)),
    ("utf-16", 4, 11, (3, 9)),  # after "😀" (four bytes, two UTF-16 units)
    ("utf-32", 4, 11, (3, 8)),
    ("utf-16", 5, 3, (4, 3)),  # U+FFFD stands for one byte of the file
])
def test_graph_positions_convert_to_lsp_and_back(encoding: str, line: int, column: int,
                                                  expected: tuple[int, int]) -> None:
    text = FileText(LINES, encoding)
    assert text.to_lsp(line, column) == expected
    if line <= len(LINES) and 0 <= column <= len(LINES[line - 1].encode("utf-8")):  # a position in the text
        assert text.to_graph(*expected) == (line, column)


def test_lsp_positions_on_ascii_lines_are_the_byte_columns() -> None:
    text = FileText(LINES, "utf-16")
    assert [text.to_graph(0, c) for c in (0, 7, 22, 40, -1)] == [(1, 0), (1, 7), (1, 22), (1, 22), (1, 0)]
    assert text.to_graph(2, 6) == (3, 7)  # "x = 'é" is 6 units, 7 bytes

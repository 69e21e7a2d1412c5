"""How search splits names into words: the basis of camelCase / snake_case / dotted matching."""

from __future__ import annotations

import pytest

from queries.search import words


@pytest.mark.parametrize(("name", "expected"), [
    ("getLogger", ("get", "logger")),
    ("HTTPServer", ("http", "server")),
    ("price_after", ("price", "after")),
    ("Product.price_after", ("product", "price", "after")),
    ("src/toolkit/csv-export.py", ("src", "toolkit", "csv", "export", "py")),
    ("__init__", ("init",)),
    ("parse2json", ("parse", "2", "json")),
])
def test_words(name: str, expected: tuple[str, ...]) -> None:
    assert words(name) == expected

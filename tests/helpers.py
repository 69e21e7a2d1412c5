"""Small helpers the tests share."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from graphsvc.export import export_lines
from graphsvc.settings import Settings
from graphsvc.store import open_store

__all__ = ["copy_repo", "diff", "export_text"]


def export_text(settings: Settings, project: str | None = None) -> str:
    """The canonical export of the store the settings name."""
    with open_store(settings, read_only=True) as store:
        return "".join(line + "\n" for line in export_lines(store, project))


def diff(expected: str, actual: str, name: str = "graph") -> str:
    """A unified diff, cut to a readable length."""
    lines = list(difflib.unified_diff(expected.splitlines(), actual.splitlines(),
                                      f"expected {name}", f"actual {name}", lineterm="", n=1))
    return "\n".join(lines[:200])


def copy_repo(src: Path, dst: Path) -> Path:
    """Copy a fixture repo (outside any git work tree) and return the copy's path."""
    shutil.copytree(src, dst, symlinks=True)
    return dst

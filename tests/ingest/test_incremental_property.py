"""Property: after any sequence of edits, an incremental run leaves the graph a fresh ingest builds.

Hypothesis draws sequences of edits that move cross-file answers — new and removed
definitions, renamed symbols, deleted and moved files, new modules importing existing
names, new re-exports — applies them to a copy of a fixture repo with an incremental
ingest after each, and compares the export with a fresh ingest of the final tree.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphsvc.ingest.run import IngestCache, ingest
from tests.conftest import FIXTURES
from tests.helpers import diff, export_text

_DEF_RE = re.compile(r"^(def|class) (\w+)", re.MULTILINE)
_NAMES = st.sampled_from(["alpha", "beta", "save", "log", "money", "Order", "run", "prepare", "Engine"])


def _sources(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if b"\0" not in p.read_bytes())


def _stats(root: Path) -> dict[str, tuple[int, int, int]]:
    """What a file watcher tells apart: each file's size, mtime and inode."""
    out = {}
    for p in root.rglob("*"):
        if p.is_file():
            st_ = p.stat()
            out[p.relative_to(root).as_posix()] = (st_.st_size, st_.st_mtime_ns, st_.st_ino)
    return out


def _apply(root: Path, data: Any) -> str:
    files = _sources(root)
    if not files:
        return "nothing to edit"
    target = data.draw(st.sampled_from(files), label="file")
    text = target.read_text(encoding="utf-8", errors="replace")
    op = data.draw(st.sampled_from(["add_def", "remove_def", "rename", "delete", "move", "new_module", "reexport",
                                    "body"]), label="op")
    defs = _DEF_RE.findall(text)
    if op == "add_def":
        name = data.draw(_NAMES, label="name")
        target.write_text(text + f"\n\ndef {name}(*args):\n    return len(args)\n", encoding="utf-8")
    elif op == "remove_def" and defs:
        kind, name = defs[-1]
        start = text.rfind(f"\n{kind} {name}")
        target.write_text(text[: max(start, 0)] + "\n", encoding="utf-8")
    elif op == "rename" and defs:
        _, name = data.draw(st.sampled_from(defs), label="symbol")
        target.write_text(re.sub(rf"\b{name}\b", name + "_renamed", text), encoding="utf-8")
    elif op == "delete":
        target.unlink()
    elif op == "move":
        target.rename(target.with_name("moved_" + target.name.replace("__init__", "init")))
    elif op == "new_module":
        source = data.draw(st.sampled_from(files), label="import from")
        module = ".".join(source.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        module = module.removeprefix("src.")
        names = [n for _, n in _DEF_RE.findall(source.read_text(encoding="utf-8", errors="replace"))] or ["missing"]
        name = data.draw(st.sampled_from(names), label="name")
        (target.parent / f"new_{len(files)}.py").write_text(
            f"from {module} import {name}\n\n\ndef use():\n    return {name}()\n", encoding="utf-8")
    elif op == "reexport":
        init = target.parent / "__init__.py"
        sibling = data.draw(st.sampled_from([p for p in files if p.parent == target.parent] or [target]))
        names = [n for _, n in _DEF_RE.findall(sibling.read_text(encoding="utf-8", errors="replace"))] or ["x"]
        line = f"from .{sibling.stem} import {data.draw(st.sampled_from(names))}\n"
        init.write_text((init.read_text(encoding="utf-8") if init.exists() else "") + line, encoding="utf-8")
    else:
        target.write_text(text + "\n# edited\n", encoding="utf-8")
    return f"{op} {target.relative_to(root)}"


@settings(max_examples=int(os.environ.get("GRAPH_PROPERTY_EXAMPLES", "12")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data(), repo=st.sampled_from(["shop", "toolkit"]), steps=st.integers(1, 4), watched=st.booleans())
def test_incremental_equals_fresh_after_random_edits(make_settings: Any, data: Any, repo: str, steps: int,
                                                     watched: bool) -> None:
    """``watched``: the runs go the way of ``graph watch``, through one ``IngestCache`` and told
    which paths changed, as a file watcher reports them."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / repo
        shutil.copytree(FIXTURES / repo, root)
        settings_ = make_settings(fresh=True)
        cache = IngestCache() if watched else None
        done = []
        try:
            ingest(root, settings_, incremental=watched, cache=cache)
            for _ in range(steps):
                before = _stats(root)
                done.append(_apply(root, data))
                after = _stats(root)
                changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
                ingest(root, settings_, incremental=True, cache=cache, changed_paths=changed if watched else None)
        finally:
            if cache is not None:
                cache.close()  # its held store
        incremental = export_text(settings_)
        fresh_settings = make_settings(fresh=True)
        ingest(root, fresh_settings)
        fresh = export_text(fresh_settings)
        assert incremental == fresh, "after " + "; ".join(done) + "\n" + diff(fresh, incremental, "incremental vs fresh")

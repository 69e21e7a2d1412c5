"""The incremental invariant: edits, additions, deletions and renames, then incremental == fresh."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from graphsvc.ingest.run import IngestCache, ingest
from graphsvc.store import open_store
from tests.conftest import FIXTURES
from tests.helpers import copy_repo, diff, export_text


def _fresh_export(repo: Path, make_settings: Any) -> str:
    settings = make_settings(fresh=True)
    ingest(repo, settings)
    return export_text(settings)


def _check(repo: Path, make_settings: Any) -> None:
    incremental_settings = make_settings()
    report = ingest(repo, incremental_settings, incremental=True)
    assert report.mode == "incremental"
    incremental = export_text(incremental_settings)
    fresh = _fresh_export(repo, make_settings)
    assert incremental == fresh, diff(fresh, incremental, "incremental vs fresh")


def test_second_incremental_run_reports_nothing_changed(tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "shop", tmp_path / "shop")
    settings = make_settings()
    first = ingest(repo, settings)
    second = ingest(repo, settings, incremental=True)
    assert first.changed == 9 and not first.nothing_changed
    assert second.nothing_changed and second.changed == 0 and second.unchanged == 9


def _stats(repo: Path) -> dict[str, tuple[int, int, int]]:
    return {p.relative_to(repo).as_posix(): (st.st_size, st.st_mtime_ns, st.st_ino)
            for p in repo.rglob("*.py") if (st := p.stat())}


def test_an_edit_run_refreshes_the_stats_that_moved_so_later_runs_skip_hashing(tmp_path: Path,
                                                                                make_settings: Any) -> None:
    """A checkout (or a copy of the tree) moves every file's stat and keeps its bytes: the next run
    that parses an edit records the new stats of the unchanged files too, in the store and in a kept
    cache, so the run after it hashes only what changed again."""
    repo = copy_repo(FIXTURES / "shop", tmp_path / "shop")
    settings = make_settings()
    cache = IngestCache()
    try:
        ingest(repo, settings, cache=cache)
        past = time.time() - 100  # older than the racy window: a stat that can be trusted
        for p in repo.rglob("*.py"):
            p.write_bytes(p.read_bytes())
            os.utime(p, (past, past))
        edited = repo / "shop" / "models.py"
        edited.write_text(edited.read_text() + "\n\ndef restocked():\n    return 1\n")
        os.utime(edited, (past, past))
        report = ingest(repo, settings, incremental=True, cache=cache)
        assert report.changed == 1
        on_disk = _stats(repo)
        with open_store(settings, read_only=True) as store:
            stored = store.stored_files(report.repo)
        assert len(stored.keys() & on_disk.keys()) >= 8 and stored.keys() == cache.stored.keys()
        for files in (stored, cache.stored):
            moved = sorted(p for p, (size, mtime, inode) in on_disk.items()
                           if p in files and not files[p].same_stat(size, mtime, inode))
            assert moved == []
    finally:
        cache.close()
    _check(repo, make_settings)


def test_edit_inside_a_body_reparses_one_file_and_matches_fresh(tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "shop", tmp_path / "shop")
    settings = make_settings()
    ingest(repo, settings)
    log = repo / "shop" / "util" / "log.py"
    log.write_text(log.read_text() + "\n\ndef warn(msg):\n    log('warning: ' + msg)\n")
    report = ingest(repo, settings, incremental=True)
    assert report.changed == 1
    incremental = export_text(settings)
    assert incremental == _fresh_export(repo, make_settings)


def test_removed_symbol_relinks_its_callers(tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "shop", tmp_path / "shop")
    settings = make_settings()
    ingest(repo, settings)
    models = repo / "shop" / "models.py"
    models.write_text(models.read_text().replace("def discounted(self, pct)", "def reduced(self, pct)"))
    report = ingest(repo, settings, incremental=True)
    assert report.changed == 1 and report.relinked >= 1
    text = export_text(settings)
    assert "models.py#Product.discounted" not in text
    assert text == _fresh_export(repo, make_settings)


def test_add_delete_and_rename_converge_to_fresh(tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "toolkit", tmp_path / "toolkit")
    settings = make_settings()
    ingest(repo, settings)
    # A module that used to be external appears; an import target moves; a file goes.
    (repo / "scripts" / "requests.py").write_text("def get(url):\n    return url\n")
    (repo / "src" / "toolkit" / "core" / "base.py").rename(repo / "src" / "toolkit" / "core" / "runner.py")
    engine = repo / "src" / "toolkit" / "core" / "engine.py"
    engine.write_text(engine.read_text().replace("toolkit.core.base", "toolkit.core.runner"))
    (repo / "src" / "toolkit" / "plugins" / "csv_export.py").unlink()
    _check(repo, make_settings)


def test_adding_a_package_init_renames_modules_and_matches_fresh(tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "toolkit", tmp_path / "toolkit")
    settings = make_settings()
    ingest(repo, settings)
    (repo / "src" / "toolkit" / "plugins" / "__init__.py").write_text("from .csv_export import export\n")
    _check(repo, make_settings)
    (repo / "src" / "toolkit" / "plugins" / "__init__.py").unlink()
    _check(repo, make_settings)


def test_a_change_too_large_to_diff_is_rewritten_and_matches_fresh(tmp_path: Path, make_settings: Any) -> None:
    """An edit of every file of a repo with more symbols than the embedded store diffs (2,000) goes
    the delete-and-create way there, and through the diff on Neo4j; both equal a fresh build."""
    repo = copy_repo(FIXTURES / "shop", tmp_path / "shop")
    for i in range(90):
        (repo / "shop" / f"gen_{i}.py").write_text("from .models import Product\n\n\n" + "".join(
            f"def f{j}():\n    return Product('x', {j}).discounted({j})\n\n\n" for j in range(25)))
    settings = make_settings()
    ingest(repo, settings)
    models = repo / "shop" / "models.py"
    models.write_text(models.read_text().replace("def discounted(self, pct)", "def reduced(self, pct)"))
    for i in range(90):
        gen = repo / "shop" / f"gen_{i}.py"
        gen.write_text(gen.read_text().replace("def f0()", "def g0()"))
    (repo / "shop" / "util" / "log.py").unlink()
    report = ingest(repo, settings, incremental=True)
    assert report.changed == 91 and report.removed == 1
    assert export_text(settings) == _fresh_export(repo, make_settings)

"""Git-aware runs: `--since REF` takes the changed set from git; status tells how far behind HEAD."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import git
import pytest
from click.testing import CliRunner

from graphsvc.errors import InputError
from graphsvc.ingest.run import ingest
from ingest_cli import main
from tests.conftest import FIXTURES
from tests.helpers import diff, export_text


def _git_repo(tmp_path: Path) -> tuple[Path, git.Repo]:
    root = tmp_path / "toolkit"
    shutil.copytree(FIXTURES / "toolkit", root)
    repo = git.Repo.init(root, initial_branch="main")
    with repo.config_writer() as cfg:
        cfg.set_value("user", "name", "graphsvc tests")
        cfg.set_value("user", "email", "tests@graphsvc.invalid")
    repo.git.add("-A")
    repo.index.commit("initial")
    return root, repo


def test_since_ref_covers_edits_renames_deletions_and_untracked(tmp_path: Path, make_settings: Any) -> None:
    root, repo = _git_repo(tmp_path)
    settings = make_settings()
    ingest(root, settings)
    base = repo.head.commit.hexsha
    engine = root / "src" / "toolkit" / "core" / "engine.py"
    engine.write_text(engine.read_text().replace("def prepare(self)", "def get_ready(self)"))
    repo.git.mv("src/toolkit/core/base.py", "src/toolkit/core/runner.py")
    engine.write_text(engine.read_text().replace("toolkit.core.base", "toolkit.core.runner"))
    repo.git.add("-A")
    repo.index.commit("rename base to runner")
    (root / "scripts" / "run.py").unlink()  # deleted, not committed
    (root / "scripts" / "extra.py").write_text("from toolkit import Engine\n\nEngine().run()\n")  # untracked
    report = ingest(root, settings, since=base)
    assert report.mode == "incremental" and report.changed == 3 and report.removed == 2
    fresh = make_settings(fresh=True)
    ingest(root, fresh)
    a, b = export_text(fresh), export_text(settings)
    assert a == b, diff(a, b, "--since vs fresh")


def test_invalid_ref_is_a_clear_error(tmp_path: Path, ladybug_settings: Any) -> None:
    root, _ = _git_repo(tmp_path)
    ingest(root, ladybug_settings)
    with pytest.raises(InputError, match="unknown git ref 'no-such-ref'"):
        ingest(root, ladybug_settings, since="no-such-ref")
    result = CliRunner().invoke(main, ["ingest", str(root), "--since", "no-such-ref", "--store", ladybug_settings.store])
    assert result.exit_code == 2 and "unknown git ref 'no-such-ref'" in result.stderr


def test_status_tells_how_far_the_index_is_behind_head(tmp_path: Path, ladybug_settings: Any) -> None:
    root, repo = _git_repo(tmp_path)
    ingest(root, ladybug_settings)
    status = CliRunner().invoke(main, ["status", "--json", "--store", ladybug_settings.store])
    assert json.loads(status.stdout)["repos"][0]["behind"] == {"commits": 0, "files": 0}
    for i in range(2):
        (root / "scripts" / f"new_{i}.py").write_text(f"X = {i}\n")
        repo.git.add("-A")
        repo.index.commit(f"add new_{i}")
    status = CliRunner().invoke(main, ["status", "--store", ladybug_settings.store])
    assert "behind HEAD by 2 commits touching 2 files" in status.stdout
    ingest(root, ladybug_settings, incremental=True)
    status = CliRunner().invoke(main, ["status", "--store", ladybug_settings.store])
    assert "up to date with HEAD" in status.stdout

"""The `graph` command on bad input: one clear line, a documented exit code, nothing written."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest_cli import main
from tests.conftest import FIXTURES
from tests.helpers import copy_repo, diff, export_text
from graphsvc.settings import Settings


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_ingest_status_and_incremental_on_the_embedded_store(tmp_path: Path) -> None:
    store = f"ladybug://{tmp_path / 'g.lbug'}"
    code, out, _ = _run("ingest", str(FIXTURES / "shop"), "--store", store)
    assert code == 0 and "9 parsed" in out and "1 binary" in out
    code, out, _ = _run("status", "--store", store)
    assert code == 0 and "proj:shop / repo:shop/shop: 9 files" in out and "Symbol" in out
    code, out, _ = _run("ingest", str(FIXTURES / "shop"), "--store", store, "--incremental")
    assert code == 0 and "nothing changed" in out
    code, out, _ = _run("ingest", str(FIXTURES / "shop"), "--store", store, "--incremental", "--json")
    report = json.loads(out)
    assert report["nothing_changed"] and report["unchanged"] == 9


def test_missing_path_is_one_line_and_exit_2(tmp_path: Path) -> None:
    code, _, err = _run("ingest", str(tmp_path / "nope"), "--store", f"ladybug://{tmp_path / 'g.lbug'}")
    assert code == 2 and err.count("\n") == 1 and "does not exist" in err and "nope" in err
    assert not (tmp_path / "g.lbug").exists()


def test_file_instead_of_directory_is_rejected(tmp_path: Path) -> None:
    code, _, err = _run("ingest", str(FIXTURES / "shop" / "shop" / "models.py"),
                        "--store", f"ladybug://{tmp_path / 'g.lbug'}")
    assert code == 2 and "is a file, not a directory" in err


def test_unknown_language_names_the_known_ones(tmp_path: Path) -> None:
    code, _, err = _run("ingest", str(FIXTURES / "shop"), "--lang", "cobol", "--store", f"ladybug://{tmp_path / 'g'}")
    assert code == 2 and "unknown language 'cobol'" in err and "python" in err


def test_unknown_store_scheme_is_rejected(tmp_path: Path) -> None:
    code, _, err = _run("ingest", str(FIXTURES / "shop"), "--store", "mysql://x")
    assert code == 2 and "unknown store URL" in err


def test_walk_outside_git_honours_gitignore_and_skips_what_it_cannot_index(tmp_path: Path) -> None:
    repo = copy_repo(FIXTURES / "toolkit", tmp_path / "toolkit")
    (repo / "generated").mkdir(exist_ok=True)
    (repo / "generated" / "out.py").write_text("def should_not_be_indexed():\n    pass\n")
    (repo / "dangling.py").symlink_to(repo / "missing.py")
    (repo / "escape.py").symlink_to(tmp_path / "outside.py")
    (tmp_path / "outside.py").write_text("SECRET = 1\n")
    (repo / "huge.py").write_text("x = 1\n" * 50_000)
    (repo / "scripts_again").symlink_to(repo / "scripts")  # a link to a directory: neither walked nor listed
    (repo / "scripts" / "deeper").mkdir()
    (repo / "scripts" / "deeper" / ".gitignore").write_text("*.py\n!kept.py\n")
    (repo / "scripts" / "deeper" / "dropped.py").write_text("X = 1\n")
    (repo / "scripts" / "deeper" / "kept.py").write_text("Y = 1\n")
    settings = Settings(store=f"ladybug://{tmp_path / 'g.lbug'}", workers=1, max_file_size=100_000)
    from graphsvc.ingest.run import ingest

    report = ingest(repo, settings)
    assert report.skipped_files == {"dangling.py": "unreadable", "escape.py": "symlink out of the repo",
                                    "huge.py": "too large"}
    exported = export_text(settings)
    assert "generated/out.py" not in exported and "scripts_again/" not in exported
    assert "scripts/deeper/kept.py" in exported and "scripts/deeper/dropped.py" not in exported


def test_syntax_error_and_latin1_files_are_indexed_as_far_as_they_parse(tmp_path: Path) -> None:
    store = f"ladybug://{tmp_path / 'g.lbug'}"
    assert _run("ingest", str(FIXTURES / "shop"), "--store", store)[0] == 0
    text = export_text(Settings(store=store))
    broken = next(json.loads(line)["node"] for line in text.splitlines() if '"id":"file:repo:shop/shop:shop/broken.py"' in line)
    assert broken["parseErrors"] >= 1
    assert "shop/broken.py#AfterTheError.method" in text
    assert "shop/legacy.py#greet" in text


def test_unreachable_neo4j_is_one_line_and_exit_3(tmp_path: Path) -> None:
    code, _, err = _run("ingest", str(FIXTURES / "shop"), "--store", "bolt://127.0.0.1:1")
    assert code == 3 and err.count("\n") == 1 and "cannot reach Neo4j at bolt://127.0.0.1:1" in err


def test_wrong_neo4j_password_is_one_line_and_writes_nothing(neo4j_server: object) -> None:
    from tests.conftest import wipe_neo4j

    server = neo4j_server
    wipe_neo4j(server)  # type: ignore[arg-type]
    code, _, err = _run("ingest", str(FIXTURES / "shop"), "--store", server.uri,  # type: ignore[attr-defined]
                        "--neo4j-user", "neo4j", "--neo4j-password", "wrong")
    assert code == 3 and "refused the credentials of user 'neo4j'" in err
    settings = Settings(store=server.uri, neo4j_user=server.user, neo4j_password=server.password)  # type: ignore[attr-defined]
    assert "File" not in export_text(settings)


def _big_repo(root: Path, files: int = 400) -> Path:
    pkg = root / "big" / "pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    for i in range(files):
        body = "\n".join(f"def f{j}(x):\n    return f{max(j - 1, 0)}(x) + helper{i % 7}(x)\n" for j in range(30))
        (pkg / f"m{i}.py").write_text(f"from .m{(i + 1) % files} import f1 as helper{i % 7}\n\n{body}\n")
    return root / "big"


@pytest.mark.parametrize("delay", [0.8, 1.6, 2.4])
def test_interrupt_leaves_a_store_that_a_rerun_converges(tmp_path: Path, delay: float) -> None:
    repo = _big_repo(tmp_path)
    store = f"ladybug://{tmp_path / 'g.lbug'}"
    env = {**os.environ, "GRAPH_STORE": store, "GRAPH_WORKERS": "1"}
    cmd = [sys.executable, "-m", "ingest_cli", "ingest", str(repo)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=Path(__file__).parent.parent)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    # 130: interrupted inside the command; -SIGINT: interrupted while Python was still starting.
    assert proc.returncode in (0, 130, -signal.SIGINT), err.decode()
    if proc.returncode == 130:
        assert b"interrupted" in err
    rerun = subprocess.run([*cmd, "--incremental"], env=env, capture_output=True, cwd=Path(__file__).parent.parent)
    assert rerun.returncode == 0, rerun.stderr.decode()
    fresh = Settings(store=f"ladybug://{tmp_path / 'fresh.lbug'}", workers=1)
    from graphsvc.ingest.run import ingest

    ingest(repo, fresh)
    a, b = export_text(fresh), export_text(Settings(store=store))
    assert a == b, diff(a, b, "after interrupt")


def test_an_interrupt_inside_code_run_from_a_string_still_exits_130(tmp_path: Path) -> None:
    # CPython ends a ``python -m`` process by SIGINT, whatever it exits with, once a Ctrl-C has left
    # code run from a string (a dataclass being defined by a module imported as the Ctrl-C came).
    # The command line takes that Ctrl-C, says so in one line and exits 130 all the same.
    (tmp_path / "interrupted_in_exec.py").write_text(
        "import os, signal, threading\n"
        "from ingest_cli import _errors\n"
        "threading.Timer(0.2, lambda: os.kill(os.getpid(), signal.SIGINT)).start()\n"
        "with _errors():\n"
        "    exec('while True: pass')\n")
    root = Path(__file__).parent.parent
    proc = subprocess.run([sys.executable, "-m", "interrupted_in_exec"], cwd=tmp_path, capture_output=True,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(tmp_path)])},
                          timeout=60)
    assert proc.returncode == 130, proc.stderr.decode()
    assert proc.stderr.decode().strip() == ("error: interrupted — the store keeps its last complete write;"
                                            " run the command again")

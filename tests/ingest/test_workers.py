"""A full run parsed and resolved in worker processes (``graphsvc/ingest/workers.py``) builds the graph
a run in one process builds, on both stores; a worker that dies fails the run and writes nothing.

The repos here hold more files than ``POOL_THRESHOLD``, or no worker would start: every fixture repo
in one tree (Python, TypeScript, Go, Java, Rust, Markdown specs, comment tasks) and a file with
syntax errors.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from graphsvc.ingest.parse import POOL_THRESHOLD
from graphsvc.ingest.run import ingest
from graphsvc.ingest.workers import WorkerFailed, Workers
from graphsvc.settings import Settings
from graphsvc.store import open_store
from tests.conftest import FIXTURES, wipe_neo4j
from tests.helpers import diff, export_text

ROOT = Path(__file__).resolve().parents[2]


def _every_fixture(tmp_path: Path) -> Path:
    tree = tmp_path / "all"
    for repo in sorted(FIXTURES.iterdir()):
        if repo.is_dir():
            shutil.copytree(repo, tree / repo.name)
    (tree / "broken.py").write_text("def ok():\n    return 1\n\n\ndef broken(:\n    return ok(\n")
    return tree


def _report(settings: Any, tree: Path) -> tuple[Any, str]:
    report = ingest(tree, settings)
    return (report.changed, report.symbols, report.edges, report.parse_errors, report.failed), export_text(settings)


def test_a_full_run_in_workers_builds_what_one_process_builds(make_settings: Any, tmp_path: Path) -> None:
    tree = _every_fixture(tmp_path)
    alone, alone_export = _report(make_settings(fresh=True, workers=1), tree)
    pooled_settings = make_settings(fresh=True, workers=2)
    pooled, pooled_export = _report(pooled_settings, tree)
    assert pooled_export == alone_export, diff(alone_export, pooled_export, "two workers vs one process")
    assert pooled == alone
    changed, symbols, edges, errors, failed = pooled
    assert symbols > 100 and edges > 100 and errors >= 1
    assert changed >= POOL_THRESHOLD, "the tree must be large enough for the workers to start"
    assert not failed
    # A rebuild of a repo the store holds takes the same path, and leaves the same graph.
    again, again_export = _report(pooled_settings, tree)
    assert again_export == alone_export and again == alone


def test_a_file_that_cannot_be_read_is_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("def a():\n    return 1\n")
    with Workers(tmp_path, 2) as pool:
        answers = {path: reason for path, reason, _ in
                   pool.parse([("a.py", "python", ("a",)), ("gone.py", "python", ("gone",))])}
        summaries = pool.summaries()
    assert answers == {"a.py": "", "gone.py": "unreadable (No such file or directory)"}
    assert list(summaries) == ["a.py"] and "a" in summaries["a.py"]["defs"]


def test_workers_leave_ctrl_c_to_the_run(tmp_path: Path) -> None:
    # A terminal's Ctrl-C reaches every process of the group: a worker waiting for its next request
    # would die printing a traceback. It ignores the signal; the run stops it.
    items = []
    for i in range(40):  # more than a batch for each worker: both answer before the signal
        (tmp_path / f"m{i}.py").write_text("def a():\n    return 1\n")
        items.append((f"m{i}.py", "python", (f"m{i}",)))
    with Workers(tmp_path, 2) as pool:
        procs = list(pool.procs)
        assert len(list(pool.parse(items))) == 40
        for proc in procs:
            os.kill(proc.pid, signal.SIGINT)
        time.sleep(0.5)
        assert all(proc.is_alive() for proc in procs)
        assert len(list(pool.parse(items))) == 40
    assert not any(proc.is_alive() for proc in procs)


def test_a_worker_dead_before_its_first_request_fails_the_run_by_name(tmp_path: Path) -> None:
    # Sending to it breaks the pipe; the run must say a worker died, not end on the broken pipe.
    items = []
    for i in range(40):
        (tmp_path / f"m{i}.py").write_text("def a():\n    return 1\n")
        items.append((f"m{i}.py", "python", (f"m{i}",)))
    with Workers(tmp_path, 2) as pool:
        pool.procs[0].kill()
        pool.procs[0].join()
        with pytest.raises(WorkerFailed, match=r"a parse worker died \(exit code -9\)"):
            list(pool.parse(items))


def _workers_of(pid: int) -> list[int]:
    """The grandchildren of ``pid``: a run's workers are forked by its forkserver, its child."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    return [g for c in children.get(pid, []) for g in children.get(c, [])]


def _big_tree(tmp_path: Path) -> Path:
    tree = _every_fixture(tmp_path)
    for i in range(200):  # a parse stage long enough to meet
        (tree / "gen" / f"m{i}.py").parent.mkdir(exist_ok=True)
        (tree / "gen" / f"m{i}.py").write_text("".join(f"def f{j}(x):\n    return g{j}(x) + 1\n\n\n"
                                                      for j in range(40)))
    return tree


def _run_with_workers(settings: Any, tree: Path, *options: str) -> tuple[subprocess.Popen[bytes], list[int]]:
    """``graph ingest`` of ``tree`` in its own process group, once its workers have started."""
    env = {**os.environ, "GRAPH_STORE": settings.store, "GRAPH_NEO4J_USER": settings.neo4j_user,
           "GRAPH_NEO4J_PASSWORD": settings.neo4j_password, "GRAPH_WORKERS": "2"}
    proc = subprocess.Popen([sys.executable, "-m", "ingest_cli", "ingest", str(tree), *options], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while not (workers := _workers_of(proc.pid)) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert workers, "the run's workers never started"
    return proc, workers


@pytest.mark.parametrize("incremental", [False, True], ids=["full run", "incremental run"])
def test_ctrl_c_stops_the_run_and_its_workers_with_one_line(make_settings: Any, tmp_path: Path,
                                                            incremental: bool) -> None:
    # A full run's workers (``Workers``), or an incremental run's parse pool (``parse_files``).
    tree = _big_tree(tmp_path)
    settings = make_settings(workers=2)
    ingest(tree, settings)
    before = export_text(settings)
    if incremental:
        for path in (tree / "gen").iterdir():
            path.write_text(path.read_text() + "\n\ndef added(x):\n    return x\n")
    proc, workers = _run_with_workers(settings, tree, *(["--incremental"] if incremental else []))
    time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err.decode()
    assert err.decode().strip() == "error: interrupted — the store keeps its last complete write; run the command again"
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1][:3]
    assert export_text(settings) == before


@pytest.mark.neo4j
def test_ctrl_c_while_another_run_holds_the_write_lock_stops_the_run_at_once(
        neo4j_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A new repo's writer ahead is opened in a thread while the files are parsed. There it waits
    # for the write lock another run holds; an interrupted run must not wait for it in turn. On
    # Neo4j, where reading the store takes no lock, so the run reaches its parse.
    wipe_neo4j(neo4j_server)
    settings = Settings(store=neo4j_server.uri, neo4j_user=neo4j_server.user,
                        neo4j_password=neo4j_server.password, workers=2)
    tree = _big_tree(tmp_path)
    monkeypatch.setenv("GRAPH_LOCK_TIMEOUT", "60")
    holder = open_store(settings)
    try:
        holder.lock_writes("repo:another")
        proc, _ = _run_with_workers(settings, tree)
        time.sleep(0.3)
        interrupted = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 130, err.decode()
        assert time.monotonic() - interrupted < 15
    finally:
        holder.close()
    assert "node" not in export_text(settings)  # nothing written


def test_a_worker_that_dies_fails_the_run_and_writes_nothing(make_settings: Any, tmp_path: Path) -> None:
    tree = _big_tree(tmp_path)
    settings = make_settings(workers=2)
    ingest(tree, settings)
    before = export_text(settings)
    proc, workers = _run_with_workers(settings, tree)
    os.kill(workers[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err.decode()
    assert "a parse worker died (exit code -9)" in err.decode()
    assert export_text(settings) == before  # nothing of the failed run was written
    rerun = ingest(tree, settings)
    assert not rerun.failed
    assert export_text(settings) == before


_PROBE_MAIN = '''
import os, sys
from pathlib import Path
if __name__ != "__main__":  # imported again, as ``__mp_main__``, by a process it started
    with open(os.environ["PROBE"], "a") as out:
        out.write(f"{__name__} {os.getpid()}\\n")
if __name__ == "__main__":
    from graphsvc.ingest.parse import parse_files
    from graphsvc.ingest.workers import Workers
    root = Path(sys.argv[1])
    items = []
    for i in range(60):
        (root / f"m{i}.py").write_text("def a():\\n    return 1\\n")
        items.append((f"m{i}.py", "python"))
    with Workers(root, 2) as pool:
        assert [reason for _, reason, _ in pool.parse([(p, lang, (p[:-3],)) for p, lang in items])] == [""] * 60
    assert len(list(parse_files(root, items, 2))) == 60  # an incremental run's pool
    print("ok")
'''


def test_workers_do_not_import_the_main_module_again(tmp_path: Path) -> None:
    # A child of a fork server imports its parent's main module before it runs anything: the `graph`
    # console script's is the whole command line. The workers start without it.
    script = tmp_path / "probe_main.py"
    script.write_text(_PROBE_MAIN)
    probe = tmp_path / "imported.txt"
    (tmp_path / "tree").mkdir()
    done = subprocess.run([sys.executable, str(script), str(tmp_path / "tree")], capture_output=True, text=True,
                          env={**os.environ, "PROBE": str(probe)}, timeout=120, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
    assert not probe.exists(), probe.read_text()

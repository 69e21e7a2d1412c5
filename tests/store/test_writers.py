"""Two writers of one repo, on both stores: the second waits for the first (or stops with a clear
message), and what they leave is the graph one run builds; a writer killed at any moment leaves
nothing a rerun does not mend.

The embedded store's writers queue on its file lock (``tests/test_concurrency.py``); Neo4j's on a
lock the server holds for the length of a write (``Neo4jStore.lock_writes``).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from graphsvc.ingest.run import ingest
from graphsvc.model import repo_id
from graphsvc.settings import Settings
from graphsvc.store import open_store
from tests.conftest import FIXTURES
from tests.helpers import copy_repo, diff, export_text

ROOT = Path(__file__).resolve().parents[2]


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    return {**os.environ, "GRAPH_STORE": settings.store, "GRAPH_NEO4J_USER": settings.neo4j_user,
            "GRAPH_NEO4J_PASSWORD": settings.neo4j_password, "GRAPH_WORKERS": "1", **extra}


def _graph(settings: Settings, *args: str, **extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "ingest_cli", *args], cwd=ROOT, env=_env(settings, **extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _big_shop(tmp_path: Path, modules: int = 80) -> Path:
    """The shop fixture with more modules, so that a run's write takes long enough to meet another's."""
    repo = copy_repo(FIXTURES / "shop", tmp_path / "shop")
    for i in range(modules):
        (repo / "shop" / f"gen_{i}.py").write_text(
            "from .models import Product\n\n\n" + "".join(
                f"def f{j}():\n    return Product('x', {j}).discounted({j})\n\n\n" for j in range(25)))
    return repo


def _fresh_export(make_settings: Any, repo: Path) -> str:
    fresh = make_settings(fresh=True)
    ingest(repo, fresh)
    return export_text(fresh)


@pytest.mark.parametrize("indexed", [False, True], ids=["new repo", "indexed repo"])
def test_two_full_ingests_of_one_repo_at_once_leave_one_build(make_settings: Any, tmp_path: Path,
                                                              indexed: bool) -> None:
    repo = _big_shop(tmp_path)
    settings = make_settings()
    if indexed:
        ingest(repo, settings)
    # Two workers each: a full run parses and resolves in them (graphsvc/ingest/workers.py).
    procs = [_graph(settings, "ingest", str(repo), GRAPH_WORKERS="2") for _ in range(2)]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode()
    both = export_text(settings)
    expected = _fresh_export(make_settings, repo)
    assert both == expected, diff(expected, both, "two concurrent full ingests vs one")


def test_a_repo_written_while_another_drops_an_external_keeps_its_edges_to_it(make_settings: Any,
                                                                            tmp_path: Path) -> None:
    # A full load merges the External nodes first and creates the edges into them later; another
    # repo's write that leaves one of them unreferenced deletes it at its end. Writers that do not
    # wait for each other would lose the first repo's edges into it.
    big = tmp_path / "big"
    for i in range(100):
        (big / "pkg").mkdir(parents=True, exist_ok=True)
        (big / "pkg" / f"m{i}.py").write_text("import json\n\n\n" + "".join(
            f"def f{j}(x):\n    return json.loads(x)\n\n\n" for j in range(25)))
    small = tmp_path / "small" / "small"
    small.mkdir(parents=True)
    module = small / "m.py"
    settings = make_settings()
    calls, other = "import json\n\n\ndef g(x):\n    return json.loads(x)\n", "def g(x):\n    return x\n"
    module.write_text(calls)
    ingest(small.parent, settings)
    proc = _graph(settings, "ingest", str(big))
    rounds = 0
    while proc.poll() is None or rounds < 2:
        module.write_text(other if rounds % 2 == 0 else calls)
        ingest(small.parent, settings, incremental=True)
        rounds += 1
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    both = export_text(settings)
    fresh = make_settings(fresh=True)
    ingest(big, fresh)
    ingest(small.parent, fresh)
    expected = export_text(fresh)
    assert both == expected, diff(expected, both, "loaded beside another repo's writes vs one after the other")


def test_a_writer_waits_for_the_lock_then_names_what_held_it(make_settings: Any, tmp_path: Path) -> None:
    repo = copy_repo(FIXTURES / "shop", tmp_path / "shop")
    settings = make_settings()
    ingest(repo, settings)
    before = export_text(settings)
    (repo / "shop" / "extra.py").write_text("def extra():\n    return 1\n")
    holder = open_store(settings)
    try:
        holder.lock_writes(repo_id("shop", "shop"))
        started = time.monotonic()
        proc = _graph(settings, "ingest", str(repo), "--incremental", GRAPH_LOCK_TIMEOUT="1")
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 3, err.decode()
        assert "waited 1s" in err.decode()
        assert time.monotonic() - started >= 1
    finally:
        holder.close()
    assert export_text(settings) == before  # the refused run wrote nothing
    done = _graph(settings, "ingest", str(repo), "--incremental")  # the lock went with its holder
    _, err = done.communicate(timeout=120)
    assert done.returncode == 0, err.decode()
    assert "extra.py" in export_text(settings)


@pytest.mark.parametrize("seed", [5, 6])
def test_a_writer_killed_at_a_random_moment_then_rerun_converges(make_settings: Any, tmp_path: Path,
                                                                 seed: int) -> None:
    rng = random.Random(seed)
    repo = _big_shop(tmp_path, 150)
    settings = make_settings()
    incremental = seed % 2 == 0
    if incremental:
        ingest(repo, settings)
        for i in range(0, 150, 3):
            path = repo / "shop" / f"gen_{i}.py"
            path.write_text(path.read_text().replace("discounted", "price_after"))
    proc = _graph(settings, "ingest", str(repo), *(["--incremental"] if incremental else []), GRAPH_WORKERS="2")
    time.sleep(rng.uniform(1.0, 3.0))
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    # The killed writer's lock is gone with it: the rerun does not wait for it.
    rerun = _graph(settings, "ingest", str(repo), "--incremental", GRAPH_LOCK_TIMEOUT="20")
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err.decode()
    after = export_text(settings)
    expected = _fresh_export(make_settings, repo)
    assert after == expected, diff(expected, after, "after SIGKILL and rerun")

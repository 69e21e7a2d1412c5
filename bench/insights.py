"""Benchmark what the insights figures cost an ingest.

What it measures, on a temporary git work tree of the corpus (so that freshness is computed) in a
fresh embedded store:

- ``no-change``: an in-process ``graph ingest --incremental`` with nothing changed (the path a
  watcher or a CI hook takes most often). It records no figures by design; run this script with
  ``PYTHONPATH`` pointing at another checkout to compare the same number there.
- ``one-file``: an incremental ingest after one module gained a function (the next run removes it
  again), which writes and then records the figures.
- ``record``: ``graphsvc.insights.record`` alone on a store opened for writing, with nothing to
  append (the aggregate queries, the git freshness calls and the read of the latest points), and
  ``compute`` alone.

Each figure is the median (and p95) of ``--runs`` repetitions, in milliseconds.

    python bench/insights.py [--corpus fixtures/repos/shop | --django] [--runs 15] [--module PATH]

Not a test: the numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))

from graphsvc.ingest.run import ingest  # noqa: E402
from graphsvc.settings import Settings  # noqa: E402
from graphsvc.store import open_store  # noqa: E402

DJANGO = BENCH_DIR / ".cache" / "src" / "Django-5.0.14"
APPENDED = "\n\ndef bench_appended_function(value):\n    return value\n"


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", *args], cwd=root,
                   check=True, capture_output=True)


def _times(fn: Callable[[int], object], runs: int) -> list[float]:
    out = []
    for i in range(runs):
        t = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t) * 1000)
    return out


def _line(name: str, ms: list[float]) -> str:
    p95 = sorted(ms)[max(0, round(0.95 * len(ms)) - 1)]
    return f"{name:<10} median {statistics.median(ms):9.1f} ms   p95 {p95:9.1f} ms   (n={len(ms)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=BENCH_DIR.parent / "fixtures" / "repos" / "shop")
    parser.add_argument("--django", action="store_true", help=f"use {DJANGO} (bench/ingest.py downloads it)")
    parser.add_argument("--module", default=None, help="file (relative to the corpus) the one-file runs edit")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    corpus = DJANGO if args.django else args.corpus
    with tempfile.TemporaryDirectory(prefix="graphsvc-insights-") as tmp:
        root = Path(tmp) / corpus.name
        shutil.copytree(corpus, root, symlinks=True)
        _git(root, "init", "-q")
        _git(root, "add", "-A")
        _git(root, "commit", "-qm", "corpus")
        settings = Settings(store=f"ladybug://{tmp}/graph.lbug", workers=2)
        t = time.perf_counter()
        ingest(root, settings)
        print(f"corpus {corpus} (full ingest {time.perf_counter() - t:.1f} s)")
        ingest(root, settings, incremental=True)  # settles the stat cache
        print(_line("no-change", _times(lambda i: ingest(root, settings, incremental=True), args.runs)))

        module = root / (args.module or next(str(p.relative_to(root)) for p in sorted(root.rglob("*.py"))
                                             if p.stat().st_size > 200))
        original = module.read_text(encoding="utf-8")

        def one_file(i: int) -> None:
            module.write_text(original + APPENDED if i % 2 == 0 else original, encoding="utf-8")
            ingest(root, settings, incremental=True)
        print(_line("one-file", _times(one_file, args.runs)) + f"   editing {module.relative_to(root)}")
        try:
            from graphsvc import insights
        except ImportError:
            print("record     (this checkout has no graphsvc.insights)")
            return
        with open_store(settings) as store:
            insights.record(store, settings.metric_points)
            print(_line("record", _times(lambda i: insights.record(store, settings.metric_points), args.runs)))
            print(_line("compute", _times(lambda i: insights.compute(store), args.runs)))


if __name__ == "__main__":
    main()

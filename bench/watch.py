"""Benchmark `graph watch`: the time from a saved file to the graph that includes it.

What it measures (per store): a working copy of the corpus is fully ingested; then the
watcher (``graphsvc.watch.watch``, the code behind ``graph watch``) runs in a thread,
and ``--edits`` times a module is saved with one more function. The latency of one
edit is from the write of the file to the end of the incremental run that took it in
(the report the watcher hands back), so it includes the file-system notification, the
debounce and the run. Reported: p50, p95 and max, and the debounce used.

    python bench/watch.py [--edits 20] [--stores ladybug,neo4j] [--corpus Django==5.0.14]
                          [--module django/db/models/base.py] [--debounce 0.15]

Not a test: the numbers depend on the machine. The corpus is the one ``bench/ingest.py``
downloads and caches.
"""

from __future__ import annotations

import argparse
import shlex
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))
sys.path.insert(0, str(BENCH_DIR))

from ingest import DEFAULT_CORPUS, fetch_corpus, make_target, working_copy  # noqa: E402

from graphsvc.ingest.run import IngestReport, ingest  # noqa: E402
from graphsvc.settings import Settings  # noqa: E402
from graphsvc.watch import watch  # noqa: E402


def measure(root: Path, settings: Settings, module: str, edits: int, debounce: float) -> list[float]:
    """Latencies (seconds) of ``edits`` saves of ``module`` under a running watcher."""
    ingest(root, settings)
    reports: list[tuple[float, IngestReport]] = []
    arrived = threading.Condition()

    def on_report(report: IngestReport) -> None:
        with arrived:
            reports.append((time.perf_counter(), report))
            arrived.notify_all()

    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(root, settings),
                              kwargs={"stop": stop, "on_report": on_report, "debounce": debounce,
                                      "catch_up": False})
    thread.start()
    time.sleep(1.0)  # let the observer start watching
    latencies: list[float] = []
    path = root / module
    try:
        for i in range(edits):
            with arrived:
                seen = len(reports)
            saved = time.perf_counter()
            with path.open("a", encoding="utf-8") as fh:
                fh.write(f"\n\ndef watched_edit_{i}():\n    return {i}\n")
            with arrived:
                if not arrived.wait_for(lambda s=seen: any(r.changed for _, r in reports[s:]), timeout=60):
                    raise RuntimeError(f"edit {i}: no run within 60 s")
                done = next(t for t, r in reports[seen:] if r.changed)
            latencies.append(done - saved)
            time.sleep(0.3)  # edits a person makes, not a burst
    finally:
        stop.set()
        thread.join(timeout=30)
    return latencies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=20, help="saves to time per store (default 20)")
    parser.add_argument("--stores", default="ladybug,neo4j", help="comma-separated: ladybug, neo4j")
    parser.add_argument("--corpus", default=DEFAULT_CORPUS, help=f"NAME==VERSION on PyPI (default {DEFAULT_CORPUS})")
    parser.add_argument("--module", default="django/db/models/base.py", help="the module that is saved")
    parser.add_argument("--debounce", type=float, default=0.15, help="the watcher's debounce, seconds")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    print("command: python " + shlex.join(sys.argv), flush=True)
    corpus = fetch_corpus(args.corpus)
    results: dict[str, Any] = {}
    for name in [s.strip() for s in args.stores.split(",") if s.strip()]:
        target = make_target(name, args.workers)
        try:
            with working_copy(corpus) as root:
                settings = Settings(**target.settings_for_run(0))
                lat = sorted(measure(root, settings, args.module, args.edits, args.debounce))
        finally:
            target.cleanup()
        p95 = lat[min(len(lat) - 1, round(0.95 * (len(lat) - 1)))]
        results[name] = {"p50": statistics.median(lat), "p95": p95, "max": lat[-1], "n": len(lat)}
        print(f"{name}: save -> graph updated, {len(lat)} edits of {args.module} in {corpus.name} {corpus.version}"
              f" (debounce {args.debounce}s): p50 {results[name]['p50'] * 1000:.0f} ms,"
              f" p95 {p95 * 1000:.0f} ms, max {lat[-1] * 1000:.0f} ms", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

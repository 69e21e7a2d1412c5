"""MCP benchmark: latency of the `impact` and `search` tools of `graph mcp` on the Django graph.

Usage::

    python bench/mcp.py [--stores ladybug,neo4j] [--calls 200] [--corpus NAME==VERSION] [--json OUT]

The corpus (default ``Django==5.0.14``) comes from ``bench/ingest.py``'s cache
(``bench/.cache/src/``) and is ingested into a fresh store of each kind: a temporary LadybugDB
file, and the test Neo4j server of ``tests/neo4j_server/launcher.py``. Then a real ``graph mcp``
process is started over stdio and asked through the official ``mcp`` client, as an agent asks:

* ``impact`` (depth 3, the tool's default) on a fixed sample of 50 functions, methods and classes
  (seeded, so every run asks the same), round-robin, ``--calls`` times;
* ``search`` for 20 fixed queries (exact names, prefixes, words, typos), round-robin, ``--calls`` times.

Each call is timed on the client, request to answer, so the figures include the JSON-RPC round
trip, opening the store read-only for the call (the embedded store) and rendering the answer.
Five calls of each tool are made first and not counted (the first search builds the name index).
Also timed: opening and closing the embedded store read-only in-process, the fixed cost of every
call there. The aims (issue 9) are p95 under 100 ms for ``impact`` and ``search`` on the embedded store.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO_DIR = Path(__file__).resolve().parent.parent
# This file is named like the SDK's package: its own directory must not shadow it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
if str(REPO_DIR) not in sys.path:
    sys.path.insert(0, str(REPO_DIR))

from mcp import ClientSession, StdioServerParameters  # noqa: E402
from mcp.client.stdio import stdio_client  # noqa: E402

from graphsvc.ingest.run import ingest  # noqa: E402
from graphsvc.settings import Settings  # noqa: E402
from graphsvc.store import open_store  # noqa: E402

QUERIES = ["QuerySet", "get_queryset", "HttpResponse", "reverse", "csrf", "Model.save", "get_object_or_404",
           "render_to_string", "cache", "middleware", "ValidationError", "clean_fields", "SQLCompiler", "as_sql",
           "urlpatterns", "migrat", "Templat", "send_mail", "authenticate", "Paginatr"]


def _bench_ingest() -> Any:
    spec = importlib.util.spec_from_file_location("bench_ingest", Path(__file__).with_name("ingest.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_ingest"] = module
    spec.loader.exec_module(module)
    return module


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def percentiles(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50": round(statistics.median(ordered), 1), "p95": round(q[94], 1), "max": round(ordered[-1], 1),
            "mean": round(statistics.fmean(ordered), 1), "n": len(ordered)}


def sample_targets(settings: Settings, n: int = 50) -> list[str]:
    with open_store(settings, read_only=True) as store:
        rows = store.read_only_cypher(
            "MATCH (s:Symbol) WHERE s.kind IN ['Function', 'Method', 'Class'] RETURN s.id ORDER BY s.id",
            {}, max_rows=1_000_000, timeout=60).rows
    ids = [r[0] for r in rows]
    return random.Random(7).sample(ids, n)


def open_cost(settings: Settings, times: int = 30) -> dict[str, float]:
    ms = []
    for _ in range(times):
        t = time.perf_counter()
        open_store(settings, read_only=True).close()
        ms.append((time.perf_counter() - t) * 1000)
    return percentiles(ms)


async def ask(settings: Settings, targets: list[str], calls: int) -> dict[str, Any]:
    env = {**os.environ, "GRAPH_STORE": settings.store, "GRAPH_NEO4J_USER": settings.neo4j_user,
           "GRAPH_NEO4J_PASSWORD": settings.neo4j_password}
    params = StdioServerParameters(command=sys.executable, args=["-m", "ingest_cli", "mcp"], cwd=str(REPO_DIR),
                                   env=env)
    out: dict[str, Any] = {}
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        plans = {
            "impact": [("impact", {"target": targets[i % len(targets)]}) for i in range(calls)],
            "search": [("search", {"query": QUERIES[i % len(QUERIES)]}) for i in range(calls)],
        }
        for tool, plan in plans.items():
            for name, args in plan[:5]:
                await session.call_tool(name, args)
            ms: list[float] = []
            sizes: list[int] = []
            for name, args in plan:
                t = time.perf_counter()
                result = await session.call_tool(name, args)
                ms.append((time.perf_counter() - t) * 1000)
                if result.isError:
                    raise RuntimeError(f"{name} {args}: {result.content}")
                data = result.structuredContent or {}
                sizes.append(int(data.get("dependents", len(data.get("items", [])))))
            out[tool] = {**percentiles(ms), "answerSizeMedian": statistics.median(sizes)}
            log(f"  {tool}: {out[tool]}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stores", default="ladybug,neo4j")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--corpus", default="Django==5.0.14")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    bi = _bench_ingest()
    corpus = bi.fetch_corpus(args.corpus)
    results: dict[str, Any] = {"corpus": args.corpus, "calls": args.calls}
    with bi.working_copy(corpus) as root:
        for store in args.stores.split(","):
            target = bi.make_target(store, 2)
            try:
                settings = Settings(**target.settings_for_run(0))
                t = time.perf_counter()
                report = ingest(root, settings, project="django")
                log(f"{store}: ingested {report.scanned} files in {time.perf_counter() - t:.1f}s")
                targets = sample_targets(settings)
                entry: dict[str, Any] = {"symbols": report.symbols, "edges": report.edges}
                if store == "ladybug":
                    entry["openReadOnlyMs"] = open_cost(settings)
                    log(f"  open+close read-only: {entry['openReadOnlyMs']}")
                entry.update(asyncio.run(ask(settings, targets, args.calls)))
                results[store] = entry
            finally:
                target.cleanup()
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

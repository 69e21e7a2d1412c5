"""API benchmark: latency and throughput of the GraphQL service on a Django-sized graph, each store.

Usage::

    python bench/api.py [--stores ladybug,neo4j] [--samples 60] [--clients 50] [--seconds 10]
                        [--corpus Django==5.0.14] [--json OUT] [--ladybug-store PATH --project NAME]

The corpus (default Django 5.0.14, cached as in ``bench/ingest.py``) is ingested once per store
(``--ladybug-store`` asks an embedded store ingested before instead, read-only, whose project
``--project`` names);
then ``graph serve`` runs in its own process on 127.0.0.1 and this process asks it, over HTTP:

* latency, one client, one request at a time, ``--samples`` requests per question, each with a
  different subject (the symbols with the most callers, their name positions, misspelt names):
  ``symbolDependencies`` (OUTGOING, depth 3), ``callers``, ``symbolAt``, ``search`` (fuzzy: a
  letter dropped from a real name) and ``projectGraph`` with ``maxNodes: 1000`` (depth 4);
  p50 and p95 in milliseconds, after a short warm-up;
* throughput: ``--clients`` concurrent clients (one connection each) asking the point questions
  and search in turn for ``--seconds``; requests per second and the number of errors (any HTTP
  status other than 200 or any GraphQL error counts).

Aims (issue 5): p95 under 50 ms for the point queries and search on the embedded store, under
300 ms for the 1,000-node ``projectGraph``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
sys.path.insert(0, str(REPO_DIR))
sys.path.insert(0, str(BENCH_DIR))

import ingest as bench_ingest  # noqa: E402  (bench/ingest.py: corpus cache and the Neo4j target)

from graphsvc.ingest.run import ingest  # noqa: E402
from graphsvc.settings import Settings  # noqa: E402
from graphsvc.store import open_store  # noqa: E402

DEPS = """query($id: ID!) { symbolDependencies(symbolId: $id, direction: OUTGOING, depth: 3)
  { nodes { id } edges { type } truncated } }"""
CALLERS = "query($id: ID!) { callers(symbolId: $id) { items { from { id } line column resolution } hasMore } }"
SYMBOL_AT = """query($repo: String!, $path: String!, $line: Int!, $col: Int!)
  { symbolAt(repo: $repo, path: $path, line: $line, column: $col) { id kind line } }"""
SEARCH = "query($q: String!) { search(query: $q, limit: 20) { score match node { id } } }"
GRAPH = """query($p: ID!) { projectGraph(projectId: $p, depth: 4, maxNodes: 1000)
  { nodes { id label } edges { type } truncated } }"""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _subjects(settings: Settings, project: str, n: int) -> dict[str, list[dict[str, Any]]]:
    """Varied subjects per question: the most-called symbols, their positions, misspelt names."""
    with open_store(settings, read_only=True) as store:
        rows = store._rows(  # type: ignore[attr-defined]  # a benchmark may ask its store directly
            "MATCH (a:Symbol)-[:CALLS]->(s:Symbol) RETURN s.id AS id, s.name AS name, s.line AS line, "
            "s.`column` AS col, count(a) AS n ORDER BY n DESC, id LIMIT $n", {"n": n})
    rng = random.Random(5)
    out: dict[str, list[dict[str, Any]]] = {"deps": [], "callers": [], "at": [], "search": []}
    for r in rows:
        out["deps"].append({"id": r["id"]})
        out["callers"].append({"id": r["id"]})
        file_part = r["id"].removeprefix("sym:").split("#", 1)[0]  # repo:<project>/<name>:<path>
        repo, path = file_part.removeprefix("repo:").split(":", 1)
        out["at"].append({"repo": repo, "path": path, "line": r["line"], "col": r["col"]})
        name = r["name"]
        cut = rng.randrange(len(name)) if len(name) > 3 else len(name)
        out["search"].append({"q": name[:cut] + name[cut + 1:]})
    out["graph"] = [{"p": f"proj:{project}"}]
    return out


QUESTIONS = {"symbolDependencies": ("deps", DEPS), "callers": ("callers", CALLERS), "symbolAt": ("at", SYMBOL_AT),
             "search": ("search", SEARCH), "projectGraph": ("graph", GRAPH)}


def _ok(r: httpx.Response) -> bool:
    return r.status_code == 200 and "errors" not in r.json()


def _latency(url: str, subjects: dict[str, list[dict[str, Any]]], samples: int) -> dict[str, dict[str, float]]:
    out = {}
    with httpx.Client(base_url=url, timeout=60) as client:
        for name, (key, query) in QUESTIONS.items():
            pool = subjects[key]
            count = samples if key != "graph" else max(10, samples // 3)
            for v in pool[:3]:  # warm-up: the search index, the server's caches, the OS page cache
                client.post("/graphql", json={"query": query, "variables": v})
            times, errors = [], 0
            for i in range(count):
                v = pool[i % len(pool)]
                t = time.perf_counter()
                r = client.post("/graphql", json={"query": query, "variables": v})
                times.append((time.perf_counter() - t) * 1000)
                errors += not _ok(r)
                if not _ok(r) and errors == 1:
                    log(f"  {name}: error {r.text[:300]}")
            times.sort()
            out[name] = {"p50_ms": round(statistics.median(times), 1),
                         "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
                         "n": count, "errors": errors}
            log(f"  {name}: p50 {out[name]['p50_ms']} ms, p95 {out[name]['p95_ms']} ms ({count} requests,"
                f" {errors} errors)")
    return out


async def _throughput(url: str, subjects: dict[str, list[dict[str, Any]]], clients: int,
                      seconds: float) -> dict[str, float]:
    mix = [(QUESTIONS[n][1], subjects[QUESTIONS[n][0]]) for n in ("symbolDependencies", "callers", "symbolAt",
                                                                   "search")]
    done = errors = 0
    deadline = time.perf_counter() + seconds

    async def client(i: int) -> None:
        nonlocal done, errors
        async with httpx.AsyncClient(base_url=url, timeout=120) as c:
            k = i
            while time.perf_counter() < deadline:
                query, pool = mix[k % len(mix)]
                try:
                    r = await c.post("/graphql", json={"query": query, "variables": pool[k % len(pool)]})
                    ok = _ok(r)
                except httpx.HTTPError:
                    ok = False
                done += 1
                errors += not ok
                k += 1

    start = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    elapsed = time.perf_counter() - start
    return {"clients": clients, "seconds": round(elapsed, 1), "requests": done,
            "requests_per_s": round(done / elapsed, 1), "errors": errors}


def bench_store(name: str, settings: Settings, root: Path | None, project: str,
                args: argparse.Namespace) -> dict[str, Any]:
    counts: dict[str, Any] = {}
    if root is not None:
        log(f"[{name}] ingesting {root.name}")
        report = ingest(root, settings, project=project)
        log(f"[{name}] {report.symbols} symbols, {report.edges} edges in {report.seconds:.1f}s")
        counts = {"symbols": report.symbols, "edges": report.edges}
    subjects = _subjects(settings, project, args.samples)
    port = _free_port()
    env = {**os.environ, "GRAPH_STORE": settings.store, "GRAPH_NEO4J_USER": settings.neo4j_user,
           "GRAPH_NEO4J_PASSWORD": settings.neo4j_password, "PYTHONPATH": str(REPO_DIR)}
    server = subprocess.Popen([sys.executable, "-m", "ingest_cli", "serve", "--port", str(port), "--log-level",
                               "warning"], cwd=REPO_DIR, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        latency = _latency(url, subjects, args.samples)
        log(f"[{name}] {args.clients} clients for {args.seconds:g}s")
        throughput = asyncio.run(_throughput(url, subjects, args.clients, args.seconds))
        log(f"  {throughput['requests_per_s']} requests/s, {throughput['errors']} errors")
    finally:
        server.terminate()
        server.wait(20)
    return {**counts, "latency": latency, "throughput": throughput}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stores", default="ladybug,neo4j")
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--corpus", default=bench_ingest.DEFAULT_CORPUS)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--ladybug-store", type=Path, default=None,
                        help="an embedded store ingested before (a copy: the server opens it read-only)")
    parser.add_argument("--project", default="django", help="the project to ask about in --ladybug-store")
    args = parser.parse_args()
    if args.ladybug_store is not None:
        if not args.ladybug_store.exists():
            parser.error(f"no store at {args.ladybug_store}")
        settings = Settings(store=f"ladybug://{args.ladybug_store.resolve()}")
        results = {"store": str(args.ladybug_store), "ladybug": bench_store("ladybug", settings, None, args.project,
                                                                            args)}
        print(json.dumps(results, indent=2, sort_keys=True))
        if args.json:
            args.json.write_text(json.dumps(results, indent=2, sort_keys=True), encoding="utf-8")
        return 0
    corpus = bench_ingest.fetch_corpus(args.corpus)
    results: dict[str, Any] = {"corpus": corpus.label}
    with bench_ingest.working_copy(corpus) as root:
        for store in args.stores.split(","):
            if store == "ladybug":
                tmp = Path(tempfile.mkdtemp(prefix="graphsvc-bench-api-"))
                settings = Settings(store=f"ladybug://{tmp / 'g.lbug'}", workers=2)
                results[store] = bench_store(store, settings, root, "django", args)
            else:
                target = bench_ingest.neo4j_target(2)
                try:
                    settings = Settings(**target.settings_for_run(0))
                    results[store] = bench_store(store, settings, root, "django", args)
                finally:
                    target.cleanup()
    print(json.dumps(results, indent=2, sort_keys=True))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

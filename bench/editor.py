"""Editor benchmark: ``graph lsp`` answering a real LSP client over stdio on the Django graph.

Usage::

    python bench/editor.py [--stores ladybug,neo4j] [--sites 100] [--saves 5] [--corpus NAME==VERSION]
                           [--decode json|typed] [--json OUT]
    python bench/editor.py --store ladybug:///tmp/copy.lbug --root /tmp/copy-of-tree [--sites 100] [--saves 5]

For each store, a temporary copy of the corpus (``bench/ingest.py`` fetches and caches it) is
ingested in full, then ``python -m ingest_cli lsp`` is started with the copy as its workspace
folder and driven by pygls's client over stdin/stdout, as an editor would:

* call sites: ``--sites`` exact CALLS edges between indexed symbols, sampled with a fixed seed;
  at each one: ``textDocument/definition``, ``textDocument/hover``, ``textDocument/references``
  (declaration included) and ``callHierarchy/incomingCalls`` (of the item ``prepareCallHierarchy``
  gives there; only the incoming request is timed);
* ``workspace/symbol``: the names of the sampled targets with their last letter dropped (a
  prefix and a fuzzy match at once);
* save-to-fresh: ``--saves`` times, a new function is appended to the module with the most
  incoming references, written to disk and ``didSave``-d; the time runs from the ``didSave``
  notification to the first ``workspace/symbol`` answer that lists the new function (the
  server waits for the incremental ingest the save started before answering);
* the server's resident memory (``VmRSS`` and its peak ``VmHWM`` from ``/proc``) at the end.

``--store URL --root DIR`` drive the server over a store already ingested from ``DIR`` instead (no
copy, no full ingest: a run takes a minute instead of many). Give copies of both: the saves write
to ``DIR`` (the module is put back at the end) and ingest into the store.

``--jedi requests==2.32.3`` (optional, needs ``jedi``): ``definition`` at every call site the graph
recorded in that corpus, compared with jedi's ``goto(follow_imports=True)`` by
``bench/editor_reference.py`` (which says what agrees and how differences are counted).

Latencies are round trips seen by the client: JSON-RPC over pipes, the store (read through the
server's held writer or its kept read-only handle), the queries and the position conversions, and
the client's decoding of the answer. The timing starts right after ``initialized``, while the server
still primes its ingest cache and reads the workspace's texts. The client's own set-up is frozen
out of its garbage collector first, so its collections do not count as the server's time. ``--decode json`` (the default) keeps locations and incoming calls as the decoded JSON,
as editors' clients hold them (Neovim's a Lua table from ``vim.json.decode``, VS Code's a parsed
object); ``--decode typed`` makes pygls build its lsprotocol objects from them (through cattrs,
about 10 µs per location: 20 ms of a 2,000-location answer), so both figures can be given. Reported as p50/p95 (and
max) in milliseconds. The first request of each kind is a warm-up and is not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
# The repo first (bench/api.py must not stand in for the api package), bench/ last (for ingest.py).
sys.path[:] = [str(REPO_DIR), *(p for p in sys.path if Path(p or ".").resolve() not in (REPO_DIR, BENCH_DIR)),
               str(BENCH_DIR)]

from lsprotocol import types as lsp  # noqa: E402
from pygls.lsp.client import BaseLanguageClient  # noqa: E402

import ingest as bench_ingest  # noqa: E402  # bench/ingest.py: corpus fetching and the Neo4j launcher
from api.documents import FileText  # noqa: E402
from graphsvc.ingest.run import ingest  # noqa: E402
from graphsvc.settings import Settings  # noqa: E402
from graphsvc.store import open_store  # noqa: E402
from queries import graph  # noqa: E402

SEED = 20260523


def log(msg: str) -> None:
    print(f"[editor] {msg}", file=sys.stderr, flush=True)


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {}

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {"n": len(ordered), "p50_ms": at(0.5), "p95_ms": at(0.95), "max_ms": round(ordered[-1] * 1000, 1)}


def sample_sites(settings: Settings, root: Path, n: int) -> list[dict[str, Any]]:
    """Exact calls between indexed symbols: the caller's file, the LSP position, the target."""
    rng = random.Random(SEED)
    sites: list[dict[str, Any]] = []
    with open_store(settings, read_only=True) as store:
        # Sorted first: the store returns rows in no fixed order, and the seed must pick the same sites.
        symbols = sorted((r for r in store.read("search_symbols") if r["kind"] in ("Function", "Method")
                          and "/tests/" not in r["id"]), key=lambda r: r["id"])
        rng.shuffle(symbols)
        for row in symbols:
            if len(sites) >= n:
                break
            refs = [r for r in graph.callees(store, row["id"], graph.window(50)).items
                    if r.resolution == "exact" and isinstance(r.target, graph.SymbolInfo) and r.file is not None
                    and r.line is not None and r.column is not None]
            if not refs:
                continue
            ref = refs[0]
            assert ref.file is not None and ref.line is not None and ref.column is not None
            text = FileText.read(root / ref.file.path)
            if text is None:
                continue
            line, ch = text.to_lsp(ref.line, ref.column)
            sites.append({"uri": (root / ref.file.path).as_uri(), "line": line, "character": ch,
                          "target": ref.target.id, "name": ref.target.name})
    return sites


def most_referenced_module(settings: Settings) -> str:
    """The path of the file whose symbols have the most incoming references (a sample of 3,000 symbols)."""
    with open_store(settings, read_only=True) as store:
        ids = sorted(r["id"] for r in store.read("search_symbols") if "/tests/" not in r["id"])
        counts = graph.reference_counts(store, random.Random(SEED).sample(ids, min(3000, len(ids))))
    per_file: dict[str, int] = {}
    for sid, n in counts.items():
        split = sid.partition("#")[0].split(":", 3)
        per_file[split[-1]] = per_file.get(split[-1], 0) + n
    return max(per_file.items(), key=lambda kv: kv[1])[0]


async def timed(results: dict[str, list[float]], key: str, coro: Any) -> Any:
    t = time.perf_counter()
    out = await coro
    results.setdefault(key, []).append(time.perf_counter() - t)
    return out


def server_rss(pid: int) -> dict[str, float]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key + "_MiB"] = round(int(value.split()[0]) / 1024, 1)
    return out


def client_converter(decode: str) -> Any:
    """pygls's converter for the bench client: with ``json``, locations and incoming calls stay the
    decoded JSON (what the bench does with an answer needs nothing more)."""
    from pygls.protocol import default_converter

    conv = default_converter()
    if decode == "json":
        for cls in (lsp.Location, lsp.CallHierarchyIncomingCall):
            conv.register_structure_hook(cls, lambda obj, _type: obj)
    return conv


async def drive(settings: Settings, root: Path, sites: list[dict[str, Any]], saves: int,
                module: str, decode: str = "json") -> dict[str, Any]:
    cmd = [sys.executable, "-m", "ingest_cli", "lsp", "--store", settings.store]
    if not settings.store.startswith("ladybug:"):
        cmd += ["--neo4j-user", settings.neo4j_user, "--neo4j-password", settings.neo4j_password]
    client = BaseLanguageClient("graphsvc-bench", "1", converter_factory=lambda: client_converter(decode))
    # What this process made so far (the corpus, the sampled sites, the store's answers) is never
    # walked by its own collections: a full one took 30-40 ms inside whichever request it hit.
    gc.collect()
    gc.freeze()
    await client.start_io(*cmd, env={**os.environ, "PYTHONPATH": str(REPO_DIR)}, cwd=str(REPO_DIR))
    t = time.perf_counter()
    await client.initialize_async(lsp.InitializeParams(
        capabilities=lsp.ClientCapabilities(), root_uri=root.as_uri(),
        workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name=root.name)]))
    client.initialized(lsp.InitializedParams())
    started = time.perf_counter() - t
    lat: dict[str, list[float]] = {}
    for i, s in enumerate(sites):
        doc = lsp.TextDocumentIdentifier(uri=s["uri"])
        pos = lsp.Position(s["line"], s["character"])
        sink: dict[str, list[float]] = {} if i == 0 else lat  # the first round warms up
        got = await timed(sink, "definition", client.text_document_definition_async(
            lsp.DefinitionParams(text_document=doc, position=pos)))
        if i == 0 and not got:
            log(f"warning: no definition at {s}")
        await timed(sink, "hover", client.text_document_hover_async(lsp.HoverParams(text_document=doc, position=pos)))
        await timed(sink, "references", client.text_document_references_async(lsp.ReferenceParams(
            text_document=doc, position=pos, context=lsp.ReferenceContext(include_declaration=True))))
        items = await client.text_document_prepare_call_hierarchy_async(lsp.CallHierarchyPrepareParams(
            text_document=doc, position=pos))
        if items:
            await timed(sink, "incoming_calls", client.call_hierarchy_incoming_calls_async(
                lsp.CallHierarchyIncomingCallsParams(item=items[0])))
        query = s["name"][:-1] if len(s["name"]) > 3 else s["name"]
        await timed(sink, "workspace_symbol", client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query=query)))
    answered = {k: sum(1 for _ in v) for k, v in lat.items()}
    fresh: list[float] = []
    path = root / module
    original = path.read_bytes()
    uri = path.as_uri()
    try:
        for i in range(saves):
            name = f"bench_probe_{i}_{os.getpid()}"
            path.write_bytes(original + f"\n\ndef {name}():\n    return {i}\n".encode())
            t = time.perf_counter()
            client.text_document_did_save(lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
            while True:
                got = await client.workspace_symbol_async(lsp.WorkspaceSymbolParams(query=name))
                if any(getattr(g, "name", "") == name for g in got or []):
                    break
                if time.perf_counter() - t > 60:
                    raise RuntimeError(f"{name} never appeared")
            fresh.append(time.perf_counter() - t)
    finally:
        path.write_bytes(original)
        client.text_document_did_save(lsp.DidSaveTextDocumentParams(text_document=lsp.TextDocumentIdentifier(uri=uri)))
    pid = client._server.pid if client._server else 0  # noqa: SLF001 — pygls keeps the process there
    rss = server_rss(pid) if pid else {}
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {"initialize_s": round(started, 3), "latency": {k: percentiles(v) for k, v in lat.items()},
            "requests": answered, "decode": decode, "save_to_fresh": percentiles(fresh), "save_module": module, "server": rss}


def run_store(store: str, corpus: Any, sites_n: int, saves: int, decode: str) -> dict[str, Any]:
    target = bench_ingest.ladybug_target(2) if store == "ladybug" else bench_ingest.neo4j_target(2)
    try:
        with bench_ingest.working_copy(corpus) as root:
            flags = target.settings_for_run(0)
            settings = Settings(**flags)
            log(f"{store}: full ingest of {root.name}")
            report = ingest(root, settings)
            log(f"{store}: {report.changed} files in {report.seconds:.1f}s; sampling call sites")
            sites = sample_sites(settings, root, sites_n)
            module = most_referenced_module(settings)
            log(f"{store}: {len(sites)} sites; save module {module}; driving graph lsp")
            out = asyncio.run(drive(settings, root, sites, saves, module, decode))
            out["ingest_s"] = report.seconds
            return out
    finally:
        target.cleanup()


def run_existing(store_url: str, root: Path, sites_n: int, saves: int, decode: str) -> dict[str, Any]:
    """The same drive over a store already ingested from ``root`` (``--store``/``--root``)."""
    settings = Settings(store=store_url)
    sites = sample_sites(settings, root, sites_n)
    module = most_referenced_module(settings)
    log(f"{store_url}: {len(sites)} sites; save module {module}; driving graph lsp")
    return asyncio.run(drive(settings, root, sites, saves, module, decode))


def jedi_sites(settings: Settings, root: Path) -> list[dict[str, Any]]:
    """Every call site the graph recorded in the corpus: the caller's file and the LSP position."""
    sites = []
    with open_store(settings, read_only=True) as store:
        for row in store.read("search_symbols"):
            for ref in graph.callees(store, row["id"], graph.window(graph.MAX_PAGE)).items:
                if ref.file is None or ref.line is None or ref.column is None:
                    continue
                text = FileText.read(root / ref.file.path)
                if text is None:
                    continue
                line, ch = text.to_lsp(ref.line, ref.column)
                sites.append({"path": ref.file.path, "uri": (root / ref.file.path).as_uri(), "line": line,
                              "character": ch, "resolution": ref.resolution})
    return sites


async def graph_definitions(settings: Settings, root: Path, sites: list[dict[str, Any]]) -> list[Any]:
    client = BaseLanguageClient("graphsvc-bench", "1")
    await client.start_io(sys.executable, "-m", "ingest_cli", "lsp", "--store", settings.store,
                          env={**os.environ, "PYTHONPATH": str(REPO_DIR)}, cwd=str(REPO_DIR))
    await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities(), root_uri=root.as_uri(),
                                                       workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(),
                                                                                              name=root.name)]))
    client.initialized(lsp.InitializedParams())
    out = []
    for s in sites:
        got = await client.text_document_definition_async(lsp.DefinitionParams(
            text_document=lsp.TextDocumentIdentifier(uri=s["uri"]), position=lsp.Position(s["line"], s["character"])))
        out.append(got[0] if got else None)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stores", default="ladybug,neo4j")
    ap.add_argument("--sites", type=int, default=100)
    ap.add_argument("--saves", type=int, default=5)
    ap.add_argument("--decode", choices=("json", "typed"), default="json",
                    help="How the client holds locations and incoming calls: the decoded JSON, or lsprotocol objects.")
    ap.add_argument("--corpus", default=bench_ingest.DEFAULT_CORPUS)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--store", default=None, metavar="URL",
                    help="An embedded store already ingested from --root (a copy: the saves write to it).")
    ap.add_argument("--root", type=Path, default=None, help="The tree --store was ingested from (a copy).")
    ap.add_argument("--jedi", default=None, metavar="NAME==VERSION",
                    help="Also compare definitions at every call site of this corpus with jedi (e.g. requests==2.32.3).")
    args = ap.parse_args()
    if args.jedi:
        from bench.editor_reference import compare

        found = compare(args.jedi)
        print(json.dumps({"jedi": found}, indent=1), flush=True)
        if not args.stores:
            return
    if args.store or args.root:
        if not (args.store and args.root):
            ap.error("--store and --root go together")
        out = run_existing(args.store, args.root.resolve(), args.sites, args.saves, args.decode)
        print(json.dumps({args.store: out}, indent=1), flush=True)
        if args.json:
            args.json.write_text(json.dumps({"command": " ".join(["python", "bench/editor.py", *sys.argv[1:]]),
                                             "sites": args.sites, "saves": args.saves, "stores": {args.store: out}},
                                            indent=1) + "\n", encoding="utf-8")
        return
    corpus = bench_ingest.fetch_corpus(args.corpus)
    results: dict[str, Any] = {"corpus": corpus.label, "sites": args.sites, "saves": args.saves,
                               "command": " ".join(["python", "bench/editor.py", *sys.argv[1:]]), "stores": {}}
    for store in filter(None, args.stores.split(",")):
        results["stores"][store] = run_store(store, corpus, args.sites, args.saves, args.decode)
        print(json.dumps({store: results["stores"][store]}, indent=1), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

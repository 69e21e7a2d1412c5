"""TypeScript resolution accuracy and parse speed on real code (a benchmark, not a test).

Usage::

    python bench/accuracy_ts.py [--corpus rxjs@7.8.1 ...] [--runs 5] [--json OUT]

Corpora:
    npm tarballs of releases that ship their TypeScript sources under ``src/`` (default
    ``rxjs@7.8.1``, ``@tanstack/query-core@5.59.0``, ``immer@10.1.1``), fetched with
    ``npm pack NAME@VERSION --pack-destination bench/.cache/npm`` and extracted once; the
    ``src/`` tree is copied to a temporary directory, which is the indexed repo (the built
    ``dist``/``build`` outputs and their ``.d.ts`` files are not indexed).

Reference (compiler-grade):
    ``bench/ts_reference.cjs`` runs the TypeScript compiler (``typescript@5.6.3``, installed
    with ``npm install --prefix bench/.cache/node``) over the same files: for every call and
    ``new`` expression whose callee is a name or a property access it reports the
    declaration the type checker binds the callee's name to (aliases followed). Call sites
    are matched with ours by file, line and column of the callee's name (our columns are
    bytes, the checker's UTF-16 units: the same on these ASCII sources).

Figures:
    * shares of our call sites (CALLS edges) by outcome: ``exact`` to a Symbol of the repo,
      ``exact`` to a named External, ``heuristic``, ``unresolved``;
    * precision and recall of cross-file call edges (caller and callee in different files
      of the repo). Reference edges: the sites the checker binds to a declaration in another
      file of the repo. Our edges: ``exact`` CALLS edges to a Symbol in another file (and
      separately ``exact`` + ``heuristic``). An edge of ours is correct when the checker
      binds that site to the same file and the same line of the declaration's name;
      a site the checker binds elsewhere (or not at all) counts against precision.
      Precision = correct / ours, recall = correct / reference;
    * speed: ``parse_source`` (parse + tags query + adapter) over every file, as a ratio to
      tree-sitter parse-only time (``Parser.parse``) in the same process, medians of
      ``--runs``; and one full ingest (``workers=1``, fresh LadybugDB store, store set-up
      included) as a ratio to the same parse-only median.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graphsvc.ingest.parse import parse_source  # noqa: E402
from graphsvc.ingest.run import ingest  # noqa: E402
from graphsvc.ingest.scan import scan  # noqa: E402
from graphsvc.model import split_symbol_id  # noqa: E402
from graphsvc.settings import Settings  # noqa: E402
from parsers import registry  # noqa: E402
from tests.helpers import export_text  # noqa: E402

CACHE = ROOT / "bench" / ".cache"
TYPESCRIPT = "typescript@5.6.3"
DEFAULT_CORPORA = ("rxjs@7.8.1", "@tanstack/query-core@5.59.0", "immer@10.1.1")


def _typescript() -> Path:
    prefix = CACHE / "node"
    if not (prefix / "node_modules" / "typescript" / "package.json").is_file():
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(prefix), TYPESCRIPT],
                       check=True)
    return prefix / "node_modules"


def _corpus(spec: str) -> Path:
    """The extracted ``src/`` of an npm release, downloaded once."""
    name = spec.lstrip("@").replace("/", "-").replace("@", "-")
    dest = CACHE / "src" / name
    if (dest / "package" / "src").is_dir():
        return dest / "package" / "src"
    dl = CACHE / "npm"
    dl.mkdir(parents=True, exist_ok=True)
    out = subprocess.run(["npm", "pack", spec, "--silent", "--pack-destination", str(dl)], check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()[-1]
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(dl / out) as tar:
        tar.extractall(dest, filter="data")
    return dest / "package" / "src"


def _reference(repo: Path, node_modules: Path) -> dict[tuple[str, int, int], dict[str, Any]]:
    out = repo.parent / "reference.json"
    env = {"NODE_PATH": str(node_modules), "PATH": str(Path(shutil.which("node") or "node").parent)}
    subprocess.run(["node", "--max-old-space-size=3072", str(ROOT / "bench" / "ts_reference.cjs"), str(repo),
                    str(out)], check=True, env=env)
    data = json.loads(out.read_text())
    return {(r["file"], r["line"], r["col"]): r for r in data["rows"]}


def _ours(repo: Path, store: Path) -> tuple[list[dict[str, Any]], dict[str, int], float]:
    settings = Settings(store=f"ladybug://{store}", workers=1)
    t = time.perf_counter()
    ingest(repo, settings)
    seconds = time.perf_counter() - t
    lines: dict[str, int] = {}
    calls = []
    for line in export_text(settings).splitlines():
        row = json.loads(line)
        node = row.get("node")
        if node is not None and node.get("label") == "Symbol":
            lines[node["id"]] = node["line"]
        edge = row.get("edge")
        if edge is not None and edge["type"] == "CALLS":
            calls.append(edge)
    return calls, lines, seconds


def _file_of(symbol: str) -> str:
    split = split_symbol_id(symbol)
    assert split is not None
    return split[0].split(":", 3)[3]


def accuracy(calls: list[dict[str, Any]], lines: dict[str, int],
             ref: dict[tuple[str, int, int], dict[str, Any]]) -> dict[str, Any]:
    shares: Counter[str] = Counter()
    ours: dict[str, dict[tuple[str, int, int], tuple[str, int]]] = {"exact": {}, "exact+heuristic": {}}
    for e in calls:
        res = e["resolution"]
        to_symbol = e["to"].startswith("sym:")
        shares["exact" if res == "exact" and to_symbol else "external" if res == "exact" else res] += 1
        if not to_symbol or res == "unresolved":
            continue
        site = (_file_of(e["from"]), e["line"], e["column"])
        target = (_file_of(e["to"]), lines[e["to"]])
        if target[0] == site[0]:
            continue
        ours["exact+heuristic"][site] = target
        if res == "exact":
            ours["exact"][site] = target
    reference = {site: (r["tfile"], r["tline"]) for site, r in ref.items()
                 if r["kind"] == "in" and r["tfile"] != site[0]}
    total = sum(shares.values())
    result: dict[str, Any] = {
        "call_sites": total,
        "shares": {k: round(shares[k] / total, 3) if total else 0.0
                   for k in ("exact", "external", "heuristic", "unresolved")},
        "reference_cross_file_edges": len(reference),
    }
    for label, edges in ours.items():
        correct = sum(1 for site, target in edges.items() if reference.get(site) == target)
        result[label] = {
            "edges": len(edges), "correct": correct,
            "precision": round(correct / len(edges), 3) if edges else None,
            "recall": round(correct / len(reference), 3) if reference else None,
        }
    wrong = [(site, t, reference.get(site), ref.get(site, {}).get("kind")) for site, t in ours["exact"].items()
             if reference.get(site) != t]
    result["wrong_exact_sample"] = [list(map(str, w)) for w in wrong[:15]]
    missed = sorted(site for site in reference if site not in ours["exact"])
    result["missed_sample"] = [f"{f}:{line}:{col}" for f, line, col in missed[:: max(1, len(missed) // 15)][:15]]
    return result


def speed(repo: Path, runs: int) -> dict[str, float]:
    scanned = scan(repo, None)
    items = [(f.path, f.lang, (repo / f.path).read_bytes()) for f in scanned.files]
    parse_only, full = [], []
    for _ in range(runs):
        t = time.perf_counter()
        for _, lang, src in items:
            registry.compiled(lang)[0].parse(src)
        parse_only.append(time.perf_counter() - t)
        t = time.perf_counter()
        for path, lang, src in items:
            parse_source(lang, path, src)
        full.append(time.perf_counter() - t)
    p, f = statistics.median(parse_only), statistics.median(full)
    return {"files": len(items), "parse_only_s": round(p, 3), "parse_source_s": round(f, 3),
            "parse_source_ratio": round(f / p, 2)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", action="append", help="npm NAME@VERSION (repeatable)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    node_modules = _typescript()
    report: dict[str, Any] = {}
    for spec in args.corpus or DEFAULT_CORPORA:
        src = _corpus(spec)
        with tempfile.TemporaryDirectory() as tmp:
            repo = Path(tmp) / "repo"
            shutil.copytree(src, repo)
            ref = _reference(repo, node_modules)
            calls, lines, ingest_s = _ours(repo, Path(tmp) / "g.lbug")
            entry = accuracy(calls, lines, ref)
            entry["speed"] = speed(repo, args.runs)
            entry["speed"]["ingest_s"] = round(ingest_s, 3)
            entry["speed"]["ingest_ratio"] = round(ingest_s / entry["speed"]["parse_only_s"], 1)
        report[spec] = entry
        print(json.dumps({spec: entry}, indent=1), flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

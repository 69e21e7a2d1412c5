"""What the accuracy benchmarks share: our call edges, scoring against a reference, speed ratios.

Not a benchmark by itself; ``accuracy_go.py`` and ``accuracy_python.py`` import it.

Scoring (the same for every language):

* A **call site** is the position (path, 1-based line, 0-based byte column) of the name
  a call names: ``f`` in ``f(x)``, ``m`` in ``x.m()``. Our side is every ``CALLS`` edge
  of a full ingest (one per site); the reference side is what a compiler-grade tool
  says the name at that position denotes, as the position of the callee's name where
  it is declared.
* **Shares** of our call sites: ``exact`` (an exact edge to a Symbol of the repo),
  ``heuristic`` (a heuristic edge, whatever its target), ``External`` (an exact edge to
  an External), ``unresolved``.
* **Cross-file call edges**: ours are the exact and heuristic edges from a site to a
  Symbol declared in another file of the repo; the reference's are the sites whose
  callee the reference declares in another file of the repo (names local to a function
  excluded). An edge of ours is correct when the reference has the same site and its
  callee is declared at our target's name position. Precision = correct / ours;
  recall = correct / reference. Only files the reference analysed are counted on
  either side. The same figures are given for exact and heuristic edges apart, and for
  heuristic edges per confidence band.
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tree_sitter import Parser

from graphsvc.export import export_lines
from graphsvc.ingest.hash import hash_file
from graphsvc.ingest.parse import parse_source
from graphsvc.ingest.run import ingest
from graphsvc.ingest.scan import scan
from graphsvc.model import split_symbol_id
from graphsvc.settings import Settings
from graphsvc.store import open_store
from parsers import registry

__all__ = ["Def", "OurCall", "Ours", "copy_tree", "ingest_calls", "score", "speed"]

Site = tuple[str, int, int]  # (path, line, column)
Def = tuple[str, int, int]  # where the callee's name is declared


@dataclass(frozen=True)
class OurCall:
    """One CALLS edge of ours: where it goes and how sure it is."""

    target: str
    resolution: str
    confidence: float | None
    defined_at: Def | None  # the target Symbol's name position; None for External targets


@dataclass
class Ours:
    """The call edges of one full ingest, by site."""

    calls: dict[Site, OurCall] = field(default_factory=dict)
    seconds: float = 0.0


@contextmanager
def copy_tree(source: Path, name: str) -> Iterator[Path]:
    """A temporary copy of ``source`` outside any git work tree, removed afterwards."""
    parent = Path(tempfile.mkdtemp(prefix="graphsvc-accuracy-"))
    try:
        root = parent / name
        shutil.copytree(source, root, symlinks=True)
        for path in [root, *root.rglob("*")]:
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | 0o200)
        yield root
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def ingest_calls(root: Path, lang: str) -> Ours:
    """Index ``root`` (one language, one process) into a throw-away store; collect its CALLS edges."""
    with tempfile.TemporaryDirectory(prefix="graphsvc-accuracy-store-") as tmp:
        settings = Settings(store=f"ladybug://{tmp}/g.lbug", workers=1, languages=[lang])
        report = ingest(root, settings)
        positions: dict[str, Def] = {}
        edges: list[dict[str, Any]] = []
        with open_store(settings, read_only=True) as store:
            for line in export_lines(store, None):
                obj = json.loads(line)
                node = obj.get("node")
                if node is not None and node["label"] == "Symbol":
                    split = split_symbol_id(node["id"])
                    assert split is not None
                    positions[node["id"]] = (split[0].split(":", 3)[3], node["line"], node["column"])
                elif "edge" in obj and obj["edge"]["type"] == "CALLS":
                    edges.append(obj["edge"])
    ours = Ours(seconds=report.seconds)
    for e in edges:
        src = split_symbol_id(e["from"])
        assert src is not None
        src_path = src[0].split(":", 3)[3]
        target = e["to"]
        defined = None
        if target.startswith("sym:"):
            defined = positions[target]
        ours.calls[(src_path, e["line"], e["column"])] = OurCall(
            target=target, resolution=e["resolution"], confidence=e.get("confidence"), defined_at=defined)
    return ours


def shares(ours: Ours, files: set[str] | None = None) -> dict[str, Any]:
    """How our call sites resolved: counts and shares of exact / heuristic / External / unresolved."""
    counts = {"exact": 0, "heuristic": 0, "External": 0, "unresolved": 0}
    for (path, _, _), call in ours.calls.items():
        if files is not None and path not in files:
            continue
        if call.resolution == "heuristic":
            counts["heuristic"] += 1
        elif call.resolution == "unresolved":
            counts["unresolved"] += 1
        elif call.defined_at is None:
            counts["External"] += 1
        else:
            counts["exact"] += 1
    total = sum(counts.values())
    return {"sites": total, **{k: {"count": v, "share": round(v / total, 4) if total else None}
                                for k, v in counts.items()}}


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def score(ours: Ours, reference: dict[Site, Def | None], files: set[str]) -> dict[str, Any]:
    """Precision and recall of cross-file call edges (see the module docstring).

    ``reference`` maps every site the reference resolved to the callee's declaration in
    the repo, or None when the callee is outside the repo or local to a function.
    """
    ref_cross = {s: d for s, d in reference.items() if d is not None and s[0] in files and d[0] != s[0]}
    mine = {s: c for s, c in ours.calls.items() if s[0] in files and c.defined_at is not None
            and c.resolution in ("exact", "heuristic") and c.defined_at[0] != s[0]}
    correct = {s for s, c in mine.items() if reference.get(s) == c.defined_at}
    out: dict[str, Any] = {
        "reference_edges": len(ref_cross), "our_edges": len(mine), "correct": len(correct),
        "precision": _ratio(len(correct), len(mine)), "recall": _ratio(len(correct & set(ref_cross)), len(ref_cross)),
    }
    for resolution in ("exact", "heuristic"):
        part = {s for s, c in mine.items() if c.resolution == resolution}
        out[resolution] = {"edges": len(part), "correct": len(part & correct),
                           "precision": _ratio(len(part & correct), len(part))}
    bands: dict[str, list[int]] = {}
    for s, c in mine.items():
        if c.resolution == "heuristic":
            band = f"{c.confidence:.2f}" if c.confidence is not None else "?"
            bands.setdefault(band, [0, 0])
            bands[band][0] += 1
            bands[band][1] += s in correct
    out["heuristic_bands"] = {b: {"edges": n, "correct": k, "precision": _ratio(k, n)}
                              for b, (n, k) in sorted(bands.items())}
    wrong = sorted((s, mine[s].target, reference.get(s)) for s in set(mine) - correct)
    missed = sorted((s, ref_cross[s], ours.calls[s].target if s in ours.calls else None)
                    for s in set(ref_cross) - correct)
    out["wrong_examples"] = [f"{s[0]}:{s[1]}:{s[2]} ours={t} ref={r}" for s, t, r in wrong[:15]]
    out["missed_examples"] = [f"{s[0]}:{s[1]}:{s[2]} ref={r} ours={t}" for s, r, t in missed[:15]]
    return out


def speed(root: Path, lang: str, runs: int) -> dict[str, Any]:
    """Parse speed, as medians over ``runs``: tree-sitter parse-only, our parse stage, a full ingest.

    The files are exactly those an ingest of ``root`` indexes for ``lang``, read into memory
    first. "parse_source" is parse + tags query + the language adapter, single process; the full
    ingest is one process (``workers=1``) into a fresh embedded store.
    """
    scanned = scan(root, [lang], Settings().max_file_size)
    sources = []
    for f in scanned.files:
        result = hash_file(scanned.root / f.path)
        if isinstance(result, tuple) and not result[1]:
            sources.append((f.path, (scanned.root / f.path).read_bytes()))
    parser: Parser = registry.compiled(lang)[0]
    parse_only, ours, full = [], [], []
    for _ in range(runs):
        started = time.perf_counter()
        for _, source in sources:
            parser.parse(source)
        parse_only.append(time.perf_counter() - started)
        started = time.perf_counter()
        for path, source in sources:
            parse_source(lang, path, source)
        ours.append(time.perf_counter() - started)
        full.append(ingest_calls(root, lang).seconds)
    po, ps, fi = statistics.median(parse_only), statistics.median(ours), statistics.median(full)
    return {
        "files": len(sources), "bytes": sum(len(s) for _, s in sources), "runs": runs,
        "parse_only_s": round(po, 4), "parse_source_s": round(ps, 4), "full_ingest_s": round(fi, 4),
        "parse_source_ratio": round(ps / po, 2), "full_ingest_ratio": round(fi / po, 2),
    }

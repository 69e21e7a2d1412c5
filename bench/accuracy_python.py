"""Python resolution accuracy on real sdists, against jedi.

Usage::

    pip install 'jedi==0.19.2'   # or: pip install -e '.[bench]'
    python bench/accuracy_python.py [--corpus NAME==VERSION ...] [--runs 3] [--json OUT]

Corpus: pinned PyPI sdists (default ``requests==2.32.3`` and ``flask==3.0.3``), fetched and
extracted into ``bench/.cache/`` exactly as ``bench/ingest.py`` does.

Reference: for every call site our graph has (every ``CALLS`` edge, resolved or not), jedi's
``Script.goto(line, column, follow_imports=True)`` on the called name (plus ``Script.infer`` where
goto stops at an assignment or an import alias), with a ``jedi.Project``
rooted at the sdist, whose path is the tree (``src/`` first when there is one) and the
standard library, not site-packages: an installed copy of the same distribution must not
stand in for the tree. Where jedi answers
with several definitions, each counts: our edge is correct when it names one of them, and
the site is a reference cross-file edge when one of them lies in another file of the tree.
Names jedi resolves to a definition outside the tree (standard library, installed packages)
and names bound by an assignment inside a function count as not in the repo. Sites where
jedi finds nothing at all cannot judge an edge: precision leaves our edges there out
(reported as ``unjudged``), ``strict_precision`` counts them as wrong.

Ours: a full ingest of a temporary copy (Python files only, one process, embedded store).
Shares, precision and recall are defined in ``bench/accuracy.py``. Speed: tree-sitter
parse-only, ``parse_source`` and full ingest over the same files, medians of ``--runs``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
if str(REPO_DIR) not in sys.path:
    sys.path.insert(0, str(REPO_DIR))

from bench.accuracy import Def, Ours, copy_tree, ingest_calls, shares, speed  # noqa: E402
from bench.ingest import fetch_corpus  # noqa: E402

DEFAULT_CORPORA = ("requests==2.32.3", "flask==3.0.3")
Site = tuple[str, int, int]


def jedi_project(root: Path) -> Any:
    """A ``jedi.Project`` on an sdist tree: its path is the tree (``src/`` first when there is one)
    and the standard library, not site-packages, so that an installed copy of the same
    distribution cannot stand in for the tree being measured."""
    try:
        import jedi
    except ImportError:
        sys.exit("jedi is needed: pip install 'jedi==0.19.2' (the 'bench' extra pins it)")
    src = root / "src"
    stdlib = [p for p in sys.path if p and "site-packages" not in p and "dist-packages" not in p
              and Path(p).resolve() != REPO_DIR]
    return jedi.Project(path=root, sys_path=[*([str(src)] if src.is_dir() else []), str(root), *stdlib],
                        smart_sys_path=False)


def jedi_reference(root: Path, ours: Ours) -> tuple[dict[Site, set[Def]], set[Site], int, float]:
    """jedi's definitions in the tree for each of our call sites, the sites jedi answered at all
    (in the tree or outside it), the sites jedi raised on, and its time."""
    import jedi

    project = jedi_project(root)
    by_file: dict[str, list[Site]] = {}
    for site in ours.calls:
        by_file.setdefault(site[0], []).append(site)
    out: dict[Site, set[Def]] = {}
    answered: set[Site] = set()
    failures = 0
    started = time.perf_counter()
    for path, sites in sorted(by_file.items()):
        code = (root / path).read_text(encoding="utf-8", errors="replace")
        lines = code.splitlines()
        script = jedi.Script(code, path=str(root / path), project=project)
        for site in sites:
            _, line, column = site
            # Our columns are UTF-8 bytes; jedi's are characters.
            text = lines[line - 1].encode("utf-8")[:column].decode("utf-8", "replace") if line <= len(lines) else ""
            try:
                names = script.goto(line, len(text), follow_imports=True)
                if any(n.type == "statement" for n in names):
                    # goto stopped at an assignment or an import alias: add what it infers there.
                    names = [*names, *script.infer(line, len(text))]
            except Exception:  # jedi gives up on some constructs; count the site, go on
                failures += 1
                continue
            defs: set[Def] = set()
            if names:
                answered.add(site)
            for name in names:
                module = name.module_path
                if module is None or name.line is None or name.column is None:
                    continue
                try:
                    rel = Path(module).resolve().relative_to(root.resolve()).as_posix()
                except ValueError:
                    continue
                defs.add((rel, name.line, _byte_column(root / rel, name.line, name.column)))
            out[site] = defs
    return out, answered, failures, time.perf_counter() - started


_LINES: dict[Path, list[str]] = {}


def _byte_column(path: Path, line: int, column: int) -> int:
    lines = _LINES.get(path)
    if lines is None:
        lines = _LINES[path] = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return len(lines[line - 1][:column].encode("utf-8")) if line <= len(lines) else column


def score_sets(ours: Ours, reference: dict[Site, set[Def]], answered: set[Site]) -> dict[str, Any]:
    """Precision and recall of cross-file call edges where the reference may give several definitions.

    Precision is over our edges at sites jedi answered (``unjudged``: our edges where jedi found
    nothing at all, in the tree or outside); ``strict_precision`` counts those as wrong too.
    """
    ref_cross = {s for s, defs in reference.items() if any(d[0] != s[0] for d in defs)}
    all_mine = {s: c for s, c in ours.calls.items() if c.defined_at is not None
                and c.resolution in ("exact", "heuristic") and c.defined_at[0] != s[0]}
    mine = {s: c for s, c in all_mine.items() if s in answered}
    correct = {s for s, c in mine.items() if c.defined_at in reference.get(s, set())}
    result: dict[str, Any] = {
        "reference_edges": len(ref_cross), "our_edges": len(mine), "correct": len(correct),
        "unjudged": len(all_mine) - len(mine),
        "precision": round(len(correct) / len(mine), 4) if mine else None,
        "strict_precision": round(len(correct) / len(all_mine), 4) if all_mine else None,
        "recall": round(len(correct & ref_cross) / len(ref_cross), 4) if ref_cross else None,
    }
    for resolution in ("exact", "heuristic"):
        part = {s for s, c in mine.items() if c.resolution == resolution}
        result[resolution] = {"edges": len(part), "correct": len(part & correct),
                              "precision": round(len(part & correct) / len(part), 4) if part else None}
    bands: dict[str, list[int]] = {}
    for s, c in mine.items():
        if c.resolution == "heuristic":
            b = bands.setdefault(f"{c.confidence:.2f}" if c.confidence is not None else "?", [0, 0])
            b[0] += 1
            b[1] += s in correct
    result["heuristic_bands"] = {k: {"edges": n, "correct": m, "precision": round(m / n, 4)}
                                 for k, (n, m) in sorted(bands.items())}
    result["wrong_examples"] = [f"{s[0]}:{s[1]}:{s[2]} ours={mine[s].target} jedi={sorted(reference.get(s, set()))}"
                                for s in sorted(set(mine) - correct)[:25]]
    result["missed_examples"] = [f"{s[0]}:{s[1]}:{s[2]} jedi={sorted(reference[s])} ours={ours.calls[s].target}"
                                 for s in sorted(ref_cross - correct)[:25]]
    return result


def run(spec: str, runs: int) -> dict[str, Any]:
    """Measure one sdist."""
    corpus = fetch_corpus(spec)
    with copy_tree(corpus.source, corpus.label) as root:
        ours = ingest_calls(root, "python")
        reference, answered, failures, seconds = jedi_reference(root, ours)
        timing = speed(root, "python", runs)
    return {
        "corpus": spec, "shares": shares(ours), "jedi_failures": failures, "jedi_seconds": round(seconds, 1),
        "cross_file_calls": score_sets(ours, reference, answered), "speed": timing,
    }


def _print(r: dict[str, Any]) -> None:
    sh, cf, sp = r["shares"], r["cross_file_calls"], r["speed"]
    print(f"\n== {r['corpus']}: {sh['sites']} call sites (jedi failed on {r['jedi_failures']}, {r['jedi_seconds']} s)")
    print("   shares: " + ", ".join(f"{k} {sh[k]['share']:.1%}" for k in ("exact", "heuristic", "External", "unresolved")))
    print(f"   cross-file call edges: precision {cf['precision']} recall {cf['recall']} "
          f"(ours {cf['our_edges']}, jedi {cf['reference_edges']}, correct {cf['correct']}; "
          f"{cf['unjudged']} more of ours where jedi found nothing, strict precision {cf['strict_precision']})")
    print(f"   exact: {cf['exact']}   heuristic: {cf['heuristic']}")
    for band, b in cf["heuristic_bands"].items():
        print(f"   heuristic confidence {band}: {b}")
    for line in cf["wrong_examples"][:10]:
        print(f"   wrong:  {line}")
    for line in cf["missed_examples"][:10]:
        print(f"   missed: {line}")
    print(f"   speed ({sp['files']} files, median of {sp['runs']}): parse-only {sp['parse_only_s']} s, "
          f"parse_source {sp['parse_source_s']} s (x{sp['parse_source_ratio']}), "
          f"full ingest {sp['full_ingest_s']} s (x{sp['full_ingest_ratio']})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", action="append", help="NAME==VERSION of a PyPI sdist (repeatable)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    results = [run(spec, args.runs) for spec in (args.corpus or DEFAULT_CORPORA)]
    for r in results:
        _print(r)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()

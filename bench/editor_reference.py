"""Editor definitions against a compiler-grade reference: ``graph lsp`` and jedi at every call site.

Usage::

    pip install 'jedi==0.19.2'   # or: pip install -e '.[bench]'
    python bench/editor_reference.py [--corpus requests==2.32.3] [--examples 40] [--json OUT]

The corpus (a pinned PyPI sdist, fetched and cached in ``bench/.cache`` as ``bench/ingest.py``
does) is copied and ingested in full into a temporary embedded store. Its call sites are the
positions of every ``CALLS`` edge the graph recorded (resolved or not): the called name, where an
editor's cursor would be. At each one:

* **ours**: ``textDocument/definition`` from ``python -m ingest_cli lsp``, asked by pygls's LSP
  client over stdio (the same client as ``bench/editor.py``);
* **reference**: jedi 0.19.2 ``Script.goto(follow_imports=True)`` at the same position (plus
  ``Script.infer`` where goto stops at an assignment or an import alias), in a ``jedi.Project``
  whose path is the tree and the standard library only (``bench/accuracy_python.jedi_project``),
  so that an installed copy of the corpus cannot stand in for it.

A definition is a (file, line) inside the tree; jedi may give several (each counts). Categories:

``agree``                  our location is one of jedi's in-tree definitions;
``agree_outside``          neither answers inside the tree, jedi resolves outside it (stdlib, builtins);
``agree_nothing``          neither finds anything;
``differ_we_answer_nothing``  jedi finds an in-tree definition, we answer nothing;
``differ_jedi_nothing``    we answer, jedi finds nothing at all;
``differ_external``        we answer in the tree, jedi resolves only outside it (stdlib, builtins);
``differ_targets``         both answer in the tree, at different places;
``jedi_error``             jedi raised.

Each category is also split by the ``resolution`` of our edge at the site, and a sample of the
differences is printed with both answers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
# The repo first: bench/api.py must not stand in for the api package (bench/editor.py puts bench/
# first on the path when it is imported, so api is imported before it).
sys.path[:] = [str(REPO_DIR), *(p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR)]

from api.documents import FileText  # noqa: E402
from bench import ingest as bench_ingest  # noqa: E402  # corpus fetching
from bench.accuracy_python import jedi_project  # noqa: E402
from bench.editor import graph_definitions, jedi_sites  # noqa: E402
from graphsvc.ingest.run import ingest  # noqa: E402
from graphsvc.settings import Settings  # noqa: E402

CATEGORIES = ("agree", "agree_outside", "agree_nothing", "differ_we_answer_nothing", "differ_jedi_nothing",
              "differ_external", "differ_targets", "jedi_error")


def log(msg: str) -> None:
    print(f"[editor_reference] {msg}", file=sys.stderr, flush=True)


Ref = tuple[set[tuple[str, int]], list[str], set[str]]


def jedi_answers(root: Path, sites: list[dict[str, Any]]) -> list[Ref | None]:
    """jedi's in-tree definitions (path, 0-based line), its outside ones (full names) and the kinds of
    the in-tree ones (function, class, module, param, statement…) at each site; None where jedi raised."""
    project = jedi_project(root)
    import jedi

    scripts: dict[str, Any] = {}
    texts: dict[str, FileText] = {}
    out: list[Ref | None] = []
    resolved_root = root.resolve()
    for s in sites:
        path = s["path"]
        if path not in scripts:
            code = (root / path).read_text(encoding="utf-8", errors="replace")
            scripts[path] = jedi.Script(code, path=str(root / path), project=project)
            text = FileText.read(root / path, "utf-32")  # jedi's columns are code points
            assert text is not None
            texts[path] = text
        text = texts[path]
        _, col = text.to_lsp(*text.to_graph(s["line"], s["character"]))
        try:
            names = scripts[path].goto(s["line"] + 1, col, follow_imports=True)
            if any(n.type == "statement" for n in names):
                names = [*names, *scripts[path].infer(s["line"] + 1, col)]
        except Exception:  # jedi gives up on some constructs: counted as jedi_error
            out.append(None)
            continue
        inside: set[tuple[str, int]] = set()
        outside: list[str] = []
        kinds: set[str] = set()
        for n in names:
            module = Path(n.module_path).resolve() if n.module_path else None
            if module is not None and module.is_relative_to(resolved_root) and n.line is not None:
                inside.add((module.relative_to(resolved_root).as_posix(), n.line - 1))
                kinds.add(n.type)
            else:
                outside.append(n.full_name or n.name)
        out.append((inside, outside, kinds))
    return out


_LINES: dict[Path, list[str]] = {}


def lines_of(path: Path) -> list[str]:
    if path not in _LINES:
        _LINES[path] = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return _LINES[path]


def _before_name(line: str, character: int) -> str:
    """The first non-blank character before the name at ``character`` (UTF-16 = code points on ASCII lines)."""
    at = character
    while at > 0 and (line[at - 1].isalnum() or line[at - 1] == "_"):
        at -= 1
    rest = line[:at].rstrip()
    return rest[-1] if rest else ""


def classify(ours: tuple[str, int] | None, ref: Ref | None) -> str:
    if ref is None:
        return "jedi_error"
    inside, outside, _ = ref
    if ours is not None and ours in inside:
        return "agree"
    if ours is None:
        if inside:
            return "differ_we_answer_nothing"
        return "agree_outside" if outside else "agree_nothing"
    if inside:
        return "differ_targets"
    return "differ_external" if outside else "differ_jedi_nothing"


def compare(spec: str, examples: int = 40) -> dict[str, Any]:
    """Definitions at every call site of a corpus, ours through ``graph lsp`` and jedi's."""
    import jedi

    corpus = bench_ingest.fetch_corpus(spec)
    target = bench_ingest.ladybug_target(1)
    try:
        with bench_ingest.working_copy(corpus) as root:
            settings = Settings(**target.settings_for_run(0))
            report = ingest(root, settings)
            log(f"ingested {report.changed} files of {corpus.label} in {report.seconds:.1f}s")
            sites = [s for s in jedi_sites(settings, root) if s["path"].endswith(".py")]
            t = time.perf_counter()
            answers = asyncio.run(graph_definitions(settings, root, sites))
            lsp_s = time.perf_counter() - t
            log(f"{len(sites)} call sites: graph lsp answered in {lsp_s:.1f}s; asking jedi")
            t = time.perf_counter()
            refs = jedi_answers(root, sites)
            jedi_s = time.perf_counter() - t
            tally = dict.fromkeys(CATEGORIES, 0)
            by_resolution: dict[str, dict[str, int]] = {}
            samples: dict[str, list[str]] = {}
            forms: dict[str, dict[str, int]] = {}  # differences by the call's form: obj.name(…) or name(…)
            jedi_kinds: dict[str, dict[str, int]] = {}  # differences by what jedi found in the tree
            for s, ans, ref in zip(sites, answers, refs, strict=True):
                ours = None
                if ans is not None:
                    ours = (Path(ans.uri.removeprefix("file://")).relative_to(root).as_posix(), ans.range.start.line)
                key = classify(ours, ref)
                tally[key] += 1
                row = by_resolution.setdefault(s["resolution"] or "exact", dict.fromkeys(CATEGORIES, 0))
                row[key] += 1
                if not key.startswith("differ"):
                    continue
                line = lines_of(root / s["path"])[s["line"]]
                form = "attribute" if _before_name(line, s["character"]) == "." else "name"
                forms.setdefault(key, {}).setdefault(form, 0)
                forms[key][form] += 1
                found_kind = "+".join(sorted(ref[2])) if ref and ref[2] else "outside or nothing"
                jedi_kinds.setdefault(key, {}).setdefault(found_kind, 0)
                jedi_kinds[key][found_kind] += 1
                if len(samples.setdefault(key, [])) < examples:
                    where = f"{s['path']}:{s['line'] + 1}:{s['character'] + 1}"
                    theirs = [*sorted(f"{p}:{n + 1}" for p, n in ref[0]), *ref[1]] if ref else []
                    mine = f"{ours[0]}:{ours[1] + 1}" if ours else None
                    samples[key].append(f"{where} [{s['resolution']}] `{line.strip()[:80]}` ours={mine} "
                                        f"jedi={theirs}")
            n = len(sites)
            agree = tally["agree"] + tally["agree_outside"] + tally["agree_nothing"]
            judged = n - tally["jedi_error"]
            located = tally["agree"] + tally["differ_we_answer_nothing"] + tally["differ_targets"]
            return {
                "corpus": corpus.label, "jedi": jedi.__version__, "call_sites": n, "tally": tally,
                "agreement": round(agree / judged, 4) if judged else None,
                "agreement_where_jedi_finds_an_in_tree_definition":
                    round(tally["agree"] / located, 4) if located else None,
                "by_our_resolution": by_resolution, "differences_by_call_form": forms,
                "differences_by_jedi_kind": jedi_kinds, "lsp_seconds": round(lsp_s, 1), "jedi_seconds": round(jedi_s, 1),
                "examples": samples,
            }
    finally:
        target.cleanup()


def _print(r: dict[str, Any]) -> None:
    print(f"\n== {r['corpus']}: {r['call_sites']} call sites, graph lsp vs jedi {r['jedi']}")
    for k, v in r["tally"].items():
        print(f"   {k:<26} {v:>6}  {v / r['call_sites']:.1%}")
    print(f"   agreement (all judged sites): {r['agreement']}; where jedi finds an in-tree definition: "
          f"{r['agreement_where_jedi_finds_an_in_tree_definition']}")
    for res, row in sorted(r["by_our_resolution"].items()):
        print(f"   our {res:<10}: " + ", ".join(f"{k} {v}" for k, v in row.items() if v))
    for key, by_form in r["differences_by_call_form"].items():
        print(f"   {key} by call form: " + ", ".join(f"{k} {v}" for k, v in sorted(by_form.items())))
    for key, by_kind in r["differences_by_jedi_kind"].items():
        print(f"   {key} by what jedi found: " + ", ".join(f"{k} {v}" for k, v in sorted(by_kind.items())))
    for key, lines in r["examples"].items():
        print(f"   -- {key}")
        for line in lines[:12]:
            print(f"      {line}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default="requests==2.32.3")
    ap.add_argument("--examples", type=int, default=40, help="differences kept per category")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    result = compare(args.corpus, args.examples)
    _print(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""Go resolution accuracy on real modules, against the Go type checker.

Usage::

    python bench/accuracy_go.py [--module PATH@VERSION ...] [--runs 3] [--json OUT]

Corpus: pinned modules from the Go module proxy (default ``github.com/go-chi/chi/v5@v5.2.1``
and ``github.com/spf13/cobra@v1.9.1``), fetched with ``go mod download -json`` into
``bench/.cache/gomod`` (``GOMODCACHE``) and copied once to ``bench/.cache/go-src/``, where
``go mod download`` fetches their dependencies so that they type-check.

Reference: ``bench/goref/main.go``, built once into ``bench/.cache/goref/`` against
``golang.org/x/tools`` (pinned below). It loads every package of the module with tests
(``go/packages``, ``go/types``) and prints, for each call site, the object the type
checker resolved the callee's name to and where that object is declared.

Ours: a full ingest of a temporary copy of the module (Go files only, one process,
embedded store). Shares, precision and recall are defined in ``bench/accuracy.py``.
Speed: tree-sitter parse-only, ``parse_source`` and full ingest over the same files,
medians of ``--runs``.

Needs the ``go`` command (1.22 or newer) and network access to the module proxy the first time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
if str(REPO_DIR) not in sys.path:
    sys.path.insert(0, str(REPO_DIR))

from bench.accuracy import Def, Ours, copy_tree, ingest_calls, score, shares, speed  # noqa: E402

CACHE = BENCH_DIR / ".cache"
DEFAULT_MODULES = ("github.com/go-chi/chi/v5@v5.2.1", "github.com/spf13/cobra@v1.9.1")
X_TOOLS = "golang.org/x/tools v0.30.0"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(GOMODCACHE=str(CACHE / "gomod"), GOFLAGS="-mod=mod", GOTOOLCHAIN="local", GOWORK="off")
    return env


def _go(args: list[str], cwd: Path) -> str:
    done = subprocess.run(["go", *args], cwd=cwd, env=_env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"go {' '.join(args)} failed in {cwd}:\n{done.stderr[-2000:]}")
    return done.stdout


def fetch(spec: str) -> Path:
    """The module's source tree in the cache, with its dependencies downloaded."""
    dest = CACHE / "go-src" / spec.replace("/", "_")
    if not (dest / "go.mod").is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        info = json.loads(_go(["mod", "download", "-json", spec], CACHE))
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(info["Dir"], dest)
        for path in [dest, *dest.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)
        _go(["mod", "download"], dest)
    return dest


def build_reference() -> Path:
    """Build the reference program once."""
    work = CACHE / "goref"
    binary = work / "goref"
    source = BENCH_DIR / "goref" / "main.go"
    if binary.is_file() and (work / "main.go").read_bytes() == source.read_bytes():
        return binary
    work.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, work / "main.go")
    (work / "go.mod").write_text(f"module goref\n\ngo 1.22\n\nrequire {X_TOOLS}\n")
    _go(["mod", "tidy"], work)
    _go(["build", "-o", "goref", "."], work)
    return binary


Site = tuple[str, int, int]


def reference(binary: Path, root: Path) -> tuple[dict[Site, Def | None], set[str], dict[Site, tuple[str, str]]]:
    """Every call site the type checker resolved, the files it loaded, and the callees outside the repo.

    The last map gives, for a site whose callee is declared outside the module, the callee's
    package path (``""`` for a predeclared name) and name."""
    done = subprocess.run([str(binary)], cwd=root, env=_env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"goref failed in {root}:\n{done.stderr[-2000:]}")
    sites: dict[Site, Def | None] = {}
    outside: dict[Site, tuple[str, str]] = {}
    files: set[str] = set()
    for line in done.stdout.splitlines():
        obj = json.loads(line)
        if "loaded" in obj:
            files.add(obj["loaded"])
            continue
        site = (obj["file"], obj["line"], obj["col"])
        in_repo = obj["defFile"] and not obj["local"] and obj["kind"] != "builtin"
        sites[site] = (obj["defFile"], obj["defLine"], obj["defCol"]) if in_repo else None
        if not obj["defFile"] and not obj["local"]:
            outside[site] = (obj["pkg"], obj["name"])
    return sites, files, outside


def external_agreement(ours: Ours, outside: dict[Site, tuple[str, str]], reference: dict[Site, Def | None],
                       files: set[str]) -> dict[str, Any]:
    """Our exact External call edges: how many name the package and the name the type checker found.

    ``agree``: the External id is ``ext:go:<package>.<…><name>`` (``builtin.<name>`` for a predeclared
    one); ``in_repo``: the type checker found the callee inside the module (a wrong External)."""
    agree = disagree = in_repo = 0
    for site, call in ours.calls.items():
        if site[0] not in files or call.resolution != "exact" or call.defined_at is not None:
            continue
        if reference.get(site) is not None:
            in_repo += 1
        elif site in outside:
            pkg, name = outside[site]
            dotted = call.target[len("ext:go:"):]
            ok = dotted.startswith(f"{pkg or 'builtin'}.") and (dotted.endswith("." + name))
            agree += ok
            disagree += not ok
    checked = agree + disagree + in_repo
    return {"checked": checked, "agree": agree, "disagree": disagree, "in_repo": in_repo,
            "agreement": round(agree / checked, 4) if checked else None}


def run(spec: str, binary: Path, runs: int) -> dict[str, Any]:
    """Measure one module."""
    source = fetch(spec)
    ref, files, outside = reference(binary, source)
    with copy_tree(source, spec.rsplit("/", 1)[-1].replace("@", "-")) as root:
        ours = ingest_calls(root, "go")
        timing = speed(root, "go", runs)
    return {
        "module": spec, "files_analysed": len(files), "reference_sites": len(ref),
        "shares": shares(ours, files), "cross_file_calls": score(ours, ref, files),
        "external_calls": external_agreement(ours, outside, ref, files), "speed": timing,
    }


def _print(result: dict[str, Any]) -> None:
    sh, cf, sp = result["shares"], result["cross_file_calls"], result["speed"]
    print(f"\n== {result['module']}: {result['files_analysed']} files, {sh['sites']} call sites of ours, "
          f"{result['reference_sites']} resolved by go/types")
    print("   shares: " + ", ".join(f"{k} {sh[k]['share']:.1%}" for k in ("exact", "heuristic", "External", "unresolved")))
    print(f"   cross-file call edges: precision {cf['precision']} recall {cf['recall']} "
          f"(ours {cf['our_edges']}, reference {cf['reference_edges']}, correct {cf['correct']})")
    print(f"   exact: {cf['exact']}   heuristic: {cf['heuristic']}")
    print(f"   exact External call edges vs go/types: {result['external_calls']}")
    for band, b in cf["heuristic_bands"].items():
        print(f"   heuristic confidence {band}: {b}")
    for line in cf["wrong_examples"][:8]:
        print(f"   wrong:  {line}")
    for line in cf["missed_examples"][:8]:
        print(f"   missed: {line}")
    print(f"   speed ({sp['files']} files, median of {sp['runs']}): parse-only {sp['parse_only_s']} s, "
          f"parse_source {sp['parse_source_s']} s (x{sp['parse_source_ratio']}), "
          f"full ingest {sp['full_ingest_s']} s (x{sp['full_ingest_ratio']})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--module", action="append", help="PATH@VERSION (repeatable)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    if shutil.which("go") is None:
        sys.exit("the go command is needed (https://go.dev/dl/)")
    binary = build_reference()
    results = [run(spec, binary, args.runs) for spec in (args.module or DEFAULT_MODULES)]
    for r in results:
        _print(r)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()

"""Specs, tasks, audits and compliance on a real tree: real scanners, SARIF import, `graph check`, attestations.

Usage::

    python bench/specs_audits.py [--corpus NAME==VERSION] [--runs 1] [--json OUT]

Corpus: the sdist of a PyPI release (default ``Django==5.0.14``), fetched and extracted into
``bench/.cache/`` like ``bench/ingest.py`` does, then copied to a temporary directory. Steps,
each timed (wall clock, median of ``--runs``), on a fresh embedded store:

1. ``graph ingest`` (full): counts of SpecItem and Task nodes and of IMPLEMENTED_BY, TESTS and
   DOCUMENTS edges;
2. ``ruff check --isolated --select S,B,E9,F --output-format sarif`` and
   ``bandit -q -f sarif -r <package>`` (the versions pinned in the ``test`` extra), then
   ``graph audit import`` of each report: findings and how many attached to a symbol or file;
3. re-import of the bandit report (idempotent: nothing written);
4. ``graph check --policy bench/policies/django.yaml``: checks, their statuses and the exit code;
5. ``graph keygen``, ``graph attest``, ``graph verify``;
6. an incremental run after editing one Markdown file (``--incremental``), and one after editing
   one Python module (``<package>/utils/text.py``) for comparison.

The commands run through ``python -m ingest_cli`` of this checkout, as a user would type them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "bench" / ".cache"


def _corpus(spec: str) -> Path:
    name, version = spec.split("==")
    src = CACHE / "src" / f"{name}-{version}"
    if not src.is_dir():
        dl = CACHE / "dl"
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", spec,
                        "-d", str(dl)], check=True)
        archive = next(dl.glob(f"{name}-{version}.tar.gz"))
        with tarfile.open(archive) as tar:
            tar.extractall(CACHE / "src", filter="data")
    return src


def _run(args: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=cwd or ROOT, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, done


def _graph(*args: str, env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    return _run([sys.executable, "-m", "ingest_cli", *args], env)


def _tool(name: str) -> str:
    return shutil.which(name) or str(Path(sys.executable).with_name(name))


def _counts(store: str) -> dict[str, int]:
    sys.path.insert(0, str(ROOT))
    from graphsvc.settings import Settings
    from graphsvc.store import open_store

    with open_store(Settings(store=store), read_only=True) as st:
        nodes, edges = st.export()
    out: dict[str, int] = {}
    for label, _ in nodes:
        if label in ("SpecItem", "Task", "Audit", "Finding", "ComplianceCheck", "Attestation"):
            out[label] = out.get(label, 0) + 1
    for etype, *_ in edges:
        if etype in ("IMPLEMENTED_BY", "TESTS", "DOCUMENTS", "FOUND_IN", "CHECKS"):
            out[etype] = out.get(etype, 0) + 1
    return out


def one_run(src: Path, package: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / src.name
        shutil.copytree(src, tree)
        store = f"ladybug://{tmp}/g.lbug"
        env = {**os.environ, "GRAPH_STORE": store, "GRAPH_ATTESTATION_KEY": f"{tmp}/key"}
        project = tree.name
        result["ingest_s"], done = _graph("ingest", str(tree), "--json", env=env)
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        result["files"], result["symbols"] = report["scanned"], report["symbols"]
        ruff = Path(tmp) / "ruff.sarif"
        result["ruff_s"], done = _run([_tool("ruff"), "check", "--isolated", "--select", "S,B,E9,F",
                                       "--output-format", "sarif", package], env, cwd=tree)
        ruff.write_text(done.stdout)
        bandit = Path(tmp) / "bandit.sarif"
        result["bandit_s"], done = _run([_tool("bandit"), "-q", "-f", "sarif", "-r", package, "-o", str(bandit)],
                                        env, cwd=tree)
        for name, path in (("ruff", ruff), ("bandit", bandit)):
            seconds, done = _graph("audit", "import", str(path), "--project", project, "--json", env=env)
            assert done.returncode == 0, done.stderr
            imported = json.loads(done.stdout)
            result[f"{name}_import_s"] = seconds
            result[f"{name}_findings"], result[f"{name}_attached"] = imported["findings"], imported["attached"]
        result["bandit_reimport_s"], done = _graph("audit", "import", str(bandit), "--project", project, "--json",
                                                   env=env)
        result["bandit_reimport_unchanged"] = json.loads(done.stdout)["unchanged"]
        result["check_s"], done = _graph("check", "--project", project, "--policy",
                                         str(ROOT / "bench" / "policies" / "django.yaml"), "--json", env=env)
        result["check_exit"] = done.returncode
        result["checks"] = {c["check_id"]: {"status": c["status"], "evaluated": c["evaluated"],
                                            "violations": len(c["violations"])} for c in json.loads(done.stdout)}
        _graph("keygen", f"{tmp}/key", env=env)
        result["attest_s"], done = _graph("attest", "--project", project, env=env)
        attestation = done.stdout.split()[0]
        result["verify_s"], done = _graph("verify", attestation, env=env)
        result["verify_ok"] = done.returncode == 0
        docs = sorted(tree.rglob("*.md"))
        if docs:
            docs[0].write_text(docs[0].read_text() + "\n- [ ] benchmark checklist item for `Model.save`\n")
            result["md_incremental_s"], done = _graph("ingest", str(tree), "--incremental", "--json", env=env)
            result["md_incremental_changed"] = json.loads(done.stdout)["changed"]
        # The same incremental step for one Python module, as the yardstick for the Markdown one.
        module = tree / package / "utils" / "text.py"
        if module.is_file():
            module.write_text(module.read_text() + "\n\ndef _bench_added():\n    return None\n")
            result["py_incremental_s"], done = _graph("ingest", str(tree), "--incremental", "--json", env=env)
        result["counts"] = _counts(store)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default="Django==5.0.14")
    parser.add_argument("--package", default=None, help="Directory the scanners scan (default: the name, lower case).")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    src = _corpus(args.corpus)
    package = args.package or args.corpus.split("==")[0].lower()
    runs = [one_run(src, package) for _ in range(args.runs)]
    summary: dict[str, Any] = {"corpus": args.corpus, "runs": args.runs, "last": runs[-1]}
    for key, value in runs[0].items():
        if key.endswith("_s"):
            values = [r[key] for r in runs]
            summary[key] = {"median": round(statistics.median(values), 3), "min": round(min(values), 3),
                            "max": round(max(values), 3)}
    text = json.dumps(summary, indent=2, sort_keys=True)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()

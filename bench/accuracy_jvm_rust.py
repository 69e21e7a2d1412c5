"""Accuracy and parse speed on real Java and Rust code: where call sites resolve, and how fast.

Usage::

    python bench/accuracy_jvm_rust.py [--runs 3] [--only NAME[,NAME]] [--reference] [--json OUT]

Corpora (pinned, downloaded once into ``bench/.cache/``, ignored by git):

* Java: the ``-sources.jar`` of a Maven Central release, from
  ``https://repo1.maven.org/maven2/<group path>/<artifact>/<version>/<artifact>-<version>-sources.jar``;
* Rust: the ``.crate`` archive of a crates.io release, from the registry's download host
  ``https://static.crates.io/crates/<name>/<name>-<version>.crate`` (what ``cargo`` fetches).

Each corpus is indexed from a temporary copy outside this git work tree (so ``scan`` walks it).

Call sites: every ``CALLS`` edge of the full ingest (one per call site: caller, line, column)
falls in one class: ``exact`` (to a Symbol of the corpus), ``External`` (exact, to a named
External such as ``ext:java:java.util.List.add``), ``heuristic`` (to either, with several
candidates) or ``unresolved`` (to the ``?.name`` placeholder). Shares are of all call sites.

Speed (single process, sources read into memory first, median of ``--runs``):

* parse-only: tree-sitter ``Parser.parse`` of every file the ingest indexes;
* adapter: ``graphsvc.ingest.parse.parse_source`` (parse, tags query, adapter → file facts);
* ingest: a full ``ingest()`` into a fresh LadybugDB with one worker (``IngestReport.seconds``).

Both are reported as ratios to parse-only.

``--reference`` (Java only) checks the exact in-corpus call edges against the compiler: the
corpus is compiled with ``javac -g -proc:none`` (JDK 17+) and every ``invoke*`` instruction of
the class files is read back with ``javap -c -l -p`` together with its source line. An exact edge
``caller → Type.method`` at line L is confirmed when the compiled code of the caller's top-level
class has, at line L, an invocation of a method of that name whose owner is the edge's declaring
class or one of its subclasses in the corpus (the compiler names the receiver's static type as
owner, ``invokespecial`` names the class of a constructor); constructor edges match ``<init>``.
Precision = confirmed / checked. Recall = compiled call sites written in the source (in-corpus
owner; the method name followed by ``(`` on that line, or ``new``/``super(``/``this(`` for a
constructor: implicit ``super()`` calls, enum constant constructors and bridge methods are left
out) that have an exact or heuristic edge to that method (or an override's declaring class) at
the same line / all such call sites. Files javac cannot compile without their dependencies are left out
of both, and the report says how many.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graphsvc.export import export_lines  # noqa: E402
from graphsvc.ingest.parse import parse_source  # noqa: E402
from graphsvc.ingest.run import ingest  # noqa: E402
from graphsvc.ingest.scan import scan  # noqa: E402
from graphsvc.settings import Settings  # noqa: E402
from graphsvc.store import open_store  # noqa: E402
from parsers import registry  # noqa: E402

CACHE = ROOT / "bench" / ".cache"


@dataclass(frozen=True)
class Corpus:
    """One pinned release."""

    name: str
    lang: str
    version: str
    url: str


CORPORA = (
    Corpus("commons-lang3", "java", "3.14.0",
           "https://repo1.maven.org/maven2/org/apache/commons/commons-lang3/3.14.0/commons-lang3-3.14.0-sources.jar"),
    Corpus("gson", "java", "2.10.1",
           "https://repo1.maven.org/maven2/com/google/code/gson/gson/2.10.1/gson-2.10.1-sources.jar"),
    Corpus("semver", "rust", "1.0.23", "https://static.crates.io/crates/semver/semver-1.0.23.crate"),
    Corpus("regex-syntax", "rust", "0.8.4",
           "https://static.crates.io/crates/regex-syntax/regex-syntax-0.8.4.crate"),
)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def fetch(corpus: Corpus) -> Path:
    """Download and extract a corpus into the cache unless it is there; return its source root."""
    dest = CACHE / "src" / f"{corpus.name}-{corpus.version}"
    if dest.exists():
        return dest
    archive = CACHE / "dl" / corpus.url.rsplit("/", 1)[-1]
    if not archive.exists():
        archive.parent.mkdir(parents=True, exist_ok=True)
        log(f"downloading {corpus.url}")
        req = urllib.request.Request(corpus.url, headers={"User-Agent": "graphsvc-bench"})
        with urllib.request.urlopen(req, timeout=120) as resp:
            data = resp.read()
        archive.write_bytes(data)
    staging = Path(tempfile.mkdtemp(prefix=".extract-", dir=CACHE / "src" if (CACHE / "src").exists() else None))
    if archive.suffix == ".jar":
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(staging)
    else:
        with tarfile.open(archive) as tf:
            tf.extractall(staging, filter="data")
    entries = list(staging.iterdir())
    top = entries[0] if len(entries) == 1 and entries[0].is_dir() else staging
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(top), dest)
    shutil.rmtree(staging, ignore_errors=True)
    return dest


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def speed(root: Path, lang: str, runs: int) -> dict[str, float]:
    files = [f.path for f in scan(root, [lang]).files]
    sources = {p: (root / p).read_bytes() for p in files}
    parser, _query = registry.compiled(lang)
    parse_times, adapter_times = [], []
    for _ in range(runs):
        t = time.perf_counter()
        for src in sources.values():
            parser.parse(src)
        parse_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        for p, src in sources.items():
            parse_source(lang, p, src)
        adapter_times.append(time.perf_counter() - t)
    return {"files": len(files), "loc": sum(s.count(b"\n") for s in sources.values()),
            "parse_only_s": _median(parse_times), "adapter_s": _median(adapter_times)}


KINDS: dict[str, str] = {}  # symbol id -> kind, of the last corpus indexed


def index(root: Path, lang: str, runs: int, workdir: Path) -> tuple[list[float], list[dict[str, object]]]:
    times: list[float] = []
    edges: list[dict[str, object]] = []
    KINDS.clear()
    for i in range(runs):
        settings = Settings(store=f"ladybug://{workdir / f'g{i}.lbug'}", workers=1, languages=[lang])
        report = ingest(root, settings)
        times.append(report.seconds)
        if i == runs - 1:
            with open_store(settings, read_only=True) as store:
                for line in export_lines(store):
                    obj = json.loads(line)
                    if "edge" in obj and obj["edge"]["type"] == "CALLS":
                        edges.append(obj["edge"])
                    elif "node" in obj and obj["node"]["label"] == "Symbol":
                        KINDS[obj["node"]["id"]] = obj["node"]["kind"]
    return times, edges


def classify(edges: list[dict[str, object]]) -> dict[str, object]:
    counts: Counter[str] = Counter()
    bands: Counter[str] = Counter()
    for e in edges:
        res = e.get("resolution")
        to = str(e["to"])
        if res == "unresolved":
            counts["unresolved"] += 1
        elif res == "heuristic":
            counts["heuristic"] += 1
            bands[f"{float(e.get('confidence') or 0):.2f}"] += 1
        elif to.startswith("ext:"):
            counts["External"] += 1
        else:
            counts["exact"] += 1
    total = sum(counts.values())
    shares = {k: round(counts[k] / total, 3) if total else 0.0 for k in ("exact", "External", "heuristic", "unresolved")}
    return {"call_sites": total, "counts": dict(counts), "shares": shares, "heuristic_by_confidence": dict(bands)}


# -- Java reference: javac + javap -------------------------------------------------------------

_INVOKE_RE = re.compile(
    r"^\s*(\d+): invoke(?:virtual|static|special|interface)\s+#\d+(?:,\s*\d+)?\s+// (?:Interface)?Method "
    r"(?:([\w/$]+)\.)?(\"<init>\"|[\w$]+):")
_LINE_RE = re.compile(r"^\s*line (\d+): (\d+)$")
_CLASS_RE = re.compile(r"^(?:[\w]+ )*(?:class|interface|enum|record) ([\w.$]+)(.*)$")


def _without_generics(text: str) -> str:
    depth, out = 0, []
    for ch in text:
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def _javap_calls(classes: Path) -> tuple[dict[tuple[str, int], set[tuple[str, str]]], dict[str, list[str]]]:
    """(source path, line) → {(owner class, method name)} from every class file, and class → supertypes.

    Class names use ``.`` for nesting too (``a.B$C`` → ``a.B.C``).
    """
    calls: dict[tuple[str, int], set[tuple[str, str]]] = defaultdict(set)
    supers: dict[str, list[str]] = {}
    class_files = sorted(str(p) for p in classes.rglob("*.class"))
    for start in range(0, len(class_files), 100):
        out = subprocess.run(["javap", "-c", "-l", "-p", *class_files[start:start + 100]],
                             capture_output=True, text=True, check=False).stdout
        source, cls, raw_cls = "", "", ""
        invokes: list[tuple[int, str, str]] = []
        table: list[tuple[int, int]] = []
        in_table = False

        def flush() -> None:
            pkg_dir = raw_cls.rsplit(".", 1)[0].replace(".", "/") if "." in raw_cls else ""
            key_path = f"{pkg_dir}/{source}" if pkg_dir else source
            for off, owner, name in invokes:
                lines = [ln for o, ln in table if o <= off]
                if lines:
                    calls[(key_path, lines[-1])].add((owner, name))

        for line in out.splitlines():
            if line.startswith("Compiled from "):
                if invokes:
                    flush()
                invokes, table, in_table = [], [], False
                source = line.split('"')[1]
                continue
            if not line.startswith(" ") and line.strip() and line.strip() != "}":
                m = _CLASS_RE.match(_without_generics(line))
                if m:
                    raw_cls = m.group(1)
                    cls = raw_cls.replace("$", ".")
                    rest = m.group(2).replace("{", " ").replace(",", " ").split()
                    supers[cls] = [t.replace("$", ".") for t in rest if t not in ("extends", "implements")]
                continue
            if line.strip() == "Code:":
                if invokes:
                    flush()
                invokes, table, in_table = [], [], False
                continue
            mi = _INVOKE_RE.match(line)
            if mi:
                owner = (mi.group(2) or cls.replace(".", "/")).replace("/", ".").replace("$", ".")
                invokes.append((int(mi.group(1)), owner, mi.group(3).strip('"')))
                continue
            if line.strip() == "LineNumberTable:":
                in_table = True
                continue
            if in_table:
                ml = _LINE_RE.match(line)
                if ml:
                    table.append((int(ml.group(2)), int(ml.group(1))))
                    continue
                in_table = False
                table.sort()
        if invokes:
            flush()
    return calls, supers


def reference_java(root: Path, edges: list[dict[str, object]], workdir: Path) -> dict[str, object]:
    """Precision and recall of in-corpus call edges against javac's compiled invocations."""
    if shutil.which("javac") is None or shutil.which("javap") is None:
        return {"skipped": "javac/javap not found"}
    sources = sorted(str(p) for p in root.rglob("*.java") if p.name not in ("module-info.java", "package-info.java"))
    classes = workdir / "classes"
    classes.mkdir()
    proc = subprocess.run(["javac", "-g", "-proc:none", "-nowarn", "-encoding", "UTF-8", "-d", str(classes),
                           "-implicit:none", "-Xmaxerrs", "100000", *sources],
                          capture_output=True, text=True, check=False)
    failed_files = {m.group(1) for m in re.finditer(r"^(\S+\.java):\d+: error", proc.stderr, re.M)}
    if not any(classes.rglob("*.class")):
        return {"skipped": "javac compiled nothing", "javac_errors": len(failed_files)}
    calls, supers = _javap_calls(classes)
    failed_rel = {_suffix(str(Path(f).resolve().relative_to(root.resolve()))) for f in failed_files if Path(f).exists()}

    def owners_for(declaring: str) -> set[str]:
        return {declaring} | {c for c in supers if _chain_contains(c, declaring, supers)}

    checked = confirmed = 0
    resolved_at: dict[tuple[str, int], set[str]] = defaultdict(set)
    for e in edges:
        to = str(e["to"])
        path = _suffix(str(e["from"]).split(":", 3)[-1].split("#", 1)[0])
        if path in failed_rel or not to.startswith("sym:"):
            continue
        tpath, frag = to.split(":", 3)[-1].split("#", 1)
        parts = [p.split("#")[0] for p in frag.split(".")]
        kind = KINDS.get(to, "")
        if kind == "Constructor":
            name, declaring = "<init>", _class_name(tpath, parts[:-1])
        elif kind in ("Class", "Enum", "Interface"):
            name, declaring = "<init>", _class_name(tpath, parts)
        else:
            name, declaring = parts[-1], _class_name(tpath, parts[:-1])
        key = (path, int(e["line"]))  # type: ignore[call-overload]
        resolved_at[key].add(f"{declaring}#{name}")
        if e.get("resolution") != "exact":
            continue
        found = calls.get(key)
        if found is None:
            continue
        checked += 1
        owners = owners_for(declaring)
        if any(n == name and o in owners for o, n in found):
            confirmed += 1
    in_corpus = set(supers) | {c for c in _declared_classes(edges)}
    texts = {_suffix(str(p.relative_to(root))): p.read_text(encoding="utf-8", errors="replace").splitlines()
             for p in root.rglob("*.java")}
    total = hit = 0
    for (path, line), invoked in calls.items():
        if path in failed_rel:
            continue
        src_line = texts.get(path, [])[line - 1] if 0 < line <= len(texts.get(path, [])) else ""
        for owner, name in invoked:
            if owner not in in_corpus or not _written(src_line, owner, name):
                continue
            total += 1
            ours = resolved_at.get((path, line), set())
            if any(n == name and owner in owners_for(d) for d, n in (x.split("#", 1) for x in ours)):
                hit += 1
    return {
        "javac_error_files": len(failed_rel), "exact_in_corpus_checked": checked, "confirmed": confirmed,
        "precision": round(confirmed / checked, 3) if checked else None,
        "compiled_in_corpus_call_sites": total, "found": hit, "recall": round(hit / total, 3) if total else None,
    }


def _written(src_line: str, owner: str, name: str) -> bool:
    """Whether a compiled invocation is written on its source line (not implicit: a default ``super()``,
    an enum constant's constructor, a bridge or accessor method)."""
    if name == "<init>":
        simple = owner.rsplit(".", 1)[-1]
        return not simple.isdigit() and bool(re.search(rf"\bnew\s+[\w.]*\b{re.escape(simple)}\b|\b(super|this)\s*\(", src_line))
    return re.search(rf"\b{re.escape(name)}\s*\(", src_line) is not None


def _declared_classes(edges: list[dict[str, object]]) -> set[str]:
    out = set()
    for e in edges:
        for end in (str(e["from"]), str(e["to"])):
            if end.startswith("sym:") and "#" in end:
                path, frag = end.split(":", 3)[-1].split("#", 1)
                parts = [p.split("#")[0] for p in frag.split(".") if p]
                for i in range(1, len(parts) + 1):
                    if parts[i - 1][:1].isupper():
                        out.add(_class_name(path, parts[:i]))
    return out


def _suffix(path: str) -> str:
    """A source path from its package directory on (``…/java/org/a/B.java`` → ``org/a/B.java``)."""
    for marker in ("/java/", "src/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return path


def _class_name(path: str, nested: list[str]) -> str:
    pkg = _suffix(path).rsplit("/", 1)[0].replace("/", ".") if "/" in _suffix(path) else ""
    return (".".join([pkg, *nested]) if pkg else ".".join(nested)).replace("$", ".")


def _callee_name(to: str) -> str:
    tail = to.split("#", 1)[-1] if to.startswith("sym:") else to.rsplit(".", 1)[-1]
    parts = [p.split("#")[0] for p in tail.split(".")]
    return parts[-1] if parts else ""


def _chain_contains(cls: str, owner: str, supers: dict[str, list[str]]) -> bool:
    """Whether ``owner`` is a supertype (class or interface, at any depth) of ``cls``."""
    seen: set[str] = set()
    todo = list(supers.get(cls, []))
    while todo:
        c = todo.pop()
        if c == owner:
            return True
        if c not in seen:
            seen.add(c)
            todo.extend(supers.get(c, []))
    return False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="", help="comma-separated corpus names")
    ap.add_argument("--reference", action="store_true", help="Java: check against javac (see module docstring)")
    ap.add_argument("--json", default="", help="also write the results here")
    args = ap.parse_args()
    wanted = {n for n in args.only.split(",") if n}
    results = []
    for corpus in CORPORA:
        if wanted and corpus.name not in wanted:
            continue
        src = fetch(corpus)
        with tempfile.TemporaryDirectory(prefix="graphsvc-acc-") as tmp:
            work = Path(tmp)
            root = work / corpus.name
            shutil.copytree(src, root)
            log(f"{corpus.name} {corpus.version}: measuring")
            sp = speed(root, corpus.lang, args.runs)
            times, edges = index(root, corpus.lang, args.runs, work)
            row: dict[str, object] = {
                "corpus": f"{corpus.name} {corpus.version}", "lang": corpus.lang, **sp,
                "ingest_s": _median(times),
                "adapter_to_parse": round(sp["adapter_s"] / sp["parse_only_s"], 2) if sp["parse_only_s"] else None,
                "ingest_to_parse": round(_median(times) / sp["parse_only_s"], 2) if sp["parse_only_s"] else None,
                **classify(edges),
            }
            if args.reference and corpus.lang == "java":
                row["reference"] = reference_java(root, edges, work)
            results.append(row)
            print(json.dumps(row, sort_keys=True), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

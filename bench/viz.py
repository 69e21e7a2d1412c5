"""Visualization benchmark: the browser client against the Django graph on the embedded store.

Usage::

    python bench/viz.py [--runs 3] [--store ladybug:///tmp/django.lbug] [--tree DIR] [--json OUT]
        [--screenshot docs/x.png]

Corpus: Django 5.0.14 from ``bench/.cache/src/Django-5.0.14`` (see ``bench/ingest.py``, which
fetches it), copied to a temporary directory and ingested into a fresh LadybugDB store, unless
``--store`` names one that already holds it. ``graph serve`` runs as a subprocess on loopback;
Debian's ``/usr/bin/chromium`` (headless, WebGL in SwiftShader) is driven by playwright.

Measured, each ``--runs`` times in a fresh page (median, min, max):

* ``first_view_ms``: from navigation start to the first drawn project view, the
  ``graphsvc:view-drawn`` performance mark (nodes placed and rendered; ForceAtlas2 then goes
  on in its worker while the page answers input);
* ``expand_file_ms``: opening the file with the symbol count nearest 500 into its symbols, from
  the call to the drawn view (server query, transfer, graph rebuild, first render);
* ``neighbourhood_ms``: a 2,000-node page of a symbol's neighbourhood (depth 2), likewise;
  both split into ``_wait_ms`` (to the first byte of the view's answer: the server),
  ``_transfer_ms`` (its body) and ``_client_ms`` (from the answer to the drawn view);
* ``pan_fps``: frames per second while panning a view of at least 10,000 elements (nodes plus
  edges) for 3 s by dragging the canvas with the mouse (real input events, so the renderer
  knows the camera is moving); the frame rate comes from the ``requestAnimationFrame``
  timestamps of the browser's frame timeline, and the long animation frames (over 50 ms) the
  browser reports in the same window are counted too;
* ``save_to_drawn_ms``: with ``graph watch`` running on the ingested tree and a page showing an
  opened file over the live ``events`` subscription, from appending a function to that file to
  the new symbol being in the page's drawn model (the watcher's debounce and incremental ingest,
  the event, the page's request for the view and its patch of the drawn graph); the file is
  restored afterwards;
* ``hood_save_to_drawn_ms`` and ``hood_event_to_drawn_ms``: the same with the page showing the
  2,000-node neighbourhood, the function appended to the root's file and calling the root, until
  the page has patched the drawn neighbourhood (``livePatches`` grows); the second from the event
  the page acted on to the patched drawing (the page's request for the neighbourhood, its patch
  and render);
* bundle size of ``api/static/app.js``, raw and gzipped.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "bench" / ".cache" / "src" / "Django-5.0.14"
CHROMIUM = "/usr/bin/chromium"
HOOD_ROOTS = ("django/db/models/base.py#Model", "django/http/response.py#HttpResponse",
              "django/utils/translation/__init__.py#gettext")


def _ingest(tmp: Path) -> str:
    from graphsvc.ingest.run import ingest
    from graphsvc.settings import Settings

    tree = tmp / "django"
    shutil.copytree(CORPUS, tree)
    store = f"ladybug://{tmp / 'django.lbug'}"
    report = ingest(tree, Settings(store=store, workers=2))
    print(f"ingested {report.scanned} files, {report.symbols} symbols, {report.edges} edges in {report.seconds:.1f} s")
    return store


def _repo(store: str) -> tuple[str, Path]:
    """The id of the store's one repo (Django, under whatever name it was indexed) and its directory."""
    from graphsvc.settings import Settings
    from graphsvc.store import open_store

    with open_store(Settings(store=store), read_only=True) as s:
        rows = s.read_only_cypher("MATCH (r:Repo) RETURN r.id AS id, r.root AS root", {}, max_rows=2, timeout=30).rows
    if len(rows) != 1:
        raise SystemExit(f"expected one repo in {store}, found {len(rows)}")
    return str(rows[0][0]), Path(str(rows[0][1]))


def _project(rid: str) -> str:
    """``repo:<project>/<name>`` -> ``proj:<project>`` (see graphsvc/model.py)."""
    return f"proj:{rid.removeprefix('repo:').split('/')[0]}"


def _serve(store: str) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "ingest_cli", "serve", "--port", str(port), "--log-level",
                             "warning"], env={**os.environ, "GRAPH_STORE": store}, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}readyz", timeout=2):
                return proc, url
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("graph serve did not start") from None
            time.sleep(0.2)


def _post(url: str, query: str, **variables: Any) -> dict[str, Any]:
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(f"{url}graphql", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        answer = json.loads(response.read())
    if answer.get("errors"):
        raise SystemExit(f"query failed: {answer['errors'][0]['message']}")
    return dict(answer["data"])


def _targets(url: str, rid: str) -> dict[str, Any]:
    """The ~500-symbol file, a symbol with a 2,000-node neighbourhood, the budget giving 10,000 elements."""
    project = _project(rid)
    view = _post(url, "query($p: ID!) { overview(projectId: $p, maxNodes: 5000) { nodes { id label symbols } } }",
                 p=project)["overview"]
    files = [n for n in view["nodes"] if n["label"] == "File"]
    big = min(files, key=lambda n: (abs(n["symbols"] - 501), n["id"]))
    hood = None
    for fragment in HOOD_ROOTS:
        sid = f"sym:{rid}:{fragment}"
        page = _post(url, "query($id: ID!) { neighbourhood(nodeId: $id, depth: 2, limit: 2000) { nodes { id } } }",
                     id=sid)["neighbourhood"]
        if len(page["nodes"]) >= 2000:
            hood = sid
            break
    budget = 1000
    while budget < 5000:
        got = _post(url, "query($p: ID!, $m: Int) { overview(projectId: $p, maxNodes: $m) { nodes { id } edges "
                         "{ type } } }", p=project, m=budget)["overview"]
        if len(got["nodes"]) + len(got["edges"]) >= 10000:
            break
        budget += 500
    return {"project": project, "repo": rid, "file": big["id"], "file_symbols": big["symbols"], "hood_root": hood,
            "pan_budget": budget}


def _one_run(browser: Any, url: str, t: dict[str, Any], shot: Path | None) -> dict[str, float]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{url}?{urlencode({'project': t['project']})}")
    page.wait_for_function("performance.getEntriesByName('graphsvc:view-drawn').length > 0", timeout=60000)
    first = page.evaluate("performance.getEntriesByName('graphsvc:view-drawn')[0].startTime")
    page.wait_for_function("window.graphsvc.model().ready", timeout=60000)
    if shot is not None:
        page.screenshot(path=str(shot))
    out = {"first_view_ms": first, "first_view_nodes": len(page.evaluate("window.graphsvc.model().nodes"))}
    out.update(_timed(page, "expand_file", "expand", t["file"]))
    if t["hood_root"]:
        out.update(_timed(page, "neighbourhood", "neighbourhood", t["hood_root"]))
        out["neighbourhood_nodes"] = len(page.evaluate("window.graphsvc.model().nodes"))
    page.goto(f"{url}?{urlencode({'project': t['project'], 'layout': 'circular', 'max': t['pan_budget']})}")
    page.wait_for_function("window.graphsvc.model().ready", timeout=120000)
    m = page.evaluate("(() => { const m = window.graphsvc.model(); return m.nodes.length + m.edges.length; })()")
    out["pan_elements"] = m
    out.update(_pan(page))
    page.close()
    return out


_TIMED = """async ([call, arg]) => {
  const t = performance.now();
  await (call === "expand" ? window.graphsvc.expand(arg) : window.graphsvc.neighbourhood(arg, 2, 2000));
  const end = performance.now();
  const answers = performance.getEntriesByType("resource")
    .filter((r) => r.name.endsWith("/graphql") && r.startTime >= t && r.responseEnd <= end);
  const view = answers.reduce((a, b) => (b.encodedBodySize > a.encodedBodySize ? b : a));
  return { total: end - t, wait: view.responseStart - t, transfer: view.responseEnd - view.responseStart,
           client: end - view.responseEnd, bytes: view.encodedBodySize };
}"""


def _timed(page: Any, name: str, call: str, arg: str) -> dict[str, float]:
    """Milliseconds of ``call`` (``expand`` a group, or a depth-2 ``neighbourhood`` of 2,000) until the view is drawn, and its parts, from the browser's timing of the
    largest GraphQL answer in that time (the view's own): ``_wait`` from the call to the answer's first
    byte (the server's work), ``_transfer`` the body, ``_client`` from the answer to the drawn view
    (parse, graph build, layout seeding, render)."""
    r = page.evaluate(_TIMED, [call, arg])
    return {f"{name}_ms": r["total"], f"{name}_wait_ms": r["wait"], f"{name}_transfer_ms": r["transfer"],
            f"{name}_client_ms": r["client"], f"{name}_kb": r["bytes"] / 1024}


_RECORD = """() => {
  window.__frames = [];
  window.__long = [];
  try {
    window.__observer = new PerformanceObserver((l) => window.__long.push(...l.getEntries()));
    window.__observer.observe({ type: "long-animation-frame", buffered: false });
  } catch (e) { window.__observer = null; }
  const step = (now) => { window.__frames.push(now); if (!window.__stop) requestAnimationFrame(step); };
  window.__stop = false;
  requestAnimationFrame(step);
}"""

_COLLECT = """() => {
  window.__stop = true;
  if (window.__observer) window.__observer.disconnect();
  const f = window.__frames;
  return { pan_fps: (f.length - 1) / ((f[f.length - 1] - f[0]) / 1000), pan_long_frames: window.__long.length };
}"""


def _pan(page: Any, seconds: float = 3.0) -> dict[str, float]:
    """Drag the canvas around a circle with the mouse, as a user pans, recording the frame timeline."""
    box = page.locator("#graph").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.evaluate(_RECORD)
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        t = time.monotonic() - start
        page.mouse.move(cx + 150 * math.sin(t * 2), cy + 150 * math.cos(t * 2))
    page.mouse.up()
    return dict(page.evaluate(_COLLECT))



SAVED_FILE = "django/utils/version.py"


def _watch(store: str, tree: Path, log: Any) -> subprocess.Popen[str]:
    """``graph watch`` on the tree, once its first scan is done; its messages go to ``log``."""
    proc = subprocess.Popen([sys.executable, "-m", "ingest_cli", "watch", str(tree), "--json", "--debounce", "0.05"],
                            env={**os.environ, "GRAPH_STORE": store}, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=log, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if json.loads(line)["subject"] == "graph.watch.started":
            # Its events keep coming: read them, so a full pipe never blocks the watcher.
            threading.Thread(target=proc.stdout.read, daemon=True).start()
            return proc
    raise SystemExit("graph watch ended before it started watching")


def _live_page(browser: Any, url: str, state: dict[str, str]) -> Any:
    """A page on the view ``state`` names, drawn and subscribed to live events."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{url}?{urlencode(state)}")
    page.wait_for_function("window.graphsvc.model().ready && window.graphsvc.model().live === 'live'",
                           timeout=120000)
    return page


def _save_to_drawn(browser: Any, url: str, rid: str, tree: Path, runs: int, watch: subprocess.Popen[str],
                   log: Any) -> list[float]:
    """Milliseconds from a save under ``graph watch`` to the new symbol in the drawn view, per run."""
    fid = f"file:{rid}:{SAVED_FILE}"
    path = tree / SAVED_FILE
    page = _live_page(browser, url, {"project": _project(rid), "layout": "circular", "expand": fid})
    out = []
    try:
        for k in range(runs):
            name = f"bench_saved_{k}_{int(time.time())}"
            sid = f"sym:{rid}:{SAVED_FILE}#{name}"
            start = time.monotonic()
            path.write_text(f"{path.read_text(encoding='utf-8')}\n\ndef {name}():\n    return {k}\n", encoding="utf-8")
            _wait_drawn(page, f"window.graphsvc.model().nodes.some(n => n.id === {sid!r})", k, watch, log)
            out.append((time.monotonic() - start) * 1000)
            timing = page.evaluate("window.graphsvc.model().timing")
            print(f"save {k}: drawn after {out[-1]:.0f} ms, of which {timing['drawn'] - timing['event']:.0f} ms "
                  f"from the event to the drawn view (waiting {timing['asked'] - timing['event']:.0f}, the view's "
                  f"request {timing['answered'] - timing['asked']:.0f}, patching and drawing "
                  f"{timing['drawn'] - timing['answered']:.0f})")
            page.wait_for_function("window.graphsvc.model().ready", timeout=120000)
            time.sleep(1)
    finally:
        page.close()
    return out


def _hood_save_to_drawn(browser: Any, url: str, rid: str, tree: Path, runs: int, root: str,
                        watch: subprocess.Popen[str], log: Any) -> list[tuple[float, float]]:
    """Per run, milliseconds from a save calling the neighbourhood's root to the patched neighbourhood,
    and from the event the page acted on to that drawing."""
    path = tree / _path_of(root, rid)
    called = root.split("#")[1].split(".")[0]
    page = _live_page(browser, url, {"project": _project(rid)})
    out = []
    try:
        page.evaluate(f"window.graphsvc.neighbourhood({root!r}, 2, 2000)")
        page.wait_for_function("window.graphsvc.model().ready", timeout=120000, polling=100)
        for k in range(runs):
            patches = page.evaluate("window.graphsvc.model().livePatches")
            start = time.monotonic()
            name = f"bench_hood_{k}_{int(time.time())}"
            path.write_text(f"{path.read_text(encoding='utf-8')}\n\ndef {name}():\n    return {called}()\n",
                            encoding="utf-8")
            _wait_drawn(page, f"window.graphsvc.model().livePatches > {patches}", k, watch, log)
            total = (time.monotonic() - start) * 1000
            timing = page.evaluate("window.graphsvc.model().timing")
            out.append((total, timing["drawn"] - timing["event"]))
            print(f"neighbourhood save {k}: patched after {total:.0f} ms, of which {out[-1][1]:.0f} ms from the "
                  f"event (waiting {timing['asked'] - timing['event']:.0f}, the request "
                  f"{timing['answered'] - timing['asked']:.0f}, patching and drawing "
                  f"{timing['drawn'] - timing['answered']:.0f})")
            time.sleep(1)
    finally:
        page.close()
    return out


def _path_of(symbol: str, rid: str) -> str:
    """The path of a symbol's file in its repo (``sym:<repo id>:<path>#<name>``, graphsvc/model.py)."""
    return symbol.removeprefix(f"sym:{rid}:").split("#")[0]


def _wait_drawn(page: Any, condition: str, k: int, watch: subprocess.Popen[str], log: Any) -> None:
    """Waits for `condition` in the page; on a timeout, prints what the watcher said."""
    try:
        page.wait_for_function(condition, timeout=120000, polling=50)
    except Exception:
        log.seek(0)
        print(f"save {k} not drawn after 120 s; graph watch is {'running' if watch.poll() is None else 'gone'}"
              f"; its messages:\n{log.read()[-4000:]}", file=sys.stderr)
        raise


def _saves(browser: Any, url: str, store: str, rid: str, tree: Path, runs: int,
           hood_root: str | None) -> tuple[list[float], list[tuple[float, float]]]:
    """Both save-to-drawn measures under one ``graph watch``; the edited files are restored afterwards."""
    files = [tree / SAVED_FILE] + ([tree / _path_of(hood_root, rid)] if hood_root else [])
    originals = {f: f.read_text(encoding="utf-8") for f in files}
    log = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 — read back on a failure
    watch = _watch(store, tree, log)
    try:
        in_file = _save_to_drawn(browser, url, rid, tree, runs, watch, log)
        in_hood = _hood_save_to_drawn(browser, url, rid, tree, runs, hood_root, watch, log) if hood_root else []
    finally:
        for f, text in originals.items():
            f.write_text(text, encoding="utf-8")
        time.sleep(2)  # let the watcher index the restored files before it stops
        watch.terminate()
        watch.wait(timeout=60)
        log.close()
    return in_file, in_hood


def _summary(runs: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    keys = sorted({k for r in runs for k in r})
    return {k: {"median": round(statistics.median(r[k] for r in runs if k in r), 1),
                "min": round(min(r[k] for r in runs if k in r), 1), "max": round(max(r[k] for r in runs if k in r), 1)}
            for k in keys}


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--store", help="a LadybugDB store that already holds the Django graph")
    parser.add_argument("--tree", type=Path, help="watch and edit this copy of the indexed tree (same directory "
                        "name) instead of the store's own, for save-to-drawn")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--screenshot", type=Path, help="save the first run's project view here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="viz-bench-") as tmp:
        store = args.store or _ingest(Path(tmp))
        rid, tree = _repo(store)
        tree = args.tree or tree
        proc, url = _serve(store)
        try:
            targets = _targets(url, rid)
            print(f"targets: {targets}")
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM,
                                            args=["--use-angle=swiftshader", "--enable-unsafe-swiftshader"])
                runs = [_one_run(browser, url, targets, args.screenshot if i == 0 else None)
                        for i in range(args.runs)]
                in_file, in_hood = _saves(browser, url, store, rid, tree, args.runs, targets["hood_root"])
                for run, ms in zip(runs, in_file, strict=True):
                    run["save_to_drawn_ms"] = ms
                for run, (total, from_event) in zip(runs, in_hood, strict=True):
                    run["hood_save_to_drawn_ms"] = total
                    run["hood_event_to_drawn_ms"] = from_event
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    bundle = (ROOT / "api" / "static" / "app.js").read_bytes()
    result = {"targets": targets, "runs": runs, "summary": _summary(runs),
              "bundle": {"bytes": len(bundle), "gzip_bytes": len(gzip.compress(bundle, 9))}}
    print(json.dumps({"summary": result["summary"], "bundle": result["bundle"]}, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

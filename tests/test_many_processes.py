"""Many processes at once on one embedded store (docs/decisions/0010): `graph serve`, `graph watch`,
two `graph mcp` servers (stdio and HTTP) and a `graph lsp` editing the watched repo, under constant read load, repeated CLI ingests, and a
writer killed with SIGKILL mid-write. None may fail to start, meet a lock error, lose a write or
answer from a snapshot older than a committed write; a waiting writer waits only for the
requests in flight and for other writers, never for the stream of readers.

Embedded store only: Neo4j serialises its own transactions and needs none of this.
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from graphsvc.ingest.run import ingest
from graphsvc.settings import Settings
from tests.conftest import FIXTURES
from tests.helpers import copy_repo, diff, export_text
from tests.mcp.client import ROOT, McpClient, free_port, wait_for_port

pytestmark = pytest.mark.ladybug

ROUNDS = 3  # writes by the watcher and by the CLI each
LOCK_TIMEOUT = "30"  # a writer starved by readers would fail with a lock error within this


def _graph(*args: str, env: dict[str, str], **kw: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "ingest_cli", *args], cwd=ROOT, env={**os.environ, **env},
                            stdout=kw.pop("stdout", subprocess.PIPE), stderr=subprocess.PIPE, **kw)


class _Reader:
    """One reading process as the test sees it: ``has(symbol_id)`` asks it whether a symbol exists,
    ``load()`` is one request of the background load (an answer that is not an error)."""

    def __init__(self, name: str, has: Callable[[str], bool], load: Callable[[], None],
                 close: Callable[[], None] = lambda: None) -> None:
        self.name, self.has, self.load, self.close = name, has, load, close


def _mcp_reader(name: str, client: McpClient) -> _Reader:
    def has(symbol_id: str) -> bool:
        result = client.call("symbol", {"target": symbol_id, "max_lines": 0})
        text = result.content[0].text  # type: ignore[union-attr]
        assert not result.isError or " with id " in text, text
        return not result.isError

    def load() -> None:
        for tool, args in (("search", {"query": "Product", "limit": 5}),
                           ("impact", {"target": "sym:repo:watched/shop:shop/models.py#Base.save"})):
            result = client.call(tool, args)
            assert not result.isError, result.content

    return _Reader(name, has, load)


def _graphql_reader(port: int) -> _Reader:
    http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)

    def has(symbol_id: str) -> bool:
        answer = http.post("/graphql", json={"query": "query($id: ID!) { symbol(id: $id) { id } }",
                                             "variables": {"id": symbol_id}}).json()
        errors = answer.get("errors") or []
        assert all(e.get("extensions", {}).get("code") == "NOT_FOUND" for e in errors), errors
        return bool((answer.get("data") or {}).get("symbol"))

    def load() -> None:
        answer = http.post("/graphql", json={"query": "{ search(query: \"Product\", limit: 5) { score } "
                                                      "projects { items { id } } }"}).json()
        assert "errors" not in answer, answer

    return _Reader("graphql", has, load, http.close)


class _Lsp:
    """A minimal LSP client over stdio (JSON-RPC with Content-Length frames), one request at a time."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.proc = _graph("lsp", env=env, stdin=subprocess.PIPE)
        self.ids = 0
        self.mutex = threading.Lock()
        self.request("initialize", {"processId": os.getpid(), "rootUri": folder.as_uri(), "capabilities": {},
                                    "workspaceFolders": [{"uri": folder.as_uri(), "name": folder.name}]})
        self._send({"jsonrpc": "2.0", "method": "initialized", "params": {}})

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        length = 0
        while (line := self.proc.stdout.readline().strip()):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        if not length:
            raise EOFError(f"graph lsp exited: {self.proc.stderr.read().decode() if self.proc.stderr else ''}")
        return json.loads(self.proc.stdout.read(length))  # type: ignore[no-any-return]

    def request(self, method: str, params: dict[str, Any]) -> Any:
        with self.mutex:
            self.ids += 1
            self._send({"jsonrpc": "2.0", "id": self.ids, "method": method, "params": params})
            while True:
                message = self._read()
                if message.get("id") == self.ids and "method" not in message:
                    assert "error" not in message, message
                    return message.get("result")
                if "id" in message and "method" in message:  # a request of the server's (progress, …)
                    self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})

    def close(self) -> None:
        try:
            self.request("shutdown", {})
            self._send({"jsonrpc": "2.0", "method": "exit"})
            self.proc.communicate(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


def _lsp_reader(client: _Lsp, roots: dict[str, Path]) -> _Reader:
    def has(symbol_id: str) -> bool:
        body = symbol_id.removeprefix("sym:")
        repo = next(r for r in roots if body.startswith(r + ":"))
        path, _, name = body[len(repo) + 1:].partition("#")
        uri = (roots[repo] / path).as_uri()
        found = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}}) or []
        return name in {s["name"] for s in found}

    def load() -> None:
        uri = (roots["repo:watched/shop"] / "shop" / "models.py").as_uri()
        assert client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
        client.request("workspace/symbol", {"query": "Product"})

    return _Reader("lsp", has, load)


def _big_repo(root: Path) -> Path:
    for i in range(100):
        (root / "pkg").mkdir(parents=True, exist_ok=True)
        (root / "pkg" / f"m{i}.py").write_text("".join(f"def f{j}(x):\n    return f{j}(x)\n\n" for j in range(25)))
    return root


def _append(path: Path, name: str) -> None:
    with path.open("a") as f:
        f.write(f"\n\ndef {name}():\n    return 1\n")


class _Load:
    """Every reader asked in a loop on a thread of its own until ``stop``; failures are kept."""

    def __init__(self, readers: list[_Reader]) -> None:
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.requests = 0
        self.threads = [threading.Thread(target=self._run, args=(r,), daemon=True) for r in readers]
        for t in self.threads:
            t.start()

    def _run(self, reader: _Reader) -> None:
        while not self.stop.is_set():
            try:
                reader.load()
                self.requests += 1
            except Exception as exc:  # every failure is a finding of the test
                self.errors.append(f"{reader.name}: {exc!r}")

    def close(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(60)


def _stopped(name: str, proc: subprocess.Popen[bytes]) -> str:
    """The stderr of a process told to stop (SIGINT); one that does not stop within a minute is
    aborted, and its threads' stacks (faulthandler, on in its environment) fail the test."""
    try:
        return proc.communicate(timeout=60)[1].decode()
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGABRT)
        err = proc.communicate(timeout=30)[1].decode()
        pytest.fail(f"graph {name} did not stop within 60 s of SIGINT; its threads:\n{err[-6000:]}")


def test_serve_watch_mcp_and_cli_ingests_share_one_store(tmp_path: Path) -> None:
    store = tmp_path / "g.lbug"
    env = {"GRAPH_STORE": f"ladybug://{store}", "GRAPH_WORKERS": "1", "GRAPH_LOCK_TIMEOUT": LOCK_TIMEOUT,
           "PYTHONUNBUFFERED": "1", "PYTHONFAULTHANDLER": "1"}
    settings = Settings(store=f"ladybug://{store}", workers=1)
    watched = copy_repo(FIXTURES / "shop", tmp_path / "watched" / "shop")
    cli_repo = copy_repo(FIXTURES / "toolkit", tmp_path / "cli" / "toolkit")
    victim = _big_repo(tmp_path / "victim" / "big")
    ingest(watched, settings, project="watched")
    ingest(cli_repo, settings, project="cli")

    # Everything starts at once on the same store.
    port = free_port()
    serve = _graph("serve", "--port", str(port), "--log-level", "warning", env=env)
    watch = _graph("watch", str(watched), "--project", "watched", "--json", "--debounce", "0.05", env=env)
    mcp_stdio = McpClient.stdio(env)
    mcp_http = McpClient.http(env)
    # An editor on the watched repo: its server also ingests the saves `graph watch` sees.
    editor = _Lsp(env, watched)
    wait_for_port(port, serve)
    roots = {"repo:watched/shop": watched, "repo:cli/toolkit": cli_repo, "repo:victim/big": victim}
    readers = [_graphql_reader(port), _mcp_reader("mcp-stdio", mcp_stdio), _mcp_reader("mcp-http", mcp_http),
               _lsp_reader(editor, roots)]
    events: queue.Queue[dict[str, Any]] = queue.Queue()
    assert watch.stdout is not None
    threading.Thread(target=lambda: [events.put(json.loads(line)) for line in watch.stdout],  # type: ignore[union-attr]
                     daemon=True).start()
    stale: list[str] = []
    lock_waits: list[float] = []
    failures: list[str] = []
    killed_mid_write: list[bool] = []

    def fresh(symbol_id: str, after: str) -> None:
        for r in readers:
            if not r.has(symbol_id):
                stale.append(f"{r.name} did not see {symbol_id} after {after}")

    def watcher_writes() -> None:
        for k in range(ROUNDS):
            while not events.empty():
                events.get_nowait()
            _append(watched / "shop" / "orders.py", f"watched_{k}")
            # The editor's server ingests the same save as `graph watch`: whichever commits first, the
            # other finds nothing changed, so there is no one event to wait for. Every reader must see
            # the symbol after a run that finished after the save (strict freshness: the CLI rounds).
            symbol = f"sym:repo:watched/shop:shop/orders.py#watched_{k}"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    event = events.get(timeout=max(0.1, deadline - time.monotonic()))
                except queue.Empty:
                    break
                if event["subject"] in ("graph.ingest.failed", "graph.watch.retrying"):
                    failures.append(f"watch: {event['payload']}")
                if event["subject"] == "graph.ingest.finished" and all(r.has(symbol) for r in readers):
                    break
            fresh(symbol, "graph watch and the editor ingested the save")

    def cli_writes() -> None:
        for k in range(ROUNDS):
            _append(cli_repo / "src" / "toolkit" / "core" / "engine.py", f"cli_{k}")
            done = subprocess.run([sys.executable, "-m", "ingest_cli", "ingest", str(cli_repo), "--project", "cli",
                                   "--incremental", "--json"], cwd=ROOT, env={**os.environ, **env},
                                  capture_output=True, timeout=120)
            if done.returncode != 0:
                failures.append(f"graph ingest: {done.stderr.decode()}")
                continue
            lock_waits.append(json.loads(done.stdout)["timings"]["lock_wait"])
            fresh(f"sym:repo:cli/toolkit:src/toolkit/core/engine.py#cli_{k}", "graph ingest exited")

    def killed_writer() -> None:
        proc = _graph("ingest", str(victim), "--project", "victim", env=env)
        # The write lock's holder writes its PID into the lock file: kill it once it is writing.
        lock_file = store.with_name(store.name + ".lock")
        while proc.poll() is None and lock_file.read_text().strip() != str(proc.pid):
            time.sleep(0.001)
        time.sleep(random.Random(11).uniform(0.0, 0.05))
        killed_mid_write.append(proc.poll() is None)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        rerun = subprocess.run([sys.executable, "-m", "ingest_cli", "ingest", str(victim), "--project", "victim",
                                "--incremental"], cwd=ROOT, env={**os.environ, **env}, capture_output=True,
                               timeout=300)
        if rerun.returncode != 0:
            failures.append(f"rerun after SIGKILL: {rerun.stderr.decode()}")
        fresh("sym:repo:victim/big:pkg/m99.py#f24", "the rerun after SIGKILL exited")

    load = _Load(readers)
    try:
        writers = [threading.Thread(target=fn) for fn in (watcher_writes, cli_writes, killed_writer)]
        for t in writers:
            t.start()
        for t in writers:
            t.join(600)
        time.sleep(0.5)  # a little more load after the last write
    finally:
        load.close()
        for r in readers:
            r.close()
        for c in (mcp_stdio, mcp_http, editor):
            c.close()
        alive = {name: p.poll() is None for name, p in (("serve", serve), ("watch", watch))}
        for p in (serve, watch):
            p.send_signal(signal.SIGINT)
        logs = {name: _stopped(name, p) for name, p in (("serve", serve), ("watch", watch))}

    assert not failures, failures
    assert killed_mid_write == [True], "the writer finished before it could be killed; make its repo bigger"
    assert not load.errors, load.errors[:5]
    assert load.requests > 20, "the readers hardly ran"
    assert not stale, stale
    assert alive == {"serve": True, "watch": True}, logs
    for name, log in logs.items():
        assert "lock" not in log.lower() and "Traceback" not in log, f"{name}: {log}"
    # A writer waited for the reads in flight and the other writers, never for the reader stream.
    assert len(lock_waits) == ROUNDS and max(lock_waits) < float(LOCK_TIMEOUT) / 2, lock_waits

    # No lost write: the store equals a fresh, sequential build of the three trees as they are now.
    expected = Settings(store=f"ladybug://{tmp_path / 'fresh.lbug'}", workers=1)
    ingest(victim, expected, project="victim")
    ingest(cli_repo, expected, project="cli")
    ingest(watched, expected, project="watched")
    a, b = export_text(expected), export_text(settings)
    assert a == b, diff(a, b, "many processes vs a fresh build")

"""``graph query`` and ``graph serve``: the same answers on the command line and over HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from graphsvc.settings import Settings
from ingest_cli import main

BASE_SAVE = "sym:repo:shop/shop:shop/models.py#Base.save"
CHECKOUT = "sym:repo:shop/shop:shop/orders.py#checkout"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_query_callers_prints_where_each_call_is_and_its_resolution(ladybug_api_settings: Settings) -> None:
    code, out, _ = _run("query", "callers", BASE_SAVE, "--store", ladybug_api_settings.store)
    assert code == 0
    assert out == ("shop/models.py:43:23  CALLS  sym:repo:shop/shop:shop/models.py#Customer.save -> "
                   f"{BASE_SAVE}  exact\n")


def test_query_callees_pages_and_json_matches(ladybug_api_settings: Settings) -> None:
    code, out, _ = _run("query", "callees", CHECKOUT, "--limit", "2", "--store", ladybug_api_settings.store)
    assert code == 0 and out.splitlines()[-1] == "… more with --offset 2"
    code, out, _ = _run("query", "callees", CHECKOUT, "--limit", "2", "--offset", "12", "--json",
                        "--store", ladybug_api_settings.store)
    page = json.loads(out)
    assert page["hasMore"] is False and page["offset"] == 12
    assert [(i["target"]["id"], i["resolution"]) for i in page["items"]] == [
        ("ext:python:?.sort", "unresolved"), ("ext:python:?.unknown_helper", "unresolved")]


def test_query_refs_search_deps_and_symbol_at(ladybug_api_settings: Settings) -> None:
    store = ladybug_api_settings.store
    code, out, _ = _run("query", "refs", "sym:repo:shop/shop:shop/models.py#Customer", "--store", store)
    assert code == 0 and len(out.splitlines()) == 4 and out.startswith("shop/__init__.py:3:20  IMPORTS")
    code, out, _ = _run("query", "search", "prodct", "--limit", "1", "--store", store)
    assert out == " 73.85  fuzzy   Symbol    sym:repo:shop/shop:shop/models.py#Product  shop/models.py:15\n"
    code, out, _ = _run("query", "deps", BASE_SAVE, "--direction", "in", "--depth", "2", "--types", "CALLS",
                        "--json", "--store", store)
    assert [(n["id"].rpartition("#")[2], n["depth"]) for n in json.loads(out)["nodes"]] == [
        ("Base.save", 0), ("Customer.save", 1), ("checkout", 2), ("TestOrder.test_client_is_customer", 2)]
    code, out, _ = _run("query", "symbol-at", "repo:shop/shop", "shop/orders.py", "17", "10", "--store", store)
    assert out == "sym:repo:shop/shop:shop/orders.py#checkout.total  Function  shop/orders.py:16:8  def total()\n"


def test_query_errors_are_one_line_with_exit_2(ladybug_api_settings: Settings) -> None:
    code, _, err = _run("query", "callers", "sym:nope", "--store", ladybug_api_settings.store)
    assert code == 2 and err.count("\n") == 1 and err.startswith("error: no symbol, file or external with id 'sym:nope'")
    code, _, err = _run("query", "deps", BASE_SAVE, "--depth", "9", "--store", ladybug_api_settings.store)
    assert code == 2 and "depth 9 is over the maximum 5" in err


def test_serve_refuses_a_missing_store_in_one_line(tmp_path: Path) -> None:
    code, _, err = _run("serve", "--store", f"ladybug://{tmp_path / 'none.lbug'}")
    assert code == 3 and err.count("\n") == 1 and "no graph at" in err


def test_serve_binds_loopback_by_default_and_answers(ladybug_api_settings: Settings) -> None:
    serve = main.commands["serve"]
    assert next(p.default for p in serve.params if p.name == "host") == "127.0.0.1"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "GRAPH_STORE": ladybug_api_settings.store}
    proc = subprocess.Popen([sys.executable, "-m", "ingest_cli", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=Path(__file__).parents[2])
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/readyz", headers={"X-Correlation-ID": "cli-1"})
                with urllib.request.urlopen(request, timeout=2) as response:
                    assert json.loads(response.read()) == {"status": "ready"}
                    assert response.headers["X-Correlation-ID"] == "cli-1"
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                assert time.monotonic() < deadline, "graph serve did not answer within 30 s"
                time.sleep(0.2)
        body = json.dumps({"query": f'{{ callers(symbolId: "{BASE_SAVE}") {{ items {{ line }} }} }}'}).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert json.loads(response.read()) == {"data": {"callers": {"items": [{"line": 43}]}}}
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert "[cli-1] api.access: GET /readyz 200" in err.decode()

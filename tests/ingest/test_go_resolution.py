"""Go resolution on both stores: cross-package edges, and the incremental invariant for Go edits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graphsvc.ingest.run import ingest
from tests.conftest import FIXTURES
from tests.helpers import copy_repo, diff, export_text

REPO = "repo:inventory/inventory"


def _edges(text: str, etype: str) -> list[dict[str, Any]]:
    out = []
    for line in text.splitlines():
        obj = json.loads(line)
        if "edge" in obj and obj["edge"]["type"] == etype:
            out.append(obj["edge"])
    return out


def _fresh(repo: Path, make_settings: Any) -> str:
    settings = make_settings(fresh=True)
    ingest(repo, settings)
    return export_text(settings)


def _incremental_equals_fresh(repo: Path, make_settings: Any) -> Any:
    settings = make_settings()
    report = ingest(repo, settings, incremental=True)
    incremental = export_text(settings)
    fresh = _fresh(repo, make_settings)
    assert incremental == fresh, diff(fresh, incremental, "incremental vs fresh")
    return report, incremental


def _line(path: str, needle: str) -> int:
    """The 1-based line of the first line of a fixture file that contains ``needle``."""
    lines = (FIXTURES / "inventory" / path).read_text().splitlines()
    return next(i for i, text in enumerate(lines, start=1) if needle in text)


def _call_to(text: str, src_qname: str, line: int) -> dict[str, Any]:
    return next(e for e in _edges(text, "CALLS") if e["from"].endswith(src_qname) and e["line"] == line)


def test_methods_resolve_across_packages_through_receiver_types(tmp_path: Path, make_settings: Any) -> None:
    settings = make_settings()
    ingest(FIXTURES / "inventory", settings)
    text = export_text(settings)
    main = [e for e in _edges(text, "CALLS") if e["from"].endswith("cmd/inventory/main.go#main")]
    targets = {(e["to"], e["resolution"]) for e in main}
    assert (f"sym:{REPO}:api/server.go#Server.Handle", "exact") in targets
    assert (f"sym:{REPO}:store/memory.go#NewMemory", "exact") in targets
    assert ("ext:go:net/http.ListenAndServe", "exact") in targets
    promoted = _call_to(text, "store/cache.go#Cached.Lookup", _line("store/cache.go", "return c.Get(id)"))
    assert promoted["to"] == f"sym:{REPO}:store/memory.go#Memory.Get" and promoted["resolution"] == "exact"
    header = _call_to(text, "api/server.go#Server.Handle", _line("api/server.go", "writeHeader(w"))
    assert header["to"] == f"sym:{REPO}:api/routes.go#writeHeader" and header["resolution"] == "exact"
    platform = next(e for e in _edges(text, "CALLS") if e["to"].endswith("#Platform"))
    assert platform["resolution"] == "heuristic" and platform["candidates"] == 2 and platform["confidence"] == 0.5


def test_renamed_method_relinks_callers_in_other_packages(tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "inventory", tmp_path / "inventory")
    settings = make_settings()
    ingest(repo, settings)
    memory = repo / "store" / "memory.go"
    memory.write_text(memory.read_text().replace("func (m *Memory) Get(", "func (m *Memory) Fetch("))
    report, text = _incremental_equals_fresh(repo, make_settings)
    assert report.changed == 1 and report.relinked >= 1
    lookup = _call_to(text, "store/cache.go#Cached.Lookup", _line("store/cache.go", "return c.Get(id)"))
    assert lookup["resolution"] == "unresolved"


def test_edit_inside_a_body_touches_one_file(tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "inventory", tmp_path / "inventory")
    settings = make_settings()
    ingest(repo, settings)
    fmt = repo / "model" / "format.go"
    fmt.write_text(fmt.read_text().replace("cents/100", "cents / 100"))
    report, _ = _incremental_equals_fresh(repo, make_settings)
    assert report.changed == 1 and report.relinked == 0


def test_new_file_in_a_package_and_a_deleted_one_converge(tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "inventory", tmp_path / "inventory")
    settings = make_settings()
    ingest(repo, settings)
    # unknown() in api/routes.go now exists in the package; one build-tag variant goes away.
    (repo / "api" / "unknown.go").write_text(
        "package api\n\nimport \"example.com/inventory/model\"\n\nfunc unknown() model.Store { return nil }\n")
    (repo / "model" / "platform_other.go").unlink()
    _, text = _incremental_equals_fresh(repo, make_settings)
    line = _line("api/routes.go", "unknown().Get")
    get = next(e for e in _edges(text, "CALLS") if e["line"] == line and e["column"] == 11)
    assert get["to"] == f"sym:{REPO}:model/model.go#Store.Get" and get["resolution"] == "exact"
    platform = next(e for e in _edges(text, "CALLS") if e["to"].endswith("#Platform"))
    assert platform["resolution"] == "exact"


def test_module_path_edit_re_resolves_every_import(tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "inventory", tmp_path / "inventory")
    settings = make_settings()
    ingest(repo, settings)
    gomod = repo / "go.mod"
    gomod.write_text(gomod.read_text().replace("example.com/inventory", "example.com/shelf"))
    report, text = _incremental_equals_fresh(repo, make_settings)
    assert report.changed == 11
    imports = {e["to"] for e in _edges(text, "IMPORTS") if e["from"].endswith("cmd/inventory/main.go")}
    # The sources still import the old path, which is now another module: External.
    assert "ext:go:example.com/inventory/api" in imports
    gomod.write_text(gomod.read_text().replace("example.com/shelf", "example.com/inventory"))
    _, text = _incremental_equals_fresh(repo, make_settings)
    imports = {e["to"] for e in _edges(text, "IMPORTS") if e["from"].endswith("cmd/inventory/main.go")}
    assert f"file:{REPO}:api/server.go" in imports


def test_import_paths_come_from_go_mod_and_vendor(tmp_path: Path) -> None:
    from graphsvc.ingest.resolve.go import module_names

    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "go.mod").write_text("// the service\nmodule example.com/svc // trailing\n\ngo 1.22\n")
    names = module_names(["svc/main.go", "svc/api/h.go", "svc/vendor/github.com/x/y/y.go", "tools/t.go"],
                         ["svc/go.mod"], tmp_path)
    assert names["svc/main.go"] == ("example.com/svc", "mod:example.com/svc")
    assert names["svc/api/h.go"] == ("example.com/svc/api", "mod:example.com/svc")
    assert names["svc/vendor/github.com/x/y/y.go"] == ("github.com/x/y", "mod:example.com/svc")
    assert names["tools/t.go"] == ("tools",)

"""Java and Rust: after edits, renames, additions and deletions, incremental == fresh, on both stores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graphsvc.ingest.run import ingest
from tests.conftest import FIXTURES
from tests.helpers import copy_repo, diff, export_text

JAVA = Path("src/main/java/com/acme/inventory")


def _check(repo: Path, make_settings: Any) -> Any:
    settings = make_settings()
    report = ingest(repo, settings, incremental=True)
    incremental = export_text(settings)
    fresh_settings = make_settings(fresh=True)
    ingest(repo, fresh_settings)
    fresh = export_text(fresh_settings)
    assert incremental == fresh, diff(fresh, incremental, "incremental vs fresh")
    return report


def _edges(text: str, etype: str) -> list[dict[str, Any]]:
    out = []
    for line in text.splitlines():
        obj = json.loads(line)
        if "edge" in obj and obj["edge"]["type"] == etype:
            out.append(obj["edge"])
    return out


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{path}: {old!r} not found"
    path.write_text(text.replace(old, new))


def test_java_body_edit_reparses_one_file(tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "depot", tmp_path / "depot")
    ingest(repo, make_settings())
    _edit(repo / JAVA / "util/Log.java", 'info("warning: " + message);', 'info("warn: " + message);')
    report = _check(repo, make_settings)
    assert report.changed == 1 and report.relinked == 0


def test_java_renamed_method_relinks_callers(tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "depot", tmp_path / "depot")
    ingest(repo, make_settings())
    _edit(repo / JAVA / "model/Item.java", "public String getName()", "public String label()")
    report = _check(repo, make_settings)
    assert report.changed == 1 and report.relinked >= 1
    calls = _edges(export_text(make_settings()), "CALLS")
    assert any(e["to"].endswith("?.getName") and e["resolution"] == "unresolved" for e in calls)


def test_java_new_class_in_the_package_shadows_an_on_demand_import(tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "depot", tmp_path / "depot")
    ingest(repo, make_settings())
    (repo / JAVA / "service/HashMap.java").write_text(
        "package com.acme.inventory.service;\n\nclass HashMap<K, V> extends java.util.HashMap<K, V> {\n}\n")
    report = _check(repo, make_settings)
    assert report.relinked >= 1
    calls = _edges(export_text(make_settings()), "CALLS")
    assert any(e["to"].endswith("service/HashMap.java#HashMap") and e["resolution"] == "exact" for e in calls)


def test_java_package_move_and_deletion_converge(tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "depot", tmp_path / "depot")
    ingest(repo, make_settings())
    # Helper leaves the service package without changing its path; Audit goes.
    _edit(repo / JAVA / "service/Helper.java", "package com.acme.inventory.service;", "package com.acme.other;")
    (repo / JAVA / "service/Audit.java").unlink()
    _check(repo, make_settings)


def test_rust_body_edit_reparses_one_file(tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "warehouse", tmp_path / "warehouse")
    ingest(repo, make_settings())
    _edit(repo / "src/util.rs", "self.lines.push(line.to_owned());", "self.lines.push(line.to_string());")
    report = _check(repo, make_settings)
    assert report.changed == 1 and report.relinked == 0


def test_rust_renamed_method_relinks_callers(tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "warehouse", tmp_path / "warehouse")
    ingest(repo, make_settings())
    _edit(repo / "src/util.rs", "pub fn write(&mut self", "pub fn append(&mut self")
    report = _check(repo, make_settings)
    assert report.relinked >= 1
    assert "util.rs#Logger.write" not in export_text(make_settings())


def test_rust_impl_block_in_a_new_file_relinks_method_calls(tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "warehouse", tmp_path / "warehouse")
    _edit(repo / "tests/api.rs", "store.add(Item::new(\"bolt\"));", "store.add(Item::new(\"bolt\"));\n    store.clear();")
    ingest(repo, make_settings())
    _edit(repo / "src/lib.rs", "mod util;", "mod util;\nmod extra;")
    (repo / "src/extra.rs").write_text("impl crate::store::Store {\n    pub fn clear(&mut self) {}\n}\n")
    report = _check(repo, make_settings)
    assert report.relinked >= 1
    calls = _edges(export_text(make_settings()), "CALLS")
    assert any(e["to"].endswith("src/extra.rs#Store.clear") and e["resolution"] == "exact" for e in calls)


def test_rust_module_file_rename_converges(tmp_path: Path, make_settings: Any) -> None:
    repo = copy_repo(FIXTURES / "warehouse", tmp_path / "warehouse")
    ingest(repo, make_settings())
    (repo / "src/models/item.rs").rename(repo / "src/models/thing.rs")
    _edit(repo / "src/models/mod.rs", "pub mod item;\n\npub use self::item::", "pub mod thing;\n\npub use self::thing::")
    _check(repo, make_settings)
    (repo / "src/util.rs").unlink()
    _check(repo, make_settings)

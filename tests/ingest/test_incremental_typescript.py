"""TypeScript/JavaScript incremental runs equal fresh builds: edits that move cross-file answers.

Each case edits a copy of ``fixtures/repos/storefront``, runs an incremental ingest and
compares the export with a fresh ingest of the same tree, on both stores.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphsvc.ingest.run import ingest
from tests.conftest import FIXTURES
from tests.helpers import copy_repo, diff, export_text

REPO = FIXTURES / "storefront"


def _fresh(repo: Path, make_settings: Any) -> str:
    settings_ = make_settings(fresh=True)
    ingest(repo, settings_)
    return export_text(settings_)


def _edit_and_compare(repo: Path, make_settings: Any) -> tuple[Any, str]:
    settings_ = make_settings()
    report = ingest(repo, settings_, incremental=True)
    incremental = export_text(settings_)
    assert incremental == _fresh(repo, make_settings), diff(_fresh(repo, make_settings), incremental)
    return report, incremental


def _edges(text: str, etype: str) -> list[dict[str, Any]]:
    rows = (json.loads(line) for line in text.splitlines())
    return [r["edge"] for r in rows if "edge" in r and r["edge"]["type"] == etype]


def _start(tmp_path: Path, make_settings: Any) -> Path:
    repo = copy_repo(REPO, tmp_path / "storefront")
    ingest(repo, make_settings())
    return repo


def test_body_edit_reparses_one_file_and_relinks_none(tmp_path: Path, make_settings: Any) -> None:
    repo = _start(tmp_path, make_settings)
    money = repo / "src/core/money.ts"
    money.write_text(money.read_text().replace("value * 100", "value * 100.0"))
    report, _ = _edit_and_compare(repo, make_settings)
    assert report.changed == 1 and report.relinked == 0


def test_renamed_method_relinks_callers_across_the_extends_chain(tmp_path: Path, make_settings: Any) -> None:
    repo = _start(tmp_path, make_settings)
    repo_ts = repo / "src/core/repo.ts"
    repo_ts.write_text(repo_ts.read_text().replace("  all(): T[]", "  everything(): T[]"))
    report, text = _edit_and_compare(repo, make_settings)
    assert report.changed == 1 and report.relinked >= 1
    assert "repo.ts#Repository.all" not in text


def test_tsconfig_paths_edit_re_resolves_every_file(tmp_path: Path, make_settings: Any) -> None:
    repo = _start(tmp_path, make_settings)
    config = repo / "tsconfig.json"
    config.write_text(config.read_text().replace('"@core/*": ["src/core/*"]', '"@core/*": ["src/elsewhere/*"]'))
    report, text = _edit_and_compare(repo, make_settings)
    assert report.changed == len(_sources(repo)) and report.relinked == 0
    imports = [e for e in _edges(text, "IMPORTS") if e["from"].endswith("src/services/catalog.ts")]
    assert any(e["to"] == "ext:typescript:@core/money.format" for e in imports)


def test_a_file_appearing_where_a_probe_missed_relinks_its_importers(tmp_path: Path, make_settings: Any) -> None:
    repo = _start(tmp_path, make_settings)
    # `./legacy/report` resolved to report.jsx; a report.ts now comes first in tsc's order.
    (repo / "src/legacy/report.ts").write_text("export default class Report {\n  render(): string {\n"
                                              "    return '';\n  }\n}\n")
    report, text = _edit_and_compare(repo, make_settings)
    assert report.relinked >= 1
    calls = [e for e in _edges(text, "CALLS") if e["from"].endswith("src/app.ts#main")]
    assert any(e["to"].endswith("src/legacy/report.ts#Report.render") for e in calls)


def test_removed_star_re_export_unresolves_through_the_chain(tmp_path: Path, make_settings: Any) -> None:
    repo = _start(tmp_path, make_settings)
    index = repo / "src/core/index.ts"
    index.write_text(index.read_text().replace('export * from "./models";\n', ""))
    _, text = _edit_and_compare(repo, make_settings)
    imports = [e for e in _edges(text, "IMPORTS")
               if e["from"].endswith("src/services/catalog.ts") and e["line"] == 1 and e["column"] == 19]
    assert [e["resolution"] for e in imports] == ["unresolved"]


def test_workspace_package_exports_edit_re_resolves(tmp_path: Path, make_settings: Any) -> None:
    repo = _start(tmp_path, make_settings)
    (repo / "packages/shared/src/logger.ts").write_text("export function log(m: string): void {}\n")
    pkg = repo / "packages/shared/package.json"
    pkg.write_text(pkg.read_text().replace("./src/index.ts", "./src/logger.ts"))
    _, text = _edit_and_compare(repo, make_settings)
    calls = [e for e in _edges(text, "CALLS") if e["from"].endswith("src/app.ts#main") and e["line"] == 12]
    assert any(e["to"].endswith("packages/shared/src/logger.ts#log") for e in calls)


# -- property: any sequence of edits ---------------------------------------------------------

_DECL_RE = re.compile(r"^export (?:default )?(?:async )?(?:abstract )?(function|class|interface) (\w+)", re.MULTILINE)
_NAMES = st.sampled_from(["format", "log", "Product", "round", "seed", "label", "makeCatalog", "Helper"])
_EXTS = (".ts", ".tsx", ".js", ".jsx")


def _sources(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in _EXTS)


def _apply(root: Path, data: Any) -> str:
    files = _sources(root)
    if not files:
        return "nothing to edit"
    target = data.draw(st.sampled_from(files), label="file")
    text = target.read_text(encoding="utf-8")
    op = data.draw(st.sampled_from(["add", "remove", "rename", "delete", "move", "reexport", "import", "body"]),
                   label="op")
    decls = _DECL_RE.findall(text)
    if op == "add":
        name = data.draw(_NAMES, label="name")
        target.write_text(text + f"\nexport function {name}(...args: unknown[]) {{\n  return args.length;\n}}\n")
    elif op == "remove" and decls:
        start = text.rfind("\nexport ")
        target.write_text(text[: max(start, 0)] + "\n")
    elif op == "rename" and decls:
        _, name = data.draw(st.sampled_from(decls), label="symbol")
        target.write_text(re.sub(rf"\b{name}\b", name + "Renamed", text))
    elif op == "delete":
        target.unlink()
    elif op == "move":
        target.rename(target.with_name("moved" + target.suffix))
    elif op == "reexport":
        source = data.draw(st.sampled_from(files), label="from")
        spec = os.path.relpath(source.with_suffix(""), root / "src/core").replace(os.sep, "/")
        index = root / "src/core/index.ts"
        index.write_text((index.read_text() if index.exists() else "") + f'export * from "./{spec}";\n')
    elif op == "import":
        name = data.draw(_NAMES, label="name")
        (root / "src" / f"user{len(files)}.ts").write_text(
            f'import {{ {name} }} from "@core/index";\n\nexport function use() {{\n  return {name}();\n}}\n')
    else:
        target.write_text(text + "\n// edited\n")
    return f"{op} {target.relative_to(root)}"


@settings(max_examples=int(os.environ.get("GRAPH_PROPERTY_EXAMPLES", "5")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data(), steps=st.integers(1, 3))
def test_incremental_equals_fresh_after_random_ts_edits(make_settings: Any, data: Any, steps: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "storefront"
        shutil.copytree(REPO, root)
        settings_ = make_settings(fresh=True)
        ingest(root, settings_)
        done = []
        for _ in range(steps):
            done.append(_apply(root, data))
            ingest(root, settings_, incremental=True)
        incremental = export_text(settings_)
        fresh = _fresh(root, make_settings)
        assert incremental == fresh, "after " + "; ".join(done) + "\n" + diff(fresh, incremental, "incremental vs fresh")

"""A real editor: Neovim (headless) asks ``graph lsp`` for a definition through its built-in client."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.lsp.conftest import ROOT, make_workspace, server_command

SCRIPT = Path(__file__).with_name("definition.lua")


@pytest.fixture(scope="module")
def nvim() -> str:
    found = shutil.which("nvim")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nvim is missing (required in CI): .ci/run installs Debian's neovim package")
        pytest.skip("the Neovim end-to-end test needs nvim (Debian package neovim)")
    return found


def test_neovim_goes_to_the_definition_across_files_on_a_non_ascii_line(
        nvim: str, backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    ws = make_workspace(backend, request, tmp_path, index=("shop",))
    out = tmp_path / "landed.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GRAPH_LSP_CMD": json.dumps(server_command(ws.settings)),
           "GRAPH_ROOT": str(ws.root / "shop"), "GRAPH_FILE": str(ws.path("shop", "shop/greeting.py")),
           # `log(message)` after "crème brûlée ✓ 🍰": byte column 51, UTF-16 character 43.
           "GRAPH_LINE": "5", "GRAPH_COL": "52", "GRAPH_OUT": str(out), "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    subprocess.run([nvim, "--headless", "--clean", "-u", "NONE", "-c", f"luafile {SCRIPT}"], env=env, cwd=ROOT,
                   timeout=180, check=False, capture_output=True)
    landed = json.loads(out.read_text(encoding="utf-8"))
    assert landed == {"moved": True, "file": str(ws.path("shop", "shop/util/log.py")), "line": 1, "col": 4}

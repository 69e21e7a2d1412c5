"""The ecosystem screenshot of the README: the linked fixture projects in the browser client.

Usage::

    python bench/viz_screenshots.py [--out docs/ecosystem-view.png]

Ingests ``fixtures/ecosystem`` (billing depends on ledger; billing declares four services) into a
temporary LadybugDB store, starts ``graph serve`` on loopback and saves the ecosystem view with
billing selected and its cross-project links shown, from Debian's ``/usr/bin/chromium``. The
Django project view is saved by ``bench/viz.py --screenshot``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.viz import CHROMIUM, _serve  # noqa: E402


def main() -> None:
    from playwright.sync_api import sync_playwright

    from graphsvc.ingest.run import ingest
    from graphsvc.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "ecosystem-view.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="viz-shots-") as tmp:
        store = f"ladybug://{Path(tmp) / 'eco.lbug'}"
        for name in ("ledger", "billing"):
            ingest(ROOT / "fixtures" / "ecosystem" / name, Settings(store=store, workers=1))
        proc, url = _serve(store)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM,
                                            args=["--use-angle=swiftshader", "--enable-unsafe-swiftshader"])
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                state = {"view": "ecosystem", "expand": "proj:billing", "sel": "proj:billing", "layout": "force"}
                page.goto(f"{url}?{urlencode(state)}")
                page.wait_for_function("window.graphsvc.model().ready", timeout=60000)
                page.wait_for_timeout(500)
                page.screenshot(path=str(args.out))
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()

"""Small helpers the tests share."""

from __future__ import annotations

import difflib
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from graphsvc.export import export_lines
from graphsvc.settings import Settings
from graphsvc.store import open_store

__all__ = ["copy_repo", "diff", "export_text"]


def export_text(settings: Settings, project: str | None = None) -> str:
    """The canonical export of the store the settings name."""
    with open_store(settings, read_only=True) as store:
        return "".join(line + "\n" for line in export_lines(store, project))


def diff(expected: str, actual: str, name: str = "graph") -> str:
    """A unified diff, cut to a readable length."""
    lines = list(difflib.unified_diff(expected.splitlines(), actual.splitlines(),
                                      f"expected {name}", f"actual {name}", lineterm="", n=1))
    return "\n".join(lines[:200])


def copy_repo(src: Path, dst: Path) -> Path:
    """Copy a fixture repo (outside any git work tree) and return the copy's path."""
    shutil.copytree(src, dst, symlinks=True)
    return dst


class HealthBackend:
    """A loopback HTTP server for health probes: it answers ``code`` after ``delay`` seconds until
    stopped (a test changes both to make a service degraded or down)."""

    def __init__(self) -> None:
        self.code = 200
        self.delay = 0.0
        state = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 — http.server's name
                time.sleep(state.delay)
                self.send_response(state.code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/health"
        self.running = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.running:
            self.running = False
            self.server.shutdown()
            self.server.server_close()

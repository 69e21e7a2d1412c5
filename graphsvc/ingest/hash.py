"""Hash: the sha256 of each file's bytes, and the binary check on the same read."""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["hash_file"]

_BINARY_PROBE = 8192


def hash_file(path: Path) -> tuple[str, bool] | str:
    """Return ``(sha256 hex, is_binary)``, or the reason the file could not be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc.__class__.__name__})"
    return hashlib.sha256(data).hexdigest(), b"\0" in data[:_BINARY_PROBE]

"""Stores: one interface (``base.py``), two backends, picked by the store URL's scheme."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from graphsvc.errors import SettingsError
from graphsvc.store.base import RepoChange, Store, StoredFile

if TYPE_CHECKING:  # a parse worker imports ``store.base`` and needs no settings (pydantic: 80 ms a start)
    from graphsvc.settings import Settings

__all__ = ["RepoChange", "Store", "StoredFile", "dialect", "ladybug_path", "open_store"]


def ladybug_path(url: str) -> Path:
    """The file a ``ladybug://`` store URL names.

    Raises:
        SettingsError: the URL names no file.
    """
    parts = urlsplit(url)
    path = (parts.netloc + parts.path) if parts.netloc not in ("", "localhost") else parts.path
    if not path:
        raise SettingsError(f"store URL '{url}' names no file", suggestion="use ladybug:///path/to/graph.lbug")
    return Path(path).expanduser()


def _ladybug(url: str, settings: Settings, read_only: bool) -> Store:
    from graphsvc.store.ladybug import LadybugStore

    return LadybugStore(ladybug_path(url), read_only=read_only, lock_timeout=settings.lock_timeout)


def _neo4j(url: str, settings: Settings, read_only: bool) -> Store:
    from graphsvc.store.neo4j import Neo4jStore

    return Neo4jStore(url, settings.neo4j_user, settings.neo4j_password, settings.neo4j_database,
                      lock_timeout=settings.lock_timeout)


_BACKENDS: dict[str, Callable[[str, Settings, bool], Store]] = {
    "ladybug": _ladybug,
    "neo4j": _neo4j,
    "neo4j+s": _neo4j,
    "neo4j+ssc": _neo4j,
    "bolt": _neo4j,
    "bolt+s": _neo4j,
    "bolt+ssc": _neo4j,
}


def dialect(settings: Settings) -> str:
    """The ``Store.dialect`` of the store the settings name, without opening it ("" for an unknown URL)."""
    scheme = urlsplit(settings.store).scheme if "://" in settings.store else ""
    return "" if scheme not in _BACKENDS else "ladybug" if scheme == "ladybug" else "neo4j"


def open_store(settings: Settings, *, read_only: bool = False) -> Store:
    """Open the store the settings name.

    Raises:
        SettingsError: the URL's scheme is not a known backend.
        StoreUnavailable: the store cannot be opened or reached.
    """
    url = settings.store
    scheme = urlsplit(url).scheme if "://" in url else ""
    if scheme not in _BACKENDS:
        raise SettingsError(f"unknown store URL '{url}'",
                            suggestion="use ladybug:///path/to/graph.lbug, bolt://host:7687 or neo4j://host:7687")
    return _BACKENDS[scheme](url, settings, read_only)

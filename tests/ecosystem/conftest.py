"""Fixtures of the ecosystem and live-API tests: a store of either backend with its own event log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graphsvc.ingest.run import ingest
from graphsvc.settings import Settings

ECO = Path(__file__).resolve().parents[2] / "fixtures" / "ecosystem"


@pytest.fixture
def eco_settings(make_settings: Any, tmp_path: Path) -> Any:
    """A factory: settings of a store of the parametrized backend, its event log under tmp_path."""
    def make(**overrides: Any) -> Settings:
        return make_settings(event_log=str(tmp_path / "events.jsonl"), **overrides)  # type: ignore[no-any-return]
    return make


@pytest.fixture
def linked(eco_settings: Any) -> Settings:
    """The ledger and billing projects, ingested."""
    settings: Settings = eco_settings()
    for name in ("ledger", "billing"):
        ingest(ECO / name, settings)
    return settings


@pytest.fixture
def packaged(eco_settings: Any) -> Settings:
    """An npm library and an app using it, a Go module and a service using it, ingested."""
    settings: Settings = eco_settings()
    for name in ("uikit", "webapp", "geo", "router"):
        ingest(ECO / name, settings)
    return settings

"""Every setting is documented in the README's settings table, with its environment variable."""

from __future__ import annotations

from pathlib import Path

from graphsvc.settings import Settings

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_setting_has_a_description_and_a_readme_row() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, f"setting '{name}' has no description"
        assert f"| `{name}` | `GRAPH_{name.upper()}` |" in README, f"setting '{name}' is missing from README.md"


def test_environment_overrides_the_default(monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("GRAPH_NEO4J_USER", "reader")
    monkeypatch.setenv("GRAPH_WORKERS", "1")
    settings = Settings()
    assert settings.neo4j_user == "reader" and settings.workers == 1

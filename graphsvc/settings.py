"""Settings: one object, from flags, ``GRAPH_*`` environment variables or ``graph.toml``.

Every field has a default and a one-line description; ``graph --help`` and the
README's settings table come from the same descriptions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

__all__ = ["Settings", "default_store_url"]


def default_store_url() -> str:
    """The embedded store under the per-user data directory."""
    return "ladybug://" + str(Path(platformdirs.user_data_dir("graphsvc")) / "graph.lbug")


class Settings(BaseSettings):
    """graphsvc settings; environment variables are the field names upper-cased with ``GRAPH_``."""

    model_config = SettingsConfigDict(env_prefix="GRAPH_", toml_file="graph.toml", extra="forbid")

    store: str = Field(default_factory=default_store_url,
                       description="Store URL: ladybug:///path/to/graph.lbug or neo4j://host:7687 / bolt://host:7687.")
    neo4j_user: str = Field(default="neo4j", description="Neo4j user name.")
    neo4j_password: str = Field(default="", description="Neo4j password.")
    neo4j_database: str = Field(default="neo4j", description="Neo4j database name.")
    workers: int = Field(default=2, ge=1, le=64, description="Parser worker processes (1 parses in-process).")
    max_file_size: int = Field(default=1_000_000, ge=1, description="Files larger than this many bytes are skipped.")
    lock_timeout: float = Field(default=60.0, ge=0, description="Seconds a writer waits for the embedded store's lock.")
    languages: list[str] = Field(default_factory=list, description="Languages to index (empty: all registered).")
    attestation_key: Path | None = Field(
        default=None, description="Ed25519 private key (PEM) that signs attestations; never stored in the graph.")
    attestation_public_key: Path | None = Field(
        default=None, description="Ed25519 public key (PEM) that verifies attestations (default: from the private key).")

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Flags beat the environment, which beats ``graph.toml``."""
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    def __init__(self, **values: Any) -> None:
        super().__init__(**{k: v for k, v in values.items() if v is not None})

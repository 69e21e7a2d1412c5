"""Settings: one object, from flags, ``GRAPH_*`` environment variables or ``graph.toml``.

Every field has a default and a one-line description; ``graph --help`` and the
README's settings table come from the same descriptions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import platformdirs
from typing import Literal

from pydantic import Field, SecretStr
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
    workers: int = Field(default=2, ge=1, le=64, description="Worker processes that parse (and, in a full run, resolve); 1 works in-process.")
    max_file_size: int = Field(default=1_000_000, ge=1, description="Files larger than this many bytes are skipped.")
    lock_timeout: float = Field(
        default=60.0, ge=0, description="Seconds a writer waits for the write lock (the embedded store's or the Neo4j database's).")
    languages: list[str] = Field(default_factory=list, description="Languages to index (empty: all registered).")
    api_keys: list[SecretStr] = Field(
        default_factory=list, description="API keys the server accepts (`Authorization: Bearer KEY`); kept hashed.")
    api_key_hashes: list[str] = Field(
        default_factory=list,
        description="sha256 hex digests of API keys (`graph api-key` prints one), instead of keys.")
    read_access: Literal["open", "key"] = Field(
        default="open", description="open: reads need no key; key: reads need one too (when keys are configured).")
    event_log: str | None = Field(
        default=None, description="Event log shared by the processes of a store (default: beside the store).")
    event_log_bytes: int = Field(default=1 << 20, ge=4096, description="Size at which the event log is rotated.")
    attestation_key: Path | None = Field(
        default=None, description="Ed25519 private key (PEM) that signs attestations; never stored in the graph.")
    attestation_public_key: Path | None = Field(
        default=None, description="Ed25519 public key (PEM) that verifies attestations (default: from the private key).")

    health_interval: float = Field(
        default=30.0, ge=0, description="Seconds between health probes of services with a healthUrl (0: off).")
    health_timeout: float = Field(default=5.0, gt=0, description="Seconds a health probe waits for an answer.")
    health_degraded_ms: float = Field(
        default=1000.0, gt=0, description="A health answer slower than this many milliseconds is 'degraded'.")
    health_samples: int = Field(default=100, ge=1, description="Health samples kept per service (older go).")
    metric_points: int = Field(default=1000, ge=1, description="Points kept per insights time series (older go).")

    def event_log_path(self) -> Path:
        """Where this store's processes append their events."""
        from graphsvc.events import event_log_path

        return Path(self.event_log).expanduser() if self.event_log else event_log_path(self.store)

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

"""Settings shared by the CLI and the HTTP service.

Read from environment variables prefixed ``ADDRCHECK_`` (``ADDRCHECK_DATABASE_URL``, ...) and from an
optional TOML settings file named by ``ADDRCHECK_SETTINGS_FILE`` (default ``addrcheck.toml`` in the
working directory, if present). Environment variables win over the file.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ADDRCHECK_", extra="ignore")

    database_url: str = "sqlite:///var/addrcheck.sqlite3"
    warehouses_file: Path = PROJECT_ROOT / "data" / "warehouses.example.toml"
    policy: str = "default"
    policy_file: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    max_batch_size: int = 1000
    max_body_bytes: int = 1_048_576
    auth_cache_seconds: float = 5.0  # API key checks cached this long; revocation takes effect within it
    # Signs the web console's session cookies. Every process serving one console must share it
    # (``addrcheck serve`` makes one for its own workers when it is unset); None: a random one per process.
    console_secret: str | None = None
    console_session_seconds: int = 8 * 3600  # a working day; then the clerk signs in again
    # Audit jobs (POST /v1/audits): uploads and results live under audit_data_dir/<merchant>/<job id>/.
    max_upload_bytes: int = 50 * 1024 * 1024  # the whole multipart body of one upload
    audit_data_dir: Path = Path("var/audits")
    audit_worker_threads: int = 1  # jobs run at once by each server process; 0: this process runs none
    audit_engine: Literal["local", "dask"] = (
        "local"  # or "dask": the job's rows are validated on audit_scheduler's cluster
    )
    audit_scheduler: str | None = None
    # local engine: validating processes per job; 1 validates in the worker thread, more fork a pool
    audit_engine_workers: int = 1
    audit_chunk_rows: int = 2000  # rows per checkpoint; a resumed job starts after the last one
    audit_lease_seconds: float = 30.0  # a job whose worker stopped renewing is taken over after this
    audit_poll_seconds: float = 1.0  # how often an idle worker looks for a queued job
    audit_progress_seconds: float = 1.0  # how often a running job's progress is written to its row

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = Path(os.environ.get("ADDRCHECK_SETTINGS_FILE", "addrcheck.toml"))
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=toml_file))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call ``get_settings.cache_clear()`` after changing the environment."""
    return Settings()

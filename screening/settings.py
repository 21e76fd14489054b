"""Settings from the environment (prefix `SCREENING_`). One cached `get_settings()`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


def _default_state_dir() -> Path:
    # Outside the package and outside data/: the database is state, not shipped data.
    return REPO_ROOT / "var"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SCREENING_", extra="ignore")

    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means sqlite:///<state_dir>/screening.db",
    )
    state_dir: Path = Field(default_factory=_default_state_dir)
    data_dir: Path = Field(default=REPO_ROOT / "data", description="bundled snapshots")

    host: str = "127.0.0.1"
    port: int = 8000
    # Host names the API answers to (the Host header); "*" for any. Empty: the bound address
    # and the loopback names. JSON list in the environment: '["screening.example.org"]'.
    allowed_hosts: list[str] = Field(default_factory=list)
    # `screening serve`: worker processes (0 = the default for the database, see
    # screening/api/server.py), and how long a client may take to send a request head and
    # each chunk of a body before the connection is closed / the request answered 408.
    workers: int = 0
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    # Every API call but /health needs `Authorization: Bearer <key>` ("keys"). "off" makes every
    # caller the administrator of tenant `default`; `serve` refuses it unless bound to loopback.
    auth: Literal["keys", "off"] = "keys"
    # Webhook targets on loopback or private addresses are refused unless this is true (a
    # webhook must not become a way into the internal network); each attempt's timeout.
    webhook_allow_private: bool = False
    # Session cookies are Secure when the page is served over https; set this when a proxy ends
    # TLS and does not forward the scheme.
    secure_cookies: bool = False
    # `refresh --every`: how often a process that does not lead the scheduled refresh tries to
    # take the lead (the bound on a takeover after the leader dies).
    leader_poll: float = 5.0
    webhook_timeout: float = 10.0

    # HTTP fetching of publishers' files.
    user_agent: str = Field(
        # OFAC's host answers 403 to agents that do not look like a browser.
        default="Mozilla/5.0 (compatible; screening/0.1; +https://example.invalid/screening)"
    )
    http_timeout: float = 60.0
    http_retries: int = 3
    http_backoff: float = 1.0
    max_download_bytes: int = 300 * 1024 * 1024

    # A refresh yielding fewer than this fraction of the active snapshot's entities is refused
    # unless forced. Per-source overrides: SCREENING_MIN_RATIO_OVERRIDES='{"us_ofac_sdn": 0.8}'.
    min_ratio: float = 0.5
    min_ratio_overrides: dict[str, float] = Field(default_factory=dict)

    max_upload_bytes: int = 20 * 1024 * 1024
    # Bounded work per upload (issue 19): bytes alone do not bound the work (a 6 MB CSV of
    # 100,000 rows made a 470 MB report). The CLI reads local files without this row limit.
    max_upload_rows: int = 100_000
    # Stored reports are kept compressed; limits on one report and on all of them together
    # (one tenant for now), and how long they are kept (0 = keep for ever).
    max_report_bytes: int = 64 * 1024 * 1024
    max_reports_total_bytes: int = 2 * 1024 * 1024 * 1024
    max_tenant_reports_bytes: int = 512 * 1024 * 1024  # per tenant (issue 15)
    report_retention_days: int = 90
    # Asynchronous screening jobs (`POST /v1/jobs/screen`, issue 18): the engine the job worker
    # screens with (local: this machine's cores; dask: the cluster at job_dask_scheduler, a
    # local cluster when empty), the largest upload, what one tenant's stored uploads and
    # results may take together (compressed), and how long finished jobs are kept.
    job_engine: Literal["local", "dask"] = "local"
    job_dask_scheduler: str = ""
    max_job_upload_bytes: int = 1024 * 1024 * 1024
    max_tenant_jobs_bytes: int = 2 * 1024 * 1024 * 1024
    job_retention_days: int = 7

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.state_dir / 'screening.db'}"

    def hosts(self) -> list[str]:
        """The Host names the API answers to."""
        return self.allowed_hosts or [self.host, "127.0.0.1", "localhost", "::1"]

    def min_ratio_for(self, source_id: str) -> float:
        return self.min_ratio_overrides.get(source_id, self.min_ratio)


@lru_cache
def get_settings() -> Settings:
    return Settings()

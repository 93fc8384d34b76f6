"""Typed settings, read from the environment with the ``JEJARING_`` prefix."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "dev-insecure-change-me"


class Settings(BaseSettings):
    """Every setting of Jejaring; each one is documented in README.md (a test checks)."""

    model_config = SettingsConfigDict(env_prefix="JEJARING_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/jejaring.db",
        description="SQLAlchemy URL. SQLite file by default; PostgreSQL via postgresql+psycopg://…",
    )
    environment: Literal["development", "production", "test"] = Field(
        default="development", description="production refuses to start with the default secret key"
    )
    secret_key: str = Field(default=DEFAULT_SECRET_KEY, description="signs session cookies and CSRF tokens")
    default_language: Literal["id", "en"] = Field(
        default="id", description="UI language when the visitor has not chosen one"
    )
    host: str = Field(default="127.0.0.1", description="address `jejaring serve` listens on")
    port: int = Field(default=8000, ge=1, le=65535, description="port `jejaring serve` listens on")
    workers: int = Field(
        default=2,
        ge=1,
        le=64,
        description="web worker processes `jejaring serve` starts (about one per CPU core; each holds its own "
        "partner-search model, index and page cache: 0.7-0.8 GB at demo scale)",
    )
    trusted_proxies: str = Field(
        default="",
        description="comma-separated reverse proxies whose X-Forwarded-For/-Proto are trusted; empty: none",
    )
    load_demo: bool = Field(default=True, description="load the demo dataset at start-up when the registry is empty")
    demo_source: Literal["synthetic", "handmade"] = Field(
        default="synthetic",
        description="demo data: a generated synthetic nation loaded through intake, or the small hand-made set",
    )
    demo_scale: float = Field(
        default=0.005, gt=0, le=1, description="scale of the synthetic demo nation (1 = 4.4 M IKM; 0.005 ≈ 22,000)"
    )
    page_size: int = Field(default=25, ge=1, le=200, description="rows per page in lists")
    max_page_size: int = Field(default=200, ge=1, le=1000, description="largest page an API client may ask for")
    max_upload_mb: int = Field(default=200, ge=1, description="largest uploaded file, in megabytes")
    max_upload_rows: int = Field(default=5_000_000, ge=1, description="most data rows in one uploaded file")
    max_xlsx_expanded_mb: int = Field(
        default=1_000,
        ge=1,
        description="largest total size of an uploaded XLSX once unzipped, in megabytes (guards memory: zip bombs)",
    )
    max_cell_chars: int = Field(default=2_000, ge=10, description="longest text accepted in one cell or field")
    intake_batch_rows: int = Field(
        default=50_000, ge=1, description="rows an import commits at a time (a kill loses at most one batch)"
    )
    intake_batch_pause_ms: int = Field(
        default=0, ge=0, description="pause between import batches, to throttle imports on a shared server"
    )
    data_dir: Path = Field(default=Path("var"), description="folder for uploads, indexes and job files")
    insights_auto_refresh_max_firms: int = Field(
        default=200_000,
        ge=0,
        description="pages rebuild stale insights rollups themselves only up to this many firms (larger: CLI)",
    )
    ecosystem_auto_refresh_max_firms: int = Field(
        default=200_000,
        ge=0,
        description="a stale ecosystem rollup is rebuilt within the request up to this many firms (larger: in the "
        "background, the page saying so)",
    )
    matching_refresh_seconds: float = Field(
        default=10.0,
        ge=0,
        description="how often (at most) a partner search re-indexes firms and offers changed since the last refresh",
    )
    matching_warm_up: bool = Field(
        default=True, description="load the partner-search model, reader and index at start-up (time logged)"
    )
    base_url: str = Field(
        default="http://127.0.0.1:8000", description="public address of the site, used in password-reset links"
    )
    session_hours: int = Field(default=12, ge=1, le=24 * 30, description="how long a sign-in lasts, in hours")
    login_max_failures: int = Field(
        default=5, ge=1, description="failed sign-ins per account within the window before it is throttled"
    )
    login_ip_max_failures: int = Field(
        default=20, ge=1, description="failed sign-ins per IP address within the window before it is throttled"
    )
    login_window_minutes: int = Field(default=15, ge=1, description="window for counting failed sign-ins, in minutes")
    password_reset_minutes: int = Field(default=60, ge=5, description="how long a password-reset link stays valid")
    admin_email: str = Field(
        default="admin@jejaring.example", description="e-mail of the admin created on first start when no user exists"
    )
    claim_evidence_max_mb: int = Field(default=10, ge=1, description="largest evidence file of a firm claim, in MB")
    partnership_attachment_max_mb: int = Field(
        default=10, ge=1, description="largest file attached to a partnership's order, BAST, invoice or payment, in MB"
    )
    smtp_host: str = Field(default="", description="SMTP server for password-reset mail; empty: links only via CLI")
    smtp_port: int = Field(default=587, ge=1, le=65535, description="SMTP port")
    smtp_username: str = Field(default="", description="SMTP user name (empty: no login)")
    smtp_password: str = Field(default="", description="SMTP password")
    smtp_from: str = Field(default="jejaring@localhost", description="sender address of mail")
    smtp_starttls: bool = Field(default=True, description="use STARTTLS when talking to the SMTP server")

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEFAULT_SECRET_KEY:
            raise ValueError("JEJARING_SECRET_KEY must be set to a non-default value in production")
        return self


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings (cached; tests clear the cache)."""
    return Settings()

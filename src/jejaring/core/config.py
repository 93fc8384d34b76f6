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
    load_demo: bool = Field(default=True, description="load the demo dataset at start-up when the registry is empty")
    page_size: int = Field(default=25, ge=1, le=200, description="rows per page in lists")
    max_page_size: int = Field(default=200, ge=1, le=1000, description="largest page an API client may ask for")
    max_upload_mb: int = Field(default=200, ge=1, description="largest uploaded file, in megabytes")
    max_upload_rows: int = Field(default=5_000_000, ge=1, description="most data rows in one uploaded file")
    max_cell_chars: int = Field(default=2_000, ge=10, description="longest text accepted in one cell or field")
    api_write_token: str = Field(
        default="", description="bearer token for API writes until accounts land; empty turns API writes off"
    )
    data_dir: Path = Field(default=Path("var"), description="folder for uploads, indexes and job files")

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEFAULT_SECRET_KEY:
            raise ValueError("JEJARING_SECRET_KEY must be set to a non-default value in production")
        return self


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings (cached; tests clear the cache)."""
    return Settings()

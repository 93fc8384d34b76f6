"""Every setting is documented in the README (as datasette does for its settings)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jejaring.core.config import DEFAULT_SECRET_KEY, Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_setting_is_documented_in_readme() -> None:
    text = README.read_text("utf-8")
    documented = set(re.findall(r"`(JEJARING_[A-Z_]+)`", text))
    expected = {f"JEJARING_{name.upper()}" for name in Settings.model_fields}
    missing = expected - documented
    assert not missing, f"settings missing from README: {sorted(missing)}"
    unknown = documented - expected - {"JEJARING_TEST_PG_URL"}
    assert not unknown, f"README documents settings that do not exist: {sorted(unknown)}"


def test_every_setting_has_a_description() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, f"setting {name} has no description"


def test_production_refuses_default_secret() -> None:
    with pytest.raises(ValueError, match="JEJARING_SECRET_KEY"):
        Settings(environment="production", secret_key=DEFAULT_SECRET_KEY)
    assert Settings(environment="production", secret_key="s3cret-for-prod").secret_key == "s3cret-for-prod"


def test_env_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JEJARING_PAGE_SIZE", "50")
    monkeypatch.setenv("JEJARING_DEFAULT_LANGUAGE", "en")
    s = Settings()
    assert s.page_size == 50 and s.default_language == "en"

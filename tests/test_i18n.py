"""Both languages are complete, and every key used in code and templates exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from jejaring.core.i18n import _VALIDATION_KEYS, catalog, translate, validation_messages
from jejaring.matching.schemas import MatchQuery

SRC = Path(__file__).resolve().parents[1] / "src" / "jejaring"


def _used_keys() -> set[str]:
    keys: set[str] = set()
    for path in SRC.rglob("*"):
        if path.suffix not in (".py", ".html"):
            continue
        text = path.read_text("utf-8")
        keys |= set(re.findall(r"""\bt\(\s*['"]([a-z_]+\.[a-z0-9_.]+)['"]""", text))
        keys |= set(re.findall(r"""(?:DomainError|NotFound)\(\s*['"]([a-z_]+\.[a-z0-9_.]+)['"]""", text))
        keys |= set(re.findall(r"""reason=['"]([a-z_]+\.[a-z0-9_.]+)['"]""", text))
        keys |= set(re.findall(r"""ValueError\(\s*['"](validation\.[a-z0-9_.]+)['"]""", text))
    return keys


def test_languages_have_the_same_keys() -> None:
    assert set(catalog("id")) == set(catalog("en"))


def test_no_empty_messages() -> None:
    for lang in ("id", "en"):
        assert all(v.strip() for v in catalog(lang).values()), lang


def test_every_used_key_exists() -> None:
    used = _used_keys()
    assert used, "the scan found no keys: the pattern is broken"
    defined = set(catalog("id"))
    prefixes = {k for k in used if k.endswith(".")}  # dynamic keys such as t('size.' ~ s)
    missing = {k for k in used - prefixes if k not in defined}
    missing |= {p for p in prefixes if not any(d.startswith(p) for d in defined)}
    assert not missing, f"keys used but not defined: {sorted(missing)}"


def test_translate_fills_parameters_and_falls_back() -> None:
    assert translate("firms.count", "en", total=3) == "3 businesses found"
    assert translate("firms.count", "id", total=3) == "3 usaha ditemukan"
    assert translate("no.such.key", "en") == "no.such.key"
    assert translate("firms.count", "fr", total=1) == "1 usaha ditemukan"


def test_validation_errors_speak_the_users_language() -> None:
    """pydantic's errors by type, and this project's own validator keys, in Indonesian and English."""
    assert set(_VALIDATION_KEYS.values()) <= set(catalog("id"))
    with pytest.raises(ValidationError) as caught:
        MatchQuery(text="x", radius_km=-5, quantity=3, price_min=9, price_max=1, limit="banyak")
    errors = caught.value.errors()
    indonesian = validation_messages(errors, "id")
    assert "Kolom text: Terlalu pendek: paling sedikit 2 karakter." in indonesian
    assert "Kolom radius_km: Harus > 0." in indonesian
    assert "Kolom limit: Harus bilangan bulat." in indonesian
    with pytest.raises(ValidationError) as caught:
        MatchQuery(text="gula aren", quantity=3, price_min=9, price_max=1, unit="kg")
    assert validation_messages(caught.value.errors(), "en") == ["The lowest price must not exceed the highest."]
    assert validation_messages(caught.value.errors(), "id") == ["Harga terendah tidak boleh melebihi harga tertinggi."]


def test_domain_catalogues_are_complete_in_both_languages() -> None:
    """A domain that keeps its own messages (``<domain>/locales``) ships both languages with the same keys."""
    import json

    from jejaring.core.i18n import domain_locale_dirs

    for domain in domain_locale_dirs():
        folder = SRC / domain / "locales"
        both = [set(json.loads((folder / f"{lang}.json").read_text("utf-8"))) for lang in ("id", "en")]
        assert both[0] == both[1], domain

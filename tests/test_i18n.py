"""Both languages are complete, and every key used in code and templates exists."""

from __future__ import annotations

import re
from pathlib import Path

from jejaring.core.i18n import catalog, translate

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

"""One i18n mechanism for every UI string: Bahasa Indonesia first, English second."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

LANGUAGES = ("id", "en")


@lru_cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language (``core/locales/<lang>.json``)."""
    raw = resources.files("jejaring.core").joinpath("locales").joinpath(f"{lang}.json").read_text("utf-8")
    data: dict[str, str] = json.loads(raw)
    return data


def translate(key: str, lang: str = "id", /, **params: Any) -> str:
    """The message ``key`` in ``lang`` with ``{params}`` filled; falls back to Indonesian, then the key."""
    lang = lang if lang in LANGUAGES else "id"
    text = catalog(lang).get(key) or catalog("id").get(key) or key
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def pick_language(requested: str | None, default: str = "id") -> str:
    """A supported language from a cookie or query value."""
    return requested if requested in LANGUAGES else default

"""One i18n mechanism for every UI string: Bahasa Indonesia first, English second."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

LANGUAGES = ("id", "en")


@lru_cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language: ``core/locales/<lang>.json`` plus each domain's ``<domain>/locales/<lang>.json``.

    A domain keeps its own strings in its own folder, so parallel work on two domains never edits one file.
    A key defined twice is an error (one owner per message).
    """
    root = resources.files("jejaring")
    data: dict[str, str] = json.loads(root.joinpath("core", "locales", f"{lang}.json").read_text("utf-8"))
    for domain in sorted(domain_locale_dirs()):
        part: dict[str, str] = json.loads(root.joinpath(domain, "locales", f"{lang}.json").read_text("utf-8"))
        clash = set(part) & set(data)
        if clash:
            raise ValueError(f"message keys defined twice ({domain}): {sorted(clash)[:5]}")
        data.update(part)
    return data


@lru_cache
def domain_locale_dirs() -> tuple[str, ...]:
    """The domains (besides ``core``) that ship their own message catalogue."""
    root = resources.files("jejaring")
    return tuple(
        sorted(
            entry.name
            for entry in root.iterdir()
            if entry.is_dir() and entry.name != "core" and entry.joinpath("locales", "id.json").is_file()
        )
    )


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


# pydantic error types → message keys (``validation.*``); the error's context fills the parameters
_VALIDATION_KEYS = {
    "missing": "validation.missing",
    "greater_than_equal": "validation.ge",
    "greater_than": "validation.gt",
    "less_than_equal": "validation.le",
    "less_than": "validation.lt",
    "string_too_short": "validation.string_too_short",
    "string_too_long": "validation.string_too_long",
    "too_short": "validation.list_too_short",
    "too_long": "validation.list_too_long",
    "string_pattern_mismatch": "validation.pattern",
    "int_parsing": "validation.int",
    "int_from_float": "validation.int",
    "float_parsing": "validation.number",
    "bool_parsing": "validation.bool",
    "date_parsing": "validation.date",
    "date_from_datetime_parsing": "validation.date",
    "literal_error": "validation.choice",
    "enum": "validation.choice",
    "email": "validation.email",
    "value_error.email": "validation.email",
}


def validation_message(error: Mapping[str, Any], lang: str = "id") -> str:
    """One pydantic validation error in the user's language.

    Validators of this project raise ``ValueError`` with a message key (``validation.*``), which is
    translated here; other errors map by their pydantic type, falling back to pydantic's own text.
    """
    ctx = {
        k: int(v) if isinstance(v, float) and v.is_integer() else v
        for k, v in (error.get("ctx") or {}).items()
        if isinstance(v, str | int | float)
    }
    kind = str(error.get("type", ""))
    if kind == "value_error":
        raw = str(error.get("ctx", {}).get("error", "")) or str(error.get("msg", ""))
        return translate(raw, lang, **ctx) if raw in catalog("id") else raw
    key = _VALIDATION_KEYS.get(kind)
    return translate(key, lang, **ctx) if key else str(error.get("msg", "invalid"))


def validation_messages(errors: list[Any], lang: str = "id") -> list[str]:
    """Every error of a pydantic ``ValidationError`` as "Kolom field: message" (a form-level error: the message)."""
    parts = []
    for e in errors:
        field = ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path"))
        message = validation_message(e, lang)
        parts.append(translate("error.field", lang, field=field, message=message) if field else message)
    return parts

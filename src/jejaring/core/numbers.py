"""Numbers typed by people: Indonesian (``300.000.000``, ``3,5``, ``Rp 1.500.000,-``) and English formats."""

from __future__ import annotations

import re

_ID_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")  # 300.000.000 or 1.500,75
_EN_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3}){2,}(\.\d+)?$")  # 300,000,000 (two or more groups)
_PLAIN = re.compile(r"^-?\d+([.,]\d+)?$")  # 1500, 3,5 or 3.5


def parse_number(text: str) -> float | None:
    """The value of ``text`` (None when blank); ``ValueError`` when it is not a number in a known format.

    A dot followed by exactly three digits reads as a thousands separator, as Indonesians write it;
    a single comma or dot with other digit counts is the decimal mark (``3,5`` = ``3.5``).
    """
    s = re.sub(r"[\s\u00a0]", "", text or "")
    s = re.sub(r"(?i)^rp\.?", "", s)
    s = re.sub(r",-$", "", s)
    if not s:
        return None
    if _ID_THOUSANDS.match(s):
        return float(s.replace(".", "").replace(",", "."))
    if _EN_THOUSANDS.match(s):
        return float(s.replace(",", ""))
    if _PLAIN.match(s):
        return float(s.replace(",", "."))
    raise ValueError(text)


def parse_int(text: str) -> int | None:
    """``parse_number`` for whole numbers (``ValueError`` for fractions)."""
    value = parse_number(text)
    if value is None:
        return None
    if value != int(value):
        raise ValueError(text)
    return int(value)


def page_count(total: int, size: int) -> int:
    """How many pages (or batches) of ``size`` hold ``total`` items: at least one, even when empty."""
    return max(1, -(-total // size))


def amount_text(label: str | None, lang: str = "id") -> str:
    """An amount label as registered ("1008 kg", "2.5 ton", "1e+06 pcs") with its number written in the page's
    language: 1.008 kg · 2,5 ton · 1.000.000 pcs (Indonesian), 1,008 kg · 2.5 ton (English)."""
    number, _, unit = (label or "").partition(" ")
    try:
        value = float(number)
    except ValueError:
        return label or ""
    text = f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    if lang == "id":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return f"{text} {unit}".strip()

"""Dates as readers write them: ``7 Desember 2026`` in Indonesian, ``7 December 2026`` in English."""

from __future__ import annotations

from datetime import date, datetime

MONTHS = {
    "id": (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def long_date(value: date | datetime | None, lang: str = "id") -> str:
    """``7 Desember 2026`` (``–`` for no date)."""
    if value is None:
        return "–"
    months = MONTHS.get(lang, MONTHS["id"])
    return f"{value.day} {months[value.month - 1]} {value.year}"

"""Pre-check before a TKDN-IK self-assessment: the common reasons submissions are returned, checked against
what the registry knows about the firm where it can be (the rest the owner confirms)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jejaring.capability import catalogue


@dataclass
class Check:
    """One pre-check item: ``ok``, ``problem`` or ``confirm`` (the registry cannot tell)."""

    code: str
    text: str
    state: str


def _state(code: str, firm: Any) -> str:
    if code == "nib_kbli":
        return "ok" if firm.nib_present and firm.kbli_code else "problem"
    if code == "small_industry":
        if firm.size_class is None:
            return "confirm"
        return "ok" if firm.size_class == "kecil" else "problem"
    if code == "siinas_data":
        return "confirm" if firm.capacity and firm.address else "problem"
    return "confirm"


def tkdn_ik(firm: Any, lang: str = "id") -> list[Check]:
    """The TKDN-IK pre-check for the firm."""
    return [
        Check(row["code"], row["text_en"] if lang == "en" else row["text_id"], _state(row["code"], firm))
        for row in catalogue.tkdn_precheck()
    ]

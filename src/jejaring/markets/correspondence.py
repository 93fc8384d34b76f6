"""KBLI 2020 → HS 2022: the draft correspondence in ``reference/data/kbli_hs2022.csv``.

Built by ``scripts/build_kbli_hs.py`` (method and its limits there and in docs/markets.md): for each
five-digit KBLI of category C, up to five HS6 subheadings with a confidence between 0 and 1.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class HsGuess:
    """One HS6 code for a KBLI, with its rank, confidence and how it was found."""

    hs6: str
    rank: int
    confidence: float
    method: str


@lru_cache(maxsize=1)
def table() -> dict[str, tuple[HsGuess, ...]]:
    """KBLI code → its HS6 guesses, best first."""
    text = resources.files("jejaring.reference").joinpath("data", "kbli_hs2022.csv").read_text("utf-8")
    out: dict[str, list[HsGuess]] = {}
    for r in csv.DictReader(text.splitlines()):
        out.setdefault(r["kbli"], []).append(HsGuess(r["hs6"], int(r["rank"]), float(r["confidence"]), r["method"]))
    return {k: tuple(sorted(v, key=lambda g: g.rank)) for k, v in out.items()}


def for_kbli(code: str | None, *, top: int = 3) -> tuple[HsGuess, ...]:
    """The best ``top`` HS6 guesses of a KBLI code (a shorter code: those of its first five-digit child)."""
    if not code:
        return ()
    t = table()
    if code in t:
        return t[code][:top]
    for k in sorted(t):
        if k.startswith(code):
            return t[k][:top]
    return ()


def hs_for_kbli_prefix(prefix: str, *, top: int = 1) -> dict[str, float]:
    """HS6 → confidence for every five-digit KBLI under ``prefix`` (e.g. a three-digit group)."""
    out: dict[str, float] = {}
    for k, guesses in table().items():
        if k.startswith(prefix):
            for g in guesses[:top]:
                out[g.hs6] = max(out.get(g.hs6, 0.0), g.confidence)
    return out

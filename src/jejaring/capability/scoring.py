"""Answers as a compact vector and the scores computed from them.

An assessment stores one character per criterion, in catalogue order: ``0``–``4`` (yes/no uses 0/1)
or ``-`` for unanswered. A criterion's *level* is its answer divided by its maximum (0–1; unanswered
counts as 0). A dimension's score is ``100 · Σ wᵢ·levelᵢ / Σ wᵢ`` over its criteria; pillars and the
overall score are weighted the same way over their criteria.
"""

from __future__ import annotations

from collections.abc import Mapping

from jejaring.capability import catalogue
from jejaring.core.errors import DomainError

UNANSWERED = "-"


def encode(answers: Mapping[str, int | None]) -> str:
    """Answers (criterion code → value) as the stored vector; unknown codes or values out of range are refused."""
    index = catalogue.criterion_index()
    for code in answers:
        if code not in index:
            raise DomainError("capability.error.unknown_criterion", field=code, value=code)
    chars = []
    for c in catalogue.criteria():
        value = answers.get(c.code)
        if value is None:
            chars.append(UNANSWERED)
            continue
        if not 0 <= int(value) <= c.max_value:
            raise DomainError("capability.error.value_range", field=c.code, value=value, max=c.max_value)
        chars.append(str(int(value)))
    return "".join(chars)


def decode(vector: str) -> dict[str, int | None]:
    """The stored vector as answers (criterion code → value or None)."""
    out: dict[str, int | None] = {}
    for c, ch in zip(catalogue.criteria(), vector.ljust(len(catalogue.criteria()), UNANSWERED), strict=False):
        out[c.code] = None if ch == UNANSWERED else int(ch)
    return out


def levels(vector: str) -> dict[str, float]:
    """Each criterion's level, 0–1 (unanswered = 0)."""
    answers = decode(vector)
    return {c.code: (answers[c.code] or 0) / c.max_value for c in catalogue.criteria()}


def _weighted(codes: list[str], lv: Mapping[str, float]) -> float:
    weights = {c.code: c.weight for c in catalogue.criteria()}
    total = sum(weights[c] for c in codes)
    return round(100.0 * sum(weights[c] * lv[c] for c in codes) / total, 1) if total else 0.0


def scores(vector: str) -> dict[str, float]:
    """Scores 0–100 per dimension, per pillar (``pillar:compete``…) and ``overall``."""
    lv = levels(vector)
    crit = catalogue.criteria()
    out = {d["code"]: _weighted([c.code for c in crit if c.dimension == d["code"]], lv) for d in catalogue.dimensions()}
    for pillar in sorted({c.pillar for c in crit}):
        out[f"pillar:{pillar}"] = _weighted([c.code for c in crit if c.pillar == pillar], lv)
    out["overall"] = _weighted([c.code for c in crit], lv)
    return out


def answered_share(vector: str) -> float:
    """Share of criteria answered (0–1)."""
    return sum(ch != UNANSWERED for ch in vector) / max(len(catalogue.criteria()), 1)

"""The packaged catalogues: criteria, interventions, target tables and the halal schedule (``data/*.toml``)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from jejaring.capability.enums import CriterionKind, Pillar


@dataclass(frozen=True)
class Criterion:
    """One assessment criterion."""

    code: str
    dimension: str
    pillar: Pillar
    kind: CriterionKind
    weight: float
    text_id: str
    text_en: str
    why_id: str
    why_en: str
    source: str
    prefill: str = ""

    @property
    def max_value(self) -> int:
        """Highest answer: 1 for yes/no, 4 for a scale."""
        return 1 if self.kind == CriterionKind.BOOL else 4

    def text(self, lang: str) -> str:
        """The criterion in the given language."""
        return self.text_en if lang == "en" else self.text_id

    def short(self, lang: str) -> str:
        """A short name: a scale's text up to its colon, a yes/no criterion's sentence without the full stop."""
        text = self.text(lang)
        return text.split(":", 1)[0] if self.kind == CriterionKind.SCALE else text.rstrip(".")

    def why(self, lang: str) -> str:
        """Why it matters, in the given language."""
        return self.why_en if lang == "en" else self.why_id


@dataclass(frozen=True)
class Intervention:
    """One programme a firm can take part in."""

    code: str
    kind: str
    provider: str
    name_id: str
    name_en: str
    cost_firm: int
    cost_gov: int
    duration: float  # months
    lifts: dict[str, float]
    source: str
    requires: dict[str, float] = field(default_factory=dict)
    eligible_sizes: tuple[str, ...] = ()
    eligible_groups: tuple[str, ...] = ()
    eligibility_id: str = ""
    eligibility_en: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def name(self, lang: str) -> str:
        """The programme's name in the given language."""
        return self.name_en if lang == "en" else self.name_id

    def eligibility(self, lang: str) -> str:
        """Eligibility criteria in words (empty when open to all)."""
        return self.eligibility_en if lang == "en" else self.eligibility_id


def _load(name: str) -> dict[str, Any]:
    with resources.files("jejaring.capability").joinpath("data", name).open("rb") as fh:
        return tomllib.load(fh)


@lru_cache
def criteria_data() -> dict[str, Any]:
    """The raw criteria file (version, dimensions, criteria)."""
    return _load("criteria.toml")


def version() -> str:
    """Version of the criteria catalogue (stored with every assessment)."""
    return str(criteria_data()["version"])


@lru_cache
def dimensions() -> tuple[dict[str, str], ...]:
    """The six dimensions with their pillar and names."""
    return tuple(criteria_data()["dimension"])


@lru_cache
def criteria() -> tuple[Criterion, ...]:
    """Every criterion, in vector order."""
    pillars = {d["code"]: Pillar(d["pillar"]) for d in dimensions()}
    return tuple(
        Criterion(
            code=c["code"],
            dimension=c["dimension"],
            pillar=pillars[c["dimension"]],
            kind=CriterionKind(c["kind"]),
            weight=float(c["weight"]),
            text_id=c["text_id"],
            text_en=c["text_en"],
            why_id=c["why_id"],
            why_en=c["why_en"],
            source=c["source"],
            prefill=c.get("prefill", ""),
        )
        for c in criteria_data()["criterion"]
    )


@lru_cache
def criterion_index() -> dict[str, int]:
    """Criterion code → position in the answer vector."""
    return {c.code: i for i, c in enumerate(criteria())}


def criterion(code: str) -> Criterion:
    """One criterion by code."""
    return criteria()[criterion_index()[code]]


_KNOWN = {"code", "kind", "provider", "name_id", "name_en", "cost_firm", "cost_gov", "duration", "lifts", "source"}
_OPTIONAL = {"requires", "eligible_sizes", "eligible_groups", "eligibility_id", "eligibility_en"}


def _intervention(row: dict[str, Any]) -> Intervention:
    return Intervention(
        **{k: row[k] for k in _KNOWN},
        requires=dict(row.get("requires", {})),
        eligible_sizes=tuple(row.get("eligible_sizes", ())),
        eligible_groups=tuple(row.get("eligible_groups", ())),
        eligibility_id=row.get("eligibility_id", ""),
        eligibility_en=row.get("eligibility_en", ""),
        extra={k: v for k, v in row.items() if k not in _KNOWN | _OPTIONAL},
    )


@lru_cache
def interventions() -> tuple[Intervention, ...]:
    """The default intervention catalogue (the ministry's programmes)."""
    return tuple(_intervention(r) for r in _load("interventions.toml")["intervention"])


def intervention(code: str) -> Intervention | None:
    """One intervention by code (None when unknown)."""
    return next((i for i in interventions() if i.code == code), None)


@lru_cache
def tkdn_precheck() -> tuple[dict[str, str], ...]:
    """The pre-check before a TKDN-IK self-assessment: common reasons for rejection."""
    return tuple(_load("interventions.toml")["tkdn_precheck"])


@lru_cache
def targets() -> dict[str, Any]:
    """Product groups, regions, market and pattern rules, certificate mapping, halal schedule."""
    data = _load("targets.toml")
    for row in data["halal_deadline"]:
        if not isinstance(row["deadline"], date):
            row["deadline"] = date.fromisoformat(str(row["deadline"]))
    return data


def product_group(kbli_code: str | None) -> str:
    """The product group of a KBLI code (longest matching prefix; ``lainnya`` when none)."""
    if not kbli_code:
        return "lainnya"
    best, best_len = "lainnya", 0
    for g in targets()["product_group"]:
        for prefix in g["kbli_prefixes"]:
            if kbli_code.startswith(prefix) and len(prefix) > best_len:
                best, best_len = g["code"], len(prefix)
    return best


def label(kind: str, code: str, lang: str) -> str:
    """Name of a product group or region in the given language."""
    for row in targets()[kind]:
        if row["code"] == code:
            return str(row["name_en"] if lang == "en" else row["name_id"])
    return code

"""Target profiles (a buyer's need, a PP 7/2021 pattern, a product group × market region) and the gaps
between a firm's levels and a target, in words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jejaring.capability import catalogue
from jejaring.capability.enums import TargetKind
from jejaring.core.errors import DomainError
from jejaring.core.i18n import translate


@dataclass
class Requirement:
    """One criterion a target asks for, at a level, with the reason and its source."""

    criterion: str
    level: float
    why: str
    source: str


@dataclass
class Target:
    """What a buyer, a pattern or a market requires."""

    kind: TargetKind
    ref: str
    label: str
    requirements: dict[str, Requirement] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # requirements that are not criteria (quantity, unknown codes)

    def add(self, criterion: str, level: float, why: str, source: str) -> None:
        """Ask for ``criterion`` at ``level`` at least (the higher of two asks wins; reasons are joined)."""
        old = self.requirements.get(criterion)
        if old is None:
            self.requirements[criterion] = Requirement(criterion, level, why, source)
            return
        old.level = max(old.level, level)
        if why not in old.why:
            old.why = f"{old.why} {why}"
        if source not in old.source:
            old.source = f"{old.source}; {source}"


@dataclass
class Gap:
    """What is missing for one criterion and why it matters."""

    criterion: str
    dimension: str
    current: float
    required: float
    weight: float
    text: str
    source: str

    @property
    def size(self) -> float:
        """Unweighted shortfall (0–1)."""
        return max(0.0, self.required - self.current)

    @property
    def weighted(self) -> float:
        """Shortfall times the criterion's weight: what the plan tries to close."""
        return round(self.weight * self.size, 4)

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "criterion": self.criterion,
            "dimension": self.dimension,
            "current": round(self.current, 3),
            "required": self.required,
            "weighted_gap": self.weighted,
            "text": self.text,
            "source": self.source,
        }


def market_target(group: str, region: str, lang: str = "id") -> Target:
    """Requirements of a product group in a market region (the documented table in ``targets.toml``)."""
    data = catalogue.targets()
    if region not in {r["code"] for r in data["region"]}:
        raise DomainError("capability.error.unknown_region", field="region", value=region)
    label = f"{catalogue.label('product_group', group, lang)} → {catalogue.label('region', region, lang)}"
    target = Target(TargetKind.MARKET, f"{group}:{region}", label)
    regions = {region} if region == "domestik" else {region, "*"}
    for rule in data["market"]:
        if rule["group"] in (group, "*") and rule["region"] in regions:
            why = rule["why_en"] if lang == "en" else rule["why_id"]
            for crit, level in rule["requires"].items():
                target.add(crit, float(level), why, rule["source"])
    return target


def pattern_target(pattern: str, lang: str = "id", *, name: str | None = None) -> Target:
    """Requirements of a PP 7/2021 partnership pattern on the smaller party (``name``: the pattern's label)."""
    rule = next((p for p in catalogue.targets()["pattern"] if p["code"] == pattern), None)
    if rule is None:
        raise DomainError("capability.error.unknown_pattern", field="pattern", value=pattern)
    label = translate("capability.target.pattern", lang, pattern=name or pattern)
    target = Target(TargetKind.PATTERN, pattern, label)
    why = rule["why_en"] if lang == "en" else rule["why_id"]
    for crit, level in rule["requires"].items():
        target.add(crit, float(level), why, rule["source"])
    return target


def need_target(
    *,
    ref: str,
    title: str,
    certificates: list[str],
    quantity: float | None,
    unit: str | None,
    period: str | None,
    firm_capacity: float | None,
    firm_capacity_unit: str | None,
    certificate_names: dict[str, str] | None = None,
    lang: str = "id",
) -> Target:
    """Requirements of a buyer's need: its certificates, and quantity and consistency when it asks a volume."""
    target = Target(TargetKind.NEED, ref, translate("capability.target.need", lang, ref=ref, title=title))
    mapping = catalogue.targets()["certificate_criteria"]
    source = translate("capability.target.need_source", lang, ref=ref)
    names = certificate_names or {}
    for code in certificates:
        crit = mapping.get(code)
        cert = names.get(code, code)
        if crit is None:
            target.notes.append(translate("capability.gap.cert_not_criterion", lang, cert=cert))
            continue
        target.add(crit, 1.0, translate("capability.gap.buyer_asks_cert", lang, cert=cert), source)
    if quantity:
        why = translate("capability.gap.buyer_asks_volume", lang, qty=quantity, unit=unit or "", period=period or "")
        target.add("capacity_consistency", 0.75, why, source)
        target.add("quality_control", 0.75, why, source)
        same_unit = (unit or "").strip().lower() == (firm_capacity_unit or "").strip().lower()
        if firm_capacity is None:
            target.notes.append(translate("capability.gap.capacity_unknown", lang))
        elif same_unit and firm_capacity < quantity:
            target.notes.append(
                translate("capability.gap.capacity_short", lang, cap=firm_capacity, qty=quantity, unit=unit or "")
            )
    return target


def _level_words(criterion: catalogue.Criterion, level: float, lang: str) -> str:
    if criterion.max_value == 1:
        return translate("capability.yes" if level >= 1 else "capability.no", lang)
    return f"{round(level * criterion.max_value)}/{criterion.max_value}"


def gaps(levels: Mapping[str, float], target: Target, lang: str = "id") -> list[Gap]:
    """Every requirement the firm does not meet, largest weighted shortfall first, explained in words."""
    out = []
    for req in target.requirements.values():
        crit = catalogue.criterion(req.criterion)
        now = levels.get(req.criterion, 0.0)
        if now + 1e-9 >= req.level:
            continue
        text = translate(
            "capability.gap.text",
            lang,
            criterion=crit.text(lang),
            now=_level_words(crit, now, lang),
            need=_level_words(crit, req.level, lang),
            why=req.why,
            matters=crit.why(lang),
        )
        out.append(Gap(req.criterion, crit.dimension, now, req.level, crit.weight, text, req.source))
    out.sort(key=lambda g: (-g.weighted, g.criterion))
    return out

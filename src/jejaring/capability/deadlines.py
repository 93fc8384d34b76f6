"""Mandatory certification deadlines that apply to a firm's products: the halal obligation schedule by
product group and firm size (``targets.toml`` → ``[[halal_deadline]]``, with its sources)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from jejaring.accounts.authz import scope_province
from jejaring.accounts.roles import Actor
from jejaring.capability import catalogue
from jejaring.registry import service as registry_service
from jejaring.registry.schemas import FirmFilter


@dataclass
class Deadline:
    """One obligation for a firm, whether it is met, and how many days remain (negative: overdue)."""

    certificate: str
    text: str
    deadline: date
    source: str
    met: bool
    days_left: int

    @property
    def state(self) -> str:
        """met, overdue, soon (within a year) or later."""
        if self.met:
            return "met"
        if self.days_left < 0:
            return "overdue"
        return "soon" if self.days_left <= 365 else "later"

    def to_json(self) -> dict[str, Any]:
        """JSON form."""
        return {**self.__dict__, "deadline": self.deadline.isoformat(), "state": self.state}


def for_firm(firm: Any, *, today: date | None = None, lang: str = "id") -> list[Deadline]:
    """The halal deadlines that apply to the firm's product group and size class."""
    today = today or date.today()
    group = catalogue.product_group(firm.kbli_code)
    size = firm.size_class or "kecil"
    held = {c.certificate_code for c in firm.certifications}
    out = []
    for row in catalogue.targets()["halal_deadline"]:
        if row["group"] != group or (row["sizes"] and size not in row["sizes"]):
            continue
        out.append(
            Deadline(
                certificate="HALAL",
                text=row["text_en"] if lang == "en" else row["text_id"],
                deadline=row["deadline"],
                source=row["source"],
                met="HALAL" in held,
                days_left=(row["deadline"] - today).days,
            )
        )
    return out


def officer_list(
    session: Session, *, actor: Actor, province: str | None = None, today: date | None = None, limit: int = 200
) -> list[tuple[Any, Deadline]]:
    """Firms of the officer's province with an unmet halal deadline, the nearest (or overdue) first."""
    own = scope_province(actor)
    province = own or province
    prefixes = {
        p
        for g in catalogue.targets()["product_group"]
        if g["code"] in {r["group"] for r in catalogue.targets()["halal_deadline"]}
        for p in g["kbli_prefixes"]
    }
    out: list[tuple[Any, Deadline]] = []
    seen: set[int] = set()
    for prefix in sorted(prefixes):
        firms, _ = registry_service.search_firms(
            session, filters=FirmFilter(province=province, kbli=prefix, role="ikm"), page_size=limit
        )
        for firm in firms:
            if firm.id in seen:
                continue
            seen.add(firm.id)
            out += [(firm, d) for d in for_firm(firm, today=today) if not d.met]
    out.sort(key=lambda fd: (fd[1].days_left, fd[0].name))
    return out[:limit]

"""A small, hand-made ecosystem whose gaps are known before the finder runs."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from jejaring.registry import service as registry_service
from jejaring.registry.models import Firm, Sentra
from jejaring.registry.schemas import FirmCreate, SentraCreate


def firm(session: Session, name: str, regency: str, *, roles: tuple[str, ...] = ("ikm",), **extra: Any) -> Firm:
    """Register a firm (at the regency seat unless coordinates are given)."""
    return registry_service.create_firm(
        session, data=FirmCreate(name=name, roles=list(roles), regency_code=regency, **extra)
    )


def sentra(session: Session, name: str, regency: str, kbli: str, members: list[Firm]) -> Sentra:
    """Register a sentra with its members."""
    s = registry_service.create_sentra(
        session, data=SentraCreate(name=name, regency_code=regency, kbli_code=kbli, commodity=name)
    )
    for m in members:
        registry_service.add_sentra_member(session, sentra=s, firm=m)
    return s

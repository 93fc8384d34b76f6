"""Actors and firms for capability tests."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jejaring.accounts.roles import ADMIN, ANALIS, PEMILIK, PETUGAS, Actor
from jejaring.registry import demo
from jejaring.registry.models import Firm

WRITE = frozenset({"read", "write"})


def owner(*firms: Firm) -> Actor:
    return Actor(
        role=PEMILIK, email="pemilik@uji.example", firm_ids=frozenset(f.id for f in firms), scopes=WRITE, via="session"
    )


def officer(province: str) -> Actor:
    return Actor(
        role=PETUGAS, email=f"dinas{province}@uji.example", province_code=province, scopes=WRITE, via="session"
    )


ADMIN_ACTOR = Actor(role=ADMIN, email="admin@uji.example", scopes=WRITE, via="session")
ANALYST = Actor(role=ANALIS, email="analis@uji.example", scopes=WRITE, via="session")


def demo_firms(session: Session) -> dict[str, Firm]:
    demo.load_demo_if_empty(session)
    session.commit()
    return {f.name: f for f in session.scalars(select(Firm))}

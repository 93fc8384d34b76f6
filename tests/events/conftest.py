"""Fixtures for events: the demo firms, their owners and an organiser, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jejaring.accounts.roles import PEMILIK, PENYELENGGARA, Actor
from jejaring.events import service
from jejaring.events.models import Event
from jejaring.events.schemas import EventIn
from jejaring.registry import demo
from jejaring.registry.models import Firm

NAMES = {
    "astra": "PT Astra Komponen Nusantara",
    "presisi": "CV Presisi Komponen Otomotif",
    "las": "Bengkel Las Karya Logam",
    "mebel": "PT Mebel Internasional Semarang",
    "jati": "CV Jati Ukir Mandiri",
}

ORGANISER = Actor(role=PENYELENGGARA, email="panitia@uji.example", scopes=frozenset({"read", "write"}), via="session")


def owner(firm: Firm) -> Actor:
    """The approved owner of ``firm``."""
    return Actor(
        role=PEMILIK,
        email=f"owner-{firm.id}@uji.example",
        firm_ids=frozenset({firm.id}),
        scopes=frozenset({"read", "write"}),
        via="session",
    )


@dataclass
class World:
    """Demo firms by short key and an open event."""

    firms: dict[str, Firm]
    event: Event


@pytest.fixture
def world(session: Session) -> World:
    demo.load_demo_if_empty(session)
    firms = {k: session.scalar(select(Firm).where(Firm.name == v)) for k, v in NAMES.items()}
    assert all(firms.values())
    event = service.create_event(
        session,
        actor=ORGANISER,
        data=EventIn(
            name="Temu Bisnis Komponen Otomotif",
            place="Bekasi",
            starts_on=date(2027, 3, 10),
            days=1,
            slots_per_day=4,
            tables=1,
            breaks="3",
            registration_opens=date(2026, 1, 1),
            registration_closes=date(2027, 3, 1),
        ),
    )
    session.commit()
    return World(firms={k: f for k, f in firms.items() if f is not None}, event=event)

"""One sample temu bisnis in the demo data, so the events pages have something to show on `make run`."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jejaring.accounts.roles import system_actor
from jejaring.events import requests, scheduling, service
from jejaring.events.models import Event
from jejaring.events.schemas import EventIn, RegistrationIn, RequestIn
from jejaring.registry import service as registry_service
from jejaring.registry.schemas import FirmFilter

DEMO_NAME = "Temu Bisnis IKM dan Industri Besar (contoh)"


def load_demo_event(session: Session, *, participants: int = 12, seed: int = 25) -> str | None:
    """Create the sample event (registrations, accepted requests, a published schedule) unless one exists."""
    if session.scalar(select(Event.id).limit(1)) is not None:
        return None
    large, _ = registry_service.search_firms(session, filters=FirmFilter(size_class="besar"), page_size=3)
    ikm, _ = registry_service.search_firms(session, filters=FirmFilter(), page_size=participants)
    firms = large + [f for f in ikm if f not in large][: participants - len(large)]
    if len(firms) < 4:
        return None
    actor = system_actor("system")
    today = date.today()
    event = service.create_event(
        session,
        actor=actor,
        data=EventIn(
            name=DEMO_NAME,
            description="Contoh acara: peserta, permintaan pertemuan dan jadwal dibuat otomatis dari data demo.",
            place="Jakarta Convention Center",
            starts_on=today + timedelta(days=30),
            days=1,
            slots_per_day=8,
            breaks="5",
            tables=4,
            registration_opens=today - timedelta(days=10),
            registration_closes=today + timedelta(days=25),
        ),
    )
    for f in firms:
        service.register(session, actor=actor, event=event, data=RegistrationIn(firm=f.public_id), today=today)
    rng = random.Random(seed)
    pairs = {tuple(sorted(rng.sample(range(len(firms)), 2))) for _ in range(participants * 2)}
    for i, j in sorted(pairs):
        data = RequestIn(from_firm=firms[i].public_id, to_firm=firms[j].public_id, priority=rng.randint(1, 3))
        req = requests.request_meeting(session, None, actor=actor, event=event, data=data, score=rng.random())
        if rng.random() < 0.75:
            requests.answer(session, actor=actor, request=req, accept=rng.random() < 0.85)
    scheduling.run_schedule(session, actor=actor, event=event, time_limit=5)
    scheduling.publish(session, actor=actor, event=event)
    return event.public_id

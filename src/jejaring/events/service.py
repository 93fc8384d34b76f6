"""Events and participants: create, invite, register, availability, hosted-buyer booths and check-in."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.authz import Forbidden, authorize
from jejaring.accounts.roles import Actor
from jejaring.core.db import get_by_public_id, utcnow
from jejaring.core.errors import DomainError, NotFound
from jejaring.core.ids import IdPrefix, new_public_id
from jejaring.events.enums import EventStatus, ParticipantRole, ParticipantStatus
from jejaring.events.models import Event, Participant, Unavailable
from jejaring.events.schemas import EventIn, RegistrationIn
from jejaring.matching import service as matching_service
from jejaring.reference import service as reference_service
from jejaring.registry import service as registry_service


def _codes(value: str) -> str:
    return ";".join(c for c in (part.strip() for part in value.replace(",", ";").split(";")) if c)


def break_positions(event: Event) -> set[int]:
    """Slot positions (0-based within a day) that are breaks."""
    return {int(c) - 1 for c in event.breaks.split(";") if c.strip().isdigit() and 0 < int(c) <= event.slots_per_day}


def slot_count(event: Event) -> int:
    """Slots over all days."""
    return event.days * event.slots_per_day


def slot_times(event: Event, slot: int) -> tuple[datetime, datetime]:
    """Local (venue) start and end of ``slot`` as naive datetimes."""
    day, pos = divmod(slot, event.slots_per_day)
    hour, minute = (int(x) for x in event.day_start.split(":"))
    start = datetime.combine(event.starts_on + timedelta(days=day), datetime.min.time()).replace(
        hour=hour, minute=minute
    ) + timedelta(minutes=pos * event.slot_minutes)
    return start, start + timedelta(minutes=event.slot_minutes)


def target_choices(session: Session) -> dict[str, Any]:
    """What an organiser can target: provinces and KBLI divisions (golongan pokok), by name."""
    return {
        "provinces": reference_service.list_provinces(session),
        "divisions": reference_service.list_kbli(session, level="golongan_pokok"),
    }


def target_names(session: Session, *, event: Event) -> dict[str, list[tuple[str, str, str | None]]]:
    """The event's target sectors and regions as (code, Indonesian name, English name)."""
    sectors = [c for c in event.target_sectors.split(";") if c]
    regions = [c for c in event.target_regions.split(";") if c]
    kbli = {k.code: k for k in reference_service.list_kbli(session) if k.code in sectors}
    provinces = {p.code: p.name for p in reference_service.list_provinces(session)}
    return {
        "sectors": [(c, kbli[c].title_id, kbli[c].title_en) if c in kbli else (c, c, None) for c in sectors],
        "regions": [(c, provinces.get(c, c), None) for c in regions],
    }


def create_event(session: Session, *, actor: Actor, data: EventIn) -> Event:
    """An organiser creates an event, open for registration."""
    authorize(actor, "event.manage")
    values = data.model_dump()
    for key in ("breaks", "target_sectors", "target_regions"):
        values[key] = _codes(values[key])
    event = Event(
        public_id=new_public_id(IdPrefix.EVENT), created_by=actor.label, status=EventStatus.PENDAFTARAN, **values
    )
    session.add(event)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="event.create",
        entity_type="event",
        entity_id=event.public_id,
        after={"name": event.name, "starts_on": str(event.starts_on)},
    )
    return event


def get_event(session: Session, *, public_id: str) -> Event:
    """The event behind a public ID."""
    return get_by_public_id(session, Event, public_id, missing="events.error.not_found")


def list_events(session: Session) -> list[Event]:
    """All events, newest first."""
    return list(session.scalars(select(Event).order_by(Event.starts_on.desc(), Event.id.desc())))


def participants(session: Session, *, event: Event) -> list[Participant]:
    """The event's participants in registration order."""
    return list(session.scalars(select(Participant).where(Participant.event_id == event.id).order_by(Participant.id)))


def participant_of(session: Session, *, event: Event, firm_id: int) -> Participant | None:
    """The firm's participation in the event, if any."""
    return session.scalar(select(Participant).where(Participant.event_id == event.id, Participant.firm_id == firm_id))


def get_participant(session: Session, *, event: Event, firm: str) -> Participant:
    """The participant for a firm's public ID."""
    found = participant_of(session, event=event, firm_id=registry_service.get_firm(session, public_id=firm).id)
    if found is None:
        raise NotFound("events.error.not_participant", field="firm", value=firm)
    return found


def participant_by_id(session: Session, *, event: Event, participant_id: int) -> Participant:
    """A participant of ``event`` by its internal id."""
    p = session.get(Participant, participant_id)
    if p is None or p.event_id != event.id:
        raise NotFound("events.error.not_participant", field="participant", value=participant_id)
    return p


def firm_of(session: Session, participant: Participant) -> Any:
    """The registry firm behind a participant."""
    return registry_service.firms_by_ids(session, [participant.firm_id])[participant.firm_id]


def my_participations(session: Session, *, actor: Actor, event: Event) -> list[Participant]:
    """The participants the actor's own firms are in this event."""
    if not actor.firm_ids:
        return []
    stmt = select(Participant).where(Participant.event_id == event.id, Participant.firm_id.in_(actor.firm_ids))
    return list(session.scalars(stmt))


def suggested_invitees(session: Session, *, event: Event, limit: int = 20) -> list[Any]:
    """Firms in the event's target sectors (KBLI prefixes) and provinces that are not participants yet."""
    from jejaring.registry.schemas import FirmFilter

    sectors: list[str | None] = [c for c in event.target_sectors.split(";") if c.isdigit() and 2 <= len(c) <= 5]
    regions: list[str | None] = [c for c in event.target_regions.split(";") if c.isdigit() and len(c) == 2]
    sectors, regions = sectors or [None], regions or [None]
    if sectors == [None] and regions == [None]:
        return []
    taken = {p.firm_id for p in participants(session, event=event)}
    out: dict[int, Any] = {}
    for kbli in sectors:
        for province in regions:
            firms, _ = registry_service.search_firms(
                session, filters=FirmFilter(kbli=kbli, province=province), page_size=limit
            )
            out.update((f.id, f) for f in firms if f.id not in taken)
    return list(out.values())[:limit]


def listing_defaults(session: Session, *, firm: Any) -> tuple[str, str]:
    """What the firm seeks and offers, from its open needs and offers in matching (registration defaults)."""
    seeks = "; ".join(n.title for n in matching_service.list_needs(session, firm=firm, limit=10))
    offers = "; ".join(o.title for o in matching_service.list_offers(session, firm=firm, limit=10))
    return seeks, offers


def invite(session: Session, *, actor: Actor, event: Event, firm: str) -> Participant:
    """The organiser invites a firm; it becomes a participant once it registers."""
    authorize(actor, "event.manage")
    target = registry_service.get_firm(session, public_id=firm)
    existing = participant_of(session, event=event, firm_id=target.id)
    if existing is not None:
        return existing
    p = Participant(event_id=event.id, firm_id=target.id, status=ParticipantStatus.DIUNDANG, registered_by=actor.label)
    session.add(p)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="event.invite",
        entity_type="event",
        entity_id=event.public_id,
        after={"firm": target.public_id},
    )
    return p


def register(
    session: Session, *, actor: Actor, event: Event, data: RegistrationIn, today: date | None = None
) -> Participant:
    """A firm's owner (or an officer on its behalf) registers it for the event during the registration window."""
    firm = registry_service.get_firm(session, public_id=data.firm)
    authorize(actor, "event.participate", firm)
    today = today or date.today()
    if event.status != EventStatus.PENDAFTARAN and not actor.may("event.manage"):
        raise DomainError("events.error.closed")
    if (event.registration_opens and today < event.registration_opens) or (
        event.registration_closes and today > event.registration_closes
    ):
        raise DomainError("events.error.outside_window")
    if data.role == ParticipantRole.PEMBELI_TAMU and not actor.may("event.manage"):
        raise Forbidden("events.error.hosted_buyer_by_organiser")
    p = participant_of(session, event=event, firm_id=firm.id)
    if p is None:
        p = Participant(event_id=event.id, firm_id=firm.id)
        session.add(p)
    p.status = ParticipantStatus.TERDAFTAR
    p.seeks, p.offers, p.role = data.seeks, data.offers, data.role
    p.registered_by, p.registered_at = actor.label, utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="event.register",
        entity_type="event",
        entity_id=event.public_id,
        province_code=firm.province_code,
        after={"firm": firm.public_id, "role": str(data.role)},
    )
    return p


def set_booth(session: Session, *, actor: Actor, participant: Participant, booth: int | None) -> None:
    """The organiser makes a participant a hosted buyer at a fixed booth (table number), or undoes it."""
    authorize(actor, "event.manage")
    event = session.get(Event, participant.event_id)
    assert event is not None
    if booth is not None and not 1 <= booth <= event.tables:
        raise DomainError("events.error.booth_range", field="booth", value=booth)
    taken = session.scalar(
        select(Participant.id).where(
            Participant.event_id == event.id, Participant.booth == booth, Participant.id != participant.id
        )
    )
    if booth is not None and taken is not None:
        raise DomainError("events.error.booth_taken", field="booth", value=booth)
    participant.booth = booth
    participant.role = ParticipantRole.PEMBELI_TAMU if booth is not None else ParticipantRole.PESERTA
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="event.booth",
        entity_type="event",
        entity_id=event.public_id,
        after={"participant": participant.id, "booth": booth},
    )


def unavailable_slots(session: Session, *, participant: Participant) -> set[int]:
    """Slots the participant has said it cannot meet in."""
    return set(session.scalars(select(Unavailable.slot).where(Unavailable.participant_id == participant.id)))


def set_availability(session: Session, *, actor: Actor, participant: Participant, unavailable: set[int]) -> None:
    """The participant states the slots it cannot meet in (replacing what it said before)."""
    authorize(actor, "event.participate", firm_of(session, participant))
    event = session.get(Event, participant.event_id)
    assert event is not None
    bad = [s for s in unavailable if not 0 <= s < slot_count(event)]
    if bad:
        raise DomainError("events.error.slot_range", field="slots", value=bad[0])
    session.execute(delete(Unavailable).where(Unavailable.participant_id == participant.id))
    session.add_all(Unavailable(participant_id=participant.id, slot=s) for s in sorted(unavailable))
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="event.availability",
        entity_type="event",
        entity_id=event.public_id,
        after={"participant": participant.id, "unavailable": sorted(unavailable)},
    )


def close_event(session: Session, *, actor: Actor, event: Event) -> None:
    """The organiser marks the event as held: no more registrations or requests; outcomes and report follow."""
    authorize(actor, "event.manage")
    event.status = EventStatus.SELESAI
    session.flush()
    audit.record(session, actor=actor, action="event.close", entity_type="event", entity_id=event.public_id)


def check_in(session: Session, *, actor: Actor, participant: Participant, present: bool) -> None:
    """The organiser records a participant as present (check-in) or as a no-show."""
    authorize(actor, "event.manage")
    participant.status = ParticipantStatus.HADIR if present else ParticipantStatus.TIDAK_HADIR
    participant.checked_in_at = utcnow() if present else None
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="event.check_in",
        entity_type="event_participant",
        entity_id=str(participant.id),
        after={"present": present},
    )

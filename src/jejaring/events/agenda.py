"""Agendas (page, print, .ics), table plans, meeting outcomes, the organiser's dashboard and the event report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.authz import authorize
from jejaring.accounts.roles import Actor
from jejaring.core.db import get_by_public_id
from jejaring.core.errors import DomainError
from jejaring.events import requests as requests_service
from jejaring.events import service
from jejaring.events.enums import MeetingOutcome, ParticipantStatus, RequestStatus
from jejaring.events.models import Event, Meeting, MeetingRequest, Participant
from jejaring.events.schemas import OutcomeIn
from jejaring.partnerships import service as partnerships_service


@dataclass
class AgendaItem:
    """One meeting as a participant sees it."""

    meeting: Meeting
    start: datetime
    end: datetime
    partner: Any  # the other firm
    online: bool


def agenda(
    session: Session, *, actor: Actor, participant: Participant, include_drafts: bool = False
) -> list[AgendaItem]:
    """The participant's published meetings in time order (only its own firm's people and the organiser)."""
    firm = service.firm_of(session, participant)
    authorize(actor, "event.view_own", firm)
    event = session.get(Event, participant.event_id)
    assert event is not None
    stmt = (
        select(Meeting, MeetingRequest)
        .join(MeetingRequest, MeetingRequest.id == Meeting.request_id)
        .where(or_(MeetingRequest.from_id == participant.id, MeetingRequest.to_id == participant.id))
        .order_by(Meeting.slot)
    )
    if not include_drafts:
        stmt = stmt.where(Meeting.published.is_(True))
    rows = [(m, r) for m, r in session.execute(stmt)]
    other_ids = [r.to_id if r.from_id == participant.id else r.from_id for _, r in rows]
    others = {p.id: p for p in session.scalars(select(Participant).where(Participant.id.in_(other_ids)))}
    from jejaring.registry import service as registry_service

    firms = registry_service.firms_by_ids(session, [p.firm_id for p in others.values()])
    out = []
    for (m, _), oid in zip(rows, other_ids, strict=True):
        start, end = service.slot_times(event, m.slot)
        out.append(AgendaItem(m, start, end, firms.get(others[oid].firm_id), m.table_no is None))
    return out


def ics(event: Event, items: list[AgendaItem], *, stamp: datetime) -> str:
    """An iCalendar (RFC 5545) file of the agenda, in the venue's time zone (with its VTIMEZONE)."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Jejaring//Temu bisnis//ID")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-timezone", event.timezone)
    zone = ZoneInfo(event.timezone)
    for it in items:
        where = f"{event.place} · meja {it.meeting.table_no}" if it.meeting.table_no else "daring / online"
        entry = icalendar.Event()
        entry.add("uid", f"{it.meeting.public_id}@jejaring")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", it.start.replace(tzinfo=zone))
        entry.add("dtend", it.end.replace(tzinfo=zone))
        entry.add("summary", event.name + ": " + str(getattr(it.partner, "name", "")))
        entry.add("location", where)
        cal.add_component(entry)
    cal.add_missing_timezones()
    return bytes(cal.to_ical()).decode()


def table_plan(session: Session, *, actor: Actor, event: Event) -> dict[int, list[tuple[Meeting, Any, Any]]]:
    """Per slot, the meetings with both firms, table by table (for the organiser's printed plan)."""
    authorize(actor, "event.manage")
    people = {p.id: p for p in service.participants(session, event=event)}
    from jejaring.registry import service as registry_service

    firms = registry_service.firms_by_ids(session, [p.firm_id for p in people.values()])
    reqs = {r.id: r for r in session.scalars(select(MeetingRequest).where(MeetingRequest.event_id == event.id))}
    plan: dict[int, list[tuple[Meeting, Any, Any]]] = {}
    for m in session.scalars(
        select(Meeting).where(Meeting.event_id == event.id).order_by(Meeting.slot, Meeting.table_no)
    ):
        r = reqs[m.request_id]
        plan.setdefault(m.slot, []).append((m, firms[people[r.from_id].firm_id], firms[people[r.to_id].firm_id]))
    return plan


def get_meeting(session: Session, *, public_id: str) -> Meeting:
    """A meeting by its public ID."""
    return get_by_public_id(session, Meeting, public_id, missing="events.error.meeting_not_found")


def set_outcome(session: Session, *, actor: Actor, meeting: Meeting, data: OutcomeIn) -> Meeting:
    """A party to the meeting (or the organiser) records what came of it."""
    req = session.get(MeetingRequest, meeting.request_id)
    assert req is not None
    requests_service.require_party(session, actor, req)
    if not meeting.published:
        raise DomainError("events.error.not_published")
    meeting.outcome, meeting.outcome_note = data.outcome, data.note
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="event.outcome",
        entity_type="event_meeting",
        entity_id=meeting.public_id,
        after={"outcome": str(data.outcome)},
    )
    return meeting


def dashboard(session: Session, *, actor: Actor, event: Event) -> dict[str, Any]:
    """Registrations, requests, acceptance rate, meetings per participant and table use."""
    authorize(actor, "event.manage")
    requests_service.expire_pending(session, event=event)
    people = service.participants(session, event=event)
    status = Counter(p.status for p in people)
    stmt = select(MeetingRequest.status, func.count()).where(MeetingRequest.event_id == event.id)
    reqs: Counter[str] = Counter({str(k): int(v) for k, v in session.execute(stmt.group_by(MeetingRequest.status))})
    answered = reqs[RequestStatus.DITERIMA] + reqs[RequestStatus.DITOLAK] + reqs[RequestStatus.KEDALUWARSA]
    ms = list(session.scalars(select(Meeting).where(Meeting.event_id == event.id)))
    per_person: Counter[int] = Counter()
    reqs_by_id = {r.id: r for r in session.scalars(select(MeetingRequest).where(MeetingRequest.event_id == event.id))}
    for m in ms:
        r = reqs_by_id[m.request_id]
        per_person.update([r.from_id, r.to_id])
    registered = [p for p in people if p.status != ParticipantStatus.DIUNDANG]
    open_slots = event.days * (event.slots_per_day - len(service.break_positions(event)))
    table_slots = event.tables * open_slots
    return {
        "invited": status[ParticipantStatus.DIUNDANG],
        "registered": len(registered),
        "present": status[ParticipantStatus.HADIR],
        "no_show": status[ParticipantStatus.TIDAK_HADIR],
        "requests": sum(reqs.values()),
        "by_status": {s.value: reqs[s] for s in RequestStatus},
        "acceptance_rate": reqs[RequestStatus.DITERIMA] / answered if answered else None,
        "meetings": len(ms),
        "published": sum(1 for m in ms if m.published),
        "missed": missed(session, event=event, meetings=[m for m in ms if m.published]),
        "meetings_per_participant": sum(per_person.values()) / len(registered) if registered else 0.0,
        "without_meeting": sum(1 for p in registered if per_person[p.id] == 0),
        "table_use": sum(1 for m in ms if m.table_no is not None) / table_slots if table_slots else None,
    }


def missed(session: Session, *, event: Event, meetings: list[Meeting]) -> int:
    """Meetings that did not take place: marked so, or a party recorded absent at check-in."""
    absent = {p.id for p in service.participants(session, event=event) if p.status == ParticipantStatus.TIDAK_HADIR}
    rids = [m.request_id for m in meetings]
    reqs = {r.id: r for r in session.scalars(select(MeetingRequest).where(MeetingRequest.id.in_(rids)))} if rids else {}
    return sum(
        1
        for m in meetings
        if m.outcome == MeetingOutcome.BATAL or {reqs[m.request_id].from_id, reqs[m.request_id].to_id} & absent
    )


def report(session: Session, *, actor: Actor, event: Event | None = None) -> list[dict[str, Any]]:
    """Meetings (scheduled, held) → interest → proposals → agreements → first orders → value, per event."""
    authorize(actor, "event.manage")
    events = [event] if event is not None else service.list_events(session)
    rows = []
    for ev in events:
        ms = list(session.scalars(select(Meeting).where(Meeting.event_id == ev.id, Meeting.published.is_(True))))
        follow = partnerships_service.outcomes_by_origin(session, refs=[m.public_id for m in ms])
        row: dict[str, Any] = {"event": ev.public_id, "name": ev.name, "starts_on": ev.starts_on, "meetings": len(ms)}
        row["held"] = len(ms) - missed(session, event=ev, meetings=ms)
        row["interest"] = sum(1 for m in ms if m.outcome in ("minat", "tindak_lanjut"))
        for key in ("proposals", "agreements", "first_order", "value"):
            row[key] = sum(g[key] for g in follow.values())
        rows.append(row)
    return rows

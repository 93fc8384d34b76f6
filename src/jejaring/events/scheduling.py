"""The event's schedule in the database: build the scheduling problem, run it, store and publish meetings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.authz import authorize
from jejaring.accounts.roles import Actor
from jejaring.core.db import utcnow
from jejaring.core.ids import IdPrefix, new_public_id
from jejaring.events import service
from jejaring.events.enums import EventMode, EventStatus, ParticipantStatus, RequestStatus
from jejaring.events.greedy import greedy
from jejaring.events.models import Event, Meeting, MeetingRequest, Participant, Unavailable
from jejaring.events.problem import Placement, Problem, Request, check, idle_gaps, table_changes, weight
from jejaring.events.scheduler import Result, schedule


class ScheduleInvalid(RuntimeError):
    """The scheduler produced a schedule that breaks a constraint (a bug: nothing is stored)."""


def request_weight(req: MeetingRequest) -> int:
    """Priority (1–3) × match score scaled to 1..100: what the scheduler maximises."""
    return req.priority * (1 + round(99 * max(0.0, min(1.0, req.score))))


def is_online(event: Event, req: MeetingRequest) -> bool:
    """Online meetings need no table: all of an online event's, and those asked for online at a hybrid one."""
    return event.mode == EventMode.DARING or (event.mode == EventMode.HIBRIDA and req.online)


def build_problem(session: Session, event: Event) -> Problem:
    """The event as a scheduling problem: accepted requests of present participants, breaks, booths, published
    meetings fixed."""
    people = {
        p.id: p
        for p in service.participants(session, event=event)
        if p.status in (ParticipantStatus.TERDAFTAR, ParticipantStatus.HADIR)
    }
    breaks = service.break_positions(event)
    blocked = {d * event.slots_per_day + b for d in range(event.days) for b in breaks}
    off: dict[int, set[int]] = {pid: set(blocked) for pid in people}
    rows = session.execute(
        select(Unavailable.participant_id, Unavailable.slot)
        .join(Participant, Participant.id == Unavailable.participant_id)
        .where(Participant.event_id == event.id)
    )
    for pid, slot in rows:
        if pid in off:
            off[pid].add(slot)
    published = list(session.scalars(select(Meeting).where(Meeting.event_id == event.id, Meeting.published.is_(True))))
    held = {m.request_id for m in published}  # kept even when a party has since been marked absent
    accepted = session.scalars(
        select(MeetingRequest).where(
            MeetingRequest.event_id == event.id, MeetingRequest.status == RequestStatus.DITERIMA
        )
    )
    requests = [
        Request(r.id, r.from_id, r.to_id, request_weight(r), is_online(event, r))
        for r in accepted
        if (r.from_id in people and r.to_id in people) or r.id in held
    ]
    fixed = [Placement(m.request_id, m.slot, m.table_no) for m in published]
    booths = {pid: p.booth for pid, p in people.items() if p.booth is not None}
    tables = 0 if event.mode == EventMode.DARING else event.tables
    return Problem(
        days=event.days,
        slots_per_day=event.slots_per_day,
        tables=tables,
        requests=requests,
        unavailable={pid: frozenset(s) for pid, s in off.items()},
        booths=booths,
        fixed=fixed,
    )


@dataclass
class Comparison:
    """The optimal schedule next to the greedy first-come baseline."""

    result: Result
    greedy_weight: int
    greedy_meetings: int
    greedy_gaps: int
    greedy_table_changes: int


def run_schedule(session: Session, *, actor: Actor, event: Event, time_limit: float = 20.0) -> Comparison:
    """Schedule the accepted requests (published meetings stay fixed) and store the unpublished meetings."""
    authorize(actor, "event.manage")
    problem = build_problem(session, event)
    result = schedule(problem, time_limit=time_limit, workers=2)
    errors = check(problem, result.placements)
    if errors:
        raise ScheduleInvalid("; ".join(errors[:5]))
    base = greedy(problem)
    session.execute(delete(Meeting).where(Meeting.event_id == event.id, Meeting.published.is_(False)))
    fixed = set(problem.fixed)
    for p in result.placements:
        if p not in fixed:
            session.add(
                Meeting(
                    public_id=new_public_id(IdPrefix.MEETING),
                    event_id=event.id,
                    request_id=p.request_id,
                    slot=p.slot,
                    table_no=p.table,
                )
            )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="event.schedule",
        entity_type="event",
        entity_id=event.public_id,
        after={
            "meetings": len(result.placements),
            "weight": result.weight,
            "bound": result.bound,
            "optimal": result.optimal,
            "gaps": result.gaps,
        },
    )
    return Comparison(result, weight(problem, base), len(base), idle_gaps(problem, base), table_changes(problem, base))


def publish(session: Session, *, actor: Actor, event: Event) -> int:
    """Publish the schedule: participants see their meetings, and later runs keep them fixed."""
    authorize(actor, "event.manage")
    meetings = list(session.scalars(select(Meeting).where(Meeting.event_id == event.id)))
    for m in meetings:
        m.published = True
    event.status = EventStatus.TERJADWAL
    event.published_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="event.publish",
        entity_type="event",
        entity_id=event.public_id,
        after={"meetings": len(meetings)},
    )
    return len(meetings)


def meetings(session: Session, *, event: Event) -> list[Meeting]:
    """All meetings of the event in slot and table order."""
    stmt = select(Meeting).where(Meeting.event_id == event.id).order_by(Meeting.slot, Meeting.table_no)
    return list(session.scalars(stmt))

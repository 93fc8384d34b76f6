"""JSON API of events (/api/v1/events): organisers manage, participants see only their own requests and agenda."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from jejaring.accounts.deps import ActorDep, UserDep
from jejaring.events import agenda, requests, scheduling, service
from jejaring.events.models import Event, MeetingRequest, Participant
from jejaring.events.schemas import EventIn, OutcomeIn, RegistrationIn, RequestIn
from jejaring.web.deps import SessionDep

router = APIRouter(prefix="/events", tags=["events"])


class AnswerIn(BaseModel):
    """Accept (true) or decline (false)."""

    accept: bool


class AvailabilityIn(BaseModel):
    """Slots (0-based over all days) the participant cannot meet in."""

    unavailable: list[int] = Field(default_factory=list, max_length=500)


def event_out(e: Event) -> dict[str, Any]:
    """An event as JSON."""
    return {
        "public_id": e.public_id,
        "name": e.name,
        "mode": e.mode,
        "place": e.place,
        "starts_on": e.starts_on.isoformat(),
        "days": e.days,
        "slots_per_day": e.slots_per_day,
        "slot_minutes": e.slot_minutes,
        "tables": e.tables,
        "status": e.status,
    }


def request_out(session: Session, r: MeetingRequest) -> dict[str, Any]:
    """A meeting request as JSON, with both firms' public IDs."""
    firms = {}
    for key, pid in (("from_firm", r.from_id), ("to_firm", r.to_id)):
        p = session.get(Participant, pid)
        firms[key] = service.firm_of(session, p).public_id if p else None
    return {
        "public_id": r.public_id,
        **firms,
        "status": r.status,
        "priority": r.priority,
        "score": r.score,
        "online": r.online,
        "expires_at": r.expires_at.isoformat(),
    }


@router.get("")
def list_events(session: SessionDep, _actor: ActorDep) -> list[dict[str, Any]]:
    """All events."""
    return [event_out(e) for e in service.list_events(session)]


@router.post("", status_code=201)
def create_event(data: EventIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """Create an event (organisers)."""
    return event_out(service.create_event(session, actor=actor, data=data))


@router.get("/report")
def report_all(session: SessionDep, actor: UserDep) -> list[dict[str, Any]]:
    """Meetings → proposals → agreements → first orders → value, per event."""
    return [{**r, "starts_on": r["starts_on"].isoformat()} for r in agenda.report(session, actor=actor)]


@router.get("/{public_id}")
def read_event(public_id: str, session: SessionDep, _actor: ActorDep) -> dict[str, Any]:
    """One event."""
    return event_out(service.get_event(session, public_id=public_id))


@router.get("/{public_id}/dashboard")
def dashboard(public_id: str, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """The organiser's figures."""
    return agenda.dashboard(session, actor=actor, event=service.get_event(session, public_id=public_id))


@router.post("/{public_id}/participants", status_code=201)
def register(public_id: str, data: RegistrationIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """Register a firm (its owner, or an officer on its behalf)."""
    p = service.register(session, actor=actor, event=service.get_event(session, public_id=public_id), data=data)
    return {"firm": data.firm, "status": p.status, "role": p.role}


@router.put("/{public_id}/participants/{firm}/availability")
def availability(
    public_id: str, firm: str, data: AvailabilityIn, session: SessionDep, actor: UserDep
) -> dict[str, Any]:
    """Replace the slots the firm cannot meet in."""
    p = service.get_participant(session, event=service.get_event(session, public_id=public_id), firm=firm)
    service.set_availability(session, actor=actor, participant=p, unavailable=set(data.unavailable))
    return {"firm": firm, "unavailable": sorted(data.unavailable)}


@router.get("/{public_id}/participants/{firm}/requests")
def own_requests(public_id: str, firm: str, session: SessionDep, actor: UserDep) -> list[dict[str, Any]]:
    """The firm's sent and received requests (its own people and the organiser only)."""
    event = service.get_event(session, public_id=public_id)
    requests.expire_pending(session, event=event)
    p = service.get_participant(session, event=event, firm=firm)
    return [request_out(session, r) for r in requests.requests_of(session, actor=actor, participant=p)]


@router.get("/{public_id}/participants/{firm}/agenda")
def own_agenda(public_id: str, firm: str, session: SessionDep, actor: UserDep) -> list[dict[str, Any]]:
    """The firm's published meetings."""
    p = service.get_participant(session, event=service.get_event(session, public_id=public_id), firm=firm)
    return [
        {
            "meeting": i.meeting.public_id,
            "start": i.start.isoformat(),
            "end": i.end.isoformat(),
            "table": i.meeting.table_no,
            "partner": i.partner.public_id,
            "outcome": i.meeting.outcome,
        }
        for i in agenda.agenda(session, actor=actor, participant=p)
    ]


@router.post("/{public_id}/requests", status_code=201)
def ask(public_id: str, data: RequestIn, request: Request, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """Request a meeting."""
    event = service.get_event(session, public_id=public_id)
    r = requests.request_meeting(session, request.app.state.settings, actor=actor, event=event, data=data)
    return request_out(session, r)


@router.post("/requests/{request_id}/answer")
def answer(request_id: str, data: AnswerIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """Accept or decline a received request."""
    r = requests.answer(
        session, actor=actor, request=requests.get_request(session, public_id=request_id), accept=data.accept
    )
    return request_out(session, r)


@router.post("/{public_id}/schedule")
def schedule(public_id: str, session: SessionDep, actor: UserDep, seconds: float = 20.0) -> dict[str, Any]:
    """Run the scheduler; published meetings stay fixed."""
    c = scheduling.run_schedule(
        session, actor=actor, event=service.get_event(session, public_id=public_id), time_limit=min(seconds, 60.0)
    )
    r = c.result
    return {
        "meetings": len(r.placements),
        "weight": r.weight,
        "bound": r.bound,
        "optimal": r.optimal,
        "idle_gaps": r.gaps,
        "table_changes": r.table_changes,
        "greedy": {"meetings": c.greedy_meetings, "weight": c.greedy_weight, "idle_gaps": c.greedy_gaps},
    }


@router.post("/{public_id}/publish")
def publish(public_id: str, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """Publish the schedule."""
    return {
        "published": scheduling.publish(session, actor=actor, event=service.get_event(session, public_id=public_id))
    }


@router.post("/meetings/{meeting_id}/outcome")
def outcome(meeting_id: str, data: OutcomeIn, session: SessionDep, actor: UserDep) -> dict[str, Any]:
    """Record a meeting's outcome."""
    m = agenda.set_outcome(session, actor=actor, meeting=agenda.get_meeting(session, public_id=meeting_id), data=data)
    return {"meeting": m.public_id, "outcome": m.outcome}

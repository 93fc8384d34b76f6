"""Meeting requests between participants: recommend, request, accept or decline, expire; scoped reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.authz import Forbidden, authorize
from jejaring.accounts.roles import Actor
from jejaring.core.config import Settings
from jejaring.core.db import get_by_public_id, utcnow
from jejaring.core.errors import DomainError
from jejaring.core.ids import IdPrefix, new_public_id
from jejaring.events import service
from jejaring.events.enums import EventStatus, ParticipantStatus, RequestStatus
from jejaring.events.models import Event, MeetingRequest, Participant
from jejaring.events.schemas import RequestIn
from jejaring.matching import service as matching_service


@dataclass
class Recommendation:
    """Another participant worth meeting, with the partner-search score and reasons."""

    participant: Participant
    firm: object
    score: float
    why: list[str]


def expire_pending(session: Session, *, event: Event | None = None, now: datetime | None = None) -> int:
    """Mark requests still waiting past their expiry as expired; returns how many."""
    now = now or utcnow()
    stmt = update(MeetingRequest).where(
        MeetingRequest.status == RequestStatus.MENUNGGU, MeetingRequest.expires_at < now
    )
    if event is not None:
        stmt = stmt.where(MeetingRequest.event_id == event.id)
    result = session.execute(
        stmt.values(status=RequestStatus.KEDALUWARSA).execution_options(synchronize_session="fetch")
    )
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


def recommend(
    session: Session, settings: Settings, *, actor: Actor, participant: Participant, limit: int = 10
) -> list[Recommendation]:
    """Other participants the partner search ranks for this firm (its needs, and needs it could supply)."""
    firm = service.firm_of(session, participant)
    authorize(actor, "event.view_own", firm)
    event = session.get(Event, participant.event_id)
    assert event is not None
    others = {p.firm_id: p for p in service.participants(session, event=event) if p.id != participant.id}
    found = matching_service.partners_among(session, settings, firm=firm, candidates=set(others))
    out = [Recommendation(others[fid], f, score, why) for fid, (f, score, why) in found.items()]
    out.sort(key=lambda r: -r.score)
    return out[:limit]


def request_meeting(
    session: Session,
    settings: Settings | None,
    *,
    actor: Actor,
    event: Event,
    data: RequestIn,
    score: float | None = None,
    why: list[str] | None = None,
) -> MeetingRequest:
    """A participant asks another for a meeting; it expires after the event's request window."""
    sender = service.get_participant(session, event=event, firm=data.from_firm)
    receiver = service.get_participant(session, event=event, firm=data.to_firm)
    authorize(actor, "event.participate", service.firm_of(session, sender))
    if sender.id == receiver.id:
        raise DomainError("events.error.self_request", field="to_firm")
    if event.status == EventStatus.SELESAI:
        raise DomainError("events.error.closed")
    if ParticipantStatus.DIUNDANG in (sender.status, receiver.status):
        raise DomainError("events.error.not_registered", field="to_firm")
    dup = session.scalar(
        select(MeetingRequest.id).where(
            MeetingRequest.event_id == event.id,
            or_(
                (MeetingRequest.from_id == sender.id) & (MeetingRequest.to_id == receiver.id),
                (MeetingRequest.from_id == receiver.id) & (MeetingRequest.to_id == sender.id),
            ),
            MeetingRequest.status.in_([RequestStatus.MENUNGGU, RequestStatus.DITERIMA]),
        )
    )
    if dup is not None:
        raise DomainError("events.error.duplicate_request", field="to_firm")
    if score is None and settings is not None:
        found = matching_service.partners_among(
            session, settings, firm=service.firm_of(session, sender), candidates={receiver.firm_id}
        )
        if receiver.firm_id in found:
            _, score, why = found[receiver.firm_id]
    now = utcnow()
    req = session.scalar(  # an expired or declined request of the same direction is asked again
        select(MeetingRequest).where(
            MeetingRequest.event_id == event.id,
            MeetingRequest.from_id == sender.id,
            MeetingRequest.to_id == receiver.id,
        )
    )
    if req is None:
        req = MeetingRequest(
            public_id=new_public_id(IdPrefix.MEETING_REQUEST), event_id=event.id, from_id=sender.id, to_id=receiver.id
        )
    req.status, req.answered_at = RequestStatus.MENUNGGU, None
    req.priority, req.online, req.message = data.priority, data.online, data.message
    req.score = score if score is not None else 0.5
    req.why = "\n".join(why or [])
    req.created_at, req.expires_at = now, now + timedelta(days=event.request_days)
    session.add(req)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="event.request",
        entity_type="event_request",
        entity_id=req.public_id,
        after={"event": event.public_id, "from": data.from_firm, "to": data.to_firm},
    )
    return req


def get_request(session: Session, *, public_id: str) -> MeetingRequest:
    """A meeting request by its public ID."""
    return get_by_public_id(session, MeetingRequest, public_id, missing="events.error.request_not_found")


def answer(session: Session, *, actor: Actor, request: MeetingRequest, accept: bool) -> MeetingRequest:
    """The receiving participant accepts or declines a waiting request (expired requests cannot be answered)."""
    receiver = session.get(Participant, request.to_id)
    assert receiver is not None
    authorize(actor, "event.participate", service.firm_of(session, receiver))
    expire_pending(session, event=session.get(Event, request.event_id))
    session.refresh(request)
    if request.status != RequestStatus.MENUNGGU:
        raise DomainError("events.error.not_pending", value=request.status)
    request.status = RequestStatus.DITERIMA if accept else RequestStatus.DITOLAK
    request.answered_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="event.answer",
        entity_type="event_request",
        entity_id=request.public_id,
        after={"status": str(request.status)},
    )
    return request


def requests_of(session: Session, *, actor: Actor, participant: Participant) -> list[MeetingRequest]:
    """The participant's own requests, sent and received (only that firm's people and the organiser see them)."""
    authorize(actor, "event.view_own", service.firm_of(session, participant))
    stmt = select(MeetingRequest).where(
        or_(MeetingRequest.from_id == participant.id, MeetingRequest.to_id == participant.id)
    )
    return list(session.scalars(stmt.order_by(MeetingRequest.id)))


def all_requests(session: Session, *, actor: Actor, event: Event) -> list[MeetingRequest]:
    """Every request of the event, for the organiser."""
    authorize(actor, "event.manage")
    return list(session.scalars(select(MeetingRequest).where(MeetingRequest.event_id == event.id)))


def require_party(session: Session, actor: Actor, request: MeetingRequest) -> Participant:
    """The participant of ``request`` the actor acts for (organisers act for the sender)."""
    for pid in (request.from_id, request.to_id):
        p = session.get(Participant, pid)
        if p is not None and actor.may("event.participate", service.firm_of(session, p)):
            return p
    if actor.may("event.manage"):
        p = session.get(Participant, request.from_id)
        assert p is not None
        return p
    raise Forbidden("accounts.error.forbidden")

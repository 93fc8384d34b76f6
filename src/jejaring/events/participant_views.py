"""HTML pages of events for participants: register, recommended partners, requests, availability, agenda
(page, printable, .ics) and meeting outcomes with the hand-over to a partnership proposal."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from jejaring.accounts.deps import UserDep
from jejaring.accounts.roles import Actor
from jejaring.core.db import utcnow
from jejaring.events import agenda, requests, service
from jejaring.events.models import Event, MeetingRequest, Participant
from jejaring.events.schemas import OutcomeIn, RegistrationIn, RequestIn
from jejaring.events.views import slot_labels
from jejaring.registry import service as registry_service
from jejaring.web.deps import LangDep, SessionDep
from jejaring.web.forms import form_model
from jejaring.web.rendering import render

router = APIRouter(include_in_schema=False)
PARTNERSHIP_FORM = "/partnerships/new"  # the partnerships domain's proposal form takes over from a meeting


def _to_participant(event: Event, firm: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/events/{event.public_id}/firms/{firm}{anchor}", status_code=303)


def _handover(meeting_id: str, partner_public_id: str) -> str:
    return f"{PARTNERSHIP_FORM}?" + urlencode({"partner": partner_public_id, "origin": meeting_id})


def _request_rows(session: Session, actor: Actor, me: Participant) -> list[tuple[MeetingRequest, object, bool]]:
    rows = requests.requests_of(session, actor=actor, participant=me)
    others = {r.to_id if r.from_id == me.id else r.from_id for r in rows}
    people = {p.id: p for p in service.participants(session, event=service_event(session, me)) if p.id in others}
    firms = registry_service.firms_by_ids(session, [p.firm_id for p in people.values()])
    return [
        (r, firms.get(people[r.to_id if r.from_id == me.id else r.from_id].firm_id), r.to_id == me.id) for r in rows
    ]


def service_event(session: Session, participant: Participant) -> Event:
    """The participant's event."""
    event = session.get(Event, participant.event_id)
    assert event is not None
    return event


@router.post("/events/{public_id}/register")
async def register(public_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    """A firm's owner (or an officer for it) registers it."""
    event = service.get_event(session, public_id=public_id)
    data = await form_model(request, RegistrationIn, join=True)
    service.register(session, actor=actor, event=event, data=data)
    return _to_participant(event, data.firm)


@router.get("/events/{public_id}/firms/{firm}")
def participant_page(
    public_id: str, firm: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep
) -> Response:
    """The firm's page at the event: recommendations, requests, availability and agenda."""
    event = service.get_event(session, public_id=public_id)
    me = service.get_participant(session, event=event, firm=firm)
    requests.expire_pending(session, event=event)
    items = agenda.agenda(session, actor=actor, participant=me)
    recs = requests.recommend(session, request.app.state.settings, actor=actor, participant=me)
    people = [p for p in service.participants(session, event=event) if p.id != me.id and p.status != "diundang"]
    firms = registry_service.firms_by_ids(session, [p.firm_id for p in people])
    others = [(p, firms.get(p.firm_id)) for p in people]
    context = {
        "event": event,
        "part": me,
        "firm": service.firm_of(session, me),
        "items": items,
        "handover": {i.meeting.public_id: _handover(i.meeting.public_id, i.partner.public_id) for i in items},
        "recs": recs,
        "rows": _request_rows(session, actor, me),
        "others": others,
        "slots": slot_labels(event),
        "off": service.unavailable_slots(session, participant=me),
    }
    return render(request, "events/participant.html", context, lang=lang)


@router.post("/events/{public_id}/requests")
async def ask(public_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    """Ask another participant for a meeting (scored by the partner search)."""
    event = service.get_event(session, public_id=public_id)
    data = await form_model(request, RequestIn, join=True)
    requests.request_meeting(session, request.app.state.settings, actor=actor, event=event, data=data)
    return _to_participant(event, data.from_firm, "#requests")


@router.post("/events/requests/{request_id}/answer")
async def answer(request_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    """Accept or decline a received request."""
    form = await request.form()
    req = requests.get_request(session, public_id=request_id)
    requests.answer(session, actor=actor, request=req, accept=form.get("accept") == "1")
    me = session.get(Participant, req.to_id)
    assert me is not None
    firm = service.firm_of(session, me)
    return _to_participant(service_event(session, me), firm.public_id, "#requests")


@router.post("/events/{public_id}/firms/{firm}/availability")
async def availability(public_id: str, firm: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    """Save the slots the firm cannot meet in (the unticked boxes)."""
    event = service.get_event(session, public_id=public_id)
    me = service.get_participant(session, event=event, firm=firm)
    form = await request.form()
    free = {int(v) for v in form.getlist("free") if isinstance(v, str) and v.isdigit()}
    off = set(range(service.slot_count(event))) - free
    service.set_availability(session, actor=actor, participant=me, unavailable=off)
    return _to_participant(event, firm, "#availability")


@router.get("/events/{public_id}/firms/{firm}/agenda")
def agenda_print(
    public_id: str, firm: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep
) -> Response:
    """The printable agenda."""
    event = service.get_event(session, public_id=public_id)
    me = service.get_participant(session, event=event, firm=firm)
    items = agenda.agenda(session, actor=actor, participant=me)
    context = {"event": event, "firm": service.firm_of(session, me), "items": items}
    return render(request, "events/agenda_print.html", context, lang=lang)


@router.get("/events/{public_id}/firms/{firm}/agenda.ics")
def agenda_ics(public_id: str, firm: str, session: SessionDep, actor: UserDep) -> Response:
    """The agenda as an iCalendar file."""
    event = service.get_event(session, public_id=public_id)
    me = service.get_participant(session, event=event, firm=firm)
    body = agenda.ics(event, agenda.agenda(session, actor=actor, participant=me), stamp=utcnow())
    headers = {"Content-Disposition": f'attachment; filename="agenda-{event.public_id}.ics"'}
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


@router.post("/events/meetings/{meeting_id}/outcome")
async def outcome(meeting_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    """Record what came of a meeting."""
    meeting = agenda.get_meeting(session, public_id=meeting_id)
    data = await form_model(request, OutcomeIn, join=True)
    agenda.set_outcome(session, actor=actor, meeting=meeting, data=data)
    req = session.get(MeetingRequest, meeting.request_id)
    assert req is not None
    me = requests.require_party(session, actor, req)
    return _to_participant(service_event(session, me), service.firm_of(session, me).public_id, "#agenda")

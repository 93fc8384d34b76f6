"""HTML pages of events for the organiser: list, create, event page with dashboard, invitations, check-in,
booths, schedule and publish, the printable table plan and the outcome report."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from jejaring.accounts.authz import authorize
from jejaring.accounts.deps import ActorDep, UserDep
from jejaring.accounts.roles import Actor
from jejaring.core.i18n import validation_message
from jejaring.events import agenda, requests, scheduling, service
from jejaring.events.enums import EventMode, EventZone
from jejaring.events.models import Event
from jejaring.events.schemas import EventIn
from jejaring.registry import service as registry_service
from jejaring.web.deps import LangDep, SessionDep
from jejaring.web.forms import form_model
from jejaring.web.rendering import render

router = APIRouter(include_in_schema=False)


def to_event(event: Event, anchor: str = "") -> RedirectResponse:
    """Back to the event page."""
    return RedirectResponse(f"/events/{event.public_id}{anchor}", status_code=303)


def slot_labels(event: Event) -> list[dict[str, Any]]:
    """Every slot with its day, time and whether it is a break."""
    breaks = service.break_positions(event)
    out = []
    for s in range(service.slot_count(event)):
        start, end = service.slot_times(event, s)
        out.append({"slot": s, "start": start, "end": end, "break": s % event.slots_per_day in breaks})
    return out


def _target_labels(session: Session, event: Event, lang: str) -> dict[str, str]:
    """The targets as one line each: ``code name`` for sectors, province names for regions."""
    names = service.target_names(session, event=event)
    sectors = ", ".join(f"{c} {en if lang == 'en' and en else name}" for c, name, en in names["sectors"])
    return {"sectors": sectors, "regions": ", ".join(name for _, name, _ in names["regions"])}


def _organiser_context(session: Session, actor: Actor, event: Event) -> dict[str, Any]:
    people = service.participants(session, event=event)
    firms = registry_service.firms_by_ids(session, [p.firm_id for p in people])
    return {
        "dash": agenda.dashboard(session, actor=actor, event=event),
        "people": [(p, firms.get(p.firm_id)) for p in people],
        "suggested": service.suggested_invitees(session, event=event),
    }


@router.get("/events")
def list_page(request: Request, session: SessionDep, lang: LangDep, actor: ActorDep, firm: str = "") -> Response:
    """All events; organisers can create one; ``firm`` (from a firm profile) is carried to the event pages."""
    context = {"events": service.list_events(session), "firm": firm if firm.isascii() and len(firm) <= 12 else ""}
    return render(request, "events/list.html", context, lang=lang)


# model-level checks of EventIn and the field they are about
MODEL_ERROR_FIELDS = {"events.error.window": "registration_closes", "events.error.no_tables": "tables"}


def field_errors(exc: RequestValidationError, lang: str) -> dict[str, str]:
    """Each invalid field with the reason, in the user's language (model-level checks name their field)."""
    out: dict[str, str] = {}
    for e in exc.errors():
        loc = [str(p) for p in e.get("loc", ()) if p != "body"]
        raw = str((e.get("ctx") or {}).get("error", ""))
        field = loc[0] if loc else MODEL_ERROR_FIELDS.get(raw, "name")
        out.setdefault(field, validation_message(e, lang))
    return out


def _new_form(
    request: Request, session: Session, lang: str, values: Any, errors: dict[str, str], status_code: int = 200
) -> Response:
    context = {
        "modes": list(EventMode),
        "zones": list(EventZone),
        "values": {k: v for k, v in values.items() if isinstance(v, str)},
        "chosen_sectors": set(values.getlist("target_sectors")) if errors else set(),
        "chosen_regions": set(values.getlist("target_regions")) if errors else set(),
        "errors": errors,
        **service.target_choices(session),
    }
    return render(request, "events/new.html", context, lang=lang, status_code=status_code)


@router.get("/events/new")
def new_page(request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """The create-event form (organisers): targets chosen by name, the venue's time zone."""
    authorize(actor, "event.manage")
    return _new_form(request, session, lang, request.query_params, {})


@router.post("/events")
async def create(request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """Create an event; on a bad input the form comes back with the input kept and each field's reason."""
    try:
        data = await form_model(request, EventIn, join=True)
    except RequestValidationError as exc:
        return _new_form(request, session, lang, await request.form(), field_errors(exc, lang), 422)
    return to_event(service.create_event(session, actor=actor, data=data))


@router.get("/events/report")
def report_all(request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """Meetings → proposals → agreements → first orders → value across all events."""
    rows = agenda.report(session, actor=actor)
    return render(request, "events/report.html", {"rows": rows, "event": None}, lang=lang)


@router.get("/events/{public_id}")
def event_page(
    public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: ActorDep, firm: str = ""
) -> Response:
    """The event: details; the organiser's dashboard; the visitor's firms (or ``firm``, e.g. for an officer
    registering it on its behalf) to register or open."""
    event = service.get_event(session, public_id=public_id)
    own_firms = registry_service.firms_by_ids(session, actor.firm_ids)
    if firm:
        chosen = registry_service.get_firm(session, public_id=firm)
        if actor.may("event.participate", chosen):
            own_firms[chosen.id] = chosen
    mine = {fid: p for fid in own_firms if (p := service.participant_of(session, event=event, firm_id=fid))}
    context: dict[str, Any] = {
        "event": event,
        "own": [(f, mine.get(fid)) for fid, f in sorted(own_firms.items())],
        "defaults": {
            fid: service.listing_defaults(session, firm=f)
            for fid, f in own_firms.items()
            if fid not in mine or mine[fid].status == "diundang"
        },
        "organiser": actor.may("event.manage"),
        "slots": slot_labels(event),
        "targets": _target_labels(session, event, lang),
        "zone": event.zone_abbr,
    }
    if context["organiser"]:
        context.update(_organiser_context(session, actor, event))
    return render(request, "events/event.html", context, lang=lang)


@router.post("/events/{public_id}/invite")
async def invite(public_id: str, request: Request, session: SessionDep, actor: UserDep) -> Response:
    """Invite a firm by its public ID."""
    event = service.get_event(session, public_id=public_id)
    form = await request.form()
    service.invite(session, actor=actor, event=event, firm=str(form.get("firm", "")))
    return to_event(event, "#participants")


@router.post("/events/{public_id}/participants/{pid}/check-in")
async def check_in(public_id: str, pid: int, request: Request, session: SessionDep, actor: UserDep) -> Response:
    """Record a participant as present or as a no-show."""
    event = service.get_event(session, public_id=public_id)
    form = await request.form()
    p = service.participant_by_id(session, event=event, participant_id=pid)
    service.check_in(session, actor=actor, participant=p, present=form.get("present") == "1")
    return to_event(event, "#participants")


@router.post("/events/{public_id}/participants/{pid}/booth")
async def booth(public_id: str, pid: int, request: Request, session: SessionDep, actor: UserDep) -> Response:
    """Make a participant a hosted buyer at a booth (empty: undo)."""
    event = service.get_event(session, public_id=public_id)
    form = await request.form()
    p = service.participant_by_id(session, event=event, participant_id=pid)
    value = str(form.get("booth", "")).strip()
    service.set_booth(session, actor=actor, participant=p, booth=int(value) if value.isdigit() else None)
    return to_event(event, "#participants")


@router.post("/events/{public_id}/schedule")
def run_schedule(public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """Run the scheduler (published meetings stay) and show the result next to the greedy baseline."""
    event = service.get_event(session, public_id=public_id)
    requests.expire_pending(session, event=event)
    comparison = scheduling.run_schedule(session, actor=actor, event=event, time_limit=20)
    context = {"event": event, "c": comparison}
    return render(request, "events/scheduled.html", context, lang=lang)


@router.post("/events/{public_id}/publish")
def publish(public_id: str, session: SessionDep, actor: UserDep) -> Response:
    """Publish the schedule to the participants."""
    event = service.get_event(session, public_id=public_id)
    scheduling.publish(session, actor=actor, event=event)
    return to_event(event)


@router.post("/events/{public_id}/close")
def close(public_id: str, session: SessionDep, actor: UserDep) -> Response:
    """Mark the event as held."""
    event = service.get_event(session, public_id=public_id)
    service.close_event(session, actor=actor, event=event)
    return to_event(event)


@router.get("/events/{public_id}/tables")
def table_plan(public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """The printable table plan: per slot, who sits at which table."""
    event = service.get_event(session, public_id=public_id)
    plan = agenda.table_plan(session, actor=actor, event=event)
    labels = {s["slot"]: s for s in slot_labels(event)}
    return render(request, "events/tables.html", {"event": event, "plan": plan, "labels": labels}, lang=lang)


@router.get("/events/{public_id}/agendas")
def all_agendas(public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """Every participant's agenda, one per printed page (organisers)."""
    event = service.get_event(session, public_id=public_id)
    authorize(actor, "event.manage")
    pages = [
        (service.firm_of(session, p), agenda.agenda(session, actor=actor, participant=p))
        for p in service.participants(session, event=event)
        if p.status != "diundang"
    ]
    return render(request, "events/agendas_print.html", {"event": event, "pages": pages}, lang=lang)


@router.get("/events/{public_id}/report")
def report(public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """The event's outcome report."""
    event = service.get_event(session, public_id=public_id)
    rows = agenda.report(session, actor=actor, event=event)
    return render(request, "events/report.html", {"rows": rows, "event": event}, lang=lang)

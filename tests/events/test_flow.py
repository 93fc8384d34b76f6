"""Events on SQLite and PostgreSQL: registration, requests, expiry, scoping, scheduling with the checker on
every stored schedule, re-optimisation around published meetings, outcomes and the report."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jejaring.accounts.authz import Forbidden
from jejaring.core.db import utcnow
from jejaring.core.errors import DomainError
from jejaring.events import agenda, requests, scheduling, service
from jejaring.events.enums import EventZone, MeetingOutcome, ParticipantRole, RequestStatus
from jejaring.events.models import Event, Participant
from jejaring.events.problem import Placement, check
from jejaring.events.schemas import OutcomeIn, RegistrationIn, RequestIn
from jejaring.partnerships import service as partnerships_service
from jejaring.partnerships.schemas import ProposalIn
from tests.events.conftest import ORGANISER, World, owner


def register(session: Session, world: World, *keys: str) -> dict[str, Participant]:
    out = {}
    for k in keys:
        f = world.firms[k]
        out[k] = service.register(
            session, actor=owner(f), event=world.event, data=RegistrationIn(firm=f.public_id, seeks="komponen")
        )
    return out


def ask(session: Session, world: World, a: str, b: str, **kw: object):
    fa, fb = world.firms[a], world.firms[b]
    data = RequestIn(from_firm=fa.public_id, to_firm=fb.public_id, **kw)
    return requests.request_meeting(session, None, actor=owner(fa), event=world.event, data=data, score=0.8)


def stored_schedule_is_valid(session: Session, event: Event) -> list[Placement]:
    problem = scheduling.build_problem(session, event)
    stored = [Placement(m.request_id, m.slot, m.table_no) for m in scheduling.meetings(session, event=event)]
    problem.fixed = []  # the stored meetings are checked as a whole
    assert check(problem, stored) == []
    return stored


def test_request_accept_schedule_publish_agenda(session: Session, world: World) -> None:
    register(session, world, "astra", "presisi", "las")
    r1 = ask(session, world, "presisi", "astra")
    r2 = ask(session, world, "las", "astra")
    r3 = ask(session, world, "las", "presisi")
    requests.answer(session, actor=owner(world.firms["astra"]), request=r1, accept=True)
    requests.answer(session, actor=owner(world.firms["astra"]), request=r2, accept=True)
    requests.answer(session, actor=owner(world.firms["presisi"]), request=r3, accept=False)
    with pytest.raises(Forbidden):  # only the receiver answers
        requests.answer(session, actor=owner(world.firms["las"]), request=r3, accept=True)
    comparison = scheduling.run_schedule(session, actor=ORGANISER, event=world.event, time_limit=5)
    # 4 slots, slot 3 is the break, one table: astra's two meetings fit in two of slots 0, 1, 3
    assert comparison.result.weight_optimal and len(comparison.result.placements) == 2
    stored = stored_schedule_is_valid(session, world.event)
    assert {p.slot for p in stored} <= {0, 1, 3} and all(p.table == 1 for p in stored)
    # not published yet: participants see nothing
    presisi = service.get_participant(session, event=world.event, firm=world.firms["presisi"].public_id)
    assert agenda.agenda(session, actor=owner(world.firms["presisi"]), participant=presisi) == []
    assert scheduling.publish(session, actor=ORGANISER, event=world.event) == 2
    items = agenda.agenda(session, actor=owner(world.firms["presisi"]), participant=presisi)
    assert [i.partner.id for i in items] == [world.firms["astra"].id]
    astra = service.get_participant(session, event=world.event, firm=world.firms["astra"].public_id)
    assert len(agenda.agenda(session, actor=owner(world.firms["astra"]), participant=astra)) == 2
    ics = agenda.ics(world.event, items, stamp=utcnow())
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.count("BEGIN:VEVENT") == 1
    assert "DTSTART;TZID=Asia/Jakarta:20270310T09" in ics and world.firms["astra"].name[:20] in ics.replace("\r\n ", "")
    # a calendar program reads the zone: the meeting is the same instant for a buyer in Makassar or Tokyo
    parsed = [c for c in icalendar.Calendar.from_ical(ics).walk("VEVENT")]
    start = parsed[0].decoded("dtstart")
    assert start.utcoffset() == timedelta(hours=7) and start == items[0].start.replace(tzinfo=ZoneInfo("Asia/Jakarta"))
    assert "BEGIN:VTIMEZONE" in ics and "TZOFFSETTO:+0700" in ics
    world.event.timezone = EventZone.WITA
    wita = icalendar.Calendar.from_ical(agenda.ics(world.event, items, stamp=utcnow())).walk("VEVENT")[0]
    assert wita.decoded("dtstart").astimezone(UTC).hour == items[0].start.hour - 8
    world.event.timezone = EventZone.WIB
    dash = agenda.dashboard(session, actor=ORGANISER, event=world.event)
    assert dash["registered"] == 3 and dash["requests"] == 3 and dash["meetings"] == 2
    assert dash["acceptance_rate"] == pytest.approx(2 / 3)
    assert dash["table_use"] == pytest.approx(2 / 3)  # 2 of 1 table × 3 open slots


def test_participants_see_only_their_own(session: Session, world: World) -> None:
    p = register(session, world, "astra", "presisi", "las")
    ask(session, world, "presisi", "astra")
    outsider = owner(world.firms["las"])
    with pytest.raises(Forbidden):
        requests.requests_of(session, actor=outsider, participant=p["astra"])
    with pytest.raises(Forbidden):
        agenda.agenda(session, actor=outsider, participant=p["presisi"])
    with pytest.raises(Forbidden):
        agenda.dashboard(session, actor=outsider, event=world.event)
    assert len(requests.requests_of(session, actor=owner(world.firms["astra"]), participant=p["astra"])) == 1
    assert requests.requests_of(session, actor=outsider, participant=p["las"]) == []
    with pytest.raises(Forbidden):  # nobody registers someone else's firm
        service.register(
            session, actor=outsider, event=world.event, data=RegistrationIn(firm=world.firms["jati"].public_id)
        )
    with pytest.raises(Forbidden):  # nor asks on another firm's behalf
        requests.request_meeting(
            session,
            None,
            actor=outsider,
            event=world.event,
            data=RequestIn(from_firm=world.firms["presisi"].public_id, to_firm=world.firms["astra"].public_id),
        )


def test_pending_requests_expire(session: Session, world: World) -> None:
    register(session, world, "astra", "presisi")
    r = ask(session, world, "presisi", "astra")
    assert requests.expire_pending(session, event=world.event, now=utcnow() + timedelta(days=6)) == 0
    assert requests.expire_pending(session, event=world.event, now=utcnow() + timedelta(days=8)) == 1
    session.refresh(r)
    assert r.status == RequestStatus.KEDALUWARSA
    with pytest.raises(DomainError):
        requests.answer(session, actor=owner(world.firms["astra"]), request=r, accept=True)
    again = ask(session, world, "presisi", "astra")  # an expired request may be asked again
    assert again.id == r.id and again.status == RequestStatus.MENUNGGU


def test_registration_rules(session: Session, world: World) -> None:
    f = world.firms["presisi"]
    with pytest.raises(DomainError):
        service.register(
            session, actor=owner(f), event=world.event, data=RegistrationIn(firm=f.public_id), today=date(2027, 3, 5)
        )
    with pytest.raises(Forbidden):  # hosted buyers are named by the organiser
        service.register(
            session,
            actor=owner(f),
            event=world.event,
            data=RegistrationIn(firm=f.public_id, role=ParticipantRole.PEMBELI_TAMU),
        )
    invited = service.invite(session, actor=ORGANISER, event=world.event, firm=world.firms["astra"].public_id)
    register(session, world, "presisi")
    with pytest.raises(DomainError):  # invited but not registered yet
        ask(session, world, "presisi", "astra")
    register(session, world, "astra")
    assert invited.status == "terdaftar"
    ask(session, world, "presisi", "astra")
    with pytest.raises(DomainError):  # one live request per pair, either direction
        ask(session, world, "astra", "presisi")
    session.commit()
    session.add(Participant(event_id=world.event.id, firm_id=f.id))
    with pytest.raises(IntegrityError):  # one participation per firm and event
        session.flush()
    session.rollback()


def test_reoptimisation_keeps_published_meetings(session: Session, world: World) -> None:
    p = register(session, world, "astra", "presisi", "las", "mebel")
    service.set_booth(session, actor=ORGANISER, participant=p["mebel"], booth=1)
    world.event.tables = 2
    for a, b in (("presisi", "astra"), ("las", "mebel"), ("presisi", "mebel")):
        r = ask(session, world, a, b)
        requests.answer(session, actor=owner(world.firms[b]), request=r, accept=True)
    service.set_availability(session, actor=owner(world.firms["las"]), participant=p["las"], unavailable={0})
    scheduling.run_schedule(session, actor=ORGANISER, event=world.event, time_limit=5)
    first = stored_schedule_is_valid(session, world.event)
    assert len(first) == 3
    booth_meetings = [m for m in first if m.table == 1]
    assert len(booth_meetings) == 2  # both meetings with the hosted buyer are at its booth
    scheduling.publish(session, actor=ORGANISER, event=world.event)
    late = ask(session, world, "las", "presisi", priority=3)
    requests.answer(session, actor=owner(world.firms["presisi"]), request=late, accept=True)
    scheduling.run_schedule(session, actor=ORGANISER, event=world.event, time_limit=5)
    second = stored_schedule_is_valid(session, world.event)
    assert set(first) <= set(second)  # published meetings did not move
    assert late.id in {m.request_id for m in second}


def test_outcome_and_handover_to_partnership_feed_the_report(session: Session, world: World) -> None:
    register(session, world, "astra", "presisi")
    r = ask(session, world, "presisi", "astra")
    requests.answer(session, actor=owner(world.firms["astra"]), request=r, accept=True)
    scheduling.run_schedule(session, actor=ORGANISER, event=world.event, time_limit=5)
    scheduling.publish(session, actor=ORGANISER, event=world.event)
    meeting = scheduling.meetings(session, event=world.event)[0]
    with pytest.raises(Forbidden):
        agenda.set_outcome(
            session, actor=owner(world.firms["las"]), meeting=meeting, data=OutcomeIn(outcome=MeetingOutcome.MINAT)
        )
    agenda.set_outcome(
        session, actor=owner(world.firms["presisi"]), meeting=meeting, data=OutcomeIn(outcome=MeetingOutcome.MINAT)
    )
    partnerships_service.propose(
        session,
        actor=owner(world.firms["presisi"]),
        data=ProposalIn(
            proposer_firm=world.firms["presisi"].public_id,
            partner_firm=world.firms["astra"].public_id,
            pattern="subkontrak",
            title="Bracket knalpot",
            origin_ref=meeting.public_id,
        ),
    )
    rows = agenda.report(session, actor=ORGANISER, event=world.event)
    assert rows[0]["meetings"] == 1 and rows[0]["held"] == 1 and rows[0]["interest"] == 1
    assert rows[0]["proposals"] == 1
    assert rows[0]["agreements"] == 0 and rows[0]["value"] == 0
    assert len(agenda.report(session, actor=ORGANISER)) == 1


def test_an_officer_acts_for_firms_of_the_province_only(session: Session, world: World) -> None:
    from jejaring.accounts.roles import PETUGAS, Actor

    f = world.firms["presisi"]
    here = Actor(
        role=PETUGAS,
        email="dinas@uji.example",
        province_code=f.province_code,
        scopes=frozenset({"read", "write"}),
        via="session",
    )
    elsewhere = Actor(
        role=PETUGAS, email="dinas2@uji.example", province_code="51", scopes=frozenset({"read", "write"}), via="session"
    )
    assert f.province_code != "51"
    with pytest.raises(Forbidden):
        service.register(session, actor=elsewhere, event=world.event, data=RegistrationIn(firm=f.public_id))
    p = service.register(session, actor=here, event=world.event, data=RegistrationIn(firm=f.public_id))
    assert p.registered_by == "dinas@uji.example"
    assert requests.requests_of(session, actor=here, participant=p) == []
    with pytest.raises(Forbidden):
        requests.requests_of(session, actor=elsewhere, participant=p)


def test_target_sectors_and_regions_suggest_invitees(session: Session, world: World) -> None:
    astra = world.firms["astra"]
    assert astra.kbli_code is not None
    world.event.target_sectors = astra.kbli_code[:2]
    world.event.target_regions = astra.province_code
    found = service.suggested_invitees(session, event=world.event)
    assert astra in found
    assert all(f.kbli_code.startswith(astra.kbli_code[:2]) and f.province_code == astra.province_code for f in found)
    register(session, world, "astra")
    assert astra not in service.suggested_invitees(session, event=world.event)


def test_hybrid_event_online_meetings_take_no_table(session: Session, world: World) -> None:
    world.event.mode = "hibrida"
    world.event.tables = 1
    register(session, world, "astra", "presisi", "las", "jati")
    for a, b, online in (("presisi", "astra", False), ("las", "jati", True)):
        r = ask(session, world, a, b, online=online)
        requests.answer(session, actor=owner(world.firms[b]), request=r, accept=True)
    scheduling.run_schedule(session, actor=ORGANISER, event=world.event, time_limit=5)
    stored = stored_schedule_is_valid(session, world.event)
    assert sorted((p.table is None) for p in stored) == [False, True]
    assert {p.slot for p in stored} == {0}  # both in the first slot: the online one needs no table


def test_no_shows_get_no_new_meetings_and_published_ones_stay(session: Session, world: World) -> None:
    register(session, world, "astra", "presisi", "las")
    r1 = ask(session, world, "presisi", "astra")
    requests.answer(session, actor=owner(world.firms["astra"]), request=r1, accept=True)
    scheduling.run_schedule(session, actor=ORGANISER, event=world.event, time_limit=5)
    scheduling.publish(session, actor=ORGANISER, event=world.event)
    presisi = service.get_participant(session, event=world.event, firm=world.firms["presisi"].public_id)
    service.check_in(session, actor=ORGANISER, participant=presisi, present=False)
    r2 = ask(session, world, "las", "presisi")
    requests.answer(session, actor=owner(world.firms["presisi"]), request=r2, accept=True)
    r3 = ask(session, world, "las", "astra")
    requests.answer(session, actor=owner(world.firms["astra"]), request=r3, accept=True)
    scheduling.run_schedule(session, actor=ORGANISER, event=world.event, time_limit=5)
    stored = stored_schedule_is_valid(session, world.event)
    assert {p.request_id for p in stored} == {r1.id, r3.id}  # the absent firm gets nothing new
    # its published meeting did not take place: the report counts it scheduled, not held
    assert agenda.dashboard(session, actor=ORGANISER, event=world.event)["missed"] == 1
    row = agenda.report(session, actor=ORGANISER, event=world.event)[0]
    assert (row["meetings"], row["held"]) == (1, 0)
    service.check_in(session, actor=ORGANISER, participant=presisi, present=True)
    assert agenda.report(session, actor=ORGANISER, event=world.event)[0]["held"] == 1
    meeting = scheduling.meetings(session, event=world.event)[0]
    agenda.set_outcome(
        session,
        actor=owner(world.firms["astra"]),
        meeting=meeting,
        data=OutcomeIn(outcome=MeetingOutcome.BATAL),
    )
    assert agenda.report(session, actor=ORGANISER, event=world.event)[0]["held"] == 0


def test_a_closed_event_takes_no_registrations_or_requests(session: Session, world: World) -> None:
    register(session, world, "astra", "presisi")
    with pytest.raises(Forbidden):
        service.close_event(session, actor=owner(world.firms["astra"]), event=world.event)
    service.close_event(session, actor=ORGANISER, event=world.event)
    with pytest.raises(DomainError):
        ask(session, world, "presisi", "astra")
    with pytest.raises(DomainError):
        register(session, world, "las")

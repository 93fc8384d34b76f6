"""Audit scenarios for the domains added after test_audit_every_write.py was written (owners, capability, markets,
events, ecosystem, notifications, linkage intake): each prepares real data and returns the write and its action."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from jejaring.accounts import ownership, signup
from jejaring.accounts import service as accounts_service
from jejaring.accounts.roles import ADMIN, ANONYMOUS, PEMILIK, PENYELENGGARA, Actor, system_actor
from jejaring.capability import interventions, programmes
from jejaring.capability import service as capability_service
from jejaring.capability.schemas import AssessmentIn, InterventionIn, ProgrammeIn
from jejaring.core.config import Settings
from jejaring.ecosystem import service as ecosystem_service
from jejaring.events import agenda, requests, scheduling
from jejaring.events import service as events_service
from jejaring.events.enums import MeetingOutcome
from jejaring.events.models import Event, Participant
from jejaring.events.schemas import EventIn, OutcomeIn, RegistrationIn, RequestIn
from jejaring.intake import linkage
from jejaring.markets import hscodes
from jejaring.matching import service as matching_service
from jejaring.matching.schemas import NeedIn, OfferIn
from jejaring.matching.schemas import ProposalIn as MatchProposalIn
from jejaring.notifications import service as notifications_service
from jejaring.partnerships import service as partnerships_service
from jejaring.registry import demo
from jejaring.registry.models import Firm
from jejaring.registry.schemas import FirmCreate
from tests.accounts.helpers import create_user

Write = tuple[Callable[[], object], str]
RW = frozenset({"read", "write"})
ADMIN_ACTOR = Actor(role=ADMIN, user_id=None, email="admin@uji", scopes=RW, via="session")
ORGANISER = Actor(role=PENYELENGGARA, email="panitia@uji.example", scopes=RW, via="session")


def _firm(session: Session, name: str) -> Firm:
    demo.load_demo_if_empty(session)
    session.flush()
    firm = session.scalar(select(Firm).where(Firm.name == name))
    assert firm is not None
    return firm


def _owner(firm: Firm) -> Actor:
    return Actor(
        role=PEMILIK, email=f"owner-{firm.id}@uji.example", firm_ids=frozenset({firm.id}), scopes=RW, via="session"
    )


def _user_actor(session: Session, role: str) -> Actor:
    user = create_user(session, role=role, email=f"{role}@audit.example")
    return accounts_service.actor_for(session, user=user, via="session", scopes=RW)


# --- accounts: owners -------------------------------------------------------------------------------------------


def s_register_firm(session: Session, settings: Settings) -> Write:
    actor = _user_actor(session, PEMILIK)
    data = FirmCreate.model_validate({"name": "UD Daftar Sendiri", "regency_code": "33.20"})
    return (lambda: ownership.register_firm(session, actor=actor, data=data)), "firm.register"


def s_sign_up(session: Session, settings: Settings) -> Write:
    return (
        lambda: signup.sign_up(
            session,
            actor=ANONYMOUS,
            email="baru@audit.example",
            name="Pemilik Baru",
            password="kata-sandi-panjang-123",
            ip="127.0.0.1",
            settings=settings,
            lang="id",
        )
    ), "user.signup"


# --- notifications ----------------------------------------------------------------------------------------------


def _note(session: Session) -> tuple[Actor, int]:
    actor = _user_actor(session, PEMILIK)
    assert actor.user_id is not None
    note = notifications_service.notify_user(session, user_id=actor.user_id, kind="claim", key="notifications.test")
    session.flush()
    return actor, note.id


def s_open_notification(session: Session, settings: Settings) -> Write:
    actor, note_id = _note(session)
    return (lambda: notifications_service.open_notification(session, actor=actor, note_id=note_id)), "notification.read"


def s_mark_all_read(session: Session, settings: Settings) -> Write:
    actor, _ = _note(session)
    return (lambda: notifications_service.mark_all_read(session, actor=actor)), "notification.read_all"


# --- markets ----------------------------------------------------------------------------------------------------


def s_set_firm_hs(session: Session, settings: Settings) -> Write:
    firm = _firm(session, "CV Jati Ukir Mandiri")
    return (lambda: hscodes.set_firm_hs(session, actor=ADMIN_ACTOR, firm=firm, hs6="940360")), "markets.set_hs"


# --- capability -------------------------------------------------------------------------------------------------

JATI = "CV Jati Ukir Mandiri"  # a demo IKM of Jepara (33)


def s_submit(session: Session, settings: Settings) -> Write:
    firm = _firm(session, JATI)
    data = AssessmentIn(firm=firm.public_id, answers={"marketplace": 1})
    return (lambda: capability_service.submit(session, actor=ADMIN_ACTOR, data=data)), "capability.assess"


def s_intervention_add(session: Session, settings: Settings) -> Write:
    data = InterventionIn(
        code="bimtek_audit",
        kind="bimtek",
        provider="Dinas Perindustrian Jawa Tengah",
        name_id="Bimtek uji audit",
        name_en="Audit test training",
        cost_firm=0,
        cost_gov=1_000_000,
        duration=1,
        lifts={"quality_control": 1},
        source="uji",
        province_code="33",
    )
    return (lambda: interventions.add(session, actor=ADMIN_ACTOR, data=data)), "capability.intervention.add"


PROGRAMME = ProgrammeIn(
    name="Bimtek mutu Jepara 2027",
    province_code="33",
    start_date=date(2027, 2, 1),
    end_date=date(2027, 6, 30),
    budget=50_000_000,
    cohort_size=2,
    interventions=["bimtek_quality"],
)


def _programme(session: Session, *, enrolled: bool = False, status: str | None = None):
    firm = _firm(session, JATI)
    capability_service.submit(session, actor=ADMIN_ACTOR, data=AssessmentIn(firm=firm.public_id))
    p = programmes.create(session, actor=ADMIN_ACTOR, data=PROGRAMME)
    if not enrolled:
        return p, firm, None
    programmes.enrol(session, actor=ADMIN_ACTOR, programme=p, firm_public_ids=[firm.public_id])
    e = programmes.get_enrolment(session, programme=p, firm_public_id=firm.public_id)
    for step in {"participating": ["participating"], "completed": ["participating", "completed"]}.get(status or "", []):
        programmes.set_status(session, actor=ADMIN_ACTOR, programme=p, enrolment=e, status=step)
    return p, firm, e


def s_programme_create(session: Session, settings: Settings) -> Write:
    _firm(session, JATI)
    return (lambda: programmes.create(session, actor=ADMIN_ACTOR, data=PROGRAMME)), "capability.programme.create"


def s_programme_enrol(session: Session, settings: Settings) -> Write:
    p, firm, _ = _programme(session)
    return (
        lambda: programmes.enrol(session, actor=ADMIN_ACTOR, programme=p, firm_public_ids=[firm.public_id])
    ), "capability.programme.enrol"


def s_programme_close(session: Session, settings: Settings) -> Write:
    p, _, _ = _programme(session)
    return (lambda: programmes.close(session, actor=ADMIN_ACTOR, programme=p)), "capability.programme.close"


def s_programme_status(session: Session, settings: Settings) -> Write:
    p, _, e = _programme(session, enrolled=True)
    return (
        lambda: programmes.set_status(session, actor=ADMIN_ACTOR, programme=p, enrolment=e, status="participating")
    ), "capability.programme.status"


def s_programme_reassess(session: Session, settings: Settings) -> Write:
    p, firm, e = _programme(session, enrolled=True, status="completed")
    data = AssessmentIn(firm=firm.public_id, answers={"marketplace": 1})
    return (
        lambda: programmes.reassess(session, actor=ADMIN_ACTOR, programme=p, enrolment=e, data=data)
    ), "capability.programme.reassess"


# --- events -----------------------------------------------------------------------------------------------------

EVENT = EventIn(
    name="Temu Bisnis Uji Audit",
    place="Bekasi",
    starts_on=date(2027, 3, 10),
    days=1,
    slots_per_day=4,
    tables=1,
    breaks="3",
    registration_opens=date(2026, 1, 1),
    registration_closes=date(2027, 3, 1),
)
BUYER, SUPPLIER = "PT Astra Komponen Nusantara", "CV Presisi Komponen Otomotif"


def _event(session: Session, *firms: str) -> tuple[Event, dict[str, Participant], dict[str, Firm]]:
    demo.load_demo_if_empty(session)
    event = events_service.create_event(session, actor=ORGANISER, data=EVENT)
    found, parts = {}, {}
    for name in firms:
        f = _firm(session, name)
        found[name] = f
        reg = RegistrationIn(firm=f.public_id, seeks="komponen")
        parts[name] = events_service.register(session, actor=_owner(f), event=event, data=reg, today=date(2026, 6, 1))
    return event, parts, found


def _ask(session: Session, event: Event, firms: dict[str, Firm]):
    data = RequestIn(from_firm=firms[SUPPLIER].public_id, to_firm=firms[BUYER].public_id)
    return requests.request_meeting(session, None, actor=_owner(firms[SUPPLIER]), event=event, data=data, score=0.8)


def _scheduled(session: Session, *, published: bool = False):
    event, parts, firms = _event(session, BUYER, SUPPLIER)
    req = _ask(session, event, firms)
    requests.answer(session, actor=_owner(firms[BUYER]), request=req, accept=True)
    scheduling.run_schedule(session, actor=ORGANISER, event=event, time_limit=5)
    if published:
        scheduling.publish(session, actor=ORGANISER, event=event)
    return event, parts, firms


def s_create_event(session: Session, settings: Settings) -> Write:
    return (lambda: events_service.create_event(session, actor=ORGANISER, data=EVENT)), "event.create"


def s_invite(session: Session, settings: Settings) -> Write:
    event, _, _ = _event(session)
    firm = _firm(session, BUYER)
    return (lambda: events_service.invite(session, actor=ORGANISER, event=event, firm=firm.public_id)), "event.invite"


def s_register(session: Session, settings: Settings) -> Write:
    event, _, _ = _event(session)
    firm = _firm(session, SUPPLIER)
    data = RegistrationIn(firm=firm.public_id, seeks="komponen")
    return (
        lambda: events_service.register(session, actor=_owner(firm), event=event, data=data, today=date(2026, 6, 1))
    ), "event.register"


def s_set_booth(session: Session, settings: Settings) -> Write:
    _, parts, _ = _event(session, BUYER)
    return (
        lambda: events_service.set_booth(session, actor=ORGANISER, participant=parts[BUYER], booth=1)
    ), "event.booth"


def s_set_availability(session: Session, settings: Settings) -> Write:
    _, parts, firms = _event(session, SUPPLIER)
    return (
        lambda: events_service.set_availability(
            session, actor=_owner(firms[SUPPLIER]), participant=parts[SUPPLIER], unavailable={0}
        )
    ), "event.availability"


def s_close_event(session: Session, settings: Settings) -> Write:
    event, _, _ = _event(session)
    return (lambda: events_service.close_event(session, actor=ORGANISER, event=event)), "event.close"


def s_check_in(session: Session, settings: Settings) -> Write:
    _, parts, _ = _event(session, BUYER)
    return (
        lambda: events_service.check_in(session, actor=ORGANISER, participant=parts[BUYER], present=True)
    ), "event.check_in"


def s_request_meeting(session: Session, settings: Settings) -> Write:
    event, _, firms = _event(session, BUYER, SUPPLIER)
    return (lambda: _ask(session, event, firms)), "event.request"


def s_answer(session: Session, settings: Settings) -> Write:
    event, _, firms = _event(session, BUYER, SUPPLIER)
    req = _ask(session, event, firms)
    return (lambda: requests.answer(session, actor=_owner(firms[BUYER]), request=req, accept=True)), "event.answer"


def s_run_schedule(session: Session, settings: Settings) -> Write:
    event, _, firms = _event(session, BUYER, SUPPLIER)
    req = _ask(session, event, firms)
    requests.answer(session, actor=_owner(firms[BUYER]), request=req, accept=True)
    return (lambda: scheduling.run_schedule(session, actor=ORGANISER, event=event, time_limit=5)), "event.schedule"


def s_publish(session: Session, settings: Settings) -> Write:
    event, _, _ = _scheduled(session)
    return (lambda: scheduling.publish(session, actor=ORGANISER, event=event)), "event.publish"


def s_set_outcome(session: Session, settings: Settings) -> Write:
    event, _, firms = _scheduled(session, published=True)
    meeting = scheduling.meetings(session, event=event)[0]
    data = OutcomeIn(outcome=MeetingOutcome.MINAT)
    return (
        lambda: agenda.set_outcome(session, actor=_owner(firms[SUPPLIER]), meeting=meeting, data=data)
    ), "event.outcome"


# --- ecosystem, linkage intake, past partnerships ---------------------------------------------------------------


def _link(session: Session) -> ecosystem_service.LinkIn:
    firm = _firm(session, JATI)
    return ecosystem_service.LinkIn(
        firm_id=firm.id,
        province_code=firm.province_code,
        regency_code=firm.regency_code,
        kind="bahan_baku",
        source="declared",
        partner_name="UD Kayu Rakyat",
        partner_regency_code="33.20",
    )


def s_declare_links(session: Session, settings: Settings) -> Write:
    links = [_link(session)]
    return (lambda: ecosystem_service.declare_links(session, actor=system_actor(), links=links)), "ecosystem.declare"


def s_collect_links(session: Session, settings: Settings) -> Write:
    _firm(session, JATI)
    return (lambda: ecosystem_service.collect_links(session, actor=ADMIN_ACTOR)), "ecosystem.collect"


def s_replace_io_structure(session: Session, settings: Settings) -> Write:
    matrix = {("16", "31"): 0.4, ("13", "14"): 0.3}
    return (
        lambda: ecosystem_service.replace_io_structure(session, actor=system_actor(), matrix=matrix, source="uji")
    ), "ecosystem.io_import"


def s_import_file(session: Session, settings: Settings) -> Write:
    firm = _firm(session, JATI)
    path = Path(settings.data_dir) / "keterkaitan.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"id_usaha,nama_mitra,kode_wilayah_mitra,jenis_keterkaitan\n{firm.public_id},UD Kayu Rakyat,33.20,bahan baku\n",
        encoding="utf-8",
    )
    return (
        lambda: linkage.import_file(
            session,
            actor=system_actor(),
            path=path,
            file_name=path.name,
            office="Dinas uji",
            job_id=None,
            max_bytes=1_000_000,
            max_rows=1000,
        )
    ), "ecosystem.declare"


def s_import_history(session: Session, settings: Settings) -> Write:
    big, ikm = _firm(session, BUYER), _firm(session, SUPPLIER)
    row = {
        "ref": "K-AUDIT",
        "larger_firm_id": big.id,
        "smaller_firm_id": ikm.id,
        "pattern": "subkontrak",
        "title": "Riwayat uji",
        "start_year": 2022,
        "end_year": None,
        "status": "aktif",
        "value": 10,
        "province_code": ikm.province_code,
    }
    return (
        lambda: partnerships_service.import_history(session, actor=system_actor(), rows=[row])
    ), "partnership.import_history"


# --- partnerships: consortium proposals and ledger attachments (h22a) ---------------------------------------------


def s_consortium_propose(session: Session, settings: Settings) -> Write:
    from jejaring.partnerships import consortium
    from jejaring.partnerships.schemas import ConsortiumIn, MemberIn

    big, ikm = _firm(session, BUYER), _firm(session, SUPPLIER)
    other = session.scalar(select(Firm).where(Firm.size_class == "kecil", Firm.id.not_in([big.id, ikm.id])))
    assert other is not None
    members = [
        MemberIn(firm=ikm.public_id, role="lead", share=600),
        MemberIn(firm=other.public_id, role="member", share=400),
    ]
    data = ConsortiumIn(proposer_firm=big.public_id, pattern="subkontrak", title="Uji", unit="buah", members=members)
    return (lambda: consortium.propose(session, actor=_owner(big), data=data)), "partnership.members"


def s_attach(session: Session, settings: Settings) -> Write:
    from jejaring.partnerships import attachments
    from jejaring.partnerships.models import PurchaseOrder
    from jejaring.partnerships.schemas import ProposalIn

    big, ikm = _firm(session, BUYER), _firm(session, SUPPLIER)
    data = ProposalIn(proposer_firm=big.public_id, partner_firm=ikm.public_id, pattern="subkontrak", title="Uji")
    p = partnerships_service.propose(session, actor=_owner(big), data=data)
    order = PurchaseOrder(
        partnership_id=p.id, number="PO-1", issued_on=date(2026, 2, 1), description="x", quantity=1, unit="buah",
        unit_price=1,
    )  # fmt: skip
    session.add(order)
    session.flush()
    kept = attachments.keep(settings, uploader="uji", filename="bast.pdf", content=b"%PDF-1.4\n%%EOF\n")
    return (
        lambda: attachments.attach(
            session, actor=_owner(ikm), partnership=p, kind="order", target_id=order.id, file=kept
        )
    ), "partnership.attachment"


# --- matching: needs, offers and proposals (the service authorises and audits) ----------------------------------


def _matching_firms(session: Session) -> tuple[Firm, Firm]:
    return _firm(session, "PT Astra Komponen Nusantara"), _firm(session, "CV Presisi Komponen Otomotif")


def s_create_need(session: Session, settings: Settings) -> Write:
    buyer, _ = _matching_firms(session)
    data = NeedIn(firm=buyer.public_id, title="Butuh bracket baja 500 buah per bulan")
    return (lambda: matching_service.create_need(session, actor=_owner(buyer), data=data)), "need.create"


def s_create_offer(session: Session, settings: Settings) -> Write:
    _, supplier = _matching_firms(session)
    data = OfferIn(firm=supplier.public_id, title="Bracket baja presisi", quantity=1000, unit="buah")
    return (lambda: matching_service.create_offer(session, actor=_owner(supplier), data=data)), "offer.create"


def s_close_listing(session: Session, settings: Settings) -> Write:
    poster = Actor(role=PEMILIK, email="pembeli@uji.example", scopes=RW, via="session")
    need = matching_service.create_need(session, actor=poster, data=NeedIn(title="Butuh kayu jati 10 m3"))
    return (lambda: matching_service.close_listing(session, actor=poster, listing=need)), "need.close"


def s_match_propose(session: Session, settings: Settings) -> Write:
    buyer, supplier = _matching_firms(session)
    data = MatchProposalIn(from_firm=buyer.public_id, to_firm=supplier.public_id)
    return (lambda: matching_service.propose(session, actor=_owner(buyer), data=data)), "match.propose"


# --- h19: the stored gap rollup
def s_refresh_rollup(session: Session, settings: Settings) -> Write:
    from jejaring.ecosystem import stored

    _firm(session, JATI)
    return (lambda: stored.refresh(session, actor=ADMIN_ACTOR)), "ecosystem.rollup"


SCENARIOS: dict[str, Callable[[Session, Settings], Write]] = {
    "accounts.ownership.register_firm": s_register_firm,
    "accounts.signup.sign_up": s_sign_up,
    "notifications.service.open_notification": s_open_notification,
    "notifications.service.mark_all_read": s_mark_all_read,
    "markets.hscodes.set_firm_hs": s_set_firm_hs,
    "capability.service.submit": s_submit,
    "capability.interventions.add": s_intervention_add,
    "capability.programmes.create": s_programme_create,
    "capability.programmes.enrol": s_programme_enrol,
    "capability.programmes.close": s_programme_close,
    "capability.programmes.set_status": s_programme_status,
    "capability.programmes.reassess": s_programme_reassess,
    "events.service.create_event": s_create_event,
    "events.service.invite": s_invite,
    "events.service.register": s_register,
    "events.service.set_booth": s_set_booth,
    "events.service.set_availability": s_set_availability,
    "events.service.close_event": s_close_event,
    "events.service.check_in": s_check_in,
    "events.requests.request_meeting": s_request_meeting,
    "events.requests.answer": s_answer,
    "events.scheduling.run_schedule": s_run_schedule,
    "events.scheduling.publish": s_publish,
    "events.agenda.set_outcome": s_set_outcome,
    "ecosystem.service.declare_links": s_declare_links,
    "ecosystem.service.collect_links": s_collect_links,
    "ecosystem.service.replace_io_structure": s_replace_io_structure,
    "intake.linkage.import_file": s_import_file,
    "partnerships.service.import_history": s_import_history,
    "partnerships.consortium.propose": s_consortium_propose,
    "partnerships.attachments.attach": s_attach,
    "matching.service.create_need": s_create_need,
    "matching.service.create_offer": s_create_offer,
    "matching.service.close_listing": s_close_listing,
    "matching.service.propose": s_match_propose,
    # --- h19
    "ecosystem.stored.refresh": s_refresh_rollup,
}

READS = {
    "accounts.claims.comparison": "shows a claim beside the registry record",
    "capability.deadlines.officer_list": "lists firms with a deadline",
    "capability.programmes.candidates": "ranks candidate firms",
    "capability.programmes.get": "reads one programme",
    "capability.programmes.outcomes": "computes programme outcomes",
    "capability.programmes.visible": "lists programmes",
    "capability.service.firm_gaps": "computes a firm's gaps",
    "capability.service.firm_plan": "computes a development plan",
    "capability.service.form_answers": "pre-fills the assessment form",
    "capability.service.history": "lists assessment versions",
    "capability.service.latest_for": "reads the current assessment",
    "capability.service.list_latest": "lists current assessments",
    "ecosystem.reports.firm_panel": "reads a firm's links",
    "ecosystem.reports.graph_data": "builds the network graph",
    "ecosystem.reports.links_for": "lists the links of a place",
    "events.agenda.agenda": "lists a participant's meetings",
    "events.agenda.dashboard": "counts an event's figures",
    "events.agenda.report": "reports meetings to outcomes",
    "events.agenda.table_plan": "lists meetings per table",
    "events.requests.all_requests": "lists an event's requests",
    "events.requests.recommend": "ranks partners to meet",
    "events.requests.requests_of": "lists a participant's requests",
    "events.service.my_participations": "lists the actor's participations",
    "notifications.service.list_for": "lists the actor's notifications",
    "notifications.service.unread_count": "counts unread notifications",
    "partnerships.drafting.draft": "suggests clause text, saves nothing",
}

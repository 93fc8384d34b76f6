"""HTML pages of matching: find partners, post and view needs, post offers, propose a partnership."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.routing import NoMatchFound

from jejaring.accounts.deps import ActorDep, UserDep
from jejaring.core.errors import DomainError
from jejaring.core.i18n import pick_language, translate, validation_messages
from jejaring.core.numbers import parse_number
from jejaring.matching import search, service, vocabulary
from jejaring.matching.models import LISTING_KINDS, PERIODS, Need
from jejaring.matching.schemas import MatchQuery, NeedIn, OfferIn, ProposalIn
from jejaring.matching.understand import Understood
from jejaring.reference import catalog, wilayah
from jejaring.registry.schemas import FIRM_ROLES
from jejaring.web import pagecache, rendering
from jejaring.web.deps import LangDep, SessionDep
from jejaring.web.rendering import render

router = APIRouter(include_in_schema=False)
LIST_FIELDS = ("certificates", "roles", "hs_codes", "target_regions", "ignore")
PARTNERSHIP_FORM = "/partnerships/new"  # the partnerships domain's proposal form takes over from a recorded interest


def _errors(exc: Exception, lang: str) -> list[str]:
    if isinstance(exc, DomainError):
        return [translate("error.field", lang, field=exc.field or "-", message=translate(exc.key, lang, **exc.params))]
    if isinstance(exc, ValidationError):
        return validation_messages(exc.errors(), lang)
    return [str(exc)]


def _reraise_access(exc: Exception) -> None:
    """Refusals (401/403) are not form errors: let the app answer them as such."""
    if isinstance(exc, DomainError) and exc.status_code in (401, 403):
        raise exc


def _values(items: list[tuple[str, str]]) -> dict[str, Any]:
    """Form or query values: blanks dropped, list fields collected (also from ';'-separated text)."""
    values: dict[str, Any] = {}
    for key, raw in items:
        value = raw.strip()
        if key in LIST_FIELDS:
            values.setdefault(key, []).extend(v.strip() for v in value.split(";") if v.strip())
        elif value and key != "csrf_token":
            values[key] = _amount(value) if key in AMOUNT_FIELDS else value
    return values


AMOUNT_FIELDS = ("quantity", "min_order", "price_min", "price_max", "radius_km")


def _amount(text: str) -> Any:
    """An amount as people type it ("1.500.000", "Rp 2.500.000", "3,5"); the text itself when unreadable, so the
    validation message names the field."""
    try:
        value = parse_number(text)
    except ValueError:
        return text
    return int(value) if value is not None and value == int(value) else value


def _region_label(code: str | None) -> str:
    reg = wilayah.regency(code) if code else None
    return reg["name"] if reg else "–"


def _form_context(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "values": values,
        "kinds": LISTING_KINDS,
        "periods": PERIODS,
        "roles": FIRM_ROLES,
        "certificates": catalog.certificates(),
        "region_label": _region_label,
        "region_names": service.region_names(),
    }


def _outcome_context(outcome: search.MatchOutcome) -> dict[str, Any]:
    return {"outcome": outcome, "consortium": outcome.consortium}


def chips(request: Request, understood: Understood | None, lang: str) -> list[dict[str, str]]:
    """What the need reader understood, as chips: each with a link that removes it (``ignore=<field>``) and one
    that moves it into the form's own field to be edited. Plain links: they work without JavaScript."""
    if understood is None:
        return []
    u, params = understood, [(k, v) for k, v in request.query_params.multi_items() if k != "page"]

    def link(field: str, **fill: Any) -> str:
        extra = [("ignore", field)] + [(k, str(v)) for k, v in fill.items() if v not in (None, "")]
        keep = [(k, v) for k, v in params if k not in fill]
        return "/match?" + urlencode(keep + extra)

    out: list[dict[str, str]] = []
    if u.quantity is not None:
        per = translate(f"match.chip.period.{u.period}", lang) if u.period else ""
        value = f"{rendering._number(u.quantity, lang)} {u.unit}{per}"
        out.append({"field": "quantity", "value": value})
        out[-1]["edit"] = link("quantity", quantity=f"{u.quantity:g}", unit=u.unit,
                               period=u.period if u.period in PERIODS else "bulan")  # fmt: skip
    if u.certificates:
        names = {c["code"]: catalog.certificate_name(c["code"], lang) for c in catalog.certificates()}
        soft = "" if u.certificates_firm else translate("match.chip.soft", lang)
        out.append({"field": "certificates", "value": ", ".join(names.get(c, c) for c in u.certificates) + soft})
        out[-1]["edit"] = link("certificates", certificates=";".join(u.certificates))
    if u.place is not None:
        mode = translate(f"match.chip.mode.{u.place.mode}", lang)
        radius = translate("match.chip.radius", lang, km=rendering._number(u.radius_km, lang)) if u.radius_km else ""
        out.append({"field": "place", "value": f"{mode} {u.place.name}{radius}"})
        code = u.place.codes[0] if len(u.place.codes) == 1 else None
        out[-1]["edit"] = link("place", near=code, radius_km=f"{u.radius_km:g}" if u.radius_km else None)
    if u.deadline is not None:
        out.append({"field": "deadline", "value": u.deadline.strftime("%d-%m-%Y"), "edit": ""})
    if u.price_min is not None or u.price_max is not None:
        low, high = (rendering._rupiah(p, lang) if p is not None else "" for p in (u.price_min, u.price_max))
        value = f"{low} – {high}" if low and high else (f"≥ {low}" if low else f"≤ {high}")
        out.append({"field": "price", "value": value + (f"/{u.price_unit}" if u.price_unit else "")})
        out[-1]["edit"] = link("price", price_min=u.price_min, price_max=u.price_max)
    if u.hs_codes:
        described = [f"{c} ({d[:60]})" if (d := vocabulary.description(c[:4])) else c for c in u.hs_codes]
        out.append({"field": "hs_codes", "value": "; ".join(described), "edit": ""})
    for chip in out:
        chip["label"] = translate(f"match.chip.{chip['field']}", lang)
        chip["remove"] = link(chip["field"])
    return out


@router.get("/match")
def match_page(request: Request, session: SessionDep, lang: LangDep) -> Response:
    """Describe a need, see ranked and explained partners and a consortium proposal."""
    values = _values(list(request.query_params.multi_items()))
    context: dict[str, Any] = {**_form_context(values), "outcome": None, "errors": []}
    if values.get("text"):
        settings = request.app.state.settings
        try:
            allowed = set(MatchQuery.model_fields) - {"limit", "min_capacity"}
            query = MatchQuery.model_validate({k: v for k, v in values.items() if k in allowed})
            outcome = search.search(session, settings, query=query, lang=lang)
        except (DomainError, ValidationError) as exc:
            _reraise_access(exc)
            context["errors"] = _errors(exc, lang)
            return render(request, "matching/match.html", context, lang=lang, status_code=422)

        def found() -> dict[str, Any]:
            return {**context, **_outcome_context(outcome), "chips": chips(request, outcome.understood, lang)}

        # the same page for every visitor (the CSRF token is put in per visit): rendered once per index version
        key = ("match", search.index_version(session, settings), date.today())
        return pagecache.render_page(
            request, session, "matching/match.html", found, lang=lang, key=key, partial="matching/_results.html"
        )
    return render(request, "matching/match.html", context, lang=lang, partial="matching/_results.html")


@router.post("/needs")
async def post_need(request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """Save a need from the form and show its partners; bad input comes back with the form, nothing lost."""
    form = await request.form()
    values = _values([(k, v) for k, v in form.multi_items() if isinstance(v, str)])
    try:
        payload = {k: v for k, v in values.items() if k in NeedIn.model_fields}
        if "text" in values and "title" not in payload:
            payload["title"] = values["text"][:200]
            payload.setdefault("description", values["text"])
        if values.get("near") and "location" not in payload:
            payload["location"] = values["near"]
        if values.get("radius_km") and "max_distance_km" not in payload:
            payload["max_distance_km"] = values["radius_km"]
        need = service.create_need(session, actor=actor, data=NeedIn.model_validate(payload))
    except (DomainError, ValidationError) as exc:
        _reraise_access(exc)
        context = {**_form_context(values), "outcome": None, "errors": _errors(exc, lang)}
        return render(request, "matching/match.html", context, lang=lang, status_code=422)
    chosen = pick_language(values.get("lang"), lang) if values.get("lang") else None
    suffix = f"?lang={chosen}" if chosen else ""  # the language chosen survives the form
    return RedirectResponse(f"/needs/{need.public_id}{suffix}", status_code=303)


@router.get("/needs")
def needs_page(request: Request, session: SessionDep, lang: LangDep) -> Response:
    """Open needs, newest first."""
    rows = service.list_needs(session, limit=100)
    firms = {n.id: service.listing_firm(session, n) for n in rows}
    return render(
        request, "matching/needs.html", {"rows": rows, "firms": firms, "region_label": _region_label}, lang=lang
    )


@router.get("/needs/{public_id}")
def need_page(public_id: str, request: Request, session: SessionDep, lang: LangDep) -> Response:
    """A posted need with its ranked partners and consortium proposal."""
    need = service.get_need(session, public_id=public_id)
    outcome = search.match_need(session, request.app.state.settings, need=need, lang=lang)
    context = {
        "need": need,
        "buyer": service.listing_firm(session, need),
        "region_label": _region_label,
        "certificate_names": {c["code"]: c["name"] for c in catalog.certificates()},
        **_outcome_context(outcome),
    }
    return render(request, "matching/need.html", context, lang=lang)


def _my_firms(session: Any, actor: Any) -> list[Any]:
    from jejaring.accounts import ownership

    user_id = getattr(actor, "user_id", None)
    return ownership.owned_firms(session, user_id=user_id) if user_id else []


@router.get("/offers/new")
def offer_form(
    request: Request, session: SessionDep, lang: LangDep, actor: ActorDep, firm: str | None = None
) -> Response:
    """The form to post an offer for one of my firms."""
    context = {**_form_context({"firm": firm or ""}), "errors": [], "my_firms": _my_firms(session, actor)}
    return render(request, "matching/offer_form.html", context, lang=lang)


@router.post("/offers")
async def post_offer(request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """Save an offer and go back to the firm's page."""
    form = await request.form()
    values = _values([(k, v) for k, v in form.multi_items() if isinstance(v, str)])
    try:
        data = OfferIn.model_validate({k: v for k, v in values.items() if k in OfferIn.model_fields})
        offer = service.create_offer(session, actor=actor, data=data)
        firm = service.listing_firm(session, offer)
    except (DomainError, ValidationError) as exc:
        _reraise_access(exc)
        context = {**_form_context(values), "errors": _errors(exc, lang), "my_firms": _my_firms(session, actor)}
        return render(request, "matching/offer_form.html", context, lang=lang, status_code=422)
    return RedirectResponse(f"/firms/{firm.public_id}" if firm else "/needs", status_code=303)


@router.post("/match/proposals")
async def post_proposal(request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """ "Usulkan kemitraan": record the proposal; the partnerships flow will take it over from here."""
    form = await request.form()
    values = _values([(k, v) for k, v in form.multi_items() if isinstance(v, str)])
    why = [w for w in str(values.pop("why", "")).split("\n") if w.strip()]
    score = values.pop("score", None)
    try:
        data = ProposalIn.model_validate({k: v for k, v in values.items() if k in ProposalIn.model_fields})
        proposal = service.propose(session, actor=actor, data=data, why=why, score=float(score) if score else None)
    except (DomainError, ValidationError, ValueError) as exc:
        _reraise_access(exc)
        message = "; ".join(_errors(exc, lang))
        return render(request, "error.html", {"message": message}, lang=lang, status_code=422)
    return RedirectResponse(f"/match/proposals/{proposal.public_id}", status_code=303)


def _partnerships_installed(request: Request) -> bool:
    try:
        return str(request.app.url_path_for("new_page")) == PARTNERSHIP_FORM
    except NoMatchFound:
        return False


@router.get("/match/proposals/{public_id}")
def proposal_page(public_id: str, request: Request, session: SessionDep, lang: LangDep) -> Response:
    """A recorded interest, handing over to the partnerships proposal form when that domain is installed."""
    from jejaring.registry import service as registry_service

    proposal = service.get_proposal(session, public_id=public_id)
    to_firm = registry_service.firm_by_id(session, proposal.to_firm_id)
    need = session.get(Need, proposal.need_id) if proposal.need_id else None
    handover = None
    if to_firm is not None and _partnerships_installed(request):
        handover = f"{PARTNERSHIP_FORM}?" + urlencode(
            {"partner": to_firm.public_id, "origin": need.public_id if need else proposal.public_id}
        )
    context = {"proposal": proposal, "to_firm": to_firm, "need": need, "handover": handover}
    return render(request, "matching/proposal.html", context, lang=lang)


@router.get("/firms/{public_id}/suggestions")
def firm_suggestions(public_id: str, request: Request, session: SessionDep, lang: LangDep) -> Response:
    """ "Cocok untuk Anda": needs this firm could supply and partners for its own needs (htmx partial too)."""
    from jejaring.matching.search import needs_for_firm, partners_for_firm
    from jejaring.registry import service as registry_service

    firm = registry_service.get_firm(session, public_id=public_id)
    context = {
        "firm": firm,
        "needs": needs_for_firm(session, firm=firm, lang=lang),
        "own": partners_for_firm(session, request.app.state.settings, firm=firm, lang=lang),
        "offers": service.list_offers(session, firm=firm),
    }
    return render(request, "matching/suggestions.html", context, lang=lang, partial="matching/_suggestions.html")

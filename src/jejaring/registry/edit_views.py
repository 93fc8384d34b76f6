"""HTML form to edit a firm: its owner (after an approved claim), its province's officer, or an admin."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from jejaring.accounts.authz import Forbidden, authorize
from jejaring.accounts.deps import UserDep
from jejaring.accounts.roles import PEMILIK
from jejaring.core.errors import DomainError
from jejaring.core.i18n import translate, validation_message, validation_messages
from jejaring.core.numbers import parse_number
from jejaring.reference import catalog
from jejaring.registry import edits, service
from jejaring.registry.models import FIRM_ROLES
from jejaring.registry.schemas import FirmCreate, FirmUpdate
from jejaring.web.deps import LangDep, SessionDep
from jejaring.web.rendering import render

router = APIRouter(include_in_schema=False)
TEXT_FIELDS = ("name", "address", "products", "capacity_unit", "brand", "owner_name", "phone", "email")
NUMBER_FIELDS = ("kbli_code", "workers", "investment", "capacity", "production_value", "founded_year")
AMOUNT_FIELDS = ("workers", "investment", "capacity", "production_value", "founded_year")  # typed as people write
NEW_FIELDS = (*TEXT_FIELDS, *NUMBER_FIELDS, "nib", "regency_code")


def read_numbers(raw: dict[str, str]) -> dict[str, Any]:
    """Form values with the amounts read in Indonesian or English format ("300.000.000" = 300000000)."""
    out: dict[str, Any] = {k: (v if v != "" else None) for k, v in raw.items()}
    for field in AMOUNT_FIELDS:
        if out.get(field) is not None:
            try:
                value = parse_number(out[field])
            except ValueError:
                raise DomainError("registry.form.bad_number", field=field, value=out[field]) from None
            out[field] = int(value) if value is not None and value == int(value) and field != "capacity" else value
    return out


def _choices(held: list[str]) -> dict[str, Any]:
    return {"certificates": catalog.certificates(), "held": set(held)}


def _regency_choices() -> list[tuple[str, list[dict[str, Any]]]]:
    by_province: dict[str, list[dict[str, Any]]] = {}
    for r in catalog.regencies():
        by_province.setdefault(r["province_code"], []).append(r)
    names = {p["code"]: p["name"] for p in catalog.provinces()}
    return [
        (names.get(code, code), sorted(rows, key=lambda r: r["name"])) for code, rows in sorted(by_province.items())
    ]


# The label each form field shows, so an error names the field as the reader sees it (not its key).
FIELD_LABELS = {
    "name": "firms.col_name",
    "address": "firm.address",
    "kbli_code": "firm.kbli",
    "products": "firm.products",
    "workers": "firm.workers",
    "investment": "firm.investment",
    "founded_year": "firm.founded_year",
    "capacity": "firm.capacity",
    "capacity_unit": "firm.capacity_unit",
    "production_value": "firm.production_value",
    "brand": "firm.brand",
    "certificates": "firm.certificates",
    "desa": "registry.edit.desa",
    "latitude": "registry.edit.latitude",
    "longitude": "registry.edit.longitude",
    "owner_name": "firm.owner_name",
    "phone": "firm.phone",
    "email": "firm.email",
    "nib": "registry.new.nib",
    "regency_code": "registry.new.regency",
}


def _labelled(field: str | None, message: str, lang: str) -> str:
    key = FIELD_LABELS.get(field or "")
    if key is None:
        return message
    label = translate(key, lang)
    return message if message.startswith(label) else f"{label}: {message}"


def _error_message(exc: Exception, lang: str) -> str:
    if isinstance(exc, DomainError):
        return _labelled(exc.field, translate(exc.key, lang, **exc.params), lang)
    assert isinstance(exc, ValidationError)
    parts = []
    for e in exc.errors():
        field = str(e["loc"][0]) if e.get("loc") else None
        if field in FIELD_LABELS:
            parts.append(_labelled(field, validation_message(e, lang), lang))
        else:
            parts.extend(validation_messages([e], lang))
    return "; ".join(parts)


def _new_page(
    request: Request, lang: str, values: dict[str, Any], error: str | None, status_code: int = 200
) -> Response:
    context = {"values": values, "error": error, "regencies": _regency_choices(), "roles": FIRM_ROLES}
    response = render(request, "firms/new.html", context, lang=lang, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/firms/new")
def new_form(request: Request, lang: LangDep, actor: UserDep) -> Response:
    """Register a new firm: an owner their own, an officer one in their province, an admin any."""
    if not (actor.may("firm.register", None) or actor.role in ("admin", "petugas_dinas")):
        raise Forbidden("accounts.error.forbidden")
    values = {"roles": ["ikm"], "regency_code": (actor.regency_code or "")}
    return _new_page(request, lang, values, None)


@router.post("/firms/new")
async def new_submit(request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """Create the firm through the service that fits the actor (both authorised and audited)."""
    from jejaring.accounts import ownership

    form = await request.form()
    raw = {f: str(form.get(f, "")).strip() for f in NEW_FIELDS}
    roles = [r for r in form.getlist("roles") if r in FIRM_ROLES] or ["ikm"]
    try:
        data = FirmCreate.model_validate({**read_numbers(raw), "roles": roles, "reference_year": None})
        if actor.role == PEMILIK:
            firm = ownership.register_firm(session, actor=actor, data=data)
        else:
            firm = edits.create_firm_as(session, actor=actor, data=data)
    except (ValidationError, DomainError) as exc:
        session.rollback()
        if isinstance(exc, Forbidden):
            raise
        status = exc.status_code if isinstance(exc, DomainError) else 422
        return _new_page(request, lang, {**raw, "roles": roles}, _error_message(exc, lang), status)
    return RedirectResponse(f"/firms/{firm.public_id}?saved=1", status_code=303)


COORD_FIELDS = ("latitude", "longitude")  # a single comma or dot is the decimal mark: -6,8401


def _coordinates(raw: dict[str, str], out: dict[str, Any]) -> None:
    for field in COORD_FIELDS:
        text = raw.get(field, "").replace(" ", "").replace(",", ".")
        if not text:
            out[field] = None
            continue
        try:
            out[field] = float(text)
        except ValueError:
            raise DomainError("registry.form.bad_number", field=field, value=raw[field]) from None


def _typed(value: float | int, lang: str) -> str:
    """An amount as the reader types it back: ``300.000.000`` / ``3,5`` in Indonesian; plain ``300000000`` /
    ``3.5`` in English (an English ``1,500`` would read back as 1.5)."""
    if lang == "en":
        return f"{value:.0f}" if float(value).is_integer() else f"{value:g}"
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _values(firm: Any, private: Any, lang: str) -> dict[str, Any]:
    values = {f: getattr(firm, f) for f in (*TEXT_FIELDS[:5], *NUMBER_FIELDS, "desa", *COORD_FIELDS)}
    values.update({"owner_name": private.owner_name, "phone": private.phone, "email": private.email})
    for field in AMOUNT_FIELDS:
        if values[field] is not None and field != "founded_year":
            values[field] = _typed(values[field], lang)
    for field in COORD_FIELDS:
        if values[field] is not None and lang == "id":
            values[field] = str(values[field]).replace(".", ",")
    return {k: ("" if v is None else v) for k, v in values.items()}


@router.get("/firms/{public_id}/edit")
def edit_form(public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """The edit form, filled with the current values (including contact data, for those entitled)."""
    firm = service.get_firm(session, public_id=public_id)
    authorize(actor, "firm.edit", firm)
    private = edits.firm_private(session, actor=actor, firm=firm)
    context = {"firm": firm, "values": _values(firm, private, lang), "error": None, **_choices(firm.certificate_codes)}
    response = render(request, "firms/edit.html", context, lang=lang)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/firms/{public_id}/edit")
async def edit_submit(public_id: str, request: Request, session: SessionDep, lang: LangDep, actor: UserDep) -> Response:
    """Save the changes through the registry service (authorised and audited)."""
    firm = service.get_firm(session, public_id=public_id)
    authorize(actor, "firm.edit", firm)
    form = await request.form()
    raw = {f: str(form.get(f, "")).strip() for f in (*TEXT_FIELDS, *NUMBER_FIELDS, "desa", *COORD_FIELDS)}
    certificates = [str(c) for c in form.getlist("certificates")]
    try:
        data = read_numbers({k: v for k, v in raw.items() if k not in COORD_FIELDS})
        _coordinates(raw, data)
        update = FirmUpdate.model_validate({**data, "certificates": certificates})
        edits.update_firm(session, actor=actor, firm=firm, data=update)
    except (ValidationError, DomainError) as exc:
        session.rollback()
        context = {"firm": firm, "values": raw, "error": _error_message(exc, lang), **_choices(certificates)}
        return render(request, "firms/edit.html", context, lang=lang, status_code=422)
    return RedirectResponse(f"/firms/{firm.public_id}?saved=1", status_code=303)

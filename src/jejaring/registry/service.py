"""Registry logic: firms, sentra, size class, public IDs and aliases."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session

from jejaring.core.db import get_by_public_id
from jejaring.core.errors import DomainError, NotFound
from jejaring.core.ids import IdPrefix, new_public_id
from jejaring.reference import catalog
from jejaring.reference import service as reference_service
from jejaring.reference import wilayah as wilayah_ref
from jejaring.registry import locks
from jejaring.registry.models import (
    Certification,
    Firm,
    FirmAlias,
    FirmPrivate,
    FirmRole,
    RecordSource,
    Sentra,
    SentraMembership,
)
from jejaring.registry.network import active_firm_ids_changed_since as active_firm_ids_changed_since
from jejaring.registry.network import (  # reads other domains use, re-exported
    count_firms as count_firms,
)
from jejaring.registry.network import find_by_nib as find_by_nib
from jejaring.registry.network import firm_by_id as firm_by_id
from jejaring.registry.network import firm_id_of as firm_id_of
from jejaring.registry.network import firm_ids_changed_after as firm_ids_changed_after
from jejaring.registry.network import firm_ids_in_province as firm_ids_in_province
from jejaring.registry.network import firm_labels as firm_labels
from jejaring.registry.network import firms_by_ids as firms_by_ids
from jejaring.registry.network import firms_by_nib as firms_by_nib
from jejaring.registry.network import ids_by_source as ids_by_source
from jejaring.registry.network import last_change as last_change
from jejaring.registry.network import last_firm_id as last_firm_id
from jejaring.registry.network import last_firm_id_query as last_firm_id_query
from jejaring.registry.network import last_sentra_id as last_sentra_id
from jejaring.registry.network import last_sentra_id_query as last_sentra_id_query
from jejaring.registry.network import (  # columns for the ecosystem's vectorised gap finder
    network_columns as network_columns,
)
from jejaring.registry.network import network_firms as network_firms
from jejaring.registry.network import network_sentra as network_sentra
from jejaring.registry.schemas import FirmCreate, FirmFilter, SentraCreate

SMALL_MAX_WORKERS = 19
SMALL_MAX_INVESTMENT = 1_000_000_000
MEDIUM_MAX_INVESTMENT = 15_000_000_000

_NON_WORD = re.compile(r"[^a-z0-9]+")


def classify_size(workers: int | None, investment: int | None) -> str | None:
    """Size class by Permenperin 64/2016: ``kecil``, ``menengah`` or ``besar`` (None if unknown).

    kecil: ≤ 19 workers and investment < Rp1 bn; menengah: ≤ 19 workers and ≥ Rp1 bn, or ≥ 20 workers
    and ≤ Rp15 bn; besar: ≥ 20 workers and > Rp15 bn. Investment excludes land and buildings.
    """
    if workers is None or investment is None:
        return None
    if workers <= SMALL_MAX_WORKERS:
        return "kecil" if investment < SMALL_MAX_INVESTMENT else "menengah"
    return "menengah" if investment <= MEDIUM_MAX_INVESTMENT else "besar"


def name_key(name: str) -> str:
    """Lower-case, accent- and punctuation-free form of a name, for search and exact keys."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _NON_WORD.sub(" ", folded.lower()).strip()


@dataclass(frozen=True)
class SourceInfo:
    """Where a record came from: office, file, row, reference year, uploader."""

    office: str | None = None
    file_name: str | None = None
    row_number: int | None = None
    reference_year: int | None = None
    uploaded_by: str | None = None


def _check_codes(session: Session, data: FirmCreate | SentraCreate) -> tuple[str, str | None]:
    reg = wilayah_ref.regency(data.regency_code)
    if reg is None:
        raise DomainError("error.unknown_regency", field="regency_code", value=data.regency_code)
    district = data.district_code
    if district is not None:
        d = wilayah_ref.district(district)
        if d is None or d["regency_code"] != data.regency_code:
            raise DomainError("error.unknown_district", field="district_code", value=district)
    if data.kbli_code is not None and not reference_service.has_kbli(session, data.kbli_code):
        raise DomainError("error.unknown_kbli", field="kbli_code", value=data.kbli_code)
    return reg["province_code"], district


def _add_source(
    session: Session, source: SourceInfo, entity_type: str, entity_id: int, year: int | None, fields: str
) -> None:
    """Provenance of a new firm or sentra: the office, file and row it came from (the source's year first)."""
    session.add(
        RecordSource(
            entity_type=entity_type,
            entity_id=entity_id,
            source_office=source.office,
            file_name=source.file_name,
            row_number=source.row_number,
            reference_year=source.reference_year or year,
            uploaded_by=source.uploaded_by,
            fields=fields,
        )
    )


def _unique_public_id(session: Session, prefix: IdPrefix) -> str:
    while True:
        pid = new_public_id(prefix)
        taken = (
            session.scalar(select(exists().where(Firm.public_id == pid)))
            or session.scalar(select(exists().where(FirmAlias.public_id == pid)))
            or session.scalar(select(exists().where(Sentra.public_id == pid)))
        )
        if not taken:
            return pid


def create_firm(session: Session, *, data: FirmCreate, source: SourceInfo | None = None) -> Firm:
    """Register a firm after checking its codes; records its provenance."""
    locks.writer_turn(session)  # not while a national load writes without the unique public-ID keys
    province_code, district = _check_codes(session, data)
    certs = []
    for c in data.certifications:
        code = catalog.certificate_lookup().get(c.code.strip().lower())
        if code is None or not reference_service.has_certificate(session, code):
            raise DomainError("error.unknown_certificate", field="certifications", value=c.code)
        certs.append(Certification(certificate_code=code, number=c.number, issuer=c.issuer, valid_until=c.valid_until))
    firm = Firm(
        public_id=_unique_public_id(session, IdPrefix.FIRM),
        name=data.name,
        name_key=name_key(data.name),
        nib=data.nib,
        address=data.address,
        province_code=province_code,
        regency_code=data.regency_code,
        district_code=district,
        desa=data.desa,
        latitude=data.latitude,
        longitude=data.longitude,
        kbli_code=data.kbli_code,
        kbli_division=data.kbli_code[:2] if data.kbli_code else None,
        products=data.products,
        workers=data.workers,
        investment=data.investment,
        capacity=data.capacity,
        capacity_unit=data.capacity_unit,
        production_value=data.production_value,
        brand=data.brand,
        founded_year=data.founded_year,
        reference_year=data.reference_year,
        size_class=classify_size(data.workers, data.investment),
        roles=[FirmRole(role=r) for r in data.roles],
        certifications=certs,
    )
    if data.owner_name or data.phone or data.email:
        firm.private = FirmPrivate(owner_name=data.owner_name, phone=data.phone, email=data.email)
    session.add(firm)
    session.flush()
    if source is not None:
        fields = ",".join(sorted(k for k, v in data.model_dump(exclude_defaults=True).items() if v is not None))
        _add_source(session, source, "firm", firm.id, data.reference_year, fields)
    session.flush()
    return firm


def get_firm(session: Session, *, public_id: str) -> Firm:
    """The firm behind a public ID or any of its former ones (merged firms lead to their survivor)."""
    firm_id = firm_id_of(session, public_id)
    if firm_id is None:
        raise NotFound("error.firm_not_found", field="public_id", value=public_id)
    firm = session.get(Firm, firm_id)
    seen = set()
    while firm is not None and firm.merged_into_id is not None and firm.id not in seen:
        seen.add(firm.id)
        firm = session.get(Firm, firm.merged_into_id)
    if firm is None:
        raise NotFound("error.firm_not_found", field="public_id", value=public_id)
    return firm


def _firm_query(filters: FirmFilter) -> Select[Firm]:
    stmt = select(Firm).where(Firm.status == "active")
    if filters.q:
        key = name_key(filters.q)
        words = [w for w in key.split() if w]
        for w in words:
            like = f"%{w}%"
            stmt = stmt.where(or_(Firm.name_key.like(like), func.lower(Firm.products).like(like)))
    if filters.province:
        stmt = stmt.where(Firm.province_code == filters.province)
    if filters.regency:
        stmt = stmt.where(Firm.regency_code == filters.regency)
    if filters.kbli_division:
        stmt = stmt.where(Firm.kbli_division == filters.kbli_division)
    if filters.size_class:
        stmt = stmt.where(Firm.size_class == filters.size_class)
    if filters.certificate:
        stmt = stmt.where(
            exists().where(Certification.firm_id == Firm.id, Certification.certificate_code == filters.certificate)
        )
    if filters.role:
        stmt = stmt.where(exists().where(FirmRole.firm_id == Firm.id, FirmRole.role == filters.role))
    if filters.kbli:
        stmt = stmt.where(Firm.kbli_code.like(f"{filters.kbli}%"))
    if filters.sector:
        prefixes = [r["kbli_code"] for r in catalog.kbli_sector_rows() if r["sector"] == filters.sector]
        stmt = stmt.where(or_(*(Firm.kbli_code.like(f"{p}%") for p in prefixes)))
    if filters.year is not None:
        stmt = stmt.where(Firm.reference_year.is_(None) if filters.year == 0 else Firm.reference_year == filters.year)
    return stmt


def search_firms(
    session: Session,
    *,
    filters: FirmFilter,
    page: int = 1,
    page_size: int = 25,
    newest_first: bool = False,
) -> tuple[list[Firm], int]:
    """Firms matching ``filters``, one page of them and the total count."""
    stmt = _firm_query(filters)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    order = (Firm.id.desc(),) if newest_first else (Firm.name_key, Firm.id)
    rows = session.scalars(stmt.order_by(*order).offset((page - 1) * page_size).limit(page_size))
    return list(rows), total


def overview(session: Session) -> dict[str, object]:
    """The registry at a glance: firms, IKM, sentra and firms per province."""
    firms = count_firms(session)
    ikm = (
        session.scalar(
            select(func.count()).select_from(Firm).join(FirmRole).where(Firm.status == "active", FirmRole.role == "ikm")
        )
        or 0
    )
    sentra = session.scalar(select(func.count()).select_from(Sentra)) or 0
    names = {p.code: p.name for p in reference_service.list_provinces(session)}
    counts = session.execute(
        select(Firm.province_code, func.count(Firm.id))
        .where(Firm.status == "active")
        .group_by(Firm.province_code)
        .order_by(func.count(Firm.id).desc())
    ).all()
    per_province = [(code, names[code], k) for code, k in counts if code in names]
    return {
        "firms": firms,
        "ikm": ikm,
        "sentra": sentra,
        "provinces": len(per_province),
        "by_province": [{"code": c, "name": n, "firms": k} for c, n, k in per_province],
    }


def firm_sources(session: Session, *, firm: Firm) -> list[RecordSource]:
    """Provenance rows of a firm, newest first."""
    stmt = (
        select(RecordSource)
        .where(RecordSource.entity_type == "firm", RecordSource.entity_id == firm.id)
        .order_by(RecordSource.recorded_at.desc())
    )
    return list(session.scalars(stmt))


def firm_sentra(session: Session, *, firm: Firm) -> list[Sentra]:
    """The sentra a firm belongs to."""
    stmt = select(Sentra).join(SentraMembership).where(SentraMembership.firm_id == firm.id)
    return list(session.scalars(stmt))


def create_sentra(session: Session, *, data: SentraCreate, source: SourceInfo | None = None) -> Sentra:
    """Register a sentra after checking its codes."""
    province_code, district = _check_codes(session, data)
    sentra = Sentra(
        public_id=_unique_public_id(session, IdPrefix.SENTRA),
        name=data.name,
        name_key=name_key(data.name),
        province_code=province_code,
        regency_code=data.regency_code,
        district_code=district,
        desa=data.desa,
        commodity=data.commodity,
        kbli_code=data.kbli_code,
        unit_count=data.unit_count,
        workers=data.workers,
        definition=data.definition,
        source=data.source,
        reference_year=data.reference_year,
    )
    session.add(sentra)
    session.flush()
    if source is not None:
        _add_source(session, source, "sentra", sentra.id, data.reference_year, "")
    return sentra


def add_sentra_member(session: Session, *, sentra: Sentra, firm: Firm) -> None:
    """Make ``firm`` a member of ``sentra`` (idempotent)."""
    if session.get(SentraMembership, (sentra.id, firm.id)) is None:
        session.add(SentraMembership(sentra_id=sentra.id, firm_id=firm.id))
        session.flush()


def get_sentra(session: Session, *, public_id: str) -> Sentra:
    """The sentra with ``public_id``."""
    return get_by_public_id(session, Sentra, public_id, missing="error.sentra_not_found")


def search_sentra(
    session: Session,
    *,
    q: str | None = None,
    province: str | None = None,
    page: int = 1,
    page_size: int = 25,
) -> tuple[list[Sentra], int]:
    """Sentra matching a name/commodity query and province, one page and the total."""
    stmt = select(Sentra)
    if q:
        for w in name_key(q).split():
            like = f"%{w}%"
            stmt = stmt.where(or_(Sentra.name_key.like(like), func.lower(Sentra.commodity).like(like)))
    if province:
        stmt = stmt.where(Sentra.province_code == province)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(Sentra.name_key, Sentra.id).offset((page - 1) * page_size).limit(page_size))
    return list(rows), total


def sentra_members(session: Session, *, sentra: Sentra, limit: int = 200) -> list[Firm]:
    """Member firms of a sentra."""
    stmt = (
        select(Firm)
        .join(SentraMembership, SentraMembership.firm_id == Firm.id)
        .where(SentraMembership.sentra_id == sentra.id, Firm.status == "active")
        .order_by(Firm.name_key)
        .limit(limit)
    )
    return list(session.scalars(stmt))


SENTRA_UPSERT_FIELDS = ("district_code", "desa", "commodity", "kbli_code", "unit_count", "workers", "definition")


def upsert_sentra(session: Session, data: SentraCreate, source: SourceInfo) -> str:
    """Register or update a sentra by name and regency: "inserted", "updated" or "unchanged"."""
    existing = session.scalar(
        select(Sentra).where(Sentra.name_key == name_key(data.name), Sentra.regency_code == data.regency_code)
    )
    if existing is None:
        create_sentra(session, data=data, source=source)
        return "inserted"
    changed = False
    for fld in (*SENTRA_UPSERT_FIELDS, "reference_year"):
        value = getattr(data, fld)
        if value is not None and (fld != "reference_year" or (existing.reference_year or 0) <= value):
            changed = changed or getattr(existing, fld) != value
            setattr(existing, fld, value)
    session.flush()
    return "updated" if changed else "unchanged"

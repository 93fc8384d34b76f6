"""Read firms (with products, certificates, sentra, offers and track record) into index documents."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jejaring.matching.index import IndexDoc, OfferSummary
from jejaring.matching.models import MatchProposal, Offer
from jejaring.matching.units import per_month, to_base
from jejaring.reference import wilayah
from jejaring.registry.models import Firm, Product, Sentra, SentraMembership

BATCH = 5_000


def firm_location(firm: Firm) -> tuple[float | None, float | None]:
    """The firm's coordinates, else its district seat, else its regency seat."""
    if firm.latitude is not None and firm.longitude is not None:
        return firm.latitude, firm.longitude
    for place in (
        wilayah.district(firm.district_code) if firm.district_code else None,
        wilayah.regency(firm.regency_code),
    ):
        if place and place.get("latitude") is not None:
            return place["latitude"], place["longitude"]
    return None, None


def _side_tables(session: Session, ids: list[int]) -> tuple[dict, dict, dict, dict]:
    products: dict[int, list[Product]] = defaultdict(list)
    for p in session.scalars(select(Product).where(Product.firm_id.in_(ids))):
        products[p.firm_id].append(p)
    sentra: dict[int, list[tuple[str, str]]] = defaultdict(list)
    rows = session.execute(
        select(SentraMembership.firm_id, Sentra.public_id, Sentra.name)
        .join(Sentra, Sentra.id == SentraMembership.sentra_id)
        .where(SentraMembership.firm_id.in_(ids))
    )
    for firm_id, pid, name in rows:
        sentra[firm_id].append((pid, name))
    offers: dict[int, list[Offer]] = defaultdict(list)
    for o in session.scalars(select(Offer).where(Offer.firm_id.in_(ids), Offer.status == "open")):
        if o.firm_id is not None:
            offers[o.firm_id].append(o)
    track = dict(
        session.execute(
            select(MatchProposal.to_firm_id, func.count())
            .where(MatchProposal.to_firm_id.in_(ids), MatchProposal.status == "accepted")
            .group_by(MatchProposal.to_firm_id)
        ).all()
    )
    return products, sentra, offers, track


def _offer_summary(o: Offer) -> OfferSummary:
    qty = to_base(o.min_order, o.unit)
    return OfferSummary(
        title=o.title,
        text=f"{o.title} {o.description or ''}".strip(),
        min_order=qty.amount if qty else None,
        dimension=qty.dimension if qty else None,
        target_regions=o.target_region_codes,
    )


def to_docs(session: Session, firms: list[Firm]) -> list[IndexDoc]:
    """Index documents of ``firms``."""
    ids = [f.id for f in firms]
    products, sentra, offers, track = _side_tables(session, ids)
    docs = []
    for f in firms:
        lat, lon = firm_location(f)
        cap = to_base(per_month(f.capacity, "bulan"), f.capacity_unit)
        hs = sorted({h for p in products.get(f.id, []) for h in (p.hs_codes or "").split(";") if h})
        extra = " ".join(p.description for p in products.get(f.id, []) if p.description)
        docs.append(
            IndexDoc(
                firm_id=f.id,
                public_id=f.public_id,
                name=f.name,
                products=" ".join(x for x in (f.products or "", extra) if x).strip(),
                kbli_code=f.kbli_code,
                hs_codes=hs,
                roles=f.role_codes,
                certificates=f.certificate_codes,
                province_code=f.province_code,
                regency_code=f.regency_code,
                latitude=lat,
                longitude=lon,
                capacity=cap.amount if cap else None,
                capacity_dimension=cap.dimension if cap else None,
                capacity_label=f"{f.capacity:g} {f.capacity_unit or ''}".strip() if f.capacity is not None else None,
                workers=f.workers,
                size_class=f.size_class,
                sentra=sentra.get(f.id, []),
                track_record=int(track.get(f.id, 0)),
                offers=[_offer_summary(o) for o in offers.get(f.id, [])],
            )
        )
    return docs


def iter_all_docs(session: Session, *, batch: int = BATCH) -> Iterator[IndexDoc]:
    """Every active firm as an index document, read in id-ordered batches."""
    last = 0
    while True:
        firms = list(
            session.scalars(select(Firm).where(Firm.status == "active", Firm.id > last).order_by(Firm.id).limit(batch))
        )
        if not firms:
            return
        yield from to_docs(session, firms)
        last = firms[-1].id
        session.expunge_all()


def docs_for_ids(session: Session, firm_ids: list[int]) -> tuple[list[IndexDoc], list[int]]:
    """Documents of the active firms among ``firm_ids`` and the ids to remove (gone or merged)."""
    firms = list(session.scalars(select(Firm).where(Firm.id.in_(firm_ids), Firm.status == "active")))
    active = {f.id for f in firms}
    return to_docs(session, firms), [i for i in firm_ids if i not in active]


def count_active(session: Session) -> int:
    """Number of active firms (for build progress)."""
    return session.scalar(select(func.count()).select_from(Firm).where(Firm.status == "active")) or 0

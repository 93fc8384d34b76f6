"""Read firms (with products, certificates, sentra, offers and track record) into index documents.

Firms are read column-wise in id ranges with plain SQL (no ORM objects), so that a national registry
of 4.4 M firms becomes ``FRAME_SCHEMA`` batches at the speed of the database driver.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import Any, cast

import polars as pl
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from jejaring.matching.enums import ListingStatus
from jejaring.matching.index import FRAME_SCHEMA, IndexDoc, OfferSummary
from jejaring.matching.models import Offer
from jejaring.matching.units import to_base, unit_price
from jejaring.partnerships import service as partnerships_service
from jejaring.reference import catalog
from jejaring.registry.models import Certification, Firm, FirmRole, Product, Sentra, SentraMembership

BATCH = 100_000
_FIRM_COLUMNS = (
    Firm.id,
    Firm.public_id,
    Firm.name,
    Firm.products,
    Firm.kbli_code,
    Firm.province_code,
    Firm.regency_code,
    Firm.district_code,
    Firm.latitude,
    Firm.longitude,
    Firm.capacity,
    Firm.capacity_unit,
    Firm.workers,
    Firm.size_class,
)
_FIRM_SCHEMA = {
    "firm_id": pl.Int64,
    "public_id": pl.String,
    "name": pl.String,
    "own_products": pl.String,
    "kbli_code": pl.String,
    "province_code": pl.String,
    "regency_code": pl.String,
    "district_code": pl.String,
    "lat": pl.Float64,
    "lon": pl.Float64,
    "raw_capacity": pl.Float64,
    "capacity_unit": pl.String,
    "workers": pl.Int64,
    "size_class": pl.String,
}


@lru_cache(maxsize=1)
def _seats() -> tuple[pl.DataFrame, pl.DataFrame]:
    """District and regency seats (the location of a firm without coordinates)."""
    district = pl.DataFrame(
        [(d["code"], d["latitude"], d["longitude"]) for d in catalog.districts()],
        schema={"district_code": pl.String, "d_lat": pl.Float64, "d_lon": pl.Float64},
        orient="row",
    )
    regency = pl.DataFrame(
        [(r["code"], r["latitude"], r["longitude"]) for r in catalog.regencies()],
        schema={"regency_code": pl.String, "r_lat": pl.Float64, "r_lon": pl.Float64},
        orient="row",
    )
    return district, regency


def _grouped(rows: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row")


def _offer_summary(o: Offer) -> dict[str, Any]:
    qty = to_base(o.min_order, o.unit)
    low, high = unit_price(o.price_min, o.unit), unit_price(o.price_max, o.unit)
    return OfferSummary(
        title=o.title,
        text=f"{o.title} {o.description or ''}".strip(),
        min_order=qty.amount if qty else None,
        dimension=qty.dimension if qty else None,
        target_regions=o.target_region_codes,
        price_min=low.amount if low else None,
        price_max=high.amount if high else None,
        price_dimension=(low or high).dimension if (low or high) else None,  # type: ignore[union-attr]
    ).__dict__


def _capacity(frame: pl.DataFrame) -> pl.DataFrame:
    """Capacity per month in the base unit of its dimension, and the label as registered."""
    pairs = frame.select("raw_capacity", "capacity_unit").filter(pl.col("raw_capacity").is_not_null()).unique()
    rows = []
    for amount, unit in pairs.iter_rows():
        q = to_base(amount, unit)
        label = f"{amount:g} {unit or ''}".strip()
        rows.append((amount, unit, q.amount if q else None, q.dimension if q else None, label))
    table = pl.DataFrame(
        rows,
        schema={
            "raw_capacity": pl.Float64,
            "capacity_unit": pl.String,
            "capacity": pl.Float64,
            "capacity_dimension": pl.String,
            "capacity_label": pl.String,
        },
        orient="row",
    )
    return frame.join(table, on=["raw_capacity", "capacity_unit"], how="left", nulls_equal=True)


def _frame(session: Session, side: Callable[[Any], ColumnElement[bool]]) -> pl.DataFrame:
    """Index documents of the active firms whose id passes ``side`` (applied to each table's firm column)."""
    firms = pl.DataFrame(
        session.execute(select(*_FIRM_COLUMNS).where(side(Firm.id), Firm.status == "active").order_by(Firm.id)).all(),
        schema=_FIRM_SCHEMA,
        orient="row",
    )
    if firms.is_empty():
        return pl.DataFrame(schema=FRAME_SCHEMA)

    roles = (
        _grouped(
            session.execute(select(FirmRole.firm_id, FirmRole.role).where(side(FirmRole.firm_id))).all(),
            {"firm_id": pl.Int64, "role": pl.String},
        )
        .group_by("firm_id")
        .agg(roles=pl.col("role").unique().sort())
    )
    certs = (
        _grouped(
            session.execute(
                select(Certification.firm_id, Certification.certificate_code).where(side(Certification.firm_id))
            ).all(),
            {"firm_id": pl.Int64, "code": pl.String},
        )
        .group_by("firm_id")
        .agg(certificates=pl.col("code").unique().sort())
    )
    products = (
        _grouped(
            session.execute(
                select(Product.firm_id, Product.description, Product.hs_codes)
                .where(side(Product.firm_id))
                .order_by(Product.id)
            ).all(),
            {"firm_id": pl.Int64, "description": pl.String, "hs": pl.String},
        )
        .group_by("firm_id", maintain_order=True)
        .agg(
            extra=pl.col("description").filter(pl.col("description").fill_null("") != "").str.join(" "),
            hs_codes=pl.col("hs").drop_nulls().str.split(";").explode().unique().sort(),
        )
    )
    sentra = (
        _grouped(
            session.execute(
                select(SentraMembership.firm_id, Sentra.public_id, Sentra.name)
                .join(Sentra, Sentra.id == SentraMembership.sentra_id)
                .where(side(SentraMembership.firm_id))
            ).all(),
            {"firm_id": pl.Int64, "pid": pl.String, "sname": pl.String},
        )
        .group_by("firm_id")
        .agg(sentra=pl.concat_list("pid", "sname"))
    )
    offers: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for o in session.scalars(
        select(Offer).where(side(Offer.firm_id), Offer.status == ListingStatus.OPEN).order_by(Offer.id)
    ):
        if o.firm_id is not None:
            offers[o.firm_id].append(_offer_summary(o))
    parties = partnerships_service.track_record(session, where=side)
    track = (
        _grouped(parties, {"firm_id": pl.Int64, "partnership_id": pl.Int64})
        .group_by("firm_id")
        .agg(track_record=pl.col("partnership_id").n_unique().cast(pl.Int64))
    )
    district, regency = _seats()
    frame = (
        firms.join(roles, on="firm_id", how="left")
        .join(certs, on="firm_id", how="left")
        .join(products, on="firm_id", how="left")
        .join(sentra, on="firm_id", how="left")
        .join(track, on="firm_id", how="left")
        .join(district, on="district_code", how="left")
        .join(regency, on="regency_code", how="left")
        .sort("firm_id")
    )
    located = pl.col("lat").is_not_null() & pl.col("lon").is_not_null()
    has_district = pl.col("d_lat").is_not_null()
    frame = _capacity(frame).with_columns(
        latitude=pl.when(located).then("lat").when(has_district).then("d_lat").otherwise("r_lat"),
        longitude=pl.when(located).then("lon").when(has_district).then("d_lon").otherwise("r_lon"),
        products=pl.concat_list(pl.col("own_products").fill_null(""), pl.col("extra").fill_null(""))
        .list.eval(pl.element().filter(pl.element() != ""))
        .list.join(" ")
        .str.strip_chars(),
        roles=pl.col("roles").fill_null([]),
        certificates=pl.col("certificates").fill_null([]),
        hs_codes=pl.col("hs_codes").fill_null([]).list.eval(pl.element().filter(pl.element() != "")),
        sentra=pl.col("sentra").fill_null([]),
        track_record=pl.col("track_record").fill_null(0),
        offers=pl.Series(
            [offers.get(i, []) for i in frame["firm_id"].to_list()], dtype=FRAME_SCHEMA["offers"], strict=False
        ),
    )
    return frame.select([pl.col(c).cast(t) for c, t in FRAME_SCHEMA.items()])


def iter_all_frames(session: Session, *, batch: int = BATCH) -> Iterator[pl.DataFrame]:
    """Every active firm as index documents, read in id ranges (``FRAME_SCHEMA`` frames)."""
    last = 0
    while True:
        ids = list(
            session.scalars(
                select(Firm.id).where(Firm.status == "active", Firm.id > last).order_by(Firm.id).limit(batch)
            )
        )
        if not ids:
            return
        lo, hi = ids[0], ids[-1]
        yield _frame(session, _id_range(lo, hi))
        last = hi


ID_CHUNK = 5_000  # ids per query when re-indexing changed firms


def _id_range(lo: int, hi: int) -> Callable[[Any], ColumnElement[bool]]:
    def between(column: Any) -> ColumnElement[bool]:
        return cast("ColumnElement[bool]", column.between(lo, hi))

    return between


def _id_list(ids: list[int]) -> Callable[[Any], ColumnElement[bool]]:
    def among(column: Any) -> ColumnElement[bool]:
        return cast("ColumnElement[bool]", column.in_(ids))

    return among


def frame_for_ids(session: Session, firm_ids: list[int]) -> tuple[pl.DataFrame, list[int]]:
    """Documents of the active firms among ``firm_ids`` and the ids to remove (gone or merged).

    Read in chunks of ``ID_CHUNK`` ids: one ``IN`` list of every id changed by a national import exceeds the
    databases' bind-parameter limits (65,535 on PostgreSQL)."""
    parts = []
    for i in range(0, len(firm_ids), ID_CHUNK):
        part = _frame(session, _id_list(firm_ids[i : i + ID_CHUNK]))
        if part.height:
            parts.append(part)
    frame = pl.concat(parts) if parts else pl.DataFrame(schema=FRAME_SCHEMA)
    active = set(frame["firm_id"].to_list())
    return frame, [i for i in firm_ids if i not in active]


def doc_for(session: Session, firm: Firm) -> IndexDoc:
    """One firm as the index sees it."""
    frame = _frame(session, lambda column: column == firm.id)
    return IndexDoc.from_json(frame.row(0, named=True))


def count_active(session: Session) -> int:
    """Number of active firms (for build progress)."""
    return session.scalar(select(func.count()).select_from(Firm).where(Firm.status == "active")) or 0

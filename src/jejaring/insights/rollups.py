"""Rebuild the insights rollups from the registry tables (called after imports and by the CLI)."""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from typing import Any

from sqlalchemy import and_, case, delete, distinct, exists, func, insert, or_, select
from sqlalchemy.orm import Session

from jejaring.accounts import revisions
from jejaring.core.dialects import dialect
from jejaring.insights import cache
from jejaring.insights.models import (
    ROLE_GROUPS,
    CertificateRollup,
    ProvinceRollup,
    QualityRollup,
    RefreshLog,
    RegencyRollup,
    SentraRollup,
)
from jejaring.reference import catalog
from jejaring.reference.models import Regency
from jejaring.registry.models import Certification, Firm, FirmRole, RecordSource, Sentra, SentraMembership

log = logging.getLogger(__name__)
SECTOR_COLUMNS = {"industri_kreatif": "creative", "makanan_minuman": "food", "kerajinan": "craft", "fesyen": "fashion"}
MEASURES = ("units", "workers", "output_value", "output_units", "nib_units", "geo_units", "cert_units")
BATCH = 5_000
FIGURES_MARK = "figures_mark"  # key in a refresh's sources: the audit mark the rollups were built at
REFRESH_LOCK_KEY = 0x4A4A5246  # PostgreSQL advisory lock (SQLite: <database>.insights-refresh) of a rollup refresh
WRITE_LOCK_KEY = 0x4A4A5247  # held by a refresh's transaction until it commits (SQLite: <database>.insights-write)
# Coordinates further than this (degrees, either axis) from the regency seat are flagged.
FAR_FROM_SEAT_DEGREES = 1.5


def role_group_subquery() -> Any:
    """firm_id → 'ikm' or 'industri_besar' (IKM wins when a firm has both roles)."""
    return (
        select(FirmRole.firm_id.label("firm_id"), func.min(FirmRole.role).label("role"))
        .where(FirmRole.role.in_(ROLE_GROUPS))
        .group_by(FirmRole.firm_id)
        .subquery("rg")
    )


def _bulk(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        session.execute(insert(model), rows[start : start + BATCH])


def _firm_cells(session: Session) -> list[Any]:
    rg = role_group_subquery()
    has_cert = exists().where(Certification.firm_id == Firm.id)
    has_geo = and_(Firm.latitude.is_not(None), Firm.longitude.is_not(None))
    keys = (
        func.coalesce(Firm.reference_year, 0),
        Firm.province_code,
        Firm.regency_code,
        func.coalesce(Firm.kbli_code, ""),
        func.coalesce(Firm.size_class, ""),
        rg.c.role,
    )
    stmt = (
        select(
            *keys,
            func.count(),
            func.coalesce(func.sum(Firm.workers), 0),
            func.coalesce(func.sum(Firm.production_value), 0),
            func.count(Firm.production_value),
            func.count(Firm.nib),
            func.coalesce(func.sum(case((has_geo, 1), else_=0)), 0),
            func.coalesce(func.sum(case((has_cert, 1), else_=0)), 0),
            func.coalesce(func.sum(case((Firm.workers.is_(None), 1), else_=0)), 0),
        )
        .join(rg, rg.c.firm_id == Firm.id)
        .where(Firm.status == "active")
        .group_by(*keys)
    )
    return list(session.execute(stmt))


def _sector_columns() -> dict[str, tuple[str, ...]]:
    """KBLI code → rollup column prefixes of its sectors (computed once per refresh)."""
    return {
        r["code"]: tuple(SECTOR_COLUMNS[s] for s in sorted(catalog.sectors_of(r["code"])) if s in SECTOR_COLUMNS)
        for r in catalog.kbli()
    }


def _empty_province_cell(year: int, pcode: str, group: str, size: str, role: str) -> dict[str, Any]:
    return {
        "reference_year": year,
        "province_code": pcode,
        "kbli_group": group,
        "kbli_division": group[:2],
        "size_class": size,
        "role": role,
        **dict.fromkeys((*MEASURES, "no_workers_units"), 0),
        **{f"{c}_{m}": 0 for c in SECTOR_COLUMNS.values() for m in ("units", "workers")},
    }


def _fold(cells: list[Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Fold (year, regency, KBLI code, size, role) cells into the province and regency rollups."""
    sectors = _sector_columns()
    prov: dict[tuple[Any, ...], dict[str, Any]] = {}
    reg: dict[tuple[Any, ...], dict[str, Any]] = {}
    for year, pcode, rcode, kbli, size, role, units, workers, output, out_n, nib, geo, cert, no_w in cells:
        units, workers, output = int(units), int(workers), int(output)
        division, group = kbli[:2], kbli[:3]
        pkey = (year, pcode, group, size, role)
        p = prov.get(pkey)
        if p is None:
            p = prov[pkey] = _empty_province_cell(year, pcode, group, size, role)
        p["units"] += units
        p["workers"] += workers
        p["output_value"] += output
        p["output_units"] += int(out_n)
        p["nib_units"] += int(nib)
        p["geo_units"] += int(geo)
        p["cert_units"] += int(cert)
        p["no_workers_units"] += int(no_w)
        for col in sectors.get(kbli, ()):
            p[f"{col}_units"] += units
            p[f"{col}_workers"] += workers
        rkey = (year, rcode, division, role)
        r = reg.get(rkey)
        if r is None:
            r = reg[rkey] = {
                "reference_year": year,
                "regency_code": rcode,
                "kbli_division": division,
                "role": role,
                "province_code": pcode,
                "units": 0,
                "workers": 0,
                "output_value": 0,
            }
        r["units"] += units
        r["workers"] += workers
        r["output_value"] += output
    return list(prov.values()), list(reg.values())


def _certificate_rows(session: Session) -> list[dict[str, Any]]:
    rg = role_group_subquery()
    held = select(Certification.firm_id, Certification.certificate_code).distinct().subquery("held")
    year = func.coalesce(Firm.reference_year, 0)
    stmt = (
        select(
            year,
            Firm.province_code,
            held.c.certificate_code,
            rg.c.role,
            func.count(),
            func.coalesce(func.sum(Firm.workers), 0),
        )
        .join(held, held.c.firm_id == Firm.id)
        .join(rg, rg.c.firm_id == Firm.id)
        .where(Firm.status == "active")
        .group_by(year, Firm.province_code, held.c.certificate_code, rg.c.role)
    )
    return [
        {
            "reference_year": y,
            "province_code": p,
            "certificate_code": c,
            "role": r,
            "units": int(n),
            "workers": int(w),
        }
        for y, p, c, r, n, w in session.execute(stmt)
    ]


def _sentra_rows(session: Session) -> list[dict[str, Any]]:
    same_division = case((Firm.kbli_division == func.substr(Sentra.kbli_code, 1, 2), 1), else_=0)
    stmt = (
        select(
            SentraMembership.sentra_id,
            func.count(),
            func.coalesce(func.sum(Firm.workers), 0),
            func.coalesce(func.sum(same_division), 0),
        )
        .join(Firm, Firm.id == SentraMembership.firm_id)
        .join(Sentra, Sentra.id == SentraMembership.sentra_id)
        .where(Firm.status == "active")
        .group_by(SentraMembership.sentra_id)
    )
    return [
        {"sentra_id": s, "member_units": int(n), "member_workers": int(w), "focus_units": int(f)}
        for s, n, w, f in session.execute(stmt)
    ]


QUALITY_ISSUES = (
    "no_kbli",
    "no_workers",
    "no_reference_year",
    "no_size_class",
    "no_coordinates",
    "coordinates_far_from_regency",
    "duplicate_nib",
    "ikm_with_large_size",
    "no_industry_role",
)


def issue_clause(issue: str) -> Any:
    """WHERE clause on ``Firm`` for one quality issue: the counts and the list behind them share it.

    Every issue but ``no_industry_role`` counts industry units only (IKM and large industry), the population
    of the completeness shares, so "100 % with workers" and "0 without workers" always agree."""
    has_role = exists().where(FirmRole.firm_id == Firm.id, FirmRole.role.in_(ROLE_GROUPS))
    if issue == "no_industry_role":
        return and_(Firm.kbli_code.is_not(None), ~has_role)
    return and_(has_role, _issue_predicate(issue))


def _issue_predicate(issue: str) -> Any:
    simple = {
        "no_kbli": Firm.kbli_code.is_(None),
        "no_workers": Firm.workers.is_(None),
        "no_reference_year": Firm.reference_year.is_(None),
        "no_size_class": Firm.size_class.is_(None),
        "no_coordinates": or_(Firm.latitude.is_(None), Firm.longitude.is_(None)),
    }
    if issue in simple:
        return simple[issue]
    if issue == "coordinates_far_from_regency":
        far = or_(
            func.abs(Firm.latitude - Regency.latitude) > FAR_FROM_SEAT_DEGREES,
            func.abs(Firm.longitude - Regency.longitude) > FAR_FROM_SEAT_DEGREES,
        )
        return and_(Firm.latitude.is_not(None), exists().where(Regency.code == Firm.regency_code, far))
    if issue == "duplicate_nib":
        dup = select(Firm.nib).where(Firm.status == "active", Firm.nib.is_not(None))
        return Firm.nib.in_(dup.group_by(Firm.nib).having(func.count() > 1))
    if issue == "ikm_with_large_size":  # IKM wins when a firm has both roles (role_group_subquery)
        return and_(Firm.size_class == "besar", exists().where(FirmRole.firm_id == Firm.id, FirmRole.role == "ikm"))
    raise KeyError(issue)


def _quality_rows(session: Session) -> list[dict[str, Any]]:
    """Per-province counts of the quality issues in ``QUALITY_ISSUES``."""
    sums = (func.sum(case((issue_clause(i), 1), else_=0)) for i in QUALITY_ISSUES)
    stmt = select(Firm.province_code, *sums).where(Firm.status == "active").group_by(Firm.province_code)
    return [
        {"province_code": province, "issue": issue, "units": int(n)}
        for province, *values in session.execute(stmt)
        for issue, n in zip(QUALITY_ISSUES, values, strict=True)
        if n
    ]


def issue_firms(session: Session, *, issue: str, province: str | None, page: int, size: int) -> tuple[list[Any], int]:
    """The active firms behind one quality-issue count (public id, name, regency, KBLI), one page and the total."""
    where = [Firm.status == "active", issue_clause(issue)]
    if province:
        where.append(Firm.province_code == province)
    total = session.scalar(select(func.count()).select_from(Firm).where(*where)) or 0
    cols = (Firm.public_id, Firm.name, Firm.regency_code, Firm.kbli_code, Firm.nib, Firm.workers)
    stmt = select(*cols).where(*where).order_by(Firm.name_key, Firm.id).offset((page - 1) * size).limit(size)
    return [row._asdict() for row in session.execute(stmt)], total


def _sources(session: Session) -> dict[str, Any]:
    firm_src = session.execute(
        select(func.count(distinct(RecordSource.source_office)), func.count(distinct(RecordSource.file_name))).where(
            RecordSource.entity_type == "firm"
        )
    ).one()
    years = session.execute(
        select(func.min(Firm.reference_year), func.max(Firm.reference_year)).where(Firm.status == "active")
    ).one()
    sentra_sources = session.execute(
        select(Sentra.source, func.count()).group_by(Sentra.source).order_by(func.count().desc()).limit(3)
    ).all()
    sentra_years = session.execute(select(func.min(Sentra.reference_year), func.max(Sentra.reference_year))).one()
    return {
        "offices": int(firm_src[0] or 0),
        "files": int(firm_src[1] or 0),
        "year_min": years[0],
        "year_max": years[1],
        "sentra_sources": [s for s, _ in sentra_sources if s],
        "sentra_year_min": sentra_years[0],
        "sentra_year_max": sentra_years[1],
        "by_province": _province_sources(session),
    }


def _province_sources(session: Session) -> dict[str, dict[str, Any]]:
    """The same source summary per province: only the offices, files and sentra sources behind its records."""
    out: dict[str, dict[str, Any]] = defaultdict(lambda: {"offices": 0, "files": 0, "sentra_sources": []})
    firm_src = select(
        Firm.province_code,
        func.count(distinct(RecordSource.source_office)),
        func.count(distinct(RecordSource.file_name)),
    ).join(RecordSource, and_(RecordSource.entity_type == "firm", RecordSource.entity_id == Firm.id))
    for code, offices, files in session.execute(firm_src.group_by(Firm.province_code)):
        out[code].update(offices=int(offices or 0), files=int(files or 0))
    years = select(Firm.province_code, func.min(Firm.reference_year), func.max(Firm.reference_year))
    for code, low, high in session.execute(years.where(Firm.status == "active").group_by(Firm.province_code)):
        out[code].update(year_min=low, year_max=high)
    sentra = select(
        Sentra.province_code,
        Sentra.source,
        func.count(),
        func.min(Sentra.reference_year),
        func.max(Sentra.reference_year),
    ).group_by(Sentra.province_code, Sentra.source)
    for code, source, _n, low, high in sorted(session.execute(sentra), key=lambda r: (r[0] or "", -r[2])):
        entry = out[code]
        if source and len(entry["sentra_sources"]) < 3:
            entry["sentra_sources"].append(source)
        lows = [y for y in (entry.get("sentra_year_min"), low) if y is not None]
        highs = [y for y in (entry.get("sentra_year_max"), high) if y is not None]
        entry.update(sentra_year_min=min(lows, default=None), sentra_year_max=max(highs, default=None))
    return {code: dict(v) for code, v in out.items() if code}


def refresh_rollups(session: Session) -> RefreshLog:
    """Rebuild every insights rollup from the registry (flushes; the caller commits). Refreshes take turns until
    each one commits: two at once on PostgreSQL both inserted the rollups (a unique-key violation)."""
    dialect(session.connection()).transaction_lock(session, WRITE_LOCK_KEY, "insights-write", shared=False, wait=True)
    return _rebuild(session)


def try_refresh_rollups(session: Session) -> RefreshLog | None:
    """:func:`refresh_rollups` unless another refresh (an upload's) is running: then None at once, so a page
    serves the rollups it has instead of waiting seconds for that refresh to commit."""
    if not dialect(session.connection()).transaction_lock(
        session, WRITE_LOCK_KEY, "insights-write", shared=False, wait=False
    ):
        return None
    return _rebuild(session)


def _rebuild(session: Session) -> RefreshLog:
    started = time.perf_counter()
    mark = revisions.figures_mark(session)  # read first: a write meanwhile makes the next look stale, not lost
    max_firm = session.scalar(select(func.max(Firm.id))) or 0
    max_sentra = session.scalar(select(func.max(Sentra.id))) or 0
    prov_rows, reg_rows = _fold(_firm_cells(session))
    cert_rows = _certificate_rows(session)
    sentra_rows = _sentra_rows(session)
    quality_rows = _quality_rows(session)
    sources = {**_sources(session), FIGURES_MARK: mark}
    for model in (ProvinceRollup, RegencyRollup, CertificateRollup, SentraRollup, QualityRollup):
        session.execute(delete(model))
    _bulk(session, ProvinceRollup, prov_rows)
    _bulk(session, RegencyRollup, reg_rows)
    _bulk(session, CertificateRollup, cert_rows)
    _bulk(session, SentraRollup, sentra_rows)
    _bulk(session, QualityRollup, quality_rows)
    entry = RefreshLog(
        firms=sum(r["units"] for r in prov_rows),
        seconds=round(time.perf_counter() - started, 3),
        max_firm_id=max_firm,
        max_sentra_id=max_sentra,
        sources=json.dumps(sources),
    )
    session.add(entry)
    session.flush()
    cache.forget_session_key(session)
    log.info("insights rollups refreshed: %s industry units in %.1f s", entry.firms, entry.seconds)
    return entry

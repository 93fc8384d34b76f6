"""Load the packaged reference data into the database, and report what is there."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from jejaring.core.db import Base
from jejaring.reference import catalog
from jejaring.reference.models import (
    Certificate,
    Country,
    District,
    HsCode,
    Kbli,
    KbliSector,
    PartnershipPattern,
    Province,
    Regency,
    WilayahAlias,
)

log = logging.getLogger(__name__)

# Parents before children, so foreign keys hold while inserting.
_SOURCES: list[tuple[type[Base], Any]] = [
    (Province, catalog.provinces),
    (Regency, catalog.regencies),
    (District, catalog.districts),
    (WilayahAlias, catalog.wilayah_aliases),
    (Kbli, catalog.kbli),
    (KbliSector, catalog.kbli_sector_rows),
    (HsCode, catalog.hs_codes),
    (Country, catalog.countries),
    (
        Certificate,
        lambda: [
            {k: c[k] for k in ("code", "name", "issuer", "aliases", "description_id", "description_en")}
            for c in catalog.certificates()
        ],
    ),
    (PartnershipPattern, catalog.partnership_patterns),
]


def _pk_names(model: type[Base]) -> list[str]:
    return [c.name for c in model.__table__.primary_key.columns]  # type: ignore[attr-defined]


def load_reference(session: Session) -> dict[str, int]:
    """Insert missing and update changed reference rows; return rows written per table. Idempotent."""
    written: dict[str, int] = {}
    for model, source in _SOURCES:
        rows = source()
        pks = _pk_names(model)
        table: Table = model.__table__  # type: ignore[assignment]
        cols = [table.c[p] for p in pks]
        existing = {tuple(r): None for r in session.execute(select(*cols))}
        new = [r for r in rows if tuple(r[p] for p in pks) not in existing]
        if new:
            for start in range(0, len(new), 2000):
                session.execute(insert(model), new[start : start + 2000])
        changed = 0
        if existing and len(pks) == 1:
            current = {r[0]: r for r in session.execute(select(table))}
            updates = []
            for r in rows:
                cur = current.get(r[pks[0]])
                if cur is not None and any(getattr(cur, k) != v for k, v in r.items()):
                    updates.append(r)
            if updates:
                session.execute(update(model), updates)
                changed = len(updates)
        written[table.name] = len(new) + changed
    session.flush()
    log.info("reference data loaded: %s", written)
    return written


def reference_stats(session: Session) -> dict[str, Any]:
    """Row counts of every reference table, and KBLI codes per level."""
    counts: dict[str, Any] = {}
    for model, _ in _SOURCES:
        table: Table = model.__table__  # type: ignore[assignment]
        counts[table.name] = session.scalar(select(func.count()).select_from(table))
    kbli_levels = dict(session.execute(select(Kbli.level, func.count()).group_by(Kbli.level)).all())
    return {
        "provinces": counts["ref_province"],
        "regencies": counts["ref_regency"],
        "districts": counts["ref_district"],
        "kbli_per_level": {lvl: kbli_levels.get(lvl, 0) for lvl in catalog.KBLI_LEVELS},
        "tables": counts,
    }


def list_provinces(session: Session) -> list[Province]:
    """All provinces ordered by code."""
    return list(session.scalars(select(Province).order_by(Province.code)))


def list_regencies(session: Session, *, province_code: str | None = None) -> list[Regency]:
    """Regencies/cities, optionally of one province."""
    stmt = select(Regency).order_by(Regency.code)
    if province_code:
        stmt = stmt.where(Regency.province_code == province_code)
    return list(session.scalars(stmt))


def list_kbli(session: Session, *, level: str | None = None, parent: str | None = None) -> list[Kbli]:
    """KBLI codes filtered by level and/or parent."""
    stmt = select(Kbli).order_by(Kbli.code)
    if level:
        stmt = stmt.where(Kbli.level == level)
    if parent:
        stmt = stmt.where(Kbli.parent_code == parent)
    return list(session.scalars(stmt))


def list_certificates(session: Session) -> list[Certificate]:
    """The certificate catalogue."""
    return list(session.scalars(select(Certificate).order_by(Certificate.code)))


def has_kbli(session: Session, code: str) -> bool:
    """True when ``code`` is a KBLI 2020 code."""
    return session.get(Kbli, code) is not None


def has_certificate(session: Session, code: str) -> bool:
    """True when ``code`` is a known certificate."""
    return session.get(Certificate, code) is not None


def has_pattern(session: Session, code: str) -> bool:
    """True when ``code`` is a known partnership pattern (PP 7/2021)."""
    return session.get(PartnershipPattern, code) is not None


def list_patterns(session: Session) -> list[PartnershipPattern]:
    """The PP 7/2021 partnership patterns."""
    return list(session.scalars(select(PartnershipPattern)))

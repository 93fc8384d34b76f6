"""Data completeness and quality issues per province (for provincial officers)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jejaring.core.i18n import translate
from jejaring.insights import labels
from jejaring.insights.models import ProvinceRollup, QualityRollup
from jejaring.insights.rollups import QUALITY_ISSUES
from jejaring.insights.service import Scope, share

ISSUES = QUALITY_ISSUES


def completeness(session: Session, *, scope: Scope, lang: str) -> list[dict[str, Any]]:
    """Per province: industry units and the share with NIB, coordinates, certificates, output, workers."""
    m = ProvinceRollup
    stmt = (
        select(
            m.province_code,
            func.sum(m.units),
            func.sum(m.nib_units),
            func.sum(m.geo_units),
            func.sum(m.cert_units),
            func.sum(m.output_units),
            func.sum(m.no_workers_units),
        )
        .where(*scope.where(m))
        .group_by(m.province_code)
    )
    rows: list[dict[str, Any]] = []
    for code, units, nib, geo, cert, out, no_w in session.execute(stmt):
        units = int(units or 0)
        rows.append(
            {
                "code": code,
                "label": labels.label("province", code, lang),
                "units": units,
                "nib_share": share(int(nib or 0), units),
                "coordinates_share": share(int(geo or 0), units),
                "certificate_share": share(int(cert or 0), units),
                "output_share": share(int(out or 0), units),
                "workers_share": share(units - int(no_w or 0), units),
            }
        )
    return sorted(rows, key=lambda r: r["code"])


def issues(session: Session, *, province: str | None, lang: str) -> list[dict[str, Any]]:
    """Counts of each quality issue (every issue listed, zero included), in one province or all."""
    stmt = select(QualityRollup.issue, func.sum(QualityRollup.units)).group_by(QualityRollup.issue)
    if province:
        stmt = stmt.where(QualityRollup.province_code == province)
    found = {issue: int(n or 0) for issue, n in session.execute(stmt)}
    return [{"issue": i, "label": translate(f"insights.issue.{i}", lang), "units": found.get(i, 0)} for i in ISSUES]

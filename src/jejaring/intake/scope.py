"""The uploader's region: a provincial officer's upload writes only firms in their province (or regency).

The uploader was authorised for the job's office (``province.write``), but a file's rows carry their own
kode wilayah: each row is checked against the region of the officer who uploaded it, so an officer of one
province cannot write another province's firms through a row. Out-of-scope rows are refused per row, with
the reason, like any other invalid row. Admins, the CLI and the demo load (national operators) are not limited.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy.orm import Session

from jejaring.accounts import service as accounts_service
from jejaring.accounts.roles import PETUGAS
from jejaring.core.errors import NotFound
from jejaring.intake.models import ImportJob
from jejaring.intake.validate import Validated

OUTSIDE_KEY = "intake.err.outside_office"


def uploader_region(session: Session, job: ImportJob) -> str | None:
    """The region an officer's job may write (their regency, else province); ``None`` when not limited."""
    if not job.uploaded_by or "@" not in job.uploaded_by:
        return None
    try:
        user = accounts_service.get_user_by_email(session, email=job.uploaded_by)
    except NotFound:
        return None
    if user.role != PETUGAS:
        return None
    return user.regency_code or user.province_code


def in_region(code: str | None, region: str | None) -> bool:
    """Whether regency ``code`` lies inside ``region`` (a province ``32`` or a regency ``32.09``)."""
    return not region or (code is not None and (code == region or code.startswith(region + ".")))


def _inside(region: str) -> pl.Expr:
    column = "regency_code" if "." in region else "province_code"
    return pl.col(column).fill_null("") == region


def refuse_outside_office(v: Validated, region: str | None) -> Validated:
    """Move accepted rows outside ``region`` to the errors (field ``kode_wilayah``); no region: unchanged."""
    if not region or v.accepted.height == 0:
        return v
    inside = _inside(region)
    outside = v.accepted.filter(~inside).get_column("_row")
    if outside.len() == 0:
        return v
    errors = v.raw.filter(pl.col("_row").is_in(outside.implode())).select(
        "_row",
        pl.lit("kode_wilayah").alias("field"),
        pl.lit(OUTSIDE_KEY).alias("key"),
        pl.coalesce(pl.col("kode_wilayah"), pl.col("kabupaten_kota")).cast(pl.Utf8).alias("value"),
    )
    merged = pl.concat([v.errors, errors.select(v.errors.columns)], how="vertical_relaxed").sort("_row")
    return Validated(accepted=v.accepted.filter(inside), errors=merged, raw=v.raw, skipped=v.skipped)

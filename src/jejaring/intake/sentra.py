"""The sentra directory template: read, validate every field of every row, upsert sentra.

Columns (DESIGN.md): nama_sentra, kode_wilayah (or provinsi + kabupaten_kota), kecamatan, desa,
komoditas, kbli, jumlah_unit, tenaga_kerja, definisi (Kemenperin PP 29/2018 or BPS), tahun_data.
Errors are collected per row (row, column, value, reason) as in the IKM template; a sentra already
known by name and regency is updated, so importing the same file twice changes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from jejaring.core.db import utcnow
from jejaring.intake import reader, scope
from jejaring.intake.headers import header_key, template_mapping, variant_lookup
from jejaring.reference import catalog, wilayah
from jejaring.registry import service as registry_service
from jejaring.registry.schemas import SentraCreate

VARIANTS: dict[str, tuple[str, ...]] = {
    "nama_sentra": ("nama sentra", "nama sentra ikm", "sentra", "nama"),
    "kode_wilayah": ("kode wilayah", "kode kab kota", "kode kabupaten kota", "kode kab", "kabupaten kode"),
    "provinsi": ("provinsi", "propinsi"),
    "kabupaten_kota": ("kabupaten kota", "kab kota", "kabupaten", "kota"),
    "kecamatan": ("kecamatan", "kec"),
    "desa": ("desa", "kelurahan desa", "desa kelurahan", "kelurahan"),
    "komoditas": ("komoditas", "komoditi", "produk"),
    "kbli": ("kbli", "kode kbli"),
    "jumlah_unit": ("jumlah unit", "jumlah unit usaha", "jml unit", "unit usaha"),
    "tenaga_kerja": ("tenaga kerja", "tenaga kerja orang", "jumlah tk", "tk"),
    "definisi": ("definisi", "definisi sentra"),
    "tahun_data": ("tahun data", "tahun", "th data"),
}
_LOOKUP = variant_lookup(VARIANTS)


@dataclass
class SentraReport:
    """The outcome of one sentra file: counts, and the refused rows as the job keeps them."""

    rows_read: int = 0
    accepted: int = 0
    quarantined: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)  # inserted / updated / unchanged
    # refused rows: {"row", "values": {field: text}, "errors": [{"field", "value", "key", "params"}]}
    refused: list[dict[str, Any]] = field(default_factory=list)


def header_mapping(headers: list[str]) -> dict[str, str]:
    """File header → sentra template field, for the headers the template knows (first one wins)."""
    return template_mapping(headers, _LOOKUP)


def is_sentra_template(headers: list[str]) -> bool:
    """True when a file's headers are the sentra template's rather than the IKM directory's."""
    keys = {header_key(h) for h in headers}
    sentra_only = {"nama sentra ikm", "jumlah unit", "jumlah unit usaha", "jml unit", "definisi sentra", "definisi"}
    ikm_only = {"nama usaha", "nama perusahaan", "nama pemilik", "pemilik", "nib", "no nib", "jenis produk"}
    return bool(keys & sentra_only) and not keys & ikm_only


def _int(value: str | None) -> int | None:
    if value is None or not value.strip():
        return None
    text = value.strip().replace(".", "").replace(" ", "")
    return int(text) if text.lstrip("-").isdigit() else None


def import_file(
    session: Session,
    *,
    path: Path,
    file_name: str,
    office: str | None,
    max_bytes: int,
    max_rows: int,
    region: str | None = None,
) -> SentraReport:
    """Validate and upsert the sentra of one file; every refused row is reported with its reasons."""
    sheet = reader.read_file(path, max_bytes=max_bytes, max_rows=max_rows)
    mapping = header_mapping(sheet.headers)
    columns: dict[str, str] = {}  # frame column → field, the first column of each field
    for i, header in enumerate(sheet.headers):
        if header in mapping and mapping[header] not in columns.values():
            columns[f"c{i}"] = mapping[header]
    report = SentraReport()
    kbli_codes = {r["code"] for r in catalog.kbli() if r["level"] == "kelompok"}
    for row in sheet.data.iter_rows(named=True):
        values = {f: row.get(c) for c, f in columns.items()}
        if all(v in (None, "") for v in values.values()):
            continue
        report.rows_read += 1
        errors: list[tuple[str, str | None, str]] = []  # (field, value, message key)
        err = _collector(values, errors)
        name = (values.get("nama_sentra") or "").strip()
        if not name:
            err("nama_sentra", "intake.sentra.required")
        regency = None
        code = values.get("kode_wilayah")
        if code:
            norm = wilayah.normalize_code(code)
            if norm is None or wilayah.regency(norm) is None:
                err("kode_wilayah", "intake.sentra.unknown_regency")
            else:
                regency = norm
        elif values.get("kabupaten_kota"):
            prov = wilayah.resolve_province(values.get("provinsi") or "") if values.get("provinsi") else None
            res = wilayah.resolve_regency(values["kabupaten_kota"] or "", prov.code if prov else None)
            if res.code is None:
                err("kabupaten_kota", res.reason or "intake.sentra.unknown_regency")
            regency = res.code
        else:
            err("kode_wilayah", "intake.sentra.required")
        if regency and not scope.in_region(regency, region):
            err("kode_wilayah", "intake.err.outside_office")  # an officer writes only their region's sentra
        kbli = (values.get("kbli") or "").strip() or None
        if kbli and kbli not in kbli_codes:
            err("kbli", "intake.sentra.unknown_kbli")
        counts: dict[str, int | None] = {}
        for fld in ("jumlah_unit", "tenaga_kerja"):
            raw = values.get(fld)
            counts[fld] = _int(raw)
            if raw not in (None, "") and (counts[fld] is None or counts[fld] < 0):  # type: ignore[operator]
                err(fld, "intake.sentra.bad_number")
        year = _int(values.get("tahun_data"))
        if values.get("tahun_data") and (year is None or not 1990 <= year <= utcnow().year):
            err("tahun_data", "intake.sentra.bad_year")
        definition_raw = header_key(values.get("definisi") or "")
        definition = "bps" if definition_raw.startswith("bps") else "kemenperin_pp29_2018"
        if errors:
            report.quarantined += 1
            report.refused.append(
                {
                    "row": row["_row"],
                    "values": {f: v for f, v in values.items() if v not in (None, "")},
                    "errors": [{"field": f, "value": v, "key": k, "params": {}} for f, v, k in errors],
                }
            )
            continue
        assert regency is not None
        district = wilayah.resolve_district(regency, kec) if (kec := values.get("kecamatan")) else None
        outcome = registry_service.upsert_sentra(
            session,
            SentraCreate(
                name=name,
                regency_code=regency,
                district_code=district,
                desa=values.get("desa") or None,
                commodity=values.get("komoditas") or None,
                kbli_code=kbli,
                unit_count=counts["jumlah_unit"],
                workers=counts["tenaga_kerja"],
                definition=definition,
                source=f"{file_name} ({office or '-'})",
                reference_year=year,
            ),
            registry_service.SourceInfo(
                office=office, file_name=file_name, row_number=row["_row"], reference_year=year
            ),
        )
        report.accepted += 1
        report.outcomes[outcome] += 1
    return report


def _collector(values: dict[str, Any], errors: list[tuple[str, str | None, str]]) -> Any:
    def err(fld: str, reason_key: str) -> None:
        errors.append((fld, values.get(fld), reason_key))

    return err

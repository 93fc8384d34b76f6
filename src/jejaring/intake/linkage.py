"""The linkage template (*keterkaitan*): read, validate every field of every row, upsert declared links.

Columns: id_usaha (Jejaring ID) or nib — the firm; id_mitra or nib_mitra (a registered partner) or nama_mitra +
kode_wilayah_mitra; jenis_keterkaitan (bahan baku / pemasaran-perdagangan / purna jual / pembiayaan / ekspor);
produk; nilai_per_tahun (Rupiah); sejak (year). Errors are collected per row as in the other templates; the same
link (firm, partner, kind, product) uploaded again is updated, so importing a file twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from jejaring.accounts.roles import Actor
from jejaring.core.db import utcnow
from jejaring.core.errors import NotFound
from jejaring.ecosystem import service as ecosystem_service
from jejaring.ecosystem.enums import LinkKind, LinkSource
from jejaring.intake import reader
from jejaring.intake.headers import header_key, template_mapping, variant_lookup
from jejaring.reference import wilayah
from jejaring.registry import service as registry_service

VARIANTS: dict[str, tuple[str, ...]] = {
    "id_usaha": ("id usaha", "id jejaring", "id perusahaan"),
    "nib": ("nib", "no nib", "nib usaha"),
    "id_mitra": ("id mitra",),
    "nib_mitra": ("nib mitra",),
    "nama_mitra": ("nama mitra", "mitra"),
    "kode_wilayah_mitra": ("kode wilayah mitra", "wilayah mitra", "kode kab kota mitra"),
    "jenis_keterkaitan": ("jenis keterkaitan", "keterkaitan", "jenis"),
    "produk": ("produk", "komoditas", "barang jasa"),
    "nilai_per_tahun": ("nilai per tahun", "nilai per tahun rp", "nilai rp", "nilai"),
    "sejak": ("sejak", "tahun mulai", "mulai"),
}
_LOOKUP = variant_lookup(VARIANTS)
KIND_WORDS = {
    "bahan baku": LinkKind.BAHAN_BAKU,
    "pemasok": LinkKind.BAHAN_BAKU,
    "pemasaran perdagangan": LinkKind.PEMASARAN_PERDAGANGAN,
    "pemasaran": LinkKind.PEMASARAN_PERDAGANGAN,
    "perdagangan": LinkKind.PEMASARAN_PERDAGANGAN,
    "purna jual": LinkKind.PURNA_JUAL,
    "layanan purna jual": LinkKind.PURNA_JUAL,
    "pembiayaan": LinkKind.PEMBIAYAAN,
    "keuangan": LinkKind.PEMBIAYAAN,
    "ekspor": LinkKind.EKSPOR,
}


@dataclass
class LinkageReport:
    """The outcome of one linkage file: counts, and the refused rows as the job keeps them."""

    rows_read: int = 0
    accepted: int = 0
    quarantined: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    refused: list[dict[str, Any]] = field(default_factory=list)


def header_mapping(headers: list[str]) -> dict[str, str]:
    """File header → linkage template field, for the headers the template knows (first one wins)."""
    return template_mapping(headers, _LOOKUP)


def is_linkage_template(headers: list[str]) -> bool:
    """True when a file's headers are the linkage template's."""
    keys = {header_key(h) for h in headers}
    return bool(keys & {"jenis keterkaitan", "keterkaitan"}) and bool(
        keys & {"id mitra", "nib mitra", "nama mitra", "mitra"}
    )


def parse_kind(text: str | None) -> LinkKind | None:
    """A kind of link from the words an office writes (``Bahan Baku``, ``pemasaran-perdagangan``, …)."""
    return KIND_WORDS.get(header_key(text or "").replace("_", " "))


def import_file(
    session: Session,
    *,
    actor: Actor,
    path: Path,
    file_name: str,
    office: str | None,
    job_id: int | None,
    max_bytes: int,
    max_rows: int,
) -> LinkageReport:
    """Validate every row and upsert the accepted links; refused rows are reported with every reason."""
    sheet = reader.read_file(path, max_bytes=max_bytes, max_rows=max_rows)
    mapping = header_mapping(sheet.headers)
    columns = {f"c{i}": mapping[h] for i, h in enumerate(sheet.headers) if h in mapping}
    report = LinkageReport()
    rows = []
    for row in sheet.data.iter_rows(named=True):
        values = {f: (row.get(c) or "").strip() or None for c, f in columns.items()}
        if all(v is None for v in values.values()):
            continue
        rows.append((row["_row"], values))
    nibs = [v for _, vals in rows for k in ("nib", "nib_mitra") if (v := vals.get(k))]
    by_nib = registry_service.firms_by_nib(session, sorted(set(nibs)))
    by_id: dict[str, tuple[int, str, str] | None] = {}
    links: list[ecosystem_service.LinkIn] = []
    for row_number, values in rows:
        report.rows_read += 1
        errors: list[tuple[str, str]] = []
        firm = _firm(session, values.get("id_usaha"), values.get("nib"), by_id, by_nib)
        if not values.get("id_usaha") and not values.get("nib"):
            errors.append(("id_usaha", "intake.link.firm_required"))
        elif firm is None:
            errors.append(("id_usaha" if values.get("id_usaha") else "nib", "intake.link.firm_unknown"))
        partner = _firm(session, values.get("id_mitra"), values.get("nib_mitra"), by_id, by_nib)
        partner_region = None
        if values.get("id_mitra") or values.get("nib_mitra"):
            if partner is None:
                errors.append(("id_mitra" if values.get("id_mitra") else "nib_mitra", "intake.link.partner_unknown"))
            elif firm is not None and partner[0] == firm[0]:
                errors.append(("id_mitra", "intake.link.same_firm"))
        elif values.get("nama_mitra") and values.get("kode_wilayah_mitra"):
            code = wilayah.normalize_code(values["kode_wilayah_mitra"] or "")
            if code is None or wilayah.regency(code) is None:
                errors.append(("kode_wilayah_mitra", "intake.link.partner_region_unknown"))
            partner_region = code
        else:
            errors.append(("nama_mitra", "intake.link.partner_required"))
        kind = parse_kind(values.get("jenis_keterkaitan"))
        if kind is None:
            errors.append(("jenis_keterkaitan", "intake.link.bad_kind"))
        value = _number(values.get("nilai_per_tahun") or "")
        if values.get("nilai_per_tahun") and (value is None or value < 0):
            errors.append(("nilai_per_tahun", "intake.link.bad_number"))
        since = _number(values.get("sejak") or "")
        if values.get("sejak") and (since is None or not 1900 <= since <= utcnow().year):
            errors.append(("sejak", "intake.link.bad_year"))
        if errors:
            report.quarantined += 1
            report.refused.append(
                {
                    "row": row_number,
                    "values": {f: v for f, v in values.items() if v is not None},
                    "errors": [{"field": f, "value": values.get(f), "key": k, "params": {}} for f, k in errors],
                }
            )
            continue
        assert firm is not None and kind is not None
        links.append(
            ecosystem_service.LinkIn(
                firm_id=firm[0],
                province_code=firm[1],
                regency_code=firm[2],
                kind=kind.value,
                source=LinkSource.DECLARED.value,
                partner_firm_id=partner[0] if partner else None,
                partner_name=None if partner else values.get("nama_mitra"),
                partner_regency_code=partner[2] if partner else partner_region,
                product=values.get("produk"),
                value_per_year=round(value) if value is not None else None,
                since=round(since) if since is not None else None,
                office=office,
                file_name=file_name,
                row_number=row_number,
                import_job_id=job_id,
            )
        )
        report.accepted += 1
    report.outcomes = dict(ecosystem_service.declare_links(session, actor=actor, links=links)) if links else {}
    return report


def _number(text: str) -> float | None:
    """A number as offices write it: ``1.250.000``, ``1250000``, ``Rp 1.250.000``, ``2,5``."""
    t = text.replace("Rp", "").replace(" ", "").strip()
    if not t:
        return None
    if "," in t:
        t = t.replace(".", "").replace(",", ".")
    elif t.count(".") > 1 or (t.count(".") == 1 and len(t.split(".")[1]) == 3):
        t = t.replace(".", "")
    try:
        return float(t)
    except ValueError:
        return None


def _firm(
    session: Session,
    public_id: str | None,
    nib: str | None,
    by_id: dict[str, tuple[int, str, str] | None],
    by_nib: dict[str, tuple[int, str, str]],
) -> tuple[int, str, str] | None:
    if public_id:
        if public_id not in by_id:
            try:
                f = registry_service.get_firm(session, public_id=public_id)
                by_id[public_id] = (f.id, f.province_code, f.regency_code)
            except NotFound:
                by_id[public_id] = None
        return by_id[public_id]
    return by_nib.get(nib) if nib else None

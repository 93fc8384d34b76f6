"""A small hand-made demo registry (a few dozen firms and sentra) so a fresh install looks alive."""

from __future__ import annotations

import csv
import hashlib
import io
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session

from jejaring.reference import wilayah as wilayah_ref
from jejaring.registry import service
from jejaring.registry.models import Firm, Sentra
from jejaring.registry.schemas import CertificationIn, FirmCreate, SentraCreate

DEMO_OFFICE = "demo"


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("jejaring.registry").joinpath("data").joinpath(name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _district_code(regency_code: str, name: str) -> str | None:
    return wilayah_ref.resolve_district(regency_code, name) if name else None


def _jitter(seed: str) -> tuple[float, float]:
    digest = hashlib.sha256(seed.encode()).digest()
    return (digest[0] - 128) / 128 * 0.01, (digest[1] - 128) / 128 * 0.01


def _int(v: str) -> int | None:
    return int(v) if v.strip() else None


def load_demo_if_empty(session: Session) -> dict[str, int] | None:
    """Load the demo firms and sentra when the registry has no firm yet; return counts or None."""
    if session.scalar(select(Firm.id).limit(1)) is not None:
        return None
    sentra_by_name: dict[str, Sentra] = {}
    for i, r in enumerate(_rows("demo_sentra.csv"), start=2):
        sentra = service.create_sentra(
            session,
            data=SentraCreate(
                name=r["nama_sentra"],
                regency_code=r["kode_wilayah"],
                district_code=_district_code(r["kode_wilayah"], r["kecamatan"]),
                desa=r["desa"] or None,
                commodity=r["komoditas"],
                kbli_code=r["kbli"] or None,
                unit_count=_int(r["jumlah_unit"]),
                workers=_int(r["tenaga_kerja"]),
                definition=r["definisi"],
                source="Data contoh Jejaring",
                reference_year=_int(r["tahun_data"]),
            ),
            source=service.SourceInfo(office=DEMO_OFFICE, file_name="demo_sentra.csv", row_number=i),
        )
        sentra_by_name[sentra.name] = sentra
    firms = 0
    for i, r in enumerate(_rows("demo_firms.csv"), start=2):
        district = _district_code(r["kode_wilayah"], r["kecamatan"])
        seat = wilayah_ref.district(district) if district else wilayah_ref.regency(r["kode_wilayah"])
        dlat, dlon = _jitter(r["nama_usaha"])
        lat = seat["latitude"] + dlat if seat and seat["latitude"] is not None else None
        lon = seat["longitude"] + dlon if seat and seat["longitude"] is not None else None
        firm = service.create_firm(
            session,
            data=FirmCreate(
                name=r["nama_usaha"],
                roles=r["peran"].split(";"),
                address=r["alamat"] or None,
                regency_code=r["kode_wilayah"],
                district_code=district,
                desa=r["desa"] or None,
                latitude=lat,
                longitude=lon,
                kbli_code=r["kbli"] or None,
                products=r["produk"],
                workers=_int(r["tenaga_kerja"]),
                investment=_int(r["nilai_investasi"]),
                capacity=float(r["kapasitas_produksi"]) if r["kapasitas_produksi"] else None,
                capacity_unit=r["satuan"] or None,
                production_value=_int(r["nilai_produksi"]),
                brand=r["merek"] or None,
                founded_year=_int(r["tahun_berdiri"]),
                reference_year=_int(r["tahun_data"]),
                certifications=[CertificationIn(code=c) for c in r["sertifikat"].split(";") if c],
                owner_name=r["nama_pemilik"] or None,
                phone=r["telepon"] or None,
                email=r["email"] or None,
            ),
            source=service.SourceInfo(
                office=DEMO_OFFICE,
                file_name="demo_firms.csv",
                row_number=i,
                reference_year=_int(r["tahun_data"]),
            ),
        )
        if r["sentra"]:
            service.add_sentra_member(session, sentra=sentra_by_name[r["sentra"]], firm=firm)
        firms += 1
    return {"firms": firms, "sentra": len(sentra_by_name)}

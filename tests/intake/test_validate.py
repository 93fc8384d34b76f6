"""Every validation rule, on the vectorised validator; all errors of a row are collected."""

from __future__ import annotations

import polars as pl
import pytest

from jejaring.intake.headers import FIELDS
from jejaring.intake.validate import validate

GOOD: dict[str, str | None] = {
    "nib": "1234567890123",
    "nama_usaha": "CV Maju Jaya",
    "nama_pemilik": "Budi",
    "alamat": "Jl. Mawar 1",
    "kode_wilayah": "32.09",
    "latitude": "-6,7321",
    "longitude": "108,5571",
    "kbli": "10710",
    "produk": "Roti",
    "hs": "1905; 190590",
    "tenaga_kerja": "5",
    "nilai_investasi": "250.000.000",
    "kapasitas_produksi": "1,5",
    "satuan": "ton",
    "nilai_produksi": "Rp 1.200.000.000",
    "sertifikat": "Halal; PIRT; ISO 9001",
    "telepon": "0812-3456-7890",
    "email": "budi@contoh.co.id",
    "tahun_berdiri": "2010",
    "tahun_data": "2024",
}


def _frame(*rows: dict[str, str | None]) -> pl.DataFrame:
    data: dict[str, list[object]] = {"_row": list(range(2, 2 + len(rows)))}
    for f in FIELDS:
        data[f] = [r.get(f) for r in rows]
    return pl.DataFrame(data, schema={"_row": pl.Int64, **{f: pl.Utf8 for f in FIELDS}})


def _errors(changes: dict[str, str | None], default_year: int | None = None) -> set[tuple[str, str]]:
    row = {**GOOD, **changes}
    v = validate(_frame(row), default_year=default_year, max_cell_chars=200)
    return {(e["field"], e["key"]) for e in v.errors.iter_rows(named=True)}


def test_good_row_passes_and_is_cleaned() -> None:
    v = validate(_frame(GOOD), default_year=None, max_cell_chars=200)
    assert v.errors.height == 0, v.errors
    row = v.accepted.row(0, named=True)
    assert row["regency_code"] == "32.09" and row["province_code"] == "32"
    assert row["latitude"] == pytest.approx(-6.7321) and row["longitude"] == pytest.approx(108.5571)
    assert row["nilai_investasi"] == 250_000_000 and row["nilai_produksi"] == 1_200_000_000
    assert row["kapasitas_produksi"] == pytest.approx(1.5)
    assert row["sertifikat"] == "HALAL;PIRT;ISO9001" or set(row["sertifikat"].split(";")) >= {"PIRT"}
    assert row["telepon"] == "+6281234567890"
    assert row["hs"] == "1905;190590"
    assert len(row["intake_key"]) == 32 and len(row["content_hash"]) == 32


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"nama_usaha": None}, ("nama_usaha", "intake.err.required")),
        ({"produk": "  "}, ("produk", "intake.err.required")),
        ({"nib": "12345"}, ("nib", "intake.err.nib_format")),
        ({"nib": "12345678901AB"}, ("nib", "intake.err.nib_format")),
        ({"kbli": None}, ("kbli", "intake.err.required")),
        ({"kbli": "107"}, ("kbli", "intake.err.kbli_format")),
        ({"kbli": "47111"}, ("kbli", "intake.err.kbli_unknown")),  # retail: not category C
        ({"kode_wilayah": None}, ("kode_wilayah", "intake.err.wilayah_required")),
        ({"kode_wilayah": "Cirebon"}, ("kode_wilayah", "intake.err.wilayah_format")),
        ({"kode_wilayah": "32.99"}, ("kode_wilayah", "intake.err.wilayah_unknown")),
        ({"kode_wilayah": None, "kabupaten_kota": "Antah Berantah"}, ("kabupaten_kota", "wilayah.unknown_regency")),
        ({"kecamatan": "Tidak Ada"}, ("kecamatan", "intake.err.kecamatan_unknown")),
        ({"latitude": "enam"}, ("latitude", "intake.err.not_a_number")),
        ({"longitude": None}, ("latitude", "intake.err.coordinates_pair")),
        ({"latitude": "-25,1"}, ("latitude", "intake.err.outside_indonesia")),
        ({"longitude": "150"}, ("longitude", "intake.err.outside_indonesia")),
        ({"latitude": "-0,5", "longitude": "117,1"}, ("latitude", "intake.err.far_from_regency")),  # Kalimantan
        ({"tenaga_kerja": "lima"}, ("tenaga_kerja", "intake.err.not_a_number")),
        ({"tenaga_kerja": "0"}, ("tenaga_kerja", "intake.err.workers_min")),
        ({"tenaga_kerja": "2,5"}, ("tenaga_kerja", "intake.err.workers_min")),
        ({"tenaga_kerja": "500.000"}, ("tenaga_kerja", "intake.err.too_large")),
        ({"nilai_investasi": "-5.000"}, ("nilai_investasi", "intake.err.negative")),
        ({"nilai_investasi": "abc"}, ("nilai_investasi", "intake.err.not_a_number")),
        ({"nilai_produksi": "99.999.999.999.999.999"}, ("nilai_produksi", "intake.err.too_large")),
        ({"kapasitas_produksi": "-1"}, ("kapasitas_produksi", "intake.err.negative")),
        ({"hs": "0000"}, ("hs", "intake.err.hs_unknown")),
        ({"hs": "1905; 77"}, ("hs", "intake.err.hs_unknown")),
        ({"sertifikat": "Halal; Sertifikat Palsu"}, ("sertifikat", "intake.err.certificate_unknown")),
        ({"email": "budi@"}, ("email", "intake.err.email_format")),
        ({"telepon": "12345"}, ("telepon", "intake.err.phone_format")),
        ({"tahun_data": None}, ("tahun_data", "intake.err.required")),
        ({"tahun_data": "1890"}, ("tahun_data", "intake.err.year_data")),
        ({"tahun_data": "2999"}, ("tahun_data", "intake.err.year_data")),
        ({"tahun_berdiri": "1850"}, ("tahun_berdiri", "intake.err.year_founded")),
        ({"tahun_berdiri": "2020", "tahun_data": "2019"}, ("tahun_berdiri", "intake.err.founded_after_data")),
        ({"alamat": "x" * 201}, ("alamat", "intake.err.too_long")),
    ],
)
def test_each_rule(changes: dict[str, str | None], expected: tuple[str, str]) -> None:
    assert expected in _errors(changes)


def test_every_error_of_a_row_is_collected() -> None:
    errs = _errors({"nib": "1", "kbli": "99999", "email": "x", "telepon": "1", "tenaga_kerja": "-3"})
    assert {f for f, _ in errs} == {"nib", "kbli", "email", "telepon", "tenaga_kerja"}


def test_names_resolve_instead_of_code() -> None:
    assert not _errors({"kode_wilayah": None, "provinsi": "Jawa Barat", "kabupaten_kota": "Kabupaten Cirebon"})
    v = validate(
        _frame(
            {
                **GOOD,
                "kode_wilayah": None,
                "provinsi": "Jawa Tengah",
                "kabupaten_kota": "Kab. Jepara",
                "latitude": None,
                "longitude": None,
            }
        ),
        default_year=None,
        max_cell_chars=200,
    )
    assert v.accepted.get_column("regency_code").to_list() == ["33.20"]


def test_kecamatan_by_name_and_code_forms() -> None:
    from jejaring.reference import catalog

    district = next(d for d in catalog.districts() if d["regency_code"] == "32.09")
    for value in (district["name"], district["name"].upper(), district["code"]):
        v = validate(_frame({**GOOD, "kecamatan": value}), default_year=None, max_cell_chars=200)
        assert v.accepted.get_column("district_code").to_list() == [district["code"]], value
    v = validate(_frame({**GOOD, "kode_wilayah": district["code"]}), default_year=None, max_cell_chars=200)
    assert v.accepted.get_column("district_code").to_list() == [district["code"]]


def test_indonesian_and_plain_number_formats() -> None:
    cases = {
        "250.000.000": 250_000_000,
        "250000000": 250_000_000,
        "Rp 1.500.000,-": 1_500_000,
        "250,000,000": 250_000_000,
    }
    for text, expected in cases.items():
        v = validate(_frame({**GOOD, "nilai_investasi": text}), default_year=None, max_cell_chars=200)
        assert v.accepted.get_column("nilai_investasi").to_list() == [expected], text


def test_default_year_fills_missing_tahun_data() -> None:
    assert not _errors({"tahun_data": None}, default_year=2023)


def test_formula_cells_stay_text_and_duplicates_share_a_key() -> None:
    rows = [{**GOOD, "nib": None, "nama_usaha": '=HYPERLINK("http://x")'}, {**GOOD, "nib": None}, {**GOOD, "nib": None}]
    v = validate(_frame(*rows), default_year=None, max_cell_chars=200)
    assert v.errors.height == 0
    assert v.accepted.get_column("nama_usaha").to_list() == ['=HYPERLINK("http://x")', "CV Maju Jaya", "CV Maju Jaya"]
    keys = v.accepted.get_column("intake_key").to_list()
    assert keys[1] == keys[2] != keys[0]  # the same business listed twice: one firm (see test_import)
    # an apostrophe that kept a value literal (also added by our own export) is not part of the value
    v = validate(_frame({**GOOD, "nama_usaha": "'=1+1"}), default_year=None, max_cell_chars=200)
    assert v.accepted.get_column("nama_usaha").to_list() == ["=1+1"]


def test_coordinates_far_in_a_wide_regency_are_accepted() -> None:
    # Kabupaten Kapuas (62.03) runs 300 km north-south: its northern districts are far from the seat
    assert not _errors({"kode_wilayah": "62.03", "latitude": "-0,6566", "longitude": "113,9039"})

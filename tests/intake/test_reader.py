"""Every file variant the offices send: XLSX, CSV UTF-8 with/without BOM, Latin-1, ``;``/``,``, title rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from jejaring.intake import reader
from jejaring.intake.headers import builtin_field, map_headers
from tests.intake.conftest import HEADER, good_row, write_csv, write_xlsx

BIG = 10**9


def _read(path: Path) -> reader.Sheet:
    return reader.read_file(path, max_bytes=BIG, max_rows=BIG)


@pytest.mark.parametrize(
    ("sep", "encoding"),
    [(";", "utf-8"), (",", "utf-8"), (";", "utf-8-sig"), (";", "latin-1"), (";", "cp1252"), ("\t", "utf-8")],
)
def test_csv_variants(tmp_path: Path, sep: str, encoding: str) -> None:
    rows = [good_row(1, **{"Nama Perusahaan": "Kerajinan Café Señor"}), good_row(2)]
    sheet = _read(write_csv(tmp_path / "f.csv", rows, sep=sep, encoding=encoding))
    assert sheet.headers == HEADER
    assert sheet.header_row == 2  # a title line above the header
    assert sheet.data.get_column("_row").to_list() == [3, 4]
    assert sheet.data.get_column("c2").to_list()[0] == "Kerajinan Café Señor"
    assert sheet.data.get_column("c12").to_list()[0] == "250.000.000"


def test_csv_without_title_first_data_row_is_2(tmp_path: Path) -> None:
    sheet = _read(write_csv(tmp_path / "f.csv", [good_row(1)], title=False))
    assert sheet.header_row == 1
    assert sheet.data.get_column("_row").to_list() == [2]


def test_blank_lines_keep_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    write_csv(path, [good_row(1), ["" for _ in HEADER], good_row(3)], title=False)
    sheet = _read(path)
    assert sheet.data.get_column("_row").to_list() == [2, 4]


def test_xlsx_with_title_rows_and_numbers(tmp_path: Path) -> None:
    row: list[object] = list(good_row(1))
    row[1] = 1234567890123  # NIB typed as a number
    row[11] = 5
    row[12] = 250000000
    row[7] = -6.7321
    sheet = _read(write_xlsx(tmp_path / "f.xlsx", [row, list[object](good_row(2))]))
    assert sheet.header_row == 3  # title, blank, header
    assert sheet.data.get_column("_row").to_list() == [4, 5]
    first = sheet.data.row(0)
    assert first[1] == "1234567890123" and first[11] == "5" and first[12] == "250000000" and first[7] == "-6.7321"


def test_header_variants_map_automatically() -> None:
    assert builtin_field("Nama Perusahaan") == "nama_usaha"
    assert builtin_field("Jumlah TK") == "tenaga_kerja"
    assert builtin_field("Lintang") == "latitude"
    assert builtin_field("BUJUR") == "longitude"
    assert builtin_field("Nilai Investasi (Rp)") == "nilai_investasi"
    assert builtin_field("No.") == ""  # the running number column is ignored
    mapping, unmapped = map_headers(["No", "Nama Usaha", "Keterangan Lain"], {})
    assert mapping == {"No": "", "Nama Usaha": "nama_usaha"} and unmapped == ["Keterangan Lain"]
    mapping, unmapped = map_headers(["Keterangan Lain"], {"keterangan lain": "produk"})
    assert mapping == {"Keterangan Lain": "produk"} and not unmapped


def test_empty_and_binary_files_are_fatal(tmp_path: Path) -> None:
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    with pytest.raises(reader.FileError) as exc:
        _read(empty)
    assert exc.value.key == "intake.file.empty"
    junk = tmp_path / "j.csv"
    junk.write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(reader.FileError) as exc:
        _read(junk)
    assert exc.value.key == "intake.file.unsupported"
    broken = tmp_path / "b.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(reader.FileError) as exc:
        _read(broken)
    assert exc.value.key == "intake.file.unreadable"


def test_limits(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", [good_row(i) for i in range(1, 11)])
    with pytest.raises(reader.FileError) as exc:
        reader.read_file(path, max_bytes=100, max_rows=BIG)
    assert exc.value.key == "intake.file.too_large"
    with pytest.raises(reader.FileError) as exc:
        reader.read_file(path, max_bytes=BIG, max_rows=5)
    assert exc.value.key == "intake.file.too_many_rows" and exc.value.params["rows"] == 10

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


def _refusal(path: Path, **limits: int) -> reader.FileError:
    with pytest.raises(reader.FileError) as caught:
        reader.read_file(path, max_bytes=BIG, max_rows=BIG, **limits)
    return caught.value


def test_a_zip_bomb_is_refused_naming_the_file_and_part(tmp_path: Path) -> None:
    import zipfile

    path = write_xlsx(tmp_path / "bom.xlsx", [good_row(1)])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * 30_000_000)  # packs to ~30 KB: a 1,000-fold expansion
    err = _refusal(path)
    assert err.key == "intake.file.xlsx_expands"
    assert (err.params["name"], err.params["part"]) == ("bom.xlsx", "xl/media/padding.bin")


def test_an_xlsx_larger_than_the_memory_cap_once_unzipped_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "besar.xlsx", [good_row(i) for i in range(1, 200)])
    assert _read(path).data.height == 199
    err = _refusal(path, max_expanded=20_000)
    assert err.key == "intake.file.xlsx_expands" and err.params["name"] == "besar.xlsx"


def test_shift_jis_is_refused_with_the_byte_position(tmp_path: Path) -> None:
    row = good_row(1, **{"Nama Perusahaan": "株式会社 山田製作所"})
    path = write_csv(tmp_path / "sjis.csv", [row], encoding="shift_jis")
    raw = path.read_bytes()
    first_high = next(i for i, b in enumerate(raw) if b >= 0x80)
    err = _refusal(path)
    assert err.key == "intake.file.encoding"
    assert (err.params["name"], err.params["position"]) == ("sjis.csv", first_high + 1)


def test_broken_utf8_is_refused_with_the_byte_position(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "rusak.csv", [good_row(1, **{"Nama Perusahaan": "Kerajinan Café"}), good_row(2)])
    raw = path.read_bytes()
    cut = raw.index(b"UD Sumber Rejeki 2")
    path.write_bytes(raw[:cut] + b"\xff" + raw[cut:])
    err = _refusal(path)
    assert err.key == "intake.file.encoding"
    assert (err.params["name"], err.params["position"]) == ("rusak.csv", cut + 1)


def test_a_formula_cell_keeps_its_text(tmp_path: Path) -> None:
    row: list[object] = list(good_row(1))
    row[10] = '=HYPERLINK("http://jahat.example","klik")'
    sheet = _read(write_xlsx(tmp_path / "rumus.xlsx", [row]))
    assert sheet.data.get_column("c10").to_list() == ['=HYPERLINK("http://jahat.example","klik")']

"""The streaming XLSX writer produces files that openpyxl and calamine read back exactly."""

from __future__ import annotations

import warnings

import openpyxl
import polars as pl
from python_calamine import CalamineWorkbook

from jejaring.synth import xlsx


def test_round_trip_with_titles_nulls_numbers_and_markup(tmp_path):
    cells = pl.DataFrame(
        {
            "nama": ["UD Sumber <Rejeki> & Co", None, "Café  Sari"],
            "kode": ["33.20", "32.09", None],
            "tk": [3, None, -2],
            "lat": [-6.59, None, 0.5],
        }
    )
    path = tmp_path / "a.xlsx"
    xlsx.write(path, ["Nama Perusahaan", "Kode Wilayah", "Jumlah TK", "Lintang"], ["DIREKTORI IKM", ""], cells)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rows = list(openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    assert rows[0][0] == "DIREKTORI IKM" and rows[2][0] == "Nama Perusahaan"
    assert rows[3] == ("UD Sumber <Rejeki> & Co", "33.20", 3, -6.59)
    assert rows[4] == (None, "32.09", None, None)
    assert rows[5] == ("Café  Sari", None, -2, 0.5)
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    assert len(sheet) == 6 and sheet[3][0] == "UD Sumber <Rejeki> & Co"


def test_same_data_same_bytes(tmp_path):
    cells = pl.DataFrame({"a": ["x"] * 10, "b": list(range(10))})
    xlsx.write(tmp_path / "1.xlsx", ["a", "b"], [], cells)
    xlsx.write(tmp_path / "2.xlsx", ["a", "b"], [], cells)
    assert (tmp_path / "1.xlsx").read_bytes() == (tmp_path / "2.xlsx").read_bytes()
    assert xlsx.column_letter(0) == "A" and xlsx.column_letter(25) == "Z" and xlsx.column_letter(26) == "AA"

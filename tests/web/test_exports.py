"""Issue 22, exports: CSV in the dialect Indonesian Excel opens (``;`` and decimal comma) beside the standard
one; XLSX with numbers as numbers under a header block naming the source and the reference year."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from jejaring.core import exports


def _sample() -> exports.Export:
    return exports.Export(
        title="Unit IKM per provinsi",
        header=["Provinsi", "Unit", "Pangsa", "Rata-rata TK", "Nilai"],
        rows=[
            ["Jawa Barat", 1250000, 0.125, 3.5, Decimal("60000000.50")],
            ["=SUM(A1)", None, -0.5, float("nan"), 7],
            ["Aman; +1", True, 1.0, 2.25, date(2024, 5, 1)],
        ],
        source="Direktori IKM uji",
        year=2024,
        formats={2: "0.00%"},
    )


def test_excel_id_dialect_uses_semicolons_and_decimal_commas() -> None:
    text = exports.to_csv(_sample(), dialect="excel-id").decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the encoding from the BOM
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Provinsi", "Unit", "Pangsa", "Rata-rata TK", "Nilai"]
    assert rows[1] == ["Jawa Barat", "1250000", "0,125", "3,5", "60000000,50"]
    assert rows[2] == ["'=SUM(A1)", "", "-0,5", "", "7"]  # formula neutralised, a negative number stays a number
    assert rows[3] == ["'Aman; +1", "1", "1", "2,25", "2024-05-01"]
    assert "," not in text.splitlines()[1].replace("0,125", "").replace("3,5", "").replace("60000000,50", "")


def test_standard_dialect_is_unchanged_comma_and_point() -> None:
    rows = list(csv.reader(io.StringIO(exports.to_csv(_sample()).decode("utf-8-sig"))))
    assert rows[1] == ["Jawa Barat", "1250000", "0.125", "3.5", "60000000.50"]
    with pytest.raises(ValueError):
        exports.to_csv(_sample(), dialect="semikolon")
    assert exports.csv_dialect("excel-id") == "excel-id" and exports.csv_dialect(None) == "standard"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_xlsx_header_block_and_numbers_as_numbers(lang: str) -> None:
    ws = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(_sample(), lang))).active
    assert ws is not None
    block = [(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in (1, 2, 3)]
    labels = ("Tabel", "Sumber", "Tahun acuan") if lang == "id" else ("Table", "Source", "Reference year")
    assert block == list(zip(labels, ("Unit IKM per provinsi", "Direktori IKM uji", "2024"), strict=True))
    assert ws.cell(4, 1).value is None  # blank line, then the table
    assert [c.value for c in ws[5]] == ["Provinsi", "Unit", "Pangsa", "Rata-rata TK", "Nilai"]
    assert ws.freeze_panes == "A6"
    first = ws[6]
    assert [c.data_type for c in first[1:]] == ["n"] * 4
    assert first[1].value == 1250000 and first[4].value == pytest.approx(60000000.5)
    assert first[2].number_format == "0.00%"
    formula = ws.cell(7, 1)
    assert formula.value == "=SUM(A1)" and formula.data_type == "s" and formula.quotePrefix
    assert ws.cell(7, 3).value == -0.5 and ws.cell(7, 4).value is None  # NaN written as an empty cell
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)

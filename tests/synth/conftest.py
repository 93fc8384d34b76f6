"""A tiny synthetic dataset, generated once per test session, and an independent file reader."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from jejaring.synth import service

SCALE = 0.0005
SEED = 7

# The test's own header map (independent of the generator's): variant header → template column.
HEADERS = {
    "nama perusahaan": "nama_usaha", "nama usaha": "nama_usaha", "nama_usaha": "nama_usaha",
    "jumlah tk": "tenaga_kerja", "tenaga kerja (orang)": "tenaga_kerja", "tenaga_kerja": "tenaga_kerja",
    "kbli": "kbli", "kode kbli": "kbli", "nib": "nib", "no. nib": "nib",
    "kode wilayah": "kode_wilayah", "kode kab/kota": "kode_wilayah", "kode_wilayah": "kode_wilayah",
    "lintang": "latitude", "latitude": "latitude", "bujur": "longitude", "longitude": "longitude",
    "tahun data": "tahun_data", "tahun": "tahun_data", "tahun_data": "tahun_data",
    "nama sentra": "nama_sentra", "nama_sentra": "nama_sentra", "nama sentra ikm": "nama_sentra",
}  # fmt: skip


def read_table(path: Path) -> tuple[int, list[str], list[list[object]]]:
    """(header row number, header cells, data rows) of an XLSX or CSV file, as an uploader sees it."""
    rows: list[list[object]]
    if path.suffix == ".xlsx":
        rows = [
            list[object](r)
            for r in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
        ]
    else:
        raw = path.read_bytes()
        try:
            text, sep = raw.decode("utf-8"), ","
        except UnicodeDecodeError:
            text, sep = raw.decode("latin-1"), ";"
        if sep == "," and text.splitlines()[0].count(";") > text.splitlines()[0].count(","):
            sep = ";"
        rows = [list[object](r) for r in csv.reader(io.StringIO(text), delimiter=sep)]
    for i, row in enumerate(rows):
        cells = [str(c).strip().lower() for c in row]
        if "nama_usaha" in [HEADERS.get(c) for c in cells] or "nama_sentra" in [HEADERS.get(c) for c in cells]:
            return i + 1, [str(c) for c in row], [list(r) for r in rows[i + 1 :]]
    raise AssertionError(f"no header in {path}")


def number(v: object) -> float:
    """A number as written: 1.250 (Indonesian thousands), -6,9 (decimal comma) or plain."""
    if isinstance(v, int | float):
        return float(v)
    s = str(v).strip()
    if "," in s:
        s = s.replace(".", "").replace(",", ".")
    elif s.count(".") >= 1 and all(len(p) == 3 for p in s.lstrip("-").split(".")[1:]):
        s = s.replace(".", "")
    return float(s)


@pytest.fixture(scope="session")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, service.Summary]:
    out = tmp_path_factory.mktemp("synth")
    summary = service.generate(scale=SCALE, seed=SEED, out=out, workers=1)
    return out, summary

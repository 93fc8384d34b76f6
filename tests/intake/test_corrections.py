"""Issue 22, intake corrections: rows whose cells do not line up are refused (never shifted), the quarantine
workbook keeps numbers as numbers and marks the faulty cells, corrections update the job's counters, and a
corrected re-upload takes the fixed rows off the earlier job's error list."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
from sqlalchemy import Engine, select

from jejaring.core.config import Settings
from jejaring.core.db import session_scope
from jejaring.intake import quarantine, reader, service
from jejaring.intake.models import QuarantineRow
from jejaring.registry.models import Firm
from tests.intake.conftest import HEADER, TITLE, ImportFn, good_row, write_csv, write_xlsx


def _line(cells: list[str]) -> str:
    """One CSV line as an office writes it (``;``, quotes where a cell needs them)."""
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="").writerow(cells)
    return buf.getvalue()


def _errors(engine: Engine, job_id: int) -> dict[int, list[dict[str, object]]]:
    with session_scope(engine) as s:
        rows = s.scalars(select(QuarantineRow).where(QuarantineRow.job_id == job_id, QuarantineRow.status == "open"))
        return {r.row_number: json.loads(r.errors) for r in rows}


def test_a_stray_separator_inside_a_cell_refuses_the_row_with_the_reason(
    engine: Engine, run_import: ImportFn, tmp_path: Path
) -> None:
    path = tmp_path / "jabar.csv"
    lines = [TITLE, ";".join(HEADER)]
    lines += [_line(good_row(i)) for i in (1, 2, 3, 4)]
    # row 4 of the sheet (good_row 2): an address typed with a ";" and no quotes: one cell too many
    lines[3] = lines[3].replace("Jl. Raya Sumber No. 2", "Jl. Raya Sumber; No. 2")
    # row 5 (good_row 3): the last two cells lost; the data year is then missing too
    lines[4] = _line(good_row(3)[:-2])
    # a trailing separator on every line of an otherwise fine row is not a cell (Excel writes these)
    lines[5] = lines[5] + ";"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    job = run_import(path, office="32")
    assert (job.rows_done, job.accepted, job.quarantined) == (4, 2, 2)
    errors = _errors(engine, job.id)
    assert set(errors) == {4, 5}
    (extra,) = errors[4]  # one error only: the shifted values' own errors would mislead
    assert extra["key"] == "intake.err.cells_extra" and extra["field"] == "baris"
    assert extra["params"] == {"cells": len(HEADER) + 1, "headers": len(HEADER)}
    assert extra["value"] == "2024"  # the cell pushed beyond the last header (the data year): kept, not lost
    (missing,) = errors[5]
    assert missing["key"] == "intake.err.cells_missing"
    assert missing["params"] == {"cells": len(HEADER) - 2, "headers": len(HEADER)}
    with session_scope(engine) as s:
        names = set(s.scalars(select(Firm.name)))
        described = quarantine.all_errors(s, job=service.get_job(s, job_id=job.id), lang="id")
    assert names == {"UD Sumber Rejeki 1", "UD Sumber Rejeki 4"}  # nothing written shifted
    first = described[0]
    assert first.column == "Seluruh baris" and first.firm == "UD Sumber Rejeki 2"
    assert f"berisi {len(HEADER) + 1} sel" in first.reason and f"{len(HEADER)} judul kolom" in first.reason
    assert '"2024"' in first.reason


def test_a_filled_cell_beyond_the_headers_of_a_workbook_refuses_the_row(
    engine: Engine, run_import: ImportFn, tmp_path: Path
) -> None:
    rows: list[list[object]] = [list(good_row(i)) for i in (1, 2)]
    rows[1].append("catatan tanpa judul")
    job = run_import(write_xlsx(tmp_path / "jabar.xlsx", rows), office="32")
    assert (job.accepted, job.quarantined) == (1, 1)
    (err,) = _errors(engine, job.id)[5]
    assert err["key"] == "intake.err.cells_extra" and err["value"] == "catatan tanpa judul"


def test_quarantine_workbook_numbers_highlights_and_formulas(
    engine: Engine, run_import: ImportFn, tmp_path: Path
) -> None:
    rows = [
        good_row(1, **{"KBLI": "47111"}),  # faulty KBLI; coordinates fine and written as numbers
        good_row(2, **{"Lintang": "-60,8401", "Nama Perusahaan": "=1+1 Jaya"}),  # faulty latitude, formula text
    ]
    job = run_import(write_csv(tmp_path / "jabar.csv", rows), office="32")
    assert job.quarantined == 2
    with session_scope(engine) as s:
        data = quarantine.export_xlsx(s, job=service.get_job(s, job_id=job.id), lang="id")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws is not None
    header = [c.value for c in ws[1]]
    col = {h: header.index(h) + 1 for h in ("Lintang", "Bujur", "KBLI", "Jumlah TK", "Nilai Investasi (Rp)")}
    lat = ws.cell(row=2, column=col["Lintang"])
    assert lat.data_type == "n" and lat.value == -6.7321 and not lat.quotePrefix  # a number, no apostrophe
    assert ws.cell(row=2, column=col["Jumlah TK"]).value == 5
    assert ws.cell(row=2, column=col["Nilai Investasi (Rp)"]).value == 250_000_000
    kbli = ws.cell(row=2, column=col["KBLI"])
    assert kbli.value == "47111" and kbli.data_type == "s"  # codes stay text
    assert kbli.fill.fgColor.rgb.endswith("FFC7CE") and "kategori C" in kbli.comment.text
    assert ws.cell(row=2, column=col["Lintang"]).comment is None
    assert not ws.cell(row=2, column=col["Lintang"]).fill.fgColor.rgb.endswith("FFC7CE")
    bad_lat = ws.cell(row=3, column=col["Lintang"])
    # a faulty number keeps the text as uploaded, highlighted, with the reason; "-" first: quote prefix, no "'"
    assert bad_lat.value == "-60,8401" and bad_lat.quotePrefix and "luar wilayah Indonesia" in bad_lat.comment.text
    name = ws.cell(row=3, column=header.index("Nama Perusahaan") + 1)
    assert name.value == "=1+1 Jaya" and name.data_type == "s" and name.quotePrefix
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)


def test_counters_follow_corrections_in_place_and_by_reupload(
    engine: Engine, run_import: ImportFn, settings: Settings, tmp_path: Path
) -> None:
    rows = [good_row(1), good_row(2, **{"KBLI": "47111"}), good_row(3, **{"Email": "x@"}), good_row(4)]
    rows[3] = good_row(4, **{"Jumlah TK": "nol", "NIB": "9120001234567"})
    first = run_import(write_csv(tmp_path / "jabar.csv", rows), office="32")
    assert (first.accepted, first.quarantined) == (1, 3)
    # in place: row 4 (KBLI) corrected through the form's service
    with session_scope(engine) as s:
        job = service.get_job(s, job_id=first.id)
        row = s.scalar(select(QuarantineRow).where(QuarantineRow.job_id == job.id, QuarantineRow.row_number == 4))
        assert row is not None
        values = {**json.loads(row.values), "kbli": "10710"}
        assert quarantine.correct_row(s, job=job, row=row, values=values, settings=settings)
    with session_scope(engine) as s:
        job = service.get_job(s, job_id=first.id)
        assert (job.quarantined, job.inserted, service.resolved_count(s, job=job)) == (2, 2, 1)
    # by re-upload: the officer corrects rows 5 and 6 in the file and uploads it again; row 6 renamed its business
    # but keeps its NIB, row 5 keeps name and owner
    fixed = [good_row(3), good_row(4, **{"NIB": "9120001234567", "Nama Perusahaan": "CV Sumber Rejeki Empat"})]
    second = run_import(write_csv(tmp_path / "jabar-perbaikan.csv", fixed), office="32")
    assert (second.accepted, second.quarantined) == (2, 0)
    assert _errors(engine, first.id) == {}
    with session_scope(engine) as s:
        job = service.get_job(s, job_id=first.id)
        assert (job.quarantined, service.resolved_count(s, job=job)) == (0, 3)
        resolved = s.scalars(select(QuarantineRow.resolved_firm_id).where(QuarantineRow.job_id == first.id))
        assert all(resolved)
    # an upload for another office does not touch this office's quarantine
    third = run_import(write_csv(tmp_path / "lain.csv", [good_row(9, **{"KBLI": "47111"})]), office="32")
    other = run_import(write_csv(tmp_path / "lain2.csv", [good_row(9)]), office="33")
    assert other.accepted == 1  # accepted there (the CLI-like uploader is not limited to a region)
    assert set(_errors(engine, third.id)) == {3}


def test_cell_counts_respect_quotes_line_breaks_in_cells_and_far_cells() -> None:
    text = (
        "nama;produk;kbli;\n"  # a trailing separator on the header: not a column
        'A;"roti; kue";10710;\n'  # a quoted ";" is inside the cell: 3 cells (+ an empty one)
        "B;x\n"  # a cell short
        "C;y;10710;;;;;;;;;;;;;;jauh\n"  # a filled cell far right of the header
        "D;z;10710;;;;;;;;;;;;;;;;\n"  # only empty cells right of the header
    )
    sheet = reader.read_csv_bytes(text.encode())
    assert sheet.ragged.to_dicts() == [
        {"_row": 3, "cells": 2, "extra": None},
        {"_row": 4, "cells": 17, "extra": "jauh"},
    ]
    # a quoted cell spanning two lines: counted by the csv module instead, same answer
    multi = reader.read_csv_bytes(b'nama;produk;kbli\nA;"roti\nkue";10710\nB;x;10710;lebih\n')
    assert multi.data.get_column("c1").to_list() == ["roti\nkue", "x"]
    assert multi.ragged.to_dicts() == [{"_row": 3, "cells": 4, "extra": "lebih"}]

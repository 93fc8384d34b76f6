"""Helpers for intake tests: real CSV/XLSX files in the provincial template, and a synchronous import."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine

from jejaring.core.config import Settings
from jejaring.core.db import session_scope
from jejaring.intake import jobs, service
from jejaring.intake.models import ImportJob

HEADER = [
    "No",
    "NIB",
    "Nama Perusahaan",
    "Nama Pemilik",
    "Alamat Lengkap",
    "Kode Wilayah",
    "Kecamatan",
    "Lintang",
    "Bujur",
    "KBLI",
    "Produk Utama",
    "Jumlah TK",
    "Nilai Investasi (Rp)",
    "Sertifikat",
    "Telepon",
    "Email",
    "Tahun Berdiri",
    "Tahun Data",
]
TITLE = "DIREKTORI IKM DINAS PERINDUSTRIAN PROVINSI JAWA BARAT TAHUN 2024"


def good_row(i: int, **changes: str) -> list[str]:
    """A valid row (Kabupaten Cirebon, KBLI 10710 roti), with ``changes`` by header name."""
    row = {
        "No": str(i),
        "NIB": "",
        "Nama Perusahaan": f"UD Sumber Rejeki {i}",
        "Nama Pemilik": f"Pemilik {i}",
        "Alamat Lengkap": f"Jl. Raya Sumber No. {i}",
        "Kode Wilayah": "32.09",
        "Kecamatan": "",
        "Lintang": "-6,7321",
        "Bujur": "108,5571",
        "KBLI": "10710",
        "Produk Utama": "Roti dan kue",
        "Jumlah TK": "5",
        "Nilai Investasi (Rp)": "250.000.000",
        "Sertifikat": "Halal; PIRT",
        "Telepon": "0812-3456-7890",
        "Email": f"usaha{i}@contoh.co.id",
        "Tahun Berdiri": "2010",
        "Tahun Data": "2024",
    }
    row.update(changes)
    return [row[h] for h in HEADER]


def write_csv(
    path: Path,
    rows: list[list[str]],
    *,
    sep: str = ";",
    encoding: str = "utf-8",
    title: bool = True,
    header: list[str] | None = None,
) -> Path:
    """Write a CSV the way offices send them (title line, ``;``, UTF-8 or Latin-1)."""
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=sep)
        if title:
            writer.writerow([TITLE])
        writer.writerow(header or HEADER)
        writer.writerows(rows)
    return path


def write_xlsx(
    path: Path, rows: Sequence[Sequence[object]], *, title: bool = True, header: list[str] | None = None
) -> Path:
    """Write an XLSX with an optional title row above the header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    if title:
        ws.append([TITLE])
        ws.append([])
    ws.append(header or HEADER)
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


ImportFn = Callable[..., ImportJob]


@pytest.fixture
def run_import(engine: Engine, settings: Settings) -> ImportFn:
    """Import a file synchronously (as the CLI does) and return the finished job."""

    def run(
        path: Path, *, office: str | None = None, year: int | None = None, choices: dict[str, str] | None = None
    ) -> ImportJob:
        with session_scope(engine) as s:
            job = service.create_job(
                s,
                source=path,
                file_name=path.name,
                data_dir=settings.data_dir,
                office=office,
                reference_year=year,
                uploaded_by="tester",
            )
            unmapped = service.inspect_job(s, job=job, max_bytes=10**9, max_rows=10**7)
            if unmapped or choices:
                service.save_mapping(s, job=job, choices=choices or {h: "" for h in unmapped})
            job_id = job.id
        return jobs.run_job(engine, job_id, settings)

    return run

"""Rows that meet a merged firm or a known NIB (SQLite and PostgreSQL): the write lands on the surviving record;
an NIB another office or the registry already holds attaches to that firm instead of making a second one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from jejaring.core.config import Settings
from jejaring.core.db import session_scope
from jejaring.intake import jobs, quarantine, service
from jejaring.registry import deferred as deferred_mod
from jejaring.registry.models import Firm, FirmHistory, RecordSource
from jejaring.resolution import service as resolution_service
from tests.accounts.helpers import create_user_with_token
from tests.intake.conftest import ImportFn, good_row, write_csv
from tests.writes import ADMIN_ACTOR
from tests.writes import firm_named as _firm


def _merge(engine: Engine, survivor: str, merged: str) -> tuple[int, int]:
    """Merge the firm named ``merged`` into the one named ``survivor``; their ids."""
    with session_scope(engine) as s:
        a = s.scalar(select(Firm).where(Firm.name == survivor))
        b = s.scalar(select(Firm).where(Firm.name == merged))
        assert a is not None and b is not None
        resolution_service.merge_manually(s, actor=ADMIN_ACTOR, survivor_id=a.public_id, merged_id=b.public_id)
        return a.id, b.id


def test_a_corrected_row_of_a_merged_firm_updates_the_survivor(
    engine: Engine, run_import: ImportFn, tmp_path: Path
) -> None:
    rows = [good_row(1, **{"Tahun Data": "2023"}), good_row(2), good_row(3)]
    run_import(write_csv(tmp_path / "v1.csv", rows), office="32")
    survivor_id, merged_id = _merge(engine, "UD Sumber Rejeki 2", "UD Sumber Rejeki 1")
    assert _firm(engine, "UD Sumber Rejeki 2").workers == 5

    rows[0] = good_row(1, **{"Jumlah TK": "40", "Tahun Data": "2024", "Produk Utama": "Roti tawar"})
    job = run_import(write_csv(tmp_path / "v2.csv", rows), office="32")
    assert (job.inserted, job.updated, job.unchanged) == (0, 1, 2)
    with session_scope(engine) as s:
        survivor = s.get(Firm, survivor_id)
        merged = s.get(Firm, merged_id)
        assert survivor is not None and merged is not None
        assert (survivor.status, merged.status, merged.merged_into_id) == ("active", "merged", survivor_id)
        # the newest reference year wins under the survivorship rules: the correction reaches the survivor
        assert (survivor.workers, survivor.products) == (40, "Roti tawar")
        assert s.scalar(select(func.count()).select_from(Firm).where(Firm.status == "active")) == 2

    again = run_import(write_csv(tmp_path / "v2.csv", rows), office="32")  # the same corrected file: nothing to do
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)

    with session_scope(engine) as s:  # a split gives the retired record back its own (corrected) values
        public_id = s.get(Firm, merged_id).public_id
        resolution_service.split_firm(s, actor=ADMIN_ACTOR, public_id=public_id)
    with session_scope(engine) as s:
        back, kept = s.get(Firm, merged_id), s.get(Firm, survivor_id)
        assert back is not None and kept is not None
        assert (back.status, back.workers, back.products) == ("active", 40, "Roti tawar")
        assert (kept.workers, kept.products) == (5, "Roti dan kue")


def test_a_quarantined_row_of_a_merged_firm_corrected_in_place_points_at_the_survivor(
    engine: Engine, run_import: ImportFn, settings: Settings, tmp_path: Path
) -> None:
    run_import(write_csv(tmp_path / "v1.csv", [good_row(1), good_row(2)]), office="32")
    survivor_id, _merged_id = _merge(engine, "UD Sumber Rejeki 2", "UD Sumber Rejeki 1")
    bad = good_row(1, **{"Jumlah TK": "17", "Email": "salah@"})
    job = run_import(write_csv(tmp_path / "v2.csv", [bad]), office="32")
    assert job.quarantined == 1
    with session_scope(engine) as s:
        j = service.get_job(s, job_id=job.id)
        rows, _total = quarantine.job_rows(s, job=j)
        values = {**json.loads(rows[0].values), "email": "benar@contoh.id"}
        assert quarantine.correct_row(s, job=j, row=rows[0], values=values, settings=settings)
        assert rows[0].resolved_firm_id == survivor_id
    with session_scope(engine) as s:
        survivor = s.get(Firm, survivor_id)
        assert survivor is not None and survivor.workers == 17


def test_an_nib_known_from_another_province_attaches_to_that_firm(
    engine: Engine, run_import: ImportFn, tmp_path: Path
) -> None:
    nib = "9120001234567"
    place = {"Kode Wilayah": "33.20", "Lintang": "", "Bujur": ""}  # Jepara
    jateng = good_row(1, **{"NIB": nib, "Nama Perusahaan": "CV Jati Makmur", **place})
    first = run_import(write_csv(tmp_path / "jateng.csv", [jateng]), office="33")
    assert (first.inserted, first.quarantined) == (1, 0)
    jabar = good_row(1, **{"NIB": nib, "Nama Perusahaan": "CV Jati Makmur Cabang", "Jumlah TK": "12"})
    second = run_import(write_csv(tmp_path / "jabar.csv", [jabar]), office="32")
    assert (second.inserted, second.updated + second.unchanged) == (0, 1)
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Firm).where(Firm.nib == nib)) == 1
        offices = s.scalars(select(RecordSource.source_office).order_by(RecordSource.id)).all()
        assert list(offices) == ["33", "32"]


def test_an_nib_the_registry_holds_under_another_key_attaches_instead_of_duplicating(
    engine: Engine, run_import: ImportFn, tmp_path: Path
) -> None:
    # first known without its NIB (keyed by name, owner and regency), its NIB added on the firm page later
    run_import(write_csv(tmp_path / "v1.csv", [good_row(1)]), office="32")
    nib = "9120007654321"
    with session_scope(engine) as s:
        firm = s.scalar(select(Firm).where(Firm.name == "UD Sumber Rejeki 1"))
        assert firm is not None
        firm.nib = nib
        firm_id = firm.id
    row = good_row(1, **{"NIB": nib, "Kode Wilayah": "32.09", "Jumlah TK": "9"})
    job = run_import(write_csv(tmp_path / "v2.csv", [row]), office="32")
    assert (job.inserted, job.updated) == (0, 1)
    again = run_import(write_csv(tmp_path / "v2.csv", [row]), office="32")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1)
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Firm)) == 1
        firm = s.get(Firm, firm_id)
        assert firm is not None and firm.workers == 9
        assert s.scalar(select(func.count()).select_from(FirmHistory).where(FirmHistory.firm_id == firm_id)) == 1


def test_an_officer_row_meeting_another_province_firm_by_nib_only_sights_it(
    engine: Engine, run_import: ImportFn, settings: Settings, tmp_path: Path
) -> None:
    nib = "9120001112223"
    place = {"Kode Wilayah": "33.20", "Lintang": "", "Bujur": ""}
    run_import(write_csv(tmp_path / "jateng.csv", [good_row(1, **{"NIB": nib, "Jumlah TK": "8", **place})]))
    with session_scope(engine) as s:
        officer = "p32@uji.example"
        create_user_with_token(s, role="petugas_dinas", province="32", scopes=["read", "write"], email=officer)
        path = write_csv(tmp_path / "jabar.csv", [good_row(1, **{"NIB": nib, "Jumlah TK": "80"})])
        job = service.create_job(
            s, source=path, file_name=path.name, data_dir=settings.data_dir, office="32", uploaded_by=officer
        )
        service.inspect_job(s, job=job, max_bytes=10**9, max_rows=10**6)
        job_id = job.id
    done = jobs.run_job(engine, job_id, settings)
    assert (done.inserted, done.updated, done.unchanged) == (0, 0, 1)
    with session_scope(engine) as s:
        firms = s.scalars(select(Firm).where(Firm.nib == nib)).all()
        assert [(f.regency_code, f.workers) for f in firms] == [("33.20", 8)]  # not moved, not overwritten
        sighted = select(func.count()).select_from(RecordSource).where(RecordSource.file_name == "jabar.csv")
        assert s.scalar(sighted) == 1


def test_a_deferred_load_attaches_rows_to_nibs_the_registry_held(
    engine: Engine, run_import: ImportFn, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A load large enough to write without the registry's indexes asks its own NIB list, read when it began."""
    run_import(write_csv(tmp_path / "v1.csv", [good_row(1)]), office="32")
    nib = "9120003334445"
    with session_scope(engine) as s:
        firm = s.scalar(select(Firm).where(Firm.name == "UD Sumber Rejeki 1"))
        assert firm is not None
        firm.nib = nib
        firm_id = firm.id
    monkeypatch.setattr(deferred_mod, "DEFER_MIN_ROWS", 2)
    rows = [good_row(1, **{"NIB": nib, "Jumlah TK": "21"}), *[good_row(i) for i in range(2, 6)]]
    path = write_csv(tmp_path / "besar.csv", rows)
    with session_scope(engine) as s:
        job = service.create_job(s, source=path, file_name=path.name, data_dir=settings.data_dir, office="32")
        service.inspect_job(s, job=job, max_bytes=10**9, max_rows=10**6)
        job_id = job.id
    [done] = jobs.run_jobs(engine, [job_id], settings)
    assert (done.inserted, done.updated) == (4, 1)
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Firm)) == 5
        firm = s.get(Firm, firm_id)
        assert firm is not None and firm.workers == 21

"""Issue 23: a province's file uploaded again. Rows known unchanged by their fingerprint (``firm.row_hash``) are not
validated, resolved or upserted again, and the outcome is the one a full import gives: counts, provenance, audit,
history of exactly the changed firms, quarantine fixes and the uploader's region per row."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from sqlalchemy import Engine, func, select

from jejaring.accounts.models import AuditEvent
from jejaring.core.config import Settings
from jejaring.core.db import session_scope, utcnow
from jejaring.insights import service as insights_service
from jejaring.intake import jobs, prepare, quarantine, scope, service
from jejaring.intake.models import ImportJob
from jejaring.intake.validate import validate
from jejaring.matching import lifecycle
from jejaring.registry.models import Firm, FirmHistory, RecordSource
from tests.accounts.helpers import create_user_with_token
from tests.intake.conftest import ImportFn, good_row, write_csv


def _rows(n: int, **changed: dict[str, str]) -> list[list[str]]:
    """``n`` valid rows, row 7 broken (KBLI outside category C); ``changed``: row number (as text) -> changes."""
    rows = [good_row(i, **changed.get(str(i), {})) for i in range(1, n + 1)]
    rows[6] = good_row(7, **{"KBLI": "47111", **changed.get("7", {})})
    return rows


def _state(engine: Engine) -> tuple[dict[int, tuple[Any, ...]], int, int]:
    with session_scope(engine) as s:
        firms = {f.id: (f.name, f.products, f.workers, f.content_hash, f.updated_at) for f in s.scalars(select(Firm))}
        history = s.scalar(select(func.count()).select_from(FirmHistory)) or 0
        sources = s.scalar(select(func.count()).select_from(RecordSource)) or 0
    return firms, history, sources


@pytest.fixture
def validated_rows(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the rows each validation is given (to see which rows a re-upload validates)."""
    seen: list[int] = []
    real = validate

    def counting(raw: pl.DataFrame, **kwargs: object) -> object:
        seen.append(raw.height)
        return real(raw, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(prepare, "validate", counting)
    return seen


def test_unchanged_reupload_validates_and_writes_nothing_but_is_recorded(
    engine: Engine, run_import: ImportFn, tmp_path: Path, validated_rows: list[int]
) -> None:
    path = write_csv(tmp_path / "jabar.csv", _rows(30))
    first = run_import(path, office="32")
    assert (first.accepted, first.quarantined, first.inserted) == (29, 1, 29)
    before = _state(engine)
    validated_rows.clear()
    since = utcnow() - timedelta(microseconds=1)
    again = run_import(path, office="32")
    assert validated_rows == [1]  # only the quarantined row: the 29 others are known by their fingerprint
    assert again.status == "done" and again.rows_done == again.accepted + again.quarantined == 30
    assert (again.accepted, again.quarantined, again.inserted, again.updated, again.unchanged) == (29, 1, 0, 0, 29)
    assert _state(engine) == before  # no firm changed, no history, no provenance twice for the same file and row
    with session_scope(engine) as s:
        assert lifecycle.changed_firm_ids(s, since) == []  # nothing for the partner-search index to refresh
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.entity_type == "import_job", AuditEvent.entity_id == str(again.id))
        ).all()
        batch = [json.loads(e.after_json or "{}") for e in events if e.action == "intake.batch"]
        assert batch and batch[0]["unchanged"] == 29 and batch[0]["accepted"] == 29
        assert s.get(ImportJob, again.id) is not None
    # the same rows in a file of another name: recorded as sightings of their firms (provenance), nothing else
    renamed = write_csv(tmp_path / "jabar-lagi.csv", _rows(30))
    third = run_import(renamed, office="32")
    assert (third.inserted, third.updated, third.unchanged) == (0, 0, 29)
    firms, history, sources = _state(engine)
    assert (firms, history) == before[:2] and sources == before[2] + 29
    with session_scope(engine) as s:
        names = s.scalars(select(RecordSource.file_name).where(RecordSource.file_name == "jabar-lagi.csv")).all()
        assert len(names) == 29


def test_one_changed_row_in_a_reupload_updates_exactly_that_firm(
    engine: Engine, run_import: ImportFn, tmp_path: Path, validated_rows: list[int]
) -> None:
    run_import(write_csv(tmp_path / "v1.csv", _rows(30)), office="32")
    jobs.refresh_insights(engine)
    with session_scope(engine) as s:
        workers_before = insights_service.stats(s)["ikm_workers"]
        target = s.scalar(select(Firm).where(Firm.name == "UD Sumber Rejeki 12"))
        assert target is not None
        target_id = target.id
    before, history_before, _ = _state(engine)
    validated_rows.clear()
    since = utcnow() - timedelta(microseconds=1)
    job = run_import(write_csv(tmp_path / "v2.csv", _rows(30, **{"12": {"Jumlah TK": "45"}})), office="32")
    assert validated_rows == [2]  # the changed row and the quarantined one
    assert job.rows_done == job.accepted + job.quarantined == 30
    assert (job.inserted, job.updated, job.unchanged) == (0, 1, 28)
    jobs.refresh_insights(engine)
    after, history_after, _ = _state(engine)
    assert {i for i in after if after[i] != before[i]} == {target_id}
    assert history_after == history_before + 1
    with session_scope(engine) as s:
        assert s.scalars(select(FirmHistory.firm_id)).all() == [target_id]
        provenance = s.scalars(select(RecordSource).where(RecordSource.file_name == "v2.csv")).all()
        written = [(r.entity_id, r.row_number) for r in provenance if r.fields]  # the others: sightings (no fields)
        assert written == [(target_id, 14)] and len(provenance) == 29
        assert "tenaga_kerja" in (next(r for r in provenance if r.fields).fields or "")
        assert insights_service.stats(s)["ikm_workers"] == workers_before + 40  # statistics see the change
        assert lifecycle.changed_firm_ids(s, since) == [target_id]  # and so does the partner-search index


def test_a_quarantined_row_fixed_in_a_reupload_leaves_the_error_list(
    engine: Engine, run_import: ImportFn, tmp_path: Path, validated_rows: list[int]
) -> None:
    first = run_import(write_csv(tmp_path / "v1.csv", _rows(20)), office="32")
    assert first.quarantined == 1
    validated_rows.clear()
    fixed = run_import(write_csv(tmp_path / "v1.csv", _rows(20, **{"7": {"KBLI": "10710"}})), office="32")
    assert validated_rows == [1]  # the fixed row only
    assert (fixed.inserted, fixed.unchanged, fixed.quarantined) == (1, 19, 0)
    with session_scope(engine) as s:
        earlier = service.get_job(s, job_id=first.id)
        assert earlier.quarantined == 0 and service.open_quarantine_count(s, job=earlier) == 0


def test_a_known_row_that_may_fix_an_earlier_quarantined_row_is_validated(
    engine: Engine, run_import: ImportFn, tmp_path: Path
) -> None:
    """Row 5 accepted in v1; a later file of the office quarantined the same business; v1 again fixes that row."""
    v1 = write_csv(tmp_path / "v1.csv", _rows(10))
    run_import(v1, office="32")
    broken = run_import(write_csv(tmp_path / "lain.csv", [good_row(5, **{"Email": "salah@"})]), office="32")
    assert broken.quarantined == 1
    again = run_import(v1, office="32")
    assert again.unchanged == 9
    with session_scope(engine) as s:
        assert service.open_quarantine_count(s, job=service.get_job(s, job_id=broken.id)) == 0


def test_known_rows_still_get_the_uploaders_region_checked(
    engine: Engine, run_import: ImportFn, settings: Settings, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "cirebon.csv", _rows(10))
    run_import(path)  # by a national operator: not limited
    before = _state(engine)
    with session_scope(engine) as s:
        create_user_with_token(
            s, role="petugas_dinas", province="33", scopes=["read", "write"], email="p33@uji.example"
        )
        job = service.create_job(
            s, source=path, file_name=path.name, data_dir=settings.data_dir, uploaded_by="p33@uji.example"
        )
        service.inspect_job(s, job=job, max_bytes=10**9, max_rows=10**6)
        job_id = job.id
    final = jobs.run_job(engine, job_id, settings)
    assert (final.accepted, final.quarantined, final.unchanged) == (0, 10, 0)
    assert final.rows_done == final.accepted + final.quarantined
    with session_scope(engine) as s:
        errors = quarantine.all_errors(s, job=service.get_job(s, job_id=job_id), lang="en")
    assert {e.row for e in errors if e.field == "kode_wilayah"} == set(range(3, 13)) - {9}  # refused row by row
    assert _state(engine)[:2] == before[:2]


def test_a_row_known_before_an_earlier_file_of_the_same_load_changed_its_firm_is_applied(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """Files of one load are applied in order: the second file's row is judged after the first file wrote."""
    v1 = write_csv(tmp_path / "v1.csv", [good_row(i) for i in range(1, 6)])
    changed = write_csv(tmp_path / "perubahan.csv", [good_row(3, **{"Jumlah TK": "30"})])
    ids = []
    for path in (v1, changed, v1):
        with session_scope(engine) as s:
            job = service.create_job(s, source=path, file_name=path.name, data_dir=settings.data_dir)
            service.inspect_job(s, job=job, max_bytes=10**9, max_rows=10**6)
            ids.append(job.id)
    first = jobs.run_jobs(engine, ids[:1], settings)
    assert first[0].inserted == 5
    finals = jobs.run_jobs(engine, ids[1:], settings)
    assert [(j.updated, j.unchanged) for j in finals] == [(1, 0), (1, 4)]
    with session_scope(engine) as s:
        assert s.scalar(select(Firm.workers).where(Firm.name == "UD Sumber Rejeki 3")) == 5


def test_a_business_listed_twice_is_applied_in_file_order_when_uploaded_again(
    engine: Engine, run_import: ImportFn, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "dupe.csv", [good_row(1), good_row(2), good_row(1, **{"Jumlah TK": "8"})])
    first = run_import(path)
    assert (first.inserted, first.updated) == (2, 1)
    again = run_import(path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 2, 1)  # as a full import: row 3 then row 5
    with session_scope(engine) as s:
        assert s.scalar(select(Firm.workers).where(Firm.name == "UD Sumber Rejeki 1")) == 8


def test_scope_region_helper_matches_the_filter() -> None:
    assert scope.in_region("32.09", "32") and not scope.in_region("33.01", "32")

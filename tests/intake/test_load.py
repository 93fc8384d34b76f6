"""Several files as one load (``jobs.run_jobs``): read-ahead, deferred secondary indexes, recovery after a kill."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, inspect, select

from jejaring.core.config import Settings
from jejaring.core.db import session_scope
from jejaring.intake import jobs, service
from jejaring.intake.models import ImportJob
from jejaring.registry import bulk
from jejaring.registry.models import Firm
from tests.intake.conftest import good_row, write_csv


def _indexes(engine: Engine) -> set[str]:
    insp = inspect(engine)
    return {str(i["name"]) for t in ("firm", "firm_role", "certification") for i in insp.get_indexes(t)}


def _jobs(engine: Engine, settings: Settings, paths: list[Path]) -> list[int]:
    ids = []
    with session_scope(engine) as s:
        for path in paths:
            job = service.create_job(s, source=path, file_name=path.name, data_dir=settings.data_dir, office="32")
            service.inspect_job(s, job=job, max_bytes=10**9, max_rows=10**6)
            ids.append(job.id)
    return ids


def _firms(engine: Engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(Firm)) or 0


def test_a_load_as_large_as_the_registry_builds_secondary_indexes_at_its_end(
    engine: Engine, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "DEFER_MIN_ROWS", 5)
    deferred = set(bulk.DEFERRED_INDEXES)
    assert deferred <= _indexes(engine)
    seen: list[set[str]] = []
    first = write_csv(tmp_path / "a.csv", [good_row(i) for i in range(1, 7)])
    second = write_csv(tmp_path / "b.csv", [good_row(i) for i in range(7, 13)])
    finals = jobs.run_jobs(
        engine, _jobs(engine, settings, [first, second]), settings, progress=lambda j: seen.append(_indexes(engine))
    )
    assert [(j.status, j.inserted) for j in finals] == [("done", 6), ("done", 6)]
    assert seen and all(not (deferred & names) for names in seen)  # written without them
    assert deferred <= _indexes(engine)  # and built again at the end
    with session_scope(engine) as s:  # the rebuilt indexes answer like the maintained ones
        assert s.scalar(select(func.count()).select_from(Firm).where(Firm.regency_code == "32.09")) == 12

    # a load smaller than the registry keeps them, row by row
    seen.clear()
    third = write_csv(tmp_path / "c.csv", [good_row(i) for i in range(13, 19)])
    jobs.run_jobs(engine, _jobs(engine, settings, [third]), settings, progress=lambda j: seen.append(_indexes(engine)))
    assert seen and all(deferred <= names for names in seen)
    assert _firms(engine) == 18


def test_deferred_indexes_come_back_after_an_error_and_after_a_kill(engine: Engine) -> None:
    deferred = set(bulk.DEFERRED_INDEXES)
    with pytest.raises(RuntimeError), bulk.deferred_indexes(engine, incoming_rows=bulk.DEFER_MIN_ROWS) as on:
        assert on and not (deferred & _indexes(engine))
        raise RuntimeError("the load failed")
    assert deferred <= _indexes(engine)
    # a killed process never reaches the end of the block: the next run (or server start) builds what is missing
    with engine.begin() as conn:
        for name in ("ix_firm_name_key", "ix_firm_role_role"):
            conn.exec_driver_sql(f"DROP INDEX {name}")
    assert not {"ix_firm_name_key", "ix_firm_role_role"} & _indexes(engine)
    bulk.restore_indexes(engine)
    assert deferred <= _indexes(engine)


def test_run_jobs_reads_ahead_and_stops_after_a_failed_file(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    paths = [
        write_csv(tmp_path / f"{n}.csv", [good_row(i) for i in range(k, k + 4)])
        for n, k in (("a", 1), ("b", 5), ("c", 9))
    ]
    ids = _jobs(engine, settings, paths)
    with session_scope(engine) as s:  # the second file disappears after it was inspected: a fatal file error
        Path(service.get_job(s, job_id=ids[1]).stored_path).unlink()
    finals = jobs.run_jobs(engine, ids, settings)
    assert [(j.file_name, j.status) for j in finals] == [("a.csv", "done"), ("b.csv", "failed")]
    assert finals[1].error_key == "intake.file.missing"
    with session_scope(engine) as s:
        assert s.get(ImportJob, ids[2]).status == "queued"  # type: ignore[union-attr]
    assert _firms(engine) == 4
    rest = jobs.run_jobs(engine, [ids[2]], settings)
    assert [(j.status, j.inserted) for j in rest] == [("done", 4)]

"""Several files as one load (``jobs.run_jobs``): read-ahead, deferred indexes and unique keys, the load lock,
recovery after an error and a kill."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Engine, func, select

from jejaring.core.config import Settings
from jejaring.core.db import session_scope
from jejaring.core.dialects import dialect
from jejaring.core.errors import DomainError
from jejaring.intake import jobs, service
from jejaring.intake.models import ImportJob
from jejaring.registry import bulk, locks, upsert
from jejaring.registry import deferred as deferred_mod
from jejaring.registry import service as registry_service
from jejaring.registry.models import Firm
from jejaring.registry.schemas import FirmCreate
from tests.intake.conftest import good_row, write_csv

DEFERRED = {*bulk.DEFERRED_INDEXES, *bulk.DEFERRED_UNIQUE_INDEXES}


def _indexes(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return dialect(conn).index_names(conn)


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
    monkeypatch.setattr(deferred_mod, "DEFER_MIN_ROWS", 5)
    deferred = DEFERRED | (set(bulk.DEFERRED_PG_CONSTRAINTS) if engine.dialect.name == "postgresql" else set())
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
    deferred = DEFERRED
    with pytest.raises(RuntimeError), bulk.deferred_indexes(engine, incoming_rows=deferred_mod.DEFER_MIN_ROWS) as keys:
        assert keys is not None and not (deferred & _indexes(engine))
        raise RuntimeError("the load failed")
    assert deferred <= _indexes(engine)
    # a killed process never reaches the end of the block: the next run (or server start) builds what is missing
    with engine.begin() as conn:
        for name in ("ix_firm_name_key", "ix_firm_role_role", "ix_firm_intake_key"):
            conn.exec_driver_sql(f"DROP INDEX {name}")
    gone = {"ix_firm_name_key", "ix_firm_role_role", "ix_firm_intake_key"}
    assert not gone & _indexes(engine)
    with locks.load_lock(engine):  # ... but not while a load holds the lock: that load builds them at its end
        bulk.restore_indexes(engine)
        assert not gone & _indexes(engine)
    bulk.restore_indexes(engine)
    assert deferred <= _indexes(engine)
    with engine.connect() as conn:  # the intake key is unique again
        sql = (
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_firm_intake_key'"
            if engine.dialect.name == "postgresql"
            else "SELECT sql FROM sqlite_master WHERE name = 'ix_firm_intake_key'"
        )
        assert "UNIQUE" in conn.exec_driver_sql(sql).scalar_one().upper()


def test_a_deferred_load_knows_its_own_keys_and_forgets_a_rolled_back_batch(
    engine: Engine, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the intake-key index the load recognises firms it wrote in earlier files and earlier batches, applies
    a later corrected row as an update, and after a batch that rolled back writes that batch again on resume."""
    monkeypatch.setattr(deferred_mod, "DEFER_MIN_ROWS", 5)
    settings = settings.model_copy(update={"intake_batch_rows": 3})
    first = write_csv(tmp_path / "a.csv", [good_row(i) for i in range(1, 7)])
    again = write_csv(  # firms 1-3 again (2 corrected, and listed twice), plus 7-9
        tmp_path / "b.csv",
        [
            good_row(1),
            good_row(2, **{"Jumlah TK": "9"}),
            good_row(3),
            *[good_row(i) for i in range(7, 10)],
            good_row(2, **{"Jumlah TK": "11"}),
        ],
    )
    finals = jobs.run_jobs(engine, _jobs(engine, settings, [first, again]), settings)
    assert [(j.inserted, j.updated, j.unchanged) for j in finals] == [(6, 0, 0), (3, 2, 2)]
    with session_scope(engine) as s:
        assert _firms(engine) == 9
        assert s.scalar(select(Firm.workers).where(Firm.name == "UD Sumber Rejeki 2")) == 11

    calls = {"n": 0}
    real = bulk.link_sentra

    def failing_once(*args: object, **kwargs: object) -> int:
        calls["n"] += 1
        if calls["n"] == 2:  # the second batch of the file rolls back after its firms were written
            raise RuntimeError("disk full")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bulk, "link_sentra", failing_once)
    third = write_csv(tmp_path / "c.csv", [good_row(i) for i in range(10, 19)])
    ids = _jobs(engine, settings, [third])
    [stopped] = jobs.run_jobs(engine, ids, settings)
    assert (stopped.status, stopped.inserted) == ("interrupted", 3)
    assert _firms(engine) == 12
    [resumed] = jobs.run_jobs(engine, ids, settings)  # the next load reads the committed keys and goes on
    assert (resumed.status, resumed.inserted, resumed.unchanged) == ("done", 9, 0)
    assert _firms(engine) == 18
    assert _indexes(engine) >= DEFERRED


def test_other_batches_wait_while_a_deferred_load_holds_the_lock(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """An upload arriving during a load that writes without the unique intake key waits for it, then writes."""
    [job_id] = _jobs(engine, settings, [write_csv(tmp_path / "a.csv", [good_row(i) for i in range(1, 4)])])
    finished: list[ImportJob] = []
    with bulk.deferred_indexes(engine, incoming_rows=deferred_mod.DEFER_MIN_ROWS) as keys:
        assert keys is not None
        upload = threading.Thread(target=lambda: finished.append(jobs.run_job(engine, job_id, settings)))
        upload.start()
        time.sleep(1.5)
        assert not finished and _firms(engine) == 0  # waiting for the load's lock
    upload.join(timeout=300)
    assert [(j.status, j.inserted) for j in finished] == [("done", 3)]
    assert _indexes(engine) >= DEFERRED


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
        assert s.get(ImportJob, ids[2]).status == "queued"
    assert _firms(engine) == 4
    rest = jobs.run_jobs(engine, [ids[2]], settings)
    assert [(j.status, j.inserted) for j in rest] == [("done", 4)]


def test_known_keys_keep_a_committed_batch_and_drop_a_rolled_back_one() -> None:
    keys = bulk.KnownKeys(
        pl.DataFrame({"intake_key": ["a"], "_id": [1], "_hash": ["h1"], "_year": [2023]}), pl.Series(["F-1"])
    )
    written = pl.DataFrame(
        {"intake_key": ["a", "b"], "_id": [1, 2], "content_hash": ["h2", "h3"], "tahun_data": [2024] * 2}
    )
    with pytest.raises(RuntimeError), keys.batch():
        keys.record(written, pl.Series(["F-2"]))
        assert keys.lookup(pl.Series(["a", "b"])).rows() == [("a", 1, "h2", 2024), ("b", 2, "h3", 2024)]
        assert keys.taken(["F-1", "F-2", "F-3"]) == {"F-1", "F-2"}
        raise RuntimeError("rolled back")
    assert keys.lookup(pl.Series(["a", "b"])).rows() == [("a", 1, "h1", 2023)]
    assert keys.taken(["F-1", "F-2", "F-3"]) == {"F-1"}
    for k in range(bulk.KnownKeys.COMPACT_AFTER + 2):  # many committed batches: merged, the latest state kept
        with keys.batch():
            keys.record(written, pl.Series([f"F-x{k}"]))
    assert keys.taken(["F-1", "F-x0", f"F-x{bulk.KnownKeys.COMPACT_AFTER + 1}", "F-2"]) == {
        "F-1",
        "F-x0",
        f"F-x{bulk.KnownKeys.COMPACT_AFTER + 1}",
    }
    assert keys.lookup(pl.Series(["b", "a", "c"])).sort("intake_key").rows() == [
        ("a", 1, "h2", 2024),
        ("b", 2, "h3", 2024),
    ]


def test_a_firm_registered_by_hand_is_refused_while_a_deferred_load_runs(engine: Engine) -> None:
    data = FirmCreate(name="Eceng Gondok Kreasi", regency_code="33.22", products="tas anyaman")
    with locks.load_lock(engine), session_scope(engine) as s:
        with pytest.raises(DomainError) as refused:
            registry_service.create_firm(s, data=data)
        assert refused.value.key == "registry.error.load_running"
    with session_scope(engine) as s:
        firm = registry_service.create_firm(s, data=data)
        assert registry_service.get_firm(s, public_id=firm.public_id).id == firm.id
    assert _firms(engine) == 1


def test_a_sqlite_load_checkpoints_its_wal_on_its_own_connection(
    engine: Engine, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batches' commits leave the WAL to the load's checkpointer; pooled connections checkpoint again after."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: PostgreSQL has no per-connection WAL checkpoints")
    monkeypatch.setattr(deferred_mod, "DEFER_MIN_ROWS", 5)
    monkeypatch.setattr(deferred_mod, "CHECKPOINT_EVERY_S", 0.01)
    during: list[int] = []
    real = upsert._upsert

    def spy(conn, *args, **kwargs):
        during.append(conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one())
        return real(conn, *args, **kwargs)

    monkeypatch.setattr(upsert, "_upsert", spy)
    paths = [write_csv(tmp_path / f"{n}.csv", [good_row(i) for i in range(n * 10, n * 10 + 10)]) for n in (1, 2)]
    finals = jobs.run_jobs(engine, _jobs(engine, settings, paths), settings)
    assert [(j.status, j.inserted) for j in finals] == [("done", 10), ("done", 10)]
    assert during and set(during) == {0}  # the batches did not checkpoint
    assert not any(t.name == "sqlite-checkpoint" for t in threading.enumerate())  # the checkpointer ended
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one() == 1000
        busy, frames, done = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        assert busy == 0 and frames == done  # every committed page is in the database file
    assert _firms(engine) == 20

"""Kill an import process mid-way: no partial batch is left, and resuming completes the import."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from jejaring.core.db import build_engine, session_scope
from jejaring.intake.models import ImportJob
from jejaring.registry.models import Firm, FirmRole, RecordSource
from tests.intake.conftest import good_row, write_csv

ROWS, BATCH = 600, 40


def _env(db_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "JEJARING_DATABASE_URL": db_url,
        "JEJARING_DATA_DIR": str(tmp_path / "var"),
        "JEJARING_INTAKE_BATCH_ROWS": str(BATCH),
        "JEJARING_INTAKE_BATCH_PAUSE_MS": "150",
    }


def test_kill_and_resume(db_url: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "besar.csv", [good_row(i) for i in range(1, ROWS + 1)])
    cmd = [sys.executable, "-m", "jejaring.cli", "intake", str(path), "--office", "32", "--json"]
    proc = subprocess.Popen(cmd, env=_env(db_url, tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    engine = build_engine(db_url)
    try:
        deadline = time.monotonic() + 300  # a loaded machine starts the CLI slowly
        done = 0
        while time.monotonic() < deadline and proc.poll() is None:
            with session_scope(engine) as s:
                done = s.scalar(select(func.max(ImportJob.batches_done))) or 0
            if done >= 3:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the import finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=10)  # waits and closes its pipes
        with session_scope(engine) as s:
            job = s.scalars(select(ImportJob)).one()
            firms = s.scalar(select(func.count()).select_from(Firm)) or 0
            assert job.status == "running" and 3 <= job.batches_done < ROWS // BATCH
            # only whole batches: every committed row complete (firm, role, provenance), nothing else
            assert firms == job.batches_done * BATCH == job.inserted == job.accepted == job.rows_done
            assert s.scalar(select(func.count()).select_from(FirmRole)) == firms
            assert s.scalar(select(func.count()).select_from(RecordSource)) == firms
            job_id = job.id
        resumed = subprocess.run(
            [sys.executable, "-m", "jejaring.cli", "intake", "--resume", str(job_id), "--json"],
            env={**_env(db_url, tmp_path), "JEJARING_INTAKE_BATCH_PAUSE_MS": "0"},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert resumed.returncode == 0, resumed.stderr
        report = json.loads(resumed.stdout)
        assert (report["rows_read"], report["accepted"], report["quarantined"]) == (ROWS, ROWS, 0)
        with session_scope(engine) as s:
            assert s.scalar(select(func.count()).select_from(Firm)) == ROWS
            assert s.scalar(select(func.count()).select_from(RecordSource)) == ROWS
            assert s.scalar(select(ImportJob.status)) == "done"
    finally:
        if proc.poll() is None:
            proc.kill()
        engine.dispose()

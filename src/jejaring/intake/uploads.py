"""Receive an uploaded file on the web edge: stream it to disk within the size limit, then create a job."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import Request, UploadFile
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from jejaring.accounts.roles import Actor
from jejaring.core.config import Settings
from jejaring.intake import jobs, service
from jejaring.intake.enums import JobStatus
from jejaring.intake.models import ImportJob
from jejaring.intake.reader import FileError

CHUNK = 1 << 20


async def receive(
    request: Request,
    session: Session,
    *,
    upload: UploadFile,
    office: str | None,
    year: int | None,
    uploaded_by: str,
    actor: Actor | None = None,
) -> tuple[ImportJob, list[str]]:
    """Store ``upload`` and create its job; returns the job and the headers that still need mapping."""
    settings: Settings = request.app.state.settings
    limit = settings.max_upload_mb * 1_000_000
    Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=settings.data_dir, delete=False, suffix=".upload") as tmp:
        size = 0
        while chunk := await upload.read(CHUNK):
            size += len(chunk)
            if size > limit:
                tmp.close()
                Path(tmp.name).unlink(missing_ok=True)
                raise FileError("intake.file.too_large", size_mb=round(size / 1e6, 1), max_mb=settings.max_upload_mb)
            tmp.write(chunk)
    if size == 0:
        Path(tmp.name).unlink(missing_ok=True)
        raise FileError("intake.file.empty")
    try:  # database work off the event loop: a write waiting for SQLite's lock must not stall every request
        job = await run_in_threadpool(
            service.create_job,
            session,
            source=Path(tmp.name),
            file_name=upload.filename or "upload.csv",
            data_dir=settings.data_dir,
            office=office,
            reference_year=year,
            uploaded_by=uploaded_by,
            move=True,
            actor=actor,
        )
    finally:
        Path(tmp.name).unlink(missing_ok=True)
    # reading the header means reading the file: off the event loop
    unmapped = await run_in_threadpool(
        service.inspect_job, session, job=job, max_bytes=limit, max_rows=settings.max_upload_rows
    )
    return job, unmapped


def start(request: Request, session: Session, job: ImportJob) -> None:
    """Commit the job and run it in the background of the web process."""
    session.commit()
    if job.status == JobStatus.QUEUED:
        jobs.start_in_thread(request.app.state.engine, job.id, request.app.state.settings)

"""JSON API of intake (/api/v1/intake): upload a file, follow its job, read its errors, map headers, cancel."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from jejaring.intake import quarantine, service, uploads
from jejaring.intake.deps import ApiUploaderDep, Uploader
from jejaring.intake.models import ImportJob
from jejaring.web.deps import LangDep, SessionDep

router = APIRouter(prefix="/intake", tags=["intake"])


def _job(session: SessionDep, uploader: Uploader, job_id: int) -> ImportJob:
    job = service.get_job(session, job_id=job_id)
    uploader.check_job(job)
    return job


class JobOut(BaseModel):
    """An import job's state."""

    id: int
    status: str
    file_name: str
    office: str | None
    reference_year: int | None
    rows_total: int
    rows_read: int
    accepted: int
    quarantined: int
    inserted: int
    updated: int
    unchanged: int
    percent: int
    unmapped_headers: list[str] = []

    @classmethod
    def of(cls, job: ImportJob, unmapped: list[str] | None = None) -> JobOut:
        """From a job row."""
        return cls(
            id=job.id,
            status=service.effective_status(job),
            file_name=job.file_name,
            office=job.office,
            reference_year=job.reference_year,
            rows_total=job.rows_total,
            rows_read=job.rows_done,
            accepted=job.accepted,
            quarantined=job.quarantined,
            inserted=job.inserted,
            updated=job.updated,
            unchanged=job.unchanged,
            percent=job.percent,
            unmapped_headers=unmapped or [],
        )


class ErrorOut(BaseModel):
    """One reason a row was refused."""

    row: int
    column: str
    value: str | None
    reason: str
    firm: str | None = None  # the row's business name, as uploaded


class ReportOut(BaseModel):
    """The same report as ``jejaring intake --json``."""

    rows_read: int
    accepted: int
    quarantined: int
    errors: list[ErrorOut]


@router.post("/jobs", response_model=JobOut, status_code=202)
async def upload(
    request: Request,
    session: SessionDep,
    uploader: ApiUploaderDep,
    file: Annotated[UploadFile, File()],
    office: Annotated[str | None, Form()] = None,
    year: Annotated[int | None, Form(ge=1990, le=2100)] = None,
) -> JobOut:
    """Upload an XLSX/CSV file; it imports in the background (``needs_mapping`` lists unknown headers)."""
    job, unmapped = await uploads.receive(
        request,
        session,
        upload=file,
        office=uploader.check_office(office),
        year=year,
        uploaded_by=uploader.name,
        actor=uploader.actor,
    )
    await run_in_threadpool(uploads.start, request, session, job)
    return JobOut.of(job, unmapped)


@router.get("/jobs/{job_id}", response_model=JobOut)
def read_job(session: SessionDep, uploader: ApiUploaderDep, job_id: int) -> JobOut:
    """A job's status and counts."""
    return JobOut.of(_job(session, uploader, job_id))


@router.get("/jobs/{job_id}/report", response_model=ReportOut)
def report(session: SessionDep, lang: LangDep, uploader: ApiUploaderDep, job_id: int) -> ReportOut:
    """Rows read, accepted and quarantined, and every error with row, column, value and reason."""
    job = _job(session, uploader, job_id)
    errors = quarantine.all_errors(session, job=job, lang=lang)
    return ReportOut(
        rows_read=job.rows_done,
        accepted=job.accepted,
        quarantined=job.quarantined,
        errors=[ErrorOut(row=e.row, column=e.column, value=e.value, reason=e.reason, firm=e.firm) for e in errors],
    )


@router.post("/jobs/{job_id}/mapping", response_model=JobOut)
def map_headers(
    request: Request, session: SessionDep, uploader: ApiUploaderDep, job_id: int, choices: dict[str, str]
) -> JobOut:
    """Map unknown headers (header → template field, ``""`` to ignore); remembered for the office."""
    job = _job(session, uploader, job_id)
    service.save_mapping(session, job=job, choices=choices, actor=uploader.actor)
    uploads.start(request, session, job)
    return JobOut.of(job)


@router.post("/jobs/{job_id}/cancel", response_model=JobOut)
def cancel(session: SessionDep, uploader: ApiUploaderDep, job_id: int) -> JobOut:
    """Stop a job after its current batch."""
    job = _job(session, uploader, job_id)
    service.request_cancel(session, job=job, actor=uploader.actor)
    return JobOut.of(job)

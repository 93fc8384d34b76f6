"""HTML pages of intake: upload, header mapping, job progress with the error list, corrections, XLSX export."""

from __future__ import annotations

import json
from functools import partial
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from jejaring.core.i18n import translate
from jejaring.core.numbers import page_count
from jejaring.intake import jobs, quarantine, service, shape, uploads
from jejaring.intake.deps import Uploader, UploaderDep
from jejaring.intake.enums import JobStatus
from jejaring.intake.headers import FIELDS
from jejaring.intake.models import ImportJob
from jejaring.reference import catalog, wilayah
from jejaring.web.deps import LangDep, SessionDep
from jejaring.web.rendering import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


def _int_or_none(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _job(session: SessionDep, uploader: Uploader, job_id: int) -> ImportJob:
    job = service.get_job(session, job_id=job_id)
    uploader.check_job(job)
    return job


@router.get("/intake")
def upload_page(request: Request, session: SessionDep, lang: LangDep, uploader: UploaderDep) -> Response:
    """The upload form (drag and drop, or a plain file input) and the latest jobs (of the user's region)."""
    recent = service.recent_jobs(session, office=uploader.office)
    return render(
        request,
        "intake/upload.html",
        {
            "jobs": recent,
            "offices": office_choices(uploader),
            "status_of": service.effective_status,
            "my_office": uploader.office,  # preset: the officer's own province (or regency)
        },
        lang=lang,
    )


def office_choices(uploader: Uploader) -> list[tuple[str, str]]:
    """The offices the uploader may name, as (code, name): an officer's own region only, else every province."""
    if uploader.office:
        found = wilayah.regency(uploader.office) if "." in uploader.office else wilayah.province(uploader.office)
        return [(uploader.office, str(found["name"]) if found else uploader.office)]
    return [(str(p["code"]), str(p["name"])) for p in catalog.provinces()]


@router.post("/intake")
async def upload(
    request: Request,
    session: SessionDep,
    lang: LangDep,
    uploader: UploaderDep,
    file: Annotated[UploadFile, File()],
    office: Annotated[str | None, Form()] = None,
    year: Annotated[str | None, Form()] = None,
) -> Response:
    """Receive a file, create its job, ask for unmapped headers or start importing."""
    job, unmapped = await uploads.receive(
        request,
        session,
        upload=file,
        office=uploader.check_office(office),
        year=_int_or_none(year),
        uploaded_by=uploader.name,
        actor=uploader.actor,
    )
    await run_in_threadpool(uploads.start, request, session, job)
    if unmapped:
        return _see(f"/intake/jobs/{job.id}/mapping")
    return _see(f"/intake/jobs/{job.id}")


def _job_context(request: Request, session: SessionDep, job: ImportJob, lang: str, page: int) -> dict[str, object]:
    rows, total = quarantine.job_rows(session, job=job, page=page, page_size=PAGE_SIZE)
    return {
        "job": job,
        "status": service.effective_status(job),
        "rows": [(r, quarantine.describe(job, r, lang)) for r in rows],
        "open_total": total,
        "fixed_total": service.resolved_count(session, job=job),
        "page": page,
        "pages": page_count(total, PAGE_SIZE),
        "error_text": translate(job.error_key, lang, **json.loads(job.error_params or "{}")) if job.error_key else None,
        "editable": not service.is_fixed_template_job(job),  # sentra rows are corrected in the file and uploaded again
    }


@router.get("/intake/jobs/{job_id}")
def job_page(
    request: Request,
    session: SessionDep,
    lang: LangDep,
    uploader: UploaderDep,
    job_id: int,
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    """A job: live progress (htmx polls the same partial), counts, and the quarantined rows with reasons."""
    job = _job(session, uploader, job_id)
    return render(
        request,
        "intake/job.html",
        _job_context(request, session, job, lang, page),
        lang=lang,
        partial="intake/_job.html",
    )


@router.post("/intake/jobs/{job_id}/cancel")
def cancel(session: SessionDep, uploader: UploaderDep, job_id: int) -> Response:
    """Stop the job after its current batch."""
    service.request_cancel(session, job=_job(session, uploader, job_id), actor=uploader.actor)
    return _see(f"/intake/jobs/{job_id}")


@router.post("/intake/jobs/{job_id}/resume")
def resume(request: Request, session: SessionDep, uploader: UploaderDep, job_id: int) -> Response:
    """Continue an interrupted or cancelled job from its last committed batch."""
    job = _job(session, uploader, job_id)
    if service.effective_status(job) in (JobStatus.INTERRUPTED, JobStatus.CANCELLED, JobStatus.QUEUED):
        job.status = JobStatus.QUEUED
        session.commit()
        jobs.start_in_thread(request.app.state.engine, job.id, request.app.state.settings)
    return _see(f"/intake/jobs/{job_id}")


@router.get("/intake/jobs/{job_id}/quarantine.xlsx")
def download(session: SessionDep, lang: LangDep, uploader: UploaderDep, job_id: int) -> Response:
    """The open quarantined rows as XLSX, to correct and upload again."""
    job = _job(session, uploader, job_id)
    data = quarantine.export_xlsx(session, job=job, lang=lang)
    name = f"karantina-{job.id}-{job.file_name.rsplit('.', 1)[0]}.xlsx"
    return Response(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/intake/jobs/{job_id}/mapping")
def mapping_page(request: Request, session: SessionDep, lang: LangDep, uploader: UploaderDep, job_id: int) -> Response:
    """Map (or ignore) the headers the system did not recognise."""
    job = _job(session, uploader, job_id)
    if job.status != JobStatus.NEEDS_MAPPING:
        return _see(f"/intake/jobs/{job_id}")
    unmapped = service.unmapped_headers(job)
    samples = service.header_samples(job, unmapped)
    return render(
        request,
        "intake/mapping.html",
        {"job": job, "unmapped": unmapped, "samples": samples, "fields": FIELDS},
        lang=lang,
    )


@router.post("/intake/jobs/{job_id}/mapping")
async def save_mapping(request: Request, session: SessionDep, uploader: UploaderDep, job_id: int) -> Response:
    """Remember the uploader's choices for the office and start the import."""
    job = _job(session, uploader, job_id)
    form = await request.form()
    unmapped = service.unmapped_headers(job)
    choices = {h: str(form.get(f"map_{i}", "")) for i, h in enumerate(unmapped)}
    service.save_mapping(session, job=job, choices=choices, actor=uploader.actor)
    uploads.start(request, session, job)
    return _see(f"/intake/jobs/{job_id}")


@router.get("/intake/jobs/{job_id}/rows/{row_id}")
def row_form(
    request: Request, session: SessionDep, lang: LangDep, uploader: UploaderDep, job_id: int, row_id: int
) -> Response:
    """The correction form of one quarantined row, with its reasons next to the fields."""
    job = _job(session, uploader, job_id)
    row = quarantine.get_row(session, job=job, row_id=row_id)
    return _row_page(request, job, row, lang)


def _row_page(request: Request, job: ImportJob, row: object, lang: str, status_code: int = 200) -> Response:
    from jejaring.intake.models import QuarantineRow

    assert isinstance(row, QuarantineRow)
    errors = quarantine.describe(job, row, lang)
    by_field: dict[str, list[str]] = {}
    for e in errors:
        by_field.setdefault(e.field, []).append(e.reason)
    return render(
        request,
        "intake/row.html",
        {
            "job": job,
            "row": row,
            "values": json.loads(row.values),
            "errors_by_field": by_field,
            "row_errors": by_field.get(shape.ROW_FIELD, []),  # about the whole row (cells not lining up)
            "fields": FIELDS,
            "names": quarantine.column_names(job),
        },
        lang=lang,
        status_code=status_code,
    )


@router.post("/intake/jobs/{job_id}/rows/{row_id}")
async def correct_row(
    request: Request, session: SessionDep, lang: LangDep, uploader: UploaderDep, job_id: int, row_id: int
) -> Response:
    """Re-validate a corrected row; import it when it passes, else show what is still wrong."""
    job = _job(session, uploader, job_id)
    row = quarantine.get_row(session, job=job, row_id=row_id)
    form = await request.form()
    values = {f: str(form.get(f, "")) for f in FIELDS}
    ok = await run_in_threadpool(  # a registry write: off the event loop
        partial(quarantine.correct_row, session, job=job, row=row, values=values),
        settings=request.app.state.settings,
        actor=uploader.actor,
    )
    if ok:
        return _see(f"/intake/jobs/{job_id}?fixed={row.row_number}")
    return _row_page(request, job, row, lang, status_code=422)

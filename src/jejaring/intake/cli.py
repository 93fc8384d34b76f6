"""``jejaring intake FILE...``: import provincial files synchronously, with progress and a JSON report."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from jejaring.accounts.roles import system_actor
from jejaring.core.config import get_settings
from jejaring.core.db import get_engine, session_scope
from jejaring.core.errors import DomainError
from jejaring.core.i18n import translate
from jejaring.intake.enums import JobStatus

if TYPE_CHECKING:
    from jejaring.intake.models import ImportJob

err_console = Console(stderr=True)


def _report(job: ImportJob, lang: str, with_file: bool) -> dict[str, object]:
    from jejaring.intake import quarantine, service

    with session_scope(get_engine()) as s:
        errors = quarantine.all_errors(s, job=service.get_job(s, job_id=job.id), lang=lang)
    items: list[dict[str, object]] = []
    for e in errors:
        item: dict[str, object] = {"row": e.row, "column": e.column, "value": e.value or "", "reason": e.reason}
        item["firm"] = e.firm
        if with_file:
            item["file"] = job.file_name
        items.append(item)
    return {"rows_read": job.rows_done, "accepted": job.accepted, "quarantined": job.quarantined, "errors": items}


def _fatal(message: str) -> None:
    err_console.print(f"[red]{message}[/red]")
    raise typer.Exit(2)


def intake(
    files: list[Path] = typer.Argument(None, help="XLSX or CSV files in the provincial template."),
    office: str | None = typer.Option(None, "--office", help="Kode wilayah of the sending office (32, 32.09)."),
    year: int | None = typer.Option(None, "--year", help="Reference year for rows without tahun_data."),
    as_json: bool = typer.Option(False, "--json", help="Print the JSON report (rows_read, accepted, …)."),
    resume: int | None = typer.Option(None, "--resume", help="Resume the interrupted job with this number."),
    uploaded_by: str | None = typer.Option(None, "--uploaded-by", help="Who sends the data (provenance)."),
    lang: str = typer.Option("id", "--lang", help="Language of the reasons: id or en."),
) -> None:
    """Validate and import provincial files; rejected rows go to quarantine (exit 2 only on a fatal file error)."""
    from jejaring.intake import jobs, service

    settings = get_settings()
    engine = get_engine(settings.database_url)
    job_ids: list[int] = []
    if resume is not None:
        job_ids.append(resume)
    for path in files or []:
        if not path.is_file():
            _fatal(translate("intake.file.missing", lang, name=str(path)))
        try:
            with session_scope(engine) as s:
                job = service.create_job(
                    s,
                    source=path,
                    file_name=path.name,
                    data_dir=settings.data_dir,
                    office=office,
                    reference_year=year,
                    uploaded_by=uploaded_by or "cli",
                    actor=system_actor("cli"),
                )
                unmapped = service.inspect_job(
                    s, job=job, max_bytes=settings.max_upload_mb * 1_000_000, max_rows=settings.max_upload_rows
                )
                if job.status == JobStatus.FAILED:
                    _fatal(
                        f"{path.name}: " + translate(job.error_key or "", lang, **json.loads(job.error_params or "{}"))
                    )
                if unmapped:  # the CLI cannot ask: unmapped columns are ignored, and said so
                    service.save_mapping(s, job=job, choices={}, actor=system_actor("cli"))
                    err_console.print(
                        translate("intake.cli.unmapped", lang, name=path.name, headers=", ".join(unmapped))
                    )
                    job.status = JobStatus.QUEUED
                job_ids.append(job.id)
        except DomainError as exc:
            _fatal(translate(exc.key, lang, **exc.params, value=exc.params.get("value", "")))
    if not job_ids:
        _fatal(translate("intake.cli.no_files", lang))

    def show(j: ImportJob) -> None:
        if not as_json:
            err_console.print(f"{j.file_name}: {j.rows_done:,}/{j.rows_total:,} ({j.percent}%)")

    finals = jobs.run_jobs(engine, job_ids, settings, progress=show)
    for final in finals:
        if final.status in (JobStatus.FAILED, JobStatus.INTERRUPTED):
            params = json.loads(final.error_params or "{}")
            _fatal(f"{final.file_name}: " + translate(final.error_key or "", lang, **params))
    if any(j.inserted or j.updated for j in finals):
        jobs.refresh_insights(engine, analyze=any(j.inserted for j in finals))
    reports = [_report(j, lang, with_file=len(finals) > 1) for j in finals]
    total = {
        "rows_read": sum(int(r["rows_read"]) for r in reports),  # type: ignore[call-overload]
        "accepted": sum(int(r["accepted"]) for r in reports),  # type: ignore[call-overload]
        "quarantined": sum(int(r["quarantined"]) for r in reports),  # type: ignore[call-overload]
        "errors": [e for r in reports for e in r["errors"]],  # type: ignore[attr-defined]
    }
    if as_json:
        sys.stdout.write(json.dumps(total, ensure_ascii=False) + "\n")
        return
    console = Console()
    for j in finals:
        console.print(
            translate(
                "intake.cli.summary",
                lang,
                job=j.id,
                name=j.file_name,
                rows=j.rows_done,
                accepted=j.accepted,
                quarantined=j.quarantined,
                inserted=j.inserted,
                updated=j.updated,
                unchanged=j.unchanged,
                status=translate(f"intake.status.{j.status}", lang),
            )
        )
    for e in total["errors"][:50]:  # type: ignore[index]
        console.print(f"  {e['row']:>7}  {e['column']}: {e['reason']}")
    if len(total["errors"]) > 50:  # type: ignore[arg-type]
        console.print(translate("intake.cli.more_errors", lang, n=len(total["errors"]) - 50))  # type: ignore[arg-type]

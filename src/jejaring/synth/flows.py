"""The demo workflow: a small synthetic nation loaded the way real data arrives.

generate (synth) → every provincial IKM and sentra file through intake (jobs, validation, quarantine,
provenance) → the rest of the ecosystem (large industries, suppliers, distributors, after-sales,
exporters, financiers) into the registry → entity resolution → insights rollups.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from jejaring.core.config import Settings
from jejaring.core.db import session_scope
from jejaring.synth.ecosystem import ROLE_FILES

log = logging.getLogger(__name__)

DEMO_SCALE = 0.005  # ≈ 22,000 IKM: the issue asks for 0.5–1 % of the nation
DEMO_SEED = 2026
Report = Callable[[str], None]


def _import_directory_files(engine: Engine, settings: Settings, files: list[Path], report: Report) -> dict[str, int]:
    from jejaring.intake import jobs
    from jejaring.intake import service as intake_service

    totals = {"rows_read": 0, "accepted": 0, "quarantined": 0}
    limits = {"max_bytes": settings.max_upload_mb * 1_000_000, "max_rows": settings.max_upload_rows}
    job_ids = []
    for path in files:
        office = path.name.split("_")[1] if path.name.count("_") >= 2 else None
        office = f"{office[:2]}.{office[2:]}" if office and len(office) == 4 else office
        with session_scope(engine) as s:
            job = intake_service.create_job(
                s, source=path, file_name=path.name, data_dir=settings.data_dir, office=office, uploaded_by="demo"
            )
            unmapped = intake_service.inspect_job(s, job=job, **limits)
            if unmapped:
                intake_service.save_mapping(s, job=job, choices={})
                job.status = "queued"
            job_ids.append(job.id)
    for i, final in enumerate(jobs.run_jobs(engine, job_ids, settings), start=1):
        report(f"intake {i}/{len(files)}: {final.file_name} ({final.status})")
        totals["rows_read"] += final.rows_done
        totals["accepted"] += final.accepted
        totals["quarantined"] += final.quarantined
    return totals


def _load_ecosystem(engine: Engine, folder: Path) -> int:
    """Large industries and the other sectors' firms, with their roles and provenance."""
    from jejaring.reference import catalog
    from jejaring.registry import service as registry_service
    from jejaring.registry.schemas import FirmCreate

    kbli_codes = {k["code"] for k in catalog.kbli() if k["level"] == "kelompok"}
    loaded = 0
    for role in ROLE_FILES:
        path = folder / f"perusahaan_{role}.csv"
        if not path.exists():
            continue
        with session_scope(engine) as s, path.open(encoding="utf-8") as fh:
            for row_number, r in enumerate(csv.DictReader(fh), start=2):
                data: dict[str, Any] = {
                    "name": r["nama_usaha"],
                    "roles": [role],
                    "regency_code": r["kode_wilayah"],
                    "kbli_code": r["kbli"] if r.get("kbli") in kbli_codes else None,
                    "products": r.get("produk") or None,
                    "nib": r.get("nib") or None,
                    "workers": int(r["tenaga_kerja"]) if r.get("tenaga_kerja") else None,
                    "investment": int(r["nilai_investasi"]) if r.get("nilai_investasi") else None,
                    "production_value": int(r["nilai_produksi"]) if r.get("nilai_produksi") else None,
                    "latitude": float(r["latitude"]) if r.get("latitude") else None,
                    "longitude": float(r["longitude"]) if r.get("longitude") else None,
                    "reference_year": 2023,
                }
                try:
                    registry_service.create_firm(
                        s,
                        data=FirmCreate.model_validate(data),
                        source=registry_service.SourceInfo(
                            office="pusat", file_name=path.name, row_number=row_number, uploaded_by="demo"
                        ),
                    )
                    loaded += 1
                except Exception as exc:  # a bad ecosystem row is logged, never silently dropped
                    log.warning("%s row %s not loaded: %s", path.name, row_number, exc)
    return loaded


def load_synthetic_demo(
    engine: Engine,
    settings: Settings,
    *,
    scale: float = DEMO_SCALE,
    seed: int = DEMO_SEED,
    report: Report | None = None,
) -> dict[str, Any]:
    """Generate (once) and load the synthetic demo nation through the real intake path."""
    from jejaring.synth import service as synth_service

    say = report or (lambda message: log.info(message))
    out = Path(settings.data_dir) / "demo-synth"
    if not (out / "MANIFEST.json").exists():
        say(f"generating the synthetic demo dataset (scale {scale}) in {out}")
        synth_service.generate(scale=scale, seed=seed, out=out)
    files = sorted(p for p in (out / "provinsi").rglob("*") if p.suffix in (".csv", ".xlsx"))
    files.sort(key=lambda p: (not p.name.startswith("sentra_"), "kabupaten" in p.parts, p.name))
    say(f"importing {len(files)} provincial files through intake")
    totals = _import_directory_files(engine, settings, files, say)
    totals["ecosystem_firms"] = _load_ecosystem(engine, out / "ekosistem")
    say("linking records (entity resolution)")
    from jejaring.accounts.roles import system_actor
    from jejaring.resolution import service as resolution_service

    with session_scope(engine) as s:
        run = resolution_service.run(s, actor=system_actor(), full=True)
        totals["merged"] = run.merged
        totals["review_queue"] = run.queued
    say("loading linkages (keterkaitan) and partnership history")
    from jejaring.ecosystem import demo as ecosystem_demo

    totals.update(ecosystem_demo.load(engine, out))
    from jejaring.intake import jobs

    jobs.refresh_insights(engine)
    return totals

"""Generate the national synthetic IKM dataset: provincial files, ecosystem, ground truth."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from jejaring.reference import catalog
from jejaring.synth import calibration, ecosystem, faults, plan, reports
from jejaring.synth.entities import kbli_tables

log = logging.getLogger(__name__)


@dataclass
class Summary:
    """What a run wrote: counts, timing and the file list (relative to ``out``)."""

    scale: float
    seed: int
    ikm_units: int
    ikm_workers: int
    sentra: int
    rows: int
    invalid_rows: int
    large_industries: int
    ecosystem_firms: int
    seconds: float
    files: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def _province_job(p: plan.ProvincePlan, out: str) -> reports.ProvinceResult:
    return reports.run(p, Path(out), kbli_tables())


def _headline(
    np_: plan.NationalPlan, results: list[reports.ProvinceResult], large: ecosystem.LargeIndustry
) -> dict[str, Any]:
    units = sum(r.units for r in results)
    workers = sum(r.workers for r in results)
    kbli_units: dict[str, int] = {}
    for r in results:
        for k, v in r.kbli_units.items():
            kbli_units[k] = kbli_units.get(k, 0) + v
    sectors = {s: 0 for s in catalog.SECTORS}
    for k, v in kbli_units.items():
        for s in catalog.sectors_of(k):
            sectors[s] += v
    divisions: dict[str, int] = {}
    for k, v in kbli_units.items():
        divisions[k[:2]] = divisions.get(k[:2], 0) + v
    size: dict[str, int] = {}
    for r in results:
        for k, v in r.size_classes.items():
            size[k] = size.get(k, 0) + v
    industry_units = units + large.units
    industry_workers = workers + large.workers
    nat = calibration.facts()["national"]
    return {
        "note": "Counted from the written data (true entities). Data are synthetic.",
        "scale": np_.targets.scale,
        "ikm_units": units,
        "ikm_units_with_valid_row": sum(r.units_with_valid_row for r in results),
        "ikm_workers": workers,
        "industry_units": industry_units,
        "industry_workers": industry_workers,
        "large_industry_units": large.units,
        "large_industry_workers": large.workers,
        "ikm_share_of_industry_units": units / industry_units,
        "ikm_share_of_industry_workers": workers / industry_workers,
        "sentra": sum(r.sentra for r in results),
        "sentra_member_units": sum(r.sentra_units for r in results),
        "sector_shares": {s: v / units for s, v in sectors.items()},
        "kbli_division_units": dict(sorted(divisions.items())),
        "size_classes": size,
        "by_province": {r.code: {"ikm_units": r.units, "ikm_workers": r.workers, "sentra": r.sentra} for r in results},
        "targets": {
            "ikm_units": np_.targets.ikm_units,
            "ikm_workers": np_.targets.ikm_workers,
            "industry_workers": np_.targets.industry_workers,
            "sentra": np_.targets.sentra,
            "sector_shares": dict(nat["sector_shares"]),
            "java_share_of_units": calibration.facts()["imk_2020"]["java_share_of_units"],
            "maluku_papua_share_of_units": calibration.facts()["imk_2020"]["maluku_papua_share_of_units"],
        },
    }


def generate(
    *,
    scale: float,
    seed: int,
    out: Path,
    progress: Callable[[str, int, int], None] | None = None,
    workers: int | None = None,
) -> Summary:
    """Write the synthetic dataset at ``scale`` (1 = national, 4.4 M IKM) under ``out``; deterministic per seed."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    t0 = time.monotonic()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    np_ = plan.build(scale, seed, faults.FAULT_RATES["hard_negative"])
    jobs = sorted(np_.provinces, key=lambda p: -p.units)
    n_workers = workers or min(2, os.cpu_count() or 1)
    results: list[reports.ProvinceResult] = []
    done = 0
    if n_workers <= 1 or scale < 0.002:
        for p in jobs:
            results.append(_province_job(p, str(out)))
            done += 1
            if progress:
                progress("provinsi", done, len(jobs))
    else:
        # spawn, not fork: polars' thread pool must not be forked (it can deadlock)
        with ProcessPoolExecutor(max_workers=n_workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(_province_job, p, str(out)) for p in jobs]
            for f in as_completed(futures):
                results.append(f.result())
                done += 1
                if progress:
                    progress("provinsi", done, len(jobs))
    results.sort(key=lambda r: r.code)
    large = ecosystem.generate(np_, results, out)
    headline = _headline(np_, results, large)
    gt = out / "ground_truth"
    (gt / "headline.json").write_text(json.dumps(headline, indent=2, ensure_ascii=False), encoding="utf-8")
    hn = pl.concat([r.hard_negatives for r in results]) if results else pl.DataFrame()
    hn.write_csv(gt / "hard_negatives.csv")
    rates = {"fault_rates": faults.FAULT_RATES, "injected": _injected(results)}
    (gt / "faults.json").write_text(json.dumps(rates, indent=2), encoding="utf-8")
    files = sorted(f for r in results for f in r.files) + large.files
    files += ["ground_truth/headline.json", "ground_truth/hard_negatives.csv", "ground_truth/faults.json"]
    summary = Summary(
        scale=scale,
        seed=seed,
        ikm_units=headline["ikm_units"],
        ikm_workers=headline["ikm_workers"],
        sentra=headline["sentra"],
        rows=sum(r.rows for r in results),
        invalid_rows=sum(r.invalid_rows for r in results),
        large_industries=large.units,
        ecosystem_firms=large.firms,
        seconds=round(time.monotonic() - t0, 2),
        files=files,
    )
    (out / "MANIFEST.json").write_text(
        json.dumps({k: v for k, v in summary.as_dict().items() if k != "seconds"}, indent=2), encoding="utf-8"
    )
    (out / "README.txt").write_text(_README, encoding="utf-8")
    log.info("synthetic dataset: %s units, %s rows in %.1f s", summary.ikm_units, summary.rows, summary.seconds)
    return summary


def _injected(results: list[reports.ProvinceResult]) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for r in results:
        for k, v in r.defects.items():
            counts[k] = counts.get(k, 0) + v
    rows = sum(r.rows for r in results)
    return {"rows": rows, "counts": counts, "rates": {k: v / max(rows, 1) for k, v in counts.items()}}


_README = """DATA SINTETIS / SYNTHETIC DATA
Generated by `jejaring synth`. Every firm, person, address and figure here is invented and calibrated
to public national totals; nothing describes a real business. Layout: docs/synth.md.
"""

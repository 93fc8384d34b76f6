"""The national plan: what each province must contain and how its office writes its files."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jejaring.synth import calibration, geo, kbli_mix

REFERENCE_YEAR = 2023
FILE_FORMATS = ("xlsx", "csv", "csv_id")  # xlsx; UTF-8 comma CSV; Latin-1 semicolon CSV, Indonesian locale


@dataclass(frozen=True)
class FileStyle:
    """How one office writes its directory."""

    fmt: str  # one of FILE_FORMATS
    header_dialect: int  # index into layout.HEADER_DIALECTS
    title_rows: int  # lines above the header (XLSX only)
    names_not_codes: bool  # writes provinsi + kabupaten_kota instead of kode_wilayah
    uppercase: bool  # writes names and addresses in capitals


@dataclass(frozen=True)
class ProvincePlan:
    """Targets and style of one province."""

    code: str
    index: int
    units: int
    workers: int
    sentra: int
    signature_counts: tuple[int, ...]
    code_weights: np.ndarray
    seed: np.random.SeedSequence
    style: FileStyle
    prior_year: bool
    hard_negative_rate: float
    year: int = REFERENCE_YEAR


@dataclass(frozen=True)
class NationalPlan:
    """Targets of the whole run and the plan of every province."""

    targets: calibration.NationalTargets
    provinces: list[ProvincePlan]
    ecosystem_seed: np.random.SeedSequence


def _styles(rng: np.random.Generator, codes: list[str]) -> dict[str, tuple[FileStyle, bool]]:
    """Deterministic spread of file styles so that every variant occurs at every scale."""
    order = rng.permutation(len(codes))
    out = {}
    for rank, i in enumerate(order):
        fmt = "csv" if rank < 6 else "csv_id" if rank < 12 else "xlsx"
        style = FileStyle(
            fmt=fmt,
            header_dialect=rank % 3,
            title_rows=(1 + rank % 3) if fmt == "xlsx" and rank % 2 == 0 else 0,
            names_not_codes=rank % 7 == 3,
            uppercase=rank % 5 == 1,
        )
        out[codes[int(i)]] = (style, rank % 4 == 0)
    return out


def build(scale: float, seed: int, hard_negative_rate: float) -> NationalPlan:
    """Targets per province at ``scale``, with per-province child seeds (independent of run order)."""
    targets = calibration.national_targets(scale)
    units = calibration.province_units(targets.ikm_units)
    codes = list(units)
    workers = calibration.largest_remainder(np.array([units[c] for c in codes], dtype=float), targets.ikm_workers)
    workers = np.maximum(workers, [units[c] for c in codes])
    sentra = calibration.province_sentra(targets.sentra)
    matrix = kbli_mix.province_matrix(units, geo.regency_population())
    sig = kbli_mix.allocate_signatures(matrix, [units[c] for c in codes])
    root = np.random.SeedSequence(seed)
    children = root.spawn(len(codes) + 2)
    styles = _styles(np.random.default_rng(children[-1]), codes)
    provinces = [
        ProvincePlan(
            code=c,
            index=i,
            units=units[c],
            workers=int(workers[i]),
            sentra=sentra[c],
            signature_counts=tuple(int(x) for x in sig[i]),
            code_weights=matrix[i],
            seed=children[i],
            style=styles[c][0],
            prior_year=styles[c][1],
            hard_negative_rate=hard_negative_rate,
        )
        for i, c in enumerate(codes)
    ]
    return NationalPlan(targets, provinces, children[-2])

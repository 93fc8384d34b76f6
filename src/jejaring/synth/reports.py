"""One province end to end: its firms' reports (province, regency offices, prior year), faults, files, truth."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from jejaring.synth import faults, geo, layout, province, writers
from jejaring.synth.entities import KbliTables
from jejaring.synth.plan import FILE_FORMATS, FileStyle, ProvincePlan

MAX_ROWS_PER_FILE = 250_000


@dataclass
class ProvinceResult:
    """What a province worker reports back: counts, files and the compact data the ecosystem needs."""

    code: str
    units: int
    workers: int
    production: int  # Rupiah per year, all IKM units of the province
    sentra: int
    sentra_units: int
    rows: int
    invalid_rows: int
    units_with_valid_row: int
    defects: dict[str, int]
    files: list[str]
    kbli_units: dict[str, int]
    hard_negatives: pl.DataFrame
    partners: pl.DataFrame  # a sample of firms for needs, offers and partnerships
    size_classes: dict[str, int] = field(default_factory=dict)


def _regency_style(rng: np.random.Generator) -> FileStyle:
    return FileStyle(
        fmt=FILE_FORMATS[int(rng.choice(3, p=[0.5, 0.3, 0.2]))],
        header_dialect=int(rng.integers(3)),
        title_rows=int(rng.integers(2)),
        names_not_codes=bool(rng.random() < 0.3),
        uppercase=bool(rng.random() < 0.3),
    )


def _part(idx: np.ndarray, path: str, kinds: list[str] | str, year: int) -> pl.DataFrame:
    kind_list = kinds if isinstance(kinds, list) else [kinds] * len(idx)
    return pl.DataFrame(
        {"entity": idx.astype(np.int64), "file": [path] * len(idx), "kind": kind_list, "year": [year] * len(idx)},
        schema={"entity": pl.Int64, "file": pl.String, "kind": pl.String, "year": pl.Int64},
    )


def _split(
    idx: np.ndarray, kinds: list[str], stem: str, ext: str, year: int, styles: dict[str, FileStyle], style: FileStyle
) -> list[pl.DataFrame]:
    """Rows of one directory, in files of at most ``MAX_ROWS_PER_FILE`` rows (``_bagianNN`` when split)."""
    n_parts = max(1, int(np.ceil(len(idx) / MAX_ROWS_PER_FILE)))
    out = []
    for p_i, chunk in enumerate(np.array_split(np.arange(len(idx)), n_parts)):
        path = f"{stem}_bagian{p_i + 1:02d}.{ext}" if n_parts > 1 else f"{stem}.{ext}"
        styles[path] = style
        out.append(_part(idx[chunk], path, [kinds[i] for i in chunk], year))
    return out


def _ext(style: FileStyle) -> str:
    return "xlsx" if style.fmt == "xlsx" else "csv"


def assemble(
    truth: province.ProvinceTruth, plan: ProvincePlan, rng: np.random.Generator, folder: str
) -> tuple[pl.DataFrame, dict[str, FileStyle]]:
    """Rows to write: entity index, file, kind and reference year, before faults."""
    e = truth.entities
    n = len(e)
    regency = e["_regency"].to_numpy()
    n_reg = int(regency.max()) + 1 if n else 0
    reporting = np.flatnonzero(rng.random(n_reg) < faults.FAULT_RATES["regency_reporting"])
    if len(reporting) == 0 and n >= 20:
        reporting = np.array([int(np.bincount(regency).argmax())])
    styles: dict[str, FileStyle] = {}
    parts: list[pl.DataFrame] = []
    only_mask = np.zeros(n, dtype=bool)
    for r in reporting:
        firms = np.flatnonzero(regency == r)
        if len(firms) == 0:
            continue
        dup = firms[rng.random(len(firms)) < faults.FAULT_RATES["dup_regency_office"]]
        rest = np.setdiff1d(firms, dup)
        k = min(len(rest), int(np.ceil(len(dup) * faults.FAULT_RATES["regency_only"])))
        only = rng.choice(rest, size=k, replace=False) if k else rest[:0]
        only_mask[only] = True
        kode = e["kode_wilayah"][int(firms[0])]
        name = geo.slug(e["kabupaten_kota"][int(firms[0])])
        style = _regency_style(rng)
        path = f"{folder}/kabupaten/ikm_{kode.replace('.', '')}_{name}_{plan.year}.{_ext(style)}"
        styles[path] = style
        idx = np.concatenate([dup, only])
        kinds = ["dup_regency_office"] * len(dup) + ["regency_only"] * len(only)
        parts.append(_part(idx, path, kinds, plan.year))
    main = np.flatnonzero(~only_mask)
    same = main[rng.random(len(main)) < faults.FAULT_RATES["dup_same_file"]]
    main_idx = np.concatenate([main, same])
    main_kind = np.array(["primary"] * len(main) + ["dup_same_file"] * len(same))
    order = np.lexsort((rng.random(len(main_idx)), regency[main_idx]))
    main_idx, main_kind = main_idx[order], main_kind[order]
    ext = _ext(plan.style)
    stem = f"{folder}/ikm_{plan.code}_{plan.year}"
    parts.extend(_split(main_idx, main_kind.tolist(), stem, ext, plan.year, styles, plan.style))
    if plan.prior_year:
        founded = e["tahun_berdiri"].to_numpy()
        prior = np.flatnonzero((founded < plan.year) & (rng.random(n) < faults.FAULT_RATES["dup_prior_year"]))
        prior = prior[np.argsort(regency[prior], kind="stable")]
        stem = f"{folder}/ikm_{plan.code}_{plan.year - 1}"
        kinds = ["dup_prior_year"] * len(prior)
        parts.extend(_split(prior, kinds, stem, ext, plan.year - 1, styles, plan.style))
    rows = pl.concat(parts)
    return rows, styles


def gather(truth: province.ProvinceTruth, rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Entity values for each row; prior-year rows carry last year's workers and investment."""
    cols = [c for c in layout.IKM_COLUMNS if c != "tahun_data"] + ["provinsi", "kabupaten_kota", "entity_id"]
    vals = truth.entities.select(cols).gather(rows["entity"].to_numpy())
    out = pl.concat([rows, vals], how="horizontal").with_columns(pl.col("year").alias("tahun_data"))
    prior = (out["kind"] == "dup_prior_year").to_numpy()
    if prior.any():
        w = out["tenaga_kerja"].to_numpy().copy()
        change = rng.integers(-1, 2, len(w))
        w = np.where(prior & (w <= 19), np.clip(w - change, 1, 19), w)
        inv = out["nilai_investasi"].to_numpy()
        inv = np.where(prior, (inv * 0.9 // 100_000) * 100_000, inv).astype(np.int64)
        out = out.with_columns(tenaga_kerja=pl.Series(w), nilai_investasi=pl.Series(inv))
    return out


def run(plan: ProvincePlan, out: Path, tables: KbliTables) -> ProvinceResult:
    """Generate, fault, write and record one province (called in a worker process)."""
    rng = np.random.default_rng(plan.seed)
    truth = province.build(plan, rng, tables)
    g_name = truth.entities["provinsi"][0]
    folder = f"provinsi/{plan.code}_{geo.slug(g_name)}"
    rows, styles = assemble(truth, plan, rng, folder)
    rows = gather(truth, rows, rng)
    defects: list[dict[str, Any]] = []
    rows = faults.apply_variants(rows, rng, defects)
    rows = faults.apply_gaps(rows, rng, defects)
    rows, invalid = faults.apply_invalid(rows, rng, defects)
    rows = rows.with_columns(valid=pl.Series(~invalid))
    row_numbers = np.zeros(len(rows), dtype=np.int64)
    files = []
    file_col = rows["file"].to_numpy()
    for path, style in styles.items():
        idx = np.flatnonzero(file_col == path)
        cols = layout.columns(layout.IKM_COLUMNS, style)
        titles = layout.title_lines("ikm", g_name, plan.year, style) if style.fmt == "xlsx" else []
        cells = layout.render(rows[idx], cols, style, rng)
        writers.write(out / path, style.fmt, layout.header(cols, style), titles, cells, style.header_dialect == 1)
        row_numbers[idx] = np.arange(len(idx)) + len(titles) + 2
        files.append(path)
    sentra_path, sentra_rows = _write_sentra(truth, plan, out, folder, rng, g_name)
    files.append(sentra_path)
    _write_truth(out, plan, truth, rows, row_numbers, defects, sentra_path, sentra_rows)
    return _result(plan, truth, rows, invalid, defects, files, rng)


def _write_sentra(
    truth: province.ProvinceTruth, plan: ProvincePlan, out: Path, folder: str, rng: np.random.Generator, g_name: str
) -> tuple[str, int]:
    style = plan.style
    path = f"{folder}/sentra_{plan.code}_{plan.year}.{_ext(style)}"
    s = truth.sentra.with_columns(tahun_data=pl.lit(plan.year, dtype=pl.Int64))
    cols = layout.columns(layout.SENTRA_COLUMNS, style)
    titles = layout.title_lines("sentra", g_name, plan.year, style) if style.fmt == "xlsx" else []
    cells = layout.render(s, cols, style, rng)
    writers.write(out / path, style.fmt, layout.header(cols, style), titles, cells, style.header_dialect == 1)
    return path, len(titles) + 2


def _write_truth(
    out: Path,
    plan: ProvincePlan,
    truth: province.ProvinceTruth,
    rows: pl.DataFrame,
    row_numbers: np.ndarray,
    defects: list[dict[str, Any]],
    sentra_path: str,
    sentra_first: int,
) -> None:
    gt = out / "ground_truth"
    for sub in ("rows", "defects", "entities", "sentra"):
        (gt / sub).mkdir(parents=True, exist_ok=True)
    d = pl.DataFrame(
        defects,
        schema={
            "row": pl.Int64,
            "kind": pl.String,
            "column": pl.String,
            "true_value": pl.String,
            "written_value": pl.String,
        },
        strict=False,
    )
    kinds = d.group_by("row").agg(pl.col("kind").sort().str.join(";").alias("defects"))
    r = rows.select("file", "entity_id", "kind", "valid").with_columns(
        row=pl.Series(row_numbers), _i=pl.int_range(pl.len(), dtype=pl.Int64)
    )
    r = r.join(kinds, left_on="_i", right_on="row", how="left").sort("_i")
    s = truth.sentra
    sentra_rows = pl.DataFrame(
        {
            "file": [sentra_path] * len(s),
            "entity_id": s["sentra_id"],
            "kind": "sentra",
            "valid": True,
            "row": np.arange(len(s)) + sentra_first,
            "defects": None,
        },
        schema_overrides={"defects": pl.String},
    )
    r = pl.concat(
        [
            r.select("file", "row", "entity_id", "kind", "valid", "defects"),
            sentra_rows.select("file", "row", "entity_id", "kind", "valid", "defects"),
        ]
    )
    r.write_csv(gt / "rows" / f"{plan.code}.csv")
    meta = r.with_row_index("_i").select("_i", "file", "row", "entity_id")
    d.join(meta, left_on="row", right_on="_i", how="left", suffix="_n").select(
        "file", pl.col("row_n").alias("row"), "entity_id", "kind", "column", "true_value", "written_value"
    ).write_csv(gt / "defects" / f"{plan.code}.csv")
    truth.entities.drop("_regency", "_kbli_idx").write_csv(gt / "entities" / f"{plan.code}.csv")
    truth.sentra.write_csv(gt / "sentra" / f"{plan.code}.csv")


def _result(
    plan: ProvincePlan,
    truth: province.ProvinceTruth,
    rows: pl.DataFrame,
    invalid: np.ndarray,
    defects: list[dict[str, Any]],
    files: list[str],
    rng: np.random.Generator,
) -> ProvinceResult:
    e = truth.entities
    counts: dict[str, int] = {}
    for d in defects:
        counts[d["kind"]] = counts.get(d["kind"], 0) + 1
    counts["hard_negative"] = len(truth.hard_negatives)
    valid_units = rows.filter(pl.col("valid"))["entity_id"].n_unique()
    kbli_units = dict(e.group_by("kbli").len().iter_rows())
    size = dict(e.group_by("size_class").len().iter_rows())
    pick = rng.random(len(e)) < min(1.0, max(0.03, 40 / max(len(e), 1)))
    partners = e.filter(pl.Series(pick)).select(
        "entity_id", "nama_usaha", "nib", "kode_wilayah", "kbli", "produk", "tenaga_kerja", "size_class"
    )
    return ProvinceResult(
        code=plan.code,
        units=len(e),
        workers=int(e["tenaga_kerja"].sum()),
        production=int(e["nilai_produksi"].sum()),
        sentra=len(truth.sentra),
        sentra_units=int(truth.sentra["jumlah_unit"].sum()),
        rows=len(rows),
        invalid_rows=int(invalid.sum()),
        units_with_valid_row=int(valid_units),
        defects=counts,
        files=files,
        kbli_units={str(k): int(v) for k, v in kbli_units.items()},
        hard_negatives=truth.hard_negatives,
        partners=partners,
        size_classes={str(k): int(v) for k, v in size.items()},
    )

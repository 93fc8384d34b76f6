"""Import of CEPII BACI files (``t,i,j,k,v,q``) into the trade table, with every refused row named.

BACI (CEPII, Etalab Open Licence 2.0) is downloaded by the user, one CSV per year. Columns: ``t`` year,
``i`` exporter, ``j`` importer (ISO 3166-1 numeric codes as BACI writes them, or ISO3 letters), ``k``
HS6 product (leading zeros may be missing), ``v`` value in thousand USD, ``q`` quantity in tonnes (may be
empty or ``NA``). A file polars reads as numbers throughout (BACI's own files) is checked on the numbers
(``_check_numeric``); anything else, or any number that breaks a rule, sends the whole file through the
text pass (``check``), which reports each refused row with its line in the file (header = line 1), the
column and the reason. Both are vectorised polars passes; the numeric one needs about half the CPU. A file with
refused rows loads nothing unless ``accept_valid`` is given, which loads the valid rows only. Loading
a year replaces that year of an earlier BACI load and keeps the others; it replaces a synthetic world.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import polars as pl

from jejaring.markets import atlas, store

COLUMNS = ("t", "i", "j", "k", "v", "q")
ALIASES = {"year": "t", "exporter": "i", "importer": "j", "hs6": "k", "value": "v", "quantity": "q"}
# BACI's own numeric codes where they differ from ISO 3166-1 (its country_codes file).
BACI_CODES = {842: "USA", 251: "FRA", 579: "NOR", 757: "CHE", 699: "IND", 490: "TWN", 58: "BEL"}
MAX_LISTED = 1000


class BaciFormatError(ValueError):
    """The file is not a BACI-layout CSV (missing columns)."""


def _codes() -> dict[str, str]:
    mapping = {str(k): v for k, v in atlas.m49_to_iso3().items()}
    mapping.update({str(k): v for k, v in BACI_CODES.items()})
    for iso in set(mapping.values()):
        mapping[iso] = iso
    return mapping


def _number(col: str) -> pl.Expr:
    return pl.col(col).str.strip_chars().cast(pl.Float64, strict=False)


def _header(path: Path) -> dict[str, str]:
    """The file's column names → their BACI names (``t``, ``i``, …); raises when a BACI column is missing."""
    names = pl.scan_csv(path, infer_schema=False, truncate_ragged_lines=True).collect_schema().names()
    rename = {c: ALIASES.get(c.strip().lower(), c.strip().lower()) for c in names}
    missing = [c for c in COLUMNS if c not in rename.values()]
    if missing:
        raise BaciFormatError(f"missing columns: {', '.join(missing)}")
    return rename


NUMERIC = {"t": pl.Int32, "i": pl.Int32, "j": pl.Int32, "k": pl.String, "v": pl.Float64, "q": pl.Float64}


def _check_numeric(path: Path, rename: dict[str, str]) -> pl.DataFrame | None:
    """The valid rows when every cell reads as a number and passes every rule; else None (use ``check``).

    Same rules as ``check`` on parsed numbers (the product code stays text): a country in ISO3 letters, a
    cell with spaces or any cell that fails sends the file to the text pass, which names the refused cells."""
    original = {canon: name for name, canon in rename.items() if canon in COLUMNS}
    codes = {int(k): v for k, v in _codes().items() if k.isdigit()}
    try:
        df = (
            pl.scan_csv(
                path,
                schema_overrides={original[c]: t for c, t in NUMERIC.items()},
                null_values={original["q"]: "NA"},
                truncate_ragged_lines=True,
            )
            .select(
                pl.col(original["t"]).alias("year"),
                pl.col(original["i"]).replace_strict(codes, default=None, return_dtype=pl.String).alias("exporter"),
                pl.col(original["j"]).replace_strict(codes, default=None, return_dtype=pl.String).alias("importer"),
                pl.col(original["k"]).alias("k"),
                pl.col(original["v"]).alias("value"),
                pl.col(original["q"]).alias("quantity"),
            )
            .collect()
        )
    except (pl.exceptions.ComputeError, pl.exceptions.InvalidOperationError):
        return None
    ok = pl.all_horizontal(
        pl.col("year").is_between(1988, 2100),
        pl.col("exporter").is_not_null(),
        pl.col("importer").is_not_null(),
        pl.col("exporter") != pl.col("importer"),
        pl.col("k").str.contains(r"^\d{4,6}$"),
        pl.col("value") >= 0,
    ).fill_null(False) & (pl.col("quantity").fill_null(0.0) >= 0)
    bad = bool(df.select((~ok).any()).item())
    if bad:
        return None
    return df.select("year", "exporter", "importer", pl.col("k").str.zfill(6).alias("hs6"), "value", "quantity")


def check(path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(valid rows in the trade layout, refused cells: line, column, value, reason)."""
    rename = _header(path)
    valid = _check_numeric(path, rename)
    if valid is not None:
        return valid, pl.DataFrame(
            schema={"line": pl.UInt32, "column": pl.String, "value": pl.String, "reason": pl.String}
        )
    raw = pl.scan_csv(path, infer_schema=False, row_index_name="line", row_index_offset=2, truncate_ragged_lines=True)
    raw = raw.rename(rename)
    codes = _codes()
    df = raw.with_columns(
        pl.col("t").str.strip_chars().cast(pl.Int32, strict=False).alias("year"),
        pl.col("i")
        .str.strip_chars()
        .str.strip_chars_start("0")
        .replace_strict(codes, default=None, return_dtype=pl.String)
        .alias("exporter"),
        pl.col("j")
        .str.strip_chars()
        .str.strip_chars_start("0")
        .replace_strict(codes, default=None, return_dtype=pl.String)
        .alias("importer"),
        pl.col("k").str.strip_chars().alias("k_raw"),
        _number("v").alias("value"),
        _number("q").alias("quantity"),
        pl.col("q").str.strip_chars().str.to_uppercase().is_in(["", "NA"]).fill_null(True).alias("q_empty"),
    ).with_columns(
        pl.when(pl.col("k_raw").str.contains(r"^\d{4,6}$"))
        .then(pl.col("k_raw").str.zfill(6))
        .otherwise(None)
        .alias("hs6")
    )
    rules = [
        ("t", pl.col("year").is_null() | ~pl.col("year").is_between(1988, 2100), "year: a whole number 1988–2100"),
        ("i", pl.col("exporter").is_null(), "exporter: unknown country code"),
        ("j", pl.col("importer").is_null(), "importer: unknown country code"),
        ("j", pl.col("exporter").is_not_null() & (pl.col("exporter") == pl.col("importer")), "importer = exporter"),
        ("k", pl.col("hs6").is_null(), "product: an HS6 code of 4–6 digits"),
        ("v", pl.col("value").is_null() | (pl.col("value") < 0), "value: a number ≥ 0 (thousand USD)"),
        ("q", ~pl.col("q_empty") & (pl.col("quantity").is_null() | (pl.col("quantity") < 0)), "quantity: ≥ 0 or NA"),
    ]
    any_bad = pl.any_horizontal([cond.fill_null(True) for _, cond, _ in rules]).alias("bad")
    checked = df.with_columns(any_bad).collect()
    bad_rows = checked.filter(pl.col("bad"))
    refused = pl.concat(
        [
            bad_rows.filter(cond.fill_null(True)).select(
                "line", pl.lit(col).alias("column"), pl.col(col).alias("value"), pl.lit(reason).alias("reason")
            )
            for col, cond, reason in rules
        ]
    ).sort("line", "column")
    valid = checked.filter(~pl.col("bad")).select("year", "exporter", "importer", "hs6", "value", "quantity")
    return valid, refused


def load(path: Path, *, accept_valid: bool = False, data_dir: Path | None = None) -> dict[str, Any]:
    """Check ``path`` and, when no row is refused (or ``accept_valid``), write its rows to the trade table."""
    started = time.perf_counter()
    valid, refused = check(path)
    refused_rows = int(refused["line"].n_unique()) if refused.height else 0
    report: dict[str, Any] = {
        "file": str(path),
        "rows_read": valid.height + refused_rows,
        "rows_valid": valid.height,
        "rows_refused": refused_rows,
        "refused": refused.head(MAX_LISTED).to_dicts(),
        "refused_listed": min(refused.height, MAX_LISTED),
        "refused_cells": refused.height,
        "rows_loaded": 0,
        "loaded": False,
    }
    if refused_rows and not accept_valid:
        report["message"] = (
            "refused rows: nothing loaded (correct the file, or load the valid rows with --accept-valid)"
        )
        report["seconds"] = round(time.perf_counter() - started, 2)
        return report
    years = sorted(valid["year"].unique().to_list())
    target = store.trade_path(data_dir)
    previous = store.read_json(target.with_suffix(".json")) or {}
    frames = [valid]
    if target.exists() and previous.get("source") == "baci":
        frames.insert(0, pl.read_parquet(target).filter(~pl.col("year").is_in(years)))
    combined = pl.concat(frames)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    combined.write_parquet(tmp, compression=store.TRADE_COMPRESSION)
    tmp.replace(target)
    files = [*previous.get("files", []), path.name] if previous.get("source") == "baci" else [path.name]
    store.write_json(
        target.with_suffix(".json"),
        {"source": "baci", "synthetic": False, "files": files, "years": sorted(combined["year"].unique().to_list())},
    )
    report.update(rows_loaded=valid.height, loaded=True, years=years, seconds=round(time.perf_counter() - started, 2))
    return report


def write_csv(flows: pl.DataFrame, path: Path) -> None:
    """Write a trade table as a BACI CSV (numeric country codes, HS6 without leading zeros), e.g. for tests."""
    iso_to_m49 = {v: k for k, v in atlas.m49_to_iso3().items()}
    iso_to_m49.update({v: k for k, v in BACI_CODES.items() if v in ("USA", "FRA", "NOR", "CHE", "IND")})
    codes = pl.DataFrame({"iso3": list(iso_to_m49), "m49": list(iso_to_m49.values())})
    out = (
        flows.join(codes.rename({"iso3": "exporter", "m49": "i"}), on="exporter", how="left")
        .join(codes.rename({"iso3": "importer", "m49": "j"}), on="importer", how="left")
        .select(
            pl.col("year").alias("t"),
            "i",
            "j",
            pl.col("hs6").cast(pl.Int64).alias("k"),
            pl.col("value").alias("v"),
            pl.col("quantity").alias("q"),
        )
    )
    out.write_csv(path)

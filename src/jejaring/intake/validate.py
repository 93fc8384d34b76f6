"""Vectorised validation of a whole file: every rule runs on every row, every error of a row is kept.

Input: a frame of text columns named after template fields plus ``_row``. Output: the clean, typed
rows that passed (with their natural key and content hash) and a long table of errors
(``_row``, ``field``, ``value``, ``key``) whose ``key`` is an i18n message key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import polars as pl

from jejaring.intake import lookups, parse, rules
from jejaring.intake.headers import FIELDS
from jejaring.registry import bulk


@dataclass
class Validated:
    """The outcome of validating one file."""

    accepted: pl.DataFrame  # clean typed columns + _row + intake_key + content_hash
    errors: pl.DataFrame  # _row, field, value, key
    raw: pl.DataFrame  # the text as uploaded (template fields + _row), for quarantine
    # rows known unchanged by their fingerprint, not validated (intake/fingerprint.py): _row, _id, tahun_data
    skipped: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema={"_row": pl.Int64, "_id": pl.Int64}))


def _flag_errors(df: pl.DataFrame, ctx: rules.Context) -> pl.DataFrame:
    """``_errs``: the ``"field|message-key"`` of every rule a row breaks (intake/rules.py, one function per rule).

    Rows with any error are flagged first (cheap), then the errors are listed for those rows only."""
    checks = rules.expressions(ctx)
    df = df.lazy().with_columns(pl.any_horizontal([r.is_not_null() for r in checks]).alias("_bad")).collect()
    bad = df.filter(pl.col("_bad")).with_columns(
        pl.concat_list([r.fill_null(pl.lit(None, dtype=pl.Utf8)) for r in checks]).list.drop_nulls().alias("_errs")
    )
    good = df.filter(~pl.col("_bad")).with_columns(pl.lit([], dtype=pl.List(pl.Utf8)).alias("_errs"))
    return pl.concat([good, bad]).sort("_row")


def _clean_columns(lf: pl.LazyFrame) -> pl.LazyFrame:
    """The registry's typed columns from the parsed ones."""
    return lf.with_columns(
        pl.when(pl.col("_nib").str.contains(r"^\d{13}$")).then(pl.col("_nib")).otherwise(None).alias("nib"),
        bulk.name_key_expr("nama_usaha").alias("name_key"),
        pl.col("regency_code").str.slice(0, 2).alias("province_code"),
        pl.col("_lat").alias("latitude"),
        pl.col("_lon").alias("longitude"),
        pl.col("_kbli").alias("kbli"),
        pl.col("_hs_clean").alias("hs"),
        pl.col("_workers").cast(pl.Int64, strict=False).alias("tenaga_kerja"),
        pl.col("_investment").round(0).cast(pl.Int64, strict=False).alias("nilai_investasi"),
        pl.col("_capacity").alias("kapasitas_produksi"),
        pl.col("_production").round(0).cast(pl.Int64, strict=False).alias("nilai_produksi"),
        pl.col("_sertifikat_clean").alias("sertifikat"),
        pl.col("_tel").str.replace(rules.PHONE_DIGITS, "+62$1").alias("telepon"),
        pl.col("_email").alias("email"),
        pl.col("_founded").cast(pl.Int64, strict=False).alias("tahun_berdiri"),
        pl.col("_year").cast(pl.Int64, strict=False).alias("tahun_data"),
    )


def _key_source(lf: pl.LazyFrame) -> pl.LazyFrame:
    """``_key_src``, hashed into the natural key: the NIB, else name, regency, owner name and (when given) village
    (in one regency two businesses can share name and owner name)."""
    village = bulk.name_key_expr("desa")
    by_name = pl.concat_str(
        [
            pl.lit("nk|"),
            pl.col("name_key"),
            pl.lit("|"),
            pl.col("regency_code").fill_null(""),
            pl.lit("|"),
            bulk.name_key_expr("nama_pemilik").fill_null(""),
            pl.when(village.fill_null("") != "").then(pl.lit("|") + village).otherwise(pl.lit("")),
        ]
    )
    key = pl.when(pl.col("nib").is_not_null()).then(pl.lit("nib|") + pl.col("nib")).otherwise(by_name)
    return lf.with_columns(key.alias("_key_src"))


def _error_table(checked: pl.DataFrame, raw: pl.DataFrame) -> pl.DataFrame:
    """One row per error (``_row``, ``field``, ``key``) with the cell's text as uploaded (``value``)."""
    errors = (
        checked.filter(pl.col("_errs").list.len() > 0)
        .select("_row", "_errs")
        .explode("_errs")
        .with_columns(
            pl.col("_errs").str.split_exact("|", 1).struct.rename_fields(["field", "key"]).alias("_e"),
        )
        .unnest("_e")
        .drop("_errs")
    )
    values = raw.filter(pl.col("_row").is_in(errors.get_column("_row").unique().implode())).unpivot(
        index="_row", on=list(FIELDS), variable_name="field", value_name="value"
    )
    return errors.join(values, on=["_row", "field"], how="left").sort("_row")


def validate(raw: pl.DataFrame, *, default_year: int | None, max_cell_chars: int) -> Validated:
    """Validate every row of ``raw`` (text columns named after template fields, plus ``_row``)."""
    ctx = rules.Context(
        kbli=list(lookups.kbli5()),
        this_year=date.today().year,
        max_cell_chars=max_cell_chars,
        default_year=default_year,
    )
    raw = parse.complete(raw)
    checked = _key_source(_clean_columns(_flag_errors(parse.parse(raw, ctx), ctx).lazy())).collect()
    ok = checked.filter(pl.col("_errs").list.len() == 0)
    accepted = _with_hashes(ok.select("_row", "_key_src", *bulk.CLEAN_COLUMNS))
    return Validated(accepted=accepted, errors=_error_table(checked, raw), raw=raw)


_DUCKDB: list[duckdb.DuckDBPyConnection] = []
_HASH_SQL = (
    "SELECT md5(_key_src) AS intake_key, md5(concat_ws(chr(31), "
    + ", ".join(f'coalesce(CAST("{c}" AS VARCHAR), chr(0))' for c in bulk.CLEAN_COLUMNS)
    + ")) AS content_hash FROM frame"
)


def duckdb_cursor() -> duckdb.DuckDBPyConnection:
    """A cursor of the process's DuckDB connection (one per call: safe across the web process's job threads)."""
    if not _DUCKDB:
        # one thread: validation runs beside the batch writer (jobs.run_jobs reads ahead), and on two threads
        # DuckDB spent about twice the CPU on the same hashes (0.8 s against 1.6 s for a 116,000-row file)
        _DUCKDB.append(duckdb.connect(config={"threads": 1}))
    return _DUCKDB[0].cursor()


def _with_hashes(df: pl.DataFrame) -> pl.DataFrame:
    """Natural key (md5 of NIB, else name + regency + owner [+ desa]) and content hash, computed by DuckDB (stable)."""
    frame = df.select("_key_src", *bulk.CLEAN_COLUMNS)  # noqa: F841 - read by DuckDB below
    cur = duckdb_cursor()
    try:
        # DuckDB keeps the input order (preserve_insertion_order), so the hashes line up with the rows
        hashes = cur.execute(_HASH_SQL).pl()
    finally:
        cur.close()
    return df.drop("_key_src").hstack(hashes)

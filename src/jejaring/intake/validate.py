"""Vectorised validation of a whole file: every rule runs on every row, every error of a row is kept.

Input: a frame of text columns named after template fields plus ``_row``. Output: the clean, typed
rows that passed (with their natural key and content hash) and a long table of errors
(``_row``, ``field``, ``value``, ``key``) whose ``key`` is an i18n message key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from jejaring.intake import lookups, rules
from jejaring.intake.headers import FIELDS
from jejaring.intake.numbers import amount, decimal
from jejaring.reference import catalog
from jejaring.registry import bulk


@dataclass
class Validated:
    """The outcome of validating one file."""

    accepted: pl.DataFrame  # clean typed columns + _row + intake_key + content_hash
    errors: pl.DataFrame  # _row, field, value, key
    raw: pl.DataFrame  # the text as uploaded (template fields + _row), for quarantine


def _split_check(df: pl.DataFrame, col: str, valid: pl.Expr, clean: pl.Expr, sep: str = r"[;,/]") -> pl.DataFrame:
    """For list cells (HS codes, certificates): check each item; return per-row ``_bad`` and cleaned join."""
    items = (
        df.select("_row", pl.col(col).str.replace_all(sep, ";"))
        .drop_nulls(col)
        .with_columns(pl.col(col).str.split(";"))
        .explode(col)
        .with_columns(pl.col(col).str.strip_chars())
        .filter(pl.col(col).str.len_chars() > 0)
        .with_columns(clean.alias("_item"))
        .with_columns(valid.alias("_ok"))
    )
    agg = items.group_by("_row").agg(
        (~pl.col("_ok")).any().alias(f"_{col}_bad"),
        pl.col("_item").filter(pl.col("_ok")).unique(maintain_order=True).str.join(";").alias(f"_{col}_clean"),
    )
    return df.join(agg, on="_row", how="left")


def validate(raw: pl.DataFrame, *, default_year: int | None, max_cell_chars: int) -> Validated:
    """Validate every row of ``raw`` (text columns named after template fields, plus ``_row``)."""
    this_year = date.today().year
    for f in FIELDS:
        if f not in raw.columns:
            raw = raw.with_columns(pl.lit(None, dtype=pl.Utf8).alias(f))
    raw = raw.select("_row", *FIELDS)
    # stored as text; an apostrophe typed (or added by our export) to keep text literal is not data
    # lazy frames below: polars then evaluates a sub-expression used in several branches once
    lf = (
        raw.lazy()
        .with_columns([pl.col(f).str.strip_chars().str.strip_prefix("'").str.strip_chars().alias(f) for f in FIELDS])
        .with_columns(
            [pl.when(pl.col(f).str.len_bytes() == 0).then(None).otherwise(pl.col(f)).alias(f) for f in FIELDS]
        )
    )
    if default_year is not None:
        lf = lf.with_columns(pl.col("tahun_data").fill_null(str(default_year)))

    # --- parse and normalise -------------------------------------------------------------------
    kbli_set = list(lookups.kbli5())
    lf = lf.with_columns(
        pl.col("nib").str.replace_all(r"[\s.\-]", "").alias("_nib"),
        pl.col("kbli").str.replace_all(r"[\s.]", "").alias("_kbli"),
        pl.col("kode_wilayah").str.replace_all(r"\s", "").alias("_kw"),
        amount("tenaga_kerja").alias("_workers"),
        amount("nilai_investasi").alias("_investment"),
        amount("nilai_produksi").alias("_production"),
        decimal("kapasitas_produksi").alias("_capacity"),
        decimal("latitude").alias("_lat"),
        decimal("longitude").alias("_lon"),
        amount("tahun_berdiri").alias("_founded"),
        amount("tahun_data").alias("_year"),
        pl.col("email").str.to_lowercase().alias("_email"),
        pl.col("telepon").str.replace(r"[/;,].*$", "").str.replace_all(r"[\s\-.()]", "").alias("_tel"),
    )
    kw_code = (
        pl.when(pl.col("_kw").str.contains(r"^\d{2}\.?\d{2}(\.?\d{2})?$"))
        .then(pl.col("_kw").str.replace_all(r"\.", ""))
        .otherwise(None)
    )
    df = lf.with_columns(
        pl.when(kw_code.is_not_null())
        .then(kw_code.str.slice(0, 2) + pl.lit(".") + kw_code.str.slice(2, 2))
        .otherwise(None)
        .alias("_kw_reg"),
        pl.when(kw_code.str.len_chars() == 6)
        .then(kw_code.str.slice(0, 2) + "." + kw_code.str.slice(2, 2) + "." + kw_code.str.slice(4, 2))
        .otherwise(None)
        .alias("_kw_dist"),
    ).collect()
    regency_codes = [r["code"] for r in catalog.regencies()]
    df = lookups.resolve_names(df)
    df = df.with_columns(
        pl.when(pl.col("_kw_reg").is_in(regency_codes))
        .then(pl.col("_kw_reg"))
        .when(pl.col("kode_wilayah").is_null())
        .then(pl.col("_res_code"))
        .otherwise(None)
        .alias("regency_code")
    )
    df = df.with_columns(pl.coalesce(pl.col("kecamatan"), pl.col("_kw_dist")).alias("kecamatan"))
    df = lookups.resolve_districts(df)
    df = df.join(lookups.regency_frame(), on="regency_code", how="left")
    lat1, lon1 = pl.col("_lat").radians(), pl.col("_lon").radians()
    lat2, lon2 = pl.col("_seat_lat").radians(), pl.col("_seat_lon").radians()
    hav = ((lat2 - lat1) / 2).sin() ** 2 + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2).sin() ** 2
    df = df.with_columns((2 * 6371.0 * hav.sqrt().arcsin()).alias("_km"))
    df = _split_check(
        df, "hs", pl.col("_item").is_in(list(lookups.hs_set())), pl.col("hs").str.replace_all(r"[.\s]", "")
    )
    cert_lookup = catalog.certificate_lookup()
    cert_keys = list(cert_lookup.keys())
    cert_vals = [cert_lookup[k] for k in cert_keys]
    df = _split_check(
        df,
        "sertifikat",
        pl.col("_item").is_not_null(),
        pl.col("sertifikat")
        .str.to_lowercase()
        .str.replace_all(r"\s+", " ")
        .replace_strict(cert_keys, cert_vals, default=None, return_dtype=pl.Utf8),
        sep="[;,]",
    )

    # --- rules: each yields "field|message-key" or null (intake/rules.py, one function per rule) ------
    context = rules.Context(kbli=kbli_set, this_year=this_year, max_cell_chars=max_cell_chars)
    checks = rules.expressions(context)
    # flag rows with any error first (cheap), then list the errors of those rows only
    df = df.lazy().with_columns(pl.any_horizontal([r.is_not_null() for r in checks]).alias("_bad")).collect()
    bad = df.filter(pl.col("_bad")).with_columns(
        pl.concat_list([r.fill_null(pl.lit(None, dtype=pl.Utf8)) for r in checks]).list.drop_nulls().alias("_errs")
    )
    df = pl.concat(
        [
            df.filter(~pl.col("_bad")).with_columns(pl.lit([], dtype=pl.List(pl.Utf8)).alias("_errs")),
            bad,
        ]
    ).sort("_row")

    # --- clean output columns, key and duplicates within the file ------------------------------
    clean = df.lazy().with_columns(
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
    this = clean.with_columns(
        pl.when(pl.col("nib").is_not_null())
        .then(pl.lit("nib|") + pl.col("nib"))
        .otherwise(
            pl.concat_str(
                [
                    pl.lit("nk|"),
                    pl.col("name_key"),
                    pl.lit("|"),
                    pl.col("regency_code").fill_null(""),
                    pl.lit("|"),
                    bulk.name_key_expr("nama_pemilik").fill_null(""),
                    # the village too, when given: in one regency two businesses can share name and owner name
                    pl.when(bulk.name_key_expr("desa").fill_null("") != "")
                    .then(pl.lit("|") + bulk.name_key_expr("desa"))
                    .otherwise(pl.lit("")),
                ]
            )
        )
        .alias("_key_src")
    ).collect()
    ok = this.filter(pl.col("_errs").list.len() == 0)
    accepted = _with_hashes(ok.select("_row", "_key_src", *bulk.CLEAN_COLUMNS))
    errors = (
        this.filter(pl.col("_errs").list.len() > 0)
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
    errors = errors.join(values, on=["_row", "field"], how="left").sort("_row")
    return Validated(accepted=accepted, errors=errors, raw=raw)


_DUCKDB: list[duckdb.DuckDBPyConnection] = []
_HASH_SQL = (
    "SELECT md5(_key_src) AS intake_key, md5(concat_ws(chr(31), "
    + ", ".join(f'coalesce(CAST("{c}" AS VARCHAR), chr(0))' for c in bulk.CLEAN_COLUMNS)
    + ")) AS content_hash FROM frame"
)


def _with_hashes(df: pl.DataFrame) -> pl.DataFrame:
    """Natural key (md5 of NIB, else name + regency + owner [+ desa]) and content hash, computed by DuckDB (stable)."""
    if not _DUCKDB:
        # one thread: validation runs beside the batch writer (jobs.run_jobs reads ahead), and on two threads
        # DuckDB spent about twice the CPU on the same hashes (0.8 s against 1.6 s for a 116,000-row file)
        _DUCKDB.append(duckdb.connect(config={"threads": 1}))
    frame = df.select("_key_src", *bulk.CLEAN_COLUMNS)  # noqa: F841 - read by DuckDB below
    cur = _DUCKDB[0].cursor()  # a cursor per call: safe across the web process's job threads
    try:
        # DuckDB keeps the input order (preserve_insertion_order), so the hashes line up with the rows
        hashes = cur.execute(_HASH_SQL).pl()
    finally:
        cur.close()
    return df.drop("_key_src").hstack(hashes)

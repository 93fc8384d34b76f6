"""Parsing an intake file before its rules run: one small step per job, run in order by ``validate``.

Each step takes the frame and the :class:`rules.Context` and returns the frame with its columns added. The
lazy steps share one polars plan (a sub-expression used by several columns is evaluated once); the eager ones
join reference tables.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from jejaring.intake import lookups
from jejaring.intake.headers import FIELDS
from jejaring.intake.numbers import amount, decimal
from jejaring.intake.rules import Context
from jejaring.reference import catalog

EARTH_KM = 6371.0


def trim(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Cells trimmed; a leading apostrophe (typed, or added by our export, to keep text literal) is not data."""
    return lf.with_columns(
        [pl.col(f).str.strip_chars().str.strip_prefix("'").str.strip_chars().alias(f) for f in FIELDS]
    )


def blanks_to_null(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """An empty cell is a missing value."""
    return lf.with_columns(
        [pl.when(pl.col(f).str.len_bytes() == 0).then(None).otherwise(pl.col(f)).alias(f) for f in FIELDS]
    )


def default_year(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """The upload's data year where a row gives none."""
    if ctx.default_year is None:
        return lf
    return lf.with_columns(pl.col("tahun_data").fill_null(str(ctx.default_year)))


def numbers_and_codes(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Codes without separators, numbers as Indonesians write them, e-mail lower case, the first phone number."""
    return lf.with_columns(
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


def region_code(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """A kode wilayah (``33.74``, ``3374``, ``33.74.01``) as a regency code and, when given, a district code."""
    code = (
        pl.when(pl.col("_kw").str.contains(r"^\d{2}\.?\d{2}(\.?\d{2})?$"))
        .then(pl.col("_kw").str.replace_all(r"\.", ""))
        .otherwise(None)
    )
    return lf.with_columns(
        pl.when(code.is_not_null())
        .then(code.str.slice(0, 2) + pl.lit(".") + code.str.slice(2, 2))
        .otherwise(None)
        .alias("_kw_reg"),
        pl.when(code.str.len_chars() == 6)
        .then(code.str.slice(0, 2) + "." + code.str.slice(2, 2) + "." + code.str.slice(4, 2))
        .otherwise(None)
        .alias("_kw_dist"),
    )


def regency(df: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """The regency: a known code, else (no code given) the regency named in the row."""
    df = lookups.resolve_names(df)
    return df.with_columns(
        pl.when(pl.col("_kw_reg").is_in([r["code"] for r in catalog.regencies()]))
        .then(pl.col("_kw_reg"))
        .when(pl.col("kode_wilayah").is_null())
        .then(pl.col("_res_code"))
        .otherwise(None)
        .alias("regency_code")
    )


def district(df: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """The district (named, or from a district code), and the regency's seat and province."""
    df = df.with_columns(pl.coalesce(pl.col("kecamatan"), pl.col("_kw_dist")).alias("kecamatan"))
    return lookups.resolve_districts(df).join(lookups.regency_frame(), on="regency_code", how="left")


def seat_distance(df: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """Great-circle distance (km) from the given coordinates to the regency's seat."""
    lat1, lon1 = pl.col("_lat").radians(), pl.col("_lon").radians()
    lat2, lon2 = pl.col("_seat_lat").radians(), pl.col("_seat_lon").radians()
    hav = ((lat2 - lat1) / 2).sin() ** 2 + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2).sin() ** 2
    return df.with_columns((2 * EARTH_KM * hav.sqrt().arcsin()).alias("_km"))


def split_check(df: pl.DataFrame, col: str, valid: pl.Expr, clean: pl.Expr, sep: str = r"[;,/]") -> pl.DataFrame:
    """For list cells (HS codes, certificates): check each item; add per-row ``_<col>_bad`` and the cleaned
    join of the valid items ``_<col>_clean``."""
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


def hs_codes(df: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """HS codes, each checked against the HS nomenclature."""
    clean = pl.col("hs").str.replace_all(r"[.\s]", "")
    return split_check(df, "hs", pl.col("_item").is_in(list(lookups.hs_set())), clean)


def certificates(df: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """Certificates, each resolved from a name, alias or code to its code."""
    lookup = catalog.certificate_lookup()
    keys = list(lookup.keys())
    code = (
        pl.col("sertifikat")
        .str.to_lowercase()
        .str.replace_all(r"\s+", " ")
        .replace_strict(keys, [lookup[k] for k in keys], default=None, return_dtype=pl.Utf8)
    )
    return split_check(df, "sertifikat", pl.col("_item").is_not_null(), code, sep="[;,]")


LazyStep = Callable[[pl.LazyFrame, Context], pl.LazyFrame]
Step = Callable[[pl.DataFrame, Context], pl.DataFrame]
LAZY_STEPS: list[LazyStep] = [trim, blanks_to_null, default_year, numbers_and_codes, region_code]
STEPS: list[Step] = [regency, district, seat_distance, hs_codes, certificates]


def complete(raw: pl.DataFrame) -> pl.DataFrame:
    """``raw`` with every template field (missing ones empty), in template order after ``_row``."""
    missing = [pl.lit(None, dtype=pl.Utf8).alias(f) for f in FIELDS if f not in raw.columns]
    return (raw.with_columns(missing) if missing else raw).select("_row", *FIELDS)


def parse(raw: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """Every step, in order, over the completed ``raw`` frame."""
    lf = raw.lazy()
    for lazy_step in LAZY_STEPS:
        lf = lazy_step(lf, ctx)
    df = lf.collect()
    for step in STEPS:
        df = step(df, ctx)
    return df

"""The validation rules of an intake file, one small function each, run as a list by ``validate``.

Each rule returns polars expressions over the parsed frame that yield ``"field|message-key"`` for a row that
breaks it and null otherwise; every rule runs on every row, so a row keeps all of its errors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from jejaring.intake.headers import FIELDS

# Indonesia with its outlying islands (Sabang to Merauke, Miangas to Rote)
LAT_MIN, LAT_MAX = -11.5, 6.5
LON_MIN, LON_MAX = 94.5, 141.5
MAX_WORKERS = 100_000
MAX_AMOUNT = 1e16  # Rp10 000 trillion: anything above is a typing error
MAX_CAPACITY = 1e12
MIN_FOUNDED_YEAR = 1900
MIN_DATA_YEAR = 1990
EMAIL = r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
PHONE_DIGITS = r"^(?:\+?62|0)(\d{7,12})$"


@dataclass(frozen=True)
class Context:
    """What parsing and the rules need besides the frame: the KBLI codes, this year, the longest cell allowed and
    the upload's data year for rows that give none."""

    kbli: list[str]
    this_year: int
    max_cell_chars: int
    default_year: int | None = None


def err(cond: pl.Expr, field: str, key: str) -> pl.Expr:
    """``"field|key"`` where ``cond`` holds, else null."""
    return pl.when(cond).then(pl.lit(f"{field}|{key}")).otherwise(None)


def present(c: str) -> pl.Expr:
    """The cell is filled."""
    return pl.col(c).is_not_null()


def whole(c: str) -> pl.Expr:
    """The number is whole."""
    return (pl.col(c) - pl.col(c).round(0)).abs() < 1e-9


def required(ctx: Context) -> list[pl.Expr]:
    """Name and product must be filled (KBLI and data year: see their rules)."""
    return [err(~present(f), f, "intake.err.required") for f in ("nama_usaha", "produk")]


def nib(ctx: Context) -> list[pl.Expr]:
    """NIB: 13 digits."""
    return [err(present("nib") & ~pl.col("_nib").str.contains(r"^\d{13}$"), "nib", "intake.err.nib_format")]


def kbli(ctx: Context) -> list[pl.Expr]:
    """KBLI: filled, five digits, and a code of KBLI 2020."""
    five = pl.col("_kbli").str.contains(r"^\d{5}$")
    return [
        err(~present("kbli"), "kbli", "intake.err.required"),
        err(present("kbli") & ~five, "kbli", "intake.err.kbli_format"),
        err(five & ~pl.col("_kbli").is_in(ctx.kbli), "kbli", "intake.err.kbli_unknown"),
    ]


def region(ctx: Context) -> list[pl.Expr]:
    """The region: a known kode wilayah, or a regency name that resolves; a known kecamatan."""
    return [
        err(~present("kode_wilayah") & ~present("kabupaten_kota"), "kode_wilayah", "intake.err.wilayah_required"),
        err(present("kode_wilayah") & pl.col("_kw_reg").is_null(), "kode_wilayah", "intake.err.wilayah_format"),
        err(
            pl.col("_kw_reg").is_not_null() & pl.col("regency_code").is_null(),
            "kode_wilayah",
            "intake.err.wilayah_unknown",
        ),
        pl.when(~present("kode_wilayah") & present("kabupaten_kota") & pl.col("_res_reason").is_not_null())
        .then(pl.lit("kabupaten_kota|") + pl.col("_res_reason"))
        .otherwise(None),
        err(
            present("kecamatan") & pl.col("regency_code").is_not_null() & pl.col("district_code").is_null(),
            "kecamatan",
            "intake.err.kecamatan_unknown",
        ),
    ]


def coordinates(ctx: Context) -> list[pl.Expr]:
    """Coordinates: numbers, given as a pair, inside Indonesia and near the regency."""
    inside = pl.col("_lat").is_between(LAT_MIN, LAT_MAX) & pl.col("_lon").is_between(LON_MIN, LON_MAX)
    return [
        err(present("latitude") & pl.col("_lat").is_null(), "latitude", "intake.err.not_a_number"),
        err(present("longitude") & pl.col("_lon").is_null(), "longitude", "intake.err.not_a_number"),
        err(present("latitude") ^ present("longitude"), "latitude", "intake.err.coordinates_pair"),
        err(~pl.col("_lat").is_between(LAT_MIN, LAT_MAX), "latitude", "intake.err.outside_indonesia"),
        err(~pl.col("_lon").is_between(LON_MIN, LON_MAX), "longitude", "intake.err.outside_indonesia"),
        err(inside & (pl.col("_km") > pl.col("_radius")), "latitude", "intake.err.far_from_regency"),
    ]


def workers(ctx: Context) -> list[pl.Expr]:
    """Workers: a whole number from 1 to ``MAX_WORKERS``."""
    return [
        err(present("tenaga_kerja") & pl.col("_workers").is_null(), "tenaga_kerja", "intake.err.not_a_number"),
        err(
            pl.col("_workers").is_not_null() & (~whole("_workers") | (pl.col("_workers") < 1)),
            "tenaga_kerja",
            "intake.err.workers_min",
        ),
        err(pl.col("_workers") > MAX_WORKERS, "tenaga_kerja", "intake.err.too_large"),
    ]


def amounts(ctx: Context) -> list[pl.Expr]:
    """Investment, production value and capacity: numbers, not negative, not absurdly large."""
    out = []
    for field, col, limit in (
        ("nilai_investasi", "_investment", MAX_AMOUNT),
        ("nilai_produksi", "_production", MAX_AMOUNT),
        ("kapasitas_produksi", "_capacity", MAX_CAPACITY),
    ):
        out += [
            err(present(field) & pl.col(col).is_null(), field, "intake.err.not_a_number"),
            err(pl.col(col) < 0, field, "intake.err.negative"),
            err(pl.col(col) > limit, field, "intake.err.too_large"),
        ]
    return out


def codes(ctx: Context) -> list[pl.Expr]:
    """HS codes and certificates: every item of the list is known."""
    return [
        err(pl.col("_hs_bad").fill_null(False), "hs", "intake.err.hs_unknown"),
        err(pl.col("_sertifikat_bad").fill_null(False), "sertifikat", "intake.err.certificate_unknown"),
    ]


def contact(ctx: Context) -> list[pl.Expr]:
    """E-mail and phone: well formed."""
    return [
        err(present("email") & ~pl.col("_email").str.contains(EMAIL), "email", "intake.err.email_format"),
        err(present("telepon") & ~pl.col("_tel").str.contains(PHONE_DIGITS), "telepon", "intake.err.phone_format"),
    ]


def years(ctx: Context) -> list[pl.Expr]:
    """Data year (required) and founding year: whole years in range, founded no later than the data year."""

    def bad_year(col: str, low: int) -> pl.Expr:
        return pl.col(col).is_null() | ~whole(col) | ~pl.col(col).is_between(low, ctx.this_year).fill_null(False)

    return [
        err(~present("tahun_data"), "tahun_data", "intake.err.required"),
        err(present("tahun_data") & bad_year("_year", MIN_DATA_YEAR), "tahun_data", "intake.err.year_data"),
        err(
            present("tahun_berdiri") & bad_year("_founded", MIN_FOUNDED_YEAR),
            "tahun_berdiri",
            "intake.err.year_founded",
        ),
        err(
            pl.col("_founded").is_between(MIN_FOUNDED_YEAR, ctx.this_year) & (pl.col("_founded") > pl.col("_year")),
            "tahun_berdiri",
            "intake.err.founded_after_data",
        ),
    ]


def lengths(ctx: Context) -> list[pl.Expr]:
    """No cell longer than the configured maximum."""
    return [err(pl.col(f).str.len_chars() > ctx.max_cell_chars, f, "intake.err.too_long") for f in FIELDS]


Rule = Callable[[Context], list[pl.Expr]]
RULES: list[Rule] = [required, nib, kbli, region, coordinates, workers, amounts, codes, contact, years, lengths]


def expressions(ctx: Context) -> list[pl.Expr]:
    """Every rule's expressions, in order."""
    return [expr for rule in RULES for expr in rule(ctx)]

"""Reference lookups for validation, built once per process: KBLI, HS, regency seats and radii, districts."""

from __future__ import annotations

import math
from functools import lru_cache

import polars as pl

from jejaring.reference import catalog, wilayah

MIN_RADIUS_KM = 60.0  # a point farther than this from the regency seat, and than its farthest
RADIUS_MARGIN_KM = 60.0  # district seat plus this margin, is not in the stated regency


@lru_cache
def kbli5() -> frozenset[str]:
    """Five-digit KBLI 2020 codes (category C)."""
    return frozenset(r["code"] for r in catalog.kbli() if len(r["code"]) == 5 and r["code"].isdigit())


@lru_cache
def hs_set() -> frozenset[str]:
    """HS 2022 chapters, headings and subheadings."""
    return frozenset(r["code"] for r in catalog.hs_codes())


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@lru_cache
def regency_frame() -> pl.DataFrame:
    """Regency seats and a plausible radius: the farthest district seat plus a margin (big regencies are wide)."""
    regs = catalog.regencies()
    far: dict[str, float] = {}
    seats = {r["code"]: (r["latitude"], r["longitude"]) for r in regs}
    for d in catalog.districts():
        seat = seats.get(d["regency_code"])
        if seat and seat[0] is not None and d["latitude"] is not None:
            km = _km(seat[0], seat[1], d["latitude"], d["longitude"])
            far[d["regency_code"]] = max(far.get(d["regency_code"], 0.0), km)
    return pl.DataFrame(
        {
            "regency_code": [r["code"] for r in regs],
            "_seat_lat": [r["latitude"] for r in regs],
            "_seat_lon": [r["longitude"] for r in regs],
            "_radius": [max(MIN_RADIUS_KM, far.get(r["code"], 0.0) + RADIUS_MARGIN_KM) for r in regs],
        },
        schema={"regency_code": pl.Utf8, "_seat_lat": pl.Float64, "_seat_lon": pl.Float64, "_radius": pl.Float64},
    )


def district_lookup() -> dict[tuple[str, str], str]:
    """(regency code, district name or code) → district code (the reference index)."""
    return wilayah.district_index()


def resolve_names(df: pl.DataFrame) -> pl.DataFrame:
    """kode wilayah from province and regency names, resolved once per distinct pair."""
    pairs = df.select("provinsi", "kabupaten_kota").unique().drop_nulls("kabupaten_kota")
    codes: list[str | None] = []
    reasons: list[str | None] = []
    for prov, kab in pairs.iter_rows():
        prov_code = wilayah.resolve_province(prov).code if prov else None
        res = wilayah.resolve_regency(kab, prov_code)
        codes.append(res.code)
        reasons.append(None if res.code else (res.reason or "wilayah.unknown_regency"))
    resolved = pairs.with_columns(
        pl.Series("_res_code", codes, dtype=pl.Utf8), pl.Series("_res_reason", reasons, dtype=pl.Utf8)
    )
    return df.join(resolved, on=["provinsi", "kabupaten_kota"], how="left", nulls_equal=True)


def resolve_districts(df: pl.DataFrame) -> pl.DataFrame:
    """``district_code`` from ``kecamatan`` (name or code) within the row's regency, once per distinct pair."""
    pairs = df.select("regency_code", "kecamatan").drop_nulls().unique()
    lookup = district_lookup()
    codes = []
    for reg, kec in pairs.iter_rows():
        key = kec.strip() if kec.strip().replace(".", "").isdigit() else wilayah.norm(kec)
        key = wilayah.norm(key) if not key.replace(".", "").isdigit() else key
        for prefix in ("kecamatan ", "kec "):
            key = key.removeprefix(prefix)
        codes.append(lookup.get((reg, key)))
    resolved = pairs.with_columns(pl.Series("district_code", codes, dtype=pl.Utf8))
    return df.join(resolved, on=["regency_code", "kecamatan"], how="left", nulls_equal=True)

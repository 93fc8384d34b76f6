"""Data-quality faults at declared rates: duplicate reports, spelling variants, gaps and invalid rows."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import polars as pl

from jejaring.synth import names

# The one table of fault rates (also in docs/synth.md). "of rows" = of all IKM rows written.
FAULT_RATES: dict[str, float] = {
    "regency_reporting": 0.20,  # share of regencies whose own office also sends a directory
    "dup_regency_office": 0.35,  # share of a reporting regency's firms in its office's file
    "regency_only": 0.03,  # firms in a regency office's file that the province file lacks (per dup)
    "dup_prior_year": 0.50,  # share of firms repeated in the prior-year file (provinces that send one)
    "dup_same_file": 0.003,  # firms entered twice in the same provincial file
    "name_variant": 0.60,  # of duplicate rows: abbreviation, old spelling, legal form written otherwise
    "address_variant": 0.50,  # of duplicate rows: Jl./Jalan, No./Nomor, RT/RW written otherwise
    "typo": 0.02,  # of rows: one character of the name dropped, doubled or swapped
    "missing_nib": 0.08,  # of rows whose firm has a NIB
    "missing_coordinates": 0.20,  # of rows
    "hard_negative": 0.01,  # of firms: a different firm with a near-identical name in the same village
    "invalid_kbli": 0.002,  # of rows: code not in KBLI 2020 category C
    "negative_workers": 0.001,  # of rows
    "zero_workers": 0.0005,  # of rows
    "coordinates_outside_indonesia": 0.001,  # of rows: swapped, zero or sign-flipped
    "missing_name": 0.0005,  # of rows
    "bad_nib": 0.001,  # of rows: wrong length or letters
    "unknown_kode_wilayah": 0.0005,  # of rows
}
INVALID_KINDS = (
    "invalid_kbli",
    "negative_workers",
    "zero_workers",
    "coordinates_outside_indonesia",
    "missing_name",
    "bad_nib",
    "unknown_kode_wilayah",
)
BAD_KBLI = ("47111", "10999", "56101", "1079", "99999", "01111")
_LEGAL = re.compile(r"^(UD|CV|PT|PD|KUB|IRT) ")
_LEGAL_VARIANTS = {
    "UD": ("UD.", "U.D.", "Usaha Dagang"),
    "CV": ("CV.", "C.V."),
    "PT": ("PT.", "P.T."),
    "PD": ("PD.", "P.D."),
    "KUB": ("K.U.B.", "Kelompok Usaha Bersama"),
    "IRT": ("Home Industri", "Industri Rumah Tangga"),
}


def name_variant(name: str, rng: np.random.Generator) -> str:
    """The same business name as another officer writes it."""
    spelling = names.vocab()["spelling"]
    m = _LEGAL.match(name)
    choice = int(rng.integers(4))
    if m and choice == 0:
        form = m.group(1)
        alt = _LEGAL_VARIANTS[form]
        rest = name[m.end() :]
        return f"{rest}, {form}" if rng.random() < 0.3 else f"{alt[int(rng.integers(len(alt)))]} {rest}"
    words = name.split(" ")
    swappable = [i for i, w in enumerate(words) if w in spelling]
    if swappable and choice <= 2:
        i = swappable[int(rng.integers(len(swappable)))]
        alts = spelling[words[i]]
        words[i] = alts[int(rng.integers(len(alts)))]
        return " ".join(words)
    if m:
        return name[m.end() :]
    return name.upper() if rng.random() < 0.5 else "  ".join(words)


def address_variant(address: str, rng: np.random.Generator) -> str:
    """The same address written otherwise: Jl./Jalan/Jln., No./Nomor, RT/RW formats."""
    out = address
    street = ("Jalan ", "Jln. ", "JL. ")[int(rng.integers(3))]
    out = out.replace("Jl. ", street, 1)
    out = out.replace(" No. ", (" No.", " Nomor ", " No ")[int(rng.integers(3))], 1)
    m = re.search(r"RT (\d+)/RW (\d+)", out)
    if m:
        rt, rw = int(m.group(1)), int(m.group(2))
        fmt = ("RT.{:02d} RW.{:02d}", "Rt {} Rw {}", "RT/RW {:03d}/{:03d}", "RT {:02d}/{:02d}")[int(rng.integers(4))]
        out = out[: m.start()] + fmt.format(rt, rw) + out[m.end() :]
    return out


def typo(text: str, rng: np.random.Generator) -> str:
    """One character dropped, doubled or swapped with its neighbour."""
    if len(text) < 4:
        return text
    i = int(rng.integers(1, len(text) - 2))
    kind = int(rng.integers(3))
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def apply_variants(rows: pl.DataFrame, rng: np.random.Generator, defects: list[dict[str, Any]]) -> pl.DataFrame:
    """Name and address variants on duplicate rows, and typos on any row (recorded as defects)."""
    dup = (rows["kind"] != "primary").to_numpy()
    n = len(rows)
    name_rows = np.flatnonzero(dup & (rng.random(n) < FAULT_RATES["name_variant"]))
    addr_rows = np.flatnonzero(dup & (rng.random(n) < FAULT_RATES["address_variant"]))
    typo_rows = np.flatnonzero(rng.random(n) < FAULT_RATES["typo"])
    name_col = rows["nama_usaha"].to_list()
    addr_col = rows["alamat"].to_list()
    for kind, idx, col, fn in (
        ("name_variant", name_rows, name_col, name_variant),
        ("address_variant", addr_rows, addr_col, address_variant),
        ("typo", typo_rows, name_col, typo),
    ):
        for i in idx:
            old = col[i]
            if old is None:
                continue
            new = fn(old, rng)
            if new != old:
                col[i] = new
                defects.append(
                    {
                        "row": int(i),
                        "kind": kind,
                        "column": "nama_usaha" if col is name_col else "alamat",
                        "true_value": old,
                        "written_value": new,
                    }
                )
    return rows.with_columns(
        nama_usaha=pl.Series(name_col, dtype=pl.String), alamat=pl.Series(addr_col, dtype=pl.String)
    )


def _blank(rows: pl.DataFrame, mask: np.ndarray, cols: list[str]) -> pl.DataFrame:
    return rows.with_columns([pl.when(pl.lit(mask)).then(None).otherwise(pl.col(c)).alias(c) for c in cols])


def apply_gaps(rows: pl.DataFrame, rng: np.random.Generator, defects: list[dict[str, Any]]) -> pl.DataFrame:
    """Missing NIB (where the firm has one) and missing coordinates."""
    n = len(rows)
    has_nib = rows["nib"].is_not_null().to_numpy()
    miss_nib = has_nib & (rng.random(n) < FAULT_RATES["missing_nib"])
    miss_xy = rows["latitude"].is_not_null().to_numpy() & (rng.random(n) < FAULT_RATES["missing_coordinates"])
    nib = rows["nib"].to_list()
    for i in np.flatnonzero(miss_nib):
        defects.append(
            {"row": int(i), "kind": "missing_nib", "column": "nib", "true_value": nib[i], "written_value": None}
        )
    for i in np.flatnonzero(miss_xy):
        defects.append(
            {
                "row": int(i),
                "kind": "missing_coordinates",
                "column": "latitude",
                "true_value": None,
                "written_value": None,
            }
        )
    rows = _blank(rows, miss_nib, ["nib"])
    return _blank(rows, miss_xy, ["latitude", "longitude"])


def apply_invalid(
    rows: pl.DataFrame, rng: np.random.Generator, defects: list[dict[str, Any]]
) -> tuple[pl.DataFrame, np.ndarray]:
    """At most one invalid value per row; returns the rows and a per-row invalid flag."""
    n = len(rows)
    rates = np.array([FAULT_RATES[k] for k in INVALID_KINDS])
    u = rng.random(n)
    edges = np.cumsum(rates)
    kind_idx = np.searchsorted(edges, u, side="right")  # == len(rates) → valid
    invalid = kind_idx < len(rates)
    cols = {
        c: rows[c].to_list()
        for c in ("kbli", "tenaga_kerja", "latitude", "longitude", "nama_usaha", "nib", "kode_wilayah")
    }
    for i in np.flatnonzero(invalid):
        kind = INVALID_KINDS[kind_idx[i]]
        new: object
        if kind == "invalid_kbli":
            col, new = "kbli", BAD_KBLI[int(rng.integers(len(BAD_KBLI)))]
        elif kind == "negative_workers":
            col, new = "tenaga_kerja", -int(cols["tenaga_kerja"][i] or 1)
        elif kind == "zero_workers":
            col, new = "tenaga_kerja", 0
        elif kind == "coordinates_outside_indonesia":
            lat, lon = cols["latitude"][i], cols["longitude"][i]
            if lat is None or lon is None:
                lat, lon = -7.0, 110.0
            pick = int(rng.integers(3))
            new_lat, new_lon = [(lon, lat), (0.0, 0.0), (-lat if abs(lat) > 6.6 else lat + 20.0, lon)][pick]
            defects.append(
                {
                    "row": int(i),
                    "kind": kind,
                    "column": "latitude,longitude",
                    "true_value": f"{lat},{lon}",
                    "written_value": f"{new_lat},{new_lon}",
                }
            )
            cols["latitude"][i], cols["longitude"][i] = new_lat, new_lon
            continue
        elif kind == "missing_name":
            col, new = "nama_usaha", None
        elif kind == "bad_nib":
            base = cols["nib"][i] or "9120" + str(int(rng.integers(10**8, 10**9)))
            col, new = "nib", [base[:-1], base + "7", base[:6] + "O" + base[7:]][int(rng.integers(3))]
        else:
            col, new = "kode_wilayah", cols["kode_wilayah"][i][:3] + "99"
        defects.append({"row": int(i), "kind": kind, "column": col, "true_value": cols[col][i], "written_value": new})
        cols[col][i] = new
    out = rows.with_columns(
        kbli=pl.Series(cols["kbli"], dtype=pl.String),
        tenaga_kerja=pl.Series(cols["tenaga_kerja"], dtype=pl.Int64),
        latitude=pl.Series(cols["latitude"], dtype=pl.Float64),
        longitude=pl.Series(cols["longitude"], dtype=pl.Float64),
        nama_usaha=pl.Series(cols["nama_usaha"], dtype=pl.String),
        nib=pl.Series(cols["nib"], dtype=pl.String),
        kode_wilayah=pl.Series(cols["kode_wilayah"], dtype=pl.String),
    )
    return out, invalid

"""Build the true entities and sentra of one province as polars frames."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from jejaring.registry.service import classify_size
from jejaring.synth import entities as ent
from jejaring.synth import geo as geo_mod
from jejaring.synth import names, products, sentra
from jejaring.synth.plan import ProvincePlan

COORD_JITTER_DEG = 0.025  # ≈ 2.8 km around the district seat
SENTRA_JITTER_DEG = 0.004  # members of a sentra sit close together


@dataclass
class ProvinceTruth:
    """The true entities and sentra of a province, and its hard-negative pairs."""

    entities: pl.DataFrame
    sentra: pl.DataFrame
    hard_negatives: pl.DataFrame


def _size_classes(workers: np.ndarray, investment: np.ndarray) -> list[str | None]:
    return [classify_size(int(w), int(i)) for w, i in zip(workers, investment, strict=True)]


def _specialty_phrases(
    rng: np.random.Generator, g: geo_mod.ProvinceGeo, codes: tuple[str, ...], kbli_idx: np.ndarray, regency: np.ndarray
) -> pl.Series:
    out: list[str | None] = [None] * len(kbli_idx)
    reg_pos = {c: i for i, c in enumerate(g.regency_codes)}
    for sp in products.specialties():
        r = reg_pos.get(sp.regency_code)
        if r is None:
            continue
        code_match = np.array([c.startswith(sp.kbli_prefix) for c in codes])[kbli_idx]
        for i in np.flatnonzero(code_match & (regency == r) & (rng.random(len(kbli_idx)) < 0.7)):
            out[i] = sp.phrases[int(rng.integers(len(sp.phrases)))]
    return pl.Series(out, dtype=pl.String)


def build(plan: ProvincePlan, rng: np.random.Generator, tables: ent.KbliTables) -> ProvinceTruth:
    """Draw the province's firms (exact units and workers) and its sentra."""
    g = geo_mod.load_province(plan.code)
    codes = tuple(tables.codes.to_list())
    n = plan.units
    kbli_idx = ent.draw_kbli(rng, np.array(plan.signature_counts), plan.code_weights)
    regency = ent.draw_regencies(rng, g, kbli_idx)
    district = geo_mod.draw_children(rng, g.district_regency, regency)
    desa = geo_mod.draw_children(rng, g.desa_district, district)
    sd = sentra.draw(rng, plan.sentra, kbli_idx, regency, district, desa)
    # hard negatives: a firm takes the village and a near-identical name of another firm in its regency
    hn_b = np.flatnonzero((rng.random(n) < plan.hard_negative_rate) & (sd.member_of < 0))
    by_regency = np.argsort(regency, kind="stable")
    lo = np.searchsorted(regency[by_regency], regency[hn_b], side="left")
    hi = np.searchsorted(regency[by_regency], regency[hn_b], side="right")
    hn_a = by_regency[lo + (rng.random(len(hn_b)) * (hi - lo)).astype(np.int64)]
    keep = hn_a != hn_b
    hn_a, hn_b = hn_a[keep], hn_b[keep]
    district[hn_b], desa[hn_b] = district[hn_a], desa[hn_a]
    in_sentra = sd.member_of >= 0
    # sentra members sit around their sentra's centre, other firms around the district seat
    n_sentra = len(sd.commodity)
    off_lat = np.append(rng.normal(0, COORD_JITTER_DEG, n_sentra), 0.0)[sd.member_of]
    off_lon = np.append(rng.normal(0, COORD_JITTER_DEG, n_sentra), 0.0)[sd.member_of]
    jitter = np.where(in_sentra, SENTRA_JITTER_DEG, COORD_JITTER_DEG)
    lat = np.round(g.district_lat[district] + off_lat + rng.normal(0, 1, n) * jitter, 6)
    lon = np.round(g.district_lon[district] + off_lon + rng.normal(0, 1, n) * jitter, 6)
    workers = ent.draw_workers(rng, n, plan.workers)
    investment = ent.draw_investment(rng, workers, tables.capital[kbli_idx])
    production = (
        np.round(
            workers * np.exp(rng.normal(np.log(45_000_000), 0.8, n)) * np.sqrt(tables.capital[kbli_idx]) / 1e6
        ).astype(np.int64)
        * 1_000_000
    )
    capacity = np.maximum(1, np.round(production / 12 / tables.price[kbli_idx])).astype(np.int64)
    own = names.owners(rng, plan.code, n)
    name_word = tables.name_word.gather(kbli_idx)
    biz = names.business_names(rng, name_word, own)
    if len(hn_b):
        suffix = pl.Series(["2", "Baru", "II", "Jaya", "Putra", "Abadi"]).gather(rng.integers(0, 6, len(hn_b)))
        twin = names.concat([biz.gather(hn_a), suffix], separator=" ")
        biz = biz.scatter(hn_b, twin)
    desa_names = pl.Series(g.desa_names, dtype=pl.String).gather(desa)
    produk = ent.product_text(rng, tables, kbli_idx)
    special = _specialty_phrases(rng, g, codes, kbli_idx, regency)
    produk = pl.select(pl.coalesce(special, produk)).to_series()
    founded = np.maximum(1950, plan.year - np.floor(rng.exponential(11.0, n))).astype(np.int64)
    brand = pl.select(
        pl.when(pl.lit(rng.random(n) < 0.2))
        .then(names.pick(rng, names.vocab()["business"]["words"], n))
        .otherwise(None)
    ).to_series()
    sentra_names = _sentra_names(rng, sd, tables, desa_names_all=g.desa_names)
    ids = pl.Series([f"IKM-{plan.code}-{i + 1:07d}" for i in range(n)])
    frame = pl.DataFrame(
        {
            "entity_id": ids,
            "nib": ent.nibs(rng, plan.code, workers),
            "nama_usaha": biz,
            "nama_pemilik": own.name,
            "alamat": names.addresses(rng, desa_names, own.culture),
            "kode_wilayah": pl.Series(g.regency_codes).gather(regency),
            "provinsi": pl.Series([g.name] * n, dtype=pl.String),
            "kabupaten_kota": pl.Series(g.regency_names).gather(regency),
            "kecamatan": pl.Series(g.district_names).gather(district),
            "desa": desa_names,
            "latitude": lat,
            "longitude": lon,
            "kbli": tables.codes.gather(kbli_idx),
            "produk": produk,
            "hs": tables.hs.gather(kbli_idx),
            "tenaga_kerja": workers,
            "nilai_investasi": investment,
            "kapasitas_produksi": capacity,
            "satuan": tables.unit.gather(kbli_idx),
            "nilai_produksi": production,
            "sertifikat": ent.certificates(rng, kbli_idx, workers),
            "merek": brand,
            "telepon": ent.phones(rng, n),
            "email": ent.emails(rng, own.short),
            "sentra": pl.Series(sentra_names, dtype=pl.String).gather(np.maximum(sd.member_of, 0))
            if len(sentra_names)
            else pl.Series([None] * n, dtype=pl.String),
            "tahun_berdiri": founded,
            "size_class": _size_classes(workers, investment),
            "sentra_id": [f"SEN-{plan.code}-{m + 1:05d}" if m >= 0 else None for m in sd.member_of],
            "_regency": regency,
            "_kbli_idx": kbli_idx,
        }
    )
    frame = frame.with_columns(
        pl.when(pl.col("sentra_id").is_null()).then(None).otherwise(pl.col("sentra")).alias("sentra")
    )
    return ProvinceTruth(frame, _sentra_frame(plan, g, sd, sentra_names, frame, tables), _pairs(frame, hn_a, hn_b))


def _sentra_names(
    rng: np.random.Generator, sd: sentra.SentraDraw, tables: ent.KbliTables, desa_names_all: list[str]
) -> list[str]:
    seen: set[str] = set()
    out = []
    for k, v in zip(sd.kbli_idx, sd.desa, strict=True):
        pattern = sentra.NAME_PATTERNS[int(rng.integers(len(sentra.NAME_PATTERNS)))]
        name = pattern.format(w=tables.name_word[int(k)], d=desa_names_all[int(v)])
        while name in seen:
            name += " II"
        seen.add(name)
        out.append(name)
    return out


def _sentra_frame(
    plan: ProvincePlan,
    g: geo_mod.ProvinceGeo,
    sd: sentra.SentraDraw,
    sentra_names: list[str],
    firms: pl.DataFrame,
    tables: ent.KbliTables,
) -> pl.DataFrame:
    m = len(sentra_names)
    stats = (
        firms.filter(pl.col("sentra_id").is_not_null())
        .group_by("sentra_id")
        .agg(pl.len().alias("jumlah_unit"), pl.col("tenaga_kerja").sum().alias("tenaga_kerja"))
    )
    base = pl.DataFrame(
        {
            "sentra_id": [f"SEN-{plan.code}-{i + 1:05d}" for i in range(m)],
            "nama_sentra": sentra_names,
            "kode_wilayah": [g.regency_codes[int(r)] for r in sd.regency],
            "provinsi": [g.name] * m,
            "kabupaten_kota": [g.regency_names[int(r)] for r in sd.regency],
            "kecamatan": [g.district_names[int(d)] for d in sd.district],
            "desa": [g.desa_names[int(v)] for v in sd.desa],
            "komoditas": [tables.name_word[int(k)] for k in sd.kbli_idx],
            "kelompok_komoditas": sd.commodity,
            "kbli": [tables.codes[int(k)] for k in sd.kbli_idx],
            "definisi": ["Kemenperin (PP 29/2018)"] * m,
        },
        schema_overrides={"kode_wilayah": pl.String, "kbli": pl.String},
    )
    return base.join(stats, on="sentra_id", how="left").with_columns(
        pl.col("jumlah_unit").fill_null(0), pl.col("tenaga_kerja").fill_null(0)
    )


def _pairs(frame: pl.DataFrame, a: np.ndarray, b: np.ndarray) -> pl.DataFrame:
    cols = ["entity_id", "nama_usaha", "desa"]
    left = frame[cols].gather(b).rename({"entity_id": "entity_id", "nama_usaha": "nama_usaha", "desa": "desa"})
    right = (
        frame[["entity_id", "nama_usaha"]]
        .gather(a)
        .rename({"entity_id": "namesake_entity_id", "nama_usaha": "namesake_nama_usaha"})
    )
    return pl.concat([left, right], how="horizontal")

"""The true IKM entities of one province: where they are, what they make, their size and contacts."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import polars as pl

from jejaring.synth import geo as geo_mod
from jejaring.synth import kbli_mix, names, products

# Workers: a mixture of micro (1–4), small (5–19) and medium (20+) units; see docs/synth.md.
WORKER_MIX = (0.888, 0.10, 0.012)
MICRO_WORKERS_P = (0.45, 0.30, 0.15, 0.10)
# Investment (Rp, excluding land and buildings): lognormal, median = base × workers^1.2 × factor.
INVESTMENT_BASE = 9_000_000
INVESTMENT_SIGMA = 1.25
CAPITAL_FACTOR = {
    "11": 2.5, "12": 1.5, "16": 1.5, "17": 2.0, "18": 2.5, "20": 2.0, "21": 2.0, "22": 2.5, "23": 0.6,
    "24": 3.0, "25": 1.5, "26": 3.0, "27": 3.0, "28": 3.0, "29": 3.0, "30": 2.5, "32": 1.8,
}  # fmt: skip
UNIT_PRICE = {
    "kg": 30_000, "pcs": 25_000, "unit": 1_500_000, "lembar": 150_000, "m3": 3_000_000, "buah": 1_500,
    "liter": 20_000, "botol": 15_000, "galon": 5_000, "ton": 5_000_000, "porsi": 20_000, "bal": 100_000,
    "m": 20_000, "m2": 300_000, "pasang": 100_000, "kaleng": 15_000, "box": 50_000, "pak": 5_000,
    "jasa": 200_000,
}  # fmt: skip
PHONE_PREFIXES = ("811", "812", "813", "821", "822", "852", "853", "857", "858", "877", "878", "895", "896", "838")


@dataclass(frozen=True)
class KbliTables:
    """Per national KBLI code index: product data as arrays for vectorised lookups."""

    codes: pl.Series
    name_word: pl.Series
    unit: pl.Series
    hs: pl.Series
    phrases: pl.Series
    phrase_offset: np.ndarray
    phrase_size: np.ndarray
    capital: np.ndarray
    price: np.ndarray


def kbli_tables() -> KbliTables:
    """Product lookups for every national KBLI code."""
    codes, _ = kbli_mix.national_weights()
    rows = [products.row_for(c) for c in codes]
    phrases: list[str] = []
    offset, size = [], []
    for r in rows:
        offset.append(len(phrases))
        size.append(len(r.phrases))
        phrases.extend(r.phrases)
    return KbliTables(
        codes=pl.Series(list(codes), dtype=pl.String),
        name_word=pl.Series([r.name_word for r in rows], dtype=pl.String),
        unit=pl.Series([r.unit for r in rows], dtype=pl.String),
        hs=pl.Series([";".join(r.hs[:2]) for r in rows], dtype=pl.String),
        phrases=pl.Series(phrases, dtype=pl.String),
        phrase_offset=np.array(offset),
        phrase_size=np.array(size),
        capital=np.array([CAPITAL_FACTOR.get(c[:2], 1.0) for c in codes]),
        price=np.array([UNIT_PRICE.get(r.unit, 25_000) for r in rows], dtype=float),
    )


def draw_kbli(rng: np.random.Generator, signature_counts: np.ndarray, code_weights: np.ndarray) -> np.ndarray:
    """KBLI code indices: exact counts per sector signature, codes within a signature by weight."""
    sig = kbli_mix.signature_of_codes()
    parts = []
    for j, count in enumerate(signature_counts):
        if count <= 0:
            continue
        idx = np.flatnonzero(sig == j)
        w = code_weights[idx]
        parts.append(rng.choice(idx, size=int(count), p=w / w.sum()))
    out = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    rng.shuffle(out)
    return out


def draw_regencies(rng: np.random.Generator, g: geo_mod.ProvinceGeo, kbli_idx: np.ndarray) -> np.ndarray:
    """Regency per firm: by population, with regional specialities boosting their KBLI there."""
    codes, _ = kbli_mix.national_weights()
    out = rng.choice(len(g.regency_codes), size=len(kbli_idx), p=g.regency_weight)
    reg_pos = {c: i for i, c in enumerate(g.regency_codes)}
    special: dict[int, np.ndarray] = {}
    for sp in products.specialties():
        if sp.regency_code not in reg_pos:
            continue
        for k in (i for i, c in enumerate(codes) if c.startswith(sp.kbli_prefix)):
            w = special.setdefault(k, g.regency_weight.copy())
            w[reg_pos[sp.regency_code]] *= sp.boost
    for k, w in special.items():
        m = kbli_idx == k
        if m.any():
            out[m] = rng.choice(len(w), size=int(m.sum()), p=w / w.sum())
    return out


def draw_workers(rng: np.random.Generator, n: int, target: int) -> np.ndarray:
    """Heavy-tailed worker counts (most micro), adjusted one by one to add up to ``target``."""
    comp = rng.choice(3, size=n, p=WORKER_MIX)
    micro = rng.choice(4, size=n, p=MICRO_WORKERS_P) + 1
    small = np.clip(np.round(np.exp(rng.normal(np.log(8.0), 0.45, n))), 5, 19)
    medium = np.clip(np.round(20 * (1 + rng.pareto(3.0, n))), 20, 2_000)
    w = np.select([comp == 0, comp == 1], [micro, small], medium).astype(np.int64)
    gap = target - int(w.sum())
    while gap < 0 and (w > 19).any():  # small provinces: trim the biggest firm first
        i = int(np.argmax(w))
        cut = min(-gap, int(w[i]) - 1)
        w[i] -= cut
        gap += cut
    for _ in range(50):
        if gap == 0:
            break
        ok = np.flatnonzero((w < 19) if gap > 0 else ((w > 1) & (w <= 19)))
        k = min(abs(gap), len(ok))
        if k == 0:
            break
        pick = rng.choice(ok, size=k, replace=False)
        w[pick] += 1 if gap > 0 else -1
        gap = target - int(w.sum())
    return w


def draw_investment(rng: np.random.Generator, workers: np.ndarray, capital: np.ndarray) -> np.ndarray:
    """Investment excluding land and buildings; IKM stay below the large-industry line (≤ Rp15 bn)."""
    median = INVESTMENT_BASE * workers.astype(float) ** 1.2 * capital
    x = np.exp(rng.normal(np.log(median), INVESTMENT_SIGMA))
    x = np.clip(x, 500_000, 15_000_000_000)
    step = np.where(x < 10_000_000, 100_000, 1_000_000)
    return np.asarray((np.round(x / step) * step).astype(np.int64))


def product_text(rng: np.random.Generator, t: KbliTables, kbli_idx: np.ndarray) -> pl.Series:
    """Main products as owners write them: one to three phrases, in varied case and separators."""
    n = len(kbli_idx)
    size, off = t.phrase_size[kbli_idx], t.phrase_offset[kbli_idx]
    first = rng.integers(0, 1 << 30, n) % size
    second = (first + 1 + rng.integers(0, 1 << 30, n) % np.maximum(size - 1, 1)) % size
    p1, p2 = t.phrases.gather(off + first), t.phrases.gather(off + second)
    count = np.where(size > 1, rng.choice(3, size=n, p=[0.45, 0.4, 0.15]) + 1, 1)
    sep = pl.Series([", ", ", ", " dan ", "/", " & "]).gather(rng.integers(0, 5, n))
    third = t.phrases.gather(off + (second + 1) % size)
    frame = pl.DataFrame({"p1": p1, "p2": p2, "p3": third, "sep": sep, "count": count})
    text = frame.select(
        pl.when(pl.col("count") == 1)
        .then(pl.col("p1"))
        .when((pl.col("count") == 2) | (pl.col("p3") == pl.col("p1")))
        .then(pl.concat_str([pl.col("p1"), pl.col("sep"), pl.col("p2")]))
        .otherwise(pl.concat_str([pl.col("p1"), pl.lit(", "), pl.col("p2"), pl.col("sep"), pl.col("p3")]))
    ).to_series()
    case = rng.choice(4, size=n, p=[0.5, 0.25, 0.15, 0.1])
    return pl.select(
        pl.when(pl.lit(case == 1))
        .then(text.str.to_titlecase())
        .when(pl.lit(case == 2))
        .then(pl.concat_str([text.str.slice(0, 1).str.to_uppercase(), text.str.slice(1)]))
        .when(pl.lit(case == 3))
        .then(text.str.to_uppercase())
        .otherwise(text)
    ).to_series()


@lru_cache
def _certificate_table() -> tuple[tuple[str, ...], np.ndarray]:
    """Certificate codes and, per national KBLI code, the chance of holding each."""
    codes, _ = kbli_mix.national_weights()
    certs = sorted({c for code in codes for c, _ in products.row_for(code).certificates})
    table = np.zeros((len(codes), len(certs)))
    for i, code in enumerate(codes):
        for c, p in products.row_for(code).certificates:
            table[i, certs.index(c)] = p
    return tuple(certs), table


def certificates(rng: np.random.Generator, kbli_idx: np.ndarray, workers: np.ndarray) -> pl.Series:
    """Certificate codes (``;``-separated) by product type, likelier for bigger firms."""
    certs, table = _certificate_table()
    factor = np.select([workers <= 4, workers <= 19], [0.6, 1.4], 2.5)
    held = rng.random((len(kbli_idx), len(certs))) < np.minimum(table[kbli_idx] * factor[:, None], 0.95)
    parts = [pl.when(pl.lit(pl.Series(held[:, j]))).then(pl.lit(c)) for j, c in enumerate(certs)]
    out = pl.select(pl.concat_str(parts, separator=";", ignore_nulls=True)).to_series()
    return out.fill_null("")


def phones(rng: np.random.Generator, n: int) -> pl.Series:
    """Indonesian mobile numbers in the canonical ``08…`` form; about a quarter missing."""
    pre = pl.Series(list(PHONE_PREFIXES)).gather(rng.integers(0, len(PHONE_PREFIXES), n))
    rest = pl.Series(rng.integers(1_000_000, 99_999_999, n)).cast(pl.String).str.zfill(8)
    phone = names.concat([pl.lit("0"), pre, rest]) if n else pl.Series([], dtype=pl.String)
    return pl.select(pl.when(pl.lit(rng.random(n) < 0.75)).then(phone).otherwise(None)).to_series()


def nibs(rng: np.random.Generator, province_code: str, workers: np.ndarray) -> pl.Series:
    """Unique 13-digit NIBs (affine permutation of a sequence); micro firms often have none."""
    n = len(workers)
    seq = (np.arange(n, dtype=np.int64) * 7_919_423 + int(rng.integers(0, 10**8))) % 10**8
    prefix = pl.Series(["912", "812", "020", "120", "220"]).gather(rng.integers(0, 5, n))
    digits = pl.Series(seq).cast(pl.String).str.zfill(8)
    nib = names.concat([prefix, pl.lit(province_code), digits]) if n else digits
    has = rng.random(n) < np.select([workers <= 4, workers <= 19], [0.5, 0.8], 0.97)
    return pl.select(pl.when(pl.lit(has)).then(nib).otherwise(None)).to_series()


def emails(rng: np.random.Generator, owner_short: pl.Series) -> pl.Series:
    """Some owners give a Gmail or Yahoo address."""
    n = len(owner_short)
    local = owner_short.str.to_lowercase().str.replace_all(r"[^a-z]", "")
    num = pl.Series(rng.integers(1, 999, n)).cast(pl.String)
    dom = pl.Series(["@gmail.com", "@gmail.com", "@yahoo.co.id", "@yahoo.com"]).gather(rng.integers(0, 4, n))
    mail = names.concat([local, num, dom]) if n else local
    return pl.select(pl.when(pl.lit(rng.random(n) < 0.12)).then(mail).otherwise(None)).to_series()

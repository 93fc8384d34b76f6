"""Sentra (IKM clusters): commodity, place and members, anchored on the province's own firms."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jejaring.synth import calibration, kbli_mix

# Kemenperin 2017 commodity groups → KBLI divisions (documented in docs/synth.md).
COMMODITY_DIVISIONS = {
    "pangan": ("10", "11", "12"),
    "kerajinan_dan_aneka": ("16", "32"),
    "sandang": ("13", "14", "15"),
    "kimia_dan_bahan_bangunan": ("17", "18", "19", "20", "21", "22", "23"),
    "furnitur": ("31",),
    "logam_mesin_elektronika_alat_angkut": ("24", "25", "26", "27", "28", "29", "30", "33"),
}
MEAN_MEMBERS = 40  # BPS 2020: 516,124 units in 13,762 sentra ≈ 37.5; Kemenperin 2017: ≈146 workers
NAME_PATTERNS = ("Sentra {w} {d}", "Sentra IKM {w} {d}", "Sentra Industri {w} Desa {d}", "Kampung {w} {d}")


@dataclass
class SentraDraw:
    """Sentra of a province and each firm's sentra (−1 for none)."""

    commodity: list[str]
    kbli_idx: np.ndarray
    regency: np.ndarray
    district: np.ndarray
    desa: np.ndarray
    member_of: np.ndarray  # per firm


def draw(
    rng: np.random.Generator,
    count: int,
    kbli_idx: np.ndarray,
    regency: np.ndarray,
    district: np.ndarray,
    desa: np.ndarray,
) -> SentraDraw:
    """``count`` sentra, each anchored on a random firm of its commodity, with neighbours as members.

    Members are firms of the same KBLI code in the anchor's regency (at most half of them); they move
    to the anchor's district and village, as cluster members do.
    """
    codes, _ = kbli_mix.national_weights()
    div = np.array([c[:2] for c in codes])[kbli_idx]
    groups = list(calibration.sentra_commodity_shares().items())
    p = np.array([s for _, s in groups])
    chosen = rng.choice(len(groups), size=count, p=p / p.sum())
    member_of = np.full(len(kbli_idx), -1, dtype=np.int64)
    pools = [rng.permutation(np.flatnonzero(np.isin(div, COMMODITY_DIVISIONS[g]))) for g, _ in groups]
    fallback = rng.permutation(len(kbli_idx))
    cursor = [0] * (len(groups) + 1)
    key = kbli_idx.astype(np.int64) * 10_000 + regency
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    out_k: list[int] = []
    out_r: list[int] = []
    out_d: list[int] = []
    out_v: list[int] = []
    commodity: list[str] = []
    for gi in chosen:
        anchor = -1
        for pool, slot in ((pools[gi], gi), (fallback, len(groups))):
            while cursor[slot] < len(pool) and member_of[pool[cursor[slot]]] >= 0:
                cursor[slot] += 1
            if cursor[slot] < len(pool):
                anchor = int(pool[cursor[slot]])
                break
        if anchor < 0:
            break
        lo, hi = np.searchsorted(sorted_key, [key[anchor], key[anchor] + 1])
        same = order[lo:hi]
        same = same[(member_of[same] < 0) & (same != anchor)]
        size = max(1, min(int(rng.lognormal(np.log(MEAN_MEMBERS) - 0.18, 0.6)), (len(same) + 1) // 2))
        members = rng.choice(same, size=size - 1, replace=False) if size > 1 else same[:0]
        members = np.append(members, anchor)
        s = len(commodity)
        member_of[members] = s
        district[members] = district[anchor]
        desa[members] = desa[anchor]
        commodity.append(groups[gi][0])
        out_k.append(kbli_idx[anchor])
        out_r.append(regency[anchor])
        out_d.append(district[anchor])
        out_v.append(desa[anchor])
    return SentraDraw(commodity, np.array(out_k), np.array(out_r), np.array(out_d), np.array(out_v), member_of)

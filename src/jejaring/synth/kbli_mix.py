"""The KBLI mix of IKM: national weights per five-digit code, fitted to the calibration.

A documented prior (division shares × within-division commonness from ``data/products.csv``) is
adjusted by iterative proportional fitting until the constraints hold exactly: the four sector
shares under the reference KBLI → sector mapping, food (division 10) and computers/electronics
(division 26) at their IMK 2020 shares, and wood (16) and apparel (14) above 500,000 of 4.21 M.
Because IPF only rescales, the result is the weight vector closest to the prior (in the
Kullback–Leibler sense) that satisfies the constraints.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from jejaring.reference import catalog
from jejaring.synth import calibration, products

# Prior share of IKM units per KBLI division (assumption; see docs/synth.md). Divisions 10, 14, 16
# and 26 and the sector totals are then fixed by the constraints below.
DIVISION_PRIOR = {
    "10": 0.360, "11": 0.020, "12": 0.010, "13": 0.040, "14": 0.122, "15": 0.015, "16": 0.122,
    "17": 0.003, "18": 0.015, "19": 0.0003, "20": 0.010, "21": 0.004, "22": 0.008, "23": 0.110,
    "24": 0.002, "25": 0.030, "26": 0.0002, "27": 0.001, "28": 0.003, "29": 0.002, "30": 0.004,
    "31": 0.050, "32": 0.050, "33": 0.010,
}  # fmt: skip
# Wood (16) and apparel (14) "each exceed 500,000" of 4,209,817 IMK units: we fix both at 12.2%.
WOOD_APPAREL_SHARE = 0.122
SECTORS = ("makanan_minuman", "fesyen", "kerajinan", "industri_kreatif")
SIGNATURE_NAMES = ("makanan_minuman", "fesyen", "kerajinan", "lainnya")


@dataclass(frozen=True)
class Constraint:
    """A set of codes whose total weight must equal ``share``."""

    label: str
    mask: np.ndarray
    share: float


def constraints(codes: tuple[str, ...]) -> list[Constraint]:
    """The calibration constraints on the national KBLI mix."""
    f = calibration.facts()
    imk = f["imk_2020"]
    shares = f["national"]["sector_shares"]
    arr = np.array(codes)
    div = np.array([c[:2] for c in codes])
    out = [Constraint(s, np.array([s in catalog.sectors_of(c) for c in codes]), float(shares[s])) for s in SECTORS]
    out.append(Constraint("kbli10", div == "10", imk["food_kbli10_units"] / imk["units"]))
    out.append(Constraint("kbli26", div == "26", imk["computer_electronic_kbli26_units"] / imk["units"]))
    out.append(Constraint("kbli14", div == "14", WOOD_APPAREL_SHARE))
    out.append(Constraint("kbli16", div == "16", WOOD_APPAREL_SHARE))
    assert len(arr) == len(out[0].mask)
    return out


def prior(codes: tuple[str, ...]) -> np.ndarray:
    """Prior weights: division share spread over its codes by commonness."""
    w = np.array([products.row_for(c).commonness for c in codes], dtype=float)
    div = np.array([c[:2] for c in codes])
    for d, share in DIVISION_PRIOR.items():
        m = div == d
        if w[m].sum() > 0:
            w[m] = w[m] / w[m].sum() * share
    return np.asarray(w / w.sum())


def fit(w0: np.ndarray, cons: list[Constraint], *, iterations: int = 500, tol: float = 1e-12) -> np.ndarray:
    """Iterative proportional fitting of ``w0`` to the constraints (each set and its complement)."""
    w = w0 / w0.sum()
    for _ in range(iterations):
        worst = 0.0
        for c in cons:
            inside = w[c.mask].sum()
            worst = max(worst, abs(inside - c.share))
            w[c.mask] *= c.share / inside
            w[~c.mask] *= (1 - c.share) / (1 - inside)
        if worst < tol:
            break
    return np.asarray(w)


@lru_cache
def national_weights() -> tuple[tuple[str, ...], np.ndarray]:
    """KBLI codes and their fitted national shares of IKM units."""
    codes = products.kbli_codes()
    w = fit(prior(codes), constraints(codes))
    w.setflags(write=False)
    return codes, w


@lru_cache
def signature_of_codes() -> np.ndarray:
    """Per code, the index of its (non-overlapping) sector signature in ``SIGNATURE_NAMES``."""
    codes, _ = national_weights()
    out = np.full(len(codes), 3, dtype=np.int8)
    for i, c in enumerate(codes):
        s = catalog.sectors_of(c)
        for j, name in enumerate(SIGNATURE_NAMES[:3]):
            if name in s:
                out[i] = j
    return out


def province_boosts(province_code: str, regency_pop: dict[str, float]) -> np.ndarray:
    """Per code, how much more common it is in this province because of its regional specialities."""
    codes, _ = national_weights()
    boost = np.ones(len(codes))
    total = sum(v for k, v in regency_pop.items() if k.startswith(province_code + ".")) or 1.0
    for sp in products.specialties():
        if not sp.regency_code.startswith(province_code + "."):
            continue
        m = np.array([c.startswith(sp.kbli_prefix) for c in codes])
        boost[m] += (sp.boost - 1) * regency_pop.get(sp.regency_code, 0.0) / total
    return boost


def province_matrix(units: dict[str, int], regency_pop: dict[str, float]) -> np.ndarray:
    """Expected units per (province, code): rows sum to the province units, columns to the national mix."""
    _, w = national_weights()
    provs = list(units)
    rows = np.array([units[p] for p in provs], dtype=float)
    m = np.array([w * province_boosts(p, regency_pop) for p in provs])
    cols = w * rows.sum()
    for _ in range(200):
        m *= (rows / m.sum(axis=1))[:, None]
        colsum = m.sum(axis=0)
        m *= np.divide(cols, colsum, out=np.zeros_like(cols), where=colsum > 0)[None, :]
        if np.abs(m.sum(axis=1) - rows).max() < 1e-6:
            break
    return m


def allocate_signatures(matrix: np.ndarray, units: list[int]) -> np.ndarray:
    """Integer units per (province, signature), row sums exact and national totals within ±1.

    Error diffusion: each province rounds its expected counts plus the carried national error.
    """
    sig = signature_of_codes()
    expected = np.stack([matrix[:, sig == j].sum(axis=1) for j in range(len(SIGNATURE_NAMES))], axis=1)
    out = np.zeros_like(expected, dtype=np.int64)
    carry = np.zeros(expected.shape[1])
    for i, n in enumerate(units):
        target = np.clip(expected[i] + carry, 0, None)
        out[i] = calibration.largest_remainder(target, n) if target.sum() > 0 else 0
        carry = expected[i] + carry - out[i]
    return out

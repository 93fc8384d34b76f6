"""Economic-complexity indicators on a country × product export matrix (NumPy).

The formulas are those of Hidalgo & Hausmann and of the Growth Lab's ``ecomplexity`` package, which
the tests use as the reference (agreement to 1e-9). Written here in NumPy because ``ecomplexity``
works through pandas and an eigen-decomposition of the product × product matrix, too slow for 5,000
HS6 products; here the eigenvector comes from the small country × country matrix, which has the same
non-zero spectrum.

- RCA_cp = (X_cp / Σ_p X_cp) / (Σ_c X_cp / Σ_cp X_cp)   (Balassa)
- M_cp = 1 if RCA_cp ≥ 1 else 0
- φ_pq = min(P(M_q | M_p), P(M_p | M_q)) = Σ_c M_cp M_cq / max(k_p, k_q)
- density_cp = Σ_q M_cq φ_pq / Σ_q φ_pq
- PCI: the eigenvector of the second-largest eigenvalue of M̃_pp = Σ_c M_cp M_cq / (k_c k_p), sign chosen
  so that ECI correlates positively with diversity
- COG_cp = (1 − M_cp) Σ_q φ_qp / (Σ_r φ_qr) · (1 − M_cq) · PCI_q
"""

from __future__ import annotations

from typing import cast

import numpy as np
from threadpoolctl import threadpool_limits


def rca(x: np.ndarray) -> np.ndarray:
    """Balassa's revealed comparative advantage of each row (country) in each column (product)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        share = x / np.nansum(x, axis=1)[:, None]
        world = np.nansum(x, axis=0)[None, :] / np.nansum(x)
        out = share / world
    return cast(np.ndarray, np.nan_to_num(out, nan=0.0, posinf=0.0))


def presence(r: np.ndarray, threshold: float = 1.0) -> np.ndarray:
    """M_cp: 1 where RCA ≥ threshold."""
    return cast(np.ndarray, (np.nan_to_num(r) >= threshold).astype(np.float64))


def proximity(m: np.ndarray) -> np.ndarray:
    """Symmetric product proximity φ (minimum of the two conditional probabilities)."""
    ubiquity = m.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        phi = (m.T @ m) / ubiquity[None, :]
    phi = np.nan_to_num(phi)
    return cast(np.ndarray, np.minimum(phi, phi.T))


def density(m: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """Share of each product's neighbourhood (weighted by φ) that the country already exports with RCA ≥ 1."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return cast(np.ndarray, m @ (phi.T / np.nansum(phi, axis=1)[None, :]))


def eci_pci(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ECI (per country) and PCI (per product), unstandardised, as ``ecomplexity`` returns them."""
    diversity = m.sum(axis=1)
    ubiquity = m.sum(axis=0)
    rows = diversity > 0
    cols = ubiquity > 0
    mv = m[rows][:, cols]
    m1 = mv / diversity[rows][:, None]
    m2 = mv / ubiquity[cols][None, :]
    mcc = m1 @ m2.T
    # one BLAS thread: on a busy machine, OpenBLAS's threads spin on this small (countries × countries)
    # problem (227 × 227: 2.9 s wall / 1.05 s CPU on two threads, 0.08 s / 0.03 s on one, load average 18)
    with threadpool_limits(limits=1, user_api="blas"):
        vals, vecs = np.linalg.eig(mcc)
    order = np.argsort(np.real(vals))
    kc_vec = np.real(vecs[:, order[-2]])
    kp = m2.T @ kc_vec
    kp = kp / np.linalg.norm(kp)
    kc = m1 @ kp
    sign = np.sign(np.corrcoef(diversity[rows], kc)[0, 1])
    eci = np.full(m.shape[0], np.nan)
    pci = np.full(m.shape[1], np.nan)
    eci[rows] = sign * kc
    pci[cols] = sign * kp
    return eci, pci


def outlook_gain(m: np.ndarray, phi: np.ndarray, pci: np.ndarray) -> np.ndarray:
    """Complexity outlook gain of each product for each country."""
    p = np.nan_to_num(pci)
    weights = phi * (p / phi.sum(axis=1))[:, None]
    return cast(np.ndarray, (1 - m) * ((1 - m) @ weights))


def standardise(v: np.ndarray) -> np.ndarray:
    """(v − mean) / sd, ignoring missing values."""
    return cast(np.ndarray, (v - np.nanmean(v)) / np.nanstd(v))


def indicators(x: np.ndarray) -> dict[str, np.ndarray]:
    """RCA, M, φ, density, ECI, PCI and COG of an export matrix, normalised as ``ecomplexity`` does
    (PCI and ECI by ECI's mean and standard deviation, COG by ECI's standard deviation)."""
    r = rca(x)
    m = presence(r)
    phi = proximity(m)
    eci, pci = eci_pci(m)
    cog = outlook_gain(m, phi, pci)
    mean, sd = np.nanmean(eci), np.nanstd(eci)
    return {
        "rca": r,
        "mcp": m,
        "phi": phi,
        "density": density(m, phi),
        "eci": (eci - mean) / sd,
        "pci": (pci - mean) / sd,
        "cog": cog / sd,
    }

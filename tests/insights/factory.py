"""Synthetic registry rows for insights tests and the benchmark, written with bulk inserts.

``make_rows`` returns plain dicts (firm, firm_role, certification, sentra, sentra_membership) so the
tests can compute expected figures from exactly the rows that were written, independently of the
insights code. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from jejaring.core.ids import ALPHABET, check_char
from jejaring.reference import catalog
from jejaring.registry.models import Certification, Firm, FirmRole, Sentra, SentraMembership

NOW = datetime(2026, 1, 1, tzinfo=UTC)
CERTS = ("SNI", "HALAL", "PIRT", "BPOM_MD", "ISO_9001")
# Share of IKM per division to get calibration-like sector shares (food ≈ 38 %, fashion ≈ 14 %, craft ≈ 15 %).
FOOD = ("10110", "10710", "10792", "11040")
FASHION = ("14111", "13134", "15201")
CRAFT = ("16293", "32120", "23931", "31001")
OTHER = ("16101", "22220", "25111", "18111", "20231", "24101", "26110", "29101", "12011", "17011")


def public_id(prefix: str, n: int) -> str:
    """A well-formed, deterministic public ID for the n-th record."""
    body = ""
    for _ in range(8):
        n, r = divmod(n, 32)
        body = ALPHABET[r] + body
    return f"{prefix}-{body}-{check_char(body)}"


@dataclass
class Rows:
    """Everything ``make_rows`` generated."""

    firms: list[dict[str, Any]] = field(default_factory=list)
    roles: list[dict[str, Any]] = field(default_factory=list)
    certifications: list[dict[str, Any]] = field(default_factory=list)
    sentra: list[dict[str, Any]] = field(default_factory=list)
    memberships: list[dict[str, Any]] = field(default_factory=list)


def _kbli(rng: random.Random) -> str:
    x = rng.random()
    if x < 0.38:
        return rng.choice(FOOD)
    if x < 0.52:
        return rng.choice(FASHION)
    if x < 0.67:
        return rng.choice(CRAFT)
    return rng.choice(OTHER)


def make_rows(
    n: int,
    *,
    seed: int = 7,
    start_id: int = 1,
    years: tuple[int, ...] = (2022, 2023, 2024),
    n_sentra: int = 20,
    large_share: float = 0.003,
    regencies: list[dict[str, Any]] | None = None,
) -> Rows:
    """``n`` firms (≈ 99.7 % IKM) over all regencies, with roles, certificates, sentra and members."""
    rng = random.Random(seed)
    regs = regencies or catalog.regencies()
    weights = [3.0 if r["province_code"] in ("33", "35", "32") else 1.0 for r in regs]
    out = Rows()
    for s in range(n_sentra):
        reg = regs[rng.randrange(len(regs))]
        sentra_kbli = _kbli(rng)
        out.sentra.append(
            {
                "id": s + start_id,
                "public_id": public_id("S", s + start_id),
                "name": f"Sentra Uji {s}",
                "name_key": f"sentra uji {s}",
                "province_code": reg["province_code"],
                "regency_code": reg["code"],
                "commodity": f"komoditas {sentra_kbli}",
                "kbli_code": sentra_kbli,
                "unit_count": rng.randint(5, 300),
                "workers": rng.randint(10, 2000),
                "definition": "kemenperin_pp29_2018",
                "source": "Uji",
                "reference_year": rng.choice(years),
                "created_at": NOW,
            }
        )
    chosen = rng.choices(regs, weights=weights, k=n)
    for i in range(n):
        fid = start_id + i
        reg = chosen[i]
        large = large_share > 0 and i % round(1 / large_share) == 1  # exactly the share, spread evenly
        kbli = _kbli(rng) if rng.random() > 0.01 else None
        if large:
            workers: int | None = rng.randint(2000, 3900)
        else:
            workers = rng.randint(1, 19) if rng.random() < 0.85 else rng.randint(20, 99)
        if rng.random() < 0.02:
            workers = None
        investment = (
            rng.randint(16_000_000_000, 90_000_000_000)
            if large
            else rng.randint(5_000_000, 900_000_000)
            if rng.random() < 0.85
            else rng.randint(1_000_000_000, 3_000_000_000)
        )
        if workers is None:
            size = None
        elif large:
            size = "besar"
        else:
            size = "kecil" if workers <= 19 and investment < 1_000_000_000 else "menengah"
        has_geo = rng.random() < 0.7
        out.firms.append(
            {
                "id": fid,
                "public_id": public_id("F", fid),
                "name": f"Usaha Uji {fid}",
                "name_key": f"usaha uji {fid}",
                "nib": f"{fid:013d}" if rng.random() < 0.4 else None,
                "province_code": reg["province_code"],
                "regency_code": reg["code"],
                "latitude": (reg["latitude"] + rng.uniform(-0.1, 0.1)) if has_geo and reg["latitude"] else None,
                "longitude": (reg["longitude"] + rng.uniform(-0.1, 0.1)) if has_geo and reg["longitude"] else None,
                "kbli_code": kbli,
                "kbli_division": kbli[:2] if kbli else None,
                "workers": workers,
                "investment": investment,
                "production_value": (
                    rng.randint(2_500_000_000_000, 3_600_000_000_000)
                    if large
                    else rng.randint(10_000_000, 5_000_000_000)
                )
                if rng.random() < 0.6
                else None,
                "reference_year": rng.choice(years) if rng.random() > 0.01 else None,
                "size_class": size,
                "status": "active" if rng.random() > 0.005 else "merged",
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
        role = "industri_besar" if large else ("ikm" if rng.random() > 0.01 else "distributor")
        out.roles.append({"firm_id": fid, "role": role})
        if role == "ikm" and rng.random() < 0.05:
            out.roles.append({"firm_id": fid, "role": "eksportir"})
        if rng.random() < 0.002 and role == "ikm":
            out.roles.append({"firm_id": fid, "role": "industri_besar"})  # both roles: counts as IKM
        for code in rng.sample(CERTS, k=rng.choice((0, 0, 0, 1, 2))):
            out.certifications.append({"firm_id": fid, "certificate_code": code})
        if out.sentra and rng.random() < 0.1:
            sentra = rng.choice(out.sentra)
            out.memberships.append({"sentra_id": sentra["id"], "firm_id": fid})
    return out


def insert_rows(session: Session, rows: Rows, batch: int = 20_000) -> None:
    """Bulk-insert ``rows`` (flushes; the caller commits)."""
    for model, data in (
        (Sentra, rows.sentra),
        (Firm, rows.firms),
        (FirmRole, rows.roles),
        (Certification, rows.certifications),
        (SentraMembership, rows.memberships),
    ):
        for start in range(0, len(data), batch):
            session.execute(insert(model), data[start : start + batch])
    session.flush()


def fix_sequences(session: Session) -> None:
    """On PostgreSQL, move id sequences past the explicitly inserted ids."""
    if session.get_bind().dialect.name != "postgresql":
        return
    from sqlalchemy import text

    for table in ("firm", "sentra", "certification"):
        session.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))")
        )

"""Registry reads other domains use: firms by id or NIB, change tracking, and the plain rows of the network."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
from sqlalchemy import ScalarSelect, Select, func, select
from sqlalchemy.orm import Session

from jejaring.core.dialects import dialect
from jejaring.registry.models import Firm, FirmAlias, FirmRole, RecordSource, Sentra, SentraMembership

if TYPE_CHECKING:
    import pandas as pd


def firm_id_of(session: Session, public_id: str) -> int | None:
    """The id of the firm whose public ID, current or former (``firm_alias``), is ``public_id``."""
    pid = public_id.strip().upper()
    found = session.scalar(select(Firm.id).where(Firm.public_id == pid))
    return found if found is not None else session.scalar(select(FirmAlias.firm_id).where(FirmAlias.public_id == pid))


def firm_by_id(session: Session, firm_id: int) -> Firm | None:
    """The firm with internal id ``firm_id`` (None when there is none)."""
    return session.get(Firm, firm_id)


def firm_ids_in_province(province: str | None) -> Select[int]:
    """A subquery of the ids of the firms in ``province``."""
    return select(Firm.id).where(Firm.province_code == province)


def active_firm_ids_changed_since(session: Session, since: datetime) -> list[int]:
    """Active firms created or changed at or after ``since``."""
    return list(session.scalars(select(Firm.id).where(Firm.status == "active", Firm.updated_at >= since)))


def last_change(session: Session) -> datetime | None:
    """When a firm was last created or changed."""
    return session.scalar(select(func.max(Firm.updated_at)))


def firm_ids_changed_after(session: Session, since: datetime) -> list[int]:
    """Firms (any status) created or changed after ``since``."""
    return list(session.scalars(select(Firm.id).where(Firm.updated_at > since)))


def firms_by_ids(session: Session, ids: Iterable[int]) -> dict[int, Firm]:
    """Firms keyed by their internal id (for domains that keep a firm id, e.g. events)."""
    wanted = sorted(set(ids))
    out: dict[int, Firm] = {}
    for i in range(0, len(wanted), 1000):  # stays under every backend's bound-parameter limit
        out.update((f.id, f) for f in session.scalars(select(Firm).where(Firm.id.in_(wanted[i : i + 1000]))))
    return out


def network_firms(session: Session) -> list[dict[str, Any]]:
    """Active firms as plain rows (id, public ID, name, roles, place, coordinates, KBLI division, output)."""
    keys: tuple[str, ...] = ("id", "public_id", "name", "province_code", "regency_code", "latitude", "longitude")
    keys += ("kbli_division", "production_value", "workers")
    roles: dict[int, list[str]] = {}
    for fid, role in session.execute(select(FirmRole.firm_id, FirmRole.role)):
        roles.setdefault(fid, []).append(role)
    rows = session.execute(select(*(getattr(Firm, k) for k in keys)).where(Firm.status == "active"))
    return [{**dict(zip(keys, r, strict=True)), "roles": roles.get(r[0], [])} for r in rows]


SUPPLY_ROLES = ("pemasok_bahan_baku", "industri_besar", "layanan_purna_jual")  # flagged in ``network_columns``


def network_columns(session: Session) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The nation's active firms, sentra and memberships as columns, read in bulk with the backend's fastest path
    (``dialects.read_frame``: the raw cursor on SQLite, ``COPY … TO STDOUT`` on PostgreSQL; no ORM row).

    Firms, indexed by id: regency, division, production, ``ikm`` and one flag a role of :data:`SUPPLY_ROLES`;
    lat and lon only for those and KBLI 33 firms (the gap finder places IKM by their regency).
    Sentra, indexed by id: public_id, name, regency, division. Members: sentra_id, firm_id.
    """
    import pandas as pd  # imported where used: pandas was a quarter of every command's import time

    conn = session.connection()
    read = dialect(conn).read_frame
    ikm = "CASE WHEN EXISTS (SELECT 1 FROM firm_role r WHERE r.firm_id = f.id AND r.role = 'ikm') THEN 1 ELSE 0 END"
    sql = f"SELECT f.id, f.regency_code, f.kbli_division, f.production_value * 1.0, {ikm} FROM firm f"
    schema = {"id": pl.Int64, "regency": pl.Utf8, "division": pl.Utf8, "production": pl.Float64, "ikm": pl.Int64}
    firms = read(conn, sql + " WHERE f.status = 'active'", schema)
    ids = firms.get_column("id").to_numpy()
    frame = pd.DataFrame(
        {
            "regency": firms.get_column("regency").to_numpy(),
            "division": firms.get_column("division").fill_null("").to_numpy(),
            "production": firms.get_column("production").fill_null(0.0).to_numpy(),
            "lat": np.full(len(ids), np.nan),
            "lon": np.full(len(ids), np.nan),
            "ikm": firms.get_column("ikm").to_numpy() == 1,
        },
        index=pd.Index(ids, dtype=np.int64),
    )
    roles = ", ".join(f"'{r}'" for r in SUPPLY_ROLES)  # coordinates only of suppliers and services (few)
    placed = read(
        conn,
        "SELECT f.id, r.role, f.latitude, f.longitude FROM firm f LEFT JOIN firm_role r ON r.firm_id = f.id"
        f" AND r.role IN ({roles}) WHERE f.status = 'active' AND (r.role IS NOT NULL OR f.kbli_division = '33')",
        {"id": pl.Int64, "role": pl.Utf8, "lat": pl.Float64, "lon": pl.Float64},
    )
    at = frame.index.get_indexer(placed.get_column("id").to_numpy())
    frame.iloc[at, frame.columns.get_loc("lat")] = placed.get_column("lat").to_numpy()
    frame.iloc[at, frame.columns.get_loc("lon")] = placed.get_column("lon").to_numpy()
    for role in SUPPLY_ROLES:
        flag = np.zeros(len(ids), dtype=bool)
        flag[at[placed.get_column("role").to_numpy() == role]] = True
        frame[role] = flag
    sentra_schema = {"id": pl.Int64, "public_id": pl.Utf8, "name": pl.Utf8, "regency": pl.Utf8, "kbli": pl.Utf8}
    s = read(conn, "SELECT id, public_id, name, regency_code, kbli_code FROM sentra", sentra_schema)
    sentra = pd.DataFrame(
        {
            "public_id": s.get_column("public_id").to_numpy(),
            "name": s.get_column("name").to_numpy(),
            "regency": s.get_column("regency").to_numpy(),
            "division": s.get_column("kbli").fill_null("").str.slice(0, 2).to_numpy(),
        },
        index=pd.Index(s.get_column("id").to_numpy(), dtype=np.int64),
    )
    m = read(conn, "SELECT sentra_id, firm_id FROM sentra_membership", {"sentra_id": pl.Int64, "firm_id": pl.Int64})
    members = pd.DataFrame({c: m.get_column(c).to_numpy() for c in m.columns})
    return frame, sentra, members


def firm_labels(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, str, str]]:
    """(public ID, name, regency) of the firms with these ids, for lists of links."""
    wanted = sorted(set(ids))
    out: dict[int, tuple[str, str, str]] = {}
    for i in range(0, len(wanted), 1000):
        stmt = select(Firm.id, Firm.public_id, Firm.name, Firm.regency_code).where(Firm.id.in_(wanted[i : i + 1000]))
        out.update((r[0], (r[1], r[2], r[3])) for r in session.execute(stmt))
    return out


def network_sentra(session: Session) -> tuple[list[dict[str, Any]], list[tuple[int, int]]]:
    """All sentra as plain rows (id, public ID, name, place, KBLI) and the (sentra id, firm id) memberships."""
    keys = ("id", "public_id", "name", "province_code", "regency_code", "kbli_code")
    rows = session.execute(select(*(getattr(Sentra, k) for k in keys)))
    pairs = session.execute(select(SentraMembership.sentra_id, SentraMembership.firm_id))
    return [dict(zip(keys, r, strict=True)) for r in rows], [(s, f) for s, f in pairs]


def firms_by_nib(session: Session, nibs: list[str]) -> dict[str, tuple[int, str, str]]:
    """NIB → (id, province, regency) of the active firm carrying it (the first one when several do)."""
    out: dict[str, tuple[int, str, str]] = {}
    for i in range(0, len(nibs), 1000):
        stmt = select(Firm.nib, Firm.id, Firm.province_code, Firm.regency_code)
        stmt = stmt.where(Firm.nib.in_(nibs[i : i + 1000]), Firm.status == "active")
        for nib, fid, prov, reg in session.execute(stmt.order_by(Firm.id)):
            if nib:
                out.setdefault(nib, (fid, prov, reg))
    return out


def ids_by_source(session: Session, *, entity_type: str, file_names: list[str]) -> dict[tuple[str, int], int]:
    """(file name, row number) → id of the firm or sentra that row became (a merged firm leads to its survivor)."""
    stmt = select(RecordSource.file_name, RecordSource.row_number, RecordSource.entity_id).where(
        RecordSource.entity_type == entity_type, RecordSource.file_name.in_(file_names)
    )
    found = {(f, r): e for f, r, e in session.execute(stmt) if f is not None and r is not None}
    if entity_type != "firm":
        return found
    merged = dict(session.execute(select(Firm.id, Firm.merged_into_id).where(Firm.merged_into_id.is_not(None))).all())
    for key, fid in found.items():
        for _ in range(20):  # follow merges to the survivor
            fid = merged.get(fid) or fid
        found[key] = fid
    return found


def find_by_nib(session: Session, *, nib: str) -> Firm | None:
    """The active firm registered with ``nib``, or None."""
    return session.scalar(select(Firm).where(Firm.nib == nib.strip(), Firm.status == "active").limit(1))


def last_firm_id(session: Session) -> int | None:
    """The highest firm id (a primary-key lookup: changes when a firm is added)."""
    return session.scalar(select(func.max(Firm.id)))


def last_firm_id_query() -> ScalarSelect[int]:
    """The highest firm id as a subquery, to be read in one statement with other such marks."""
    return select(func.max(Firm.id)).scalar_subquery()


def last_sentra_id_query() -> ScalarSelect[int]:
    """The highest sentra id as a subquery, to be read in one statement with other such marks."""
    return select(func.max(Sentra.id)).scalar_subquery()


def last_sentra_id(session: Session) -> int | None:
    """The highest sentra id (changes when a sentra is added)."""
    return session.scalar(select(func.max(Sentra.id)))


def count_firms(session: Session) -> int:
    """Number of active firms."""
    return session.scalar(select(func.count()).select_from(Firm).where(Firm.status == "active")) or 0

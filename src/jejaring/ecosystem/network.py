"""The data the gap finder works on, read once: firms, sentra, links, the I–O structure, and the link graph.

The linkage graph is a rustworkx ``PyGraph`` (Rust core: articulation points of a national graph in well
under a second); nodes are firms and named partners, edges are links.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import rustworkx as rx
from sqlalchemy import select
from sqlalchemy.orm import Session

from jejaring.ecosystem import inputoutput, service
from jejaring.ecosystem.models import IoCoefficient
from jejaring.reference import catalog
from jejaring.registry import service as registry_service

EARTH_KM = 6371.0088
SUPPLIER_ROLES = frozenset({"pemasok_bahan_baku", "industri_besar"})
SERVICE_ROLE = "layanan_purna_jual"
REPAIR_DIVISION = "33"


def haversine_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle distances (km) from one point to many."""
    p1, p2 = np.radians(lat), np.radians(lats)
    dphi, dlmb = p2 - p1, np.radians(lons - lon)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return cast(np.ndarray, 2 * EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1))))


@dataclass
class Points:
    """Coordinates of a set of firms, for nearest-distance questions."""

    lats: np.ndarray
    lons: np.ndarray
    ids: list[int]

    def nearest(self, lat: float, lon: float) -> tuple[float | None, int | None]:
        """Distance (km) to, and id of, the nearest point; (None, None) when there is none."""
        if not self.ids:
            return None, None
        d = haversine_km(lat, lon, self.lats, self.lons)
        k = int(np.argmin(d))
        return float(d[k]), self.ids[k]


@dataclass
class Network:
    """Everything the gap finder reads, for one province or the nation."""

    firms: dict[int, dict[str, Any]]
    sentra: dict[int, dict[str, Any]]
    members: dict[int, list[int]]  # sentra id → member firm ids
    links: list[dict[str, Any]]
    matrix: inputoutput.Matrix
    national_workers: dict[str, float]  # KBLI division → workers, nation (for location quotients)
    seats: dict[str, tuple[float, float]]  # regency code → seat coordinates
    partners: dict[int, dict[str, Any]] = field(default_factory=dict)  # registered partners, any province
    suppliers: dict[str, Points] = field(default_factory=dict)  # input division → supplier firms
    services: Points | None = None
    sentra_names: dict[str, str] = field(default_factory=dict)  # public ID → name, filled on first use

    def point(self, firm: dict[str, Any]) -> tuple[float, float] | None:
        """A firm's coordinates, else its regency's seat."""
        if firm.get("latitude") is not None and firm.get("longitude") is not None:
            return float(firm["latitude"]), float(firm["longitude"])
        return self.seats.get(str(firm["regency_code"]))


def io_matrix(session: Session) -> tuple[inputoutput.Matrix, str]:
    """The imported BPS structure when an office loaded one, else the documented default; and its name."""
    rows = list(session.scalars(select(IoCoefficient)))
    if rows:
        return {(r.input_division, r.using_division): r.value for r in rows}, rows[0].source
    return inputoutput.default_matrix(), "default"


def load(session: Session, *, province: str | None = None) -> Network:
    """Read firms, sentra, links and the I–O structure (suppliers and services are always national)."""
    everyone = registry_service.network_firms(session)
    firms = {int(f["id"]): f for f in everyone if province is None or f["province_code"] == province}
    seats = {r["code"]: (r["latitude"], r["longitude"]) for r in catalog.regencies() if r["latitude"] is not None}
    national: dict[str, float] = defaultdict(float)
    for f in everyone:
        if f["kbli_division"]:
            national[str(f["kbli_division"])] += float(f["workers"] or 1)
    sentra_rows, pairs = registry_service.network_sentra(session)
    sentra = {int(s["id"]): s for s in sentra_rows if province is None or s["province_code"] == province}
    members: dict[int, list[int]] = defaultdict(list)
    for sid, fid in pairs:
        if sid in sentra:
            members[sid].append(fid)
    links = [
        {
            c: getattr(lk, c)
            for c in (
                "firm_id",
                "partner_firm_id",
                "partner_name",
                "partner_regency_code",
                "kind",
                "value_per_year",
                "province_code",
                "regency_code",
            )
        }
        for lk in service.all_links(session, province=province)
    ]
    matrix, _ = io_matrix(session)
    net = Network(firms, sentra, dict(members), links, matrix, dict(national), seats)
    wanted = {lk["partner_firm_id"] for lk in links if lk["partner_firm_id"]}
    net.partners = {int(f["id"]): f for f in everyone if f["id"] in wanted}
    by_div: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    repair: list[tuple[float, float, int]] = []
    for f in everyone:
        roles = set(f["roles"])
        pt = net.point(f)
        if pt is None:
            continue
        if roles & SUPPLIER_ROLES and f["kbli_division"]:
            by_div[str(f["kbli_division"])].append((*pt, int(f["id"])))
        if SERVICE_ROLE in roles or f["kbli_division"] == REPAIR_DIVISION:
            repair.append((*pt, int(f["id"])))
    net.suppliers = {d: _points(v) for d, v in by_div.items()}
    net.services = _points(repair)
    return net


def _points(items: list[tuple[float, float, int]]) -> Points:
    return Points(np.array([i[0] for i in items]), np.array([i[1] for i in items]), [i[2] for i in items])


def partner_node(link: dict[str, Any]) -> str:
    """The graph node of a link's partner: a registered firm, or a name in a regency."""
    if link["partner_firm_id"]:
        return f"f{link['partner_firm_id']}"
    return f"n{registry_service.name_key(link['partner_name'] or '')}@{link['partner_regency_code'] or ''}"


def graph(links: list[dict[str, Any]]) -> tuple[rx.PyGraph, list[str]]:
    """The undirected linkage graph and the node names (``f<id>`` for firms, ``n<name>@<regency>``)."""
    g = rx.PyGraph(multigraph=False)
    index: dict[str, int] = {}
    names: list[str] = []

    def node(name: str) -> int:
        if name not in index:
            index[name] = g.add_node(name)
            names.append(name)
        return index[name]

    for lk in links:
        a, b = node(f"f{lk['firm_id']}"), node(partner_node(lk))
        if a != b and not g.has_edge(a, b):
            g.add_edge(a, b, lk["kind"])
    return g, names


def articulation_points(links: list[dict[str, Any]]) -> set[str]:
    """Nodes whose removal splits the linkage graph (rustworkx)."""
    g, names = graph(links)
    return {names[i] for i in rx.articulation_points(g)}


def hhi(shares: list[float]) -> float:
    """Herfindahl–Hirschman index of shares (0 < HHI ≤ 1; 1 = one partner)."""
    total = sum(shares)
    return sum((s / total) ** 2 for s in shares) if total > 0 else 0.0

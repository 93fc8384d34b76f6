"""The network as columns (pandas frames over numpy arrays) for the vectorised gap finder (``rollup.py``).

One row a firm, a link, a sentra, a membership; no Python object per firm. Built from the database
(``load``) or from the dict ``Network`` (``from_network``, for tests and the benchmark's comparison).
Partner nodes are integers: a registered partner is its firm id, a named partner (name and regency) gets a
negative number of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import rustworkx as rx
from sqlalchemy.orm import Session

from jejaring.ecosystem import inputoutput, network, service
from jejaring.reference import catalog
from jejaring.registry import service as registry_service

LINK_COLUMNS = ("firm_id", "partner_firm_id", "partner_name", "partner_regency_code", "kind", "value_per_year")


@dataclass
class Arrays:
    """Firms, links, sentra and memberships as frames; suppliers and services as points."""

    firms: pd.DataFrame  # id (index), regency, division, production, lat, lon, ikm (and name, without name_of)
    links: pd.DataFrame  # firm_id, partner (int node), kind, value
    sentra: pd.DataFrame  # id (index), public_id, name, regency, division
    members: pd.DataFrame  # sentra_id, firm_id
    matrix: inputoutput.Matrix
    seats: dict[str, tuple[float, float]]
    suppliers: dict[str, network.Points] = field(default_factory=dict)
    services: network.Points | None = None
    partner_names: dict[int, str] = field(default_factory=dict)  # named partners' node → name
    partner_regions: dict[int, str] = field(default_factory=dict)  # named partners' node → regency code
    name_of: Callable[[list[int]], dict[int, str]] | None = None  # firm names when ``firms`` has no name column


def _partner_nodes(registered: np.ndarray, named: pd.DataFrame) -> tuple[np.ndarray, dict[int, str], dict[int, str]]:
    """Integer partner nodes: the partner's firm id (``registered`` > 0), else a negative number per (name key,
    regency) of the ``named`` rows (position ``at``, name, regency); the named nodes' names and regencies."""
    node = registered.astype(np.int64, copy=True)
    names: dict[int, str] = {}
    regions: dict[int, str] = {}
    if len(named):
        keys = {n: registry_service.name_key(n) for n in named["name"].unique()}
        key = named["name"].map(keys) + "@" + named["regency"].astype(str)
        codes, uniques = pd.factorize(key, sort=True)
        node[named["at"].to_numpy()] = -1 - codes
        for i, u in enumerate(uniques):
            name, _, regency = str(u).rpartition("@")
            names[-1 - i], regions[-1 - i] = name, regency
    return node, names, regions


def _links_frame(rows: pd.DataFrame, named: pd.DataFrame) -> tuple[pd.DataFrame, dict[int, str], dict[int, str]]:
    node, names, regions = _partner_nodes(rows["partner_firm_id"].to_numpy(dtype=np.int64), named)
    frame = pd.DataFrame(
        {"firm_id": rows["firm_id"].to_numpy(dtype=np.int64), "partner": node, "kind": rows["kind"].astype(str)}
    )
    frame["value"] = rows["value"].to_numpy(dtype=float)
    return frame, names, regions


def _points_of(firms: pd.DataFrame, mask: np.ndarray) -> network.Points:
    f = firms[mask & firms["lat"].notna().to_numpy()]
    return network.Points(f["lat"].to_numpy(float), f["lon"].to_numpy(float), [int(i) for i in f.index])


def _finish(
    firms: pd.DataFrame, seats: dict[str, tuple[float, float]], supplier: np.ndarray, service_: np.ndarray
) -> tuple[dict[str, network.Points], network.Points]:
    """The supplier points by division and the service points; suppliers and services without coordinates are
    placed at their regency seat (only their coordinates are read: IKM are placed by their regency)."""
    division = firms["division"].to_numpy()
    service_ = service_ | (division == network.REPAIR_DIVISION)
    wanted = supplier | service_
    sub = firms.loc[wanted, ["regency", "division", "lat", "lon"]].copy()
    missing = (sub["lat"].isna() | sub["lon"].isna()).to_numpy()
    if missing.any():
        codes = sub["regency"].to_numpy()[missing]
        sub.loc[missing, "lat"] = pd.Series({c: p[0] for c, p in seats.items()}).reindex(codes).to_numpy()
        sub.loc[missing, "lon"] = pd.Series({c: p[1] for c, p in seats.items()}).reindex(codes).to_numpy()
    sup, svc, div = supplier[wanted], service_[wanted], sub["division"].to_numpy()
    suppliers = {str(d): _points_of(sub, sup & (div == d)) for d in pd.unique(div[sup]) if d}
    return suppliers, _points_of(sub, svc)


def seats() -> dict[str, tuple[float, float]]:
    """Regency code → seat coordinates."""
    return {r["code"]: (r["latitude"], r["longitude"]) for r in catalog.regencies() if r["latitude"] is not None}


def load(session: Session) -> Arrays:
    """Read the nation's firms, roles, sentra, memberships and links as columns (bulk reads, no ORM rows)."""
    firms, sentra, members = registry_service.network_columns(session)
    places = seats()
    supplier = firms[sorted(network.SUPPLIER_ROLES)].to_numpy().any(axis=1)
    suppliers, services = _finish(firms, places, supplier, firms[network.SERVICE_ROLE].to_numpy())
    links, names, regions = _links_frame(*service.link_frame(session))
    matrix, _ = network.io_matrix(session)
    a = Arrays(firms, links, sentra, members, matrix, places, suppliers, services, names, regions)
    a.name_of = lambda ids: {i: v[1] for i, v in registry_service.firm_labels(session, ids).items()}
    return a


def from_network(net: network.Network) -> Arrays:
    """The same data as the dict network (firms and partners), as columns."""
    rows = list(net.firms.values())
    firms = pd.DataFrame(
        {
            "name": [str(f["name"]) for f in rows],
            "province": [str(f["province_code"]) for f in rows],
            "regency": [str(f["regency_code"]) for f in rows],
            "division": [str(f["kbli_division"] or "") for f in rows],
            "production": [float(f["production_value"] or 0) for f in rows],
            "ikm": ["ikm" in f["roles"] for f in rows],
            "lat": np.array([np.nan if f["latitude"] is None else f["latitude"] for f in rows], dtype=float),
            "lon": np.array([np.nan if f["longitude"] is None else f["longitude"] for f in rows], dtype=float),
        },
        index=np.array([int(f["id"]) for f in rows], dtype=np.int64),
    )
    sentra = pd.DataFrame(
        {
            "public_id": [str(s["public_id"]) for s in net.sentra.values()],
            "name": [str(s["name"]) for s in net.sentra.values()],
            "regency": [str(s["regency_code"]) for s in net.sentra.values()],
            "division": [(s["kbli_code"] or "")[:2] for s in net.sentra.values()],
        },
        index=np.array(list(net.sentra), dtype=np.int64),
    )
    pairs = [(s, f) for s, ms in net.members.items() for f in ms]
    members = pd.DataFrame(pairs, columns=["sentra_id", "firm_id"], dtype=np.int64)
    rows = pd.DataFrame(net.links, columns=list(LINK_COLUMNS))
    registered = rows["partner_firm_id"].fillna(0).to_numpy(dtype=np.int64)
    at = np.flatnonzero(registered == 0)
    named = pd.DataFrame(
        {
            "at": at,
            "name": rows["partner_name"].fillna("").to_numpy()[at],
            "regency": rows["partner_regency_code"].fillna("").to_numpy()[at],
        }
    )
    value = pd.to_numeric(rows["value_per_year"], errors="coerce").fillna(0)
    frame = pd.DataFrame({"firm_id": rows["firm_id"], "partner_firm_id": registered, "kind": rows["kind"]})
    links, names, regions = _links_frame(frame.assign(value=value), named)
    return Arrays(firms, links, sentra, members, net.matrix, net.seats, net.suppliers, net.services, names, regions)


def graph(links: pd.DataFrame) -> tuple[rx.PyGraph, np.ndarray]:
    """The undirected linkage graph built from integer edge arrays; returns it and the node of each index."""
    a = links["firm_id"].to_numpy(dtype=np.int64)
    b = links["partner"].to_numpy(dtype=np.int64)
    keep = a != b
    ends = np.concatenate([a[keep], b[keep]])
    nodes, idx = np.unique(ends, return_inverse=True)
    k = int(keep.sum())
    lo, hi = np.minimum(idx[:k], idx[k:]), np.maximum(idx[:k], idx[k:])
    pairs = np.unique(lo * len(nodes) + hi)
    g = rx.PyGraph(multigraph=False)
    g.add_nodes_from(range(len(nodes)))
    g.extend_from_edge_list(list(zip((pairs // len(nodes)).tolist(), (pairs % len(nodes)).tolist(), strict=True)))
    return g, nodes


def articulation_nodes(links: pd.DataFrame) -> np.ndarray:
    """Partner and firm nodes whose removal splits the linkage graph (rustworkx)."""
    if not len(links):
        return np.zeros(0, dtype=np.int64)
    g, nodes = graph(links)
    return np.sort(nodes[np.fromiter(rx.articulation_points(g), dtype=np.int64)])

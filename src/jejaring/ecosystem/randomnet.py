"""A random network shaped like the synthetic nation, built straight as columns (for the benchmark at national
size, where no database of 4.4 M firms fits this machine's time), and its dict form for the reference finder.

Shape (per ``n`` IKM): n/30 partner firms (suppliers, large industry, distributors, after-sales, financiers),
0.3·n links of every kind (1 % to named, unregistered partners), sentra of 20 members every 300 IKM, half of
them buying from or selling through one partner; 2 % of firms without coordinates.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jejaring.ecosystem import inputoutput, network
from jejaring.ecosystem.arrays import Arrays, _finish, seats
from jejaring.ecosystem.enums import LinkKind
from jejaring.registry import service as registry_service

PARTNER_ROLES = ("pemasok_bahan_baku", "industri_besar", "distributor", "layanan_purna_jual", "lembaga_keuangan")


def random_arrays(n: int, seed: int = 1) -> tuple[Arrays, dict[int, list[str]]]:
    """``n`` IKM and their partners, links and sentra as columns; also each firm's roles (for ``to_network``)."""
    rng = np.random.default_rng(seed)
    places = seats()
    codes = np.array(sorted(places))
    divisions = np.array(sorted({j for _, j in inputoutput.default_matrix()} | {"33"}))
    total = n + max(10, n // 30)
    reg = codes[rng.integers(len(codes), size=total)]
    lat = np.array([places[c][0] for c in codes])[np.searchsorted(codes, reg)] + rng.normal(0, 0.05, total)
    lon = np.array([places[c][1] for c in codes])[np.searchsorted(codes, reg)] + rng.normal(0, 0.05, total)
    blank = rng.random(total) < 0.02
    lat[blank], lon[blank] = np.nan, np.nan
    role = np.where(np.arange(total) < n, "ikm", np.array(PARTNER_ROLES)[rng.integers(5, size=total)])
    ids = np.arange(1, total + 1, dtype=np.int64)
    firms = pd.DataFrame(
        {
            "name": pd.Series(ids).map("Usaha {}".format).to_numpy(),
            "province": pd.Series(reg).str[:2].to_numpy(),
            "regency": reg,
            "division": divisions[rng.integers(len(divisions), size=total)],
            "production": rng.integers(0, 10**9, size=total).astype(float),
            "ikm": role == "ikm",
            "lat": lat,
            "lon": lon,
        },
        index=ids,
    )
    supplier = np.isin(role, list(network.SUPPLIER_ROLES))
    suppliers, services = _finish(firms, places, supplier, role == network.SERVICE_ROLE)
    kinds = np.array([k.value for k in LinkKind])
    k = n * 3 // 10
    centre = rng.integers(1, n + 1, size=k)
    partner = rng.integers(n + 1, total + 1, size=k)
    named = rng.random(k) < 0.01
    partner[named] = -1 - rng.integers(max(1, k // 200), size=int(named.sum()))
    value = np.where(rng.random(k) < 0.2, 0.0, rng.integers(1, 500, size=k) * 1e6)
    links = pd.DataFrame(
        {"firm_id": centre, "partner": partner, "kind": kinds[rng.integers(5, size=k)], "value": value}
    )
    n_sentra = max(1, n // 300)
    sentra = pd.DataFrame(
        {
            "public_id": [f"SEN-{i:06d}" for i in range(n_sentra)],
            "name": [f"Sentra {i}" for i in range(n_sentra)],
            "regency": reg[np.arange(n_sentra) * 300 % n],
            "division": firms["division"].to_numpy()[np.arange(n_sentra) * 300 % n],
        },
        index=np.arange(1, n_sentra + 1, dtype=np.int64),
    )
    sid = np.repeat(sentra.index.to_numpy(), 20)
    member = (np.arange(len(sid)) + (sid - 1) * 280) % n + 1
    members = pd.DataFrame({"sentra_id": sid, "firm_id": member})
    one = sid % 2 == 0  # half the sentra buy from (or sell through) one partner
    extra = pd.DataFrame(
        {
            "firm_id": member[one],
            "partner": n + 1 + (sid[one] * 7) % (total - n),
            "kind": np.where(sid[one] % 4 == 0, "bahan_baku", "pemasaran_perdagangan"),
            "value": 1e8,
        }
    )
    links = pd.concat([links, extra], ignore_index=True)
    names = {
        int(p): registry_service.name_key(f"Mitra {-p}") for p in np.unique(links["partner"][links["partner"] < 0])
    }
    roles = {int(i): [str(r)] for i, r in zip(ids, role, strict=True)}
    a = Arrays(firms, links, sentra, members, inputoutput.default_matrix(), places, suppliers, services, names)
    return a, roles


def to_network(a: Arrays, roles: dict[int, list[str]]) -> network.Network:
    """The dict network the reference finder (``gaps.find``) reads, with the same data as ``a``."""
    firms: dict[int, dict[str, Any]] = {}
    for fid, f in zip(a.firms.index.tolist(), a.firms.itertuples(index=False), strict=True):
        firms[fid] = {
            "id": fid,
            "public_id": f"F-{fid}",
            "name": f.name,
            "province_code": f.province,
            "regency_code": f.regency,
            "latitude": f.lat,
            "longitude": f.lon,
            "kbli_division": f.division or None,
            "production_value": f.production,
            "workers": 1,
            "roles": roles[fid],
        }
    sentra = {
        int(i): {
            "id": int(i),
            "public_id": s.public_id,
            "name": s.name,
            "province_code": s.regency[:2],
            "regency_code": s.regency,
            "kbli_code": f"{s.division}000",
        }
        for i, s in zip(a.sentra.index.tolist(), a.sentra.itertuples(index=False), strict=True)
    }
    members: dict[int, list[int]] = {}
    for s, f in zip(a.members["sentra_id"].tolist(), a.members["firm_id"].tolist(), strict=True):
        members.setdefault(s, []).append(f)
    links = []
    for fid, p, kind, value in a.links.itertuples(index=False):
        links.append(
            {
                "firm_id": fid,
                "partner_firm_id": p if p > 0 else None,
                "partner_name": f"Mitra {-p}" if p < 0 else None,
                "partner_regency_code": "" if p < 0 else firms[p]["regency_code"],
                "kind": kind,
                "value_per_year": value,
                "province_code": firms[fid]["province_code"],
                "regency_code": firms[fid]["regency_code"],
            }
        )
    net = network.Network(firms, sentra, members, links, a.matrix, {}, a.seats)
    net.suppliers, net.services = a.suppliers, a.services
    return net

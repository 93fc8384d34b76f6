"""The gap finder over columns: the same gaps as ``gaps.find`` (same rules, thresholds and reasons), computed
with grouped passes over arrays (pandas/numpy) instead of a Python loop per firm or link.

``gaps.find`` on the dict network stays as the reference the tests compare this with, and as the
alternative the benchmark times (``benchmarks/ecosystem_bench.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from jejaring.ecosystem import gaps as ref
from jejaring.ecosystem import inputoutput, network
from jejaring.ecosystem.arrays import Arrays, articulation_nodes
from jejaring.ecosystem.enums import ROLE_OF_KIND, GapKind, LinkKind, PlaceKind
from jejaring.ecosystem.gaps import Gap
from jejaring.reference import wilayah


def find(a: Arrays) -> list[Gap]:
    """Every gap of the network, highest score first."""
    labels = _Labels(a)
    found = [*_missing_suppliers(a, labels), *_concentration(a), *_critical_partners(a, labels)]
    found += [*_market_access(a, labels), *_after_sales(a, labels)]
    found.sort(key=lambda g: (-g.score, g.kind.value, g.place))
    return found


class _Labels:
    """Place names, and nearest distances per seat (cached: regencies and sentra share seats)."""

    def __init__(self, a: Arrays) -> None:
        self.a = a
        self.sentra = dict(zip(a.sentra["public_id"], a.sentra["name"], strict=True))
        self.codes = sorted(a.seats)
        self.index = {c: k for k, c in enumerate(self.codes)}
        self.lats = np.array([a.seats[c][0] for c in self.codes], dtype=float)
        self.lons = np.array([a.seats[c][1] for c in self.codes], dtype=float)
        self.near: dict[str, np.ndarray | None] = {}

    def place(self, pk: PlaceKind, code: str) -> str:
        if pk is PlaceKind.SENTRA:
            return str(self.sentra.get(code, code))
        reg = wilayah.regency(code)
        return reg["name"] if reg else code

    def nearest(self, what: str, regency: str) -> float | None:
        """Distance (km) from a regency's seat to the nearest supplier of division ``what`` ("" = service)."""
        if what not in self.near:
            pts = self.a.services if what == "" else self.a.suppliers.get(what)
            self.near[what] = _nearest_per_seat(self.codes, self.lats, self.lons, pts)
        found = self.near[what]
        return None if found is None else float(found[self.index[regency]])


def _nearest_per_seat(
    codes: list[str], lats: np.ndarray, lons: np.ndarray, pts: network.Points | None
) -> np.ndarray | None:
    """For every seat, the great-circle distance (km) to the nearest point: a k-d tree (scipy) over points on
    the unit sphere, whose straight-line nearest is the great-circle nearest."""
    if pts is None or not pts.ids:
        return None
    chord, _ = cKDTree(_unit(pts.lats, pts.lons)).query(_unit(lats, lons), k=1)
    return np.asarray(2 * network.EARTH_KM * np.arcsin(np.clip(chord / 2, 0, 1)))


def _unit(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    p, lmb = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(p) * np.cos(lmb), np.cos(p) * np.sin(lmb), np.sin(p)])


def _ikm(a: Arrays) -> pd.DataFrame:
    return a.firms[a.firms["ikm"].to_numpy(dtype=bool)]


def _missing_suppliers(a: Arrays, labels: _Labels) -> list[Gap]:
    out: list[Gap] = []
    ikm = _ikm(a)
    ikm = ikm[ikm["division"].to_numpy() != ""]
    output = ikm.groupby(["regency", "division"], sort=False)["production"].sum()
    columns = sorted({j for _, j in a.matrix})
    table = output.unstack("division").reindex(columns=columns).fillna(0.0)  # regency × using division
    inputs = sorted({i for i, _ in a.matrix})
    coef, cell = np.zeros((len(inputs), len(columns))), np.zeros((len(inputs), len(columns)))
    for (i, j), v in a.matrix.items():
        coef[inputs.index(i), columns.index(j)] = v
        cell[inputs.index(i), columns.index(j)] = 1.0
    x = table.to_numpy()
    need = np.where(x > 0, x, 0.0) @ coef.T  # D_i = Σ_j a_ij X_j over X_j > 0
    present = (x > 0).astype(float) @ cell.T > 0  # a cell of the structure meets some output
    for r, regency in enumerate(table.index):
        if regency not in a.seats:
            continue
        for k in np.flatnonzero(present[r]):
            out += _supplier_gap(a, labels, PlaceKind.REGENCY, str(regency), str(regency), inputs[k], need[r, k])
    x_of = _member_output(a)
    x_by = x_of.to_dict()
    for sid, public_id, regency, division in zip(
        a.sentra.index.tolist(), a.sentra["public_id"], a.sentra["regency"], a.sentra["division"], strict=True
    ):
        main = inputoutput.main_input(a.matrix, division) if division else None
        if main is None or regency not in a.seats:
            continue
        need_s = a.matrix[(main, division)] * float(x_by.get(sid, 0.0))
        out += _supplier_gap(a, labels, PlaceKind.SENTRA, str(public_id), str(regency), main, need_s)
    return out


def _member_output(a: Arrays) -> pd.Series:
    m = a.members[a.members["firm_id"].isin(a.firms.index)]
    prod = a.firms["production"].reindex(m["firm_id"].to_numpy()).to_numpy()
    return pd.Series(prod, index=m["sentra_id"].to_numpy()).groupby(level=0).sum()


def _supplier_gap(
    a: Arrays, labels: _Labels, pk: PlaceKind, place: str, regency: str, i: str, need: float
) -> list[Gap]:
    need = float(need)
    dist = labels.nearest(i, regency)
    if dist is not None and dist <= ref.SUPPLIER_RADIUS_KM:
        return []
    km = dist if dist is not None else ref.NO_SUPPLIER_KM
    key = "ecosystem.reason.missing_supplier" if dist is not None else "ecosystem.reason.no_supplier"
    params = {
        "place": labels.place(pk, place),
        "input": ref._division_title(i),
        "input_en": ref._division_title(i, "en"),
        "need": need / 1e6,
        "km": km,
        "radius": ref.SUPPLIER_RADIUS_KM,
    }
    search = ref._search("pemasok_bahan_baku", regency, text="bahan baku", kbli_division=i)
    return [Gap(GapKind.MISSING_SUPPLIER, pk, place, regency[:2], regency, need / 1e6 * km, key, params, search, i)]


def _concentration(a: Arrays) -> list[Gap]:
    kinds = [k.value for k in (*ref.SOURCE_KINDS, LinkKind.PEMASARAN_PERDAGANGAN)]
    links = a.links[a.links["kind"].isin(kinds)]
    m = a.members.merge(links, on="firm_id")
    if not len(m):
        return []
    m["w"] = np.where(m["value"].to_numpy() > 0, m["value"].to_numpy(), 1.0)
    per = m.groupby(["sentra_id", "kind", "partner"], sort=False)["w"].sum().reset_index()
    per["w2"] = per["w"] ** 2
    g = per.groupby(["sentra_id", "kind"], sort=False)
    stats = pd.DataFrame({"total": g["w"].sum(), "squares": g["w2"].sum(), "partners": g.size()})
    stats["linked"] = m.groupby(["sentra_id", "kind"], sort=False)["firm_id"].nunique()
    stats["hhi"] = stats["squares"] / stats["total"] ** 2
    hit = stats[(stats["linked"] >= ref.MIN_LINKED) & (stats["hhi"] >= ref.HHI_THRESHOLD)]
    out = []
    regency_of = dict(zip(a.sentra.index.tolist(), a.sentra["regency"].astype(str), strict=True))
    name_of = dict(zip(a.sentra.index.tolist(), a.sentra["name"], strict=True))
    public_of = dict(zip(a.sentra.index.tolist(), a.sentra["public_id"].astype(str), strict=True))
    division_of = dict(zip(a.sentra.index.tolist(), a.sentra["division"], strict=True))
    for (sid, kind_value), h, linked, partners in zip(
        hit.index.tolist(), hit["hhi"].tolist(), hit["linked"].tolist(), hit["partners"].tolist(), strict=True
    ):
        kind, regency = LinkKind(kind_value), regency_of[sid]
        gap_kind = GapKind.MARKET_ACCESS if kind is LinkKind.PEMASARAN_PERDAGANGAN else GapKind.SINGLE_SOURCE
        h, linked = float(h), int(linked)
        params = {"place": name_of[sid], "members": linked, "partners": int(partners), "hhi": h}
        search = ref._search(ROLE_OF_KIND[kind], regency, text=ref._kind_text(kind))
        key = f"ecosystem.reason.concentrated.{kind.value}"
        place = public_of[sid]
        out.append(
            Gap(
                gap_kind,
                PlaceKind.SENTRA,
                place,
                regency[:2],
                regency,
                h * linked,
                key,
                params,
                search,
                division_of[sid],
            )
        )
    return out


def _critical_partners(a: Arrays, labels: _Labels) -> list[Gap]:
    links = a.links.assign(order=np.arange(len(a.links)))
    cut = articulation_nodes(links)
    if not len(cut):
        return []
    distinct = links.groupby("firm_id")["partner"].nunique()
    single = distinct.index[distinct.to_numpy() == 1]
    dep = links[links["firm_id"].isin(single) & links["partner"].isin(cut)]
    firms = dep.drop_duplicates(["partner", "firm_id"])
    count = firms.groupby("partner").size()
    count = count[count >= ref.MIN_DEPENDENTS]
    out = []
    local = firms[firms["firm_id"].isin(a.firms.index)].copy()
    local["regency"] = a.firms["regency"].reindex(local["firm_id"].to_numpy()).to_numpy()
    reg = local.groupby(["partner", "regency"]).agg(n=("firm_id", "size"), first=("firm_id", "min")).reset_index()
    reg = reg.sort_values(["partner", "n", "first"], ascending=[True, False, True]).drop_duplicates("partner")
    kinds = dep.groupby(["partner", "kind"]).agg(n=("order", "size"), first=("order", "min")).reset_index()
    kinds = kinds.sort_values(["partner", "n", "first"], ascending=[True, False, True]).drop_duplicates("partner")
    regency_of = dict(zip(reg["partner"], reg["regency"], strict=True))
    kind_of = dict(zip(kinds["partner"], kinds["kind"], strict=True))
    names = _partner_names(a, [int(node) for node in count.index])
    for node, n in count.items():
        code = regency_of.get(node)
        if code is None:
            continue
        kind = LinkKind(kind_of[node])
        reg_code = str(code)
        params = {"partner": names[int(node)], "firms": int(n), "place": labels.place(PlaceKind.REGENCY, reg_code)}
        search = ref._search(ROLE_OF_KIND[kind], reg_code, text=ref._kind_text(kind))
        out.append(
            Gap(
                GapKind.CRITICAL_PARTNER,
                PlaceKind.REGENCY,
                reg_code,
                reg_code[:2],
                reg_code,
                float(n),
                "ecosystem.reason.critical_partner",
                params,
                search,
            )
        )
    return out


def _partner_names(a: Arrays, nodes: list[int]) -> dict[int, str]:
    """Names of partner nodes: a registered firm's name (``f<id>`` when not loaded), a named partner's key."""
    firms = [n for n in nodes if n > 0]
    if a.name_of is not None:
        known = a.name_of(firms)
        names = [known.get(n) for n in firms]
    else:
        names = a.firms["name"].reindex(firms).tolist()
    out = {n: (str(v) if isinstance(v, str) else f"f{n}") for n, v in zip(firms, names, strict=True)}
    return out | {n: a.partner_names.get(n, str(n)) for n in nodes if n < 0}


def _market_access(a: Arrays, labels: _Labels) -> list[Gap]:
    ikm = _ikm(a)
    traded = a.links.loc[a.links["kind"].isin(sorted(ref.TRADE_KINDS)), "firm_id"].unique()
    without = ~np.isin(ikm.index.to_numpy(), traded)
    per = pd.DataFrame({"regency": ikm["regency"].to_numpy(), "without": without}).groupby("regency", sort=False)
    stats = pd.DataFrame({"n": per.size(), "without": per["without"].sum()})
    hit = stats[(stats["n"] >= ref.MIN_IKM) & (stats["without"] / stats["n"] >= ref.MARKET_SHARE)]
    out = []
    for reg, n_, w_ in zip(hit.index.tolist(), hit["n"].tolist(), hit["without"].tolist(), strict=True):
        code, n, w = str(reg), int(n_), int(w_)
        params: dict[str, Any] = {"place": labels.place(PlaceKind.REGENCY, code), "without": w, "ikm": n}
        search = ref._search("distributor", code, text="pembeli distributor")
        key = "ecosystem.reason.market_access"
        out.append(Gap(GapKind.MARKET_ACCESS, PlaceKind.REGENCY, code, code[:2], code, float(w), key, params, search))
    return out


def _after_sales(a: Arrays, labels: _Labels) -> list[Gap]:
    ikm = _ikm(a)
    machine = ikm[ikm["division"].isin(sorted(inputoutput.MACHINE_DIVISIONS))]
    places: list[tuple[PlaceKind, str, str, int, str]] = [
        (PlaceKind.REGENCY, str(r), str(r), int(n), "")
        for r, n in machine.groupby("regency", sort=False).size().items()
    ]
    sizes = a.members.groupby("sentra_id").size()
    chosen = a.sentra[a.sentra["division"].isin(sorted(inputoutput.MACHINE_DIVISIONS))]
    size_of = sizes.to_dict()
    for sid, public_id, regency, division in zip(
        chosen.index.tolist(), chosen["public_id"], chosen["regency"], chosen["division"], strict=True
    ):
        size = int(size_of.get(sid, 0) or 1)
        places.append((PlaceKind.SENTRA, str(public_id), str(regency), size, str(division)))
    out = []
    for pk, place, reg, n, division in places:
        if reg not in a.seats or a.services is None:
            continue
        dist = labels.nearest("", reg)
        if dist is not None and dist <= ref.SERVICE_REACH_KM:
            continue
        km = dist if dist is not None else ref.NO_SUPPLIER_KM
        params = {"place": labels.place(pk, place), "ikm": n, "km": km, "reach": ref.SERVICE_REACH_KM}
        search = ref._search("layanan_purna_jual", reg, text="servis mesin produksi", radius=max(km, 300) * 1.2)
        key = "ecosystem.reason.after_sales"
        out.append(Gap(GapKind.AFTER_SALES, pk, place, reg[:2], reg, n * km, key, params, search, division))
    return out

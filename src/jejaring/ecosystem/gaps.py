"""The gap finder: missing suppliers, single-source dependency, critical partners, market access, after-sales.

Each gap has a place (regency or sentra), a score and a reason in words (a message key and its numbers),
and the partner search that would close it. Formulas and thresholds: docs/ecosystem.md.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from jejaring.core.i18n import translate
from jejaring.ecosystem import inputoutput
from jejaring.ecosystem.enums import ROLE_OF_KIND, GapKind, LinkKind, PlaceKind
from jejaring.ecosystem.network import Network, articulation_points, hhi, partner_node
from jejaring.reference import catalog, wilayah

SUPPLIER_RADIUS_KM = 200.0  # a supplier farther than this does not serve the place
SERVICE_REACH_KM = 100.0  # an after-sales service farther than this is out of reach
NO_SUPPLIER_KM = 2000.0  # the distance scored when no supplier is registered at all
HHI_THRESHOLD = 0.75  # concentration above which a sentra depends on one partner
MIN_LINKED = 2  # linked members a sentra needs before its concentration is judged
MIN_DEPENDENTS = 2  # IKM that hang on a partner before it counts as critical
MARKET_SHARE = 0.8  # share of IKM without a trade or export link that makes a regency gap
MIN_IKM = 5
SOURCE_KINDS = (LinkKind.BAHAN_BAKU, LinkKind.PURNA_JUAL, LinkKind.PEMBIAYAAN)
TRADE_KINDS = {LinkKind.PEMASARAN_PERDAGANGAN.value, LinkKind.EKSPOR.value}
INPUT_WORDS = {  # what a buyer would type for an input division's products
    "10": "tepung gula minyak goreng",
    "11": "minuman",
    "12": "tembakau",
    "13": "benang kain",
    "14": "pakaian",
    "15": "kulit samak",
    "16": "kayu rotan bambu",
    "17": "kertas karton",
    "18": "cetak",
    "19": "bahan bakar",
    "20": "bahan kimia pewarna lem",
    "21": "bahan obat",
    "22": "plastik karet kemasan",
    "23": "semen kaca keramik",
    "24": "besi baja logam",
    "25": "komponen logam",
    "26": "komponen elektronik",
    "27": "kabel motor listrik",
    "28": "mesin",
    "29": "suku cadang kendaraan",
    "30": "komponen kapal",
    "31": "furnitur",
    "32": "perak manik-manik",
    "33": "servis mesin",
}
ACTION_OF_KIND = {
    GapKind.MISSING_SUPPLIER: "pemasok",
    GapKind.SINGLE_SOURCE: "pemasok",
    GapKind.CRITICAL_PARTNER: "pemasok",
    GapKind.MARKET_ACCESS: "pembeli",
    GapKind.AFTER_SALES: "purna_jual",
}


@dataclass
class Gap:
    """One gap: where, how large, why, and the search that would close it."""

    kind: GapKind
    place_kind: PlaceKind
    place: str  # regency code or sentra public ID
    province_code: str
    regency_code: str
    score: float
    reason_key: str
    params: dict[str, Any]
    search: dict[str, Any] = field(default_factory=dict)  # /match query parameters
    division: str = ""  # the sector (input or sentra KBLI division) the stored rollup is indexed by

    @property
    def action(self) -> str:
        """Which button closes it: ``pemasok``, ``pembeli`` or ``purna_jual``."""
        return ACTION_OF_KIND[self.kind]

    def reason(self, lang: str = "id") -> str:
        """The reason in words."""
        return translate(self.reason_key, lang, **_formatted(self.params, lang))

    def as_dict(self, lang: str = "id") -> dict[str, Any]:
        """JSON form: kind, place, score, reason (and the rest)."""
        return {
            "kind": self.kind.value,
            "place": self.place,
            "place_kind": self.place_kind.value,
            "province": self.province_code,
            "regency": self.regency_code,
            "score": round(self.score, 2),
            "reason": self.reason(lang),
            "action": self.action,
            "search": self.search,
        }


def _formatted(params: dict[str, Any], lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in params.items():
        if k.endswith("_en"):
            continue
        if lang == "en" and f"{k}_en" in params:
            out[k] = params[f"{k}_en"]
        elif isinstance(v, float):
            text = f"{v:,.0f}" if abs(v) >= 10 else f"{v:,.2f}"
            out[k] = text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".") if lang == "id" else text
        elif isinstance(v, int):
            out[k] = f"{v:,}".replace(",", ".") if lang == "id" else f"{v:,}"
        else:
            out[k] = v
    return out


def _division_title(code: str, lang: str = "id") -> str:
    title_id, title_en = catalog.kbli_titles().get(code, (code, None))
    return (title_en or title_id) if lang == "en" else title_id


def _place_label(place_kind: PlaceKind, code: str, net: Network) -> str:
    if place_kind is PlaceKind.SENTRA:
        if not net.sentra_names:
            net.sentra_names.update({str(s["public_id"]): str(s["name"]) for s in net.sentra.values()})
        return net.sentra_names.get(code, code)
    reg = wilayah.regency(code)
    return reg["name"] if reg else code


def find(net: Network) -> list[Gap]:
    """Every gap of the network, highest score first."""
    gaps = [*_missing_suppliers(net), *_concentration(net), *_critical_partners(net)]
    gaps += [*_market_access(net), *_after_sales(net)]
    gaps.sort(key=lambda g: (-g.score, g.kind.value, g.place))
    return gaps


def _ikm(net: Network) -> list[dict[str, Any]]:
    return [f for f in net.firms.values() if "ikm" in f["roles"]]


def _search(
    role: str, regency: str, *, text: str, kbli_division: str | None = None, radius: float = 500
) -> dict[str, Any]:
    out: dict[str, Any] = {"text": text, "near": regency, "radius_km": int(radius), "roles": role}
    if kbli_division:
        out["text"] = f"{text} {INPUT_WORDS.get(kbli_division, '')}".strip()
    return out


def _missing_suppliers(net: Network) -> list[Gap]:
    """Expected input D_i = Σ_j a_ij X_j of a place with no supplier of division i within the radius."""
    out: list[Gap] = []
    output: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for f in _ikm(net):
        if f["kbli_division"]:
            output[f["regency_code"]][f["kbli_division"]] += float(f["production_value"] or 0)
    for regency, by_div in output.items():
        seat = net.seats.get(regency)
        if seat is None:
            continue
        for i, need in inputoutput.expected_inputs(net.matrix, by_div).items():
            out += _supplier_gap(net, PlaceKind.REGENCY, regency, regency, seat, i, need)
    for sid, s in net.sentra.items():
        division = (s["kbli_code"] or "")[:2]
        main = inputoutput.main_input(net.matrix, division) if division else None
        seat = net.seats.get(str(s["regency_code"]))
        if main is None or seat is None:
            continue
        x = sum(float(net.firms[m]["production_value"] or 0) for m in net.members.get(sid, []) if m in net.firms)
        need = net.matrix[(main, division)] * x
        out += _supplier_gap(net, PlaceKind.SENTRA, str(s["public_id"]), str(s["regency_code"]), seat, main, need)
    return out


def _supplier_gap(
    net: Network, pk: PlaceKind, place: str, regency: str, seat: tuple[float, float], i: str, need: float
) -> list[Gap]:
    pts = net.suppliers.get(i)
    dist, _ = pts.nearest(*seat) if pts is not None else (None, None)
    if dist is not None and dist <= SUPPLIER_RADIUS_KM:
        return []
    km = dist if dist is not None else NO_SUPPLIER_KM
    key = "ecosystem.reason.missing_supplier" if dist is not None else "ecosystem.reason.no_supplier"
    return [
        Gap(
            GapKind.MISSING_SUPPLIER,
            pk,
            place,
            regency[:2],
            regency,
            score=need / 1e6 * km,
            reason_key=key,
            params={
                "place": _place_label(pk, place, net),
                "input": _division_title(i),
                "input_en": _division_title(i, "en"),  # the reason in English names the division in English
                "need": need / 1e6,
                "km": km,
                "radius": SUPPLIER_RADIUS_KM,
            },
            search=_search("pemasok_bahan_baku", regency, text="bahan baku", kbli_division=i),
        )
    ]


def _concentration(net: Network) -> list[Gap]:
    """Sentra whose members' links of one kind run to one partner (HHI of value, else of counts)."""
    out: list[Gap] = []
    by_firm: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for lk in net.links:
        by_firm[lk["firm_id"]].append(lk)
    for sid, s in net.sentra.items():
        regency = str(s["regency_code"])
        for kind in (*SOURCE_KINDS, LinkKind.PEMASARAN_PERDAGANGAN):
            links = [lk for m in net.members.get(sid, []) for lk in by_firm.get(m, []) if lk["kind"] == kind.value]
            linked = {lk["firm_id"] for lk in links}
            if len(linked) < MIN_LINKED:
                continue
            weight: dict[str, float] = defaultdict(float)
            for lk in links:
                weight[partner_node(lk)] += float(lk["value_per_year"] or 0) or 1.0
            h = hhi(list(weight.values()))
            if h < HHI_THRESHOLD:
                continue
            gap_kind = GapKind.MARKET_ACCESS if kind is LinkKind.PEMASARAN_PERDAGANGAN else GapKind.SINGLE_SOURCE
            out.append(
                Gap(
                    gap_kind,
                    PlaceKind.SENTRA,
                    str(s["public_id"]),
                    regency[:2],
                    regency,
                    score=h * len(linked),
                    reason_key=f"ecosystem.reason.concentrated.{kind.value}",
                    params={"place": s["name"], "members": len(linked), "partners": len(weight), "hhi": h},
                    search=_search(ROLE_OF_KIND[kind], regency, text=_kind_text(kind)),
                )
            )
    return out


def _kind_text(kind: LinkKind) -> str:
    return {
        LinkKind.BAHAN_BAKU: "bahan baku",
        LinkKind.PURNA_JUAL: "servis mesin produksi",
        LinkKind.PEMBIAYAAN: "pembiayaan modal kerja",
        LinkKind.PEMASARAN_PERDAGANGAN: "pembeli distributor",
        LinkKind.EKSPOR: "eksportir",
    }[kind]


def _critical_partners(net: Network) -> list[Gap]:
    """Partners that are articulation points of the linkage graph with IKM hanging on them alone."""
    cut = articulation_points(net.links)
    partners_of: dict[int, set[str]] = defaultdict(set)
    for lk in net.links:
        partners_of[lk["firm_id"]].add(partner_node(lk))
    dependents: dict[str, list[int]] = defaultdict(list)
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    for lk in net.links:
        node = partner_node(lk)
        if node in cut and partners_of[lk["firm_id"]] == {node}:
            dependents[node].append(lk["firm_id"])
            kinds[node][lk["kind"]] += 1
    out = []
    for node, firms in dependents.items():
        firms = sorted(set(firms))
        if len(firms) < MIN_DEPENDENTS:
            continue
        regency = Counter(str(net.firms[f]["regency_code"]) for f in firms if f in net.firms).most_common(1)
        if not regency:
            continue
        kind = LinkKind(kinds[node].most_common(1)[0][0])
        name = _partner_name(net, node)
        reg = regency[0][0]
        out.append(
            Gap(
                GapKind.CRITICAL_PARTNER,
                PlaceKind.REGENCY,
                reg,
                reg[:2],
                reg,
                score=float(len(firms)),
                reason_key="ecosystem.reason.critical_partner",
                params={"partner": name, "firms": len(firms), "place": _place_label(PlaceKind.REGENCY, reg, net)},
                search=_search(ROLE_OF_KIND[kind], reg, text=_kind_text(kind)),
            )
        )
    return out


def _partner_name(net: Network, node: str) -> str:
    if node.startswith("f"):
        f = net.firms.get(int(node[1:]))
        return str(f["name"]) if f else node
    return node[1:].split("@")[0]


def _market_access(net: Network) -> list[Gap]:
    """Regencies where most IKM have no trade or export link."""
    traded = {lk["firm_id"] for lk in net.links if lk["kind"] in TRADE_KINDS}
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # regency → [IKM, IKM without trade link]
    for f in _ikm(net):
        c = per[str(f["regency_code"])]
        c[0] += 1
        c[1] += f["id"] not in traded
    out = []
    for reg, (n, without) in per.items():
        if n >= MIN_IKM and without / n >= MARKET_SHARE:
            out.append(
                Gap(
                    GapKind.MARKET_ACCESS,
                    PlaceKind.REGENCY,
                    reg,
                    reg[:2],
                    reg,
                    score=float(without),
                    reason_key="ecosystem.reason.market_access",
                    params={"place": _place_label(PlaceKind.REGENCY, reg, net), "without": without, "ikm": n},
                    search=_search("distributor", reg, text="pembeli distributor"),
                )
            )
    return out


def _after_sales(net: Network) -> list[Gap]:
    """Places with machine-using IKM and no repair or installation service (KBLI 33) within reach."""
    out: list[Gap] = []
    per: Counter[str] = Counter(
        str(f["regency_code"]) for f in _ikm(net) if f["kbli_division"] in inputoutput.MACHINE_DIVISIONS
    )
    places: list[tuple[PlaceKind, str, str, float]] = [(PlaceKind.REGENCY, r, r, n) for r, n in per.items()]
    for sid, s in net.sentra.items():
        if (s["kbli_code"] or "")[:2] in inputoutput.MACHINE_DIVISIONS:
            size = len(net.members.get(sid, [])) or 1
            places.append((PlaceKind.SENTRA, str(s["public_id"]), str(s["regency_code"]), size))
    for pk, place, reg, n in places:
        seat = net.seats.get(reg)
        if seat is None or net.services is None:
            continue
        dist, _ = net.services.nearest(*seat)
        if dist is not None and dist <= SERVICE_REACH_KM:
            continue
        km = dist if dist is not None else NO_SUPPLIER_KM
        out.append(
            Gap(
                GapKind.AFTER_SALES,
                pk,
                place,
                reg[:2],
                reg,
                score=n * km,
                reason_key="ecosystem.reason.after_sales",
                params={"place": _place_label(pk, place, net), "ikm": n, "km": km, "reach": SERVICE_REACH_KM},
                search=_search("layanan_purna_jual", reg, text="servis mesin produksi", radius=max(km, 300) * 1.2),
            )
        )
    return out


def firm_risks(net: Network, firm_id: int) -> list[dict[str, Any]]:
    """A firm's single-source risks: kinds whose links all run to one partner."""
    by_kind: dict[str, set[str]] = defaultdict(set)
    for lk in net.links:
        if lk["firm_id"] == firm_id:
            by_kind[lk["kind"]].add(partner_node(lk))
    return [
        {"kind": k, "partner": _partner_name(net, next(iter(p)))} for k, p in sorted(by_kind.items()) if len(p) == 1
    ]

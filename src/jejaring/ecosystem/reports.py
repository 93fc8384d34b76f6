"""What the pages, the API and the CLI show: gaps of a place, its links, the national summary, exports.

Gaps and the network are computed once per state of the data (links and firms counted, and the last audited write
that changed firms), nationally, and kept in memory (gaps indexed by province); a new link, a new or edited firm,
a merge or a split computes them again.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy.orm import Session

from jejaring.accounts import revisions
from jejaring.accounts.authz import Forbidden, Unauthenticated, allowed
from jejaring.accounts.roles import Actor
from jejaring.core import exports
from jejaring.core.errors import NotFound
from jejaring.core.i18n import translate
from jejaring.ecosystem import arrays, network, rollup, service, stored
from jejaring.ecosystem import gaps as gap_finder
from jejaring.ecosystem.enums import LinkKind, PlaceKind
from jejaring.reference import wilayah
from jejaring.registry import service as registry_service

_CACHE: dict[tuple[Any, ...], Any] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Place:
    """A place an ecosystem page is about (None everywhere = the nation)."""

    province: str | None = None
    regency: str | None = None
    sentra: str | None = None

    @property
    def region(self) -> str | None:
        """The regency code when the place lies in one, else the province code (None: the nation)."""
        return self.regency or self.province

    @property
    def kind(self) -> PlaceKind | None:
        """Sentra, regency, province or None for the nation."""
        if self.sentra:
            return PlaceKind.SENTRA
        if self.regency:
            return PlaceKind.REGENCY
        return PlaceKind.PROVINCE if self.province else None


def resolve_place(
    session: Session, *, province: str | None = None, regency: str | None = None, sentra: str | None = None
) -> tuple[Place, str]:
    """Check the codes and return the place with its label; unknown codes raise NotFound."""
    if sentra:
        s = registry_service.get_sentra(session, public_id=sentra)
        return Place(s.province_code, s.regency_code, s.public_id), s.name
    if regency:
        code = wilayah.normalize_code(regency)
        reg = wilayah.regency(code) if code else None
        if reg is None or code is None:
            raise NotFound("ecosystem.error.unknown_place", field="regency", value=regency)
        return Place(code[:2], code), reg["name"]
    if province:
        prov = wilayah.province(province.strip())
        if prov is None:
            raise NotFound("ecosystem.error.unknown_place", field="province", value=province)
        return Place(prov["code"]), prov["name"]
    return Place(), "Indonesia"


def _state(session: Session) -> tuple[Any, ...]:
    # links, active firms, and the last audited write that changed firms (an edit, merge, split, upload, partnership)
    return (*service.links_state(session), registry_service.count_firms(session), revisions.figures_mark(session))


def _network(session: Session, state: tuple[Any, ...] | None = None) -> network.Network:
    key = ("net", state or _state(session))
    with _LOCK:
        if key not in _CACHE:
            _CACHE.clear()  # an older state is stale
            _CACHE[key] = network.load(session)
        return cast(network.Network, _CACHE[key])


def gaps_for(session: Session, place: Place, *, limit: int | None = None) -> list[gap_finder.Gap]:
    """The gaps of a place (a sentra's, a regency's including its sentra, a province's, or all), by score.

    Read from the stored rollup while its mark (``stored.state``) holds; otherwise computed in memory
    (vectorised) once per state of the data (links and active firms counted) and kept, indexed by province.
    """
    if stored.is_fresh(session, stored.state(session)):
        return stored.read(session, province=place.province, regency=place.regency, sentra=place.sentra, limit=limit)
    key = ("gaps", _state(session))
    with _LOCK:
        found = _CACHE.get(key)
    if found is None:
        every = rollup.find(arrays.load(session))
        by_province: dict[str | None, list[gap_finder.Gap]] = defaultdict(list)
        for g in every:
            by_province[g.province_code].append(g)
        found = {None: every, **by_province}
        with _LOCK:
            for old in [k for k in _CACHE if k[0] == "gaps"]:
                del _CACHE[old]  # an older state is stale
            _CACHE[key] = found
    if place.sentra:
        out = [g for g in found.get(place.province, []) if g.place == place.sentra]
    elif place.regency:
        out = [g for g in found.get(place.province, []) if g.regency_code == place.regency]
    else:
        out = list(found.get(place.province, []))
    return out[:limit] if limit is not None else out


def gaps_head(session: Session, place: Place, shown: int) -> tuple[list[gap_finder.Gap], int]:
    """The first ``shown`` gaps of a place by score, and how many it has."""
    if stored.is_fresh(session, stored.state(session)):
        args = {"province": place.province, "regency": place.regency, "sentra": place.sentra}
        return stored.read(session, **args, limit=shown), stored.count(session, **args)
    found = gaps_for(session, place)
    return found[:shown], len(found)


def links_for(session: Session, *, actor: Actor, place: Place, limit: int = 500) -> list[dict[str, Any]]:
    """The links of a place with both ends named; values only for those entitled to them."""
    net = _network(session)
    show_values = service.can_see_values(actor, place.region)
    members = set()
    if place.sentra:
        sid = next((i for i, s in net.sentra.items() if s["public_id"] == place.sentra), None)
        members = set(net.members.get(sid, [])) if sid is not None else set()
    out = []
    for lk in net.links:
        if place.province and lk["province_code"] != place.province:
            continue
        if place.sentra and lk["firm_id"] not in members:
            continue
        if place.regency and not place.sentra and lk["regency_code"] != place.regency:
            continue
        firm = net.firms.get(lk["firm_id"], {})
        partner = registry_service_partner(net, lk)
        out.append(
            {
                "firm": firm.get("public_id"),
                "firm_name": firm.get("name"),
                "regency": lk["regency_code"],
                "partner": partner["public_id"],
                "partner_name": partner["name"],
                "partner_regency": partner["regency"],
                "kind": lk["kind"],
                "value_per_year": lk["value_per_year"] if show_values else None,
            }
        )
        if len(out) >= limit:
            break
    return out


def registry_service_partner(net: network.Network, lk: dict[str, Any]) -> dict[str, Any]:
    """The partner end of a link: public ID (registered firms), name and regency."""
    if lk["partner_firm_id"]:
        p = net.firms.get(lk["partner_firm_id"]) or net.partners.get(lk["partner_firm_id"], {})
        return {"public_id": p.get("public_id"), "name": p.get("name"), "regency": p.get("regency_code")}
    return {"public_id": None, "name": lk["partner_name"], "regency": lk["partner_regency_code"]}


def summary(session: Session, place: Place) -> dict[str, Any]:
    """Share of IKM with at least one link of each kind (and of any kind), for a place or the nation."""
    net = _network(session)
    ikm = [f for f in net.firms.values() if "ikm" in f["roles"]]
    if place.province:
        ikm = [f for f in ikm if f["province_code"] == place.province]
    if place.regency:
        ikm = [f for f in ikm if f["regency_code"] == place.regency]
    if place.sentra:
        sid = next((i for i, s in net.sentra.items() if s["public_id"] == place.sentra), None)
        members = set(net.members.get(sid, [])) if sid is not None else set()
        ikm = [f for f in ikm if f["id"] in members]
    ids = {f["id"] for f in ikm}
    kinds: dict[str, set[int]] = defaultdict(set)
    for lk in net.links:
        if lk["firm_id"] in ids:
            kinds[lk["kind"]].add(lk["firm_id"])
    n = len(ids)
    any_link = set().union(*kinds.values()) if kinds else set()
    return {
        "ikm": n,
        "linked": len(any_link),
        "share_any": len(any_link) / n if n else None,
        "kinds": {
            k.value: {"ikm": len(kinds[k.value]), "share": len(kinds[k.value]) / n if n else None} for k in LinkKind
        },
    }


def graph_data(session: Session, *, actor: Actor, place: Place, max_edges: int = 300) -> dict[str, Any]:
    """ECharts graph: nodes by role (IKM, partners by kind), edges by kind and value."""
    links = links_for(session, actor=actor, place=place, limit=max_edges)
    nodes: dict[str, dict[str, Any]] = {}
    edges = []
    for lk in links:
        a = lk["firm"] or lk["firm_name"]
        b = lk["partner"] or f"{lk['partner_name']}@{lk['partner_regency']}"
        nodes.setdefault(a, {"id": a, "name": lk["firm_name"], "category": "ikm", "value": 0})
        nodes.setdefault(b, {"id": b, "name": lk["partner_name"], "category": lk["kind"], "value": 0})
        nodes[a]["value"] += 1
        nodes[b]["value"] += 1
        edges.append({"source": a, "target": b, "kind": lk["kind"], "value": lk["value_per_year"]})
    return {"nodes": list(nodes.values()), "links": edges}


def flows_data(session: Session, *, place: Place) -> list[dict[str, Any]]:
    """Flows between places for the map: from the partner's regency to the firm's, by kind, with counts."""
    net = _network(session)
    count: Counter[tuple[str, str, str]] = Counter()
    members = _members(net, place.sentra) if place.sentra else None
    for lk in net.links:
        if place.province and lk["province_code"] != place.province:
            continue
        if members is not None and lk["firm_id"] not in members:
            continue
        if place.regency and lk["regency_code"] != place.regency:
            continue
        src = registry_service_partner(net, lk)["regency"]
        if src and src != lk["regency_code"]:
            count[(src, lk["regency_code"], lk["kind"])] += 1
    out = []
    for (src, dst, kind), n in count.most_common(500):
        a, b = net.seats.get(src), net.seats.get(dst)
        if a and b:
            out.append({"from": src, "to": dst, "kind": kind, "count": n, "coords": [[a[1], a[0]], [b[1], b[0]]]})
    return out


def _members(net: network.Network, sentra: str) -> set[int]:
    sid = next((i for i, s in net.sentra.items() if s["public_id"] == sentra), None)
    return set(net.members.get(sid, [])) if sid is not None else set()


def export_rows(session: Session, place: Place, lang: str) -> list[dict[str, Any]]:
    """The gap report of a place as flat rows (kind, place, province, regency, score, reason)."""
    return [{k: v for k, v in g.as_dict(lang).items() if k not in ("search",)} for g in gaps_for(session, place)]


EXPORT_FIELDS = ["kind", "place", "place_kind", "province", "regency", "score", "reason", "action"]


def as_export(rows: list[dict[str, Any]], lang: str = "id") -> exports.Export:
    """Gap rows as an export: CSV (``standard`` or ``excel-id``) or XLSX with a header block naming the source."""
    return exports.Export(
        title="Kesenjangan",
        header=EXPORT_FIELDS,
        rows=[[row.get(f) for f in EXPORT_FIELDS] for row in rows],
        source=translate("ecosystem.export.source", lang),
    )


def check_export(actor: Actor, place: Place) -> None:
    """Gap reports are for officers (their province) and the ministry."""
    if not actor.is_authenticated:
        raise Unauthenticated("accounts.error.unauthenticated")
    if not service.can_see_values(actor, place.region):
        raise Forbidden("ecosystem.error.export_forbidden")


def firm_panel(session: Session, *, actor: Actor, public_id: str) -> dict[str, Any]:
    """A firm's links (values for those entitled) and its single-source risks."""
    f = registry_service.get_firm(session, public_id=public_id)
    net = _network(session)
    show = service.can_see_values(actor, f.regency_code) or allowed(actor, "firm.read_private", f)
    rows = []
    for lk in net.links:
        if lk["firm_id"] == f.id or lk["partner_firm_id"] == f.id:
            other = registry_service_partner(net, lk) if lk["firm_id"] == f.id else net.firms.get(lk["firm_id"], {})
            rows.append(
                {
                    "kind": lk["kind"],
                    "role": "centre" if lk["firm_id"] == f.id else "partner",
                    "other": other.get("public_id"),
                    "other_name": other.get("name"),
                    "value_per_year": lk["value_per_year"] if show else None,
                }
            )
    return {"firm": f.public_id, "links": rows, "risks": gap_finder.firm_risks(net, f.id), "values_visible": show}

"""What the pages, the API and the CLI show: gaps of a place, its links, the national summary, flows, exports.

Everything is read from the stored rollup (``stored``: gaps, per-place summaries and flows) or with indexed
queries (a place's first links, a firm's links); nothing builds the nation's network per request. Before reading,
``freshness`` checks the rollup's mark (once per session): a stale rollup is rebuilt at once on a small registry,
else in the background while the page says the figures are being refreshed and when they were computed.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from jejaring.accounts.authz import Forbidden, Unauthenticated, allowed
from jejaring.accounts.roles import Actor
from jejaring.core import exports
from jejaring.core.config import get_settings
from jejaring.core.errors import NotFound
from jejaring.core.i18n import translate
from jejaring.ecosystem import arrays, figures, service, stored
from jejaring.ecosystem import gaps as gap_finder
from jejaring.ecosystem.enums import LinkKind, PlaceKind
from jejaring.ecosystem.models import Link
from jejaring.reference import wilayah
from jejaring.registry import service as registry_service


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


FRESHNESS = "ecosystem.freshness"  # session.info key: the rollup's freshness, checked once per session and write


def auto_refresh_limit() -> int:
    """Registries up to this many firms have a stale rollup rebuilt within the request (larger: in the background)."""
    return get_settings().ecosystem_auto_refresh_max_firms


def freshness(session: Session, *, wait: bool = False) -> stored.Freshness:
    """Whether the stored figures are current (checked, and rebuilt when small, once per session); ``wait``
    rebuilds a stale rollup now whatever the registry's size (the CLI: no page to come back to)."""
    found = session.info.get(FRESHNESS)
    if not isinstance(found, stored.Freshness):
        found = stored.ensure(session, max_firms=sys.maxsize if wait else auto_refresh_limit())
        session.info[FRESHNESS] = found
    return found


@event.listens_for(Session, "after_flush")
def _forget_freshness(session: Session, _context: Any) -> None:
    """A write in this session (every write flushes its audit event) makes the next read check again."""
    session.info.pop(FRESHNESS, None)


def _place_key(place: Place) -> tuple[str, str]:
    if place.kind is None:
        return figures.NATION, ""
    return place.kind.value, str(place.sentra or place.regency or place.province)


def gaps_for(session: Session, place: Place, *, limit: int | None = None) -> list[gap_finder.Gap]:
    """The gaps of a place (a sentra's, a regency's including its sentra, a province's, or all), by score, from
    the stored rollup."""
    freshness(session)
    return stored.read(session, province=place.province, regency=place.regency, sentra=place.sentra, limit=limit)


def gaps_head(session: Session, place: Place, shown: int) -> tuple[list[gap_finder.Gap], int]:
    """The first ``shown`` gaps of a place by score, and how many it has."""
    freshness(session)
    args = {"province": place.province, "regency": place.regency, "sentra": place.sentra}
    return stored.read(session, **args, limit=shown), stored.count(session, **args)


def _member_ids(session: Session, sentra: str) -> list[int]:
    s = registry_service.get_sentra(session, public_id=sentra)
    return [f.id for f in registry_service.sentra_members(session, sentra=s, limit=5000)]


def _labels(session: Session, links: list[Link]) -> dict[int, tuple[str, str, str]]:
    ids = {lk.firm_id for lk in links} | {lk.partner_firm_id for lk in links if lk.partner_firm_id}
    return registry_service.firm_labels(session, ids)


def _partner(lk: Link, labels: dict[int, tuple[str, str, str]]) -> dict[str, Any]:
    """The partner end of a link: public ID (registered firms), name and regency."""
    if lk.partner_firm_id:
        public_id, name, regency = labels.get(lk.partner_firm_id, (None, None, None))
        return {"public_id": public_id, "name": name, "regency": regency}
    return {"public_id": None, "name": lk.partner_name, "regency": lk.partner_regency_code}


def links_for(session: Session, *, actor: Actor, place: Place, limit: int = 500) -> list[dict[str, Any]]:
    """The first links of a place (by id) with both ends named; values only for those entitled to them."""
    show_values = service.can_see_values(actor, place.region)
    if place.sentra:
        rows = service.place_links(
            session, province=place.province, firm_ids=_member_ids(session, place.sentra), limit=limit
        )
    else:
        rows = service.place_links(session, province=place.province, regency=place.regency, limit=limit)
    labels = _labels(session, rows)
    out = []
    for lk in rows:
        public_id, name, _ = labels.get(lk.firm_id, (None, None, None))
        partner = _partner(lk, labels)
        out.append(
            {
                "firm": public_id,
                "firm_name": name,
                "regency": lk.regency_code,
                "partner": partner["public_id"],
                "partner_name": partner["name"],
                "partner_regency": partner["regency"],
                "kind": lk.kind,
                "value_per_year": lk.value_per_year if show_values else None,
            }
        )
    return out


def summary(session: Session, place: Place) -> dict[str, Any]:
    """Share of IKM with at least one link of each kind (and of any kind), for a place or the nation."""
    freshness(session)
    kind, code = _place_key(place)
    row = stored.read_summary(session, place_kind=kind, place=code) or {"ikm": 0, "linked": 0, "kinds": {}}
    n = int(row["ikm"])
    return {
        "ikm": n,
        "linked": row["linked"],
        "share_any": row["linked"] / n if n else None,
        "kinds": {
            k.value: {"ikm": row["kinds"].get(k.value, 0), "share": row["kinds"].get(k.value, 0) / n if n else None}
            for k in LinkKind
        },
    }


def graph_data(session: Session, *, actor: Actor, place: Place, max_edges: int = 300) -> dict[str, Any]:
    """ECharts graph: nodes by role (IKM, partners by kind), edges by kind and value."""
    return graph_of(links_for(session, actor=actor, place=place, limit=max_edges))


def graph_of(links: list[dict[str, Any]]) -> dict[str, Any]:
    """The ECharts graph of rows from ``links_for``."""
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
    """Flows between places for the map (the stored rollup's, largest first): from the partner's regency to the
    firm's, by kind, with counts. The nation has none (too many to draw)."""
    if place.kind is None:
        return []
    freshness(session)
    kind, code = _place_key(place)
    seats = arrays.seats()
    out = []
    for src, dst, link_kind, n in stored.read_flows(session, place_kind=kind, place=code):
        a, b = seats.get(src), seats.get(dst)
        if a and b:
            out.append({"from": src, "to": dst, "kind": link_kind, "count": n, "coords": [[a[1], a[0]], [b[1], b[0]]]})
    return out


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
    """A firm's links (the first 500; values for those entitled) and its single-source risks."""
    f = registry_service.get_firm(session, public_id=public_id)
    show = service.can_see_values(actor, f.regency_code) or allowed(actor, "firm.read_private", f)
    links = service.firm_links(session, f.id)
    labels = _labels(session, links)
    rows = []
    partners: dict[str, dict[str, str | None]] = defaultdict(dict)  # kind → partner node → name
    for lk in links:
        centre = lk.firm_id == f.id
        if centre:
            other = _partner(lk, labels)
            key = registry_service.name_key(lk.partner_name or "")
            node = f"f{lk.partner_firm_id}" if lk.partner_firm_id else f"n{key}@{lk.partner_regency_code}"
            partners[lk.kind][node] = other["name"]
        else:
            public, name, _ = labels.get(lk.firm_id, (None, None, None))
            other = {"public_id": public, "name": name}
        rows.append(
            {
                "kind": lk.kind,
                "role": "centre" if centre else "partner",
                "other": other.get("public_id"),
                "other_name": other.get("name"),
                "value_per_year": lk.value_per_year if show else None,
            }
        )
    risks = [{"kind": k, "partner": next(iter(p.values()))} for k, p in sorted(partners.items()) if len(p) == 1]
    return {"firm": f.public_id, "links": rows, "risks": risks, "values_visible": show}

"""Links between firms: declared (uploaded) ones, those collected from partnerships, accepted proposals and
sentra membership, and the reads the pages, the API and the CLI share."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.authz import allowed, authorize
from jejaring.accounts.roles import Actor
from jejaring.core.dialects import dialect
from jejaring.ecosystem.enums import DERIVED_SOURCES, KIND_OF_ROLE, LinkKind, LinkSource
from jejaring.ecosystem.models import Link
from jejaring.registry import service as registry_service

if TYPE_CHECKING:
    import pandas as pd

FINANCE_PATTERNS = {"bagi_hasil", "usaha_patungan"}
SUPPLY_PATTERNS = {"waralaba"}
NEED_KIND_LINK = {  # need kind → (link kind, the buyer is the centre firm)
    "bahan_baku": (LinkKind.BAHAN_BAKU, True),
    "distribusi": (LinkKind.PEMASARAN_PERDAGANGAN, True),
    "layanan_purna_jual": (LinkKind.PURNA_JUAL, True),
    "produk_jadi": (LinkKind.PEMASARAN_PERDAGANGAN, False),
    "subkontrak": (LinkKind.PEMASARAN_PERDAGANGAN, False),
    "lainnya": (LinkKind.PEMASARAN_PERDAGANGAN, False),
}
MAX_SENTRA_PAIRS = 200  # service members × IKM members linked per sentra


@dataclass
class LinkIn:
    """A link to write; the caller has resolved the firm (and the partner when registered)."""

    firm_id: int
    province_code: str
    regency_code: str
    kind: str
    source: str
    partner_firm_id: int | None = None
    partner_name: str | None = None
    partner_regency_code: str | None = None
    product: str | None = None
    value_per_year: int | None = None
    since: int | None = None
    source_ref: str | None = None
    office: str | None = None
    file_name: str | None = None
    row_number: int | None = None
    import_job_id: int | None = None


def link_key(link: LinkIn) -> str:
    """The link's identity within its source: firm, partner, kind and product."""
    partner = (
        str(link.partner_firm_id)
        if link.partner_firm_id
        else f"{registry_service.name_key(link.partner_name or '')}@{link.partner_regency_code}"
    )
    product = registry_service.name_key(link.product or "")
    raw = "|".join((link.source, str(link.firm_id), partner, link.kind, product, link.source_ref or ""))
    return hashlib.sha256(raw.encode()).hexdigest()


def declare_links(session: Session, *, actor: Actor, links: list[LinkIn]) -> Counter[str]:
    """Upsert declared links (one uploaded file): inserted / updated / unchanged."""
    for province in sorted({lk.province_code for lk in links}):
        authorize(actor, "ecosystem.declare", province)
    outcomes: Counter[str] = Counter()
    keys = {link_key(lk): lk for lk in links}
    existing = {}
    key_list = list(keys)
    for i in range(0, len(key_list), 1000):
        for row in session.scalars(select(Link).where(Link.link_key.in_(key_list[i : i + 1000]))):
            existing[row.link_key] = row
    fields = ("value_per_year", "since", "partner_regency_code", "office", "file_name", "row_number", "import_job_id")
    for key, lk in keys.items():
        found = existing.get(key)
        if found is None:
            session.add(Link(link_key=key, **asdict(lk)))
            outcomes["inserted"] += 1
            continue
        row = found
        changed = False
        for f in fields:
            value = getattr(lk, f)
            if value is not None and getattr(row, f) != value:
                setattr(row, f, value)
                changed = changed or f in ("value_per_year", "since", "partner_regency_code")
        outcomes["updated" if changed else "unchanged"] += 1
    audit.record(session, actor=actor, action="ecosystem.declare", entity_type="eco_link", after=dict(outcomes))
    session.flush()
    return outcomes


def collect_links(session: Session, *, actor: Actor) -> dict[str, int]:
    """Rebuild the links Jejaring derives (partnerships and orders, accepted proposals, sentra membership)."""
    from jejaring.matching import service as matching_service  # heavy imports only where they are needed
    from jejaring.partnerships import service as partnerships_service

    authorize(actor, "ecosystem.collect")
    firms = {f["id"]: f for f in registry_service.network_firms(session)}
    rows: dict[str, dict[str, Any]] = {}

    def add(lk: LinkIn) -> None:
        f = firms.get(lk.firm_id)
        if f is None:
            return
        lk.province_code, lk.regency_code = str(f["province_code"]), str(f["regency_code"])
        rows.setdefault(link_key(lk), {"link_key": link_key(lk), **asdict(lk)})

    for p in partnerships_service.link_facts(session):
        pattern = p["pattern"]
        kind = (
            LinkKind.PEMBIAYAAN
            if pattern in FINANCE_PATTERNS
            else LinkKind.BAHAN_BAKU
            if pattern in SUPPLY_PATTERNS
            else LinkKind.PEMASARAN_PERDAGANGAN
        )
        source = LinkSource.ORDER if p["orders"] else LinkSource.PARTNERSHIP
        add(
            _derived(
                p["smaller_firm_id"],
                p["larger_firm_id"],
                kind,
                source,
                p["public_id"],
                p["title"],
                p["since"],
                p["value_per_year"],
            )
        )
    for q in matching_service.accepted_proposal_facts(session):
        kind, buyer_centre = NEED_KIND_LINK.get(str(q["need_kind"] or "lainnya"), NEED_KIND_LINK["lainnya"])
        centre, partner = (q["from_firm_id"], q["to_firm_id"]) if buyer_centre else (q["to_firm_id"], q["from_firm_id"])
        add(
            _derived(
                int(centre), int(partner), kind, LinkSource.PROPOSAL, str(q["public_id"]), q["text"], q["since"], None
            )
        )
    sentra, pairs = registry_service.network_sentra(session)
    by_sentra: dict[int, list[int]] = {}
    for sid, fid in pairs:
        by_sentra.setdefault(sid, []).append(fid)
    public = {s["id"]: str(s["public_id"]) for s in sentra}
    for sid, members in by_sentra.items():
        ikm = [m for m in members if m in firms and "ikm" in firms[m]["roles"]]
        made = 0
        for m in members:
            for role in firms.get(m, {}).get("roles", []):
                if role in KIND_OF_ROLE:
                    for centre in ikm:
                        if centre != m and made < MAX_SENTRA_PAIRS:
                            add(
                                _derived(
                                    centre, m, KIND_OF_ROLE[role], LinkSource.SENTRA, public[sid], None, None, None
                                )
                            )
                            made += 1
    session.execute(delete(Link).where(Link.source.in_([s.value for s in DERIVED_SOURCES])))
    values = list(rows.values())
    for i in range(0, len(values), 5000):
        session.execute(insert(Link), values[i : i + 5000])
    counts = Counter(str(v["source"]) for v in values)
    audit.record(session, actor=actor, action="ecosystem.collect", entity_type="eco_link", after=dict(counts))
    session.flush()
    return dict(counts)


def _derived(
    centre: int, partner: int, kind: str, source: str, ref: str, product: Any, since: Any, value: Any
) -> LinkIn:
    return LinkIn(
        firm_id=centre,
        province_code="",
        regency_code="",
        kind=str(kind),
        source=str(source),
        partner_firm_id=partner,
        product=(str(product)[:300] if product else None),
        value_per_year=value,
        since=since,
        source_ref=ref,
    )


def can_see_values(actor: Actor, region: str | None) -> bool:
    """Officers see the private link values of their province (or regency) — ``region`` is a province or
    regency code, None for the nation; admins and analysts see all; the public sees counts."""
    return allowed(actor, "ecosystem.read_values", region)


def all_links(session: Session, *, province: str | None = None) -> list[Link]:
    """Every link (of a province), for the gap finder and exports."""
    stmt = select(Link).order_by(Link.id)
    if province:
        stmt = stmt.where(Link.province_code == province)
    return list(session.scalars(stmt))


def link_frame(session: Session) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every link as columns, ordered by id, read in bulk (``dialects.read_frame``; no ORM object per link):
    firm_id, partner_firm_id (0 = a named partner), kind, value; and the named partners' rows (their position
    in the first frame, name, regency)."""
    import pandas as pd  # imported where used: pandas was a quarter of every command's import time

    conn = session.connection()
    read = dialect(conn).read_frame
    sql = (
        "SELECT id, firm_id, COALESCE(partner_firm_id, 0), kind, COALESCE(value_per_year, 0) * 1.0"
        " FROM eco_link ORDER BY id"
    )
    schema = {"id": pl.Int64, "firm_id": pl.Int64, "partner_firm_id": pl.Int64, "kind": pl.Utf8, "value": pl.Float64}
    rows = read(conn, sql, schema)
    named = read(
        conn,
        "SELECT id, partner_name, partner_regency_code FROM eco_link WHERE partner_firm_id IS NULL",
        {"id": pl.Int64, "name": pl.Utf8, "regency": pl.Utf8},
    )
    ids = rows.get_column("id").to_numpy()
    frame = pd.DataFrame({c: rows.get_column(c).to_numpy() for c in ("firm_id", "partner_firm_id", "kind", "value")})
    at = np.searchsorted(ids, named.get_column("id").to_numpy())
    names = pd.DataFrame(
        {
            "at": at,
            "name": named.get_column("name").fill_null("").to_numpy(),
            "regency": named.get_column("regency").fill_null("").to_numpy(),
        }
    )
    return frame, names


def place_links(
    session: Session,
    *,
    province: str | None = None,
    regency: str | None = None,
    firm_ids: list[int] | None = None,
    limit: int = 500,
) -> list[Link]:
    """The first ``limit`` links (by id) of a province, a regency or a set of centre firms (a sentra's members)."""
    stmt = select(Link)
    if firm_ids is not None:
        stmt = stmt.where(Link.firm_id.in_(firm_ids[:5000]))
    if province:
        stmt = stmt.where(Link.province_code == province)
    if regency:
        stmt = stmt.where(Link.regency_code == regency)
    return list(session.scalars(stmt.order_by(Link.id).limit(limit)))


def firm_links(session: Session, firm_id: int, *, limit: int = 500) -> list[Link]:
    """The first ``limit`` links (by id) in which a firm is the centre or the partner."""
    stmt = select(Link).where(or_(Link.firm_id == firm_id, Link.partner_firm_id == firm_id))
    return list(session.scalars(stmt.order_by(Link.id).limit(limit)))


def links_of_firms(session: Session, firm_ids: list[int]) -> list[Link]:
    """Links whose centre firm is one of ``firm_ids``."""
    out: list[Link] = []
    for i in range(0, len(firm_ids), 1000):
        out += session.scalars(select(Link).where(Link.firm_id.in_(firm_ids[i : i + 1000])).order_by(Link.id))
    return out


def count_links(session: Session) -> int:
    """How many links are recorded."""
    return session.scalar(select(func.count()).select_from(Link)) or 0


def links_state(session: Session) -> tuple[Any, ...]:
    """What identifies the current links: the database, their count, highest id and latest change."""
    row = session.execute(select(func.count(), func.max(Link.id), func.max(Link.updated_at))).one()
    return (session.get_bind().engine.url.render_as_string(hide_password=True), *row)


def replace_io_structure(session: Session, *, actor: Actor, matrix: dict[tuple[str, str], float], source: str) -> int:
    """Replace the I–O structure (e.g. with BPS's table aggregated to KBLI divisions); empty = back to default."""
    from jejaring.ecosystem.models import IoCoefficient

    authorize(actor, "ecosystem.collect")
    session.execute(delete(IoCoefficient))
    session.add_all(
        IoCoefficient(input_division=i, using_division=j, value=v, source=source[:500]) for (i, j), v in matrix.items()
    )
    audit.record(
        session,
        actor=actor,
        action="ecosystem.io_import",
        entity_type="eco_io_coefficient",
        after={"cells": len(matrix), "source": source},
    )
    session.flush()
    return len(matrix)

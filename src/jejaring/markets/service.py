"""The markets domain's service: trade data in, indicators, profiles of firms/sentra/provinces, recommendations.

Reads the registry only through ``registry.service`` and the province's industry mix only through
``insights.service``. Trade data and indicators are files (see ``store.py``), not database rows.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy.orm import Session

from jejaring.core.errors import NotFound
from jejaring.markets import atlas, baci, correspondence, indicators, recommend, store, synth, tariffs
from jejaring.markets.recommend import Profile

log = logging.getLogger(__name__)
DEMO_COUNTRIES = 50


def demo_spec() -> synth.WorldSpec:
    """The small synthetic world loaded at demo start: 50 largest economies (plus planted ones) and the best
    HS6 code of every KBLI of category C."""
    from jejaring.synth.products import product_rows

    best = {g[0].hs6 for g in correspondence.table().values() if g}
    hs4 = {h[:4] for row in product_rows() for h in row.hs}  # what the synthetic nation's IKM declare
    first_child: dict[str, str] = {}
    for code in atlas.hs6_products()["hs6"].to_list():
        first_child.setdefault(code[:4], code)
    extra = tuple(sorted(best | {first_child[h] for h in hs4 if h in first_child}))
    return synth.WorldSpec(countries=DEMO_COUNTRIES, products=len(extra), extra_products=extra)


def synthesize(*, spec: synth.WorldSpec, data_dir: Path | None = None) -> dict[str, Any]:
    """Write a synthetic world as the trade table (replacing what was there)."""
    path = store.trade_path(data_dir)
    rows = synth.write(spec, path)
    detail = {
        "source": "synthetic",
        "synthetic": True,
        "seed": spec.seed,
        "countries": spec.countries,
        "products": spec.products,
        "years": list(spec.years),
        "rows": rows,
    }
    store.write_json(path.with_suffix(".json"), detail)
    return detail


def load_baci(path: Path, *, accept_valid: bool = False, data_dir: Path | None = None) -> dict[str, Any]:
    """Import a BACI CSV (see ``baci.load``)."""
    return baci.load(path, accept_valid=accept_valid, data_dir=data_dir)


def refresh(data_dir: Path | None = None) -> dict[str, Any]:
    """Recompute the indicators from the trade table."""
    if not store.trade_path(data_dir).exists():
        raise NotFound("markets.no_data")
    return indicators.refresh(data_dir)


def ensure_world(data_dir: Path | None = None) -> dict[str, Any] | None:
    """At demo start: generate the small synthetic world and its indicators when there is no trade data."""
    if store.ready(data_dir):
        return None
    if not store.trade_path(data_dir).exists():
        synthesize(spec=demo_spec(), data_dir=data_dir)
    return refresh(data_dir)


def status(data_dir: Path | None = None) -> dict[str, Any] | None:
    """What the indicators were computed from (None before the first refresh)."""
    return store.meta(data_dir)


# --- profiles ---------------------------------------------------------------------------------------


def _add(hs: dict[str, dict[str, Any]], code: str, weight: float, source: str, confidence: float) -> None:
    code = code.strip().replace(".", "")
    if len(code) < 4 or not code.isdigit():
        return
    code = code[:6] if len(code) >= 6 else code[:4]  # an HS4 stands for its six-digit children
    old = hs.get(code)
    if old is None or old["confidence"] < confidence:
        hs[code] = {
            "weight": weight if old is None else old["weight"] + weight,
            "source": source,
            "confidence": confidence,
        }
    else:
        old["weight"] += weight


def firm_profile(session: Session, *, public_id: str) -> Profile:
    """What a firm makes: HS codes it declared, else the KBLI correspondence; and its certificates."""
    from jejaring.markets import hscodes
    from jejaring.registry import service as registry_service

    firm = registry_service.get_firm(session, public_id=public_id)
    hs: dict[str, dict[str, Any]] = {}
    for row in hscodes.firm_codes(session, firm_id=firm.id):
        _add(hs, row.hs6, 1.0, row.source, row.confidence)
    for item in firm.product_items:
        for code in (item.hs_codes or "").split(";"):
            _add(hs, code, 1.0, "declared", 1.0)
    if not hs:
        for g in correspondence.for_kbli(firm.kbli_code, top=2):
            _add(hs, g.hs6, g.confidence, "kbli", g.confidence)
    return Profile("firm", firm.public_id, firm.name, hs, set(firm.certificate_codes))


def sentra_profile(session: Session, *, public_id: str) -> Profile:
    """What a sentra makes: its members' products and its own KBLI; certificates held by any member."""
    from jejaring.registry import service as registry_service

    sentra = registry_service.get_sentra(session, public_id=public_id)
    hs: dict[str, dict[str, Any]] = {}
    certs: set[str] = set()
    for firm in registry_service.sentra_members(session, sentra=sentra, limit=200):
        member = firm_profile(session, public_id=firm.public_id)
        certs |= member.certificates
        for code, info in member.hs.items():
            _add(hs, code, info["weight"], info["source"], info["confidence"])
    for g in correspondence.for_kbli(sentra.kbli_code, top=2):
        _add(hs, g.hs6, g.confidence, "kbli", g.confidence)
    return Profile("sentra", sentra.public_id, sentra.name, hs, certs)


def province_profile(session: Session, *, code: str, lang: str = "id") -> Profile:
    """What a province's IKM make: IKM units per KBLI group (insights rollups) spread over the group's HS codes."""
    from jejaring.insights import service as insights_service
    from jejaring.reference import service as reference_service

    names = {p.code: p.name for p in reference_service.list_provinces(session)}
    if code not in names:
        raise NotFound("markets.no_province")
    from jejaring.core.config import get_settings

    # small registries refresh stale rollups themselves (JEJARING_INSIGHTS_AUTO_REFRESH_MAX_FIRMS)
    insights_service.ensure_fresh(session, max_firms=get_settings().insights_auto_refresh_max_firms)
    rows = insights_service.breakdown(session, dim="kbli_group", scope=insights_service.Scope(province=code), lang=lang)
    hs: dict[str, dict[str, Any]] = {}
    for row in rows:
        units = int(row.get("ikm_units") or 0)
        if not row["code"] or units <= 0:
            continue
        guesses = correspondence.hs_for_kbli_prefix(row["code"])
        for hs6, conf in guesses.items():
            _add(hs, hs6, units / max(len(guesses), 1), "kbli", conf)
    return Profile("province", code, names[code], hs, set())


def set_firm_hs(
    session: Session, *, actor: Any, public_id: str, hs6: str, product_text: str | None = None, remove: bool = False
) -> dict[str, Any]:
    """Confirm, correct or remove an HS6 code of a firm (its owner or an officer); audited. Returns the firm's codes."""
    from jejaring.markets import hscodes
    from jejaring.registry import service as registry_service

    firm = registry_service.get_firm(session, public_id=public_id)
    hscodes.set_firm_hs(session, actor=actor, firm=firm, hs6=hs6, product_text=product_text, remove=remove)
    return {
        "firm": firm.public_id,
        "codes": [
            {"hs6": r.hs6, "source": r.source, "product_text": r.product_text, "set_by": r.set_by}
            for r in hscodes.firm_codes(session, firm_id=firm.id)
        ],
    }


def suggest_hs(session: Session, *, text: str, firm_public_id: str | None = None, top: int = 5) -> list[dict[str, Any]]:
    """HS6 codes for a product text (within the firm's KBLI chapters when a firm is given), with confidence."""
    from jejaring.markets import hscodes
    from jejaring.registry import service as registry_service

    kbli = registry_service.get_firm(session, public_id=firm_public_id).kbli_code if firm_public_id else None
    return hscodes.suggest(text, kbli=kbli, top=top)


def profile(session: Session, *, kind: str, ref: str, lang: str = "id") -> Profile:
    """The profile of a firm, a sentra or a province."""
    if kind == "firm":
        return firm_profile(session, public_id=ref)
    if kind == "sentra":
        return sentra_profile(session, public_id=ref)
    if kind == "province":
        return province_profile(session, code=ref, lang=lang)
    raise NotFound("markets.no_profile")


def recommendations(
    session: Session, *, kind: str, ref: str, lang: str = "id", limit: int = 10, data_dir: Path | None = None
) -> dict[str, Any]:
    """Best markets and nearby products for a firm, sentra or province, with reasons in both languages."""
    if not store.ready(data_dir):
        raise NotFound("markets.no_data")
    return recommend.recommend(profile(session, kind=kind, ref=ref, lang=lang), limit=limit, data_dir=data_dir)


# --- views of the whole world -------------------------------------------------------------------------


def world_map(*, hs6: list[str] | None = None, data_dir: Path | None = None) -> list[dict[str, Any]]:
    """Unrealised potential, potential, actual exports and imports per market (for the choropleth)."""
    markets = store.table("markets", data_dir)
    if hs6:
        markets = markets.filter(pl.col("hs6").is_in(hs6))
    agg = markets.group_by("importer").agg(
        pl.col("unrealised").sum(), pl.col("potential").sum(), pl.col("actual").sum(), pl.col("imports").sum()
    )
    countries = store.table("countries", data_dir).select("iso3", "m49", "name", "km")
    rows = agg.join(countries, left_on="importer", right_on="iso3", how="left").sort("unrealised", descending=True)
    return rows.to_dicts()


def product_space(*, lit: list[str] | None = None, data_dir: Path | None = None) -> dict[str, Any]:
    """Nodes (HS6 at the package's HS4 product-space position) and strongest edges; ``lit`` products marked."""
    lit_set = set(lit or [])
    products = store.table("products", data_dir).filter(pl.col("x").is_not_null())
    nodes = [
        {
            "id": r["hs6"],
            "name": r["name"],
            "x": r["x"],
            "y": r["y"],
            "cluster": r["cluster"],
            "rca": r["home_rca"],
            "lit": r["hs6"] in lit_set,
        }
        for r in products.iter_rows(named=True)
    ]
    ids = {n["id"] for n in nodes}
    prox = store.table("proximity", data_dir).filter(pl.col("phi") >= 0.4)
    edges = [{"source": a, "target": b, "phi": p} for a, b, p in prox.iter_rows() if a < b and a in ids and b in ids]
    return {"nodes": nodes, "edges": edges[:3000]}


def leading_products(
    session: Session, *, code: str, lang: str = "id", limit: int = 20, data_dir: Path | None = None
) -> list[dict[str, Any]]:
    """A province's "produk unggulan ekspor": its products ranked by IKM weight × Indonesia's RCA × unrealised
    potential in the world."""
    prof = province_profile(session, code=code, lang=lang)
    made = recommend.resolve(prof, data_dir)
    if not made:
        return []
    weights = pl.DataFrame({"hs6": list(made), "firms": [m["weight"] for m in made.values()]})
    pot = store.table("markets", data_dir).group_by("hs6").agg(pl.col("unrealised").sum(), pl.col("potential").sum())
    rows = (
        store.table("products", data_dir)
        .join(weights, on="hs6")
        .join(pot, on="hs6", how="left")
        .with_columns(
            (pl.col("firms") * pl.col("home_rca").clip(upper_bound=10) * pl.col("unrealised").fill_null(0)).alias(
                "score"
            )
        )
        .sort("score", descending=True)
        .head(limit)
    )
    return rows.select(
        "hs6", "name", "firms", "home_rca", "world_cagr", "unrealised", "potential", "pci", "score"
    ).to_dicts()


# --- market access: tariffs faced by Indonesian goods --------------------------------------------------


def trade_agreements() -> list[dict[str, Any]]:
    """Indonesia's trade agreements in force (facts, each with its source)."""
    return [
        {"code": a.code, "name": a.name, "partners": sorted(a.partners), "in_force": a.in_force, "source": a.source}
        for a in tariffs.agreements()
    ]


def tariff(*, market: str, hs6: str, year: int | None = None, data_dir: Path | None = None) -> dict[str, Any]:
    """The tariff market ``market`` applies to ``hs6`` from Indonesia (synthetic rate), MFN and the agreement."""
    if len(hs6) != 6 or not hs6.isdigit() or hs6 not in set(atlas.hs6_products()["hs6"].to_list()):
        raise NotFound("markets.error.unknown_hs")
    if market not in set(atlas.countries()["iso3"].to_list()):
        raise NotFound("markets.error.unknown_market")
    when = year or int((store.meta(data_dir) or {}).get("last_year") or 2024)
    duty = tariffs.tariff(market, hs6, when)
    return {
        "market": market,
        "hs6": hs6,
        "year": when,
        "mfn": duty.mfn,
        "applied": duty.applied,
        "margin": duty.margin,
        "agreement": duty.agreement,
        "synthetic": True,
    }

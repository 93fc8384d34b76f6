"""Recommendations from the indicator tables: best markets for what a profile makes, nearby products to add.

A profile is what a firm, a sentra or a province makes (HS6 codes with a weight and where each came
from) and the certificates it holds. Markets are ranked by the unrealised export potential of its
products (weighted), products to add by ``density × (1 + max(COG, 0)) × (1 + max(world CAGR, 0))^5``
where density is the φ-weighted share of the product's neighbourhood the profile already makes. Every
row carries its reasons in Indonesian and English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from jejaring.core.i18n import translate
from jejaring.markets import requirements, store, tariffs

LANGS = ("id", "en")


@dataclass
class Profile:
    """What a firm, sentra or province makes and holds."""

    kind: str  # firm | sentra | province
    ref: str
    name: str
    hs: dict[str, dict[str, Any]] = field(default_factory=dict)  # hs6 → {weight, source, confidence}
    certificates: set[str] = field(default_factory=set)


def fmt(value: float | None, lang: str, decimals: int = 0) -> str:
    """A number as Indonesians (``1.250,5``) or English speakers (``1,250.5``) write it."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".") if lang == "id" else text


def _t(key: str, **params: Any) -> dict[str, str]:
    return {
        lang: translate(key, lang, **{k: (v(lang) if callable(v) else v) for k, v in params.items()}) for lang in LANGS
    }


def resolve(profile: Profile, data_dir: Path | None = None) -> dict[str, dict[str, Any]]:
    """The profile's products that the trade data know: exact HS6, else the HS4 siblings (half weight); an HS4
    code stands for its children."""
    known, by_hs4 = store.derived("products", "known", _known, data_dir)
    out: dict[str, dict[str, Any]] = {}
    for hs6, info in profile.hs.items():
        if hs6 in known:
            out[hs6] = {**info, "via": hs6}
            continue
        for k in by_hs4.get(hs6[:4], ()):
            if k not in out:
                out[k] = {**info, "weight": info["weight"] * 0.5, "via": hs6}
    return out


def _by_hs6(markets: pl.DataFrame) -> dict[str, pl.DataFrame]:
    return {str(k[0]): v for k, v in markets.partition_by("hs6", as_dict=True).items()}


def _known(products: pl.DataFrame) -> tuple[frozenset[str], dict[str, list[str]]]:
    codes = products["hs6"].to_list()
    by_hs4: dict[str, list[str]] = {}
    for c in codes:
        by_hs4.setdefault(c[:4], []).append(c)
    return frozenset(codes), by_hs4


def _competitors(text: str | None) -> str:
    if not text:
        return "–"
    return ", ".join(f"{part.split(':')[0]} {part.split(':')[1]}%" for part in text.split(";"))


def _missing(blockers: list[dict[str, Any]]) -> list[str]:
    """The first accepted certificate of every requirement the profile does not meet."""
    return sorted({str(b["certificates"][0]) for b in blockers if not b["held"] and b["certificates"]})


def _tariff_reason(duty: tariffs.Tariff) -> dict[str, str]:
    """The tariff line of a market row (the rates are synthetic, the agreements real)."""
    if duty.agreement:
        return _t(
            "markets.why.tariff_pref",
            applied=lambda lang: fmt(duty.applied, lang, 1),
            mfn=lambda lang: fmt(duty.mfn, lang, 1),
            agreement=duty.agreement,
        )
    return _t("markets.why.tariff_mfn", mfn=lambda lang: fmt(duty.mfn, lang, 1))


def best_markets(profile: Profile, *, limit: int = 10, data_dir: Path | None = None) -> list[dict[str, Any]]:
    """Product × market pairs with the most unrealised potential for the profile's products."""
    made = resolve(profile, data_dir)
    if not made:
        return []
    weights = pl.DataFrame({"hs6": list(made), "weight": [m["weight"] for m in made.values()]})
    parts = store.derived("markets", "by_hs6", _by_hs6, data_dir)
    chosen = [parts[h] for h in made if h in parts]
    if not chosen:
        return []
    rows = (
        pl.concat(chosen)
        .join(weights, on="hs6")
        .with_columns((pl.col("unrealised") * pl.col("weight")).alias("score"))
        .sort("score", descending=True)
        .head(limit)
    )
    countries = store.table("countries", data_dir).select("iso3", "name", "km")
    names = store.table("products", data_dir).select("hs6", pl.col("name").alias("product"))
    rows = rows.join(countries, left_on="importer", right_on="iso3", how="left").join(names, on="hs6", how="left")
    meta = store.meta(data_dir) or {}
    span = f"{meta.get('first_year', '')}–{meta.get('last_year', '')}"
    out = []
    for r in rows.iter_rows(named=True):
        blockers = requirements.obstacles(r["hs6"], r["importer"], profile.certificates)
        reasons = [
            _t(
                "markets.why.potential",
                unrealised=lambda lang, r=r: fmt(r["unrealised"], lang),
                potential=lambda lang, r=r: fmt(r["potential"], lang),
                actual=lambda lang, r=r: fmt(r["actual"], lang),
            ),
            _t("markets.why.growth", cagr=lambda lang, r=r: fmt(100 * (r["cagr"] or 0), lang, 1), span=span),
            _t("markets.why.distance", km=lambda lang, r=r: fmt(r["km"], lang)),
            _t(
                "markets.why.competitors",
                who=_competitors(r["competitors"]),
                hhi=lambda lang, r=r: fmt(r["hhi"], lang, 2),
            ),
            _t(
                "markets.why.share",
                share=lambda lang, r=r: fmt(100 * r["home_share"], lang, 1),
                trend=lambda lang, r=r: fmt(100 * r["home_share_trend"], lang, 2),
            ),
        ]
        duty = tariffs.tariff(r["importer"], r["hs6"], int(meta.get("last_year") or 0))
        reasons.append(_tariff_reason(duty))
        via = made[r["hs6"]]["via"]
        if via != r["hs6"]:
            reasons.append(_t("markets.why.sibling", declared=via, used=r["hs6"]))
        for b in blockers:
            key = "markets.why.cert_held" if b["held"] else "markets.why.cert_missing"
            if b["rule"] == "eudr":
                key = "markets.why.eudr"
            reasons.append({lang: translate(key, lang, what=b[f"label_{lang}"]) for lang in LANGS})
        out.append(
            {
                "market": r["importer"],
                "market_name": r["name"],
                "hs6": r["hs6"],
                "product": r["product"],
                "potential": r["potential"],
                "actual": r["actual"],
                "unrealised": r["unrealised"],
                "imports": r["imports"],
                "cagr": r["cagr"],
                "hhi": r["hhi"],
                "km": r["km"],
                "home_share": r["home_share"],
                "home_share_trend": r["home_share_trend"],
                "competitors": r["competitors"],
                "tariff": {"mfn": duty.mfn, "applied": duty.applied, "agreement": duty.agreement, "synthetic": True},
                "obstacles": blockers,
                "missing_certificates": _missing(blockers),
                "why": reasons,
            }
        )
    return out


def nearby_products(profile: Profile, *, limit: int = 10, data_dir: Path | None = None) -> list[dict[str, Any]]:
    """Products the profile does not make, close to what it makes, ranked by density × outlook × demand."""
    made = resolve(profile, data_dir)
    if not made:
        return []
    prox = store.table("proximity", data_dir)
    products = store.table("products", data_dir)
    near = (
        prox.filter(pl.col("hs6").is_in(list(made)) & ~pl.col("near").is_in(list(made)))
        .group_by("near")
        .agg(pl.col("phi").sum().alias("phi_in"), pl.col("phi").max().alias("phi_max"), pl.col("hs6").first())
    )
    totals = store.derived(
        "proximity", "totals", lambda t: t.group_by("near").agg(pl.col("phi").sum().alias("phi_all")), data_dir
    )
    rows = (
        near.join(totals, on="near")
        .join(products.rename({"hs6": "near"}), on="near")
        .with_columns((pl.col("phi_in") / pl.col("phi_all")).alias("density"))
        .with_columns(
            (
                pl.col("density")
                * (1 + pl.col("home_cog").clip(lower_bound=0))
                * (1 + pl.col("world_cagr").fill_null(0).clip(lower_bound=0)) ** 5
            ).alias("score")
        )
        .sort("score", descending=True)
        .head(limit)
    )
    out = []
    for r in rows.iter_rows(named=True):
        reasons = [
            _t("markets.why.near", of=r["hs6"], phi=lambda lang, r=r: fmt(r["phi_max"], lang, 2)),
            _t("markets.why.density", density=lambda lang, r=r: fmt(100 * r["density"], lang, 0)),
            _t("markets.why.world_growth", cagr=lambda lang, r=r: fmt(100 * (r["world_cagr"] or 0), lang, 1)),
            _t("markets.why.cog", cog=lambda lang, r=r: fmt(r["home_cog"], lang, 2)),
            _t("markets.why.rca", rca=lambda lang, r=r: fmt(r["home_rca"], lang, 2)),
        ]
        out.append(
            {
                "hs6": r["near"],
                "product": r["name"],
                "near_to": r["hs6"],
                "density": r["density"],
                "cog": r["home_cog"],
                "pci": r["pci"],
                "world_cagr": r["world_cagr"],
                "world_exports": r["world_exports"],
                "home_rca": r["home_rca"],
                "score": r["score"],
                "why": reasons,
            }
        )
    return out


def recommend(profile: Profile, *, limit: int = 10, data_dir: Path | None = None) -> dict[str, Any]:
    """Both lists for a profile, with what the profile was read as and whether the data are synthetic."""
    meta = store.meta(data_dir) or {}
    return {
        "kind": profile.kind,
        "id": profile.ref,
        "name": profile.name,
        "synthetic": bool(meta.get("synthetic")),
        "years": [meta.get("first_year"), meta.get("last_year")],
        "products": [{"hs6": k, **v} for k, v in profile.hs.items()],
        "certificates": sorted(profile.certificates),
        "markets": best_markets(profile, limit=limit, data_dir=data_dir),
        "nearby_products": nearby_products(profile, limit=limit, data_dir=data_dir),
    }

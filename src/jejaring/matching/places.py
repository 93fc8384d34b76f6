"""Places named in a buyer's sentence: every name form of the 38 provinces and 514 regencies/cities.

The gazetteer is built once from the reference catalogue (Kemendagri codes, seat coordinates, the
colloquial aliases of ``wilayah_alias.csv``) plus English forms ("East Java", "Bandung Regency",
"Surabaya City"), a few island/area names (Madura, Lombok, Bangka, Java, Sumatra …) and the names of
IKM centres that buyers use as places (Cibaduyut, Kasongan, Kintamani, Gayo …). Lookup is a dict per
n-gram of the sentence's words (longest first), so reading a sentence costs microseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from jejaring.reference import catalog
from jejaring.reference.wilayah import norm

_DIRECTIONS = {
    "utara": "north",
    "selatan": "south",
    "timur": "east",
    "barat": "west",
    "tengah": "central",
    "tenggara": "southeast",
    "barat daya": "southwest",
    "barat laut": "northwest",
}
_ISLAND_EN = {"jawa": "java", "sumatera": "sumatra", "kalimantan": "kalimantan", "sulawesi": "sulawesi"}
# Words that are also ordinary words or product words: a place only with a cue ("di Pati", "Kota Batu").
_NEEDS_CUE = frozenset(
    [
        "batu",
        "pati",
        "banjar",
        "batang",
        "bone",
        "landak",
        "agam",
        "kapuas",
        "buru",
        "muna",
        "belu",
        "alor",
        "karo",
        "dairi",
        "sigi",
        "poso",
        "sula",
        "aru",
        "seram",
        "asahan",
        "kota",
        "lahat",
        "serang",
        "tegal",
        "kendal",
        "malaka",
        "bima",
        "paser",
        "java",
        "jawa",
        "sumatra",
        "sumatera",
        "kalimantan",
        "sulawesi",
        "borneo",
        "flores",
        "sumba",
        "timor",
        "nias",
    ]
)
# Areas buyers name that are not one region: islands and regions → province or regency codes.
_AREAS: dict[str, tuple[str, ...]] = {
    "jawa": ("31", "32", "33", "34", "35", "36"),
    "java": ("31", "32", "33", "34", "35", "36"),
    "pulau jawa": ("31", "32", "33", "34", "35", "36"),
    "sumatera": ("11", "12", "13", "14", "15", "16", "17", "18", "19", "21"),
    "sumatra": ("11", "12", "13", "14", "15", "16", "17", "18", "19", "21"),
    "kalimantan": ("61", "62", "63", "64", "65"),
    "borneo": ("61", "62", "63", "64", "65"),
    "sulawesi": ("71", "72", "73", "74", "75", "76"),
    "celebes": ("71", "72", "73", "74", "75", "76"),
    "nusa tenggara": ("52", "53"),
    "madura": ("35.26", "35.27", "35.28", "35.29"),
    "pulau madura": ("35.26", "35.27", "35.28", "35.29"),
    "lombok": ("52.01", "52.02", "52.03", "52.08", "52.71"),
    "bangka": ("19.01", "19.03", "19.04", "19.05"),
    "pulau bangka": ("19.01", "19.03", "19.04", "19.05"),
    "flores": ("53.06", "53.07", "53.08", "53.09", "53.10", "53.15", "53.16", "53.19"),
    "sumba": ("53.11", "53.12", "53.17", "53.18"),
    "toraja": ("73.18", "73.26"),
    "tasik": ("32.06", "32.78"),
    "gayo": ("11.04", "11.13", "11.17"),
    "jabodetabek": ("31", "32.01", "32.71", "32.76", "36.03", "36.71", "36.74", "32.16", "32.75"),
    "jabotabek": ("31", "32.01", "32.71", "36.03", "36.71", "36.74", "32.16", "32.75"),
    "solo raya": ("33.72", "33.11", "33.13", "33.09", "33.10", "33.14", "33.12"),
    "bandung raya": ("32.04", "32.73", "32.17", "32.77"),
    "malang raya": ("35.07", "35.73", "35.79"),
}
# IKM centres and well-known towns used as places (each in one regency).
_CENTRES = {
    "cibaduyut": "32.73",
    "kasongan": "34.02",
    "kotagede": "34.71",
    "kintamani": "51.06",
    "celuk": "51.04",
    "ubud": "51.04",
    "muntilan": "33.08",
    "tanggulangin": "35.15",
    "giriloyo": "34.02",
    "bajawa": "53.09",
    "sukaregang": "32.05",
    "pedan": "33.10",
    "rajapolah": "32.06",
    "binong jati": "32.73",
    "ceper": "33.10",
    "plered": "32.14",
    "mojokerto": "35.16",
    "muntok": "19.05",
    "mentok": "19.05",
    "amuntai": "63.08",
    "sleman": "34.04",
}
# A bare name that means the province, not the city of the same name.
_PROVINCE_FIRST = {"yogyakarta": "34", "jogja": "34", "jakarta": "31", "bengkulu": "17", "jambi": "15"}
_EN_PROVINCES = {
    "special region of yogyakarta": "34",
    "riau islands": "21",
    "bangka belitung islands": "19",
    "bangka belitung": "19",
    "west papua": "92",
    "southwest papua": "96",
    "highland papua": "95",
    "central papua": "94",
    "south papua": "93",
    "north maluku": "82",
    "east nusa tenggara": "53",
    "west nusa tenggara": "52",
}


@dataclass(frozen=True)
class PlaceEntry:
    """What a name stands for: one or more codes (province ``35`` or regency ``35.07``)."""

    codes: tuple[str, ...]
    name: str
    level: str  # "province", "regency" or "area"
    needs_cue: bool = False


@dataclass(frozen=True)
class Gazetteer:
    """Name → entry, and the longest name in words."""

    names: dict[str, PlaceEntry]
    longest: int


def _english(name: str) -> list[str]:
    """English forms of an Indonesian region name: ``jawa timur`` → ``east java``, ``east jawa``."""
    out = []
    for d_id, d_en in _DIRECTIONS.items():
        if name.endswith(" " + d_id):
            base = name[: -len(d_id) - 1]
            out.append(f"{d_en} {base}")
            if base in _ISLAND_EN:
                out.append(f"{d_en} {_ISLAND_EN[base]}")
    return out


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Every name form of every province, regency and area, built once."""
    names: dict[str, PlaceEntry] = {}
    provinces = {p["code"]: p for p in catalog.provinces()}
    regencies = catalog.regencies()
    groups: dict[str, list[str]] = {}
    for r in regencies:
        raw = norm(r["name"])
        core = re.sub(r"^(kabupaten|kota|kota administrasi|kabupaten administrasi|administrasi)\s+", "", raw)
        core = re.sub(r"^administrasi\s+", "", core)
        kind = r["kind"]
        entry = PlaceEntry((r["code"],), r["name"], "regency", core in _NEEDS_CUE)
        forms = [raw, f"kab {core}", f"{core} regency", f"regency of {core}"] if kind == "kabupaten" else []
        if kind == "kota":
            forms = [raw, f"{core} city", f"city of {core}"]
        for f in [*forms, *(f"{e} {'regency' if kind == 'kabupaten' else 'city'}" for e in _english(core))]:
            names[f] = PlaceEntry(entry.codes, r["name"], "regency")
        groups.setdefault(core, []).append(r["code"])
        for d_id in _DIRECTIONS:  # "bandung" also stands for "bandung barat", "lombok" for "lombok timur" …
            if core.endswith(" " + d_id):
                groups.setdefault(core[: -len(d_id) - 1] + " *", []).append(r["code"])
    for core, codes in groups.items():
        if core.endswith(" *"):
            continue
        codes = codes + [c for c in groups.get(core + " *", []) if c not in codes]
        label = next(r["name"] for r in regencies if r["code"] == codes[0]) if len(codes) == 1 else core.title()
        names.setdefault(core, PlaceEntry(tuple(codes), label, "regency", core in _NEEDS_CUE))
        for e in _english(core):
            names.setdefault(e, PlaceEntry(tuple(codes), label, "regency"))
    for code, p in provinces.items():
        n = norm(p["name"])
        entry = PlaceEntry((code,), p["name"], "province", n in _NEEDS_CUE)
        for f in [n, f"provinsi {n}", f"propinsi {n}", f"prov {n}", f"{n} province", *_english(n)]:
            names[f] = entry
    for a in catalog.wilayah_aliases():
        code = a["code"]
        target = provinces.get(code) or next((r for r in regencies if r["code"] == code), None)
        if target and not (len(code) > 2 and norm(a["alias"]) in names):  # "bandung" stays Kab. + Kota Bandung
            names[norm(a["alias"])] = PlaceEntry((code,), target["name"], "province" if len(code) == 2 else "regency")
    for en, code in {**_EN_PROVINCES, **_PROVINCE_FIRST}.items():
        names[en] = PlaceEntry((code,), provinces[code]["name"], "province")
    reg_names = {r["code"]: r["name"] for r in regencies}
    for centre, code in _CENTRES.items():
        names.setdefault(centre, PlaceEntry((code,), f"{centre.title()} ({reg_names[code]})", "regency"))
    for area, area_codes in _AREAS.items():
        names[area] = PlaceEntry(area_codes, area.title(), "area", area in _NEEDS_CUE)
    return Gazetteer(names, max(len(k.split()) for k in names))


def coordinates(codes: tuple[str, ...]) -> tuple[float, float] | None:
    """The mean seat of ``codes`` (a province's capital, a regency's seat), or None."""
    points = []
    for code in codes:
        row = _seat(code)
        if row is not None:
            points.append(row)
    if not points:
        return None
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


@lru_cache(maxsize=2048)
def _seat(code: str) -> tuple[float, float] | None:
    rows = catalog.provinces() if len(code) == 2 else catalog.regencies()
    row = next((r for r in rows if r["code"] == code), None)
    if row is None or row.get("latitude") is None:
        return None
    return (float(row["latitude"]), float(row["longitude"]))

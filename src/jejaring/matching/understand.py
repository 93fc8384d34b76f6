"""The need reader: what a buyer's sentence says besides the product, in Indonesian and English.

``understand("keripik singkong 20 ton per bulan, bersertifikat halal, dekat Bandung")`` finds the
quantity (20), unit (ton), period (bulan), certificates (HALAL, firm), the place (Bandung, near) and
leaves the product words ("keripik singkong") for the text search. A pipeline of small steps, each a
precompiled regular expression or a dict lookup over the sentence's words; a step masks what it took
so the next ones do not read it again. Order: HS codes → radius → deadline → price → certificates →
quantity → place; then the KBLI classes of the HS codes and product words (``vocabulary``). See
docs/matching.md ("Reading the need").
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from lokal.rupiah import parse_rupiah

from jejaring.matching import places, vocabulary
from jejaring.matching.units import unit_info
from jejaring.reference import catalog

_NUM = r"(\d+(?:[.,]\d+)*)"
_MONTHS = {
    **{m: i for i, m in enumerate(["januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus",
                                   "september", "oktober", "november", "desember"], 1)},
    **{m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                   "september", "october", "november", "december"], 1)},
    **{m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "mei", "jun", "jul", "agu", "sep", "okt", "nov",
                                   "des"], 1)},
    "aug": 8, "oct": 10, "dec": 12, "agt": 8, "sept": 9,
}  # fmt: skip
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?"
_PERIODS = {
    "hari": "hari", "day": "hari", "daily": "hari", "sehari": "hari",
    "minggu": "minggu", "pekan": "minggu", "week": "minggu", "weekly": "minggu", "seminggu": "minggu",
    "bulan": "bulan", "bln": "bulan", "month": "bulan", "monthly": "bulan", "sebulan": "bulan", "mo": "bulan",
    "tahun": "tahun", "thn": "tahun", "year": "tahun", "yearly": "tahun", "annually": "tahun", "setahun": "tahun",
    "annum": "tahun",
}  # fmt: skip
_UNIT_WORDS = sorted(
    {"ton", "tons", "tonne", "tonnes", "kg", "kgs", "kilo", "kilogram", "kilograms", "kuintal", "kwintal", "gram",
     "liter", "liters", "litre", "litres", "l", "ml", "m3", "kubik", "meter", "meters", "m", "m2", "yard", "yards",
     "pcs", "pc", "piece", "pieces", "buah", "biji", "unit", "units", "lembar", "helai", "potong", "pasang",
     "pair", "pairs", "kodi", "lusin", "dozen", "set", "sets", "stel", "bungkus", "pack", "packs", "pak", "botol",
     "bottle", "bottles", "karung", "sak", "sacks"},
    key=len,
    reverse=True,
)  # fmt: skip
_UNIT = "(" + "|".join(re.escape(u) for u in _UNIT_WORDS) + r")\b"
_PERIOD = r"(?:\s*(?:per|/|a|an|each|every|setiap|tiap|tiap-tiap)\s*(hari|day|minggu|pekan|week|bulan|bln|month|mo|tahun|thn|year|annum)\b|\s+(sehari|seminggu|sebulan|setahun|daily|weekly|monthly|yearly|annually)\b)?"  # noqa: E501
_QTY = re.compile(r"(?<![\w.,])" + _NUM + r"\s*" + _UNIT + _PERIOD)
_RADIUS = re.compile(
    r"(?:(?:dalam\s+)?(?:radius|jarak(?:\s+maks(?:imal)?)?|within|maks(?:imal)?|max(?:imum)?|paling jauh|up to)\s*"
    + _NUM
    + r"\s*(?:km|kilometers?|kilometres?|kilometer)\b(?:\s*(?:dari|from|of|around))?"
    r"|" + _NUM + r"\s*(?:km|kilometers?|kilometres?)\s*(?:dari|from|of|around|radius)\b)"
)
_PRICE = re.compile(
    r"(?:(?:harga|price|budget|anggaran|at)\s*)?(?:(maks(?:imal|imum)?|max(?:imum)?\.?|di ?bawah|kurang dari|under|"
    r"below|up to|at most|paling mahal|tidak lebih dari|not more than|min(?:imal|imum)?|mulai|from|at least)\s*)?"
    r"(?:rp\.?|idr)\s*" + _NUM + r"\s*(rb|ribu|k|jt|juta)?\b"
    r"(?:\s*(?:-|–|s/?d|sampai|hingga|to)\s*(?:rp\.?|idr)?\s*" + _NUM + r"\s*(rb|ribu|k|jt|juta)?\b)?"
    r"(?:\s*(?:per|/)\s*" + _UNIT + ")?"
)
_DEADLINE = re.compile(
    r"(?:(?:sebelum|paling lambat|selambat-?lambatnya|deadline|tenggat|batas waktu|by|before|no later than|"
    r"due)\s+(?:(?:tanggal|tgl\.?|the)\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?:\s+(\d{4}))?"
    r"|(?:(?:deadline|sebelum|by|before|paling lambat)\s+)?(akhir|awal|pertengahan|end of|early|mid|the end of)\s+"
    + _MONTH
    + r"(?:\s+(\d{4}))?"
    r"|(?:dalam|within|in the next|in)\s+(\d{1,3})\s+(hari|days?|minggu|pekan|weeks?|bulan|months?)\b"
    r"|(?:sebelum|paling lambat|by|before|no later than)\s+" + _MONTH + r"(?:\s+(\d{4}))?)"  # "by March": its 1st
)
_SOFT = re.compile(
    r"\b(sebaiknya|diutamakan|diprioritaskan|lebih disukai|lebih baik|kalau bisa|jika ada|bila ada|"
    r"preferably|preferred|prefer|ideally|nice to have|if possible|a plus|optional)\b"
)
_CERT_WORDS = re.compile(
    r"\b(bersertifikat|bersertifikasi|sertifikat|sertifikasi|certified|certificate|certification|compliant|"
    r"registration|registered|permit|wajib|required|must have|izin|ijin|ada|punya|memiliki|with)\b"
)
_EXTRA_CERTS = {
    "izin edar bpom": "BPOM_MD", "izin edar": "BPOM_MD", "ijin edar": "BPOM_MD", "bpom md": "BPOM_MD",
    "bpom cosmetic notification": "BPOM_NA", "cosmetic notification": "BPOM_NA", "notifikasi bpom": "BPOM_NA",
    "notifikasi kosmetik": "BPOM_NA", "legal wood": "SVLK", "timber legality": "SVLK", "v-legal": "SVLK",
    "halal mui": "HALAL", "p-irt": "PIRT", "spp-irt": "PIRT", "iso 22000": "ISO_22000", "iso 9001": "ISO_9001",
}  # fmt: skip
_AMBIGUOUS_ALIASES = frozenset({"md", "ml", "na", "merek", "hki", "sih", "mui", "slk", "gmp"})
_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
_ORIGIN = frozenset([
    "dari", "asal", "khas", "asli", "from", "buatan", "produksi", "origin", "sourced", "made", "based",
])  # fmt: skip
_NEAR = frozenset([
    "dekat", "sekitar", "near", "around", "nearby", "seputar", "sekitaran", "kawasan", "wilayah", "daerah",
    "area", "region",
])  # fmt: skip
_IN = frozenset(["di", "in", "at", "ke", "to"])
_OR = frozenset(["or", "atau", "and", "dan", "serta"])
_AROUND = frozenset(["sekitarnya", "surroundings", "vicinity", "around", "sekitar"])
AROUND_KM = 50.0  # "X dan sekitarnya"
_CUE_RANK = {"radius": 4, "origin": 3, "in": 3, "near": 2, "at": 1, "bare": 0}
# "di/in X" names where the supplier is ("pemasok aci di Pati"), unless it says where the buyer is
# ("hotel kami di Bali", "our company in …", "untuk katering di Jogja"): then it is only a preference.
_BUYER = frozenset([
    "kami", "saya", "kita", "aku", "our", "we", "my", "i", "us", "untuk", "for", "kirim", "dikirim", "deliver",
    "delivered", "delivery", "ship", "shipped", "shipping", "hotel", "katering", "catering", "restoran", "restaurant",
    "toko", "shop", "store", "kantor", "office", "fob", "cif",
])  # fmt: skip
_PUNCT = re.compile(r"\s*([,;:.!?()/&]\s*)+")


@dataclass
class UnderstoodPlace:
    """A place read from the sentence and how the buyer named it."""

    codes: tuple[str, ...]
    name: str
    level: str
    mode: str  # radius (within N km), origin (from/khas/asal), in (di/in), near (dekat/near), at (buyer's place), bare
    text: str
    latitude: float | None = None
    longitude: float | None = None

    @property
    def firm(self) -> bool:
        """Whether the buyer restricts to this place (origin, in, radius) rather than preferring it."""
        return self.mode in ("origin", "in", "radius")


@dataclass
class Understood:
    """What was read from the sentence (None / empty when not said) and the product words left over."""

    text: str
    rest: str = ""
    quantity: float | None = None
    unit: str | None = None
    period: str | None = None
    certificates: list[str] = field(default_factory=list)
    certificates_firm: bool = True
    place: UnderstoodPlace | None = None
    radius_km: float | None = None
    deadline: date | None = None
    price_min: int | None = None
    price_max: int | None = None
    price_unit: str | None = None
    hs_codes: list[str] = field(default_factory=list)  # HS 2022 codes named in the sentence
    kbli_codes: list[str] = field(default_factory=list)  # KBLI 2020 classes of those codes and product words
    spans: dict[str, str] = field(default_factory=dict)  # field → the words it was read from

    def fields(self) -> list[str]:
        """Names of the fields that were read."""
        return list(self.spans)

    def to_json(self) -> dict[str, Any]:
        """The ``understood`` object of the API and CLI."""
        p = self.place
        return {
            "quantity": self.quantity,
            "unit": self.unit,
            "period": self.period,
            "certificates": list(self.certificates),
            "certificates_firm": self.certificates_firm if self.certificates else None,
            "place": {"code": ";".join(p.codes), "codes": list(p.codes), "name": p.name, "level": p.level,
                      "mode": p.mode, "firm": p.firm} if p else None,
            "radius_km": self.radius_km,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "price_min": self.price_min,
            "price_max": self.price_max,
            "price_unit": self.price_unit,
            "hs_codes": list(self.hs_codes), "kbli_codes": list(self.kbli_codes),
            "product_text": self.rest,
            "read_from": dict(self.spans),
        }  # fmt: skip


def number(raw: str) -> float:
    """``1.000`` / ``1,000`` → 1000; ``2,5`` / ``2.5`` → 2.5 (a separator before exactly three digits groups)."""
    parts = re.split(r"[.,]", raw)
    if len(parts) == 1:
        return float(raw)
    if "." in raw and "," in raw:
        dec = "," if raw.rfind(",") > raw.rfind(".") else "."
        whole, frac = raw.rsplit(dec, 1)
        return float(re.sub(r"[.,]", "", whole) + "." + frac)
    if all(len(p) == 3 for p in parts[1:]):
        return float("".join(parts))
    return float(parts[0] + "." + "".join(parts[1:]))


class _Work:
    """The sentence being read: a lower-case copy in which taken spans are blanked out."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.low = text.lower()

    def take(self, start: int, end: int) -> str:
        taken = self.text[start:end].strip()
        self.low = self.low[:start] + " " * (end - start) + self.low[end:]
        return taken


def _radius(w: _Work, u: Understood) -> None:
    m = _RADIUS.search(w.low)
    if m:
        u.radius_km = number(m.group(1) or m.group(2))
        u.spans["radius_km"] = w.take(m.start(), m.end())


def _deadline(w: _Work, u: Understood, today: date) -> None:
    m = _DEADLINE.search(w.low)
    if not m:
        return
    g = m.groups()
    if g[0]:
        year = int(g[2]) if g[2] else today.year
        month, day = _MONTHS[g[1]], int(g[0])
        try:
            when = date(year, month, day)
        except ValueError:
            return
        if not g[2] and when < today:
            when = date(year + 1, month, day)
    elif g[3]:
        month = _MONTHS[g[4]]
        year = int(g[5]) if g[5] else today.year + (1 if month < today.month else 0)
        last = calendar.monthrange(year, month)[1]
        day = {"akhir": last, "end of": last, "the end of": last, "awal": 10, "early": 10}.get(g[3], 15)
        when = date(year, month, day)
    elif g[8]:
        month = _MONTHS[g[8]]
        when = date(int(g[9]) if g[9] else today.year + (1 if month < today.month else 0), month, 1)
        if when < today:  # "by December" said in December: the month's end
            when = date(when.year, month, calendar.monthrange(when.year, month)[1])
    else:
        n, span = int(g[6]), g[7]
        days = 1 if span.startswith(("hari", "day")) else 7 if span.startswith(("minggu", "pekan", "week")) else 30
        when = today + timedelta(days=n * days)
    u.deadline = when
    u.spans["deadline"] = w.take(m.start(), m.end())


def _rupiah(num: str, suffix: str | None) -> int | None:
    parsed = parse_rupiah(f"{num.replace(',', '.') if suffix else num} {suffix or ''}".strip())
    amount = getattr(parsed, "amount", None)
    if amount is None:
        value = getattr(parsed, "value", None)
        amount = getattr(value, "amount", None)
    return int(amount) if amount is not None else None


def _price(w: _Work, u: Understood) -> None:
    m = _PRICE.search(w.low)
    if not m:
        return
    cue, a, a_suf, b, b_suf, unit = m.groups()
    low, high = _rupiah(a, a_suf), (_rupiah(b, b_suf or a_suf) if b else None)
    if low is None:
        return
    if high is not None:
        u.price_min, u.price_max = low, high
    elif cue and re.match(r"min|mulai|from|at least", cue):
        u.price_min = low
    else:
        u.price_max = low
    u.price_unit = unit
    u.spans["price"] = w.take(m.start(), m.end())


_CERT_RE: re.Pattern[str] | None = None
_CERT_MAP: dict[str, str] = {}


def _cert_pattern() -> re.Pattern[str]:
    global _CERT_RE
    if _CERT_RE is None:
        lookup = {k: v for k, v in catalog.certificate_lookup().items() if k not in _AMBIGUOUS_ALIASES and "_" not in k}
        _CERT_MAP.update({**lookup, **_EXTRA_CERTS})
        alts = sorted(_CERT_MAP, key=len, reverse=True)
        _CERT_RE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(a) for a in alts) + r")(?![\w-])")
    return _CERT_RE


def _certificates(w: _Work, u: Understood) -> None:
    found = list(_cert_pattern().finditer(w.low))
    if not found:
        return
    soft = False
    for m in found:
        clause = re.split(r"[,;.]", w.low[max(0, m.start() - 40) : m.start()])[-1]
        soft = soft or bool(_SOFT.search(clause))
        code = _CERT_MAP[m.group(1)]
        if code not in u.certificates:
            u.certificates.append(code)
    u.certificates_firm = not soft
    spans = [w.take(m.start(), m.end()) for m in found]
    for m in list(_CERT_WORDS.finditer(w.low)) + list(_SOFT.finditer(w.low)):
        w.take(m.start(), m.end())
    u.spans["certificates"] = ", ".join(spans)


def _quantity(w: _Work, u: Understood) -> None:
    for m in _QTY.finditer(w.low):
        unit = m.group(2)
        if unit_info(unit) is None and unit not in ("kubik", "m3"):
            continue
        u.quantity = number(m.group(1))
        u.unit = "m3" if unit == "kubik" else unit
        per = m.group(3) or m.group(4)
        u.period = _PERIODS.get(per) if per else None
        u.spans["quantity"] = w.take(m.start(), m.end())
        return


def _place(w: _Work, u: Understood) -> None:
    gaz = places.gazetteer()
    words = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(w.low)]
    best: tuple[int, int, int, places.PlaceEntry, str] | None = None  # (rank, start, end, entry, mode)
    i = 0
    while i < len(words):
        for n in range(min(gaz.longest, len(words) - i), 0, -1):
            key = " ".join(t for t, _, _ in words[i : i + n])
            entry = gaz.names.get(key)
            if entry is None:
                continue
            mode, start = "bare", words[i][1]
            for back in (1, 2):
                if i - back < 0:
                    break
                prev = words[i - back][0]
                if prev in _ORIGIN or prev in _NEAR or prev in _IN:
                    mode = "origin" if prev in _ORIGIN else "near" if prev in _NEAR else "in"
                    start = words[i - back][1]
                    before = {t for t, _, _ in words[max(0, i - back - 4) : i - back]}
                    if mode == "in" and (before & _BUYER or _SOFT.search(w.low[max(0, start - 30) : start])):
                        mode = "at"
                    break
            if mode == "bare" and entry.needs_cue:
                continue
            rank = _CUE_RANK[mode] + (1 if u.radius_km and mode != "origin" else 0)
            if best is None or rank > best[0]:
                best = (rank, start, words[i + n - 1][2], entry, mode)
            i += n - 1
            break
        i += 1
    if best is None:
        return
    _, start, end, entry, mode = best
    codes, name, level = entry.codes, entry.name, entry.level
    j = next((k for k, (_, s, _) in enumerate(words) if s >= end), None)
    while j is not None and j + 1 < len(words) and words[j][0] in _OR:  # "Jawa Tengah atau DIY", "Bali or Lombok"
        for n in range(min(gaz.longest, len(words) - j - 1), 0, -1):
            more = gaz.names.get(" ".join(t for t, _, _ in words[j + 1 : j + 1 + n]))
            if more is not None:
                codes = codes + tuple(c for c in more.codes if c not in codes)
                name, level, end = f"{name}, {more.name}", "area", words[j + n][2]
                j = j + 1 + n if j + 1 + n < len(words) else None
                break
        else:
            break
    if j is not None and j + 1 < len(words) and words[j][0] in _OR and words[j + 1][0] in _AROUND:
        end = words[j + 1][2]  # "Malang dan sekitarnya", "Bandung and surroundings": a radius around it
        u.radius_km = u.radius_km or AROUND_KM
        u.spans["radius_km"] = f"{words[j][0]} {words[j + 1][0]}"
    if u.radius_km is not None:
        mode = "radius"
    taken = w.take(start, end)
    point = places.coordinates(codes)
    u.place = UnderstoodPlace(codes, name, level, mode, taken, *(point or (None, None)))
    u.spans["place"] = taken


def understand(text: str, *, today: date | None = None) -> Understood:
    """Read a buyer's sentence (Indonesian or English): quantity, unit, period, certificates, place, radius,
    deadline, price; ``rest`` keeps the product words."""
    w = _Work(text)
    u = Understood(text=text)
    vocabulary.read(w, u)
    _radius(w, u)
    _deadline(w, u, today or date.today())
    _price(w, u)
    _certificates(w, u)
    _quantity(w, u)
    _place(w, u)
    if u.price_unit is None and (u.price_min is not None or u.price_max is not None):
        u.price_unit = u.unit
    if u.radius_km is not None and u.place is None:
        u.radius_km = None  # a distance needs a place to measure from
        u.spans.pop("radius_km", None)
    base = text if len(text) == len(w.low) else w.low
    rest = "".join(" " if w.low[i] == " " else ch for i, ch in enumerate(base))
    rest = _PUNCT.sub(lambda m: ", " if "," in m.group(0) or ";" in m.group(0) else " ", rest)
    u.rest = re.sub(r"\s+", " ", rest).strip(" ,;:.-") or text
    u.kbli_codes = vocabulary.kbli_codes(u.hs_codes, u.rest)
    return u

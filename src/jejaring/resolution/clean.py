"""Cleaning for entity resolution: names, owners, addresses and phones in comparable form."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

# Legal forms and generic business words that do not tell two firms apart.
LEGAL_FORMS = (
    "pt",
    "cv",
    "ud",
    "pd",
    "fa",
    "firma",
    "koperasi",
    "kop",
    "kud",
    "tbk",
    "persero",
    "perum",
    "usaha dagang",
    "perusahaan dagang",
    "perseroan terbatas",
    "commanditaire vennootschap",
)
_LEGAL_RE = re.compile(r"\b(" + "|".join(sorted((re.escape(f) for f in LEGAL_FORMS), key=len, reverse=True)) + r")\b")
_TITLES_RE = re.compile(
    r"\b(h|hj|haji|hajjah|bpk|bapak|pak|ibu|bu|sdr|sdri|ir|drs|dra|dr|prof|st|se|sh|mm|spd|amd|s\s?kom|s\s?pd|s\s?e)\b"
)
_ADDRESS_WORDS = {
    "jl": "jalan",
    "jln": "jalan",
    "gg": "gang",
    "ds": "desa",
    "dsn": "dusun",
    "dk": "dukuh",
    "kp": "kampung",
    "kec": "kecamatan",
    "kab": "kabupaten",
    "kel": "kelurahan",
    "no": "nomor",
    "blk": "blok",
    "komp": "komplek",
    "perum": "perumahan",
}
_NON_WORD = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_RT_RW = re.compile(r"\brt\.?\s*0*(\d{1,3})\s*(?:/|\s)\s*(?:rw\.?)?\s*0*(\d{1,3})\b")


def fold(text: str | None) -> str:
    """Lower-case ASCII with punctuation turned into single spaces."""
    if not text:
        return ""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    ascii_text = ascii_text.replace(".", " ").replace(",", " ")
    return _SPACES.sub(" ", _NON_WORD.sub(" ", ascii_text)).strip()


_SPELLED_FORMS = re.compile(r"\b(c v|p t|u d|p d)\b")


def clean_name(name: str | None) -> str:
    """Business name without legal form (CV./CV/UD/PT/Koperasi…), punctuation or case."""
    text = _SPELLED_FORMS.sub(lambda m: m.group(1).replace(" ", ""), fold(name))
    text = _LEGAL_RE.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def clean_owner(name: str | None) -> str:
    """Owner name without honorifics and academic titles (H., Hj., Ir., S.E., …)."""
    text = _TITLES_RE.sub(" ", fold(name))
    return _SPACES.sub(" ", text).strip()


def clean_address(address: str | None) -> str:
    """Street address with abbreviations expanded (Jl. → jalan, Gg. → gang) and RT/RW made uniform."""
    text = fold(address)
    text = _RT_RW.sub(lambda m: f"rt{int(m.group(1))} rw{int(m.group(2))}", text)
    words = [_ADDRESS_WORDS.get(w, w) for w in text.split()]
    return " ".join(words)


def phone_e164(phone: str | None) -> str:
    """Indonesian phone number in E.164 (+62…), or empty when it cannot be read."""
    if not phone:
        return ""
    digits = re.sub(r"[^\d+]", "", phone)
    if not digits:
        return ""
    try:
        parsed = phonenumbers.parse(digits, "ID")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(parsed):
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def first_token(text: str) -> str:
    """The first word of a cleaned text (a blocking key)."""
    return text.split(" ", 1)[0] if text else ""

"""Text cleaning shared by the domains: names, addresses, owners and phone numbers in comparable form."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
import polars as pl

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


# Vectorised forms of the functions above, for whole columns (polars; same results, tested against them).

_FAST_E164 = r"^\+62[1-9][0-9]{4,11}$"  # forms that phonenumbers returns unchanged (verified in the tests)


def fold_expr(col: pl.Expr, *, ascii_only: bool = False) -> pl.Expr:
    """Vectorised :func:`fold` (``ascii_only``: the column is known to hold no non-ASCII text, skip unicode folding)."""
    if not ascii_only:
        col = col.str.normalize("NFKD").str.replace_all(r"[^\x00-\x7f]", "")
    # one pass: every run of characters other than [a-z0-9] (punctuation and whitespace) becomes one space
    return col.str.to_lowercase().str.replace_all(r"[^a-z0-9]+", " ").str.strip_chars(" ").fill_null("")


def ascii_only(frame: pl.DataFrame, column: str) -> bool:
    """Whether ``column`` holds only ASCII text (so that :func:`fold_expr` may skip unicode folding)."""
    return not frame.select(pl.col(column).str.contains(r"[^\x00-\x7f]").any()).item()


def _squeeze(col: pl.Expr) -> pl.Expr:
    return col.str.replace_all(r"\s+", " ").str.strip_chars(" ")


def name_expr(col: pl.Expr, *, ascii_only: bool = False) -> pl.Expr:
    """Vectorised :func:`clean_name`."""
    joined = fold_expr(col, ascii_only=ascii_only).str.replace_all(
        r"\b(?:(c) (v)|(p) (t)|(u) (d)|(p) (d))\b", "${1}${2}${3}${4}${5}${6}${7}${8}"
    )
    return _squeeze(joined.str.replace_all(_LEGAL_RE.pattern, " "))


def owner_expr(col: pl.Expr, *, ascii_only: bool = False) -> pl.Expr:
    """Vectorised :func:`clean_owner`."""
    return _squeeze(fold_expr(col, ascii_only=ascii_only).str.replace_all(_TITLES_RE.pattern, " "))


def address_expr(col: pl.Expr, *, ascii_only: bool = False) -> pl.Expr:
    """Vectorised :func:`clean_address`."""
    text = fold_expr(col, ascii_only=ascii_only).str.replace_all(_RT_RW.pattern, "rt${1} rw${2}")
    # every word padded by its own spaces, so that one multi-pattern pass replaces whole words only
    padded = pl.concat_str([pl.lit(" "), text.str.replace_all(" ", "  ", literal=True), pl.lit(" ")])
    words = padded.str.replace_many([f" {w} " for w in _ADDRESS_WORDS], [f" {w} " for w in _ADDRESS_WORDS.values()])
    return _squeeze(words)


def phone_series(phones: pl.Series) -> pl.Series:
    """Vectorised :func:`phone_e164`: canonical ``+62…`` values directly, every other form through phonenumbers."""
    digits = phones.str.replace_all(r"[^\d+]", "")
    fast = digits.str.contains(_FAST_E164).fill_null(False)
    odd = digits.filter(~fast & digits.is_not_null() & (digits != "")).unique()
    mapping = {d: phone_e164(d) for d in odd.to_list()}
    slow = (
        digits.replace_strict(mapping, default="", return_dtype=pl.String)
        if mapping
        else pl.repeat("", len(phones), eager=True)
    )
    return pl.select(pl.when(fast).then(digits).otherwise(slow)).to_series().alias(phones.name)


def first_token_expr(col: pl.Expr) -> pl.Expr:
    """Vectorised :func:`first_token`."""
    return col.str.split_exact(" ", 1).struct.field("field_0").fill_null("")


def prefix_expr(col: pl.Expr, words: int = 2) -> pl.Expr:
    """The first ``words`` words of a cleaned text (a blocking key)."""
    return col.str.split(" ").list.slice(0, words).list.join(" ").fill_null("")

"""Template fields and the header variants provincial files use for them."""

from __future__ import annotations

import re
import unicodedata

from jejaring.registry.contracts import KEPT_AS_UPLOADED

# The provincial template (docs: /work/shared/DESIGN.md, "Direktori IKM"), in template order.
FIELDS = (
    "nib",
    "nama_usaha",
    "nama_pemilik",
    "alamat",
    "kode_wilayah",
    "provinsi",
    "kabupaten_kota",
    "kecamatan",
    "desa",
    *KEPT_AS_UPLOADED,
)
IGNORE = ""  # mapping target meaning "ignore this column"

_VARIANTS: dict[str, tuple[str, ...]] = {
    "nib": ("nib", "nomor induk berusaha", "no nib", "nomor nib", "nib oss"),
    "nama_usaha": (
        "nama usaha",
        "nama perusahaan",
        "nama ikm",
        "nama unit usaha",
        "perusahaan",
        "nama badan usaha",
        "nama industri",
        "nama",
    ),
    "nama_pemilik": ("nama pemilik", "pemilik", "nama pengusaha", "pemilik usaha", "penanggung jawab"),
    "alamat": ("alamat", "alamat lengkap", "alamat usaha", "alamat perusahaan", "jalan"),
    "kode_wilayah": ("kode wilayah", "kode kab kota", "kode kabupaten kota", "kode kabupaten", "kode daerah"),
    "provinsi": ("provinsi", "propinsi", "prov"),
    "kabupaten_kota": ("kabupaten kota", "kab kota", "kabupaten", "kota", "kota kabupaten", "kab"),
    "kecamatan": ("kecamatan", "kec"),
    "desa": ("desa", "kelurahan", "desa kelurahan", "kelurahan desa", "kel desa", "desa kel"),
    "latitude": ("latitude", "lintang", "lat", "garis lintang"),
    "longitude": ("longitude", "bujur", "long", "lon", "lng", "garis bujur"),
    "kbli": ("kbli", "kode kbli", "kbli 2020", "kode kbli 2020", "kbli5"),
    "produk": ("produk", "produk utama", "jenis produk", "komoditi", "komoditas", "produk yang dihasilkan"),
    "hs": ("hs", "kode hs", "hs code", "pos tarif"),
    "tenaga_kerja": (
        "tenaga kerja",
        "jumlah tk",
        "jumlah tenaga kerja",
        "tk",
        "jml tk",
        "jumlah karyawan",
        "karyawan",
        "tenaga kerja orang",
    ),
    "nilai_investasi": (
        "nilai investasi",
        "investasi",
        "nilai investasi rp",
        "investasi rp",
        "modal",
        "nilai aset",
    ),
    "kapasitas_produksi": (
        "kapasitas produksi",
        "kapasitas",
        "kapasitas per bulan",
        "kapasitas bulan",
        "kapasitas produksi per bulan",
    ),
    "satuan": ("satuan", "satuan kapasitas", "satuan produksi"),
    "nilai_produksi": (
        "nilai produksi",
        "nilai produksi rp",
        "nilai produksi per tahun",
        "nilai produksi tahun rp",
        "nilai produksi tahun",
        "omzet",
        "omset",
    ),
    "sertifikat": ("sertifikat", "sertifikasi", "legalitas", "izin sertifikat"),
    "merek": ("merek", "merk", "brand", "merek dagang"),
    "telepon": (
        "telepon",
        "telp",
        "no telp",
        "no telp hp",
        "no hp",
        "nomor telepon",
        "hp",
        "no telepon",
        "telepon hp",
        "kontak",
    ),
    "email": ("email", "e mail", "surel", "alamat email"),
    "sentra": ("sentra", "nama sentra", "sentra ikm"),
    "tahun_berdiri": ("tahun berdiri", "th berdiri", "tahun mulai usaha", "tahun pendirian", "berdiri"),
    "tahun_data": ("tahun data", "tahun", "th data", "tahun pendataan", "periode data"),
}
# columns that carry no data: a running number, and the columns our own quarantine export adds
_IGNORED = ("no", "no urut", "nomor", "nomor urut", "baris asal", "alasan", "source row", "reasons")

_NON_WORD = re.compile(r"[^a-z0-9]+")
_BUILTIN: dict[str, str] = {}
for _field, _names in _VARIANTS.items():
    _BUILTIN[_field.replace("_", " ")] = _field
    for _name in _names:
        _BUILTIN[_name] = _field
for _name in _IGNORED:
    _BUILTIN[_name] = IGNORE


def header_key(text: str) -> str:
    """Normalised header: lower case, no accents, punctuation and units in brackets as spaces."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _NON_WORD.sub(" ", folded).strip()


def variant_lookup(variants: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Header key → template field, from each field's name (underscores as spaces) and its known variants."""
    return {v: f for f, names in variants.items() for v in (f.replace("_", " "), *names)}


def template_mapping(headers: list[str], lookup: dict[str, str]) -> dict[str, str]:
    """File header → template field, for the headers ``lookup`` knows (the first header naming a field wins)."""
    out: dict[str, str] = {}
    for header in headers:
        f = lookup.get(header_key(header))
        if f and f not in out.values():
            out[header] = f
    return out


def builtin_field(text: str) -> str | None:
    """The template field a header names by a known variant; ``""`` for a known non-data column; else None."""
    return _BUILTIN.get(header_key(text))


def map_headers(headers: list[str], remembered: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Map each header to a field (remembered per office first, then built-in variants).

    Returns the mapping (header → field, ``""`` = ignore) and the headers nobody has mapped yet.
    A field is taken by its first column only; later columns naming the same field are left unmapped.
    """
    mapping: dict[str, str] = {}
    unmapped: list[str] = []
    taken: set[str] = set()
    for h in headers:
        key = header_key(h)
        field = remembered.get(key)
        if field is None:
            field = _BUILTIN.get(key)
        if field is None or (field and field in taken):
            unmapped.append(h)
            continue
        mapping[h] = field
        if field:
            taken.add(field)
    return mapping, unmapped

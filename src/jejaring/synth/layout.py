"""How offices lay out their files: columns, header variants, title rows, value formats."""

from __future__ import annotations

import numpy as np
import polars as pl

from jejaring.synth import products
from jejaring.synth.plan import FileStyle

IKM_COLUMNS = (
    "nib", "nama_usaha", "nama_pemilik", "alamat", "kode_wilayah", "kecamatan", "desa", "latitude", "longitude",
    "kbli", "produk", "hs", "tenaga_kerja", "nilai_investasi", "kapasitas_produksi", "satuan", "nilai_produksi",
    "sertifikat", "merek", "telepon", "email", "sentra", "tahun_berdiri", "tahun_data",
)  # fmt: skip
SENTRA_COLUMNS = (
    "nama_sentra", "kode_wilayah", "kecamatan", "desa", "komoditas", "kbli", "jumlah_unit", "tenaga_kerja",
    "definisi", "tahun_data",
)  # fmt: skip
# dialect 0 writes the template's own names; 1 and 2 are the variants offices use.
HEADER_DIALECTS: tuple[dict[str, str], ...] = (
    {},
    {
        "nib": "NIB", "nama_usaha": "Nama Perusahaan", "nama_pemilik": "Nama Pemilik", "alamat": "Alamat Lengkap",
        "kode_wilayah": "Kode Wilayah", "provinsi": "Provinsi", "kabupaten_kota": "Kabupaten/Kota",
        "kecamatan": "Kecamatan", "desa": "Desa/Kelurahan", "latitude": "Lintang", "longitude": "Bujur",
        "kbli": "KBLI", "produk": "Produk Utama", "hs": "Kode HS", "tenaga_kerja": "Jumlah TK",
        "nilai_investasi": "Nilai Investasi (Rp)", "kapasitas_produksi": "Kapasitas Produksi", "satuan": "Satuan",
        "nilai_produksi": "Nilai Produksi (Rp)", "sertifikat": "Sertifikat", "merek": "Merek",
        "telepon": "No. Telp/HP", "email": "Email", "sentra": "Nama Sentra", "tahun_berdiri": "Tahun Berdiri",
        "tahun_data": "Tahun Data", "nama_sentra": "Nama Sentra", "komoditas": "Komoditas",
        "jumlah_unit": "Jumlah Unit Usaha", "definisi": "Definisi",
    },
    {
        "nib": "No. NIB", "nama_usaha": "Nama Usaha", "nama_pemilik": "Pemilik", "alamat": "Alamat",
        "kode_wilayah": "Kode Kab/Kota", "provinsi": "Prov", "kabupaten_kota": "Kab/Kota", "kecamatan": "Kec.",
        "desa": "Kelurahan/Desa", "latitude": "Latitude", "longitude": "Longitude", "kbli": "Kode KBLI",
        "produk": "Jenis Produk", "hs": "HS", "tenaga_kerja": "Tenaga Kerja (orang)",
        "nilai_investasi": "Investasi (Rp)", "kapasitas_produksi": "Kapasitas/Bulan", "satuan": "Satuan Kapasitas",
        "nilai_produksi": "Nilai Produksi/Tahun (Rp)", "sertifikat": "Sertifikasi", "merek": "Merk",
        "telepon": "Telepon", "email": "E-mail", "sentra": "Sentra", "tahun_berdiri": "Th. Berdiri",
        "tahun_data": "Tahun", "nama_sentra": "Nama Sentra IKM", "komoditas": "Komoditi",
        "jumlah_unit": "Jml Unit", "definisi": "Definisi Sentra",
    },
)  # fmt: skip
INT_COLUMNS = ("tenaga_kerja", "nilai_investasi", "kapasitas_produksi", "nilai_produksi", "tahun_berdiri",
               "tahun_data", "jumlah_unit")  # fmt: skip
FLOAT_COLUMNS = ("latitude", "longitude")


def columns(base: tuple[str, ...], style: FileStyle) -> list[str]:
    """The canonical columns a file carries, in its order."""
    cols = list(base)
    if style.names_not_codes and "kode_wilayah" in cols:
        i = cols.index("kode_wilayah")
        cols[i : i + 1] = ["provinsi", "kabupaten_kota"]
    if style.header_dialect == 2 and "nama_usaha" in cols:
        cols.remove("nama_usaha")
        cols.insert(0, "nama_usaha")
    return cols


def header(cols: list[str], style: FileStyle) -> list[str]:
    """Header cells as the office writes them (dialect 1 starts with a "No" column)."""
    names = HEADER_DIALECTS[style.header_dialect]
    out = [names.get(c, c) for c in cols]
    return ["No", *out] if style.header_dialect == 1 else out


def title_lines(kind: str, province: str, year: int, style: FileStyle) -> list[str]:
    """Lines above the header (XLSX files of some offices)."""
    lines = [
        f"DIREKTORI {'INDUSTRI KECIL DAN MENENGAH' if kind == 'ikm' else 'SENTRA IKM'} PROVINSI {province.upper()}",
        f"Keadaan Tahun {year} — Dinas Perindustrian dan Perdagangan",
        "",
    ]
    return lines[: style.title_rows]


def render(frame: pl.DataFrame, cols: list[str], style: FileStyle, rng: np.random.Generator) -> pl.DataFrame:
    """The file's cells: office conventions for case, phone numbers and certificate names."""
    out = frame.select([c for c in cols])
    if style.uppercase:
        out = out.with_columns(
            [pl.col(c).str.to_uppercase() for c in ("nama_usaha", "nama_pemilik", "alamat") if c in cols]
        )
    if "telepon" in cols and style.header_dialect:
        pattern = (
            (r"^0(\d{3})(\d{4})(\d+)$", "0$1-$2-$3")
            if style.header_dialect == 1
            else (r"^0(\d{3})(\d{4})(\d+)$", "+62 $1 $2 $3")
        )
        out = out.with_columns(pl.col("telepon").str.replace(pattern[0], pattern[1]))
    if "sertifikat" in cols:
        aliases = products.certificate_aliases()
        certs = out["sertifikat"].to_list()
        sep = "; " if style.header_dialect == 2 else ";"
        for i, v in enumerate(certs):
            if v:
                parts = v.split(";")
                if style.header_dialect == 0:
                    certs[i] = sep.join(aliases[p][0] for p in parts)
                else:
                    certs[i] = sep.join(aliases[p][int(rng.integers(len(aliases[p])))] for p in parts)
            else:
                certs[i] = None
        out = out.with_columns(sertifikat=pl.Series(certs, dtype=pl.String))
    return out


def indonesian_locale(frame: pl.DataFrame) -> pl.DataFrame:
    """Numbers as an Indonesian spreadsheet exports them: 1.250.000 and -6,9034."""
    exprs = []
    for c in frame.columns:
        if c in INT_COLUMNS and c not in ("tahun_berdiri", "tahun_data"):
            digits = pl.col(c).abs().cast(pl.String).str.reverse().str.replace_all(r"(\d{3})", "$1.")
            body = digits.str.strip_chars_end(".").str.reverse()
            exprs.append(pl.when(pl.col(c) < 0).then(pl.lit("-") + body).otherwise(body).alias(c))
        elif c in FLOAT_COLUMNS:
            exprs.append(pl.col(c).cast(pl.String).str.replace(".", ",", literal=True).alias(c))
    return frame.with_columns(exprs) if exprs else frame

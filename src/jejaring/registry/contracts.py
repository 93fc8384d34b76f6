"""The column contract between intake and the registry: which clean intake column fills which registry column,
which fields the content hash and the provenance cover, and what a bulk batch takes and gives back."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

# registry column ← clean intake column
FIRM_COLUMNS: dict[str, str] = {
    "name": "nama_usaha",
    "name_key": "name_key",
    "nib": "nib",
    "address": "alamat",
    "province_code": "province_code",
    "regency_code": "regency_code",
    "district_code": "district_code",
    "desa": "desa",
    "latitude": "latitude",
    "longitude": "longitude",
    "kbli_code": "kbli",
    "kbli_division": "kbli_division",
    "products": "produk",
    "workers": "tenaga_kerja",
    "investment": "nilai_investasi",
    "capacity": "kapasitas_produksi",
    "capacity_unit": "satuan",
    "production_value": "nilai_produksi",
    "brand": "merek",
    "founded_year": "tahun_berdiri",
    "reference_year": "tahun_data",
    "size_class": "size_class",
    "intake_key": "intake_key",
    "content_hash": "content_hash",
    "row_hash": "row_hash",
}
PRIVATE_COLUMNS = {"owner_name": "nama_pemilik", "phone": "telepon", "email": "email"}
# the template's fields from ``latitude`` on: the clean columns keep them under their template names, in template
# order (intake's template field list ends with them too)
KEPT_AS_UPLOADED = (
    "latitude",
    "longitude",
    "kbli",
    "produk",
    "hs",
    "tenaga_kerja",
    "nilai_investasi",
    "kapasitas_produksi",
    "satuan",
    "nilai_produksi",
    "sertifikat",
    "merek",
    "telepon",
    "email",
    "sentra",
    "tahun_berdiri",
    "tahun_data",
)
# intake fields as written to the registry, in the order the content hash covers them (never reorder: a new
# order changes every firm's content_hash, and the next upload would rewrite the whole registry)
CLEAN_COLUMNS = (
    "nib",
    "nama_usaha",
    "name_key",
    "nama_pemilik",
    "alamat",
    "province_code",
    "regency_code",
    "district_code",
    "desa",
    *KEPT_AS_UPLOADED,
)
# template fields whose presence is recorded in provenance (the written fields, less the derived ones)
PROVENANCE_FIELDS = tuple(c for c in CLEAN_COLUMNS if c not in ("name_key", "province_code"))


@dataclass(frozen=True)
class BulkSource:
    """Provenance shared by every row of a batch."""

    office: str | None
    file_name: str | None
    uploaded_by: str | None
    job_id: int | None
    # the region (province ``32`` or regency ``32.09``) an officer's upload may write; None: not limited. A row
    # matching a firm outside it only sights that firm (provenance), it does not overwrite it
    region: str | None = None


FIRMS_SCHEMA = {"_row": pl.Int64, "_id": pl.Int64}


@dataclass
class BulkResult:
    """What a batch did: counts, and the firm of every row that matched or made one (``_row``, ``_id``)."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    changed_ids: list[int] = field(default_factory=list)  # known firms whose values this batch changed
    firms: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=FIRMS_SCHEMA))

    def firm_id(self, row: int) -> int | None:
        """The firm of spreadsheet row ``row``, if it has one."""
        found = self.firms.filter(pl.col("_row") == row).get_column("_id")
        return int(found[0]) if found.len() else None

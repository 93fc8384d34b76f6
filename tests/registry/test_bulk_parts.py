"""The bulk writer's parts on their own, on SQLite and PostgreSQL: the upsert (insert, unchanged, update with
history and provenance, an older year never overwriting) and the sentra links (registered once, idempotent)."""

from __future__ import annotations

import json

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jejaring.core.ids import CHECK_ALPHABET, IdPrefix, is_valid_public_id, new_public_ids
from jejaring.intake.headers import FIELDS
from jejaring.intake.validate import validate
from jejaring.registry import bulk
from jejaring.registry.models import Firm, FirmHistory, RecordSource, Sentra, SentraMembership

ROW = {
    "nama_usaha": "CV Maju Jaya",
    "kode_wilayah": "32.09",
    "kbli": "10710",
    "produk": "Roti",
    "tenaga_kerja": "5",
    "nilai_investasi": "250.000.000",
    "telepon": "0812-3456-7890",
    "tahun_data": "2024",
}
SOURCE = bulk.BulkSource(office="Dinas 32.09", file_name="ikm_3209.xlsx", uploaded_by="uji", job_id=None)


def _rows(*rows: dict[str, str]) -> pl.DataFrame:
    data: dict[str, list[object]] = {"_row": list(range(2, 2 + len(rows)))}
    for f in FIELDS:
        data[f] = [r.get(f) for r in rows]
    raw = pl.DataFrame(data, schema={"_row": pl.Int64, **{f: pl.Utf8 for f in FIELDS}})
    checked = validate(raw, default_year=None, max_cell_chars=2000)
    assert checked.errors.height == 0, checked.errors.to_dicts()
    return checked.accepted


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_upsert_inserts_then_leaves_unchanged_then_updates_with_history(session: Session) -> None:
    first = bulk.upsert_firms(session, rows=_rows(ROW), source=SOURCE)
    assert (first.inserted, first.updated, first.unchanged) == (1, 0, 0)
    firm_id = first.firm_id(2)
    firm = session.get(Firm, firm_id)
    assert firm is not None and firm.name == "CV Maju Jaya" and firm.workers == 5 and firm.size_class == "kecil"
    assert is_valid_public_id(firm.public_id)
    again = bulk.upsert_firms(session, rows=_rows(ROW), source=SOURCE)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 1) and again.firm_id(2) == firm_id
    assert _count(session, FirmHistory) == 0
    changed = bulk.upsert_firms(session, rows=_rows({**ROW, "tenaga_kerja": "40", "tahun_data": "2025"}), source=SOURCE)
    assert (changed.inserted, changed.updated) == (0, 1) and changed.firm_id(2) == firm_id
    session.expire_all()
    firm = session.get(Firm, firm_id)
    assert firm is not None and firm.workers == 40 and firm.reference_year == 2025
    history = session.scalars(select(FirmHistory).where(FirmHistory.firm_id == firm_id)).all()
    assert len(history) == 1 and json.loads(history[0].snapshot)["workers"] == 5  # the previous values
    sources = session.scalars(select(RecordSource).where(RecordSource.entity_id == firm_id)).all()
    assert sources and all(s.file_name == "ikm_3209.xlsx" for s in sources)


def test_an_older_year_never_overwrites_a_newer_record(session: Session) -> None:
    firm_id = bulk.upsert_firms(session, rows=_rows(ROW), source=SOURCE).firm_id(2)
    old = bulk.upsert_firms(session, rows=_rows({**ROW, "tenaga_kerja": "3", "tahun_data": "2020"}), source=SOURCE)
    assert old.updated == 0
    session.expire_all()
    firm = session.get(Firm, firm_id)
    assert firm is not None and firm.workers == 5 and firm.reference_year == 2024


def test_sentra_links_register_once_and_are_idempotent(session: Session) -> None:
    rows = _rows(
        {**ROW, "sentra": "Sentra Roti Plered"},
        {**ROW, "nama_usaha": "UD Roti Enak", "sentra": "SENTRA ROTI  PLERED"},
        {**ROW, "nama_usaha": "UD Tanpa Sentra"},
    )
    result = bulk.upsert_firms(session, rows=rows, source=SOURCE)
    assert result.inserted == 3
    assert bulk.link_sentra(session, rows=rows, firms=result.firms, source=SOURCE) == 1  # one name key, one sentra
    sentra = session.scalars(select(Sentra)).all()
    assert len(sentra) == 1 and sentra[0].regency_code == "32.09"
    members = {m.firm_id for m in session.scalars(select(SentraMembership))}
    assert members == {result.firm_id(2), result.firm_id(3)}
    assert bulk.link_sentra(session, rows=rows, firms=result.firms, source=SOURCE) == 0
    assert _count(session, SentraMembership) == 2


def test_bulk_public_ids_carry_the_same_check_character_as_single_ones() -> None:
    ids = new_public_ids(500, prefix=IdPrefix.FIRM)
    assert len(set(ids)) == 500 and all(is_valid_public_id(i) for i in ids)
    assert {i[-1] for i in ids} <= set(CHECK_ALPHABET)

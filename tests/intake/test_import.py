"""End to end on SQLite and PostgreSQL: CLI report, idempotency, history, provenance, quarantine round-trip."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from jejaring.cli import app
from jejaring.core import ids, migrate
from jejaring.core.config import Settings
from jejaring.core.db import session_scope
from jejaring.core.errors import DomainError
from jejaring.core.i18n import translate
from jejaring.intake import jobs, quarantine, service
from jejaring.intake.models import QuarantineRow
from jejaring.registry import locks
from jejaring.registry import service as registry_service
from jejaring.registry.models import (
    Certification,
    Firm,
    FirmAlias,
    FirmHistory,
    FirmPrivate,
    RecordSource,
    Sentra,
    SentraMembership,
)
from jejaring.registry.schemas import SentraCreate
from tests.intake.conftest import HEADER, ImportFn, good_row, write_csv, write_xlsx

runner = CliRunner()
PINNED_HASH = "03f0933d29c846a008eea9c9deafc1c8"  # of good_row(1): must never change


def _count(engine: Engine, model: type) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _mixed_rows() -> list[list[str]]:
    return [
        good_row(1),
        good_row(2, **{"KBLI": "47111", "Email": "salah@", "Jumlah TK": "-1"}),  # three errors
        good_row(3, **{"Nama Perusahaan": '=HYPERLINK("http://jahat.example","klik")', "KBLI": "99999"}),
        good_row(4, **{"NIB": "9120001234567"}),
    ]


def test_cli_json_report(env_db: str, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "jabar.csv", _mixed_rows())
    result = runner.invoke(app, ["intake", str(path), "--office", "32", "--year", "2024", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"rows_read", "accepted", "quarantined", "errors"}
    assert report["rows_read"] == 4 and report["accepted"] == 2 and report["quarantined"] == 2
    assert report["rows_read"] == report["accepted"] + report["quarantined"]
    assert all(set(e) == {"row", "column", "value", "reason", "firm"} for e in report["errors"])
    row2 = [e for e in report["errors"] if e["row"] == 4]  # title line 1, header 2, first data row 3
    assert {e["column"] for e in row2} == {"KBLI", "Email", "Jumlah TK"}
    kbli = next(e for e in row2 if e["column"] == "KBLI")
    assert kbli["value"] == "47111" and "kategori C" in kbli["reason"] and kbli["firm"] == "UD Sumber Rejeki 2"
    english = runner.invoke(app, ["intake", str(path), "--json", "--lang", "en"])
    assert "category C" in json.dumps(json.loads(english.stdout))


def test_cli_fatal_errors_exit_non_zero(env_db: str, tmp_path: Path, monkeypatch) -> None:
    result = runner.invoke(app, ["intake", str(tmp_path / "tidak-ada.csv"), "--json"])
    assert result.exit_code == 2 and "tidak ditemukan" in result.output
    from jejaring.core.config import get_settings

    monkeypatch.setenv("JEJARING_MAX_UPLOAD_ROWS", "2")
    get_settings.cache_clear()
    path = write_csv(tmp_path / "besar.csv", [good_row(i) for i in range(1, 6)])
    result = runner.invoke(app, ["intake", str(path), "--json"])
    assert result.exit_code == 2 and "batasnya 2" in result.output
    bad = tmp_path / "x.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0old excel")
    result = runner.invoke(app, ["intake", str(bad)])
    assert result.exit_code == 2 and "tidak didukung" in result.output


def test_same_file_twice_changes_nothing(engine: Engine, run_import: ImportFn, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "jabar.csv", [good_row(i) for i in range(1, 21)])
    first = run_import(path, office="32")
    assert (first.status, first.inserted, first.accepted) == ("done", 20, 20)
    counts = [_count(engine, m) for m in (Firm, RecordSource, FirmPrivate, Certification, FirmHistory)]
    second = run_import(path, office="32")
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 20)
    assert [_count(engine, m) for m in (Firm, RecordSource, FirmPrivate, Certification, FirmHistory)] == counts


def test_corrected_reupload_updates_with_history_and_provenance(
    engine: Engine, run_import: ImportFn, tmp_path: Path
) -> None:
    rows = [good_row(i) for i in range(1, 6)]
    run_import(write_csv(tmp_path / "v1.csv", rows), office="32.09")
    rows[2] = good_row(3, **{"Jumlah TK": "25", "Nilai Investasi (Rp)": "2.000.000.000", "Sertifikat": "SNI"})
    job = run_import(write_csv(tmp_path / "v2.csv", rows), office="32.09")
    assert (job.inserted, job.updated, job.unchanged) == (0, 1, 4)
    assert _count(engine, Firm) == 5
    with session_scope(engine) as s:
        firm = s.scalar(select(Firm).where(Firm.name == "UD Sumber Rejeki 3"))
        assert firm is not None
        assert (firm.workers, firm.investment, firm.size_class) == (25, 2_000_000_000, "menengah")
        assert firm.certificate_codes == ["SNI"]
        history = s.scalars(select(FirmHistory).where(FirmHistory.firm_id == firm.id)).all()
        assert len(history) == 1
        old = json.loads(history[0].snapshot)
        assert (
            old["workers"] == 5
            and old["investment"] == 250_000_000
            and sorted(old["certificates"]) == ["HALAL", "PIRT"]
        )
        sources = s.scalars(
            select(RecordSource).where(RecordSource.entity_id == firm.id).order_by(RecordSource.id)
        ).all()
        assert [(r.file_name, r.row_number, r.source_office, r.uploaded_by, r.reference_year) for r in sources] == [
            ("v1.csv", 5, "32.09", "tester", 2024),
            ("v2.csv", 5, "32.09", "tester", 2024),
        ]
        assert "tenaga_kerja" in sources[1].fields and "nib" not in sources[1].fields
        private = s.get(FirmPrivate, firm.id)
        assert private is not None and private.phone == "+6281234567890"


def test_a_business_listed_twice_in_a_file_is_one_firm(engine: Engine, run_import: ImportFn, tmp_path: Path) -> None:
    rows = [good_row(1), good_row(2), good_row(1, **{"Jumlah TK": "8"}), good_row(1, **{"Jumlah TK": "9"})]
    job = run_import(write_csv(tmp_path / "dupe.csv", rows))
    assert (job.accepted, job.quarantined, job.inserted, job.updated) == (4, 0, 2, 2)
    with session_scope(engine) as s:
        firm = s.scalar(select(Firm).where(Firm.name == "UD Sumber Rejeki 1"))
        assert firm is not None and firm.workers == 9  # the last listing wins, the others are history
        assert s.scalar(select(func.count()).select_from(FirmHistory).where(FirmHistory.firm_id == firm.id)) == 2
        rows_seen = s.scalars(select(RecordSource.row_number).where(RecordSource.entity_id == firm.id)).all()
        assert sorted(r or 0 for r in rows_seen) == [3, 5, 6]  # a missing number (0) fails


def test_namesakes_in_other_villages_stay_apart(engine: Engine, run_import: ImportFn, tmp_path: Path) -> None:
    """Same name and owner name in one regency: one firm per desa; a row without desa keys as before."""
    same = {"Nama Perusahaan": "Mebel Bu Painem", "Nama Pemilik": "Painem"}
    rows = [
        [*good_row(1, **same), "Ujungwatu"],
        [*good_row(2, **same), "Tulakan"],
        [*good_row(3, **same), "Tulakan"],  # the same business listed twice: one firm
        [*good_row(4, **same), ""],
    ]
    job = run_import(write_csv(tmp_path / "jepara.csv", rows, header=[*HEADER, "Desa/Kelurahan"]))
    assert (job.accepted, job.inserted, job.updated) == (4, 3, 1)
    with session_scope(engine) as s:
        keys = dict(s.execute(select(Firm.desa, Firm.intake_key).where(Firm.name == "Mebel Bu Painem")).all())
    assert len(set(keys.values())) == 3
    assert keys[None] == hashlib.md5(b"nk|mebel bu painem|32.09|painem").hexdigest()


def test_rekeying_migration_keeps_reuploads_idempotent(
    engine: Engine, run_import: ImportFn, settings: Settings, tmp_path: Path
) -> None:
    """intake_0002 recomputes the keys of firms imported before the desa joined the key (and back)."""
    from alembic import command

    rows = [[*good_row(1), "Sumber Jaya"], [*good_row(2), ""]]
    path = write_csv(tmp_path / "cirebon.csv", rows, header=[*HEADER, "Desa/Kelurahan"])
    run_import(path)
    with session_scope(engine) as s:
        keys = dict(s.execute(select(Firm.name, Firm.intake_key)).all())
    command.downgrade(migrate.alembic_config(settings.database_url), "intake_0001")
    with session_scope(engine) as s:
        before = dict(s.execute(select(Firm.name, Firm.intake_key)).all())
    assert before["UD Sumber Rejeki 1"] == hashlib.md5(b"nk|ud sumber rejeki 1|32.09|pemilik 1").hexdigest()
    assert before["UD Sumber Rejeki 2"] == keys["UD Sumber Rejeki 2"]
    migrate.upgrade(settings.database_url)
    with session_scope(engine) as s:
        assert dict(s.execute(select(Firm.name, Firm.intake_key)).all()) == keys
    again = run_import(path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)


def test_alias_migration_keeps_former_ids_only(
    engine: Engine, run_import: ImportFn, settings: Settings, tmp_path: Path
) -> None:
    """intake_0004: ``firm_alias`` keeps the IDs a firm had before its current one; both still lead to it."""
    from alembic import command

    run_import(write_csv(tmp_path / "a.csv", [good_row(1), good_row(2)]))
    with session_scope(engine) as s:
        firm = s.scalars(select(Firm).order_by(Firm.id)).first()
        assert firm is not None
        s.add(FirmAlias(public_id="F-00000000-0", firm_id=firm.id))
        firm_id, current = firm.id, firm.public_id
    command.downgrade(migrate.alembic_config(settings.database_url), "intake_0003")
    assert _count(engine, FirmAlias) == 3  # as before: every firm's current ID repeated, and the former one
    migrate.upgrade(settings.database_url)
    with session_scope(engine) as s:
        assert s.execute(select(FirmAlias.public_id, FirmAlias.firm_id)).all() == [("F-00000000-0", firm_id)]
        assert registry_service.get_firm(s, public_id=current).id == firm_id
        assert registry_service.get_firm(s, public_id="f-00000000-0 ").id == firm_id


def test_sentra_column_links_members_and_registers_unknown_sentra(
    engine: Engine, run_import: ImportFn, tmp_path: Path
) -> None:
    """The "Nama Sentra" of a row makes its firm a member; an unknown sentra is registered once, a known one reused."""
    with session_scope(engine) as s:
        known = registry_service.create_sentra(
            s, data=SentraCreate(name="Sentra Roti Sumber", regency_code="32.09", commodity="roti")
        )
        known_id = known.id
    rows = [
        [*good_row(1), "Sentra Roti Sumber"],
        [*good_row(2), "SENTRA ROTI SUMBER"],  # the same sentra, spelled in capitals
        [*good_row(3), "Kampung Kue Plered"],
        [*good_row(4), "Kampung Kue Plered"],
        [*good_row(5), ""],
    ]
    path = write_csv(tmp_path / "sentra.csv", rows, header=[*HEADER, "Nama Sentra"])
    run_import(path)

    def members() -> dict[str, list[str]]:
        with session_scope(engine) as s:
            pairs = s.execute(
                select(Sentra.name, Firm.name)
                .join(SentraMembership, SentraMembership.sentra_id == Sentra.id)
                .join(Firm, Firm.id == SentraMembership.firm_id)
                .order_by(Sentra.name, Firm.name)
            ).all()
        out: dict[str, list[str]] = {}
        for sentra, firm in pairs:
            out.setdefault(sentra, []).append(firm)
        return out

    first = members()
    assert first == {
        "Kampung Kue Plered": ["UD Sumber Rejeki 3", "UD Sumber Rejeki 4"],
        "Sentra Roti Sumber": ["UD Sumber Rejeki 1", "UD Sumber Rejeki 2"],
    }
    with session_scope(engine) as s:
        plered = s.scalar(select(Sentra).where(Sentra.name == "Kampung Kue Plered"))
        assert plered is not None and plered.regency_code == "32.09" and plered.kbli_code == "10710"
        assert s.scalar(select(func.count()).select_from(Sentra)) == 2
        assert s.scalar(select(Sentra.id).where(Sentra.name == "Sentra Roti Sumber")) == known_id
    run_import(path)  # the same file again: nothing new
    assert members() == first
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(Sentra)) == 2


def test_after_an_import_the_planner_statistics_are_fresh(engine: Engine, run_import: ImportFn, tmp_path: Path) -> None:
    """Without fresh statistics PostgreSQL plans national rollups for empty tables (minutes instead of seconds)."""
    run_import(write_csv(tmp_path / "stats.csv", [good_row(i) for i in range(1, 31)]))
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert not conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'").all()
    jobs.refresh_insights(engine)
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            analysed = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_user_tables WHERE relname IN ('firm', 'certification', 'firm_role')"
                " AND last_analyze IS NOT NULL"
            ).scalar_one()
            assert analysed == 3
        else:
            stats = conn.exec_driver_sql("SELECT DISTINCT tbl FROM sqlite_stat1").scalars().all()
            assert {"firm", "certification", "firm_role"} <= set(stats)


def test_content_hash_is_stable(engine: Engine, run_import: ImportFn, tmp_path: Path) -> None:
    """The content hash of a row is pinned: reordering or renaming ``CLEAN_COLUMNS`` would make every stored
    firm look changed, and the next upload of an unchanged file would rewrite the whole registry."""
    run_import(write_csv(tmp_path / "pin.csv", [good_row(1)]))
    with session_scope(engine) as s:
        assert s.scalar(select(Firm.content_hash)) == PINNED_HASH


def test_older_year_does_not_overwrite_newer(engine: Engine, run_import: ImportFn, tmp_path: Path) -> None:
    run_import(write_csv(tmp_path / "2024.csv", [good_row(1)]))
    job = run_import(write_csv(tmp_path / "2022.csv", [good_row(1, **{"Tahun Data": "2022", "Jumlah TK": "9"})]))
    assert (job.updated, job.unchanged) == (0, 1)
    with session_scope(engine) as s:
        assert s.scalar(select(Firm.workers)) == 5


def test_xlsx_import(engine: Engine, run_import: ImportFn, tmp_path: Path) -> None:
    rows: list[list[object]] = [list(good_row(i)) for i in range(1, 4)]
    rows[0][11] = 7  # numbers as numbers
    rows[0][12] = 1500000000
    job = run_import(write_xlsx(tmp_path / "jabar.xlsx", rows))
    assert (job.rows_done, job.accepted, job.quarantined) == (3, 3, 0)
    with session_scope(engine) as s:
        assert s.scalar(select(Firm.investment).where(Firm.name == "UD Sumber Rejeki 1")) == 1_500_000_000


def test_quarantine_roundtrip_with_formula_neutralised(
    engine: Engine, run_import: ImportFn, settings: Settings, tmp_path: Path
) -> None:
    job = run_import(write_csv(tmp_path / "jabar.csv", _mixed_rows()), office="32")
    assert job.quarantined == 2
    with session_scope(engine) as s:
        data = quarantine.export_xlsx(s, job=service.get_job(s, job_id=job.id), lang="id")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    assert ws is not None
    header = [c.value for c in ws[1]]
    assert header[0] == "Baris asal" and header[-1] == "Alasan" and "Nama Perusahaan" in header
    body = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [r[0] for r in body] == [4, 5]
    name_col = header.index("Nama Perusahaan")
    formula_cell = ws.cell(row=3, column=name_col + 1)
    # text exactly as uploaded, kept from running by the quote-prefix style (no visible apostrophe)
    assert formula_cell.data_type == "s" and formula_cell.value.startswith("=HYPERLINK") and formula_cell.quotePrefix
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)
    texts = [c for r in ws.iter_rows() for c in r if c.data_type == "s"]
    assert all(c.quotePrefix for c in texts if str(c.value).startswith(("=", "+", "-", "@")))
    assert "kategori C" in str(body[0][-1])
    # the officer corrects the cells in the downloaded workbook and uploads it again
    kbli_col, mail_col, tk_col = (header.index(h) + 1 for h in ("KBLI", "Email", "Jumlah TK"))
    ws.cell(row=2, column=kbli_col, value="10710")
    ws.cell(row=2, column=mail_col, value="benar@contoh.id")
    ws.cell(row=2, column=tk_col, value="3")
    ws.cell(row=3, column=kbli_col, value="10792")
    fixed = tmp_path / "karantina-diperbaiki.xlsx"
    wb.save(fixed)
    again = run_import(fixed, office="32")
    assert (again.rows_done, again.accepted, again.quarantined, again.inserted) == (2, 2, 0, 2)
    with session_scope(engine) as s:
        names = set(s.scalars(select(Firm.name)))
    assert '=HYPERLINK("http://jahat.example","klik")' in names  # stored as text, apostrophe removed


def test_correct_row_in_place(engine: Engine, run_import: ImportFn, settings: Settings, tmp_path: Path) -> None:
    job = run_import(write_csv(tmp_path / "jabar.csv", _mixed_rows()), office="32")
    with session_scope(engine) as s:
        j = service.get_job(s, job_id=job.id)
        rows, total = quarantine.job_rows(s, job=j)
        assert total == 2
        row = rows[0]
        values = json.loads(row.values)
        assert values["kbli"] == "47111"
        still_wrong = quarantine.correct_row(s, job=j, row=row, values={**values, "kbli": "10710"}, settings=settings)
        assert not still_wrong
        assert {e.field for e in quarantine.describe(j, row, "id")} == {"email", "tenaga_kerja"}
        fixed = {**values, "kbli": "10710", "email": "ok@contoh.id", "tenaga_kerja": "4"}
        assert quarantine.correct_row(s, job=j, row=row, values=fixed, settings=settings)
        assert row.status == "resolved" and row.resolved_firm_id is not None
        firm = s.get(Firm, row.resolved_firm_id)
        assert firm is not None and firm.workers == 4 and firm.kbli_code == "10710"
        assert service.open_quarantine_count(s, job=j) == 1


def test_corrected_row_joins_its_sentra(
    engine: Engine, run_import: ImportFn, settings: Settings, tmp_path: Path
) -> None:
    """A quarantined row that names a sentra joins it once corrected, as it would have on upload."""
    rows = [[*good_row(1, **{"KBLI": "47111"}), "Sentra Tenun Ikat"]]
    job = run_import(write_csv(tmp_path / "tenun.csv", rows, header=[*HEADER, "Nama Sentra"]), office="32")
    assert (job.accepted, job.quarantined) == (0, 1)
    with session_scope(engine) as s:
        j = service.get_job(s, job_id=job.id)
        row = quarantine.job_rows(s, job=j)[0][0]
        values = {**json.loads(row.values), "kbli": "10710"}
        assert quarantine.correct_row(s, job=j, row=row, values=values, settings=settings)
        members = s.execute(
            select(Sentra.name, SentraMembership.firm_id).join(
                SentraMembership, SentraMembership.sentra_id == Sentra.id
            )
        ).all()
        assert [(name, firm) for name, firm in members] == [("Sentra Tenun Ikat", row.resolved_firm_id)]


def test_a_corrected_row_waits_for_no_national_load(
    engine: Engine, run_import: ImportFn, settings: Settings, tmp_path: Path
) -> None:
    """While a load writes without the unique intake key, a correction is refused with a message, not queued."""
    job = run_import(write_csv(tmp_path / "jabar.csv", _mixed_rows()), office="32")
    with session_scope(engine) as s:
        j = service.get_job(s, job_id=job.id)
        row = quarantine.job_rows(s, job=j)[0][0]
        fixed = {**json.loads(row.values), "kbli": "10710", "email": "ok@contoh.id", "tenaga_kerja": "4"}
        row_id = row.id
    with locks.load_lock(engine), session_scope(engine) as s:
        j = service.get_job(s, job_id=job.id)
        with pytest.raises(DomainError) as refused:
            quarantine.correct_row(
                s, job=j, row=quarantine.get_row(s, job=j, row_id=row_id), values=fixed, settings=settings
            )
        assert refused.value.key == "registry.error.load_running"
        assert "coba lagi" in translate(refused.value.key, "id")
    with session_scope(engine) as s:
        j = service.get_job(s, job_id=job.id)
        assert quarantine.correct_row(
            s, job=j, row=quarantine.get_row(s, job=j, row_id=row_id), values=fixed, settings=settings
        )
    with locks.load_lock(engine, wait=False) as free:  # the correction let go of its share when it committed
        assert free


def test_unmapped_headers_wait_and_are_remembered_per_office(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    header = [*HEADER[:-1], "Tahun Pendataan Ulang"]  # an unknown name for tahun_data
    path = write_csv(tmp_path / "f.csv", [good_row(1)], header=header)
    with session_scope(engine) as s:
        job = service.create_job(s, source=path, file_name="f.csv", data_dir=settings.data_dir, office="33")
        assert service.inspect_job(s, job=job, max_bytes=10**9, max_rows=10**6) == ["Tahun Pendataan Ulang"]
        assert job.status == "needs_mapping"
        service.save_mapping(s, job=job, choices={"Tahun Pendataan Ulang": "tahun_data"})
        job_id = job.id
    done = jobs.run_job(engine, job_id, settings)
    assert (done.status, done.accepted) == ("done", 1)
    with session_scope(engine) as s:
        again = service.create_job(s, source=path, file_name="f.csv", data_dir=settings.data_dir, office="33")
        assert service.inspect_job(s, job=again, max_bytes=10**9, max_rows=10**6) == []
        other = service.create_job(s, source=path, file_name="f.csv", data_dir=settings.data_dir, office="34")
        assert service.inspect_job(s, job=other, max_bytes=10**9, max_rows=10**6) == ["Tahun Pendataan Ulang"]


def test_cancel_stops_after_a_batch_and_resume_finishes(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    small = settings.model_copy(update={"intake_batch_rows": 3})
    path = write_csv(tmp_path / "f.csv", [good_row(i) for i in range(1, 11)])
    with session_scope(engine) as s:
        job = service.create_job(s, source=path, file_name="f.csv", data_dir=settings.data_dir)
        service.inspect_job(s, job=job, max_bytes=10**9, max_rows=10**6)
        job_id = job.id

    def cancel_after_first(j) -> None:
        with session_scope(engine) as s:
            service.request_cancel(s, job=service.get_job(s, job_id=j.id))

    stopped = jobs.run_job(engine, job_id, small, progress=cancel_after_first)
    assert (stopped.status, stopped.batches_done, stopped.accepted) == ("cancelled", 1, 3)
    assert _count(engine, Firm) == 3
    finished = jobs.run_job(engine, job_id, small)
    assert (finished.status, finished.rows_done, finished.accepted, finished.inserted) == ("done", 10, 10, 10)
    assert _count(engine, Firm) == 10
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(QuarantineRow)) == 0


def test_every_written_row_points_at_its_own_firm(engine: Engine, run_import: ImportFn, tmp_path: Path) -> None:
    """Ids of new firms are assigned in bulk: provenance, private data and aliases must land on the right firm."""
    run_import(write_csv(tmp_path / "a.csv", [good_row(i) for i in range(1, 31)]), office="32")
    rows = [good_row(i, **{"Jumlah TK": "7"}) for i in range(21, 41)]  # 10 changed, 10 new
    job = run_import(write_csv(tmp_path / "b.csv", rows), office="32")
    assert (job.inserted, job.updated, job.unchanged) == (10, 10, 0)
    with session_scope(engine) as s:
        pairs = s.execute(
            select(RecordSource.row_number, Firm.name, FirmPrivate.email)
            .join(Firm, Firm.id == RecordSource.entity_id)
            .join(FirmPrivate, FirmPrivate.firm_id == Firm.id)
            .where(RecordSource.file_name == "b.csv")
        ).all()
        assert len(pairs) == 20
        for row_number, name, email in pairs:
            assert row_number is not None
            i = row_number - 2  # title line 1, header 2, first data row 3 holds business 21
            assert (name, email) == (f"UD Sumber Rejeki {i + 20}", f"usaha{i + 20}@contoh.co.id")
        assert all(ids.is_valid_public_id(p) for p in s.scalars(select(Firm.public_id)))
        assert s.scalar(select(func.count()).select_from(FirmAlias)) == 0  # former IDs only: none yet
        for firm in s.scalars(select(Firm)):
            assert registry_service.get_firm(s, public_id=firm.public_id).id == firm.id


def test_rows_matching_a_known_firm_are_recorded_once_per_file(
    engine: Engine, run_import: ImportFn, tmp_path: Path
) -> None:
    run_import(write_csv(tmp_path / "2024.csv", [good_row(i) for i in range(1, 6)]), office="32")
    older = [good_row(i, **{"Tahun Data": "2022", "Jumlah TK": "9"}) for i in range(1, 6)]
    path = write_csv(tmp_path / "2022.csv", older)
    job = run_import(path, office="32.09")
    assert (job.inserted, job.updated, job.unchanged) == (0, 0, 5)
    with session_scope(engine) as s:
        seen = s.execute(
            select(RecordSource.source_office, RecordSource.fields).where(RecordSource.file_name == "2022.csv")
        ).all()
        assert len(seen) == 5 and all(r == ("32.09", "") for r in seen)  # the rows are kept as sources
    count = _count(engine, RecordSource)
    run_import(path, office="32.09")
    assert _count(engine, RecordSource) == count

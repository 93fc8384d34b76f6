"""The linkage template (keterkaitan) through `jejaring intake`: valid and invalid rows, provenance, idempotent."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from jejaring.cli import app
from jejaring.core.db import get_engine, session_scope
from jejaring.ecosystem.models import Link
from jejaring.intake.models import QuarantineRow
from tests.ecosystem.conftest import firm


def test_linkage_file(env_db: str, tmp_path: Path) -> None:
    with session_scope(get_engine()) as s:
        ikm = firm(s, "Batik Sekar Jagad", "33.75", kbli_code="13134", nib="1234567890123")
        supplier = firm(s, "Kain Mori Jaya", "33.74", roles=("pemasok_bahan_baku",), kbli_code="13112")
        ikm_id, supplier_id, supplier_pid = ikm.id, supplier.id, supplier.public_id
        ikm_pid = ikm.public_id
    path = tmp_path / "keterkaitan_33_2023.csv"
    path.write_text(
        "id_usaha;nib;id_mitra;nama_mitra;kode_wilayah_mitra;jenis_keterkaitan;produk;nilai_per_tahun;sejak\n"
        f"{ikm_pid};;{supplier_pid};;;Bahan Baku;kain mori;Rp 120.000.000;2019\n"
        f";1234567890123;;Koperasi Batik Pekalongan;33.75;pemasaran-perdagangan;batik tulis;45.500.000;2021\n"
        f"F-00000000-0;;;;;ekspor;;-5;1850\n"
        f"{ikm_pid};;{ikm_pid};;;purna jual;;;\n"
        f"{ikm_pid};;;Bengkel Jahit;99.99;servis;;;\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(app, ["intake", str(path), "--office", "33", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["rows_read"], report["accepted"], report["quarantined"]) == (5, 2, 3)
    with session_scope(get_engine()) as s:
        links = list(s.scalars(select(Link).order_by(Link.row_number)))
        assert [(lk.kind, lk.partner_firm_id, lk.partner_name) for lk in links] == [
            ("bahan_baku", supplier_id, None),
            ("pemasaran_perdagangan", None, "Koperasi Batik Pekalongan"),
        ]
        assert all(lk.firm_id == ikm_id and lk.source == "declared" for lk in links)
        assert links[0].value_per_year == 120_000_000 and links[0].since == 2019
        assert links[1].value_per_year == 45_500_000 and links[1].partner_regency_code == "33.75"
        assert (links[0].file_name, links[0].row_number, links[0].office) == ("keterkaitan_33_2023.csv", 2, "33")
        assert links[0].province_code == "33" and links[0].regency_code == "33.75"
        refused = {r.row_number: {e["key"] for e in json.loads(r.errors)} for r in s.scalars(select(QuarantineRow))}
    assert refused[4] == {
        "intake.link.firm_unknown",
        "intake.link.partner_required",
        "intake.link.bad_number",
        "intake.link.bad_year",
    }
    assert refused[5] == {"intake.link.same_firm"}
    assert refused[6] == {"intake.link.partner_region_unknown", "intake.link.bad_kind"}
    again = runner.invoke(app, ["intake", str(path), "--office", "33", "--json"])
    assert again.exit_code == 0, again.output
    with session_scope(get_engine()) as s:
        assert s.scalar(select(func.count()).select_from(Link)) == 2

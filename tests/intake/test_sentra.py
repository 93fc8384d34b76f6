"""The sentra template through `jejaring intake`: validated per row, upserted, idempotent, on both backends."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from jejaring.cli import app
from jejaring.core.db import get_engine, session_scope
from jejaring.registry.models import RecordSource, Sentra

CSV = (
    "Nama Sentra IKM;Kode Kab/Kota;Kec.;Kelurahan/Desa;Komoditi;Kode KBLI;Jml Unit;Tenaga Kerja (orang);"
    "Definisi Sentra;Tahun\n"
    "Sentra Batik Kauman;33.75;Pekalongan Timur;Kauman;Batik tulis;13134;120;640;Kemenperin (PP 29/2018);2023\n"
    "Sentra Rotan Tegalwangi;32.09;Plumbon;Tegalwangi;Mebel rotan;31002;1.210;2.400;BPS;2023\n"
    ";99.99;;;Tahu;99999;-3;x;Kemenperin;1850\n"
)


def test_sentra_file(env_db: str, tmp_path: Path) -> None:
    path = tmp_path / "sentra_33_2023.csv"
    path.write_text(CSV, encoding="latin-1")
    runner = CliRunner()
    result = runner.invoke(app, ["intake", str(path), "--office", "33", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["rows_read"], report["accepted"], report["quarantined"]) == (3, 2, 1)
    bad = {e["column"] for e in report["errors"] if e["row"] == 4}
    assert bad == {"Nama Sentra IKM", "Kode Kab/Kota", "Kode KBLI", "Jml Unit", "Tenaga Kerja (orang)", "Tahun"}
    again = runner.invoke(app, ["intake", str(path), "--office", "33", "--json"])
    assert again.exit_code == 0
    with session_scope(get_engine()) as session:
        assert session.scalar(select(func.count()).select_from(Sentra)) == 2
        rotan = session.scalar(select(Sentra).where(Sentra.name == "Sentra Rotan Tegalwangi"))
        assert rotan is not None and rotan.unit_count == 1210 and rotan.definition == "bps"
        assert rotan.district_code is not None
        src = session.scalar(select(RecordSource).where(RecordSource.entity_type == "sentra"))
        assert src is not None and src.file_name == "sentra_33_2023.csv"

"""Issue 23 #7 (part): a CSV cell like ``Aman;=1+1`` is neutralised and quoted (a ``;`` spreadsheet splits it)."""

from __future__ import annotations

import csv
import io

from jejaring.insights import export
from jejaring.insights.tables import Column, Table


def test_formula_after_a_separator_is_neutralised_and_quoted() -> None:
    names = ["Aman;=1+1", "Aman, +SUM(A1)", "Aman\t@x", "Biasa; aman", "Sentra-Jati"]
    table = Table(name="uji", title="Uji", columns=[Column("name", "label", "text")], rows=[{"name": n} for n in names])
    text = export.to_csv(table, "id").decode("utf-8-sig")
    for line, name in zip(text.splitlines()[1:4], names[:3], strict=True):
        assert line == "\"'" + name + '"', line  # quoted, and starting with the apostrophe
    for sep in (";", ","):  # read as a spreadsheet set to either separator would: no cell starts a formula
        cells = [c for row in csv.reader(io.StringIO(text), delimiter=sep) for c in row]
        assert not any(c.lstrip().startswith(("=", "+", "@")) for c in cells), cells
    parsed = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert parsed[3:] == ["Biasa; aman", "Sentra-Jati"]

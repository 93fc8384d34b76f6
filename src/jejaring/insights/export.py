"""CSV and XLSX export of insights tables; text cells that look like formulas are neutralised."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from jejaring.insights.tables import Table

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# a formula after a separator: a spreadsheet opening the CSV with that separator starts a new cell there
_FORMULA_AFTER_SEPARATOR = re.compile(r"[;,\t|]\s*[=+\-@]")


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe; other values unchanged."""
    if isinstance(value, str) and (value.startswith(FORMULA_PREFIXES) or _FORMULA_AFTER_SEPARATOR.search(value)):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str):  # control characters (typed or uploaded) make an XLSX file unreadable
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return neutralise(value)


def to_csv(table: Table, lang: str) -> bytes:
    """The table as UTF-8 CSV (with BOM so spreadsheet programs detect the encoding)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)  # text always quoted
    writer.writerow([neutralise(h) for h in table.header(lang)])
    for row in table.values():
        writer.writerow(["" if v is None else _cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(table: Table, lang: str) -> bytes:
    """The table as an XLSX workbook with one sheet; numbers stay numbers."""
    wb = Workbook(write_only=False)
    ws = wb.active
    assert ws is not None
    ws.title = table.name[:31]
    ws.append([neutralise(h) for h in table.header(lang)])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in table.values():
        ws.append([_cell(v) for v in row])
    for col, kind in enumerate((c.kind for c in table.columns), start=1):
        if kind == "share":
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.number_format = "0.00%"
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

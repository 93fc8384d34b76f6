"""One way to write a table as CSV or XLSX, for every export of the application.

CSV comes in two dialects: ``standard`` (comma separated, decimal point; what programs and the JSON-minded
read) and ``excel-id`` (semicolon separated, decimal comma; what Excel set to Indonesian opens into
columns and numbers without an import wizard). XLSX keeps numbers as numbers and starts with a header
block naming the title, the source and the reference year, then the column header and the rows.

Text that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first) is neutralised
(OWASP CSV injection): in CSV with a leading apostrophe, in XLSX by the cell's *quote prefix* style, which
keeps the text exactly as it was (no visible apostrophe) and stops the spreadsheet evaluating it.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from starlette.responses import Response

from jejaring.core.i18n import translate

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# a formula after a separator: a spreadsheet opening the CSV with that separator starts a new cell there
_FORMULA_AFTER_SEPARATOR = re.compile(r"[;,\t|]\s*[=+\-@]")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters make an XLSX unreadable
CSV_DIALECTS = ("standard", "excel-id")
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA = "text/csv; charset=utf-8"


@dataclass
class Export:
    """A table to export: title, source and reference year (for the header block), column names and rows.

    ``formats``: column index → Excel number format (e.g. ``0.00%`` for shares kept as fractions).
    """

    title: str
    header: list[str]
    rows: Iterable[Sequence[Any]]
    source: str | None = None
    year: int | str | None = None
    formats: dict[int, str] = field(default_factory=dict)


def looks_like_formula(value: str) -> bool:
    """Whether a spreadsheet could run ``value`` as a formula (first character, or after a separator)."""
    return value.startswith(FORMULA_PREFIXES) or bool(_FORMULA_AFTER_SEPARATOR.search(value))


def neutralise(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (for CSV); other values unchanged."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def is_number(value: Any) -> bool:
    """A real number (not a boolean, not NaN or infinite)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return False
    return math.isfinite(float(value))


def _csv_cell(value: Any, dialect: str) -> Any:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if is_number(value):
        text = format(value, "f") if isinstance(value, Decimal) else repr(value)
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
            text = str(int(value))
        return text.replace(".", ",") if dialect == "excel-id" else text
    return neutralise(str(value))


def _csv_field(value: Any, dialect: str) -> str:
    """A numeric cell as is; any text quoted, so a spreadsheet reading either separator keeps it one cell."""
    text = _csv_cell(value, dialect)
    if is_number(value) or isinstance(value, bool) or text == "":
        return str(text)
    return '"' + str(text).replace('"', '""') + '"'


def to_csv(export: Export, *, dialect: str = "standard") -> bytes:
    """UTF-8 CSV with a BOM (spreadsheets then detect the encoding); numbers written plainly, text quoted."""
    if dialect not in CSV_DIALECTS:
        raise ValueError(f"unknown CSV dialect {dialect!r}")
    sep = ";" if dialect == "excel-id" else ","
    lines = [sep.join(_csv_field(h, dialect) for h in export.header)]
    lines += [sep.join(_csv_field(v, dialect) for v in row) for row in export.rows]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def header_block(export: Export, lang: str) -> list[tuple[str, str]]:
    """The lines above the table: title, source, reference year (label, value)."""
    year = export.year if export.year is not None else translate("export.year_all", lang)
    lines = [(translate("export.title", lang), export.title)]
    if export.source:
        lines.append((translate("export.source", lang), export.source))
    lines.append((translate("export.year", lang), str(year)))
    return lines


def to_xlsx(export: Export, lang: str) -> bytes:
    """An XLSX workbook: header block, bold column header (frozen), numbers as numbers, text neutralised."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = book.add_worksheet(_sheet_name(export.title))
    bold = book.add_format({"bold": True})
    quoted = book.add_format({"quote_prefix": True})
    number_formats = {c: book.add_format({"num_format": f}) for c, f in export.formats.items()}
    r = 0
    for label, value in header_block(export, lang):
        sheet.write_string(r, 0, label, bold)
        write_cell(sheet, r, 1, value, quoted=quoted)
        r += 1
    r += 1  # a blank line between the block and the table
    for c, h in enumerate(export.header):
        write_cell(sheet, r, c, h, fmt=bold, quoted=quoted)
    sheet.freeze_panes(r + 1, 0)
    for row in export.rows:
        r += 1
        for c, value in enumerate(row):
            write_cell(sheet, r, c, value, fmt=number_formats.get(c), quoted=quoted)
    book.close()
    return buf.getvalue()


def write_cell(sheet: Any, r: int, c: int, value: Any, *, fmt: Any = None, quoted: Any = None) -> None:
    """Write one value to an xlsxwriter sheet: numbers as numbers, dates as text, formula-like text quoted."""
    if value is None or value == "" or (isinstance(value, float) and not math.isfinite(value)):
        if fmt is not None:
            sheet.write_blank(r, c, None, fmt)
        return
    if isinstance(value, bool):
        sheet.write_boolean(r, c, value, fmt)
        return
    if is_number(value):
        sheet.write_number(r, c, float(value), fmt)
        return
    if isinstance(value, datetime):
        value = value.isoformat(sep=" ", timespec="seconds")
    elif isinstance(value, date):
        value = value.isoformat()
    text = _ILLEGAL_XML.sub("", str(value))
    if quoted is not None and looks_like_formula(text):
        sheet.write_string(r, c, text, quoted)
    else:
        sheet.write_string(r, c, text, fmt)


def _sheet_name(title: str) -> str:
    return (re.sub(r"[\[\]:*?/\\]", " ", title).strip() or "Data")[:31]


def attachment(filename: str) -> dict[str, str]:
    """The ``Content-Disposition`` header of a download."""
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def csv_dialect(value: str | None) -> str:
    """The dialect asked for in a query string (``excel-id``, else ``standard``)."""
    return "excel-id" if (value or "").strip().lower() in ("excel-id", "id", "excel") else "standard"


def download(data: Export, fmt: str, name: str, lang: str, dialect: str | None = None) -> Response:
    """``data`` as a ``csv`` (in the ``dialect`` asked for; ``-excel-id`` added to the name for that one) or
    ``xlsx`` download named ``name``."""
    if fmt == "csv":
        chosen = csv_dialect(dialect)
        suffix = "-excel-id" if chosen == "excel-id" else ""
        return Response(to_csv(data, dialect=chosen), media_type=CSV_MEDIA, headers=attachment(f"{name}{suffix}.csv"))
    return Response(to_xlsx(data, lang), media_type=XLSX_MEDIA, headers=attachment(f"{name}.xlsx"))

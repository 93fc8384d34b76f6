"""Read an uploaded XLSX or CSV into rows of text, find the header line under any title rows.

Every cell is kept as text exactly as the uploader typed it (numbers from XLSX are rendered without
a spurious ``.0``); conversion happens in validation, so a bad value is reported, never coerced.
"""

from __future__ import annotations

import csv
import io
import itertools
import logging
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import polars as pl

from jejaring.core.config import get_settings
from jejaring.core.errors import DomainError
from jejaring.intake import headers as header_rules
from jejaring.intake.ragged import EXTRA_CELLS, RAGGED_SCHEMA, beyond_extra, cell_counts, csv_ragged, xlsx_ragged

log = logging.getLogger(__name__)
HEADER_SCAN_ROWS = 15
XLSX_MAGIC = b"PK\x03\x04"
XLSX_MAX_RATIO = 200  # an XLSX part expanding more than this many times its compressed size is a zip bomb


class FileError(DomainError):
    """A fatal problem with the file itself (unreadable, too large, too many rows): nothing is imported."""

    status_code = 400


@dataclass
class Sheet:
    """The data of one file: original headers, the spreadsheet row number of the header, string columns."""

    headers: list[str]
    header_row: int  # 1-based spreadsheet row of the header line
    data: pl.DataFrame  # one Utf8 column per header (named c0, c1, …) plus ``_row`` (spreadsheet row number)
    # rows whose cell count differs from the header's: ``_row``, ``cells`` (how many), ``extra`` (the cells
    # beyond the header, joined by " | "; null for a row with fewer cells)
    ragged: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=RAGGED_SCHEMA))


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return text if text != "" else None


_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (a superset of Latin-1's printables). Text in neither, such as
    Shift-JIS or UTF-8 with broken bytes, is refused naming the first byte that does not fit: never imported garbled."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _UTF8_MULTIBYTE.search(raw) or raw.startswith(b"\xef\xbb\xbf"):  # UTF-8 text with broken bytes
            raise FileError("intake.file.encoding", encoding="UTF-8", position=exc.start + 1) from exc
    high = [i for i, b in enumerate(raw) if b >= 0x80]
    undefined = next((i for i in high if raw[i] in _CP1252_UNDEFINED), None)
    # single-byte Western text has a letter with an accent between plain letters; double-byte encodings (Shift-JIS,
    # GBK, Big5) write every character as two high bytes in a row
    paired = sum(1 for a, b in itertools.pairwise(high) if b == a + 1)
    if undefined is not None or (len(high) >= 4 and 2 * paired >= len(high) - 1):
        first = undefined if undefined is not None else high[0]
        raise FileError("intake.file.encoding", encoding="UTF-8 / Windows-1252", position=first + 1)
    return raw.decode("cp1252")


def _sniff_delimiter(lines: list[str]) -> str:
    best, best_score = ",", -1
    for delim in (";", ",", "\t", "|"):
        counts = [len(next(csv.reader([line], delimiter=delim))) for line in lines if line.strip()]
        score = max(counts, default=0)
        if score > best_score:
            best, best_score = delim, score
    return best


def _find_header(rows: list[list[str | None]]) -> int:
    """Index of the header line: the first of the top rows naming at least two template fields."""
    best_idx, best_hits = 0, -1
    for idx, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        hits = sum(1 for cell in row if cell and header_rules.builtin_field(cell))
        if hits >= 2 and hits > best_hits:
            return idx
        if hits > best_hits:
            best_idx, best_hits = idx, hits
    # no row names two fields: take the first row with at least two non-empty cells
    for idx, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if sum(1 for cell in row if cell) >= 2:
            return idx if best_hits < 1 else best_idx
    return best_idx


def _frame(headers: list[str], df: pl.DataFrame, first_row: int) -> pl.DataFrame:
    """``df`` (text columns ``c0``…) with ``_row``, the spreadsheet row number, and without completely empty rows."""
    df = df.with_columns(pl.int_range(first_row, first_row + df.height, dtype=pl.Int64).alias("_row"))
    # drop rows that are completely empty (spacers): they are not data and not errors
    value_cols = [f"c{i}" for i in range(len(headers))]
    if value_cols:
        df = df.filter(pl.any_horizontal([pl.col(c).str.contains(r"\S") for c in value_cols]))
    return df


def _lines(text: str, skip: int) -> tuple[list[str], str]:
    """The first ``HEADER_SCAN_ROWS`` physical lines, and the text after the first ``skip`` lines (``\n``-separated).

    Same result as ``str.splitlines``; files that break lines only with ``\n`` or ``\r\n`` (nearly all) are
    not split whole.
    """
    if ("\r" in text and text.count("\r") != text.count("\r\n")) or any(c in text for c in _ODD_BREAKS):
        lines = text.splitlines()
        return lines[:HEADER_SCAN_ROWS], "\n".join(lines[skip:])
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    head = text.split("\n", max(HEADER_SCAN_ROWS, skip))
    if head and head[-1] == "" and len(head) <= max(HEADER_SCAN_ROWS, skip):
        head.pop()  # a final line break does not start another line
    rest = text.split("\n", skip)
    body = rest[skip] if len(rest) > skip else ""
    return head[:HEADER_SCAN_ROWS], body


# line breaks ``str.splitlines`` knows besides ``\n`` and ``\r``: files containing them take the slow path
_ODD_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _headers_from(row: list[str | None]) -> list[str]:
    names = [(c or "").strip() for c in row]
    while names and not names[-1]:
        names.pop()
    return [n or f"kolom_{i + 1}" for i, n in enumerate(names)]


def read_csv_bytes(raw: bytes) -> Sheet:
    """Parse CSV bytes (UTF-8 with/without BOM or Windows-1252; ``;``, ``,`` or tab separated)."""
    try:
        return _read_csv(raw)
    except csv.Error as exc:  # e.g. a field over the csv module's 131,072-character limit
        raise FileError("intake.file.unreadable", detail=str(exc)[:200]) from exc


def _read_csv(raw: bytes) -> Sheet:
    text = _decode(raw)
    head_lines, _ = _lines(text, 0)
    delim = _sniff_delimiter(head_lines)
    top = [[c if c.strip() else None for c in r] for r in csv.reader(head_lines, delimiter=delim)]
    hidx = _find_header(top)
    headers = _headers_from(top[hidx]) if top else []
    if not headers:
        raise FileError("intake.file.empty")
    # skip the title lines and the header (counted in physical lines, as polars does)
    _, body = _lines(text, hidx + 1)
    del text
    width = len(headers)
    names = [f"c{i}" for i in range(width + EXTRA_CELLS)]
    try:
        df = (
            pl.read_csv(
                # a first line of empty cells as wide as the columns read: polars takes the width from it
                io.BytesIO((delim * (len(names) - 1) + "\n" + body).encode("utf-8")),
                separator=delim,
                has_header=False,
                infer_schema=False,
                schema={n: pl.Utf8 for n in names},
                truncate_ragged_lines=True,
                quote_char='"',
                raise_if_empty=False,
            )
            if body.strip()
            else pl.DataFrame({n: pl.Series([], dtype=pl.Utf8) for n in names})
        )
    except pl.exceptions.PolarsError as exc:
        raise FileError("intake.file.unreadable", detail=str(exc).splitlines()[0][:200]) from exc
    df = df.slice(1).with_columns(pl.int_range(hidx + 2, hidx + 1 + df.height, dtype=pl.Int64).alias("_row"))
    df = df.with_columns(cell_counts(df, body, delim, width).alias("_cells"))
    ragged = csv_ragged(df, width)
    if df.select((pl.col("_cells") > width + EXTRA_CELLS).any()).item():
        ragged = beyond_extra(ragged, df, body, delim, width)
    df = df.select([f"c{i}" for i in range(width)])
    return Sheet(headers, hidx + 1, _frame(headers, df, hidx + 2), ragged)


def check_xlsx_size(raw: bytes, *, max_bytes: int) -> None:
    """Refuse a workbook whose parts expand beyond ``max_bytes`` in all, or one part beyond ``XLSX_MAX_RATIO`` times
    its compressed size (a zip bomb: 3 MB of shared strings can expand to 1.5 GB in memory). Each part is inflated
    and counted, stopping at the limit, so a false size in the archive's directory does not help."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        total = 0
        for info in archive.infolist():
            limit = min(max_bytes - total, max(info.compress_size, 1) * XLSX_MAX_RATIO + (1 << 20))
            part = 0
            with archive.open(info) as fh:
                while chunk := fh.read(1 << 20):
                    part += len(chunk)
                    if part > limit:
                        raise FileError(
                            "intake.file.xlsx_expands",
                            part=info.filename[:100],
                            max_mb=max_bytes // 1_000_000,
                            ratio=XLSX_MAX_RATIO,
                        )
            total += part
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise FileError("intake.file.unreadable", detail=str(exc)[:200]) from exc


def read_xlsx_bytes(raw: bytes) -> Sheet:
    """Parse the first visible sheet of an XLSX workbook (python-calamine); a formula cell without a stored result
    keeps its formula as text (stored as typed; exports neutralise it)."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(raw))
        sheet = wb.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
        formulas = _formula_cells(raw)
    except Exception as exc:  # calamine raises several exception types for broken workbooks
        raise FileError("intake.file.unreadable", detail=str(exc)[:200]) from exc
    text_rows = [[_cell_text(v) for v in row] for row in rows]  # the grid starts at A1 (skip_empty_area=False)
    for (r, c), formula in sorted(formulas.items()):  # a formula without a stored result: its text, not nothing
        while len(text_rows) <= r:
            text_rows.append([])
        row = text_rows[r]
        row.extend([None] * (c + 1 - len(row)))
        if row[c] is None:
            row[c] = formula
    if not text_rows:
        raise FileError("intake.file.empty")
    hidx = _find_header(text_rows)
    headers = _headers_from(text_rows[hidx])
    if not headers:
        raise FileError("intake.file.empty")
    width = len(headers)
    body = text_rows[hidx + 1 :]
    columns = [[(r[i] if i < len(r) else None) for r in body] for i in range(width)]
    data = {f"c{i}": pl.Series(f"c{i}", col, dtype=pl.Utf8) for i, col in enumerate(columns)}
    return Sheet(headers, hidx + 1, _frame(headers, pl.DataFrame(data), hidx + 2), xlsx_ragged(body, width, hidx + 2))


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_FORMULA_TAG = re.compile(rb"<f[ >/]")
_CELL_REF = re.compile(r"([A-Z]+)(\d+)$")


def _first_sheet_part(archive: zipfile.ZipFile) -> str | None:
    """The archive path of the workbook's first sheet (the one calamine reads as index 0)."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    first = book.find(f"{_MAIN}sheets/{_MAIN}sheet")
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    rid = first.get(f"{_REL}id") if first is not None else None
    target = next((r.get("Target") for r in rels if r.get("Id") == rid), None)
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def _formula_cells(raw: bytes) -> dict[tuple[int, int], str]:
    """(row, column), counted from A1 = (0, 0), → the formula text of each cell of the first sheet that has one."""
    out: dict[tuple[int, int], str] = {}
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        part = _first_sheet_part(archive)
        if part is None or not _FORMULA_TAG.search(archive.read(part)):
            return out
        with archive.open(part) as fh:
            for _event, cell in ElementTree.iterparse(fh):
                if cell.tag != f"{_MAIN}c":
                    continue
                formula = cell.find(f"{_MAIN}f")
                ref = _CELL_REF.match(cell.get("r") or "")
                if formula is not None and formula.text and ref:
                    col = 0
                    for ch in ref.group(1):
                        col = col * 26 + ord(ch) - 64
                    out[(int(ref.group(2)) - 1, col - 1)] = "=" + formula.text
                cell.clear()
    return out


def read_file(path: Path, *, max_bytes: int, max_rows: int, max_expanded: int | None = None) -> Sheet:
    """Read ``path`` as XLSX or CSV, enforcing the size and row limits; an XLSX also the size of its parts once
    unzipped (``max_expanded`` bytes, by default the ``max_xlsx_expanded_mb`` setting)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileError("intake.file.missing", name=path.name) from exc
    if size > max_bytes:
        raise FileError("intake.file.too_large", size_mb=round(size / 1e6, 1), max_mb=max_bytes // 1_000_000)
    raw = path.read_bytes()
    if not raw.strip():
        raise FileError("intake.file.empty")
    if raw.startswith(XLSX_MAGIC):
        if max_expanded is None:
            max_expanded = get_settings().max_xlsx_expanded_mb * 1_000_000
        try:
            check_xlsx_size(raw, max_bytes=max_expanded)
        except FileError as exc:
            exc.params.setdefault("name", path.name)
            raise
        sheet = read_xlsx_bytes(raw)
    elif path.suffix.lower() in (".xls", ".xlsb", ".ods") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileError("intake.file.unsupported", name=path.name)
    else:
        if b"\x00" in raw[:4096]:
            raise FileError("intake.file.unsupported", name=path.name)
        try:
            sheet = read_csv_bytes(raw)
        except FileError as exc:
            exc.params.setdefault("name", path.name)
            raise
    if sheet.data.height > max_rows:
        raise FileError("intake.file.too_many_rows", rows=sheet.data.height, max_rows=max_rows)
    return sheet

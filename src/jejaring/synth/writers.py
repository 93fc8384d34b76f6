"""Write a rendered table as XLSX (streaming, see ``xlsx.py``), UTF-8 CSV or Latin-1 semicolon CSV."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from jejaring.synth import layout, xlsx

CHUNK_ROWS = 50_000


def write(path: Path, fmt: str, header: list[str], titles: list[str], cells: pl.DataFrame, numbered: bool) -> None:
    """Write ``cells`` under ``header`` (and ``titles`` above it, XLSX only) in format ``fmt``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if numbered:
        cells = cells.with_row_index("No", offset=1)
    if fmt == "xlsx":
        _xlsx(path, header, titles, cells)
    elif fmt == "csv":
        _csv(path, header, cells, separator=",", encoding="utf-8")
    else:
        _csv(path, header, layout.indonesian_locale(cells), separator=";", encoding="latin-1")


def _xlsx(path: Path, header: list[str], titles: list[str], cells: pl.DataFrame) -> None:
    xlsx.write(path, header, titles, cells)


def _csv(path: Path, header: list[str], cells: pl.DataFrame, *, separator: str, encoding: str) -> None:
    cells = cells.rename(dict(zip(cells.columns, header, strict=True)))
    with path.open("wb") as fh:
        for start in range(0, max(len(cells), 1), CHUNK_ROWS):
            buf = io.StringIO()
            cells.slice(start, CHUNK_ROWS).write_csv(buf, separator=separator, include_header=start == 0)
            fh.write(buf.getvalue().encode(encoding, errors="replace"))

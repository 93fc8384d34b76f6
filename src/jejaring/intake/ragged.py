"""Rows of an uploaded sheet whose cells do not line up with its header: found, counted and described.

A CSV row may miss a cell or hold one beyond the header (a stray separator); a workbook row can only hold
one beyond it. ``intake.shape`` refuses such rows; this module only finds them.
"""

from __future__ import annotations

import csv
import io
import re

import polars as pl

EXTRA_CELLS = 4  # cells read beyond the header's width, to show what a row with too many cells holds there
RAGGED_SCHEMA = {"_row": pl.Int64, "cells": pl.Int64, "extra": pl.Utf8}


_QUOTED = r'"(?:[^"]|"")*"'


def cell_counts(df: pl.DataFrame, body: str, delim: str, width: int) -> pl.Series:
    """The cells of each record: exact where it matters, ``width`` for a record that is plainly complete.

    Exact (separators inside quotes not counted) for the records that may not line up: the last column
    empty (a cell may be missing), a filled column beyond the header, or as many separators as the columns
    read (a cell may lie further right). Counting with a regex is the costly part, so the others are not.
    """
    lines = pl.Series("line", [body]).str.split("\n").explode()
    if lines.len() and lines[-1] == "":
        lines = lines.head(-1)  # the final line break ends the last line, it does not start another
    extra = [pl.col(f"c{i}").is_not_null() for i in range(width, width + EXTRA_CELLS)]
    maybe = pl.col(f"c{width - 1}").is_null() | pl.any_horizontal(extra)
    if lines.len() != df.height or (lines.str.count_matches('"', literal=True) % 2 == 1).any():
        counts = [len(r) for r in csv.reader(io.StringIO(body), delimiter=delim)]  # a cell spans lines: slow path
        if len(counts) == df.height:
            return pl.Series("cells", counts, dtype=pl.Int64)
        present = [pl.col(f"c{i}").is_not_null() for i in range(width + EXTRA_CELLS)]
        return df.select(pl.sum_horizontal(present).cast(pl.Int64)).to_series()  # unaligned: cells read
    separators = lines.str.count_matches(delim, literal=True)
    rows = df.select(pl.arg_where(maybe | (separators >= width + EXTRA_CELLS - 1))).to_series()
    some = lines.gather(rows)
    exact = some.str.count_matches(f"{_QUOTED}|{re.escape(delim)}") - some.str.count_matches(_QUOTED) + 1
    return pl.repeat(width, df.height, dtype=pl.Int64, eager=True).scatter(rows, exact.cast(pl.Int64))


def beyond_extra(ragged: pl.DataFrame, df: pl.DataFrame, body: str, delim: str, width: int) -> pl.DataFrame:
    """Add the rows with a filled cell further right than the columns read (rare: parsed one by one)."""
    long_rows = set(df.filter(pl.col("_cells") > width + EXTRA_CELLS).get_column("_row").to_list())
    first = int(df.get_column("_row")[0]) if df.height else 0
    known = set(ragged.get_column("_row").to_list())
    found: dict[str, list[object]] = {"_row": [], "cells": [], "extra": []}
    for k, cells in enumerate(csv.reader(io.StringIO(body), delimiter=delim)):
        row = first + k
        if row not in long_rows or row in known:
            continue
        extra = [c for c in cells[width:] if c.strip()]
        if extra:
            found["_row"].append(row)
            found["cells"].append(len(cells))
            found["extra"].append(" | ".join(extra))
    if not found["_row"]:
        return ragged
    return pl.concat([ragged, pl.DataFrame(found, schema=RAGGED_SCHEMA)]).sort("_row")


def csv_ragged(df: pl.DataFrame, width: int) -> pl.DataFrame:
    """Rows of a CSV whose cells do not line up with the header: a cell missing, or a non-empty cell beyond it."""
    cells = pl.col("_cells")
    extra = [pl.col(f"c{i}").fill_null("") for i in range(width, width + EXTRA_CELLS)]
    filled = pl.element().filter(pl.element().str.contains(r"\S"))
    extra_text = pl.concat_list(extra).list.eval(filled).list.join(" | ")
    has_extra = pl.any_horizontal([c.str.contains(r"\S") for c in extra])
    blank = ~pl.any_horizontal([pl.col(f"c{i}").fill_null("").str.contains(r"\S") for i in range(width + EXTRA_CELLS)])
    return (
        df.lazy()
        .filter(~blank & (has_extra | (cells < width)))
        .select(
            "_row",
            cells.alias("cells"),
            pl.when(has_extra).then(extra_text).otherwise(None).alias("extra"),
        )
        .collect()
    )


def xlsx_ragged(body: list[list[str | None]], width: int, first_row: int) -> pl.DataFrame:
    """Rows of a workbook with a filled cell right of the last header (a cell cannot be missing in a sheet)."""
    found: dict[str, list[object]] = {"_row": [], "cells": [], "extra": []}
    for k, row in enumerate(body):
        extra = [c for c in row[width:] if c is not None and c.strip()]
        if extra:
            last = max(i for i, c in enumerate(row) if c is not None and c.strip())
            found["_row"].append(first_row + k)
            found["cells"].append(last + 1)
            found["extra"].append(" | ".join(extra))
    return pl.DataFrame(found, schema=RAGGED_SCHEMA)

"""Rows whose cells do not line up with the header are refused whole, with the reason, never shifted.

A stray ``;`` inside an unquoted CSV cell splits it in two and moves every later value one column right;
a line that lost a separator moves them left. Such a row could even pass validation with its values in
the wrong fields, so it is quarantined with one error naming the row's cell count and the header's, and
the cells beyond the header are kept in the error (nothing the uploader sent is lost).
"""

from __future__ import annotations

import polars as pl

from jejaring.intake.validate import Validated

ROW_FIELD = "baris"  # the error concerns the whole row, not one field
EXTRA_KEY = "intake.err.cells_extra"
MISSING_KEY = "intake.err.cells_missing"


def refuse_ragged(v: Validated, ragged: pl.DataFrame, width: int) -> Validated:
    """Move the rows of ``ragged`` (``_row``, ``cells``, ``extra``) from accepted to errors, one error each.

    Other errors of those rows are dropped: they come from the shifted values and would mislead.
    """
    if ragged.height == 0:
        return v
    rows = ragged.get_column("_row").implode()
    errors = ragged.select(
        "_row",
        pl.lit(ROW_FIELD).alias("field"),
        pl.when(pl.col("extra").is_not_null()).then(pl.lit(EXTRA_KEY)).otherwise(pl.lit(MISSING_KEY)).alias("key"),
        pl.col("extra").alias("value"),
        pl.concat_str([pl.lit('{"cells": '), pl.col("cells").cast(pl.Utf8), pl.lit(f', "headers": {width}}}')]).alias(
            "params"
        ),
    )
    kept = v.errors.filter(~pl.col("_row").is_in(rows))
    merged = pl.concat([kept, errors], how="diagonal_relaxed").sort("_row", maintain_order=True)
    accepted, skipped = (f.filter(~pl.col("_row").is_in(rows)) for f in (v.accepted, v.skipped))
    return Validated(accepted=accepted, errors=merged, raw=v.raw, skipped=skipped)

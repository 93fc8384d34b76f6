"""Vectorised parsing of Indonesian number formats (``250.000.000``, ``-6,7321``, ``Rp 1.500.000,50``)."""

from __future__ import annotations

import polars as pl

_ID_THOUSANDS = r"^-?\d{1,3}(\.\d{3})+(,\d+)?$"  # 250.000.000 or 1.500,75
_EN_THOUSANDS = r"^-?\d{1,3}(,\d{3}){2,}(\.\d+)?$"  # 250,000,000 (two or more groups, so 1,500 stays 1.5)
_PLAIN = r"^-?\d+([.,]\d+)?$"


def _cleaned(col: str) -> pl.Expr:
    return (
        pl.col(col)
        .str.replace_all(r"(?i)^rp\.?", "")
        .str.replace_all(r"[\s\u00a0]", "")
        .str.replace(r"(?i),-$", "")  # "Rp 5.000,-"
    )


def amount(col: str) -> pl.Expr:
    """Money or counts: dots are thousands separators in Indonesian, the comma is the decimal mark."""
    s = _cleaned(col)
    return (
        pl.when(s.str.contains(_ID_THOUSANDS))
        .then(s.str.replace_all(r"\.", "").str.replace(",", "."))
        .when(s.str.contains(_EN_THOUSANDS))
        .then(s.str.replace_all(",", ""))
        .when(s.str.contains(_PLAIN))
        .then(s.str.replace(",", "."))
        .otherwise(None)
        .cast(pl.Float64, strict=False)
    )


def decimal(col: str) -> pl.Expr:
    """Coordinates and capacities: a single comma or dot is the decimal mark (``-6,7321`` = ``-6.7321``)."""
    s = _cleaned(col)
    return (
        pl.when(s.str.contains(_PLAIN))
        .then(s.str.replace(",", "."))
        .when(s.str.contains(_ID_THOUSANDS))
        .then(s.str.replace_all(r"\.", "").str.replace(",", "."))
        .otherwise(None)
        .cast(pl.Float64, strict=False)
    )

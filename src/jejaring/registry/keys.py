"""Key expressions shared by the bulk writer, intake and resolution (vectorised twins of the service's functions)."""

from __future__ import annotations

import polars as pl

from jejaring.registry.service import MEDIUM_MAX_INVESTMENT, SMALL_MAX_INVESTMENT, SMALL_MAX_WORKERS


def _expr(col: str | pl.Expr) -> pl.Expr:
    return pl.col(col) if isinstance(col, str) else col


def name_key_expr(col: str | pl.Expr) -> pl.Expr:
    """Vectorised :func:`jejaring.registry.service.name_key`."""
    return (
        _expr(col)
        .str.normalize("NFKD")
        .str.replace_all(r"[^\x00-\x7f]", "")
        .str.to_lowercase()
        .str.replace_all(r"[^a-z0-9]+", " ")
        .str.strip_chars()
    )


def size_class_expr(workers: str | pl.Expr, investment: str | pl.Expr) -> pl.Expr:
    """Vectorised :func:`jejaring.registry.service.classify_size` (Permenperin 64/2016)."""
    w, i = _expr(workers), _expr(investment)
    return (
        pl.when(w.is_null() | i.is_null())
        .then(None)
        .when(w <= SMALL_MAX_WORKERS)
        .then(pl.when(i < SMALL_MAX_INVESTMENT).then(pl.lit("kecil")).otherwise(pl.lit("menengah")))
        .when(i <= MEDIUM_MAX_INVESTMENT)
        .then(pl.lit("menengah"))
        .otherwise(pl.lit("besar"))
    )

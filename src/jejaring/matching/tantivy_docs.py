"""The tantivy documents of a batch of firms, computed column-wise: analysed text, vector rows, geo cells, and
the firm itself as stored JSON (one null pattern of coordinates and capacity at a time: tantivy rejects nulls)."""

from __future__ import annotations

import numpy as np
import polars as pl

from jejaring.matching.firm_columns import frame_columns
from jejaring.matching.index import FRAME_SCHEMA, geo_cells
from jejaring.matching.text import analyzed_column
from jejaring.matching.vectors import VectorStore


def json_lines(vectors: VectorStore, frame: pl.DataFrame) -> tuple[list[str], pl.DataFrame]:
    """The tantivy JSON documents of a frame, computed column-wise (analysis, vectors, geo cells), and the
    semantic channel's columns of its firms (``firm_columns.frame_columns``)."""
    offers = pl.col("offers")
    frame = frame.with_columns(
        semantic=pl.concat_list(pl.col("products"), offers.list.eval(pl.element().struct.field("title")))
        .list.eval(pl.element().filter(pl.element().is_not_null() & (pl.element() != "")))
        .list.join(" ; ")
        .str.slice(0, 500),
        rest=pl.concat_list(
            pl.col("products"),
            offers.list.eval(pl.element().struct.field("text")),
            pl.col("sentra").list.eval(pl.element().list.get(1)),
        )
        .list.eval(pl.element().filter(pl.element().is_not_null() & (pl.element() != "")))
        .list.join(" "),
    )
    rest_distinct = frame["rest"].unique()
    rest_map = dict(zip(rest_distinct.to_list(), analyzed_column(rest_distinct).to_list(), strict=True))
    semantic = frame["semantic"]
    distinct = semantic.unique().to_list()
    row_of = dict(zip(distinct, vectors.rows_for(distinct), strict=True))
    lat = frame["latitude"].fill_null(np.nan).to_numpy()
    lon = frame["longitude"].fill_null(np.nan).to_numpy()
    frame = frame.with_columns(
        vec_row=semantic.replace_strict(row_of, return_dtype=pl.Int64),
        geo_cell=pl.Series(geo_cells(lat, lon)),
        text=pl.concat_str(
            analyzed_column(frame["name"]),
            pl.col("rest").replace_strict(rest_map, return_dtype=pl.String),
            separator=" ",
        ),
    )
    columns = frame_columns(frame)
    doc = pl.struct([*FRAME_SCHEMA, "vec_row"]).struct.json_encode().str.encode("base64").alias("doc")
    base = [
        pl.col("firm_id"),
        pl.col("geo_cell"),
        pl.col("vec_row"),
        pl.col("text"),
        pl.col("roles"),
        pl.col("certificates").alias("certs"),
        pl.col("province_code").alias("province"),
        pl.col("regency_code").alias("regency"),
    ]
    located = pl.col("latitude").is_not_null() & pl.col("longitude").is_not_null()
    sized = pl.col("capacity").is_not_null() & pl.col("capacity_dimension").is_not_null()
    geo = [pl.col("latitude").alias("lat"), pl.col("longitude").alias("lon")]
    cap = [pl.col("capacity"), pl.col("capacity_dimension").alias("cap_dim")]
    lines: list[str] = []
    # tantivy rejects null numbers: each null pattern gets its own columns
    for has_geo in (True, False):
        for has_cap in (True, False):
            part = frame.filter((located if has_geo else ~located) & (sized if has_cap else ~sized))
            if part.height:
                cols = [*base, *(geo if has_geo else []), *(cap if has_cap else []), doc]
                lines.extend(part.select(pl.struct(cols).struct.json_encode())[:, 0].to_list())
    return lines, columns

"""The shortlist of a query's found firms: exact radius, semantic floor, the best by text and meaning, each with
the firm as the index stored it."""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import orjson
import tantivy

from jejaring.matching.index import Candidate, IndexDoc, SearchQuery, haversine_many
from jejaring.matching.vectors import VectorStore


def shortlist(
    searcher: tantivy.Searcher,
    vectors: VectorStore,
    vector: np.ndarray | None,
    query: SearchQuery,
    found: dict[int, tuple[Any, float, set[str]]],
) -> list[Candidate]:
    """The found firms within the exact radius and the semantic floor, the best ``query.pool`` of them by text
    and meaning, as candidates with their stored documents."""
    entries = list(found.values())
    addrs = [e[0] for e in entries]
    rows = searcher.fast_field_values("vec_row", addrs) if addrs else []
    vec_rows = [int(r) if r is not None else -1 for r in rows]
    sims = vectors.similarity(vector, vec_rows) if vector is not None else [0.0] * len(rows)
    dist = np.full(len(entries), np.nan)
    if query.near and addrs:
        lat = np.array(searcher.fast_field_values("lat", addrs), dtype=float)  # None → NaN
        lon = np.array(searcher.fast_field_values("lon", addrs), dtype=float)
        dist = haversine_many(query.near[0], query.near[1], lat, lon)
    keep = dist <= query.radius_km if query.near and query.radius_km else np.ones(len(entries), dtype=bool)
    pool = [
        (e, max(0.0, sim), None if np.isnan(km) else float(km))
        for e, sim, ok, km in zip(entries, sims, keep.tolist(), dist.tolist(), strict=True)
        if ok and (e[1] > 0 or sim >= query.semantic_floor)
    ]
    if query.pool is not None and len(pool) > query.pool:
        top = max(e[1] for e, _, _ in pool) or 1.0
        pool = sorted(pool, key=lambda p: -(p[0][1] / top + p[1]))[: query.pool]
    return [
        Candidate(doc=stored(searcher, addr), bm25=bm25, semantic=sim, distance_km=km, sources=src)
        for (addr, bm25, src), sim, km in pool
    ]


def stored(searcher: tantivy.Searcher, addr: Any) -> IndexDoc:
    """The firm as the index stored it."""
    data = orjson.loads(cast(bytes, searcher.doc(addr).get_first("doc")))
    data.pop("vec_row", None)
    return IndexDoc.from_stored(data)

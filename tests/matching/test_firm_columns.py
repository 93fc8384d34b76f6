"""The semantic channel's column store filters exactly as the index does, before and after updates."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import tantivy
from sqlalchemy import Engine

from jejaring.core.db import session_scope
from jejaring.matching import documents, firm_columns, lifecycle
from jejaring.matching.firm_columns import Columns
from jejaring.matching.index import SearchQuery, haversine_many
from jejaring.matching.tantivy_index import TantivySearchIndex
from tests.matching.conftest import Corpus

_Q, _O = tantivy.Query, tantivy.Occur


def _index_firms(index: TantivySearchIndex, rows: list[int], q: SearchQuery) -> set[int]:
    """Firms of the texts ``rows`` that the tantivy index lets through ``q``'s filters (exact form)."""
    index_, _ = index._open()
    searcher = index_.searcher()
    texts = _Q.term_set_query(index.schema, "vec_row", rows)
    hits = searcher.search(_Q.boolean_query([(_O.Must, texts), *index._filters(q, exact=True)]), 10_000).hits
    addrs = [a for _, a in hits]
    ok = index._passes(searcher, addrs, q)  # the exact radius on the bounding box's hits
    ids = searcher.fast_field_values("firm_id", addrs) if addrs else []
    return {int(f) for f, keep in zip(ids, ok.tolist(), strict=True) if keep and f is not None}


def _column_firms(columns: Columns, rows: list[int], q: SearchQuery) -> set[int]:
    slots = columns.slots(rows)
    return {int(f) for f in columns.arrays["firm"][slots[columns.passing(slots, q)]]}


def _queries(columns: Columns) -> list[SearchQuery]:
    """Every kind of filter, alone and combined, with codes firms have and codes no firm has."""
    v = columns.vocab
    provinces, regencies = v["province"][:3], v["regency"][:4]
    singles: list[dict[str, Any]] = [
        {},
        {"roles": ["ikm"]},
        {"roles": ["large", "distributor"]},
        *({"certificates": [c]} for c in v["certs"]),
        {"certificates": v["certs"][:2]},
        {"certificates": ["NO-SUCH"]},
        {"province_code": provinces[0]},
        {"regency_code": regencies[0]},
        {"regency_code": "99.99"},
        {"areas": [provinces[1], regencies[2]]},
        {"near": (-6.914, 107.609), "radius_km": 150.0},
        {"near": (-7.25, 112.75), "radius_km": 400.0},
        *({"min_capacity": 100.0, "capacity_dimension": d} for d in v["cap_dim"]),
        {"min_capacity": 1e12, "capacity_dimension": v["cap_dim"][0]},
        {"exclude_firm_ids": [int(f) for f in columns.arrays["firm"][:5]]},
    ]
    combined = [{**a, **b} for a, b in itertools.combinations(singles[1:], 2) if not set(a) & set(b)]
    return [SearchQuery(text="", **kw) for kw in [*singles, *combined]]


def _check(index: TantivySearchIndex) -> int:
    index._open()
    columns = index._columns
    assert columns is not None
    rows = list(range(len(columns.offsets) - 1))
    for row in rows:  # the same firms for each text as the index holds
        assert _column_firms(columns, [row], SearchQuery(text="")) == _index_firms(index, [row], SearchQuery(text=""))
    checked = 0
    for q in _queries(columns):
        for part in (rows, rows[::7], rows[:3]):
            assert _column_firms(columns, part, q) == _index_firms(index, part, q), q
            checked += 1
    return checked


def test_columns_filter_as_the_index_does(engine: Engine, corpus: Corpus) -> None:
    with session_scope(engine) as s:
        lifecycle.build(s, corpus.settings)
    assert _check(lifecycle.open_index(corpus.settings)) > 300


def test_columns_follow_updates(engine: Engine, corpus: Corpus) -> None:
    with session_scope(engine) as s:
        lifecycle.build(s, corpus.settings)
        index = lifecycle.open_index(corpus.settings)
        index._open()
        assert index._columns is not None
        frame, _ = documents.frame_for_ids(s, sorted(int(f) for f in index._columns.arrays["firm"][:6]))
    firms = frame["firm_id"].to_list()
    moved = frame.head(3).with_columns(  # new certificates (one no firm had), another regency, another product
        certificates=pl.Series([["HALAL", "CERT-NEW"], [], ["SNI"]]),
        regency_code=pl.lit("32.73"),
        province_code=pl.lit("32"),
        products=pl.Series(["keripik pisang", "batik tulis", "kopi arabika"]),
    )
    first = index.manifest()["columns"]
    index.update(moved, remove_ids=firms[3:5])
    second = index.manifest()["columns"]
    index.update(moved.head(1), remove_ids=[])  # again: the store before stays for readers of the old manifest
    stores = sorted(p.name for p in index.folder.glob("columns-*"))
    assert index.exists() and first not in stores and stores == sorted([second, index.manifest()["columns"]])
    columns = index._columns
    assert columns is not None
    order = np.lexsort((columns.arrays["firm"], columns.arrays["cell"], columns.arrays["vec"]))
    assert (order == np.arange(len(order))).all()  # still in the store's order after the updates
    assert columns is not None and "CERT-NEW" in columns.vocab["certs"]
    kept = set(columns.arrays["firm"].tolist())
    assert set(firms[:3]) <= kept and not set(firms[3:5]) & kept
    assert _check(index) > 300
    new_cert = SearchQuery(text="", certificates=["CERT-NEW"])
    assert _column_firms(columns, list(range(len(columns.offsets) - 1)), new_cert) == {firms[0]}


def _synthetic(firms: range, certs: list[list[str]]) -> pl.DataFrame:
    n = len(firms)
    return pl.DataFrame(
        {
            "firm": list(firms),
            "vec": [i % 3 for i in firms],
            "cell": [0] * n,
            "lat": [None] * n,
            "lon": [None] * n,
            "cap": [None] * n,
            "province": ["32"] * n,
            "regency": ["32.73"] * n,
            "cap_dim": [None] * n,
            "roles": [["ikm"]] * n,
            "certs": certs,
        },
        schema=firm_columns.SCHEMA,
    )


def test_certificates_beyond_one_mask_word(tmp_path: Path) -> None:
    certs = [[f"C{i:03d}", f"C{(i * 7) % 100:03d}"] for i in range(100)]
    vocab: dict[str, list[str]] = {}
    name = firm_columns.write(tmp_path, [firm_columns.encode(_synthetic(range(100), certs), vocab)], vocab)
    columns = firm_columns.load(tmp_path, name)
    assert columns is not None and columns.arrays["certs"].shape == (100, 2)
    everyone = columns.slots([0, 1, 2])

    def holders(*codes: str) -> set[int]:
        q = SearchQuery(text="", certificates=list(codes))
        return {int(f) for f in columns.arrays["firm"][everyone[columns.passing(everyone, q)]]}

    assert holders("C070") == {i for i, c in enumerate(certs) if "C070" in c}
    assert holders("C010", "C070") == {10}  # 10 · 7 = 70
    assert holders("C200") == set()
    more = [[f"C{i:03d}"] for i in range(100, 140)]  # the vocabulary grows into a third word
    name = firm_columns.update(tmp_path, name, _synthetic(range(100, 140), more), {5, 120})
    columns = firm_columns.load(tmp_path, name)
    assert columns is not None and columns.arrays["certs"].shape == (139, 3)
    everyone = columns.slots([0, 1, 2])
    assert holders("C130") == {130} and holders("C005") == {i for i, c in enumerate(certs) if "C005" in c} - {5}


def test_equally_similar_firms_nearest_first(tmp_path: Path) -> None:
    """Among firms whose texts are equally close to the need, the channel takes the nearest (across chunks)."""
    n = 3 * firm_columns.CHUNK
    rng = np.random.default_rng(3)
    lat, lon = rng.uniform(-8.0, -6.0, n), rng.uniform(106.0, 112.0, n)
    frame = _synthetic(range(n), [[] for _ in range(n)]).with_columns(
        vec=pl.Series([0 if i < 30 else 1 for i in range(n)], dtype=pl.Int64),
        lat=pl.Series(lat),
        lon=pl.Series(lon),
        certs=pl.Series([["HALAL"] if i % 3 else [] for i in range(n)], dtype=pl.List(pl.String)),
    )
    vocab: dict[str, list[str]] = {}
    columns = firm_columns.load(tmp_path, firm_columns.write(tmp_path, [firm_columns.encode(frame, vocab)], vocab))
    assert columns is not None
    slots = columns.slots([0, 1])
    sims = np.repeat(np.array([0.9, 0.8]), [columns.firms_of(0), columns.firms_of(1)])
    q = SearchQuery(text="", near=(-7.0, 110.0), certificates=["HALAL"])
    best = columns.best_passing(slots, sims, q, 60)
    firms = [int(f) for f in columns.arrays["firm"][slots[best]]]
    certified = [i for i in range(n) if i % 3]
    head = [i for i in certified if i < 30]  # the more similar text's firms come first, all 20 of them
    km = haversine_many(-7.0, 110.0, lat, lon)
    nearest = sorted((i for i in certified if i >= 30), key=lambda i: km[i])[: 60 - len(head)]
    assert sorted(firms[: len(head)]) == head
    assert firms[len(head) :] == nearest
    assert len(columns.best_passing(slots, sims, SearchQuery(text=""), 10**6)) == n  # fewer than asked: all


def test_a_build_in_parts_widens_the_earlier_masks(tmp_path: Path) -> None:
    """A build encodes batch by batch; a batch encoded before the certificate vocabulary grew past a word is widened."""
    vocab: dict[str, list[str]] = {}
    first = firm_columns.encode(_synthetic(range(60), [[f"A{i:02d}"] for i in range(60)]), vocab)
    second = firm_columns.encode(_synthetic(range(60, 100), [[f"B{i:02d}", "A07"] for i in range(40)]), vocab)
    assert first["certs"].shape[1] == 1 and second["certs"].shape[1] == 2
    columns = firm_columns.load(tmp_path, firm_columns.write(tmp_path, [first, second], vocab))
    assert columns is not None
    everyone = columns.slots([0, 1, 2])
    holders = columns.arrays["firm"][everyone[columns.passing(everyone, SearchQuery(text="", certificates=["A07"]))]]
    assert sorted(int(f) for f in holders) == [7, *range(60, 100)]

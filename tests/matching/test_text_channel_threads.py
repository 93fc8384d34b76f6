"""The text channel's helper threads: the same answers searched in parallel, inline (every helper busy) and from
many searches at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import Engine

from jejaring.core.db import session_scope
from jejaring.matching import evaluation, lifecycle, search, tantivy_index
from jejaring.matching.schemas import MatchQuery
from tests.matching.conftest import Corpus


def _answers(index: Any, queries: list[MatchQuery]) -> list[list[tuple[str, float, list[str]]]]:
    out = []
    for q in queries:
        ranked = search.run_query(index, q).ranked
        out.append([(r.candidate.doc.public_id, r.score, sorted(r.candidate.sources)) for r in ranked])
    return out


def test_parallel_inline_and_concurrent_searches_agree(engine: Engine, corpus: Corpus) -> None:
    with session_scope(engine) as s:
        lifecycle.build(s, corpus.settings)
    index = lifecycle.open_index(corpus.settings)
    queries = [MatchQuery(text=q["text"]) for q in evaluation.queries()[:40]]
    queries.append(MatchQuery(text="kopi arabika", near="Kota Bandung", radius_km=300))
    parallel = _answers(index, queries)
    slots = tantivy_index._TEXT_SLOTS
    for _ in range(tantivy_index.TEXT_THREADS):  # every helper busy: the text channel runs in the caller
        assert slots.acquire(blocking=False)
    try:
        assert _answers(index, queries) == parallel
    finally:
        for _ in range(tantivy_index.TEXT_THREADS):
            slots.release()
    with ThreadPoolExecutor(max_workers=8) as pool:  # more searches at once than helpers
        many = list(pool.map(lambda q: _answers(index, [q])[0], queries))
    assert many == parallel
    assert slots.acquire(blocking=False)  # every slot was given back
    slots.release()

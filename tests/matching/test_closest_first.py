"""The semantic channel's closest-texts-first search finds exactly what the whole neighbourhood finds."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from jejaring.core.db import session_scope
from jejaring.matching import evaluation, lifecycle, search, tantivy_index
from jejaring.matching.schemas import MatchQuery
from tests.matching.conftest import Corpus


def _outcomes(index: Any, queries: list[MatchQuery]) -> list[list[tuple[str, float, float, list[str], list[str]]]]:
    out = []
    for q in queries:
        ranked = search.run_query(index, q).ranked
        out.append(
            [
                (r.candidate.doc.public_id, r.score, r.candidate.semantic, sorted(r.candidate.sources), r.why)
                for r in ranked
            ]
        )
    return out


def test_closest_texts_first_gives_the_same_hits(
    engine: Engine, corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    with session_scope(engine) as s:
        lifecycle.build(s, corpus.settings)
    index = lifecycle.open_index(corpus.settings)
    queries = [MatchQuery(text=q["text"]) for q in evaluation.queries()[:60]]
    queries += [
        MatchQuery(text="kopi arabika", near="Kota Bandung", radius_km=300),
        MatchQuery(text="mebel jati", certificates=["SVLK"]),
        MatchQuery(text="keripik singkong 20 ton per bulan, bersertifikat halal, dekat Bandung"),
    ]
    parts = {"asked": 0, "enough": 0}
    run = tantivy_index.TantivySearchIndex._run

    def counting(self: Any, *args: Any, part: bool = False) -> Any:
        hits = run(self, *args, part=part)
        parts["asked"] += part
        parts["enough"] += part and hits is not None
        return hits

    monkeypatch.setattr(tantivy_index.TantivySearchIndex, "_run", counting)
    for per_channel in (search.CANDIDATES_PER_CHANNEL, 3):  # a short list: the first texts often suffice
        monkeypatch.setattr(search, "CANDIDATES_PER_CHANNEL", per_channel)
        monkeypatch.setattr(tantivy_index, "FIRST_FIRMS", 10**9)  # the whole neighbourhood at once
        asked = parts["asked"]
        whole = _outcomes(index, queries)
        assert parts["asked"] == asked
        monkeypatch.setattr(tantivy_index, "FIRST_FIRMS", 6)  # the closest texts first
        assert _outcomes(index, queries) == whole
    assert parts["enough"] > 0 and parts["asked"] > parts["enough"]  # both ways were taken

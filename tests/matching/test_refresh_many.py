"""Issue 23 #3: re-indexing after a large import reads the changed firms in chunks (no parameter-limit error)."""

from __future__ import annotations

import sqlite3

from sqlalchemy import Engine

from jejaring.core.db import session_scope
from jejaring.matching import documents
from tests.matching.conftest import Corpus

# more ids than PostgreSQL's 65,535 bind parameters per statement and this SQLite build's limit
_SQLITE_LIMIT = sqlite3.connect(":memory:").getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
MANY = max(70_000, _SQLITE_LIMIT + 1_000)


def test_frame_for_more_ids_than_the_parameter_limit(engine: Engine, corpus: Corpus) -> None:
    with session_scope(engine) as s:
        real, _ = documents.frame_for_ids(s, list(range(1, 200)))
        real_ids = real["firm_id"].to_list()
        assert len(real_ids) == len(corpus.keys)
        missing = list(range(10_000_000, 10_000_000 + MANY))
        frame, removed = documents.frame_for_ids(s, sorted(real_ids + missing))
    assert sorted(frame["firm_id"].to_list()) == sorted(real_ids)
    assert removed == missing
    assert frame.columns == real.columns

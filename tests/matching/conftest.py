"""Fixtures for matching: the evaluation corpus registered in the fresh database (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from jejaring.core.config import Settings
from jejaring.core.db import session_scope
from jejaring.matching import evaluation


@dataclass
class Corpus:
    """The registered evaluation firms (key → public ID) and settings whose index refreshes on every search."""

    keys: dict[str, str]
    settings: Settings


@pytest.fixture
def corpus(engine: Engine, settings: Settings) -> Corpus:
    """122 firms of ``matching/data/eval/firms.csv`` with their sentra, committed."""
    with session_scope(engine) as s:
        keys = evaluation.load_corpus(s)
    return Corpus(keys=keys, settings=settings.model_copy(update={"matching_refresh_seconds": 0.0}))

"""Search quality: the evaluation set (``data/eval``) loaded into a scratch database, nDCG@10 and recall@20.

``firms.csv`` is a fixed corpus of 82 firms with distractors (wood vs. "ubi kayu", batik vs. tenun,
coffee across provinces, certificates, capacities); ``queries.json`` holds needs in Indonesian and
English with graded relevant firms. Grades: 3 ideal, 2 good, 1 partial; gain 2^g − 1.
"""

from __future__ import annotations

import csv
import io
import json
import math
import tempfile
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from jejaring.core.config import Settings
from jejaring.core.db import build_engine, session_scope
from jejaring.matching import lifecycle, search
from jejaring.matching.schemas import MatchQuery
from jejaring.registry import service as registry_service
from jejaring.registry.schemas import CertificationIn, FirmCreate, SentraCreate

if TYPE_CHECKING:
    from jejaring.registry.models import Sentra


def _read(name: str) -> str:
    return resources.files("jejaring.matching").joinpath(f"data/eval/{name}").read_text("utf-8")


SPLITS = ("dev", "test", "heldout")  # heldout: the needs of issue 21, written before any change, never tuned on


def queries() -> list[dict[str, Any]]:
    """The evaluation needs."""
    data: dict[str, Any] = json.loads(_read("queries.json"))
    return list(data["queries"])


def load_corpus(session: Session) -> dict[str, str]:
    """Register the evaluation firms (and their sentra); returns key → public ID."""
    keys: dict[str, str] = {}
    sentra: dict[str, Sentra] = {}
    for row in csv.DictReader(io.StringIO(_read("firms.csv"))):
        firm = registry_service.create_firm(
            session,
            data=FirmCreate(
                name=row["name"],
                roles=row["roles"].split(";"),
                regency_code=row["kode_wilayah"],
                kbli_code=row["kbli"] or None,
                products=row["products"],
                capacity=float(row["capacity"]) if row["capacity"] else None,
                capacity_unit=row["unit"] or None,
                certifications=[CertificationIn(code=c) for c in row["certificates"].split(";") if c],
                reference_year=2024,
            ),
        )
        keys[row["key"]] = firm.public_id
        if row["sentra"]:
            if row["sentra"] not in sentra:
                sentra[row["sentra"]] = registry_service.create_sentra(
                    session,
                    data=SentraCreate(
                        name=row["sentra"], regency_code=row["kode_wilayah"], kbli_code=row["kbli"] or None
                    ),
                )
            registry_service.add_sentra_member(session, sentra=sentra[row["sentra"]], firm=firm)
    return keys


def dcg(gains: list[float]) -> float:
    """Discounted cumulative gain."""
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranked_ids: list[str], relevant: dict[str, int], k: int) -> float:
    """nDCG@k with gain 2^grade − 1."""
    gains = [2 ** relevant.get(pid, 0) - 1 for pid in ranked_ids[:k]]
    ideal = sorted((2**g - 1 for g in relevant.values()), reverse=True)[:k]
    return dcg(gains) / dcg(ideal) if ideal else 0.0


def recall_at(ranked_ids: list[str], relevant: dict[str, int], k: int) -> float:
    """Share of the relevant firms found in the top k."""
    if not relevant:
        return 0.0
    return len(set(ranked_ids[:k]) & set(relevant)) / len(relevant)


def evaluate(session: Session, settings: Settings, keys: dict[str, str]) -> dict[str, Any]:
    """Run every evaluation need against the index; per-query and mean figures."""
    rows = []
    for q in queries():
        query = MatchQuery(
            text=q["text"],
            near=q.get("near"),
            radius_km=q.get("radius_km"),
            certificates=q.get("certificates", []),
            quantity=q.get("quantity"),
            unit=q.get("unit"),
            roles=q.get("role", []),
            limit=20,
        )
        outcome = search.search(session, settings, query=query, lang=q.get("lang", "id"))
        ranked = [r.candidate.doc.public_id for r in outcome.ranked]
        relevant = {keys[k]: g for k, g in q["relevant"].items()}
        rows.append(
            {
                "id": q["id"],
                "lang": q.get("lang", "id"),
                "split": q.get("split", "dev"),
                "text": q["text"],
                "ndcg@10": round(ndcg_at(ranked, relevant, 10), 4),
                "recall@20": round(recall_at(ranked, relevant, 20), 4),
            }
        )
    return {
        "queries_count": len(rows),
        "firms": len(keys),
        **_means(rows),
        "splits": {split: _means([r for r in rows if r["split"] == split]) for split in SPLITS},
        "queries": rows,
    }


def _means(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean nDCG@10 and recall@20 of ``rows``, overall and per language."""

    def mean(values: list[float]) -> float:
        return round(sum(values) / len(values), 4) if values else 0.0

    return {
        "count": len(rows),
        "ndcg@10": mean([r["ndcg@10"] for r in rows]),
        "recall@20": mean([r["recall@20"] for r in rows]),
        "by_language": {lang: mean([r["ndcg@10"] for r in rows if r["lang"] == lang]) for lang in ("id", "en")},
    }


def _prepare(url: str) -> Engine:
    from jejaring.core import migrate
    from jejaring.reference import service as reference_service

    migrate.upgrade(url)
    engine = build_engine(url)
    with session_scope(engine) as session:
        reference_service.load_reference(session)
    return engine


def run(workdir: Path | None = None) -> dict[str, Any]:
    """Scratch SQLite database + index in a temporary folder, corpus loaded, every query measured."""
    with tempfile.TemporaryDirectory(prefix="jejaring-eval-") as tmp:
        base = workdir or Path(tmp)
        url = f"sqlite:///{base / 'eval.db'}"
        engine = _prepare(url)
        settings = Settings(database_url=url, data_dir=base / "var", load_demo=False, environment="test")
        with session_scope(engine) as session:
            keys = load_corpus(session)
        with session_scope(engine) as session:
            lifecycle.build(session, settings)
            report = evaluate(session, settings, keys)
        engine.dispose()
        return report

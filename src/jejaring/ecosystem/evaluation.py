"""How well the gap finder recovers the gaps planted in a synthetic nation (``ground_truth/ecosystem_gaps.csv``)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from jejaring.ecosystem.gaps import Gap
from jejaring.registry import service as registry_service


@dataclass
class Score:
    """Counts over the labelled places of one kind: planted gaps and their controls."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        """Found planted gaps over all labelled places reported (1 when none reported)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Found planted gaps over planted gaps (1 when none planted)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def sentra_public_ids(session: Session, out: Path) -> dict[str, str]:
    """Generator sentra id → registry public ID, through ``ground_truth/rows`` and the registry's provenance."""
    rows: dict[tuple[str, int], str] = {}
    for p in sorted((out / "ground_truth" / "rows").glob("*.csv")):
        with p.open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                if r["kind"] == "sentra":
                    rows[(r["file"].split("/")[-1], int(r["row"]))] = r["entity_id"]
    ids = registry_service.ids_by_source(session, entity_type="sentra", file_names=sorted({f for f, _ in rows}))
    public = {s["id"]: s["public_id"] for s in registry_service.network_sentra(session)[0]}
    return {rows[k]: public[v] for k, v in ids.items() if k in rows and v in public}


def evaluate(session: Session, out: Path, found: list[Gap]) -> dict[str, Score]:
    """Precision and recall per planted kind over the labelled places."""
    with (out / "ground_truth" / "ecosystem_gaps.csv").open(encoding="utf-8") as fh:
        truth = list(csv.DictReader(fh))
    sentra = sentra_public_ids(session, out)
    got = {(g.kind.value, g.place) for g in found}
    scores: dict[str, Score] = {}
    for t in truth:
        place = sentra.get(t["place"]) if t["place_kind"] == "sentra" else t["place"]
        s = scores.setdefault(t["kind"], Score())
        if place is None:
            continue
        hit, planted = (t["kind"], place) in got, t["planted"] == "true"
        s.tp += hit and planted
        s.fp += hit and not planted
        s.fn += planted and not hit
        s.tn += not hit and not planted
    return scores

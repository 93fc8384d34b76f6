"""Ranking a province's IKM for a programme by expected gain per rupiah, vectorised over every assessment.

For firm f with criterion levels ℓ_fc and the programme's interventions I (those the firm is eligible for,
by size class and product group), the target level of c is T_c = max_{i∈I} lift_ic and

    expected gain_f = Σ_c w_c · max(0, T_c − ℓ_fc)          cost_f = Σ_{i∈I} cost_gov_i (+ cost_firm_i)
    rank by gain_f / cost_f   (shown per Rp1 juta)

Firms already enrolled in the programme are left out. The answer vectors are read in one query and
turned into a numpy matrix (one byte per criterion), so a province of 900,000 IKM ranks in seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast as type_cast

import numpy as np
from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from jejaring.capability import catalogue
from jejaring.capability.catalogue import Intervention
from jejaring.capability.models import Assessment, Enrolment
from jejaring.core.dialects import dialect

PER = 1_000_000  # gain shown per Rp1 juta


@dataclass
class Candidate:
    """One ranked firm."""

    firm_id: int
    gain: float
    cost: int
    gain_per_million: float
    overall: float


def _maxima() -> np.ndarray:
    return np.array([c.max_value for c in catalogue.criteria()], dtype=np.float32)


def levels_matrix(vectors: Sequence[str]) -> np.ndarray:
    """Answer vectors as an n × k matrix of levels 0–1 (unanswered = 0)."""
    k = len(catalogue.criteria())
    if not vectors:
        return np.zeros((0, k), dtype=np.float32)
    raw = np.frombuffer("".join(v.ljust(k, "-")[:k] for v in vectors).encode("ascii"), dtype=np.uint8)
    return _levels(raw.reshape(len(vectors), k))


def open_to(items: Sequence[Intervention], size: str | None, group: str) -> list[Intervention]:
    """The interventions a firm of this size class and product group may take."""
    return [
        iv
        for iv in items
        if not (iv.eligible_sizes and (size or "kecil") not in iv.eligible_sizes)
        and not (iv.eligible_groups and group not in iv.eligible_groups)
    ]


def _profile(items: Sequence[Intervention], size: str | None, group: str) -> tuple[np.ndarray, int]:
    index = catalogue.criterion_index()
    target = np.zeros(len(index), dtype=np.float32)
    cost = 0
    for iv in open_to(items, size, group):
        cost += iv.cost_gov + iv.cost_firm
        for c, level in iv.lifts.items():
            target[index[c]] = max(target[index[c]], level)
    return target, cost


def _groups(session: Session, province: str) -> list[tuple[str | None, str, np.ndarray, np.ndarray]]:
    """(size class, product group, firm ids, levels) per group of current assessments in the province.

    Each group comes back as ONE row whose firm ids and answer vectors are concatenated by the database
    (``group_concat`` on SQLite, ``string_agg`` on PostgreSQL), so 900,000 assessments cost a few rows,
    not 900,000 Python objects. A group holding vectors of another length (an older catalogue) is read
    again row by row.
    """
    k = len(catalogue.criteria())
    where = (Assessment.province_code == province, Assessment.is_latest.is_(True))
    # Both aggregates of one group consume the same input rows in the same order, so the i-th id belongs
    # to the i-th vector (tests check gains per named firm on both backends).
    agg = dialect(session.connection()).string_agg
    size_col, group_col = Assessment.size_class, Assessment.product_group
    stmt = select(size_col, group_col, agg(cast(Assessment.firm_id, Text), ","), agg(Assessment.vector, ""))
    out = []
    for size, group, ids, vectors in session.execute(stmt.where(*where).group_by(size_col, group_col)).all():
        firm_ids = np.array(ids.split(","), dtype=np.int64)
        if len(vectors) == k * len(firm_ids):
            raw = np.frombuffer(vectors.encode("ascii"), dtype=np.uint8).reshape(len(firm_ids), k)
            out.append((size, group, firm_ids, _levels(raw)))
            continue
        rows = session.execute(
            select(Assessment.firm_id, Assessment.vector).where(
                *where, Assessment.size_class.is_(None) if size is None else size_col == size, group_col == group
            )
        ).all()
        out.append((size, group, np.array([r[0] for r in rows], dtype=np.int64), levels_matrix([r[1] for r in rows])))
    return out


def _levels(raw: np.ndarray) -> np.ndarray:
    digits = raw.astype(np.int16) - ord("0")
    digits[digits < 0] = 0  # '-' (unanswered)
    return type_cast(np.ndarray, digits.astype(np.float32) / _maxima())


def rank(
    session: Session,
    *,
    province: str,
    items: Sequence[Intervention],
    exclude_programme: int | None = None,
    limit: int = 100,
) -> tuple[list[Candidate], int]:
    """The ``limit`` best firms of ``province`` by expected gain per rupiah, and how many were ranked."""
    weights = np.array([c.weight for c in catalogue.criteria()], dtype=np.float32)
    parts_ids, parts_gain, parts_cost = [], [], []
    for size, group, firm_ids, lv in _groups(session, province):
        target, c = _profile(items, size, group)
        parts_ids.append(firm_ids)
        parts_gain.append((np.clip(target - lv, 0.0, None) * weights).sum(axis=1))
        parts_cost.append(np.full(len(firm_ids), c, dtype=np.int64))
    if not parts_ids:
        return [], 0
    firm_ids = np.concatenate(parts_ids)
    gain = np.concatenate(parts_gain)
    cost = np.concatenate(parts_cost)
    if exclude_programme is not None:
        enrolled = list(session.scalars(select(Enrolment.firm_id).where(Enrolment.programme_id == exclude_programme)))
        keep = ~np.isin(firm_ids, np.array(enrolled, dtype=np.int64))
        firm_ids, gain, cost = firm_ids[keep], gain[keep], cost[keep]
    per = np.where(cost > 0, gain / np.maximum(cost, 1) * PER, 0.0)
    order = np.lexsort((firm_ids, -gain, -per))[:limit]
    order = order[gain[order] > 0]
    chosen = [int(firm_ids[i]) for i in order]
    overall = dict(
        session.execute(
            select(Assessment.firm_id, Assessment.overall).where(
                Assessment.firm_id.in_(chosen), Assessment.is_latest.is_(True)
            )
        ).all()
    )
    out = [
        Candidate(
            firm_id=int(firm_ids[i]),
            gain=round(float(gain[i]), 3),
            cost=int(cost[i]),
            gain_per_million=round(float(per[i]), 4),
            overall=float(overall.get(int(firm_ids[i]), 0.0)),
        )
        for i in order
    ]
    return out, len(firm_ids)

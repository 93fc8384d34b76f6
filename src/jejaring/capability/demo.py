"""Synthetic assessments for a sample of the demo nation's IKM, so that pages have data on ``make run``.

Assumptions (also in docs/capability.md): a deterministic sample (``share`` of IKM, at most ``MAX_FIRMS``,
chosen by a hash of the firm id and the seed); each firm gets a latent maturity m ~ Beta(2, 3) for
*industri kecil* and Beta(3, 2) for *menengah*; a scale criterion is round(4·m + N(0, 0.8)) clipped to
0–4, a yes/no criterion is 1 with probability m; certificate criteria, registered brand, NIB and HS codes
come only from the registry (no invented certificates); about 10 % of the answers are left blank.
"""

from __future__ import annotations

import json
import random

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.roles import system_actor
from jejaring.capability import catalogue, scoring, service
from jejaring.capability.enums import AssessorKind
from jejaring.capability.models import Assessment
from jejaring.registry import service as registry_service
from jejaring.registry.schemas import FirmFilter

MAX_FIRMS = 5_000
REGISTRY_ONLY = {"nib", "hs_codes_known", "brand_registered"}


def _answers(firm: object, rng: random.Random) -> dict[str, int | None]:
    size = getattr(firm, "size_class", None)
    m = rng.betavariate(3, 2) if size == "menengah" else rng.betavariate(2, 3)
    known = service.prefill(firm)  # type: ignore[arg-type]
    out: dict[str, int | None] = {}
    for c in catalogue.criteria():
        if c.code in known:
            out[c.code] = known[c.code]
        elif c.code.startswith("cert_") or c.code in REGISTRY_ONLY:
            out[c.code] = 0
        elif rng.random() < 0.1:
            out[c.code] = None
        elif c.max_value == 1:
            out[c.code] = int(rng.random() < m)
        else:
            out[c.code] = max(0, min(4, round(4 * m + rng.gauss(0, 0.8))))
    return out


def seed_assessments(session: Session, *, share: float = 0.2, seed: int = 7) -> int:
    """Write one synthetic assessment for a sample of IKM that have none; returns how many."""
    rng = random.Random(seed)
    threshold = int(share * 1000)
    assessed = set(session.scalars(select(Assessment.firm_id)))
    written, page = 0, 1
    while written < MAX_FIRMS:
        firms, _ = registry_service.search_firms(
            session, filters=FirmFilter(role="ikm"), page=page, page_size=1000, newest_first=True
        )
        if not firms:
            break
        for firm in firms:
            if firm.id in assessed or (firm.id * 2654435761 + seed) % 1000 >= threshold:
                continue
            vector = scoring.encode(_answers(firm, rng))
            scores = scoring.scores(vector)
            session.add(
                Assessment(
                    firm_id=firm.id,
                    province_code=firm.province_code,
                    size_class=firm.size_class,
                    product_group=catalogue.product_group(firm.kbli_code),
                    version=1,
                    assessor_kind=str(AssessorKind.SYNTHETIC),
                    assessor="synthetic demo",
                    catalogue_version=catalogue.version(),
                    vector=vector,
                    prefilled="",
                    scores=json.dumps(scores, sort_keys=True),
                    overall=scores["overall"],
                    is_latest=True,
                )
            )
            written += 1
            if written >= MAX_FIRMS:
                break
        session.flush()
        page += 1
    audit.record(
        session,
        actor=system_actor("system"),
        action="capability.seed",
        entity_type="capability_assessment",
        after={"written": written, "share": share, "seed": seed},
    )
    return written


def seed_if_empty(session: Session) -> int:
    """Seed synthetic assessments when there are none yet (first start of the demo)."""
    if session.scalar(select(func.count()).select_from(Assessment)):
        return 0
    return seed_assessments(session)

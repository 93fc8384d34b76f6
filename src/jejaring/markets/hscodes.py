"""Product text → HS6 suggestions (matching's multilingual encoder), and people's corrections of a firm's codes.

Suggestions: the product text is embedded with the encoder partner search uses (through
``matching.service.embed_texts``) and compared with the English names of HS 2022 subheadings, restricted
to the chapters of the firm's KBLI division when known (``scripts/build_kbli_hs.py``'s table); the cosine
similarity is the confidence. Chapter vectors are computed once per process. Corrections are a write
service: ``markets.set_hs`` (the firm's owner, or an officer of its province), audited.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from jejaring.accounts import audit
from jejaring.accounts.authz import authorize
from jejaring.accounts.roles import Actor
from jejaring.core.errors import DomainError
from jejaring.markets import atlas
from jejaring.markets.models import FirmHsCode

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "build_kbli_hs.py"
ALL_CHAPTERS = "all"


@lru_cache(maxsize=1)
def division_chapters() -> dict[str, str]:
    """KBLI division → allowed HS chapters (the table of the build script, when the source tree is present)."""
    if not SCRIPT.exists():
        return {}
    spec = importlib.util.spec_from_file_location("jejaring_build_kbli_hs", SCRIPT)
    if spec is None or spec.loader is None:
        return {}
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return dict(module.DIVISION_CHAPTERS)


@lru_cache(maxsize=64)
def _chapter_vectors(chapters: str) -> tuple[tuple[str, ...], tuple[str, ...], np.ndarray]:
    from jejaring.matching import service as matching_service

    hs = atlas.hs6_products()
    if chapters != ALL_CHAPTERS:
        allowed = chapters.split()
        hs = hs.filter(hs["hs6"].str.slice(0, 2).is_in(allowed))
    codes, names = tuple(hs["hs6"].to_list()), tuple(hs["name"].to_list())
    return codes, names, np.asarray(matching_service.embed_texts(list(names)))


def suggest(text: str, *, kbli: str | None = None, top: int = 5) -> list[dict[str, Any]]:
    """The ``top`` HS6 codes whose names are closest in meaning to ``text`` (Indonesian or English)."""
    from jejaring.matching import service as matching_service

    if not text.strip():
        return []
    chapters = division_chapters().get((kbli or "")[:2], ALL_CHAPTERS)
    codes, names, vectors = _chapter_vectors(chapters)
    query = np.asarray(matching_service.embed_texts([text]))[0]
    sims = vectors @ query
    best = np.argsort(-sims)[:top]
    return [{"hs6": codes[i], "name": names[i], "confidence": round(max(float(sims[i]), 0.0), 3)} for i in best]


def firm_codes(session: Session, *, firm_id: int) -> list[FirmHsCode]:
    """HS codes people set for a firm."""
    return list(session.scalars(select(FirmHsCode).where(FirmHsCode.firm_id == firm_id).order_by(FirmHsCode.hs6)))


def set_firm_hs(
    session: Session,
    *,
    actor: Actor,
    firm: Any,
    hs6: str,
    product_text: str | None = None,
    confidence: float = 1.0,
    remove: bool = False,
) -> FirmHsCode | None:
    """Confirm, correct or remove one HS6 code of a firm (owner or officer); audited. None when removed."""
    authorize(actor, "markets.set_hs", firm)
    code = hs6.strip().replace(".", "")
    if code not in set(atlas.hs6_products()["hs6"].to_list()):
        raise DomainError("markets.error.unknown_hs", field="hs6", value=hs6)
    row = session.scalar(select(FirmHsCode).where(FirmHsCode.firm_id == firm.id, FirmHsCode.hs6 == code))
    before = {"hs6": row.hs6, "product_text": row.product_text} if row else None
    if remove:
        if row is not None:
            session.delete(row)
        result = None
    else:
        if row is None:
            row = FirmHsCode(firm_id=firm.id, hs6=code, source="corrected", confidence=confidence)
            session.add(row)
        row.product_text = product_text
        row.confidence = confidence
        row.set_by = actor.label
        result = row
    audit.record(
        session,
        actor=actor,
        action="markets.set_hs" if not remove else "markets.remove_hs",
        entity_type="firm",
        entity_id=firm.public_id,
        province_code=firm.province_code,
        before=before,
        after=None if remove else {"hs6": code, "product_text": product_text},
    )
    session.flush()
    return result

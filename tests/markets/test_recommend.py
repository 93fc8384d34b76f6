"""Recommendations for firms, sentra and provinces on SQLite and PostgreSQL, with and without certificates."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from jejaring.markets import atlas, requirements, service
from jejaring.registry import service as registry_service
from jejaring.registry.models import Firm, Product
from jejaring.registry.schemas import FirmCreate, SentraCreate


def _firm(session: Session, name: str, *, kbli: str, hs: str | None = None, certs: tuple[str, ...] = ()) -> Firm:
    firm = registry_service.create_firm(
        session,
        data=FirmCreate.model_validate(
            {
                "name": name,
                "regency_code": "33.20",
                "kbli_code": kbli,
                "products": "produk uji",
                "workers": 5,
                "certifications": [{"code": c} for c in certs],
            }
        ),
    )
    if hs:  # HS codes as an intake row declares them
        session.add(Product(firm_id=firm.id, kbli_code=kbli, hs_codes=hs, description="produk uji"))
    session.flush()
    return firm


def _rows_with(result: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [m for m in result["markets"] if any(o["rule"] == rule for o in m["obstacles"])]


def test_halal_required_in_oic_markets_checked_against_the_firm(session: Session, world_dir: Path) -> None:
    without = _firm(session, "Saus Tanpa Halal", kbli="10779", hs="210390")
    with_cert = _firm(session, "Saus Bersertifikat", kbli="10779", hs="210390", certs=("HALAL",))
    a = service.recommendations(session, kind="firm", ref=without.public_id, limit=100, data_dir=world_dir)
    b = service.recommendations(session, kind="firm", ref=with_cert.public_id, limit=100, data_dir=world_dir)
    assert a["synthetic"] is True and a["products"][0]["source"] == "declared"
    halal_a, halal_b = _rows_with(a, "halal_food"), _rows_with(b, "halal_food")
    assert halal_a, "no OIC market among the recommendations"
    assert {m["market"] for m in halal_a} <= requirements.oic_members()
    assert all("HALAL" in m["missing_certificates"] for m in halal_a)
    assert all(o["held"] for m in halal_b for o in m["obstacles"] if o["rule"] == "halal_food")
    assert all("HALAL" not in m["missing_certificates"] for m in b["markets"])
    non_oic = [m for m in a["markets"] if m["market"] not in requirements.oic_members()]
    assert non_oic and not any(o["rule"] == "halal_food" for m in non_oic for o in m["obstacles"])
    reason = " ".join(w["id"] for w in halal_a[0]["why"])
    assert "belum dimiliki" in reason and "halal" in reason.lower()
    assert "not held" in " ".join(w["en"] for w in halal_a[0]["why"])


def test_svlk_for_timber_to_the_eu(session: Session, world_dir: Path) -> None:
    firm = _firm(session, "Rotan Jaya", kbli="31009", hs="940383", certs=("SVLK",))
    plain = _firm(session, "Rotan Biasa", kbli="31009", hs="940383")
    got = service.recommendations(session, kind="firm", ref=firm.public_id, limit=100, data_dir=world_dir)
    bare = service.recommendations(session, kind="firm", ref=plain.public_id, limit=100, data_dir=world_dir)
    eu = atlas.eu_members() | {"GBR"}
    svlk = _rows_with(got, "svlk_timber")
    assert svlk and {m["market"] for m in svlk} <= eu
    assert all(o["held"] for m in svlk for o in m["obstacles"] if o["rule"] == "svlk_timber")
    assert all("SVLK" in m["missing_certificates"] for m in _rows_with(bare, "svlk_timber"))
    # the planted fast-growing market for rattan furniture is the best one
    assert got["markets"][0]["market"] == "JPN"


def test_firm_without_hs_is_read_through_its_kbli(session: Session, world_dir: Path) -> None:
    firm = _firm(session, "Kopi Bubuk", kbli="10761")
    got = service.recommendations(session, kind="firm", ref=firm.public_id, data_dir=world_dir)
    assert got["products"] and all(p["source"] == "kbli" for p in got["products"])
    assert got["markets"] and got["nearby_products"]
    made = {p["hs6"] for p in got["products"]}
    assert all(p["hs6"] not in made for p in got["nearby_products"])
    assert all(len(p["why"]) >= 3 and p["why"][0]["id"] and p["why"][0]["en"] for p in got["nearby_products"])
    scores = [p["score"] for p in got["nearby_products"]]
    assert scores == sorted(scores, reverse=True)


def test_sentra_and_province(session: Session, world_dir: Path) -> None:
    from jejaring.insights import rollups

    members = [_firm(session, f"Anggota {i}", kbli="31009", hs="940383") for i in range(3)]
    sentra = registry_service.create_sentra(
        session, data=SentraCreate(name="Sentra Rotan Uji", regency_code="33.20", kbli_code="31009")
    )
    for f in members:
        registry_service.add_sentra_member(session, sentra=sentra, firm=f)
    session.flush()
    got = service.recommendations(session, kind="sentra", ref=sentra.public_id, data_dir=world_dir)
    assert got["kind"] == "sentra" and "940383" in {p["hs6"] for p in got["products"]}
    assert got["markets"][0]["market"] == "JPN"
    rollups.refresh_rollups(session)
    session.commit()
    province = service.recommendations(session, kind="province", ref="33", data_dir=world_dir)
    assert province["name"] and province["products"] and province["markets"]
    leading = service.leading_products(session, code="33", data_dir=world_dir)
    assert leading and leading[0]["score"] >= leading[-1]["score"]


def test_one_firm_recommendation_is_fast(session: Session, world_dir: Path) -> None:
    firm = _firm(session, "Cepat", kbli="10779", hs="210390;940383")
    service.recommendations(session, kind="firm", ref=firm.public_id, data_dir=world_dir)  # warm the caches
    times = []
    for _ in range(20):
        t = time.perf_counter()
        service.recommendations(session, kind="firm", ref=firm.public_id, data_dir=world_dir)
        times.append(time.perf_counter() - t)
    assert sorted(times)[18] < 0.25  # p95; the benchmark reports the figure (target 50 ms) on a quiet machine


def test_cli_recommend_json(env_db: str, world_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jejaring.cli import app
    from jejaring.core import migrate
    from jejaring.core.config import get_settings
    from jejaring.core.db import get_engine, session_scope
    from jejaring.reference import service as reference_service

    migrate.upgrade(env_db)
    with session_scope(get_engine(env_db)) as s:
        reference_service.load_reference(s)
        firm = _firm(s, "Saus CLI", kbli="10779", hs="210390")
        public_id = firm.public_id
    monkeypatch.setenv("JEJARING_DATA_DIR", str(world_dir))
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["markets", "recommend", "--firm", public_id, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["id"] == public_id and data["markets"] and data["markets"][0]["why"][0]["en"]
    none = CliRunner().invoke(app, ["markets", "recommend", "--json"])
    assert none.exit_code != 0

"""Tariffs faced by Indonesian goods: agreements (facts) and synthetic rates, in recommendations, pages and API."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pycountry
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jejaring.core.config import Settings
from jejaring.markets import atlas, recommend, tariffs
from jejaring.registry import service as registry_service
from jejaring.registry.models import Product
from jejaring.registry.schemas import FirmCreate
from jejaring.web.app import create_app


def test_agreements_name_known_partners_and_sources() -> None:
    known = {c.alpha_3 for c in pycountry.countries}
    deals = tariffs.agreements()
    assert {"ATIGA", "ACFTA", "IJEPA", "RCEP", "IA-CEPA", "IE-CEPA"} <= {a.code for a in deals}
    for a in deals:
        assert a.partners and a.partners <= known, a.code
        assert 1990 <= a.in_force <= 2026 and a.source
    assert [a.code for a in tariffs.agreements_with("AUS", 2011)] == []  # AANZFTA for Indonesia from 2012
    assert [a.code for a in tariffs.agreements_with("AUS", 2024)][:2] == ["RCEP", "IA-CEPA"]
    assert tariffs.agreements_with("USA", 2024) == []


def test_rates_are_deterministic_and_follow_the_documented_method() -> None:
    codes = atlas.hs6_products()["hs6"].to_list()[::3]
    assert tariffs.tariff("USA", "940383", 2024) == tariffs.tariff("USA", "940383", 2024)
    assert all(tariffs.mfn_rate("SGP", c) == 0 for c in codes[:200])  # a free port
    usa = np.array([tariffs.mfn_rate("USA", c) for c in codes])
    assert 0.18 < (usa == 0).mean() < 0.32  # a quarter of the lines duty-free
    assert usa.max() <= tariffs.MAX_RATE and np.allclose(usa * 2, np.round(usa * 2))
    food = np.array([tariffs.mfn_rate("USA", c) for c in codes if int(c[:2]) <= 24])
    machines = np.array([tariffs.mfn_rate("USA", c) for c in codes if c[:2] in ("84", "85")])
    assert food.mean() > 2 * machines.mean()
    # no agreement with the USA: Indonesia pays MFN; with China (ACFTA) mostly nothing, never more than MFN
    assert all(tariffs.tariff("USA", c, 2024).applied == tariffs.mfn_rate("USA", c) for c in codes[:300])
    china = [tariffs.tariff("CHN", c, 2024) for c in codes]
    dutiable = [t for t in china if t.mfn > 0]
    assert all(t.applied <= t.mfn for t in china)
    assert 0.75 < sum(t.applied == 0 for t in dutiable) / len(dutiable) < 0.95
    assert {t.agreement for t in dutiable} == {"RCEP"}  # the newest agreement in force
    assert all(t.agreement is None for t in (tariffs.tariff("CHN", c, 2004) for c in codes[:100]))


def test_recommendations_carry_the_tariff_in_both_languages(world_dir: Path) -> None:
    profile = recommend.Profile("firm", "F", "uji", {"940383": {"weight": 1.0, "source": "declared", "confidence": 1}})
    rows = recommend.best_markets(profile, data_dir=world_dir)
    assert rows
    for r in rows:
        expected = tariffs.tariff(r["market"], r["hs6"], 2024)
        assert r["tariff"]["applied"] == expected.applied and r["tariff"]["mfn"] == expected.mfn
        line = next(w for w in r["why"] if "MFN" in w["en"])
        assert "sintetis" in line["id"] and "synthetic" in line["en"]
        assert f"{expected.mfn:.1f}".replace(".", ",") in line["id"] and f"{expected.mfn:.1f}" in line["en"]


@pytest.fixture
def client(settings: Settings, world_dir: Path) -> TestClient:
    return TestClient(create_app(settings.model_copy(update={"data_dir": world_dir})))


def test_page_shows_tariffs_and_agreements_and_api_answers(client: TestClient, session: Session) -> None:
    firm = registry_service.create_firm(
        session,
        data=FirmCreate.model_validate(
            {"name": "Mebel Tarif Uji", "regency_code": "33.20", "kbli_code": "31009", "products": "kursi rotan"}
        ),
    )
    session.add(Product(firm_id=firm.id, kbli_code="31009", hs_codes="940383", description="kursi rotan"))
    session.commit()
    with client:
        for lang, sep, note in (("id", ",", "SINTETIS"), ("en", ".", "SYNTHETIC")):
            page = client.get(f"/markets?firm={firm.public_id}&lang={lang}")
            soup = BeautifulSoup(page.text, "html.parser")
            assert note in soup.select_one("#markets-tariff-note").text
            first = soup.select("#markets-best tbody tr")[0]
            duty = tariffs.tariff("JPN", "940383", 2024)
            cell = first.select_one(".markets-tariff").text
            assert f"{duty.applied:.1f}".replace(".", sep) in cell and f"{duty.mfn:.1f}".replace(".", sep) in cell
            assert "IJEPA" in soup.select_one("#markets-agreements").text
        got = client.get("/api/v1/markets/tariffs/jpn/940383").json()
        assert got["market"] == "JPN" and got["synthetic"] is True and got["year"] == 2024
        assert got["applied"] <= got["mfn"] and got["agreement"] in (None, "RCEP")
        assert client.get("/api/v1/markets/tariffs/JPN/999999").status_code == 404
        assert client.get("/api/v1/markets/tariffs/XXX/940383").status_code == 404
        deals = client.get("/api/v1/markets/agreements").json()["agreements"]
        assert any(d["code"] == "IJEPA" and d["partners"] == ["JPN"] for d in deals)
        csv_text = client.get(f"/markets/export.csv?table=markets&firm={firm.public_id}").content.decode("utf-8-sig")
        header = csv_text.splitlines()[0].replace('"', "")
        assert header.endswith("tariff_mfn_synthetic,tariff_indonesia_synthetic,agreement")

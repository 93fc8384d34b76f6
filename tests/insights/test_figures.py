"""Service figures vs. figures computed independently from the raw rows, on SQLite and PostgreSQL."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from jejaring.insights import charts, clusters, quality, rollups, service, tables
from jejaring.insights.service import Scope
from jejaring.reference import catalog
from jejaring.registry.models import Firm, FirmRole
from tests.insights import expected
from tests.insights.factory import NOW, Rows, insert_rows, make_rows


def test_stats_match_raw_rows(session: Session, seeded: Rows) -> None:
    want = expected.stats(seeded)
    got = service.stats(session)
    assert got == want
    assert 0 < want["ikm_units"] < want["industry_units"]
    assert set(got) == {
        "ikm_units",
        "ikm_workers",
        "industry_units",
        "industry_workers",
        "sentra",
        "sector_shares",
        "by_province",
    }


def test_creative_is_union_of_three_sectors(session: Session, seeded: Rows) -> None:
    shares = service.stats(session)["sector_shares"]
    three = shares["makanan_minuman"] + shares["kerajinan"] + shares["fesyen"]
    assert math.isclose(shares["industri_kreatif"], three, abs_tol=3e-6)


def test_breakdowns_match_raw_rows(session: Session, seeded: Rows) -> None:
    for dim in ("province", "regency", "kbli_division", "kbli_group", "size_class"):
        key = {"province": "province_code", "regency": "regency_code"}.get(dim, dim)
        want = expected.ikm_by(seeded, key)
        got = {
            r["code"]: (r["ikm_units"], r["ikm_workers"])
            for r in service.breakdown(session, dim=dim, scope=Scope(), lang="id")
            if r["ikm_units"]
        }
        assert got == want, dim


def test_breakdowns_scoped_by_year_and_province(session: Session, seeded: Rows) -> None:
    scope = Scope(year=2023, province="33")
    want = expected.ikm_by(seeded, "regency_code", year=2023, province="33")
    got = {
        r["code"]: (r["ikm_units"], r["ikm_workers"])
        for r in service.breakdown(session, dim="regency", scope=scope, lang="id")
        if r["ikm_units"]
    }
    assert got == want and got
    h = service.headline(session, scope=scope)
    firms = expected.industry_firms(seeded, year=2023, province="33")
    assert h["industry_units"] == len(firms)
    assert h["ikm_units"] == sum(1 for f in firms if f["rg"] == "ikm")
    assert h["sentra"] == sum(1 for s in seeded.sentra if s["province_code"] == "33" and s["reference_year"] == 2023)


def test_certificate_breakdown(session: Session, seeded: Rows) -> None:
    ikm_ids = {f["id"] for f in expected.industry_firms(seeded) if f["rg"] == "ikm"}
    want: dict[str, int] = {}
    for c in seeded.certifications:
        if c["firm_id"] in ikm_ids:
            want[c["certificate_code"]] = want.get(c["certificate_code"], 0) + 1
    got = {r["code"]: r["ikm_units"] for r in service.breakdown(session, dim="certificate", scope=Scope(), lang="id")}
    assert {k: v for k, v in got.items() if v} == want


def test_timeseries_and_headline_shares(session: Session, seeded: Rows) -> None:
    series = {r["year"]: r for r in service.timeseries(session, scope=Scope())}
    for year in (2022, 2023, 2024):
        firms = expected.industry_firms(seeded, year=year)
        assert series[year]["industry_units"] == len(firms)
        assert series[year]["ikm_workers"] == sum(f["workers"] or 0 for f in firms if f["rg"] == "ikm")
    h = service.headline(session, scope=Scope())
    firms = expected.industry_firms(seeded)
    ikm_out = sum(f["production_value"] or 0 for f in firms if f["rg"] == "ikm")
    all_out = sum(f["production_value"] or 0 for f in firms)
    assert h["ikm_output"] == ikm_out
    assert math.isclose(h["ikm_output_share"], ikm_out / all_out)
    assert math.isclose(h["ikm_unit_share"], h["ikm_units"] / len(firms))
    with_nib = sum(1 for f in firms if f["nib"])
    assert math.isclose(h["completeness"]["nib"], with_nib / len(firms))


def test_location_quotient_formula() -> None:
    # region has 30 of its 100 units in the division; nationally 300 of 10,000 → LQ = 0.3 / 0.03 = 10
    assert clusters.location_quotient(30, 100, 300, 10_000) == pytest.approx(10.0)
    assert clusters.location_quotient(5, 0, 300, 10_000) is None


@pytest.mark.parametrize(("level", "measure"), [("province", "units"), ("regency", "workers")])
def test_lq_table_matches_definition(session: Session, seeded: Rows, level: str, measure: str) -> None:
    want = expected.lq(seeded, "province_code" if level == "province" else "regency_code", measure)
    rows = clusters.lq_table(session, level=level, measure=measure, scope=Scope(), lang="id")
    got = {(r["region"], r["division"]): r["lq"] for r in rows}
    assert got.keys() == want.keys()
    for key, value in want.items():
        assert got[key] == pytest.approx(value)
    # weighted mean of LQ over regions (weights = region's share of the division) is 1 for each division
    spec = clusters.specialisation(session, level=level, measure=measure, scope=Scope(), lang="id")
    assert [r["rank"] for r in spec] == list(range(1, len(spec) + 1))
    assert all(0 <= r["specialisation_index"] < 1 for r in spec)


def test_sentra_strength(session: Session, seeded: Rows) -> None:
    rows = clusters.sentra_strength(session, scope=Scope(), lang="id")
    assert len(rows) == len(seeded.sentra)
    firms = {f["id"]: f for f in seeded.firms}
    by_id = {s["public_id"]: s for s in seeded.sentra}
    for r in rows:
        s = by_id[r["public_id"]]
        members = [firms[m["firm_id"]] for m in seeded.memberships if m["sentra_id"] == s["id"]]
        members = [f for f in members if f["status"] == "active"]
        assert r["members"] == len(members)
        if members:
            same = sum(1 for f in members if f["kbli_division"] == s["kbli_code"][:2])
            assert r["focus"] == pytest.approx(same / len(members))
        assert 0 <= r["strength"] <= 100
    assert [r["strength"] for r in rows] == sorted((r["strength"] for r in rows), reverse=True)


def test_quality_issues_counted(session: Session) -> None:
    rows = make_rows(40, seed=3, n_sentra=0)
    seat = next(r for r in catalog.regencies() if r["code"] == "32.04")
    for f in rows.firms:
        f.update(province_code="32", regency_code="32.04", status="active")
        if f["latitude"] is not None:
            f.update(latitude=seat["latitude"] + 0.05, longitude=seat["longitude"] - 0.05)
    rows.firms[0]["nib"] = rows.firms[1]["nib"] = "1234567890123"
    rows.firms[2].update(latitude=-2.0, longitude=120.0)  # far from Kab. Bandung
    insert_rows(session, rows)
    session.execute(
        insert(Firm),
        [
            {
                "id": 10_000,
                "public_id": "F-0000009Z-0",
                "name": "Tanpa peran",
                "name_key": "tanpa peran",
                "province_code": "32",
                "regency_code": "32.04",
                "kbli_code": "10710",
                "status": "active",
                "created_at": NOW,
                "updated_at": NOW,
            }
        ],
    )
    session.execute(insert(FirmRole), [{"firm_id": 10_000, "role": "distributor"}])
    session.commit()
    service.refresh_rollups(session)
    issues = {i["issue"]: i["units"] for i in quality.issues(session, province="32", lang="id")}
    # every issue but no_industry_role counts industry units, the population of the completeness shares
    industry = {r["firm_id"] for r in rows.roles if r["role"] in ("ikm", "industri_besar")}
    active = [f for f in rows.firms if f["id"] in industry]
    dup = [f for f in rows.firms[:2] if f["id"] in industry]
    assert issues["duplicate_nib"] == len(dup)
    assert issues["coordinates_far_from_regency"] == (1 if rows.firms[2]["id"] in industry else 0)
    assert issues["no_workers"] == sum(1 for f in active if f["workers"] is None)
    assert issues["no_kbli"] == sum(1 for f in active if f["kbli_code"] is None)
    completeness = quality.completeness(session, scope=Scope(province="32"), lang="id")[0]
    assert completeness["units"] == len(active)
    assert round(completeness["workers_share"] * len(active)) == len(active) - issues["no_workers"]
    assert round(completeness["coordinates_share"] * len(active)) == len(active) - issues["no_coordinates"]
    for issue, n in issues.items():  # each count is exactly the list of firms it links to
        listed, total = rollups.issue_firms(session, issue=issue, province="32", page=1, size=500)
        assert total == n == len(listed), issue
    assert issues["no_industry_role"] == 1 + sum(
        1
        for f in rows.firms
        if f["kbli_code"] and all(r["role"] == "distributor" for r in rows.roles if r["firm_id"] == f["id"])
    )
    assert quality.issues(session, province="11", lang="id")[0]["units"] == 0


def test_refresh_is_idempotent_and_staleness_detected(session: Session, seeded: Rows) -> None:
    before = service.stats(session)
    entry = service.refresh_rollups(session)
    session.commit()
    assert service.stats(session) == before
    assert not service.is_stale(session, entry)
    extra = make_rows(5, seed=99, start_id=50_000, n_sentra=0)
    insert_rows(session, extra)
    session.commit()
    assert service.is_stale(session, entry)
    service.ensure_fresh(session)
    assert service.stats(session)["industry_units"] >= before["industry_units"]


def test_year_chart_leaves_gaps_where_no_year_has_records() -> None:
    rows = [
        {"year": 0, "year_label": "?", "ikm_units": 5, "ikm_workers": 9, "industry_units": 5},
        {"year": 2019, "year_label": "2019", "ikm_units": 10, "ikm_workers": 40, "industry_units": 11},
        {"year": 2022, "year_label": "2022", "ikm_units": 7, "ikm_workers": 0, "industry_units": 7},
    ]
    empty = tables.Table("t", "t", [], [])
    data = charts.dashboard(
        "id",
        path_with={},
        map_data={},
        timeseries=tables.Table("timeseries", "t", [], rows),
        divisions=empty,
        sizes=empty,
        headline={"sectors": {}},
    )["timeseries"]
    assert data["years"] == ["2019", "2020", "2021", "2022"]
    assert data["ikm_units"] == [10, None, None, 7]
    assert data["ikm_workers"] == [40, None, None, None]  # no worker figure in 2022: no point, not zero


def test_province_sources_are_its_own(session: Session, seeded: Rows) -> None:
    national = service.headline(session, scope=Scope())["sources"]
    by_province = national["by_province"]
    assert by_province and set(by_province) <= {f["province_code"] for f in seeded.firms} | {
        s["province_code"] for s in seeded.sentra
    }
    for code, src in by_province.items():
        firms = [f for f in seeded.firms if f["province_code"] == code and f["status"] == "active"]
        years = [f["reference_year"] for f in firms if f["reference_year"] is not None]
        assert src.get("year_min") == (min(years) if years else None), code
        assert src.get("year_max") == (max(years) if years else None), code
        own_sentra = {s["source"] for s in seeded.sentra if s["province_code"] == code and s["source"]}
        assert set(src["sentra_sources"]) <= own_sentra, code
    code = next(iter(by_province))
    table = tables.build(session, "headline", tables.Params(scope=Scope(province=code)), "id")
    sentra_row = next(r for r in table.rows if r["key"] == "sentra")
    others = {s["source"] for s in seeded.sentra if s["province_code"] != code and s["source"]}
    assert not any(o in sentra_row["source"] for o in others - set(by_province[code]["sentra_sources"]))

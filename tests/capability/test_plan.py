"""The development plan on small catalogues whose optimal plan is known by hand, and on the real catalogue."""

from __future__ import annotations

import time

import pytest

from jejaring.capability import catalogue, gaps, scoring
from jejaring.capability.catalogue import Intervention
from jejaring.capability.gaps import Gap
from jejaring.capability.plan import make_plan


def iv(code: str, lifts: dict[str, float], cost: int = 0, duration: float = 1, **kw: object) -> Intervention:
    return Intervention(
        code=code,
        kind="test",
        provider="test",
        name_id=code,
        name_en=code,
        cost_firm=cost,
        cost_gov=0,
        duration=duration,
        lifts=lifts,
        source="test",
        **kw,  # type: ignore[arg-type]
    )


def gap(criterion: str, weight: float, required: float = 1.0, current: float = 0.0) -> Gap:
    return Gap(criterion, "quality", current, required, weight, criterion, "test")


# Real criterion codes are used only as names here; weights come from the gaps given.
A, B, C, P = "cert_halal", "cert_sni", "cert_tkdn", "nib"
BUDGET_CASE = [
    iv("i1", {A: 1}, cost=10),
    iv("i2", {B: 1, C: 1}, cost=7),
    iv("i3", {B: 1}, cost=3),
    iv("i4", {C: 1}, cost=3),
]
BUDGET_GAPS = [gap(A, 4), gap(B, 2), gap(C, 1)]


@pytest.mark.parametrize(
    ("budget", "expected", "closed"),
    [
        (12, {"i1"}, 4.0),  # i1 alone (4) beats i3+i4 (3) and i2 (3)
        (13, {"i1", "i3"}, 6.0),  # i1 + i3 (4+2) beats i1 + i4 (4+1)
        (16, {"i1", "i3", "i4"}, 7.0),  # everything, i3+i4 (6) cheaper than i2 (7)
        (6, {"i3", "i4"}, 3.0),  # i1 out of reach; i3+i4 cost 6 = i2's gap for less
        (2, set(), 0.0),
    ],
)
def test_budget_knapsack(budget: int, expected: set[str], closed: float) -> None:
    plan = make_plan(levels={}, gaps=BUDGET_GAPS, catalogue=BUDGET_CASE, budget_firm=budget, months=12)
    assert plan.status == "optimal"
    assert {s.code for s in plan.steps} == expected
    assert plan.gap_closed == pytest.approx(closed)
    assert plan.gap_total == pytest.approx(7.0)
    assert plan.cost_firm <= budget


PREREQ_CASE = [iv("j1", {P: 1}, duration=2), iv("j2", {A: 1}, duration=3, requires={P: 1.0})]


def test_prerequisite_fits_in_time() -> None:
    plan = make_plan(levels={}, gaps=[gap(A, 3)], catalogue=PREREQ_CASE, budget_firm=0, months=5)
    assert [s.code for s in plan.steps] == ["j1", "j2"]
    first, second = plan.steps
    assert second.start >= first.end - 1e-6  # j1 completes before j2 starts
    assert plan.months <= 5
    assert "j2" in first.enables
    assert plan.gap_closed == pytest.approx(3.0)


def test_prerequisite_too_long_for_the_time_limit() -> None:
    plan = make_plan(levels={}, gaps=[gap(A, 3)], catalogue=PREREQ_CASE, budget_firm=0, months=4)
    assert plan.steps == []
    assert plan.remaining == [A]


def test_prerequisite_already_met() -> None:
    plan = make_plan(levels={P: 1.0}, gaps=[gap(A, 3)], catalogue=PREREQ_CASE, budget_firm=0, months=3)
    assert [s.code for s in plan.steps] == ["j2"]


def test_prerequisite_with_no_provider_blocks_the_step() -> None:
    only = [iv("j2", {A: 1}, requires={P: 1.0})]
    plan = make_plan(levels={}, gaps=[gap(A, 3)], catalogue=only, budget_firm=10, months=12)
    assert plan.steps == []


def test_two_partial_lifts_do_not_add_up() -> None:
    items = [iv("k1", {"quality_control": 0.5}, cost=1), iv("k2", {"quality_control": 0.5}, cost=2)]
    plan = make_plan(levels={}, gaps=[gap("quality_control", 3)], catalogue=items, budget_firm=10, months=12)
    assert [s.code for s in plan.steps] == ["k1"]  # the second adds nothing; the cheaper one is kept
    assert plan.gap_closed == pytest.approx(1.5)


def _food_firm_gaps(nib: bool) -> tuple[dict[str, float], list[Gap]]:
    levels = scoring.levels(scoring.encode({"nib": 1} if nib else {}))
    return levels, gaps.gaps(levels, gaps.market_target("pangan", "oki"), "id")


def test_real_catalogue_small_food_firm_takes_the_free_halal_route() -> None:
    levels, found = _food_firm_gaps(nib=False)
    plan = make_plan(
        levels=levels,
        gaps=found,
        catalogue=catalogue.interventions(),
        budget_firm=0,
        months=12,
        size_class="kecil",
        group="pangan",
    )
    codes = [s.code for s in plan.steps]
    assert "halal_sehati" in codes and "halal_regular" not in codes
    assert codes.index("oss_nib") < codes.index("halal_sehati")  # NIB first: SEHATI requires it
    assert plan.cost_firm == 0
    assert all(s.text.startswith("Bulan ") for s in plan.steps)


def test_real_catalogue_medium_firm_pays_for_regular_halal() -> None:
    levels, found = _food_firm_gaps(nib=True)
    kwargs = {"levels": levels, "gaps": found, "catalogue": catalogue.interventions(), "months": 12.0}
    # Rp1.150.000 buys both the brand registration (Rp500.000) and regular halal (Rp650.000), weight 3 each
    plan = make_plan(**kwargs, budget_firm=1_150_000, size_class="menengah", group="pangan")  # type: ignore[arg-type]
    codes = {s.code for s in plan.steps}
    assert "halal_regular" in codes and "halal_sehati" not in codes
    assert any(e["code"] == "halal_sehati" for e in plan.excluded)
    assert plan.cost_firm == 1_150_000
    broke = make_plan(**kwargs, budget_firm=0, size_class="menengah", group="pangan")  # type: ignore[arg-type]
    assert "cert_halal" in broke.remaining


def test_plan_is_fast() -> None:
    levels, found = _food_firm_gaps(nib=False)
    make_plan(levels=levels, gaps=found, catalogue=catalogue.interventions(), budget_firm=10**8, months=24)
    start = time.process_time()  # CPU time: the shared test machine's load must not decide the outcome
    for _ in range(5):
        make_plan(levels=levels, gaps=found, catalogue=catalogue.interventions(), budget_firm=10**8, months=24)
    assert (time.process_time() - start) / 5 < 0.2

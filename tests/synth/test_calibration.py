"""The national plan: KBLI mix and provincial shape honour the calibration exactly."""

from __future__ import annotations

import numpy as np

from jejaring.reference import catalog
from jejaring.synth import calibration, kbli_mix, plan


def test_kbli_mix_meets_every_constraint_and_the_ranking():
    codes, w = kbli_mix.national_weights()
    assert (w >= 0).all() and abs(w.sum() - 1) < 1e-9
    for c in kbli_mix.constraints(codes):
        assert abs(w[c.mask].sum() - c.share) < 1e-9, c.label
    division: dict[str, float] = {}
    for code, share in zip(codes, w, strict=True):
        division[code[:2]] = division.get(code[:2], 0.0) + share
    ranked = sorted(division, key=division.__getitem__)
    assert ranked[-1] == "10" and ranked[0] == "26"
    assert division["14"] > 500_000 / 4_209_817 and division["16"] > 500_000 / 4_209_817


def test_every_kbli_code_is_a_real_five_digit_code():
    real = {r["code"] for r in catalog.kbli() if r["level"] == "kelompok"}
    codes, _ = kbli_mix.national_weights()
    assert set(codes) == real


def test_province_shares_follow_bps():
    shares = calibration.province_unit_shares()
    assert abs(sum(shares.values()) - 1) < 1e-12
    assert abs(sum(shares[c] for c in calibration.JAVA) - 0.6311) < 1e-9
    assert abs(sum(shares[c] for c in calibration.MALUKU_PAPUA) - 0.0125) < 1e-9
    assert abs(shares["33"] - 898_162 / 4_209_817) < 1e-9
    units = calibration.province_units(4_400_374)
    assert sum(units.values()) == 4_400_374
    assert sorted(units, key=units.__getitem__)[-3:] == ["32", "35", "33"]


def test_national_plan_at_scale_one_adds_up():
    p = plan.build(1.0, 1, 0.01)
    assert sum(x.units for x in p.provinces) == 4_400_374
    assert sum(x.workers for x in p.provinces) == 12_390_000
    assert p.targets.ikm_units + p.targets.large_units == 4_410_557
    assert p.targets.large_workers == 18_640_000 - 12_390_000
    assert sum(x.sentra for x in p.provinces) == 10_514
    sig = np.array([x.signature_counts for x in p.provinces]).sum(axis=0)
    shares = calibration.facts()["national"]["sector_shares"]
    for j, name in enumerate(kbli_mix.SIGNATURE_NAMES[:3]):
        assert abs(sig[j] - shares[name] * 4_400_374) <= 1

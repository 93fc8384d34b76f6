"""KBLI 2020 → HS 2022: every five-digit KBLI of category C has HS6 codes that exist, in its group's chapters."""

from __future__ import annotations

import csv
from importlib import resources

from jejaring.markets import atlas, correspondence


def _kelompok() -> list[str]:
    text = resources.files("jejaring.reference").joinpath("data", "kbli2020_c.csv").read_text("utf-8")
    return [r["code"] for r in csv.DictReader(text.splitlines()) if r["level"] == "kelompok"]


def test_every_kbli_of_category_c_is_covered() -> None:
    codes = _kelompok()
    assert len(codes) == 476
    table = correspondence.table()
    missing = [c for c in codes if not table.get(c)]
    assert missing == []


def test_codes_exist_and_stay_in_their_division_chapters() -> None:
    import importlib.util
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "scripts" / "build_kbli_hs.py"
    spec = importlib.util.spec_from_file_location("build_kbli_hs", script)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_kbli_hs"] = module
    spec.loader.exec_module(module)
    hs = set(atlas.hs6_products()["hs6"].to_list())
    for group, chapters in module.GROUP_CHAPTERS.items():  # a group narrows its division, never widens it
        assert set(chapters.split()) <= set(module.DIVISION_CHAPTERS[group[:2]].split()), group
    for kbli, guesses in correspondence.table().items():
        allowed = module.allowed_chapters(kbli)
        for g in guesses:
            assert g.hs6 in hs, (kbli, g.hs6)
            assert g.hs6[:2] in allowed, (kbli, g.hs6)
            assert 0.0 <= g.confidence <= 1.0
        assert [g.rank for g in guesses] == sorted(g.rank for g in guesses)


def test_known_pairs_land_in_the_right_chapter() -> None:
    # furniture of wood/rattan → chapter 94; batik/woven fabrics → textiles; footwear → 64; coffee → 09/21
    assert correspondence.for_kbli("31001")[0].hs6.startswith("94")
    assert correspondence.for_kbli("15201")[0].hs6.startswith("64")
    assert correspondence.for_kbli("10761")[0].hs6[:2] in ("09", "21")
    assert correspondence.for_kbli("31")  # a division: its first subclass's codes

"""Score the KBLI → HS table against a hand-labelled set: hit@1, hit@3, precision@3 and its ceiling.

    .venv/bin/python scripts/eval_kbli_hs.py scripts/data/kbli_hs_dev.csv        # tune on this
    .venv/bin/python scripts/eval_kbli_hs.py tests/markets/kbli_hs_heldout.csv   # report only

A labelled row is a KBLI with the HS 2022 headings (four digits) a right HS6 code must fall under.
- hit@1: share of KBLI whose best code lies in an accepted heading.
- hit@3: share of KBLI with at least one of its three best codes in an accepted heading (≥ hit@1).
- precision@3: share of all top-3 codes that lie in an accepted heading (can be below hit@1: a KBLI whose
  best code is right but whose second and third are not counts 1 for hit@1 and 1/3 here).
- ceiling of precision@3: the same if every accepted HS6 within the division's chapters came first (below 1
  where the accepted headings hold fewer than three subheadings).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from jejaring.markets import atlas, correspondence


def evaluate(path: Path, table: dict[str, list[str]] | None = None) -> dict[str, float]:
    """The four figures of ``table`` (KBLI → HS6 codes, best first; default the shipped one) on ``path``."""
    if table is None:
        table = {k: [g.hs6 for g in v] for k, v in correspondence.table().items()}
    hs4_size: dict[str, int] = {}
    for h in atlas.hs6_products()["hs6"].to_list():
        hs4_size[h[:4]] = hs4_size.get(h[:4], 0) + 1
    with path.open(encoding="utf-8") as f:
        rows = [(r["kbli"], set(r["accepted_hs4"].split())) for r in csv.DictReader(f)]
    hit1 = hit3 = right3 = ceiling = 0
    for kbli, accepted in rows:
        top = table[kbli][:3]
        good = [h[:4] in accepted for h in top]
        hit1 += good[0]
        hit3 += any(good)
        right3 += sum(good)
        ceiling += min(3, sum(hs4_size.get(a, 0) for a in accepted))
    n = len(rows)
    return {
        "n": n,
        "hit@1": hit1 / n,
        "hit@3": hit3 / n,
        "precision@3": right3 / (3 * n),
        "precision@3 ceiling": ceiling / (3 * n),
    }


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        figures = evaluate(Path(arg))
        sys.stdout.write(f"{arg}: " + ", ".join(f"{k} {v:.3f}" for k, v in figures.items()) + "\n")

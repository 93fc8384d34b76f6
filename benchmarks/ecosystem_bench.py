"""Gap-finder quality and speed on the synthetic nation's planted gaps, through the real demo load.

    .venv/bin/python benchmarks/ecosystem_bench.py --scale 0.002 [--work DIR]

Loads a synthetic nation the way `make run` does (synth → intake → resolution → linkages and partnership
history → derived links) into a fresh SQLite database, runs the gap finder, and compares its gaps with
``ground_truth/ecosystem_gaps.csv``: for each planted kind, precision and recall over the labelled places
(planted gaps and their controls). Prints the figures, the seconds to load the network and find every gap,
and the p95 of an ecosystem page's gaps from the in-memory rollup; exits non-zero when precision or recall
is below 0.9. With ``--work DIR`` the database is kept, and a second run skips the load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET = 0.9


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=0.002)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument(
        "--memory-firms", type=int, default=0, help="only time the gap finder on a random in-memory network of N IKM"
    )
    args = parser.parse_args()
    if args.memory_firms:
        return _memory(args.memory_firms)
    work = args.work or Path(tempfile.mkdtemp(prefix="eco-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "ecosystem.db"
    os.environ["JEJARING_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["JEJARING_DATA_DIR"] = str(work / "var")
    from jejaring.core import migrate
    from jejaring.core.config import get_settings
    from jejaring.core.db import build_engine, session_scope
    from jejaring.ecosystem import evaluation, gaps, network, reports
    from jejaring.reference import service as reference_service
    from jejaring.synth import flows

    settings = get_settings()
    engine = build_engine(settings.database_url)
    t0 = time.perf_counter()
    if not db.exists() or not (work / "var" / "demo-synth" / "MANIFEST.json").exists():
        migrate.upgrade(settings.database_url)
        with session_scope(engine) as s:
            reference_service.load_reference(s)
        flows.load_synthetic_demo(engine, settings, scale=args.scale, report=lambda m: None)
        print(f"loaded the synthetic nation at scale {args.scale} in {time.perf_counter() - t0:.0f} s")
    out = work / "var" / "demo-synth"
    with session_scope(engine) as s:
        t1 = time.perf_counter()
        net = network.load(s)
        t2 = time.perf_counter()
        found = gaps.find(net)
        t3 = time.perf_counter()
        scores = evaluation.evaluate(s, out, found)
        timings = []
        provinces = sorted({g.province_code for g in found})
        reports.gaps_for(s, reports.Place())
        for code in provinces * 3:
            a = time.perf_counter()
            reports.gaps_for(s, reports.Place(province=code))
            timings.append((time.perf_counter() - a) * 1000)
    ok = True
    print(f"links {len(net.links):,}, firms {len(net.firms):,}, sentra {len(net.sentra):,}, gaps {len(found):,}")
    for kind, sc in sorted(scores.items()):
        ok &= sc.precision >= TARGET and sc.recall >= TARGET
        print(
            f"{kind:24} planted {sc.tp + sc.fn:3}  controls {sc.fp + sc.tn:3}  "
            f"precision {sc.precision:.2f}  recall {sc.recall:.2f}"
        )
    p95 = statistics.quantiles(timings, n=20)[18] if len(timings) >= 2 else (timings[0] if timings else 0.0)
    print(f"load network {t2 - t1:.2f} s, find all gaps {t3 - t2:.2f} s, page gaps p95 {p95:.1f} ms (from the rollup)")
    return 0 if ok else 1


def _memory(n: int) -> int:
    """Time ``gaps.find`` on a random network shaped like the synthetic nation (no database involved)."""
    import numpy as np

    from jejaring.ecosystem import gaps, inputoutput, network
    from jejaring.reference import catalog

    rng = np.random.default_rng(1)
    regs = [r for r in catalog.regencies() if r["latitude"] is not None]
    divisions = sorted({j for _, j in inputoutput.default_matrix()})
    roles = ["pemasok_bahan_baku", "industri_besar", "distributor", "layanan_purna_jual", "lembaga_keuangan"]
    firms: dict[int, dict[str, Any]] = {}
    n_partners = max(10, n // 30)
    for i in range(n + n_partners):
        r = regs[int(rng.integers(len(regs)))]
        firms[i] = {
            "id": i,
            "public_id": f"F-{i}",
            "name": f"Usaha {i}",
            "province_code": r["province_code"],
            "regency_code": r["code"],
            "latitude": r["latitude"] + rng.normal(0, 0.05),
            "longitude": r["longitude"] + rng.normal(0, 0.05),
            "kbli_division": divisions[int(rng.integers(len(divisions)))],
            "production_value": int(rng.integers(10**7, 10**9)),
            "workers": 3,
            "roles": ["ikm"] if i < n else [roles[int(rng.integers(len(roles)))]],
        }
    kinds = ["bahan_baku", "pemasaran_perdagangan", "purna_jual", "pembiayaan", "ekspor"]
    links = []
    for _ in range(n * 3 // 10):
        a, b = int(rng.integers(n)), n + int(rng.integers(n_partners))
        links.append(
            {
                "firm_id": a,
                "partner_firm_id": b,
                "partner_name": None,
                "partner_regency_code": firms[b]["regency_code"],
                "kind": kinds[int(rng.integers(5))],
                "value_per_year": 10**8,
                "province_code": firms[a]["province_code"],
                "regency_code": firms[a]["regency_code"],
            }
        )
    n_sentra = max(1, n // 400)
    sentra = {
        k: {
            "id": k,
            "public_id": f"S-{k}",
            "name": f"Sentra {k}",
            "province_code": firms[k * 300]["province_code"],
            "regency_code": firms[k * 300]["regency_code"],
            "kbli_code": str(firms[k * 300]["kbli_division"]) + "000",
        }
        for k in range(min(n_sentra, n // 300))
    }
    members = {k: list(range(k * 300, k * 300 + 20)) for k in sentra}
    seats = {r["code"]: (r["latitude"], r["longitude"]) for r in regs}
    net = network.Network(firms, sentra, members, links, inputoutput.default_matrix(), {}, seats)
    by_div: dict[str, list[tuple[float, float, int]]] = {}
    repair = []
    for f in list(firms.values())[n:]:
        pt = (float(f["latitude"]), float(f["longitude"]), int(f["id"]))
        if set(f["roles"]) & network.SUPPLIER_ROLES:
            by_div.setdefault(str(f["kbli_division"]), []).append(pt)
        if "layanan_purna_jual" in f["roles"]:
            repair.append(pt)
    net.suppliers = {d: network._points(v) for d, v in by_div.items()}
    net.services = network._points(repair)
    t = time.perf_counter()
    found = gaps.find(net)
    print(f"in-memory network: {n:,} IKM, {n_partners:,} partners, {len(links):,} links, {len(sentra):,} sentra")
    print(f"find all gaps: {time.perf_counter() - t:.1f} s ({len(found):,} gaps)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

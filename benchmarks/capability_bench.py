"""Capability benchmark: rank one province's IKM for a programme, and plan for single firms.

    .venv/bin/python benchmarks/capability_bench.py --firms 900000          # a province at national scale
    .venv/bin/python benchmarks/capability_bench.py --firms 100000 --plans 50

A fresh migrated SQLite database (``--backend postgresql`` uses ``JEJARING_TEST_PG_URL``) with the
reference data; N IKM in province 33 (Jawa Tengah, all its regencies; size and KBLI mixed) and one
current assessment each (random answers, catalogue order), inserted in bulk, then ANALYZE. Then:

- ``ranking.rank`` for a programme of four interventions (bimtek, e-Smart IKM, SEHATI, machine
  restructuring), timed --repeat times (target: 900,000 IKM in ≤ 10 s);
- ``plan.make_plan`` for --plans random firms against a market target (target: ≤ 200 ms per plan).

Prints JSON with the timings in seconds and milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

PG_URL = os.environ.get("JEJARING_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CHUNK = 50_000


def _database(backend: str, tmp: Path) -> tuple[str, str | None]:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'capability_bench.db'}", None
    from sqlalchemy import create_engine, text

    name = f"capability_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return PG_URL.rsplit("/", 1)[0] + f"/{name}", name


def _drop(name: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _load(url: str, n: int, seed: int) -> float:
    from sqlalchemy import insert, select, text

    from jejaring.capability import catalogue, scoring
    from jejaring.capability.models import Assessment
    from jejaring.core import migrate
    from jejaring.core.db import build_engine, session_scope
    from jejaring.reference import service as reference_service
    from jejaring.reference.models import Regency
    from jejaring.registry.models import Firm

    migrate.upgrade(url)
    engine = build_engine(url)
    with session_scope(engine) as session:
        reference_service.load_reference(session)
        regencies = list(session.scalars(select(Regency.code).where(Regency.province_code == "33")))
    rng = random.Random(seed)
    kblis = ("10794", "10393", "31001", "16292", "14111", "13912", "25119", "32901")
    crit = catalogue.criteria()
    now = datetime.now(UTC)
    start = time.perf_counter()
    for lo in range(0, n, CHUNK):
        hi = min(n, lo + CHUNK)
        firms, rows = [], []
        for i in range(lo, hi):
            kbli = kblis[i % len(kblis)]
            size = "menengah" if i % 11 == 0 else "kecil"
            firms.append(
                {"id": i + 1, "public_id": f"B{i:010d}", "name": f"IKM {i}", "name_key": f"ikm {i}",
                 "province_code": "33", "regency_code": regencies[i % len(regencies)], "kbli_code": kbli,
                 "kbli_division": kbli[:2], "size_class": size, "status": "active", "created_at": now,
                 "updated_at": now}
            )  # fmt: skip
            vector = "".join(str(rng.randint(0, c.max_value)) if rng.random() > 0.1 else "-" for c in crit)
            overall = scoring.scores(vector)["overall"] if i < 1000 else rng.uniform(0, 100)
            rows.append(
                {"firm_id": i + 1, "province_code": "33", "size_class": size,
                 "product_group": catalogue.product_group(kbli), "version": 1, "assessor_kind": "synthetic",
                 "assessor": "bench", "catalogue_version": catalogue.version(), "vector": vector, "prefilled": "",
                 "scores": "{}", "overall": overall, "is_latest": True, "created_at": now}
            )  # fmt: skip
        with engine.begin() as conn:
            conn.execute(insert(Firm), firms)
            conn.execute(insert(Assessment), rows)
    with engine.begin() as conn:  # statistics, as autovacuum (PostgreSQL) or a maintenance run would leave them
        conn.execute(text("ANALYZE capability_assessment"))
    engine.dispose()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--firms", type=int, default=900_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--plans", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from jejaring.capability import catalogue, gaps, ranking, scoring
    from jejaring.capability.plan import make_plan
    from jejaring.core.db import build_engine, session_scope

    with tempfile.TemporaryDirectory() as tmp:
        url, pg_name = _database(args.backend, Path(tmp))
        try:
            load_s = _load(url, args.firms, args.seed)
            items = [
                catalogue.intervention(c)
                for c in ("bimtek_quality", "e_smart_ikm", "halal_sehati", "machine_restructuring")
            ]
            engine = build_engine(url)
            rank_s, rank_cpu_s = [], []
            with session_scope(engine) as session:
                for _ in range(args.repeat):
                    t0, c0 = time.perf_counter(), time.process_time()
                    top, ranked = ranking.rank(session, province="33", items=[i for i in items if i], limit=100)
                    rank_s.append(time.perf_counter() - t0)
                    rank_cpu_s.append(time.process_time() - c0)
            engine.dispose()
            rng = random.Random(args.seed)
            plan_ms, plan_cpu_ms = [], []
            target = gaps.market_target("pangan", "oki")
            make_plan(
                levels={}, gaps=gaps.gaps({}, target), catalogue=catalogue.interventions(), budget_firm=0, months=12
            )
            for _ in range(args.plans):
                vector = "".join(str(rng.randint(0, c.max_value)) for c in catalogue.criteria())
                lv = scoring.levels(vector)
                found = gaps.gaps(lv, target)
                t0, c0 = time.perf_counter(), time.process_time()
                make_plan(levels=lv, gaps=found, catalogue=catalogue.interventions(),
                          budget_firm=rng.choice((0, 1_000_000, 20_000_000, 100_000_000)), months=12,
                          size_class=rng.choice(("kecil", "menengah")), group="pangan")  # fmt: skip
                plan_ms.append((time.perf_counter() - t0) * 1000)
                plan_cpu_ms.append((time.process_time() - c0) * 1000)  # wall time minus waiting for a core
        finally:
            if pg_name:
                _drop(pg_name)
    result = {
        "backend": args.backend,
        "firms": args.firms,
        "load_s": round(load_s, 1),
        "rank_s": [round(s, 3) for s in rank_s],
        "rank_best_s": round(min(rank_s), 3),
        "rank_cpu_s": [round(s, 3) for s in rank_cpu_s],
        "ranked": ranked,
        "top_gain_per_million": top[0].gain_per_million if top else None,
        "plans": args.plans,
        "plan_ms_p50": round(statistics.median(plan_ms), 1) if plan_ms else None,
        "plan_ms_max": round(max(plan_ms), 1) if plan_ms else None,
        "plan_cpu_ms_p50": round(statistics.median(plan_cpu_ms), 1) if plan_cpu_ms else None,
        "plan_cpu_ms_max": round(max(plan_cpu_ms), 1) if plan_cpu_ms else None,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()

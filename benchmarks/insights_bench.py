"""Insights benchmark: N synthetic firms, rollups refreshed, p50/p95 of dashboard pages and the stats API.

    .venv/bin/python benchmarks/insights_bench.py                      # 1,000,000 firms, SQLite and PostgreSQL
    .venv/bin/python benchmarks/insights_bench.py --firms 4400000      # the national scale (~10 min per backend)
    .venv/bin/python benchmarks/insights_bench.py --firms 200000 --backends sqlite --requests 20

For each backend: a fresh migrated database with the reference data; N firms (≈ 99.7 % IKM, 3 reference
years, every regency, ~25 % certified, 40 % with NIB, 70 % with coordinates), their roles and
certificates, 10,514 sentra with members, loaded in bulk (SQLite ``executemany``, PostgreSQL ``COPY``);
then ``insights.service.refresh_rollups`` (timed) and, through the real app (FastAPI TestClient, the
same routing, rendering and database access as a live server), each URL below requested --requests
times after two warm-up requests. Prints p50 and p95 per URL and over all URLs, in milliseconds.
PostgreSQL: ``JEJARING_TEST_PG_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``);
the benchmark creates and drops its own database there.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

PG_URL = os.environ.get("JEJARING_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
URLS = (
    "/insights",
    "/insights?province=33",
    "/insights?year=2024",
    "/insights?province=35&year=2023&lang=en",
    "/insights/clusters",
    "/insights/clusters?level=regency&measure=workers",
    "/insights/clusters?level=regency&province=32",
    "/insights/provinces",
    "/insights/provinces/32",
    "/insights/sectors",
    "/api/v1/stats",
    "/api/v1/insights/headline?province=33",
    "/api/v1/insights/tables/kbli_group?year=2024",
    "/api/v1/insights/map",
)
FIRM_COLS = (
    "id", "public_id", "name", "name_key", "nib", "province_code", "regency_code", "latitude", "longitude",
    "kbli_code", "kbli_division", "workers", "investment", "production_value", "reference_year", "size_class",
    "status", "created_at", "updated_at",
)  # fmt: skip
CERTS = ("HALAL", "PIRT", "SNI", "BPOM_MD", "ISO_9001")
N_SENTRA = 10_514
CHUNK = 200_000


def _public_ids(start: int, n: int, prefix: str) -> list[str]:
    from jejaring.core.ids import ALPHABET, check_char

    out = []
    for i in range(start, start + n):
        body, x = "", i
        for _ in range(8):
            x, r = divmod(x, 32)
            body = ALPHABET[r] + body
        out.append(f"{prefix}-{body}-{check_char(body)}")
    return out


def _kbli_pool() -> tuple[list[str], np.ndarray]:
    """Five-digit KBLI codes with weights that give calibration-like sector shares."""
    from jejaring.reference import catalog

    codes = [r["code"] for r in catalog.kbli() if len(r["code"]) == 5]
    weights = np.ones(len(codes))
    for i, c in enumerate(codes):
        sectors = catalog.sectors_of(c)
        if "makanan_minuman" in sectors:
            weights[i] = 6.0
        elif sectors:
            weights[i] = 4.0
    return codes, weights / weights.sum()


def firm_chunk(
    start: int, n: int, rng: np.random.Generator, regs: list[dict[str, Any]], kbli: tuple[Any, Any]
) -> dict[str, list[Any]]:
    """Columns of ``n`` firms with ids from ``start``."""
    codes, weights = kbli
    reg_w = np.array([3.0 if r["province_code"] in ("32", "33", "35") else 1.0 for r in regs])
    reg_idx = rng.choice(len(regs), size=n, p=reg_w / reg_w.sum())
    large = rng.random(n) < 0.003
    workers = np.where(large, rng.integers(500, 5400, n), np.where(rng.random(n) < 0.85, rng.integers(1, 20, n), 40))
    invest = np.where(large, rng.integers(16_000, 90_000, n), rng.integers(5, 3_000, n)).astype(np.int64) * 1_000_000
    output = np.where(large, rng.integers(500_000, 5_600_000, n), rng.integers(10, 5_000, n)).astype(np.int64) * 10**6
    has_out, has_nib, has_geo = rng.random(n) < 0.6, rng.random(n) < 0.4, rng.random(n) < 0.7
    kb = rng.choice(len(codes), size=n, p=weights)
    years = rng.choice([2022, 2023, 2024], size=n)
    ids = list(range(start, start + n))
    lat = [regs[i]["latitude"] for i in reg_idx.tolist()]
    lon = [regs[i]["longitude"] for i in reg_idx.tolist()]
    jitter = rng.normal(0, 0.05, (n, 2)).tolist()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    size = [
        "besar" if lg else ("kecil" if w <= 19 and iv < 1_000_000_000 else "menengah")
        for lg, w, iv in zip(large.tolist(), workers.tolist(), invest.tolist(), strict=True)
    ]
    return {
        "id": ids,
        "public_id": _public_ids(start, n, "F"),
        "name": [f"Usaha {i}" for i in ids],
        "name_key": [f"usaha {i}" for i in ids],
        "nib": [f"{i:013d}" if h else None for i, h in zip(ids, has_nib.tolist(), strict=True)],
        "province_code": [regs[i]["province_code"] for i in reg_idx.tolist()],
        "regency_code": [regs[i]["code"] for i in reg_idx.tolist()],
        "latitude": [a + j[0] if g and a is not None else None for a, j, g in zip(lat, jitter, has_geo, strict=True)],
        "longitude": [a + j[1] if g and a is not None else None for a, j, g in zip(lon, jitter, has_geo, strict=True)],
        "kbli_code": [codes[k] for k in kb.tolist()],
        "kbli_division": [codes[k][:2] for k in kb.tolist()],
        "workers": workers.tolist(),
        "investment": invest.tolist(),
        "production_value": [o if h else None for o, h in zip(output.tolist(), has_out.tolist(), strict=True)],
        "reference_year": years.tolist(),
        "size_class": size,
        "status": ["active"] * n,
        "created_at": [now] * n,
        "updated_at": [now] * n,
        "_large": large.tolist(),
    }


def _load_table(conn: object, dialect: str, table: str, cols: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Bulk load: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    if dialect == "postgresql":
        with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in cols)
        conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)  # type: ignore[attr-defined]


def fill(url: str, firms: int, seed: int = 11) -> None:
    """Write ``firms`` firms, their roles and certificates, and the sentra with members."""
    from sqlalchemy.engine import make_url

    from jejaring.reference import catalog

    rng = np.random.default_rng(seed)
    regs = [r for r in catalog.regencies() if r["latitude"] is not None]
    kbli = _kbli_pool()
    dialect = make_url(url).get_backend_name()
    if dialect == "postgresql":
        import psycopg

        conn: object = psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
    else:
        import sqlite3

        conn = sqlite3.connect(make_url(url).database or "")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")

    def ts(v: datetime) -> object:
        return v if dialect == "postgresql" else v.strftime("%Y-%m-%d %H:%M:%S.000000")

    sentra_reg = rng.integers(0, len(regs), N_SENTRA)
    sentra_kbli = rng.choice(len(kbli[0]), size=N_SENTRA, p=kbli[1])
    now = datetime(2026, 1, 1, tzinfo=UTC)
    sentra_rows = [
        (
            i + 1,
            pid,
            f"Sentra {i}",
            f"sentra {i}",
            regs[r]["province_code"],
            regs[r]["code"],
            kbli[0][k],
            int(u),
            int(u) * 4,
            "kemenperin_pp29_2018",
            "Benchmark",
            2024,
            ts(now),
        )
        for i, (pid, r, k, u) in enumerate(
            zip(
                _public_ids(1, N_SENTRA, "S"),
                sentra_reg.tolist(),
                sentra_kbli.tolist(),
                rng.integers(5, 400, N_SENTRA).tolist(),
                strict=True,
            )
        )
    ]
    _load_table(
        conn,
        dialect,
        "sentra",
        (
            "id", "public_id", "name", "name_key", "province_code", "regency_code", "kbli_code", "unit_count",
            "workers", "definition", "source", "reference_year", "created_at",
        ),
        sentra_rows,
    )  # fmt: skip
    done = 0
    while done < firms:
        n = min(CHUNK, firms - done)
        cols = firm_chunk(done + 1, n, rng, regs, kbli)
        large = cols.pop("_large")
        cols["created_at"] = [ts(v) for v in cols["created_at"]]
        cols["updated_at"] = [ts(v) for v in cols["updated_at"]]
        _load_table(conn, dialect, "firm", FIRM_COLS, list(zip(*(cols[c] for c in FIRM_COLS), strict=True)))
        roles = [(fid, "industri_besar" if lg else "ikm") for fid, lg in zip(cols["id"], large, strict=True)]
        _load_table(conn, dialect, "firm_role", ("firm_id", "role"), roles)
        certified = rng.random(n) < 0.25
        cert_code = rng.integers(0, len(CERTS), n)
        certs = [
            (fid, CERTS[c]) for fid, ok, c in zip(cols["id"], certified.tolist(), cert_code.tolist(), strict=True) if ok
        ]
        _load_table(conn, dialect, "certification", ("firm_id", "certificate_code"), certs)
        member = rng.random(n) < 0.1
        sentra_of = rng.integers(1, N_SENTRA + 1, n)
        members = [
            (int(s), fid) for fid, m, s in zip(cols["id"], member.tolist(), sentra_of.tolist(), strict=True) if m
        ]
        _load_table(conn, dialect, "sentra_membership", ("sentra_id", "firm_id"), members)
        conn.commit()  # type: ignore[attr-defined]
        done += n
        print(f"  loaded {done:,} firms", end="\r", flush=True)
    print()
    if dialect == "postgresql":
        with conn.cursor() as cur:  # type: ignore[attr-defined]
            for table in ("firm", "sentra", "certification"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
            cur.execute("ANALYZE")
    else:
        conn.execute("ANALYZE")  # type: ignore[attr-defined]
    conn.commit()  # type: ignore[attr-defined]
    conn.close()  # type: ignore[attr-defined]


def measure(url: str, requests: int) -> tuple[dict[str, float], dict[str, list[float]]]:
    """First-request and steady-state milliseconds per request for each URL, through the real app."""
    from fastapi.testclient import TestClient

    from jejaring.core.config import Settings
    from jejaring.web.app import create_app

    settings = Settings(database_url=url, environment="test", load_demo=False)
    timings: dict[str, list[float]] = {}
    first: dict[str, float] = {}
    with TestClient(create_app(settings)) as client:
        for path in URLS:
            for attempt in range(2):
                t0 = time.perf_counter()
                r = client.get(path)
                if attempt == 0:
                    first[path] = (time.perf_counter() - t0) * 1000
                assert r.status_code == 200, (path, r.status_code, r.text[:500])
            samples = []
            for _ in range(requests):
                t0 = time.perf_counter()
                r = client.get(path)
                samples.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200
            timings[path] = samples
    return first, timings


def p95(values: list[float]) -> float:
    """95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, int(np.ceil(0.95 * len(ordered))) - 1)]


def run(backend: str, firms: int, requests: int, workdir: Path) -> None:
    """Create, fill, refresh and measure one backend; print the figures."""
    from sqlalchemy.engine import make_url

    from jejaring.core import migrate
    from jejaring.core.db import build_engine, session_scope
    from jejaring.insights import service
    from jejaring.reference import service as reference_service

    pg_name = None
    if backend == "sqlite":
        url = f"sqlite:///{workdir / 'insights_bench.db'}"
    else:
        import psycopg

        pg_name = f"jj_bench_{uuid.uuid4().hex[:8]}"
        admin = make_url(PG_URL).set(drivername="postgresql").render_as_string(False)
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{pg_name}"')
        url = make_url(PG_URL).set(database=pg_name).render_as_string(False)
    try:
        t0 = time.perf_counter()
        migrate.upgrade(url)
        engine = build_engine(url)
        with session_scope(engine) as session:
            reference_service.load_reference(session)
        fill(url, firms)
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        with session_scope(engine) as session:
            entry = service.refresh_rollups(session)
            industry = entry.firms
        refresh_s = time.perf_counter() - t0
        engine.dispose()
        first, timings = measure(url, requests)
        print(f"\n== {backend}: {firms:,} firms ({industry:,} industry units) ==")
        print(f"load {load_s:.1f} s · refresh_rollups {refresh_s:.1f} s · {requests} requests per URL")
        print(f"{'URL':58} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8}")
        every: list[float] = []
        for path, samples in timings.items():
            every.extend(samples)
            print(f"{path:58} {first[path]:9.1f} {statistics.median(samples):8.1f} {p95(samples):8.1f}")
        print(f"{'all URLs':58} {max(first.values()):9.1f} {statistics.median(every):8.1f} {p95(every):8.1f}")
        print("first = the first request after the refresh (computes and memoises); p50/p95 = the steady state")
        worst = max(p95(s) for s in timings.values())
        print(f"worst p95 {worst:.1f} ms — {'OK' if worst <= 100 else 'ABOVE'} the 100 ms target")
    finally:
        if pg_name:
            import psycopg

            admin = make_url(PG_URL).set(drivername="postgresql").render_as_string(False)
            with psycopg.connect(admin, autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')


def main() -> None:
    """Parse arguments and run the benchmark on each backend."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=1_000_000, help="Number of firms (national scale: 4400000).")
    parser.add_argument("--backends", default="sqlite,postgresql", help="Comma-separated: sqlite, postgresql.")
    parser.add_argument("--requests", type=int, default=30, help="Timed requests per URL.")
    parser.add_argument("--workdir", type=Path, default=None, help="Folder for the SQLite file (default: a temp dir).")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    with tempfile.TemporaryDirectory(prefix="insights-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for backend in args.backends.split(","):
            run(backend.strip(), args.firms, args.requests, workdir)


if __name__ == "__main__":
    main()

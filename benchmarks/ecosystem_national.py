"""The ecosystem at national size from a real database: load + compute of every gap, and page p95 per page kind.

    .venv/bin/python benchmarks/ecosystem_national.py --firms 4400000 --backend sqlite|postgresql [--no-old]

Writes a random network of N IKM (``randomnet``: N/30 partner firms, 0.3·N links, a sentra every 300 IKM) into a
fresh, migrated database (SQLite file in a temporary folder, or PostgreSQL database ``jj_h19b_eco_bench_<pid>``,
dropped at the end), then in one run:

* reads the columns the gap finder needs (``arrays.load``: bulk reads through ``dialects.read_frame``) and, unless
  ``--no-old``, the same data the way it was read before (SQLAlchemy rows of every column → pandas), with
  their ratio;
* finds every gap of the 514 regencies, 38 provinces and every sentra (``rollup.find``) and stores the rollup;
* serves each page kind through the app (nation, province, regency, sentra pages; the graph and flows API; a
  firm's panel; a province's gap report as CSV) and prints p95 per kind.

Each step prints wall seconds, process CPU seconds and the 1-minute load average (the machine is shared).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import psycopg

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
PG_NAME = f"jj_h19b_eco_bench_{os.getpid()}"  # one database a run: runs side by side never drop each other's


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(t: tuple[float, float]) -> str:
    wall, cpu = time.perf_counter() - t[0], time.process_time() - t[1]
    return f"{wall:.1f} s wall, {cpu:.1f} s CPU, load average {os.getloadavg()[0]:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--firms", type=int, default=44_000, help="IKM of the random nation (4400000 = national)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--no-old", action="store_true", help="skip timing the previous (row by row) read")
    parser.add_argument("--no-pages", action="store_true", help="skip the page timings")
    parser.add_argument("--work", type=Path, help="SQLite: keep the database here; a second run reuses it")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="eco-national-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.backend == "sqlite":
        url = f"sqlite:///{work / 'nation.db'}"
    else:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{PG_NAME}"')
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_NAME}"
    try:
        return _run(url, work, args.firms, not args.no_old, not args.no_pages)
    finally:
        if args.backend == "postgresql":
            from jejaring.core.db import dispose_engines

            dispose_engines()
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)')


def _run(url: str, work: Path, n: int, old: bool, pages: bool) -> int:
    from jejaring.core import migrate
    from jejaring.core.db import build_engine, session_scope
    from jejaring.ecosystem import arrays, figures, randomnet, rollup, stored
    from jejaring.reference import service as reference_service

    again = (work / "nation.db").exists() and url.startswith("sqlite")
    migrate.upgrade(url)
    engine = build_engine(url)
    if again:
        print(f"reusing {work / 'nation.db'}")
    else:
        with session_scope(engine) as s:
            reference_service.load_reference(s)
        t = _clock()
        a, roles = randomnet.random_arrays(n)
        if engine.dialect.name == "sqlite":
            engine.dispose()
            _write_sqlite(work / "nation.db", _frames(a, roles, datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")))
        else:
            with engine.begin() as conn:
                _write_pg(conn, _frames(a, roles, datetime.now(UTC).isoformat()))
        print(
            f"{engine.dialect.name}: wrote {n:,} IKM, {len(a.firms) - n:,} partner firms, {len(a.links):,} links, "
            f"{len(a.sentra):,} sentra ({_since(t)})"
        )
        del a, roles
    with session_scope(engine) as s:
        server = _server_cpu(s)
        t = _clock()
        loaded = arrays.load(s)
        load_wall, load_cpu = time.perf_counter() - t[0], time.process_time() - t[1]
        print(f"load the columns (bulk): {_since(t)}{_server_note(s, server)}")
        t = _clock()
        found = rollup.find(loaded)
        find_wall, find_cpu = time.perf_counter() - t[0], time.process_time() - t[1]
        print(f"find every gap: {_since(t)}; {len(found):,} gaps")
        print(
            f"load + find: {load_wall + find_wall:.1f} s wall, {load_cpu + find_cpu:.1f} s CPU "
            f"(target 60 s), load average {os.getloadavg()[0]:.1f}"
        )
        if old:
            t = _clock()
            _old_load(s)
            wall, cpu = time.perf_counter() - t[0], time.process_time() - t[1]
            print(
                f"the previous read (SQLAlchemy rows of whole columns → pandas): {_since(t)}; "
                f"ratio {wall / load_wall:.1f}x wall, {cpu / load_cpu:.1f}x CPU"
            )
        t = _clock()
        summaries, flows = figures.summaries(loaded), figures.flows(loaded)
        print(f"per-place summaries and flows for the pages: {_since(t)}; {len(summaries):,} + {len(flows):,} rows")
        del loaded
        t = _clock()
        stored.store(s, found, stored.state(s), find_wall, summaries=summaries, flows=flows)
        print(f"store the rollup: {_since(t)}")
    if pages:
        places = (
            sorted({g.regency_code for g in found}),
            sorted({g.province_code for g in found}),
            sorted({g.place for g in found if g.place_kind.value == "sentra"}),
        )
        # a serving process holds none of the run's objects: 156,358 gaps kept alive made the garbage collector's
        # full passes cost ~250 ms in some page requests (PostgreSQL nation page p95 273 ms; 23-31 ms without them)
        del found, summaries, flows
        gc.collect()
        _pages(url, work, places)
    return 0


TABLES = ("firm", "firm_role", "sentra", "sentra_membership", "eco_link")


def _write_pg(conn: Any, frames: list[tuple[str, pl.DataFrame]]) -> None:
    """COPY of every table, foreign-key triggers off for this connection only; then sequences and statistics."""
    from jejaring.core.dialects import dialect

    conn.exec_driver_sql("SET session_replication_role = replica")
    for table, frame in frames:
        dialect(conn).append_frame(conn, table, frame)
    conn.exec_driver_sql("SET session_replication_role = DEFAULT")
    for table in ("firm", "sentra", "eco_link"):
        top = f"(SELECT max(id) FROM {table})"
        conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {top})")
    conn.exec_driver_sql("ANALYZE " + ", ".join(TABLES))


def _write_sqlite(path: Path, frames: list[tuple[str, pl.DataFrame]]) -> None:
    """One raw connection without journal or sync (a benchmark's scratch database), the secondary indexes
    dropped before the inserts and built after; then statistics, and WAL mode again."""
    import sqlite3

    lite = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=DELETE", "journal_mode=OFF", "synchronous=OFF", "cache_size=-500000"):
        lite.execute(f"PRAGMA {pragma}")
    marks = ", ".join("?" for _ in TABLES)
    indexes = lite.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
        TABLES,
    ).fetchall()
    for name, _ in indexes:
        lite.execute(f'DROP INDEX "{name}"')
    lite.execute("BEGIN")
    for table, frame in frames:
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' for _ in frame.columns)})"
        for part in frame.iter_slices(200_000):  # Python objects for one slice at a time
            lite.executemany(sql, zip(*(part.get_column(c).to_list() for c in part.columns), strict=True))
    lite.execute("COMMIT")
    for _, sql in indexes:
        lite.execute(sql)
    lite.execute("ANALYZE")
    lite.execute("PRAGMA journal_mode=WAL")
    lite.close()


def _frames(a: Any, roles: dict[int, list[str]], now: str) -> list[tuple[str, pl.DataFrame]]:
    """The random network as rows of the real tables."""
    from jejaring.reference import catalog

    f = a.firms
    ids = f.index.to_numpy()
    names = pl.Series([f"Usaha {i}" for i in ids])
    firm = pl.DataFrame(
        {
            "id": ids,
            "public_id": [f"F{i:09d}" for i in ids],
            "name": names,
            "name_key": names.str.to_lowercase(),
            "province_code": _text(f["regency"].str[:2]),
            "regency_code": _text(f["regency"]),
            "latitude": pl.Series(f["lat"].to_numpy()).fill_nan(None),
            "longitude": pl.Series(f["lon"].to_numpy()).fill_nan(None),
            "kbli_division": _text(f["division"]),
            "production_value": f["production"].to_numpy().astype(np.int64),
            "status": "active",
            "created_at": now,
            "updated_at": now,
        }
    )
    role = pl.DataFrame({"firm_id": list(roles), "role": [r[0] for r in roles.values()]})
    code_of: dict[str, str] = {}
    for k in catalog.kbli():
        if k["level"] == "subgolongan":
            code_of.setdefault(k["code"][:2], k["code"])
    sen = a.sentra
    sentra = pl.DataFrame(
        {
            "id": sen.index.to_numpy(),
            "public_id": _text(sen["public_id"]),
            "name": _text(sen["name"]),
            "name_key": _text(sen["name"].str.lower()),
            "province_code": _text(sen["regency"].str[:2]),
            "regency_code": _text(sen["regency"]),
            "kbli_code": _text([code_of.get(str(v)) for v in sen["division"]]),
            "definition": "kemenperin_pp29_2018",
            "created_at": now,
        }
    )
    members = pl.from_pandas(a.members.drop_duplicates()[["sentra_id", "firm_id"]])
    lk = a.links
    partner = lk["partner"].to_numpy()
    regency = f["regency"].reindex(lk["firm_id"].to_numpy()).to_numpy()
    named = partner < 0
    link = pl.DataFrame(
        {
            "id": np.arange(1, len(lk) + 1),
            "link_key": [f"b{i}" for i in range(len(lk))],
            "firm_id": lk["firm_id"].to_numpy(),
            "partner_firm_id": pl.Series(np.where(named, 0, partner)).replace(0, None),
            "partner_name": _text([f"Mitra {-p}" if p < 0 else None for p in partner.tolist()]),
            "partner_regency_code": _text(np.where(named, regency, None)),
            "kind": _text(lk["kind"]),
            "value_per_year": pl.Series(lk["value"].to_numpy().astype(np.int64)).replace(0, None),
            "source": "declared",
            "province_code": _text(pd.Series(regency).str[:2]),
            "regency_code": _text(regency),
            "created_at": now,
            "updated_at": now,
        }
    )
    return [("firm", firm), ("firm_role", role), ("sentra", sentra), ("sentra_membership", members), ("eco_link", link)]


def _server_cpu(session: Any) -> float | None:
    """CPU seconds of this session's PostgreSQL backend so far (same machine: /proc), None on SQLite."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    pid = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _server_note(session: Any, before: float | None) -> str:
    after = _server_cpu(session)
    return "" if before is None or after is None else f"; the PostgreSQL backend's CPU {after - before:.1f} s"


def _text(values: Any) -> pl.Series:
    """A text column (None for NULL) as polars strings."""
    return pl.Series(list(values), dtype=pl.Utf8)


def _old_load(session: Any) -> None:
    """The read as it was before the bulk path: every needed column as SQLAlchemy rows, then pandas frames."""
    from sqlalchemy import select

    from jejaring.ecosystem.models import Link
    from jejaring.registry.models import Firm, FirmRole, Sentra, SentraMembership

    cols = (Firm.id, Firm.name, Firm.province_code, Firm.regency_code, Firm.latitude, Firm.longitude)
    rows = session.execute(select(*cols, Firm.kbli_division, Firm.production_value).where(Firm.status == "active"))
    pd.DataFrame.from_records(rows.all(), coerce_float=True)
    pd.DataFrame.from_records(session.execute(select(FirmRole.firm_id, FirmRole.role)).all())
    session.execute(select(Sentra.id, Sentra.public_id, Sentra.name, Sentra.regency_code, Sentra.kbli_code)).all()
    session.execute(select(SentraMembership.sentra_id, SentraMembership.firm_id)).all()
    link_cols = (Link.firm_id, Link.partner_firm_id, Link.partner_name, Link.partner_regency_code, Link.kind)
    pd.DataFrame.from_records(session.execute(select(*link_cols, Link.value_per_year).order_by(Link.id)).all())


def _p95(ms: list[float]) -> float:
    return statistics.quantiles(ms, n=20)[18] if len(ms) >= 2 else (ms[0] if ms else 0.0)


def _pages(url: str, work: Path, places: tuple[list[str], list[str], list[str]]) -> None:
    """p95 (ms, wall and CPU) per page kind, served by the app (TestClient) from the stored rollup."""
    from fastapi.testclient import TestClient

    from jejaring.core.config import Settings
    from jejaring.core.db import build_engine, session_scope
    from jejaring.ecosystem import reports
    from jejaring.web.app import create_app

    rng = random.Random(3)
    regencies, provinces, sentra = places
    with session_scope(build_engine(url)) as s:
        firms = [str(r[0]) for r in s.execute(_firm_sample()).all()]
    some_provinces = rng.sample(provinces, min(20, len(provinces)))
    kinds: dict[str, list[str]] = {
        "nation": ["/ecosystem"] * 10,
        "province": [f"/ecosystem/provinsi/{p}" for p in rng.sample(provinces, min(20, len(provinces)))],
        "regency": [f"/ecosystem/kabupaten/{r}" for r in rng.sample(regencies, min(30, len(regencies)))],
        "sentra": [f"/ecosystem/sentra/{x}" for x in rng.sample(sentra, min(30, len(sentra)))],
        "graph (API)": [f"/api/v1/ecosystem/graph?province={p}" for p in some_provinces],
        "flows (API)": [f"/api/v1/ecosystem/flows?province={p}" for p in some_provinces],
        "summary (API)": [
            f"/api/v1/ecosystem/summary?regency={r}" for r in rng.sample(regencies, min(20, len(regencies)))
        ],
        "firm panel": [f"/firms/{f}/ecosystem" for f in firms],
    }
    settings = Settings(database_url=url, environment="test", load_demo=False, data_dir=work / "var")
    with TestClient(create_app(settings)) as client:
        for name, paths in kinds.items():
            _time(name, [partial(_get, client, p) for p in paths])
        with session_scope(build_engine(url)) as s:
            reported = [reports.Place(p) for p in rng.sample(provinces, min(10, len(provinces)))]
            _time("gap report CSV", [partial(_report, s, p) for p in reported])


def _firm_sample() -> Any:
    from sqlalchemy import BigInteger, cast, func, select

    from jejaring.registry.models import Firm

    # in 64 bits: id × 7919 leaves PostgreSQL's integer beyond ~271,000 firms (the national run stopped there)
    return select(Firm.public_id).order_by(func.abs(cast(Firm.id, BigInteger) * 7919 % 100003)).limit(30)


def _report(session: Any, place: Any) -> bytes:
    from jejaring.core import exports
    from jejaring.ecosystem import reports

    body: bytes = exports.to_csv(reports.as_export(reports.export_rows(session, place, "id"), "id"))
    return body


def _get(client: Any, path: str) -> None:
    r = client.get(path)
    if r.status_code != 200:
        raise RuntimeError(f"{path}: {r.status_code}")


def _time(name: str, calls: list[Callable[[], Any]]) -> None:
    calls[0]()  # warm: first import and template compile
    ms, cpu = [], []
    for call in calls * 2:
        t = _clock()
        call()
        ms.append((time.perf_counter() - t[0]) * 1000)
        cpu.append((time.process_time() - t[1]) * 1000)
    print(
        f"page {name:14} p95 {_p95(ms):7.1f} ms ({_p95(cpu):.1f} ms CPU) over {len(ms)} requests, "
        f"load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    sys.exit(main())

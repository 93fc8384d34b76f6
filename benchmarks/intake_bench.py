"""Intake benchmark: import N synthetic rows into SQLite and PostgreSQL, and COPY the same rows raw.

    .venv/bin/python benchmarks/intake_bench.py --rows 300000 [--backends sqlite,postgresql] [--files 38] [--floor]

Generates provincial CSV files (``;``-separated, Indonesian number formats, a title line, ~2 % invalid
rows) under --workdir, then, for each backend in its own process (so peak RSS is per backend): a fresh,
migrated database; the import exactly as ``jejaring intake FILE...`` runs it (every file inspected, then
all of them as one load: read, validate and upsert in committed batches with provenance, the next file
validated while the current one is written, secondary indexes built at the end); and a raw load of the
same data rows into a plain text table (PostgreSQL ``COPY``, SQLite ``executemany``) as the floor to
compare with. Prints per backend: rows, seconds, rows/s, the seconds of the index builds at the end, the
raw-load seconds and the ratio to them, peak RSS of the import, its CPU seconds (and, for PostgreSQL on
this machine, those of its server backends), the machine's load average during the import, and whether
the issue's target (4.4 M rows: PostgreSQL <= 60 s, SQLite <= 120 s, <= 4 GB) is met -- for smaller runs,
whether the rate it implies is reached. With --floor, also the seconds to write the imported rows of the five
registry tables once more as they are (one statement per table, the load's deferred index builds): the least
this schema's writes cost on this machine. This machine's speed varies over time (one fixed SQLite
micro-benchmark took 2.5 to 3 times as long within the same hour), and other jobs inflate CPU seconds
too: compare runs by their ratio to the raw load of the same run, or run the two versions side by side.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import os
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

PG_ADMIN = os.environ.get("JEJARING_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
HEADER = [
    "No", "NIB", "Nama Perusahaan", "Nama Pemilik", "Alamat Lengkap", "Kode Wilayah", "Kecamatan", "Lintang",
    "Bujur", "KBLI", "Produk Utama", "Kode HS", "Jumlah TK", "Nilai Investasi (Rp)", "Sertifikat",
    "No. Telp/HP", "Email", "Tahun Berdiri", "Tahun Data",
]  # fmt: skip
WORDS = ["Maju", "Jaya", "Sumber", "Rejeki", "Berkah", "Makmur", "Sentosa", "Abadi", "Mandiri", "Lestari", "Karya"]
CERTS = ["", "", "", "Halal", "PIRT", "Halal; PIRT", "SNI", "BPOM MD", "ISO 9001"]


def _id_number(values: np.ndarray) -> list[str]:
    """Indonesian thousands separators: 250000000 → 250.000.000."""
    return [f"{v:,}".replace(",", ".") for v in values.tolist()]


def generate(workdir: Path, rows: int, files: int, seed: int = 7) -> list[Path]:
    """Write ``rows`` synthetic IKM rows as ``files`` provincial CSV files."""
    from jejaring.reference import catalog

    rng = np.random.default_rng(seed)
    regs = catalog.regencies()
    kbli = [r["code"] for r in catalog.kbli() if len(r["code"]) == 5]
    reg_idx = rng.integers(0, len(regs), rows)
    lat = np.array([regs[i]["latitude"] or -6.2 for i in reg_idx]) + rng.normal(0, 0.05, rows)
    lon = np.array([regs[i]["longitude"] or 106.8 for i in reg_idx]) + rng.normal(0, 0.05, rows)
    workers = rng.integers(1, 60, rows)
    invest = rng.integers(5, 20_000, rows) * 1_000_000
    has_nib = rng.random(rows) < 0.4
    bad = rng.random(rows) < 0.02
    w1, w2 = rng.integers(0, len(WORDS), rows), rng.integers(0, len(WORDS), rows)
    df = pl.DataFrame(
        {
            "NIB": [f"{9_100_000_000_000 + i}" if n else "" for i, n in enumerate(has_nib.tolist())],
            "Nama Perusahaan": [f"UD {WORDS[a]} {WORDS[b]} {i}" for i, (a, b) in enumerate(zip(w1, w2, strict=True))],
            "Nama Pemilik": [f"Pemilik {i}" for i in range(rows)],
            "Alamat Lengkap": [f"Jl. Industri No. {i % 500}" for i in range(rows)],
            "Kode Wilayah": [regs[i]["code"] for i in reg_idx.tolist()],
            "Kecamatan": [""] * rows,
            "Lintang": [f"{v:.5f}".replace(".", ",") for v in lat.tolist()],
            "Bujur": [f"{v:.5f}".replace(".", ",") for v in lon.tolist()],
            "KBLI": [kbli[i] for i in rng.integers(0, len(kbli), rows).tolist()],
            "Produk Utama": ["Produk olahan"] * rows,
            "Kode HS": ["" if i % 3 else "1905" for i in range(rows)],
            "Jumlah TK": [str(v) for v in workers.tolist()],
            "Nilai Investasi (Rp)": _id_number(invest),
            "Sertifikat": [CERTS[i] for i in rng.integers(0, len(CERTS), rows).tolist()],
            "No. Telp/HP": [f"0812-{i % 10000:04d}-{(i * 7) % 10000:04d}" for i in range(rows)],
            "Email": [f"usaha{i}@contoh.co.id" for i in range(rows)],
            "Tahun Berdiri": [str(v) for v in rng.integers(1980, 2023, rows).tolist()],
            "Tahun Data": ["2024"] * rows,
        }
    )
    df = df.with_columns(  # ~2 % broken rows: a KBLI outside category C
        pl.when(pl.Series(bad)).then(pl.lit("47111")).otherwise(pl.col("KBLI")).alias("KBLI")
    )
    workdir.mkdir(parents=True, exist_ok=True)
    paths = []
    per = -(-rows // files)
    for k in range(files):
        part = df.slice(k * per, per)
        if part.height == 0:
            break
        part = part.with_row_index("No", offset=1).with_columns(pl.col("No").cast(pl.Utf8))
        path = workdir / f"ikm_{k:02d}.csv"
        buf = io.StringIO()
        buf.write("DIREKTORI INDUSTRI KECIL DAN MENENGAH (DATA SINTETIS)\n")
        buf.write(part.select(HEADER).write_csv(separator=";"))
        path.write_bytes(buf.getvalue().encode("utf-8"))
        paths.append(path)
    return paths


def _fresh_url(backend: str, workdir: Path) -> str:
    if backend == "sqlite":
        db = workdir / "bench.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{db}"
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(PG_ADMIN)
    name = f"jj_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(
        admin.set(drivername="postgresql").render_as_string(hide_password=False), autocommit=True
    ) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return admin.set(database=name).render_as_string(hide_password=False)


def _drop(url: str) -> None:
    if url.startswith("sqlite"):
        return
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(PG_ADMIN).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def _raw_load(url: str, paths: list[Path]) -> float:
    """Seconds to load the same data rows, as text, into a plain table (the floor)."""
    from jejaring.core.db import build_engine

    engine = build_engine(url)
    cols = ", ".join(f"c{i} text" for i in range(len(HEADER)))
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE TABLE raw_rows ({cols})")
        for path in paths:
            body = path.read_bytes().split(b"\n", 2)[2]  # skip the title and the header
            if conn.dialect.name == "postgresql":
                raw = conn.connection.dbapi_connection
                with (
                    raw.cursor() as cur,
                    cur.copy("COPY raw_rows FROM STDIN (FORMAT csv, DELIMITER ';')") as copy,
                ):
                    copy.write(body)
            else:
                rows = [tuple(r) for r in csv.reader(io.StringIO(body.decode("utf-8")), delimiter=";")]
                marks = ", ".join("?" for _ in HEADER)
                conn.exec_driver_sql(f"INSERT INTO raw_rows VALUES ({marks})", rows)
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds


FLOOR_TABLES = ("firm", "firm_role", "firm_private", "certification", "record_source")  # what a load writes per row


def _floor(engine: Any, workdir: Path) -> dict[str, float | None]:
    """Seconds to write the rows the import left in the five registry tables once more, as they are, with the
    load's own deferred indexes and end-of-load builds, and nothing else: no reading, validation, keys or
    provenance to compute, one statement per table (PostgreSQL: ``COPY`` of the table's own rows; SQLite:
    ``INSERT ... SELECT`` from a copy in the same database). The least any load into this schema can cost here."""
    from jejaring.registry import bulk, deferred

    pg = engine.dialect.name == "postgresql"
    dumps: dict[str, Path] = {}
    with engine.connect() as conn:
        if not pg:  # emptying firm would otherwise scan the table per row for its unindexed self-reference
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")  # (outside a transaction, or SQLite ignores it)
            conn.commit()
        with conn.begin():  # untimed: the rows out, the tables emptied, the deferred indexes dropped
            for table in FLOOR_TABLES:
                if pg:
                    dumps[table] = workdir / f"floor_{table}.csv"
                    cur = conn.connection.dbapi_connection.cursor()
                    with dumps[table].open("wb") as out, cur.copy(f"COPY {table} TO STDOUT (FORMAT csv)") as copy:
                        for block in copy:
                            out.write(block)
                else:
                    conn.exec_driver_sql(f"CREATE TABLE floor_{table} AS SELECT * FROM {table}")
            if pg:
                conn.exec_driver_sql("TRUNCATE " + ", ".join(FLOOR_TABLES) + " CASCADE")
            for table in () if pg else reversed(FLOOR_TABLES):
                conn.exec_driver_sql(f"DELETE FROM {table}")
            bulk.drop_deferred(conn)
        if not pg:
            conn.exec_driver_sql("PRAGMA foreign_keys = ON")
            conn.commit()
    server_before = _server_cpu_s(engine)
    start = time.perf_counter()
    with engine.begin() as conn:
        raw = conn.connection.dbapi_connection
        if not pg:  # the load's page cache
            raw.execute(f"PRAGMA cache_size = {-bulk.SQLITE_BULK_CACHE_KIB}")
        for table in FLOOR_TABLES:
            if pg:  # foreign keys unchecked, as the load's set-based check leaves nearly nothing of them
                with raw.cursor() as cur:
                    cur.execute("SET LOCAL session_replication_role = replica")
                    with dumps[table].open("rb") as src, cur.copy(f"COPY {table} FROM STDIN (FORMAT csv)") as copy:
                        while block := src.read(1 << 23):
                            copy.write(block)
            else:  # within the engine: no values bound from Python at all
                raw.execute(f"INSERT INTO {table} SELECT * FROM floor_{table}")
    writes = time.perf_counter() - start
    builds_start = time.perf_counter()
    deferred._restore(engine)
    builds = time.perf_counter() - builds_start
    server_after = _server_cpu_s(engine)
    for path in dumps.values():
        path.unlink()
    return {
        "floor_write_s": round(writes, 2),
        "floor_build_s": round(builds, 2),
        "floor_server_cpu_s": None if server_before is None else round(server_after - server_before, 1),  # type: ignore[operator]
    }


def _server_cpu_s(engine: Any) -> float | None:
    """CPU seconds of the database's PostgreSQL backends so far (the server runs on this machine)."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        pids = conn.exec_driver_sql("SELECT pid FROM pg_stat_activity WHERE datname = current_database()").scalars()
        ticks = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                return None
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _peak_rss_mb() -> int:
    """This process's peak RSS (``VmHWM``: ``ru_maxrss`` would include the parent's peak, kept across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


class _IndexBuildTimer(logging.Handler):
    """Seconds the load spent building its deferred indexes at its end (from ``registry.deferred``'s log)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.started: float | None = None
        self.seconds = 0.0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("building registry indexes"):
            self.started = record.created
        elif record.getMessage() == "registry indexes built" and self.started is not None:
            self.seconds += record.created - self.started
            self.started = None


def _changed_copy(paths: list[Path], folder: Path, share: float = 0.01) -> list[Path]:
    """The files again with ``share`` of their rows changed (their products), for the re-upload figure."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for path in paths:
        title, body = path.read_text("utf-8").split("\n", 1)
        df = pl.read_csv(io.StringIO(body), separator=";", infer_schema=False)
        step = max(1, round(1 / share))
        df = df.with_columns(
            pl.when(pl.int_range(pl.len()) % step == 0)
            .then(pl.lit("Produk olahan baru"))
            .otherwise(pl.col("Produk Utama"))
            .alias("Produk Utama")
        )
        target = folder / path.name
        target.write_bytes((title + "\n" + df.write_csv(separator=";")).encode("utf-8"))
        out.append(target)
    return out


def _import_again(engine: Any, settings: Any, paths: list[Path]) -> dict[str, Any]:
    """Import ``paths`` into the loaded registry, as `jejaring intake FILE...` does (every file inspected, then one
    load; the insights refreshed when a firm changed); its wall, CPU (client, and PostgreSQL's server) seconds, the
    load average, and what the jobs did."""
    from jejaring.core.db import session_scope
    from jejaring.intake import jobs, service

    load_before, server_before = os.getloadavg()[0], _server_cpu_s(engine)
    cpu_before, start = time.process_time(), time.perf_counter()
    ids = []
    for path in paths:
        with session_scope(engine) as s:
            job = service.create_job(s, source=path, file_name=path.name, data_dir=settings.data_dir, office=None)
            service.inspect_job(s, job=job, max_bytes=1 << 40, max_rows=1 << 40)
            ids.append(job.id)
    finals = jobs.run_jobs(engine, ids, settings)
    refresh_start, refresh_cpu = time.perf_counter(), time.process_time()
    if any(j.inserted or j.updated for j in finals):  # as `jejaring intake` does
        jobs.refresh_insights(engine, analyze=any(j.inserted for j in finals))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_before
    refresh_s, refresh_cpu = time.perf_counter() - refresh_start, time.process_time() - refresh_cpu
    server_after = _server_cpu_s(engine)
    for final in finals:
        if final.status != "done" or final.rows_done != final.accepted + final.quarantined:
            raise RuntimeError(f"{final.file_name}: re-upload ended {final.status} ({final.error_key})")
    return {
        "s": round(seconds, 2),
        "cpu_s": round(cpu, 2),
        "server_cpu_s": None if server_before is None else round(server_after - server_before, 1),  # type: ignore[operator]
        "load": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "refresh_s": round(refresh_s, 2),
        "refresh_cpu_s": round(refresh_cpu, 2),
        **{
            k: sum(getattr(j, k) for j in finals) for k in ("rows_done", "accepted", "inserted", "updated", "unchanged")
        },
    }


def child(backend: str, workdir: Path, paths: list[Path], *, floor: bool = False) -> dict[str, object]:
    """Run one backend: migrate, import every file as the CLI does, then (``floor``) the same rows written again
    as they are, then the raw load; report figures."""
    from jejaring.core import migrate
    from jejaring.core.config import Settings
    from jejaring.core.db import build_engine, session_scope
    from jejaring.intake import jobs, service
    from jejaring.reference import service as reference_service

    url = _fresh_url(backend, workdir)
    try:
        migrate.upgrade(url)
        engine = build_engine(url)
        with session_scope(engine) as s:
            reference_service.load_reference(s)
        settings = Settings(database_url=url, data_dir=workdir / f"var_{backend}", load_demo=False)
        rows = accepted = quarantined = 0
        index_timer = _IndexBuildTimer()
        bulk_log = logging.getLogger("jejaring.registry.deferred")
        bulk_log.setLevel(logging.INFO)
        bulk_log.addHandler(index_timer)
        load_before = os.getloadavg()[0]
        cpu_before = time.process_time()
        server_before = _server_cpu_s(engine)
        start = time.perf_counter()
        job_ids = []
        for path in paths:  # as `jejaring intake FILE...` does: every file inspected, then one load
            with session_scope(engine) as s:
                job = service.create_job(s, source=path, file_name=path.name, data_dir=settings.data_dir, office=None)
                service.inspect_job(s, job=job, max_bytes=1 << 40, max_rows=1 << 40)
                job_ids.append(job.id)
        for final in jobs.run_jobs(engine, job_ids, settings):
            if final.status != "done":
                raise RuntimeError(f"{final.file_name}: job ended {final.status} ({final.error_key})")
            rows += final.rows_done
            accepted += final.accepted
            quarantined += final.quarantined
        seconds = time.perf_counter() - start
        cpu_s = time.process_time() - cpu_before
        server_cpu = _server_cpu_s(engine)
        if server_cpu is not None and server_before is not None:
            server_cpu -= server_before
        load_after = os.getloadavg()[0]
        import_rss = _peak_rss_mb()
        index_build_s = index_timer.seconds  # before the floor, whose own builds the timer would add
        refresh_start, refresh_cpu, server_mark = time.perf_counter(), time.process_time(), _server_cpu_s(engine)
        jobs.refresh_insights(engine)  # as `jejaring intake` does after a load that changed firms
        refresh_s, refresh_cpu = time.perf_counter() - refresh_start, time.process_time() - refresh_cpu
        after_refresh = _server_cpu_s(engine)  # the refresh's server CPU counts with the first load, as for re-uploads
        refresh_server = None if after_refresh is None or server_mark is None else after_refresh - server_mark
        again = _import_again(engine, settings, paths)  # the same files again: nothing changes
        changed = _import_again(engine, settings, _changed_copy(paths, workdir / f"changed_{backend}"))
        floor_figures = _floor(engine, workdir) if floor else {}
        engine.dispose()
        raw_seconds = _raw_load(url, paths)
    finally:
        _drop(url)
    return {
        "backend": backend,
        "rows": rows,
        "accepted": accepted,
        "quarantined": quarantined,
        "seconds": round(seconds, 2),
        "index_build_s": round(index_build_s, 1),
        "rows_per_s": round(rows / seconds),
        "raw_seconds": round(raw_seconds, 2),
        "ratio_to_raw": round(seconds / raw_seconds, 1),
        "peak_rss_mb": import_rss,
        "cpu_s": round(cpu_s, 2),
        "server_cpu_s": None if server_cpu is None else round(server_cpu, 1),
        "load": [round(load_before, 2), round(load_after, 2)],
        "refresh_s": round(refresh_s, 2),
        "refresh_cpu_s": round(refresh_cpu, 2),
        "refresh_server_cpu_s": None if refresh_server is None else round(refresh_server, 1),
        "again": again,
        "changed": changed,
        **floor_figures,
    }


NATIONAL_ROWS = 4_400_000
TARGET_SECONDS = {"postgresql": 60.0, "sqlite": 120.0}  # for the national dataset (issue #4)
TARGET_RSS_MB = 4096


def verdict(r: dict[str, Any]) -> str:
    """Whether a run meets the issue's target; smaller runs are judged by the rate the target implies."""
    need_rate = NATIONAL_ROWS / TARGET_SECONDS[r["backend"]]
    rss_ok = r["peak_rss_mb"] <= TARGET_RSS_MB
    if r["rows"] >= NATIONAL_ROWS:
        ok = r["seconds"] <= TARGET_SECONDS[r["backend"]] * r["rows"] / NATIONAL_ROWS and rss_ok
        return f"target {TARGET_SECONDS[r['backend']]:.0f} s for 4.4 M rows, <= 4 GB: {'MET' if ok else 'NOT MET'}"
    projected = NATIONAL_ROWS / r["rows_per_s"]
    ok = r["rows_per_s"] >= need_rate and rss_ok
    return (
        f"target rate {need_rate:,.0f} rows/s ({TARGET_SECONDS[r['backend']]:.0f} s for 4.4 M): "
        f"{'MET' if ok else 'NOT MET'} at this size, {r['rows_per_s'] / need_rate:.0%} of it "
        f"(4.4 M projected ~{projected:,.0f} s, linear)"
    )


def main() -> None:
    """Parse flags, generate the input, run each backend in its own process and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--files", type=int, default=38, help="provincial files to split the rows into")
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--workdir", type=Path, default=Path("var/intake_bench"))
    ap.add_argument("--input", type=Path, nargs="*", help="import these files instead of generating")
    ap.add_argument(
        "--floor",
        action="store_true",
        help="also write the imported rows again as they are (the least this schema's writes cost here)",
    )
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        paths = [Path(p) for p in json.loads(os.environ["INTAKE_BENCH_FILES"])]
        print(json.dumps(child(args.child, args.workdir, paths, floor=args.floor)))
        return
    start = time.perf_counter()
    paths = args.input or generate(args.workdir, args.rows, args.files)
    print(f"input: {len(paths)} files, generated in {time.perf_counter() - start:.1f} s")
    for backend in args.backends.split(","):
        env = {**os.environ, "INTAKE_BENCH_FILES": json.dumps([str(p) for p in paths])}
        out = subprocess.run(
            [sys.executable, __file__, "--child", backend, "--workdir", str(args.workdir)]
            + (["--floor"] if args.floor else []),
            env=env,
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            print(f"{backend}: FAILED\n{out.stderr[-3000:]}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        server = "" if r["server_cpu_s"] is None else f" + server {r['server_cpu_s']} s"
        refresh_server = "" if r["refresh_server_cpu_s"] is None else f" + server {r['refresh_server_cpu_s']} s"
        print(
            f"{r['backend']:10} {r['rows']:>10,} rows ({r['accepted']:,} accepted, {r['quarantined']:,} quarantined) "
            f"in {r['seconds']:>7.2f} s = {r['rows_per_s']:>9,} rows/s (index builds at the end "
            f"{r['index_build_s']} s) | raw load {r['raw_seconds']:.2f} s, "
            f"ratio {r['ratio_to_raw']}x | peak RSS {r['peak_rss_mb']:,} MB | CPU {r['cpu_s']} s{server} | "
            f"load avg {r['load'][0]:.2f} -> {r['load'][1]:.2f} ({os.cpu_count()} cores)\n"
            f"{'':10} {verdict(r)}\n"
            f"{'':10} first load with the insights refresh after it ({r['refresh_s']:.2f} s, "
            f"CPU {r['refresh_cpu_s']} s{refresh_server}), "
            f"as `jejaring intake` does: {r['seconds'] + r['refresh_s']:.2f} s wall, CPU "
            f"{r['cpu_s'] + r['refresh_cpu_s']:.2f} s{server}: what the re-uploads below are compared with"
        )
        for label, key, target in (("unchanged", "again", 0.10), ("1 % of rows changed", "changed", 0.15)):
            x = r[key]
            server = "" if x["server_cpu_s"] is None else f" + server {x['server_cpu_s']} s"
            first_cpu = r["cpu_s"] + r["refresh_cpu_s"] + (r["server_cpu_s"] or 0) + (r["refresh_server_cpu_s"] or 0)
            ratio_cpu = (x["cpu_s"] + (x["server_cpu_s"] or 0)) / first_cpu
            ratio_wall = x["s"] / (r["seconds"] + r["refresh_s"])
            verdicts = ", ".join(
                f"{n} {'MET' if v <= target else 'NOT MET'}" for n, v in (("CPU", ratio_cpu), ("wall", ratio_wall))
            )
            print(
                f"{'':10} re-upload, {label}: {x['s']:.2f} s wall = {ratio_wall:.1%} of the first load, "
                f"CPU {x['cpu_s']} s{server} = {ratio_cpu:.1%} of the first load's (target <= {target:.0%}: {verdicts})"
                f"; of it the insights refresh {x['refresh_s']:.2f} s, CPU {x['refresh_cpu_s']} s"
                f" | {x['rows_done']:,} rows: {x['accepted']:,} accepted, {x['inserted']} inserted, "
                f"{x['updated']:,} updated, {x['unchanged']:,} unchanged | load avg {x['load'][0]:.2f} -> "
                f"{x['load'][1]:.2f}"
            )
        if "floor_write_s" in r:
            floor_s = r["floor_write_s"] + r["floor_build_s"]
            server = "" if r["floor_server_cpu_s"] is None else f", server CPU {r['floor_server_cpu_s']} s"
            print(
                f"{'':10} floor: the same rows written again as they are {r['floor_write_s']:.2f} s + index builds "
                f"{r['floor_build_s']:.2f} s = {floor_s:.2f} s{server} = {floor_s / r['raw_seconds']:.1f}x the raw "
                f"load, {floor_s / r['seconds']:.0%} of the import"
            )


if __name__ == "__main__":
    main()

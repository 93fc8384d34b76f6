"""Indicators from the trade table (DuckDB for the aggregations, NumPy for complexity), written as parquet.

Formulas (also on the Peluang Pasar page and in docs/markets.md), with X exports, M imports, c an
exporter, j a market, p an HS6 product, t the last year and t0 the first:

- RCA_cp (Balassa), density, PCI and COG: see ``complexity.py``; computed for the last year.
- market share of Indonesia in j for p: s_jp = X_IDN,j,p / M_jp; its trend: the least-squares slope of
  s_jp over the years (percentage points a year).
- import-demand growth: CAGR_jp = (M_jp,t / M_jp,t0)^(1/(t−t0)) − 1 (5-year when six years are loaded).
- market concentration: HHI_jp = Σ_c (X_cjp / M_jp)², 0 (many suppliers) … 1 (one supplier).
- distance: population-weighted km between Indonesia and j (CEPII GeoDist via atlas-common-data).
- export potential (after ITC's Export Potential Map): potential_jp = supply_p × demand_jp × ease_j with
  supply_p = Indonesia's share of world exports of p, demand_jp = M_jp,t × (1 + clip(CAGR_jp, −20 %, 50 %))^5
  (imports projected five years), ease_j = (X_IDN,j / X_IDN) / (M_j / M_world) (how much more than its size
  the market already buys from Indonesia, over all products); unrealised_jp = max(potential_jp − X_IDN,j,p,t, 0).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl
from threadpoolctl import threadpool_limits

from jejaring.markets import atlas, complexity, store

HOME = "IDN"
# DuckDB and BLAS threads. One thread needs ~20 % less CPU (a second thread partly waits for the first), but
# on a machine shared with other work each thread gets its own share of the cores, so two finish sooner: at
# a load average of 21, the full-scale refresh took 127 s wall / 20.6 s CPU on two threads and 158 s / 16.5 s
# on one. The small eigenproblem is the exception (complexity.eci_pci runs it on one BLAS thread).
THREADS = 2
HORIZON_YEARS = 5
NEIGHBOURS = 15


def _prepare(con: duckdb.DuckDBPyConnection, last: int) -> None:
    """Two aggregates every later step reads, so the trade table is scanned twice in all: the last year's flows
    per exporter × market × product, and imports (and imports from Indonesia) per market × product × year."""
    con.execute(
        f"create temp table last_flows as select exporter, importer, hs6, sum(value) v "
        f"from trade where year = {last} group by all"
    )
    con.execute(
        f"create temp table yearly as select importer, hs6, year, sum(value) m, "
        f"coalesce(sum(value) filter (where exporter = '{HOME}'), 0) x from trade group by all"
    )


def _matrix(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[str], np.ndarray]:
    rows = con.sql("select exporter, hs6, sum(v) v from last_flows group by 1, 2").pl()
    countries = sorted(rows["exporter"].unique().to_list())
    products = sorted(rows["hs6"].unique().to_list())
    idx = rows.select(
        pl.col("exporter").cast(pl.Enum(countries)).to_physical().alias("c"),
        pl.col("hs6").cast(pl.Enum(products)).to_physical().alias("p"),
    )
    x = np.zeros((len(countries), len(products)))
    x[idx["c"].to_numpy(), idx["p"].to_numpy()] = rows["v"].to_numpy()
    return countries, products, x


def _neighbours(products: list[str], phi: np.ndarray) -> pl.DataFrame:
    np.fill_diagonal(phi, 0.0)
    k = min(NEIGHBOURS, max(len(products) - 1, 1))
    part = np.argpartition(-phi, k - 1, axis=1)[:, :k] if k < phi.shape[1] else np.arange(phi.shape[1])[None, :]
    order = np.argsort(-np.take_along_axis(phi, part, axis=1), axis=1, kind="stable")
    top = np.take_along_axis(part, order, axis=1)
    src = np.repeat(np.arange(len(products)), k)
    dst = top.ravel()
    vals = phi[src, dst]
    names = pl.Series(products)
    frame = pl.DataFrame({"hs6": names.gather(src), "near": names.gather(dst), "phi": vals})
    return frame.filter(pl.col("phi") > 0)


def refresh(data_dir: Path | None = None) -> dict[str, Any]:
    """Recompute every indicator from the trade table; returns the summary written to ``meta.json``."""
    started = time.perf_counter()
    path = store.trade_path(data_dir)
    source = store.read_json(path.with_suffix(".json")) or {}
    con = duckdb.connect(config={"threads": THREADS})
    try:
        con.execute("set enable_progress_bar = false")
        con.execute(f"create view trade as select * from read_parquet('{path}')")
        years = [r[0] for r in con.sql("select distinct year from trade order by 1").fetchall()]
        first, last = years[0], years[-1]
        span = max(last - first, 1)
        _prepare(con, last)
        t_aggregate = time.perf_counter() - started
        countries, products, x = _matrix(con)
        with threadpool_limits(limits=THREADS, user_api="blas"):
            ind = complexity.indicators(x)
        home = countries.index(HOME) if HOME in countries else None
        t_complexity = time.perf_counter() - started - t_aggregate

        names = atlas.hs6_products()
        space = atlas.hs4_space().select("hs4", "x", "y", "cluster")
        prod = pl.DataFrame(
            {
                "hs6": products,
                "world_exports": x.sum(axis=0),
                "pci": ind["pci"],
                "home_exports": x[home] if home is not None else np.zeros(len(products)),
                "home_rca": ind["rca"][home] if home is not None else np.zeros(len(products)),
                "home_density": ind["density"][home] if home is not None else np.zeros(len(products)),
                "home_cog": ind["cog"][home] if home is not None else np.zeros(len(products)),
            }
        )
        world = con.sql(
            f"select hs6, sum(m) filter (where year = {first}) v0, sum(m) filter (where year = {last}) v1 "
            "from yearly group by 1"
        ).pl()
        prod = (
            prod.join(world, on="hs6", how="left")
            .with_columns(((pl.col("v1") / pl.col("v0")) ** (1.0 / span) - 1).alias("world_cagr"))
            .drop("v0", "v1")
            .join(names, on="hs6", how="left")
            .with_columns(pl.col("hs6").str.slice(0, 4).alias("hs4"))
            .join(space, on="hs4", how="left")
        )
        store.write_table(prod, "products", data_dir)
        store.write_table(_neighbours(products, ind["phi"]), "proximity", data_dir)
        ri, pj = np.nonzero(ind["rca"] > 0)
        store.write_table(
            pl.DataFrame(
                {
                    "exporter": pl.Series(countries).gather(ri),
                    "hs6": pl.Series(products).gather(pj),
                    "rca": ind["rca"][ri, pj],
                }
            ),
            "rca",
            data_dir,
        )
        markets = _markets(con, first, last, span)
        store.write_table(markets, "markets", data_dir)
        store.write_table(_countries(con), "countries", data_dir)
        summary = {
            "source": source.get("source", "unknown"),
            "synthetic": bool(source.get("synthetic", False)),
            "source_detail": source,
            "years": years,
            "first_year": first,
            "last_year": last,
            "exporters": len(countries),
            "products": len(products),
            "markets": int(markets["importer"].n_unique()),
            "flows": int(con.sql("select count(*) from trade").fetchone()[0]),  # type: ignore[index]
            "seconds_aggregate": round(t_aggregate, 2),
            "seconds_complexity": round(t_complexity, 2),
            "seconds": round(time.perf_counter() - started, 2),
            "refreshed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        store.write_json(store.indicators_dir(data_dir) / "meta.json", summary)
        return summary
    finally:
        con.close()


def _markets(con: duckdb.DuckDBPyConnection, first: int, last: int, span: int) -> pl.DataFrame:
    """One row per market × product with imports, growth, concentration, Indonesia's share and potential."""
    return (
        con.sql(
            f"""
        with agg as (
          select importer, hs6,
                 max(m) filter (where year = {last}) imports,
                 max(m) filter (where year = {first}) imports_first,
                 max(x) filter (where year = {last}) actual,
                 max(x / m) filter (where year = {last}) home_share,
                 coalesce(regr_slope(x / m, year), 0) home_share_trend
          from yearly group by all),
        conc as (
          select importer, hs6, sum(v * v) / (sum(v) * sum(v)) hhi, sum(v) tot,
                 max_by(struct_pack(e := exporter, v := v), v, 3) filter (where exporter <> '{HOME}') top
          from last_flows group by all),
        supply as (
          select hs6, coalesce(sum(v) filter (where exporter = '{HOME}'), 0) / sum(v) home_world_share
          from last_flows group by 1),
        ease as (
          select importer,
                 (sum(v) filter (where exporter = '{HOME}')
                    / (select sum(v) from last_flows where exporter = '{HOME}'))
                 / (sum(v) / (select sum(v) from last_flows)) ease
          from last_flows group by 1)
        select a.importer, a.hs6, a.imports,
               case when a.imports_first > 0 then power(a.imports / a.imports_first, 1.0 / {span}) - 1 end cagr,
               c.hhi,
               nullif(array_to_string(list_transform(c.top,
                   t -> t.e || ':' || round(100 * t.v / c.tot)::integer::varchar), ';'), '') competitors,
               a.actual, a.home_share, a.home_share_trend,
               coalesce(s.home_world_share, 0) supply, coalesce(e.ease, 0) ease,
               coalesce(s.home_world_share, 0)
                 * a.imports * power(1 + greatest(least(coalesce(power(a.imports / nullif(a.imports_first, 0),
                   1.0 / {span}) - 1, 0), 0.5), -0.2), {HORIZON_YEARS})
                 * coalesce(e.ease, 0) potential
        from agg a join conc c using (importer, hs6)
        left join supply s using (hs6) left join ease e using (importer)
        where a.imports is not null and a.importer <> '{HOME}'
        """
        )
        .pl()
        .with_columns(
            (pl.col("potential") - pl.col("actual").fill_null(0)).clip(lower_bound=0).alias("unrealised"),
            pl.col("actual").fill_null(0),
            pl.col("home_share").fill_null(0),
        )
    )


def _countries(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Markets with their name, distance from Indonesia, total imports and imports from Indonesia."""
    totals = con.sql(
        f"select importer iso3, sum(v) imports, coalesce(sum(v) filter (where exporter = '{HOME}'), 0) "
        f"from_home from last_flows group by 1"
    ).pl()
    names = atlas.countries().select("iso3", "m49", "name")
    km = atlas.distances().filter(pl.col("exporter") == HOME).select(pl.col("importer").alias("iso3"), "km")
    return totals.join(names, on="iso3", how="left").join(km, on="iso3", how="left")

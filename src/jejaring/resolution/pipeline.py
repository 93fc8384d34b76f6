"""The resolution pipeline, engine-neutral: clean → exact keys → block and score (Splink) → decide.

Input is a polars frame of raw firm records (one row per record); outputs are frames of edges and
scored pairs between record ids, computed column-wise. Nothing here touches the registry database:
``service.py`` reads records and applies decisions.
"""

from __future__ import annotations

import json
import logging
import math
import tempfile
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import polars as pl
import pyarrow as pa

from jejaring.core import text as clean
from jejaring.resolution.comparisons import SPECS, settings

log = logging.getLogger(__name__)

ENGINES = ("duckdb", "spark")
# Expected share of records that are duplicates of another record, for the prior of a random pair.
EXPECTED_DUPLICATE_SHARE = 0.15

_SCHEMA = pa.schema(
    [
        ("unique_id", pa.int64()),
        ("province_code", pa.string()),
        ("regency_code", pa.string()),
        ("district_code", pa.string()),
        ("desa_key", pa.string()),
        ("name", pa.string()),
        ("name_first", pa.string()),
        ("name_prefix", pa.string()),
        ("owner", pa.string()),
        ("phone", pa.string()),
        ("address", pa.string()),
        ("kbli", pa.string()),
        ("nib", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
    ]
)
# The raw record columns that ``prepare`` reads (as ``service.load_records`` returns them).
RAW_SCHEMA: dict[str, Any] = {
    "id": pl.Int64,
    "name": pl.String,
    "nib": pl.String,
    "address": pl.String,
    "province_code": pl.String,
    "regency_code": pl.String,
    "district_code": pl.String,
    "desa": pl.String,
    "latitude": pl.Float64,
    "longitude": pl.Float64,
    "kbli_code": pl.String,
    "owner_name": pl.String,
    "phone": pl.String,
}
EDGE_SCHEMA: dict[str, Any] = {"a": pl.Int64, "b": pl.Int64, "reason": pl.String}


def _null_if_empty(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr == "").then(None).otherwise(expr)


def _cleaned(raw: pl.DataFrame, column: str, clean_expr: Callable[[pl.Expr], pl.Expr]) -> pl.Series:
    """``clean_expr`` applied to a column; to each distinct value once when values repeat (desa, owners)."""
    values = raw.get_column(column)
    distinct = values.unique()
    if distinct.len() * 2 > values.len():
        return raw.select(clean_expr(pl.col(column))).to_series()
    table = pl.DataFrame({column: distinct}).with_columns(clean_expr(pl.col(column)).alias("_clean"))
    joined = raw.select(column).join(table, on=column, how="left", nulls_equal=True, maintain_order="left")
    return joined.get_column("_clean")


def prepare(records: pl.DataFrame | Iterable[dict[str, Any]]) -> pl.DataFrame:
    """Clean raw firm records into the comparison columns (empty values become nulls), column-wise."""
    raw = records if isinstance(records, pl.DataFrame) else pl.DataFrame(list(records), schema=RAW_SCHEMA)
    raw = raw.select(
        [pl.col(c).cast(t) if c in raw.columns else pl.lit(None, dtype=t).alias(c) for c, t in RAW_SCHEMA.items()]
    )
    plain = {c: clean.ascii_only(raw, c) for c in ("name", "owner_name", "address", "desa")}
    raw = raw.with_columns(
        _cleaned(raw, "desa", lambda c: clean.fold_expr(c, ascii_only=plain["desa"])).alias("_desa"),
        _cleaned(raw, "owner_name", lambda c: clean.owner_expr(c, ascii_only=plain["owner_name"])).alias("_owner"),
    )
    desa = pl.col("_desa")
    area = pl.coalesce(_null_if_empty(pl.col("district_code")), pl.col("regency_code").fill_null("None"))
    out = raw.with_columns(
        clean.name_expr(pl.col("name"), ascii_only=plain["name"]).alias("_name"),
        clean.phone_series(raw.get_column("phone")).alias("_phone"),
    ).select(
        pl.col("id").alias("unique_id"),
        pl.col("province_code"),
        pl.col("regency_code"),
        _null_if_empty(pl.col("district_code")).alias("district_code"),
        pl.when(desa != "").then(pl.concat_str([area, pl.lit("|"), desa])).alias("desa_key"),
        _null_if_empty(pl.col("_name")).alias("name"),
        _null_if_empty(clean.first_token_expr(pl.col("_name"))).alias("name_first"),
        _null_if_empty(clean.prefix_expr(pl.col("_name"))).alias("name_prefix"),
        _null_if_empty(pl.col("_owner")).alias("owner"),
        _null_if_empty(pl.col("_phone")).alias("phone"),
        _null_if_empty(clean.address_expr(pl.col("address"), ascii_only=plain["address"])).alias("address"),
        _null_if_empty(pl.col("kbli_code")).alias("kbli"),
        _null_if_empty(pl.col("nib").str.strip_chars()).alias("nib"),
        pl.col("latitude"),
        pl.col("longitude"),
    )
    return out


def exact_edges(table: pl.DataFrame) -> pl.DataFrame:
    """Edges (a, b, reason) from exact keys: same NIB (``exact_nib``); same cleaned name in the same desa
    without conflicting NIB, phone or owner (``exact_name_desa``)."""
    ids = table.select("unique_id", "nib", "phone", "owner")
    by_nib = (
        table.filter(pl.col("nib").is_not_null())
        .group_by("nib")
        .agg(pl.col("unique_id").sort())
        .filter(pl.col("unique_id").list.len() > 1)
        .select(pl.col("unique_id").list.first().alias("a"), pl.col("unique_id").list.slice(1).alias("b"))
        .explode("b")
        .with_columns(pl.lit("exact_nib").alias("reason"))
    )
    keyed = table.filter(pl.col("name").is_not_null() & pl.col("desa_key").is_not_null()).select(
        "unique_id", "name", "desa_key"
    )
    shared = keyed.join(keyed, on=["name", "desa_key"], suffix="_r").filter(pl.col("unique_id") < pl.col("unique_id_r"))
    pairs = (
        shared.select(pl.col("unique_id").alias("a"), pl.col("unique_id_r").alias("b"))
        .join(ids, left_on="a", right_on="unique_id")
        .join(ids, left_on="b", right_on="unique_id", suffix="_r")
    )
    conflict = pl.lit(False)
    for key in ("nib", "phone", "owner"):
        conflict = conflict | (
            pl.col(key).is_not_null() & pl.col(f"{key}_r").is_not_null() & (pl.col(key) != pl.col(f"{key}_r"))
        )
    by_name = pairs.filter(~conflict).select("a", "b", pl.lit("exact_name_desa").alias("reason"))
    return pl.concat([by_nib, by_name]).cast(EDGE_SCHEMA)  # type: ignore[arg-type]


# The prior is computed as if the registry held at least this many records, so that a small
# registry (a demo, one upload) does not inflate the chance that two random records match.
MIN_EFFECTIVE_RECORDS = 50_000


def prior_for(n_records: int) -> float:
    """Prior probability that two random records match, from the expected duplicate share."""
    n = max(n_records, MIN_EFFECTIVE_RECORDS)
    return EXPECTED_DUPLICATE_SHARE * n / (n * (n - 1) / 2)


# DuckDB runs the scoring in-process; its memory is capped (it spills to a temporary folder beyond)
# so that the whole run stays within budget.
DUCKDB_MEMORY_LIMIT = "2GB"


def db_api(engine: str = "duckdb", *, spill_dir: str | None = None) -> Any:
    """The Splink database API for ``engine`` (DuckDB in-process by default, Spark for data beyond one machine)."""
    if engine == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        config: dict[str, str | bool | int | float | list[str]] = {
            "memory_limit": DUCKDB_MEMORY_LIMIT,
            "preserve_insertion_order": False,
        }
        if spill_dir:
            config["temp_directory"] = spill_dir
        return DuckDBAPI(connection=duckdb.connect(config=config))
    if engine == "spark":
        from pyspark.sql import SparkSession
        from splink import SparkAPI
        from splink.backends.spark import similarity_jar_location

        spark = (
            SparkSession.builder.appName("jejaring-resolution")
            .config("spark.jars", similarity_jar_location())
            .config("spark.sql.shuffle.partitions", "8")
            .getOrCreate()
        )
        spark.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="jejaring-spark-"))
        return SparkAPI(spark_session=spark)
    raise ValueError(f"unknown engine {engine!r}; choose one of {ENGINES}")


PAIR_SCHEMA: dict[str, Any] = {
    "a": pl.Int64,
    "b": pl.Int64,
    "province_code": pl.String,
    "match_probability": pl.Float64,
    "match_weight": pl.Float64,
    "explanation": pl.String,
}


def score(
    table: pl.DataFrame,
    *,
    new_ids: Sequence[int] | None = None,
    engine: str = "duckdb",
    threshold: float = 0.05,
) -> pl.DataFrame:
    """Scored candidate pairs (match_probability ≥ ``threshold``): ``PAIR_SCHEMA`` columns, a < b, with each
    comparison's level and weight as a JSON explanation.

    With ``new_ids`` only pairs touching a new record are scored (incremental linking: new against
    existing, and new against new).
    """
    prior = prior_for(table.height)  # of the whole registry, whatever the part being scored
    parts = _partitions(table) if engine == "duckdb" else [table]
    frames = [pl.DataFrame(schema=PAIR_SCHEMA)]
    new = None if new_ids is None else pl.Series(list(new_ids), dtype=pl.Int64)
    with tempfile.TemporaryDirectory(prefix="jejaring-score-") as spill_dir:
        for part in parts:
            if part.height < 2 or (new is not None and not part.get_column("unique_id").is_in(new.implode()).any()):
                continue
            frames.append(
                _score(part, new_ids=new, engine=engine, threshold=threshold, prior=prior, spill_dir=spill_dir)
            )
    return pl.concat(frames)


# DuckDB scores at most about this many records at once: every blocking rule keeps pairs inside one
# regency or desa, so provinces can be scored apart (with identical results) in bounded memory.
PARTITION_ROWS = 1_000_000


def _partitions(table: pl.DataFrame) -> list[pl.DataFrame]:
    """The records split by province, provinces packed (largest first) into parts of about ``PARTITION_ROWS``."""
    if table.height <= PARTITION_ROWS:
        return [table]
    sizes = table.group_by("province_code").len().sort("len", descending=True)
    batches: list[list[str | None]] = []
    filled: list[int] = []
    for province, n in sizes.iter_rows():
        slot = next((i for i, used in enumerate(filled) if used + n <= PARTITION_ROWS), None)
        if slot is None:
            batches.append([province])
            filled.append(n)
        else:
            batches[slot].append(province)
            filled[slot] += n
    key = pl.col("province_code")
    return [
        table.filter(
            key.is_in(pl.Series([p for p in b if p is not None], dtype=pl.String).implode())
            | (key.is_null() if None in b else False)
        )
        for b in batches
    ]


def _score(
    table: pl.DataFrame, *, new_ids: pl.Series | None, engine: str, threshold: float, prior: float, spill_dir: str
) -> pl.DataFrame:
    from splink import Linker

    api = db_api(engine, spill_dir=spill_dir)

    def register(t: pl.DataFrame, name: str) -> Any:
        frame: Any = t.to_arrow()
        if engine == "spark":
            kinds = {pa.int64(): "bigint", pa.float64(): "double"}
            ddl = ", ".join(f"{f.name} {kinds.get(f.type, 'string')}" for f in _SCHEMA)
            frame = api.spark.createDataFrame(t.to_dicts(), schema=ddl)
        return api.register(frame, table_name=name)

    records = register(table, "jejaring_records")
    linker = Linker(records, settings(prior), log_level=logging.WARNING)
    if new_ids is None:
        results = [linker.inference.predict(threshold_match_probability=threshold)]
    else:
        new = table.get_column("unique_id").is_in(new_ids.implode())
        new_t, old_t = table.filter(new), table.filter(~new)
        new_df = register(new_t, "jejaring_new")
        results = [linker.inference.predict_within(new_df, threshold_match_probability=threshold)]
        if old_t.height:
            old_df = register(old_t, "jejaring_old")
            results.append(linker.inference.predict_between(old_df, new_df, threshold_match_probability=threshold))
    frames = [_pairs(pl.from_arrow(r.as_pyarrow_table())) for r in results]  # type: ignore[arg-type]
    for r in results:
        r.drop_table_from_database_and_remove_from_cache()
    if engine == "duckdb":
        api._con.close()  # frees DuckDB's memory and its spill files now, not at garbage collection
    return pl.concat(frames)


def _explanation_parts() -> list[pl.Expr]:
    """Per comparison: the JSON item of the level a pair reached (Splink: highest gamma = most similar)."""
    parts = []
    for spec in SPECS:
        items = {}
        for gamma in range(len(spec.levels)):
            level = spec.levels[len(spec.levels) - 1 - gamma]
            weight = round(math.log2(level.m / level.u), 2)
            items[gamma] = json.dumps({"comparison": spec.name, "level": level.key, "weight": weight})
        parts.append(pl.col(f"gamma_{spec.name}").replace_strict(items, default=None, return_dtype=pl.String))
    return parts


def _pairs(raw: pl.DataFrame) -> pl.DataFrame:
    """Splink's predictions as ``PAIR_SCHEMA`` rows."""
    if raw.height == 0:
        return pl.DataFrame(schema=PAIR_SCHEMA)
    province = "province_code_l" if "province_code_l" in raw.columns else "province_code"
    return raw.select(
        pl.min_horizontal("unique_id_l", "unique_id_r").cast(pl.Int64).alias("a"),
        pl.max_horizontal("unique_id_l", "unique_id_r").cast(pl.Int64).alias("b"),
        pl.col(province).cast(pl.String).alias("province_code"),
        pl.col("match_probability").cast(pl.Float64),
        pl.col("match_weight").cast(pl.Float64),
        pl.concat_str(
            [pl.lit("["), pl.concat_str(_explanation_parts(), separator=", ", ignore_nulls=True), pl.lit("]")]
        ).alias("explanation"),
    )


def decide(pairs: pl.DataFrame, *, auto_threshold: float, review_threshold: float) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split scored pairs into automatic merges (≥ auto) and the review queue (≥ review); the rest are distinct."""
    p = pl.col("match_probability")
    return pairs.filter(p >= auto_threshold), pairs.filter((p < auto_threshold) & (p >= review_threshold))


def connected_components(ids: Iterable[int], edges: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Map every id to the smallest id of its connected component."""
    frame = components(
        pl.Series("id", list(ids), dtype=pl.Int64),
        pl.DataFrame(list(edges), schema={"a": pl.Int64, "b": pl.Int64}, orient="row"),
    )
    return dict(frame.iter_rows())


def components(ids: pl.Series, edges: pl.DataFrame) -> pl.DataFrame:
    """Connected components (``id``, ``component`` = smallest id of its component) of ``ids`` plus every id on
    an edge (``a``, ``b``): label propagation with pointer jumping, column-wise."""
    nodes = pl.concat([ids.cast(pl.Int64), edges.get_column("a"), edges.get_column("b")]).unique()
    label = pl.DataFrame({"id": nodes, "component": nodes})
    both = pl.concat(
        [
            edges.select(pl.col("a").alias("x"), pl.col("b").alias("y")),
            edges.select(pl.col("b").alias("x"), pl.col("a").alias("y")),
        ]
    )
    while True:
        # each node takes the smallest label among its neighbours, then the label of its label (pointer jumping)
        seen = both.join(label, left_on="y", right_on="id").group_by("x").agg(pl.col("component").min().alias("n"))
        step = label.join(seen, left_on="id", right_on="x", how="left").select(
            "id", pl.min_horizontal("component", "n").alias("component")
        )
        step = step.join(step.rename({"id": "component", "component": "hop"}), on="component", how="left").select(
            "id", pl.min_horizontal("component", "hop").alias("component")
        )
        if step.join(label, on="id", suffix="_old").filter(pl.col("component") != pl.col("component_old")).height == 0:
            return step.sort("id")
        label = step

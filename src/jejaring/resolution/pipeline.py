"""The resolution pipeline, engine-neutral: clean → exact keys → block and score (Splink) → decide.

Input is a list of record dicts (one per firm record); output is edges between record ids. Nothing
here touches the registry database: ``service.py`` reads records and applies decisions.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from jejaring.resolution import clean
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
        ("owner", pa.string()),
        ("phone", pa.string()),
        ("address", pa.string()),
        ("kbli", pa.string()),
        ("nib", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
    ]
)


def _or_none(value: str | None) -> str | None:
    return value if value else None


def prepare(records: Iterable[dict[str, Any]]) -> pa.Table:
    """Clean raw firm records into the comparison columns (empty values become nulls)."""
    cols: dict[str, list[Any]] = {f.name: [] for f in _SCHEMA}
    for r in records:
        name = clean.clean_name(r.get("name"))
        cols["unique_id"].append(int(r["id"]))
        cols["province_code"].append(r.get("province_code"))
        cols["regency_code"].append(r.get("regency_code"))
        cols["district_code"].append(_or_none(r.get("district_code") or ""))
        desa = clean.fold(r.get("desa"))
        cols["desa_key"].append(f"{r.get('district_code') or r.get('regency_code')}|{desa}" if desa else None)
        cols["name"].append(_or_none(name))
        cols["name_first"].append(_or_none(clean.first_token(name)))
        cols["owner"].append(_or_none(clean.clean_owner(r.get("owner_name"))))
        cols["phone"].append(_or_none(clean.phone_e164(r.get("phone"))))
        cols["address"].append(_or_none(clean.clean_address(r.get("address"))))
        cols["kbli"].append(_or_none(r.get("kbli_code") or ""))
        cols["nib"].append(_or_none((r.get("nib") or "").strip()))
        cols["latitude"].append(r.get("latitude"))
        cols["longitude"].append(r.get("longitude"))
    return pa.Table.from_pydict(cols, schema=_SCHEMA)


@dataclass(frozen=True)
class Edge:
    """Two record ids judged to be the same firm, and why."""

    a: int
    b: int
    reason: str  # exact_nib | exact_name_desa | auto
    probability: float = 1.0
    weight: float = math.inf


def _conflict(x: dict[str, Any], y: dict[str, Any]) -> bool:
    """Exact-key guard: two records sharing a key are still distinct when hard identifiers disagree."""
    for key in ("nib", "phone"):
        if x[key] and y[key] and x[key] != y[key]:
            return True
    return bool(x["owner"] and y["owner"] and x["owner"] != y["owner"])


def exact_edges(table: pa.Table) -> list[Edge]:
    """Edges from exact keys: same NIB; same cleaned name in the same desa without conflicting identifiers."""
    rows = table.to_pylist()
    edges: list[Edge] = []
    by_nib: dict[str, list[dict[str, Any]]] = {}
    by_name_desa: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        if r["nib"]:
            by_nib.setdefault(r["nib"], []).append(r)
        if r["name"] and r["desa_key"]:
            by_name_desa.setdefault((r["name"], r["desa_key"]), []).append(r)
    for group in by_nib.values():
        first = group[0]
        edges.extend(Edge(first["unique_id"], r["unique_id"], "exact_nib") for r in group[1:])
    for group in by_name_desa.values():
        for i, x in enumerate(group):
            for y in group[i + 1 :]:
                if not _conflict(x, y):
                    edges.append(Edge(x["unique_id"], y["unique_id"], "exact_name_desa"))
    return edges


# The prior is computed as if the registry held at least this many records, so that a small
# registry (a demo, one upload) does not inflate the chance that two random records match.
MIN_EFFECTIVE_RECORDS = 50_000


def prior_for(n_records: int) -> float:
    """Prior probability that two random records match, from the expected duplicate share."""
    n = max(n_records, MIN_EFFECTIVE_RECORDS)
    return EXPECTED_DUPLICATE_SHARE * n / (n * (n - 1) / 2)


def db_api(engine: str = "duckdb") -> Any:
    """The Splink database API for ``engine`` (DuckDB in-process by default, Spark for data beyond one machine)."""
    if engine == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    if engine == "spark":
        import tempfile

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


def score(
    table: pa.Table,
    *,
    new_ids: Sequence[int] | None = None,
    engine: str = "duckdb",
    threshold: float = 0.05,
    progress: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Scored candidate pairs (match_probability ≥ ``threshold``) with per-comparison Bayes factors.

    With ``new_ids`` only pairs touching a new record are scored (incremental linking: new against
    existing, and new against new).
    """
    if table.num_rows < 2:
        return []
    from splink import Linker

    api = db_api(engine)

    def register(t: pa.Table, name: str) -> Any:
        frame: Any = t
        if engine == "spark":
            kinds = {pa.int64(): "bigint", pa.float64(): "double"}
            ddl = ", ".join(f"{f.name} {kinds.get(f.type, 'string')}" for f in _SCHEMA)
            frame = api.spark.createDataFrame(t.to_pylist(), schema=ddl)
        return api.register(frame, table_name=name)

    records = register(table, "jejaring_records")
    linker = Linker(records, settings(prior_for(table.num_rows)), log_level=logging.WARNING)
    if progress:
        progress("score")
    if new_ids is None:
        result = linker.inference.predict(threshold_match_probability=threshold)
    else:
        new = set(new_ids)
        mask = pa.array([uid in new for uid in table.column("unique_id").to_pylist()])
        new_t, old_t = table.filter(mask), table.filter(pa.compute.invert(mask))
        new_df = register(new_t, "jejaring_new")
        pairs_within = linker.inference.predict_within(new_df, threshold_match_probability=threshold)
        out = pairs_within.as_pyarrow_table().to_pylist()
        if old_t.num_rows:
            old_df = register(old_t, "jejaring_old")
            between = linker.inference.predict_between(old_df, new_df, threshold_match_probability=threshold)
            out.extend(between.as_pyarrow_table().to_pylist())
        return [_pair(p) for p in out]
    return [_pair(p) for p in result.as_pyarrow_table().to_pylist()]


def _pair(p: dict[str, Any]) -> dict[str, Any]:
    a, b = int(p["unique_id_l"]), int(p["unique_id_r"])
    explanation = []
    for spec in SPECS:
        gamma = p.get(f"gamma_{spec.name}")
        if gamma is None or gamma < 0:
            continue
        level = spec.levels[len(spec.levels) - 1 - int(gamma)]  # Splink: highest gamma = most similar
        explanation.append(
            {"comparison": spec.name, "level": level.key, "weight": round(math.log2(level.m / level.u), 2)}
        )
    return {
        "a": min(a, b),
        "b": max(a, b),
        "province_code": p.get("province_code_l") or p.get("province_code"),
        "match_probability": float(p["match_probability"]),
        "match_weight": float(p["match_weight"]),
        "explanation": explanation,
    }


def decide(
    pairs: Iterable[dict[str, Any]], *, auto_threshold: float, review_threshold: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Split scored pairs into automatic merges (≥ auto) and the review queue (≥ review); the rest are distinct."""
    auto, review = [], []
    for p in pairs:
        if p["match_probability"] >= auto_threshold:
            auto.append(p)
        elif p["match_probability"] >= review_threshold:
            review.append(p)
    return auto, review


def connected_components(ids: Iterable[int], edges: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Map every id to the smallest id of its connected component (union-find)."""
    parent: dict[int, int] = {i: i for i in ids}

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for a, b in edges:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {i: find(i) for i in parent}

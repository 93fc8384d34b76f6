"""Planted market-access gaps (with controls) for the gap finder's benchmark; see ``planted.py``.

A market-access gap, as the issue defines it, is IKM with no trade or export link, or a sentra whose output
leaves through one distributor. The planting follows those words only (not the finder's thresholds):

* sentra: every member's trade, export and partnership links are dropped and each member is given one sale
  link to the same distributor; a control's members are each given a distributor of their own;
* regency: every IKM of the regency loses its trade, export and partnership links; in a control a random half
  of its IKM are each given a sale link to a distributor (the rest keep what they have).
"""

from __future__ import annotations

import numpy as np
import polars as pl

TRADE = ("pemasaran", "pemasaran_perdagangan", "ekspor")
MIN_REGENCY_IKM = 10  # a regency with fewer valid IKM is not used as a planted place or a control
SCHEMA = {
    "ikm_entity_id": pl.String,
    "mitra_entity_id": pl.String,
    "jenis": pl.String,
    "tahun": pl.Int64,
    "nilai_rp": pl.Int64,
}


def plant(
    rng: np.random.Generator,
    entities: pl.DataFrame,
    frames: dict[str, pl.DataFrame],
    links: pl.DataFrame,
    partnerships: pl.DataFrame,
    truth: list[dict[str, object]],
    count: int,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rewire ``links`` (keterkaitan) and ``partnerships`` (kemitraan); append the labelled places to ``truth``."""
    distributors = frames["distributor"]["entity_id"].to_list()
    used = {str(t["place"]) for t in truth if t["place_kind"] == "sentra"}
    members = (
        entities.filter(pl.col("sentra_id").is_not_null() & ~pl.col("sentra_id").is_in(sorted(used)))
        .group_by("sentra_id")
        .agg(pl.col("entity_id").sort(), pl.col("kode_wilayah").first())
        .filter(pl.col("entity_id").list.len() >= 3)
        .sort("sentra_id")
    )
    cut: set[str] = set()  # IKM whose trade, export and partnership links are dropped
    added: list[dict[str, object]] = []
    sentra_regencies: set[str] = set()
    if len(members) and len(distributors) >= 6:
        order = rng.permutation(len(members))[: 2 * count]
        for k, (sid, ids, code) in enumerate(members[order.tolist()].iter_rows()):
            ids = ids[:6]
            planted = k % 2 == 0
            picks = rng.choice(len(distributors), size=len(ids), replace=False)
            for n, entity in enumerate(ids):
                partner = distributors[int(picks[0] if planted else picks[n])]
                added.append(
                    {
                        "ikm_entity_id": entity,
                        "mitra_entity_id": partner,
                        "jenis": "pemasaran",
                        "tahun": 2022,
                        "nilai_rp": 150_000_000,
                    }
                )
            all_members = entities.filter(pl.col("sentra_id") == sid)["entity_id"].to_list()
            cut.update(all_members)
            sentra_regencies.add(str(code))
            truth.append(
                {"kind": "akses_pasar", "place_kind": "sentra", "place": sid, "planted": planted, "detail": ""}
            )
    per = (
        entities.group_by("kode_wilayah")
        .agg(pl.col("entity_id"))
        .filter(pl.col("entity_id").list.len() >= MIN_REGENCY_IKM)
        .filter(~pl.col("kode_wilayah").is_in(sorted(sentra_regencies)))
        .sort("kode_wilayah")
    )
    order = rng.permutation(len(per))[: 2 * count]
    for k, (code, ids) in enumerate(per[order.tolist()].iter_rows()):
        planted = k % 2 == 0
        if planted:
            cut.update(ids)
        elif distributors:
            for i in rng.choice(len(ids), size=len(ids) // 2, replace=False):
                partner = distributors[int(rng.integers(len(distributors)))]
                added.append(
                    {"ikm_entity_id": ids[int(i)], "mitra_entity_id": partner, "jenis": "pemasaran", "tahun": 2021}
                    | {"nilai_rp": 80_000_000}
                )
        truth.append(
            {"kind": "akses_pasar", "place_kind": "kabupaten", "place": code, "planted": planted, "detail": ""}
        )
    gone = sorted(cut)
    if len(links):
        links = links.filter(~(pl.col("ikm_entity_id").is_in(gone) & pl.col("jenis").is_in(TRADE)))
    if len(partnerships):
        partnerships = partnerships.filter(~pl.col("ikm_entity_id").is_in(gone))
    new = pl.DataFrame(added, schema=SCHEMA)
    links = pl.concat([links.cast(SCHEMA), new]) if len(links) else new  # type: ignore[arg-type]
    return links, partnerships

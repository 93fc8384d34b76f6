"""The synthetic nation's linkage and partnership history, loaded into the demo registry.

``ekosistem/keterkaitan.csv`` and ``kemitraan.csv`` name firms by the generator's ``entity_id``; IKM ids are
mapped to the imported firms through ``ground_truth/rows`` (file and row) and the registry's provenance, the
other firms through the row of their ``perusahaan_<peran>.csv`` file. Then the derived links are collected.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from jejaring.accounts.roles import system_actor
from jejaring.core.db import session_scope
from jejaring.ecosystem import service, stored
from jejaring.ecosystem.enums import LinkKind, LinkSource
from jejaring.partnerships import service as partnerships_service
from jejaring.registry import service as registry_service
from jejaring.synth.ecosystem import ROLE_FILES

log = logging.getLogger(__name__)
SYNTH_KINDS = {"pemasaran": LinkKind.PEMASARAN_PERDAGANGAN.value, **{k.value: k.value for k in LinkKind}}
SYNTH_STATUS = {"aktif": "aktif", "selesai": "selesai", "batal": "dihentikan"}


def entity_firm_ids(session: Session, out: Path) -> dict[str, int]:
    """Generator entity id → registry firm id, for IKM (ground truth rows) and ecosystem firms (file rows)."""
    rows = pl.concat(
        [
            pl.read_csv(p, columns=["file", "row", "entity_id"], schema_overrides={"file": pl.String})
            for p in (out / "ground_truth" / "rows").glob("*.csv")
        ]
    )
    rows = rows.with_columns(pl.col("file").str.split("/").list.last().alias("name"))
    mapping: dict[str, int] = {}
    names = rows["name"].unique().to_list()
    by_source = registry_service.ids_by_source(session, entity_type="firm", file_names=names)
    for name, row, entity in rows.select("name", "row", "entity_id").iter_rows():
        fid = by_source.get((name, row))
        if fid is not None:
            mapping.setdefault(entity, fid)
    eco = out / "ekosistem"
    files = [f"perusahaan_{r}.csv" for r in ROLE_FILES]
    by_source = registry_service.ids_by_source(session, entity_type="firm", file_names=files)
    for name in files:
        if (eco / name).exists():
            for i, entity in enumerate(pl.read_csv(eco / name, columns=["entity_id"])["entity_id"].to_list(), start=2):
                if (fid := by_source.get((name, i))) is not None:
                    mapping[entity] = fid
    return mapping


def load(engine: Engine, out: Path) -> dict[str, int]:
    """Load declared linkages and partnership history, then collect the derived links; returns counts."""
    actor = system_actor()
    eco = out / "ekosistem"
    counts: dict[str, int] = {}
    with session_scope(engine) as s:
        ids = entity_firm_ids(s, out)
        firms = {f["id"]: f for f in registry_service.network_firms(s)}
        links = []
        path = eco / "keterkaitan.csv"
        if path.exists() and path.stat().st_size > 0:
            for n, r in enumerate(pl.read_csv(path).iter_rows(named=True), start=2):
                link = _declared(r, n, ids, firms)
                if link is not None:
                    links.append(link)
        outcome = service.declare_links(s, actor=actor, links=links)
        counts["declared_links"] = outcome["inserted"] + outcome["updated"] + outcome["unchanged"]
        history = []
        path = eco / "kemitraan.csv"
        if path.exists() and path.stat().st_size > 0:
            for r in pl.read_csv(path).iter_rows(named=True):
                item = _history(r, ids, firms)
                if item is not None:
                    history.append(item)
        counts["partnerships"] = partnerships_service.import_history(s, actor=actor, rows=history)
    with session_scope(engine) as s:
        counts["derived_links"] = sum(service.collect_links(s, actor=actor).values())
    with session_scope(engine) as s:
        counts["gaps"] = stored.refresh(s, actor=actor)["gaps"]
    return counts


def _declared(
    r: dict[str, Any], n: int, ids: dict[str, int], firms: dict[int, dict[str, Any]]
) -> service.LinkIn | None:
    firm_id, partner_id = ids.get(r["ikm_entity_id"]), ids.get(r["mitra_entity_id"])
    kind = SYNTH_KINDS.get(str(r["jenis"]))
    if firm_id is None or partner_id is None or kind is None or firm_id not in firms:
        return None
    partner = firms.get(partner_id, {})
    return service.LinkIn(
        firm_id=firm_id,
        province_code=firms[firm_id]["province_code"],
        regency_code=firms[firm_id]["regency_code"],
        kind=kind,
        source=LinkSource.DECLARED.value,
        partner_firm_id=partner_id,
        partner_regency_code=partner.get("regency_code"),
        value_per_year=int(r["nilai_rp"]) if r.get("nilai_rp") is not None else None,
        since=int(r["tahun"]) if r.get("tahun") is not None else None,
        office="pusat",
        file_name="keterkaitan.csv",
        row_number=n,
    )


def _history(r: dict[str, Any], ids: dict[str, int], firms: dict[int, dict[str, Any]]) -> dict[str, Any] | None:
    larger, smaller = ids.get(r["industri_besar_entity_id"]), ids.get(r["ikm_entity_id"])
    if larger is None or smaller is None or smaller not in firms:
        return None
    return {
        "ref": r["kemitraan_id"],
        "larger_firm_id": larger,
        "smaller_firm_id": smaller,
        "pattern": r["pola"],
        "title": f"Kemitraan {r['produk']}",
        "start_year": r["mulai"],
        "end_year": r.get("selesai"),
        "status": SYNTH_STATUS.get(str(r["status"]), "aktif"),
        "value": r.get("nilai_kontrak_rp"),
        "province_code": firms[smaller]["province_code"],
    }

"""Known ecosystem gaps planted in the synthetic nation, with controls, for the gap finder's benchmark.

* missing supplier: sentra whose main input (the default I–O structure) has no supplier or large industry of
  that KBLI division within 200 km — every such firm nearby is moved far away; controls get one moved next door;
* after-sales: regencies with machine-using IKM and no after-sales firm (nor any KBLI 33 firm) within 100 km;
  controls get one service moved to their seat;
* single source: sentra whose members all buy raw materials from one supplier; controls buy from as many
  suppliers as they have members;
* market access (sentra): sentra whose members all sell through one distributor (their other trade, export and
  partnership links dropped); controls sell each through a distributor of its own;
* market access (regency): regencies whose IKM lose every trade, export and partnership link; in controls
  half of the IKM are given a sale link to a distributor (``planted_market.py``).

Written to ``ground_truth/ecosystem_gaps.csv`` (kind, place_kind, place, planted, detail). Its own random
stream leaves the rest of the dataset unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import numpy as np
import polars as pl

from jejaring.ecosystem import inputoutput
from jejaring.reference import catalog
from jejaring.synth import planted_market as market

SUPPLIER_KM, SERVICE_KM, FAR_KM = 200.0, 100.0, 450.0
MARGIN_KM = 60.0  # a control lies this much beyond the radius from every planted place
SUPPLIER_ROLES = ("pemasok_bahan_baku", "industri_besar")


def _km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat), np.radians(lats)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lons - lon) / 2) ** 2
    return cast(np.ndarray, 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0, 1))))


class _Planter:
    def __init__(self, rng: np.random.Generator, frames: dict[str, pl.DataFrame], out: Path, count: int) -> None:
        self.rng, self.frames, self.count = rng, frames, count
        regs = [r for r in catalog.regencies() if r["latitude"] is not None]
        self.seat = {r["code"]: (float(r["latitude"]), float(r["longitude"])) for r in regs}
        self.names = {r["code"]: r["name"] for r in regs}
        gt = out / "ground_truth"
        cols = ["entity_id", "kode_wilayah", "kbli", "sentra_id"]
        ent = pl.concat(
            [pl.read_csv(p, columns=cols, infer_schema=False) for p in sorted((gt / "entities").glob("*.csv"))]
        )
        rows = pl.concat(
            [
                pl.read_csv(p, columns=["entity_id", "valid"], infer_schema=False)
                for p in sorted((gt / "rows").glob("*.csv"))
            ]
        )
        valid = rows.filter(pl.col("valid") == "true")["entity_id"].unique()
        self.entities = ent.filter(pl.col("entity_id").is_in(valid.implode()))
        self.sentra = pl.concat([pl.read_csv(p, infer_schema=False) for p in sorted((gt / "sentra").glob("*.csv"))])
        self.places: list[tuple[float, float]] = []  # planted positives: keep moved firms away from all of them
        self.truth: list[dict[str, object]] = []

    def _far(self, lat: float, lon: float, km: float = FAR_KM) -> bool:
        return all(_km(lat, lon, np.array([p[0]]), np.array([p[1]]))[0] >= km for p in self.places)

    def _far_seat(self) -> str:
        codes = [c for c, (la, lo) in self.seat.items() if self._far(la, lo)]
        return str(codes[int(self.rng.integers(len(codes)))])

    def _move(self, role: str, mask: np.ndarray, code: str | None = None) -> None:
        """Move the firms of ``role`` selected by ``mask`` to ``code`` (or each to some far-away seat)."""
        f = self.frames[role]
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        targets = [code or self._far_seat() for _ in idx]
        reg, name = f["kode_wilayah"].to_list(), f["kabupaten_kota"].to_list()
        lat, lon = f["latitude"].to_list(), f["longitude"].to_list()
        for i, t in zip(idx, targets, strict=True):
            reg[i], name[i] = t, self.names[t]
            lat[i] = round(self.seat[t][0] + float(self.rng.normal(0, 0.02)), 6)
            lon[i] = round(self.seat[t][1] + float(self.rng.normal(0, 0.02)), 6)
        self.frames[role] = f.with_columns(
            kode_wilayah=pl.Series(reg),
            kabupaten_kota=pl.Series(name),
            latitude=pl.Series(lat),
            longitude=pl.Series(lon),
        )

    def _near(self, role: str, lat: float, lon: float, km: float, division: str | None) -> np.ndarray:
        f = self.frames[role]
        d = _km(lat, lon, f["latitude"].to_numpy(), f["longitude"].to_numpy())
        mask = d <= km
        return mask & (f["kbli"].str.slice(0, 2) == division).to_numpy() if division else mask

    def missing_supplier(self) -> None:
        matrix = inputoutput.default_matrix()
        cand = self.sentra.sample(fraction=1.0, shuffle=True, seed=int(self.rng.integers(2**31)))
        todo = []
        for s in cand.iter_rows(named=True):
            main = inputoutput.main_input(matrix, (s["kbli"] or "")[:2])
            if main is not None and s["kode_wilayah"] in self.seat:
                todo.append((s["sentra_id"], s["kode_wilayah"], main))
        planted = 0
        for sid, code, main in todo:  # positives first, so that no control's supplier is moved away later
            lat, lon = self.seat[code]
            if planted < self.count and self._far(lat, lon):
                self.places.append((lat, lon))
                for role in SUPPLIER_ROLES:
                    self._move(role, self._near(role, lat, lon, SUPPLIER_KM + 20, main))
                self.truth.append(
                    {"kind": "pemasok_hilang", "place_kind": "sentra", "place": sid, "planted": True, "detail": main}
                )
                planted += 1
        done = {t["place"] for t in self.truth}
        controls = 0
        for sid, code, main in todo:
            lat, lon = self.seat[code]
            if controls >= self.count or sid in done or not self._far(lat, lon, SUPPLIER_KM + MARGIN_KM):
                continue
            f = self.frames["pemasok_bahan_baku"]
            pool = [int(i) for i in np.flatnonzero((f["kbli"].str.slice(0, 2) == main).to_numpy())]
            if not pool:
                continue
            mask = np.zeros(len(f), dtype=bool)
            mask[pool[int(self.rng.integers(len(pool)))]] = True
            self._move("pemasok_bahan_baku", mask, code)
            self.truth.append(
                {"kind": "pemasok_hilang", "place_kind": "sentra", "place": sid, "planted": False, "detail": main}
            )
            controls += 1

    def after_sales(self) -> None:
        machine = self.entities.filter(pl.col("kbli").str.slice(0, 2).is_in(list(inputoutput.MACHINE_DIVISIONS)))
        counts = machine.group_by("kode_wilayah").len().filter(pl.col("len") >= 3).sort("kode_wilayah")
        repair = self.entities.filter(pl.col("kbli").str.starts_with("33"))
        rep_lat = np.array([self.seat.get(c, (np.nan, np.nan))[0] for c in repair["kode_wilayah"]])
        rep_lon = np.array([self.seat.get(c, (np.nan, np.nan))[1] for c in repair["kode_wilayah"]])
        codes = counts["kode_wilayah"].to_list()
        self.rng.shuffle(codes)
        planted = 0
        for code in codes:  # positives first, then controls far from every positive
            if code not in self.seat or planted >= self.count:
                continue
            lat, lon = self.seat[code]
            ikm_33_near = bool(len(rep_lat)) and bool((_km(lat, lon, rep_lat, rep_lon) <= SERVICE_KM + 60).any())
            if self._far(lat, lon) and not ikm_33_near:
                self.places.append((lat, lon))
                for role, f in self.frames.items():
                    mask = self._near(role, lat, lon, SERVICE_KM + 20, None)
                    mask &= (f["peran"] == "layanan_purna_jual").to_numpy() | f["kbli"].str.starts_with("33").to_numpy()
                    self._move(role, mask)
                self.truth.append(
                    {"kind": "purna_jual", "place_kind": "kabupaten", "place": code, "planted": True, "detail": ""}
                )
                planted += 1
        done = {t["place"] for t in self.truth}
        controls = 0
        for code in codes:
            if code not in self.seat or code in done or controls >= self.count:
                continue
            if not self._far(*self.seat[code], SERVICE_KM + MARGIN_KM):
                continue
            f = self.frames["layanan_purna_jual"]
            pool = list(range(len(f)))
            if not pool:
                continue
            mask = np.zeros(len(f), dtype=bool)
            mask[pool[int(self.rng.integers(len(pool)))]] = True
            self._move("layanan_purna_jual", mask, code)
            self.truth.append(
                {"kind": "purna_jual", "place_kind": "kabupaten", "place": code, "planted": False, "detail": ""}
            )
            controls += 1

    def single_source(self, links: pl.DataFrame) -> pl.DataFrame:
        members = (
            self.entities.filter(pl.col("sentra_id").is_not_null())
            .group_by("sentra_id")
            .agg(pl.col("entity_id").sort())
        )
        members = members.filter(pl.col("entity_id").list.len() >= 3).sort("sentra_id")
        suppliers = self.frames["pemasok_bahan_baku"]["entity_id"].to_list()
        if not len(members) or len(suppliers) < 6:
            return links
        order = self.rng.permutation(len(members))[: 2 * self.count]
        chosen = members[order.tolist()]
        added, dropped = [], set()
        for k, (sid, ids) in enumerate(chosen.iter_rows()):
            ids = ids[:6]
            planted = k % 2 == 0
            picks = self.rng.choice(len(suppliers), size=len(ids), replace=False)
            for n, entity in enumerate(ids):
                partner = suppliers[int(picks[0] if planted else picks[n])]
                added.append(
                    {
                        "ikm_entity_id": entity,
                        "mitra_entity_id": partner,
                        "jenis": "bahan_baku",
                        "tahun": 2022,
                        "nilai_rp": 100_000_000,
                    }
                )
            dropped.update(ids)
            self.truth.append(
                {
                    "kind": "ketergantungan_tunggal",
                    "place_kind": "sentra",
                    "place": sid,
                    "planted": planted,
                    "detail": "",
                }
            )
        all_members = set(self.entities.filter(pl.col("sentra_id").is_in(chosen["sentra_id"].implode()))["entity_id"])
        keep = ~(pl.col("ikm_entity_id").is_in(list(all_members | dropped)) & (pl.col("jenis") == "bahan_baku"))
        base = links.filter(keep) if len(links) else links
        new = pl.DataFrame(
            added,
            schema={
                "ikm_entity_id": pl.String,
                "mitra_entity_id": pl.String,
                "jenis": pl.String,
                "tahun": pl.Int64,
                "nilai_rp": pl.Int64,
            },
        )
        return pl.concat([base.cast(new.schema), new]) if len(base) else new


def plant(
    seed: np.random.SeedSequence,
    frames: dict[str, pl.DataFrame],
    exchanges: dict[str, pl.DataFrame],
    out: Path,
    scale: float,
) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame]]:
    """Plant the gaps (moving firms in ``frames``, rewiring linkages and partnerships) and write their truth."""
    own = np.random.SeedSequence(entropy=seed.entropy, spawn_key=(*seed.spawn_key, 104_729))
    count = max(3, min(20, round(200 * scale)))
    p = _Planter(np.random.default_rng(own), dict(frames), out, count)
    p.missing_supplier()
    p.after_sales()
    links = p.single_source(exchanges["keterkaitan"])
    links, partnerships = market.plant(p.rng, p.entities, p.frames, links, exchanges["kemitraan"], p.truth, count)
    exchanges = {**exchanges, "keterkaitan": links, "kemitraan": partnerships}
    pl.DataFrame(
        p.truth,
        schema={
            "kind": pl.String,
            "place_kind": pl.String,
            "place": pl.String,
            "planted": pl.Boolean,
            "detail": pl.String,
        },
    ).write_csv(out / "ground_truth" / "ecosystem_gaps.csv")
    return p.frames, exchanges

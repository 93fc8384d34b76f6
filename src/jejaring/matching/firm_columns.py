"""The semantic channel's own store: every indexed firm's filter columns, grouped by its distinct product text.

A need's meaning finds the distinct texts closest to it (``vectors.VectorStore.nearest``); their firms are then
read here — one slice per text, since the rows are sorted by vector row — and filtered with numpy on the same
columns the index filters on (roles, certificates, province, regency, areas, exact radius, capacity), instead of a
union of term queries under filters in tantivy. The files (``columns-<n>/*.npy``, memory-mapped; the index's manifest
names the current folder) sit beside the tantivy index and are rewritten with it; ``vocab.json`` maps the coded
columns' numbers back to their codes.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from jejaring.matching.index import SearchQuery, bounding_box, haversine_many

FOLDER = "columns"
NUMERIC = {"firm": np.int64, "vec": np.int32, "cell": np.int64, "lat": np.float64, "lon": np.float64, "cap": np.float64}
CODED = ("province", "regency", "cap_dim")  # one code a firm: its number in the vocabulary, -1 for none
SETS = ("roles", "certs")  # several codes a firm: a bit mask over the vocabulary, in 64-bit words
CHUNK = 4096  # slots filtered at a time


@dataclass
class Columns:
    """The columns, sorted by (vector row, geo cell, firm id), and the vocabularies of the coded ones."""

    arrays: dict[str, np.ndarray]
    vocab: dict[str, list[str]]

    def __post_init__(self) -> None:
        vec = self.arrays["vec"]
        texts = int(vec[-1]) + 1 if len(vec) else 0
        self.offsets = np.searchsorted(vec, np.arange(texts + 1, dtype=np.int64))
        self._number = {name: {c: i for i, c in enumerate(codes)} for name, codes in self.vocab.items()}

    def firms_of(self, row: int) -> int:
        """How many indexed firms describe themselves with distinct text ``row``."""
        return int(self.offsets[row + 1] - self.offsets[row]) if 0 <= row < len(self.offsets) - 1 else 0

    def slots(self, rows: list[int]) -> np.ndarray:
        """The positions of the firms of ``rows``, text by text in the order given."""
        ranges = [np.arange(self.offsets[r], self.offsets[r + 1]) for r in rows if 0 <= r < len(self.offsets) - 1]
        return np.concatenate(ranges) if ranges else np.zeros(0, dtype=np.int64)

    def _codes(self, name: str, codes: list[str]) -> np.ndarray:
        return np.array([self._number[name][c] for c in codes if c in self._number[name]], dtype=np.int16)

    def _words(self, name: str, codes: list[str]) -> np.ndarray:
        """The mask of the known ``codes`` among ``name``'s, one uint64 per word of the stored masks."""
        words = np.zeros(self.arrays[name].shape[1], dtype=np.uint64)
        for code in codes:
            bit = self._number[name].get(code)
            if bit is not None:
                words[bit // 64] |= np.uint64(1) << np.uint64(bit % 64)
        return words

    def passing(self, slots: np.ndarray, q: SearchQuery) -> np.ndarray:
        """The positions in ``slots`` of the firms that pass every hard filter of ``q`` (the index's semantics)."""
        a, ok = self.arrays, np.ones(len(slots), dtype=bool)
        if q.roles:  # any of the roles
            ok &= ((a["roles"][slots] & self._words("roles", list(q.roles))) != 0).any(axis=1)
        if q.certificates:  # every certificate
            if any(c not in self._number["certs"] for c in q.certificates):
                return np.zeros(0, dtype=np.int64)
            wanted = self._words("certs", list(q.certificates))
            ok &= ((a["certs"][slots] & wanted) == wanted).all(axis=1)
        for field, code in (("province", q.province_code), ("regency", q.regency_code)):
            if code:
                ok &= a[field][slots] == self._number[field].get(code, -2)
        if q.areas:
            provs = self._codes("province", [c for c in q.areas if len(c) == 2])
            regs = self._codes("regency", [c for c in q.areas if len(c) != 2])
            ok &= np.isin(a["province"][slots], provs) | np.isin(a["regency"][slots], regs)
        if q.min_capacity is not None and q.capacity_dimension:
            ok &= a["cap_dim"][slots] == self._number["cap_dim"].get(q.capacity_dimension, -2)
            ok &= a["cap"][slots] >= q.min_capacity  # NaN compares False
        if q.exclude_firm_ids:
            ok &= ~np.isin(a["firm"][slots], np.array(q.exclude_firm_ids, dtype=np.int64))
        where = np.flatnonzero(ok)
        if q.near and q.radius_km:
            lat, lon = a["lat"][slots[where]], a["lon"][slots[where]]
            # a box a little wider than the circle (cheap comparisons) first, then the exact distance
            lat0, lat1, lon0, lon1 = bounding_box(q.near[0], q.near[1], q.radius_km * 1.05 + 1.0)
            box = (lat >= lat0) & (lat <= lat1) & (lon >= lon0) & (lon <= lon1)  # NaN compares False
            where, lat, lon = where[box], lat[box], lon[box]
            where = where[haversine_many(q.near[0], q.near[1], lat, lon) <= q.radius_km]
        return where

    def best_passing(self, slots: np.ndarray, sims: np.ndarray, q: SearchQuery, limit: int) -> np.ndarray:
        """The ``limit`` positions in ``slots`` (similarities ``sims``, best first) that pass ``q``: the most similar;
        among firms as similar as the last one taken (firms describing themselves alike), the nearest to the
        need's place. Read chunk by chunk, stopping once the answer is known."""
        found, end = [np.zeros(0, dtype=np.int64)], 0
        while end < len(slots) and sum(len(f) for f in found) < limit:
            start, end = end, min(len(slots), end + CHUNK)
            found.append(start + self.passing(slots[start:end], q))
        pos = np.concatenate(found)
        if len(pos) <= limit:
            return pos
        cut = sims[pos[limit - 1]]
        group_end = int(np.searchsorted(-sims, -cut, side="right"))  # the last slot as similar as the cut
        if group_end > end:
            pos = np.concatenate([pos, end + self.passing(slots[end:group_end], q)])
        head, tied = pos[sims[pos] > cut], pos[sims[pos] == cut]
        if q.near is not None:
            a = self.arrays
            km = haversine_many(q.near[0], q.near[1], a["lat"][slots[tied]], a["lon"][slots[tied]])
            tied = tied[np.argsort(km, kind="stable")]  # unknown places (NaN) last
        return np.concatenate([head, tied])[:limit]


SCHEMA: dict[str, pl.DataType] = {
    **{name: pl.Int64() for name in ("firm", "vec", "cell")},
    **{name: pl.Float64() for name in ("lat", "lon", "cap")},
    **{name: pl.String() for name in CODED},
    **{name: pl.List(pl.String) for name in SETS},
}


def frame_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """The store's columns of a batch of tantivy documents (``vec_row`` and ``geo_cell`` already computed)."""
    return frame.select(
        firm=pl.col("firm_id"),
        vec=pl.col("vec_row"),
        cell=pl.col("geo_cell"),
        lat=pl.col("latitude"),
        lon=pl.col("longitude"),
        cap=pl.col("capacity"),
        province=pl.col("province_code"),
        regency=pl.col("regency_code"),
        cap_dim=pl.col("capacity_dimension"),
        roles=pl.col("roles"),
        certs=pl.col("certificates"),
    ).filter(pl.col("vec") >= 0)


def encode(frame: pl.DataFrame, vocab: dict[str, list[str]]) -> dict[str, np.ndarray]:
    """Numpy columns of ``frame`` (``frame_columns``; new codes appended to ``vocab``): ~65 bytes a firm, so a
    build keeps these per batch rather than the frames."""
    out = {name: frame[name].fill_null(np.nan).to_numpy().astype(dtype) for name, dtype in NUMERIC.items()}
    for name in (*CODED, *SETS):
        known = vocab.setdefault(name, [])
        values = frame[name].explode() if name in SETS else frame[name]
        known.extend(sorted(set(values.drop_nulls().unique().to_list()) - set(known)))
        number = {c: i for i, c in enumerate(known)}
        if name in CODED:
            out[name] = frame[name].replace_strict(number, default=-1, return_dtype=pl.Int16).to_numpy()
            continue
        pairs = frame.select(i=pl.int_range(pl.len()), code=pl.col(name)).explode("code").drop_nulls("code")
        codes = pairs["code"].replace_strict(number, return_dtype=pl.UInt64).to_numpy()
        bits = pl.DataFrame({"i": pairs["i"], "word": codes // 64, "bit": np.left_shift(np.uint64(1), codes % 64)})
        summed = bits.group_by("i", "word").agg(pl.col("bit").sum())  # a firm's codes are distinct: sum = or
        mask = np.zeros((frame.height, max(1, -(-len(known) // 64))), dtype=np.uint64)
        mask[summed["i"].to_numpy(), summed["word"].to_numpy().astype(np.int64)] = summed["bit"].to_numpy()
        out[name] = mask
    return out


def _sorted(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The rows in the store's order: (vector row, geo cell, firm id)."""
    order = np.lexsort((arrays["firm"], arrays["cell"], arrays["vec"]))
    return {column: np.asarray(values)[order] for column, values in arrays.items()}


def _save(folder: Path, arrays: dict[str, np.ndarray], vocab: dict[str, list[str]]) -> str:
    """Write rows already in the store's order to a new ``columns-<n>`` folder: the index's manifest names the
    current one, so a reader never finds the store missing or half written. Its name."""
    name = f"{FOLDER}-{time.time_ns()}"
    staging = folder / (name + ".new")
    staging.mkdir(parents=True)
    for column, values in arrays.items():
        np.save(staging / f"{column}.npy", values)
    (staging / "vocab.json").write_text(json.dumps(vocab), "utf-8")
    staging.rename(folder / name)
    return name


def prune(folder: Path, keep: set[str]) -> None:
    """Remove the stores other than ``keep`` (the current one and the one before, which a worker that has not
    yet read the new manifest may still open; open maps keep their files anyway)."""
    for path in folder.glob(f"{FOLDER}-*"):
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def write(folder: Path, parts: list[dict[str, np.ndarray]], vocab: dict[str, list[str]]) -> str:
    """Write the store of the ``encode``d ``parts`` (their vocabulary ``vocab``) under ``folder``; its folder's
    name. A part encoded before the vocabulary grew has narrower masks: they are widened with zeros."""
    parts = parts or [encode(pl.DataFrame(schema=SCHEMA), vocab)]
    arrays = {}
    for column in parts[0]:
        pieces = [p[column] for p in parts]
        if pieces[0].ndim == 2:
            width = max(p.shape[1] for p in pieces)
            pieces = [np.pad(p, ((0, 0), (0, width - p.shape[1]))) for p in pieces]
        arrays[column] = np.concatenate(pieces)
    del parts
    return _save(folder, _sorted(arrays), vocab)


def load(folder: Path, name: str | None) -> Columns | None:
    """The store ``name`` under ``folder`` (memory-mapped), or None when there is none."""
    path = folder / (name or FOLDER)
    if not name or not (path / "vocab.json").exists():
        return None
    vocab: dict[str, list[str]] = json.loads((path / "vocab.json").read_text("utf-8"))
    names = [*NUMERIC, *CODED, *SETS]
    # plain array views of the maps: numpy's memmap subclass costs a Python call on every index operation
    return Columns({n: np.load(path / f"{n}.npy", mmap_mode="r").view(np.ndarray) for n in names}, vocab)


def update(folder: Path, name: str, changed: pl.DataFrame, gone: set[int]) -> str:
    """A new store: ``name``'s without the ``gone`` firms (removed or re-indexed), with ``changed``
    (``frame_columns``) inserted in order (the kept rows stay sorted: no sort of the whole store). Its name."""
    current = load(folder, name)
    if current is None:
        vocab: dict[str, list[str]] = {}
        return write(folder, [encode(changed, vocab)], vocab)
    vocab = {k: list(v) for k, v in current.vocab.items()}
    keep = ~np.isin(current.arrays["firm"], np.array(sorted(gone), dtype=np.int64))
    new = _sorted(encode(changed, vocab))
    kept = {column: np.asarray(current.arrays[column])[keep] for column in new}
    del current
    at = _positions(kept, new)
    arrays = {}
    for column, values in new.items():
        old = kept.pop(column)
        if values.ndim == 2 and old.shape[1] < values.shape[1]:  # the vocabulary grew by a word
            old = np.pad(old, ((0, 0), (0, values.shape[1] - old.shape[1])))
        arrays[column] = np.insert(old, at, values, axis=0)
    return _save(folder, arrays, vocab)


def _positions(kept: dict[str, np.ndarray], new: dict[str, np.ndarray]) -> np.ndarray:
    """Where each new row (sorted) goes among the kept rows (sorted) to keep the store's order."""
    key_kept = (kept["vec"].astype(np.int64) << 32) | kept["cell"]  # a geo cell is a 32-bit Z-order code
    key_new = (new["vec"].astype(np.int64) << 32) | new["cell"]
    lo = np.searchsorted(key_kept, key_new, side="left")
    hi = np.searchsorted(key_kept, key_new, side="right")
    for i in np.flatnonzero(hi > lo):  # same text and cell: by firm id
        lo[i] += np.searchsorted(kept["firm"][lo[i] : hi[i]], new["firm"][i])
    return np.asarray(lo, dtype=np.int64)

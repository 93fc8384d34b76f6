"""The embedded search index: tantivy (BM25 over analysed text, filter fields) + a numpy vector store.

Layout under ``<data_dir>/index/firms/``: ``tantivy/`` (documents sorted by a Z-order geo cell, so a
radius query reads neighbouring blocks), ``vectors.npy`` + ``vector_keys.npy`` and ``manifest.json``.
A rebuild writes a fresh folder and swaps it in, so searches keep working during the build.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, cast

import numpy as np
import polars as pl
import tantivy

from jejaring.matching.index import (
    Candidate,
    IndexDoc,
    Progress,
    SearchQuery,
    bounding_box,
    haversine_many,
    regency_extents,
)
from jejaring.matching.tantivy_docs import json_lines
from jejaring.matching.text import analyzed_text
from jejaring.matching.vectors import VectorStore
from jejaring.reference import wilayah

SCHEMA_VERSION = 4  # an index of another version is rebuilt (4: bilingual craft / food vocabulary)
WRITER_HEAP = 256_000_000
BATCH = 100_000
OVERFETCH = 5  # hits read under the cheap filters per hit wanted
NEIGHBOUR_TEXTS = 48  # distinct product texts closest in meaning to a need …
NEIGHBOUR_FIRMS = 20_000  # … or fewer, once their firms number this many
FIRST_FIRMS = 5_000  # the closest texts' firms are searched first: enough of them pass the filters, the rest not
_Q = tantivy.Query
_O = tantivy.Occur
# the text channel's search runs here while the calling thread embeds the need and runs the semantic channel:
# tantivy releases the GIL while it searches, so the two overlap on a second core
_TEXT_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="jejaring-text-channel")
VectorSource = np.ndarray | Callable[[], np.ndarray | None] | None


def _schema() -> tantivy.Schema:
    """Filter and score fields; the document itself is stored as JSON bytes (stored, not indexed)."""
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("firm_id", indexed=True, fast=True)
    sb.add_integer_field("geo_cell", fast=True)
    sb.add_integer_field("vec_row", indexed=True, fast=True)
    sb.add_text_field("text", tokenizer_name="default", index_option="freq")
    for name in ("roles", "certs", "province", "regency", "cap_dim"):
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic")
    for name in ("lat", "lon", "capacity"):
        sb.add_float_field(name, fast=True)  # ranges run on the columnar fast fields
    sb.add_bytes_field("doc", stored=True)
    return sb.build()


class TantivySearchIndex:
    """``SearchIndex`` on an embedded tantivy index and a numpy vector store."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.schema = _schema()
        self._index: tantivy.Index | None = None
        self._vectors: VectorStore | None = None
        self._manifest_mtime = 0.0
        self._lock = threading.RLock()
        self._version: tuple[float, Any] = (0.0, None)  # (manifest mtime, its schema version)
        # indexed regencies, their seats and the distance from the seat to their farthest firm (km)
        self._extents: tuple[list[str], np.ndarray, np.ndarray, np.ndarray] | None = None

    # -- files -------------------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.folder / "manifest.json"

    def exists(self) -> bool:
        """Whether a built index of this schema version is present."""
        if not (self.manifest_path.exists() and (self.folder / "tantivy").exists()):
            return False
        mtime = self.manifest_path.stat().st_mtime
        if self._version[0] != mtime:
            self._version = (mtime, self.manifest().get("schema_version"))
        return bool(self._version[1] == SCHEMA_VERSION)

    def manifest(self) -> dict[str, Any]:
        """Build facts: documents, build seconds, watermark of the last refresh."""
        if not self.manifest_path.exists():
            return {}
        data: dict[str, Any] = json.loads(self.manifest_path.read_text("utf-8"))
        return data

    def write_manifest(self, **changes: Any) -> None:
        """Merge ``changes`` into the manifest."""
        data = {**self.manifest(), **changes, "schema_version": SCHEMA_VERSION}
        tmp = self.manifest_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1), "utf-8")
        tmp.replace(self.manifest_path)

    def _open(self) -> tuple[tantivy.Index, VectorStore]:
        with self._lock:
            mtime = self.manifest_path.stat().st_mtime if self.manifest_path.exists() else 0.0
            if self._index is None or self._vectors is None or mtime != self._manifest_mtime:
                self._index = tantivy.Index(self.schema, path=str(self.folder / "tantivy"), reuse=True)
                self._vectors = VectorStore(self.folder).load()
                self._manifest_mtime = mtime
                self._extents = None
            return self._index, self._vectors

    # -- writing -----------------------------------------------------------------------------
    def _write(
        self, writer: tantivy.IndexWriter, vectors: VectorStore, frame: pl.DataFrame, extents: dict[str, float]
    ) -> int:
        done = 0
        for start in range(0, frame.height, BATCH):
            part = frame.slice(start, BATCH)
            for line in json_lines(vectors, part):
                writer.add_json(line)
            for code, km in regency_extents(part).items():
                extents[code] = max(km, extents.get(code, 0.0))
            done = min(frame.height, start + BATCH)
        return done

    def build(self, frames: Iterable[pl.DataFrame], *, total: int, progress: Progress | None = None) -> int:
        """Build a fresh index from ``frames`` (``FRAME_SCHEMA``) and swap it in."""
        started = time.perf_counter()
        staging = self.folder.with_name(self.folder.name + ".building")
        shutil.rmtree(staging, ignore_errors=True)
        (staging / "tantivy").mkdir(parents=True)
        index = tantivy.Index(self.schema, path=str(staging / "tantivy"), sort_by_field="geo_cell")
        writer = index.writer(WRITER_HEAP, 0)
        vectors = VectorStore(staging)
        done, extents = 0, dict[str, float]()
        for frame in frames:
            done += self._write(writer, vectors, frame, extents)
            if progress:
                progress(done, total)
        writer.commit()
        writer.wait_merging_threads()
        vectors.save()
        if progress:
            progress(done, total)
        with self._lock:
            self._index, self._vectors = None, None
            old = self.folder.with_name(self.folder.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            if self.folder.exists():
                self.folder.rename(old)
            staging.rename(self.folder)
            shutil.rmtree(old, ignore_errors=True)
            self.write_manifest(
                documents=done,
                distinct_texts=len(vectors.keys),
                build_seconds=round(time.perf_counter() - started, 2),
                built_at=time.time(),
                regency_extent_km=extents,
            )
            self._extents = None
        return done

    def update(self, frame: pl.DataFrame, *, remove_ids: Iterable[int] = ()) -> int:
        """Re-index the firms of ``frame`` (replacing their old versions) and remove ``remove_ids``."""
        with self._lock:
            index, vectors = self._open()
            writer = index.writer(50_000_000, 1)
            for firm_id in {*remove_ids, *frame["firm_id"].to_list()}:
                writer.delete_documents_by_term("firm_id", firm_id)
            extents = dict(self.manifest().get("regency_extent_km", {}))
            self._write(writer, vectors, frame, extents)
            writer.commit()
            writer.wait_merging_threads()
            vectors.save()
            index.reload()
            self.write_manifest(documents=index.searcher().num_docs, regency_extent_km=extents)
            self._extents = None
            self._manifest_mtime = self.manifest_path.stat().st_mtime
        return frame.height

    # -- reading -----------------------------------------------------------------------------
    def _regencies_within(self, q: SearchQuery) -> list[str]:
        """Regencies whose indexed firms may lie within the radius: seat distance ≤ radius + the regency's extent."""
        assert q.near is not None and q.radius_km is not None
        if self._extents is None:
            extents = self.manifest().get("regency_extent_km", {})
            codes = list(extents)
            seats = [wilayah.regency(c) for c in codes]
            lat = np.array([s["latitude"] if s and s.get("latitude") is not None else np.nan for s in seats])
            lon = np.array([s["longitude"] if s and s.get("longitude") is not None else np.nan for s in seats])
            self._extents = (codes, lat, lon, np.array([extents[c] for c in codes], dtype=float))
        codes, lat, lon, reach = self._extents
        if not codes:
            return []
        km = haversine_many(q.near[0], q.near[1], lat, lon)
        inside = np.isnan(km) | (km <= q.radius_km + reach)  # a regency without a known seat is always considered
        return [codes[i] for i in np.flatnonzero(inside)]

    def _filters(self, q: SearchQuery, *, exact: bool) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        """Hard filters as index clauses. Cheap form (``exact=False``): term filters only, the radius as the set of
        regencies that can reach it and capacity as its unit dimension; the exact numbers are checked on fast
        fields afterwards. Exact form: range queries on coordinates and capacity."""
        s, f = self.schema, tantivy.FieldType.Float
        out: list[tuple[tantivy.Occur, tantivy.Query]] = []
        if q.roles:
            out.append((_O.Must, _Q.term_set_query(s, "roles", list(q.roles))))
        for cert in q.certificates:
            out.append((_O.Must, _Q.term_query(s, "certs", cert)))
        if q.province_code:
            out.append((_O.Must, _Q.term_query(s, "province", q.province_code)))
        if q.regency_code:
            out.append((_O.Must, _Q.term_query(s, "regency", q.regency_code)))
        if q.areas:
            provs, regs = [c for c in q.areas if len(c) == 2], [c for c in q.areas if len(c) != 2]
            parts = [(_O.Should, _Q.term_set_query(s, f, c)) for f, c in (("province", provs), ("regency", regs)) if c]
            out.append((_O.Must, parts[0][1] if len(parts) == 1 else _Q.boolean_query(parts)))
        if q.near and q.radius_km:
            if exact:
                lat0, lat1, lon0, lon1 = bounding_box(q.near[0], q.near[1], q.radius_km)
                out.append((_O.Must, _Q.range_query(s, "lat", f, lat0, lat1)))
                out.append((_O.Must, _Q.range_query(s, "lon", f, lon0, lon1)))
            else:
                out.append((_O.Must, _Q.term_set_query(s, "regency", self._regencies_within(q))))
        if q.min_capacity is not None and q.capacity_dimension:
            out.append((_O.Must, _Q.term_query(s, "cap_dim", q.capacity_dimension)))
            if exact:
                out.append((_O.Must, _Q.range_query(s, "capacity", f, q.min_capacity, None)))
        for firm_id in q.exclude_firm_ids:
            out.append((_O.MustNot, _Q.term_query(s, "firm_id", firm_id)))
        return [(o, _Q.const_score_query(x, 0.0)) if o == _O.Must else (o, x) for o, x in out]

    @staticmethod
    def _cuts(searcher: tantivy.Searcher, near: list[tuple[int, float]]) -> tuple[int, int]:
        """How many of the closest texts it takes for their firms (~1,000 a text nationally) to number
        ``NEIGHBOUR_FIRMS``, and ``FIRST_FIRMS`` (that cut never between texts of equal similarity)."""
        total, first = 0, 0
        for i, (row, sim) in enumerate(near):
            total += searcher.doc_freq("vec_row", row)
            if not first and total >= FIRST_FIRMS and (i + 1 == len(near) or near[i + 1][1] < sim):
                first = i + 1
            if total >= NEIGHBOUR_FIRMS:
                return i + 1, min(first or i + 1, i + 1)
        return len(near), first or len(near)

    def _passes(self, searcher: tantivy.Searcher, addrs: list[Any], q: SearchQuery) -> np.ndarray:
        """Exact radius and minimum capacity of each hit, read from fast fields."""
        ok = np.ones(len(addrs), dtype=bool)
        if not addrs:
            return ok
        if q.near and q.radius_km:
            lat = np.array(searcher.fast_field_values("lat", addrs), dtype=float)  # None → NaN
            lon = np.array(searcher.fast_field_values("lon", addrs), dtype=float)
            ok &= haversine_many(q.near[0], q.near[1], lat, lon) <= q.radius_km  # NaN compares False
        if q.min_capacity is not None and q.capacity_dimension:
            ok &= np.array(searcher.fast_field_values("capacity", addrs), dtype=float) >= q.min_capacity
        return ok

    def _run(
        self, searcher: tantivy.Searcher, main: tantivy.Query, q: SearchQuery, cheap: list[Any], *, part: bool = False
    ) -> list[tuple[float, Any]] | None:
        """The best ``q.limit`` hits of ``main`` under every filter (``cheap``: ``_filters(q, exact=False)``).

        Fast path: the best ``OVERFETCH × limit`` hits under the cheap filters, checked exactly and kept in order;
        that is the exact answer when at least ``limit`` pass or when the cheap filters ran out of hits. Otherwise
        the exact (slower) query runs.
        """
        wanted = OVERFETCH * q.limit
        found = list(searcher.search(_Q.boolean_query([(_O.Must, main), *cheap]), wanted, count=False).hits)
        kept = [h for h, ok in zip(found, self._passes(searcher, [a for _, a in found], q), strict=True) if ok]
        if len(kept) >= q.limit or (len(found) < wanted and not part):
            return kept[: q.limit]
        if part:  # the best-scoring part of a query did not suffice: the caller runs the whole
            return None
        exact = _Q.boolean_query([(_O.Must, main), *self._filters(q, exact=True)])
        return list(searcher.search(exact, q.limit, count=False).hits)

    def _sem_query(self, near: list[tuple[int, float]]) -> tantivy.Query:
        """Firms of the given texts, each scored by its text's similarity."""
        return _Q.boolean_query(
            [(_O.Should, _Q.const_score_query(_Q.term_query(self.schema, "vec_row", r), s)) for r, s in near]
        )

    def _semantic(
        self, searcher: tantivy.Searcher, vectors: VectorStore, vector: np.ndarray, q: SearchQuery, cheap: list[Any]
    ) -> list[tuple[float, Any]]:
        """The firms of the distinct texts closest to ``vector``, under the filters; the closest texts first."""
        near = vectors.nearest(vector, NEIGHBOUR_TEXTS)
        enough, first = self._cuts(searcher, near)
        near = near[:enough]
        hits = self._run(searcher, self._sem_query(near[:first]), q, cheap, part=True) if first < len(near) else None
        return hits if hits is not None else self._run(searcher, self._sem_query(near), q, cheap) or []

    def query(self, query: SearchQuery, *, vector: VectorSource) -> list[Candidate]:
        """BM25 candidates ∪ embedding neighbours, filtered; exact radius, floor and shortlist on fast fields.

        ``vector`` may be a function that computes it: it is then called while the text channel searches.
        Only the shortlisted candidates' stored documents are read, so the cost of a query does not grow
        with the number of hits.
        """
        if not self.exists():
            return []
        index, vectors = self._open()
        searcher = index.searcher()
        cheap = self._filters(query, exact=False)  # built once for both channels
        terms = list(dict.fromkeys(analyzed_text(query.text).split()))
        text_hits: Future[list[tuple[float, Any]] | None] | None = None
        if terms:
            text_q = _Q.boolean_query([(_O.Should, _Q.term_query(self.schema, "text", t)) for t in terms])
            text_hits = _TEXT_POOL.submit(self._run, searcher, text_q, query, cheap)
        vector = vector() if callable(vector) else vector
        sem_hits = self._semantic(searcher, vectors, vector, query, cheap) if vector is not None else []
        found: dict[int, tuple[Any, float, set[str]]] = {}
        for score, addr in (text_hits.result() if text_hits else None) or []:
            found[(addr.segment_ord << 32) | addr.doc] = (addr, float(score), {"text"})
        for _score, addr in sem_hits:
            key = (addr.segment_ord << 32) | addr.doc
            prev = found.get(key)
            found[key] = (addr, prev[1] if prev else 0.0, (prev[2] if prev else set()) | {"semantic"})
        if not terms and vector is None:
            for _score, addr in self._run(searcher, _Q.all_query(), query, cheap) or []:
                found[(addr.segment_ord << 32) | addr.doc] = (addr, 0.0, set())
        entries = list(found.values())
        addrs = [e[0] for e in entries]
        rows = searcher.fast_field_values("vec_row", addrs) if addrs else []
        vec_rows = [int(r) if r is not None else -1 for r in rows]
        sims = vectors.similarity(vector, vec_rows) if vector is not None else [0.0] * len(rows)
        dist = np.full(len(entries), np.nan)
        if query.near and addrs:
            lat = np.array(searcher.fast_field_values("lat", addrs), dtype=float)  # None → NaN
            lon = np.array(searcher.fast_field_values("lon", addrs), dtype=float)
            dist = haversine_many(query.near[0], query.near[1], lat, lon)
        keep = dist <= query.radius_km if query.near and query.radius_km else np.ones(len(entries), dtype=bool)
        pool = [
            (e, max(0.0, sim), None if np.isnan(km) else float(km))
            for e, sim, ok, km in zip(entries, sims, keep.tolist(), dist.tolist(), strict=True)
            if ok and (e[1] > 0 or sim >= query.semantic_floor)
        ]
        if query.pool is not None and len(pool) > query.pool:
            top = max(e[1] for e, _, _ in pool) or 1.0
            pool = sorted(pool, key=lambda p: -(p[0][1] / top + p[1]))[: query.pool]
        out = []
        for (addr, bm25, sources), sim, km in pool:
            data = json.loads(cast(bytes, searcher.doc(addr).get_first("doc")))
            data.pop("vec_row", None)
            doc = IndexDoc.from_stored(data)
            out.append(Candidate(doc=doc, bm25=bm25, semantic=sim, distance_km=km, sources=sources))
        return out

    def stats(self) -> dict[str, Any]:
        """Documents and build facts."""
        if not self.exists():
            return {"documents": 0, "built": False}
        index, vectors = self._open()
        facts = {k: v for k, v in self.manifest().items() if k != "regency_extent_km"}
        return {
            **facts,
            "documents": index.searcher().num_docs,
            "distinct_texts": len(vectors.keys),
            "built": True,
        }

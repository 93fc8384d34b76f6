"""The embedded search index: tantivy (BM25 over analysed text, filter fields) + a numpy vector store.

Layout under ``<data_dir>/index/firms/``: ``tantivy/`` (documents sorted by a Z-order geo cell, so a
radius query reads neighbouring blocks), ``vectors.npy`` + ``vector_keys.npy``, ``columns/`` (the semantic
channel's filter columns, ``firm_columns.py``) and ``manifest.json``.
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

from jejaring.matching import firm_columns
from jejaring.matching.firm_columns import Columns
from jejaring.matching.index import (
    Candidate,
    Progress,
    SearchQuery,
    bounding_box,
    haversine_many,
    regency_extents,
)
from jejaring.matching.shortlist import shortlist
from jejaring.matching.tantivy_docs import json_lines
from jejaring.matching.text import analyzed_text
from jejaring.matching.vectors import VectorStore
from jejaring.reference import wilayah

SCHEMA_VERSION = 5  # an index of another version is rebuilt (5: the semantic channel's column store)
WRITER_HEAP = 256_000_000
BATCH = 100_000
OVERFETCH = 5  # hits read under the cheap filters per hit wanted
NEIGHBOUR_TEXTS = 48  # distinct product texts closest in meaning to a need …
NEIGHBOUR_FIRMS = 20_000  # … or fewer, once their firms number this many
_Q = tantivy.Query
_O = tantivy.Occur
# the text channel's search runs here while the calling thread embeds the need and runs the semantic channel:
# tantivy releases the GIL while it searches, so the two overlap on a second core
TEXT_THREADS = 4
_TEXT_POOL = ThreadPoolExecutor(max_workers=TEXT_THREADS, thread_name_prefix="jejaring-text-channel")
_TEXT_SLOTS = threading.BoundedSemaphore(TEXT_THREADS)  # when all are busy (many searches at once), run inline


def _in_parallel(fn: Callable[..., list[tuple[float, Any]]], *args: Any) -> Callable[[], list[tuple[float, Any]]]:
    """Start ``fn(*args)`` on a helper thread when one is free, else run it here (never queue behind other
    searches); returns how to get its result."""
    if not _TEXT_SLOTS.acquire(blocking=False):
        value = fn(*args)
        return lambda: value
    try:
        future: Future[list[tuple[float, Any]]] = _TEXT_POOL.submit(fn, *args)
    except BaseException:
        _TEXT_SLOTS.release()
        raise
    future.add_done_callback(lambda _: _TEXT_SLOTS.release())
    return future.result


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
        self._columns: Columns | None = None
        self._manifest_mtime = 0.0
        self._lock = threading.RLock()
        self._version: tuple[float, bool] = (0.0, False)  # (manifest mtime, of this schema version and complete)
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
            manifest = self.manifest()
            current = manifest.get("schema_version") == SCHEMA_VERSION and manifest.get("columns")
            self._version = (mtime, bool(current and (self.folder / str(manifest["columns"])).exists()))
        return bool(self._version[1])

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
                self._columns = firm_columns.load(self.folder, self.manifest().get("columns"))
                self._manifest_mtime = mtime
                self._extents = None
            return self._index, self._vectors

    # -- writing -----------------------------------------------------------------------------
    def _write(
        self,
        writer: tantivy.IndexWriter,
        vectors: VectorStore,
        frame: pl.DataFrame,
        extents: dict[str, float],
        columns: list[pl.DataFrame],
    ) -> int:
        done = 0
        for start in range(0, frame.height, BATCH):
            part = frame.slice(start, BATCH)
            lines, part_columns = json_lines(vectors, part)
            for line in lines:
                writer.add_json(line)
            columns.append(part_columns)
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
        done, extents, vocab = 0, dict[str, float](), dict[str, list[str]]()
        encoded: list[dict[str, np.ndarray]] = []
        for frame in frames:
            columns: list[pl.DataFrame] = []
            done += self._write(writer, vectors, frame, extents, columns)
            encoded.extend(firm_columns.encode(c, vocab) for c in columns)  # numbers, not the frames, are kept
            if progress:
                progress(done, total)
        writer.commit()
        writer.wait_merging_threads()
        vectors.save()
        columns_name = firm_columns.write(staging, encoded, vocab)
        del encoded
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
                columns=columns_name,
            )
            self._extents = None
        return done

    def update(self, frame: pl.DataFrame, *, remove_ids: Iterable[int] = ()) -> int:
        """Re-index the firms of ``frame`` (replacing their old versions) and remove ``remove_ids``."""
        with self._lock:
            index, vectors = self._open()
            writer = index.writer(50_000_000, 1)
            gone = {*remove_ids, *frame["firm_id"].to_list()}
            for firm_id in gone:
                writer.delete_documents_by_term("firm_id", firm_id)
            extents, columns = dict(self.manifest().get("regency_extent_km", {})), list[pl.DataFrame]()
            self._write(writer, vectors, frame, extents, columns)
            writer.commit()
            writer.wait_merging_threads()
            vectors.save()
            changed = pl.concat(columns) if columns else pl.DataFrame(schema=firm_columns.SCHEMA)
            previous = str(self.manifest().get("columns"))
            name = firm_columns.update(self.folder, previous, changed, gone)
            self._columns = firm_columns.load(self.folder, name)
            index.reload()
            self.write_manifest(documents=index.searcher().num_docs, regency_extent_km=extents, columns=name)
            firm_columns.prune(self.folder, {name, previous})
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
        self, searcher: tantivy.Searcher, main: tantivy.Query, q: SearchQuery, cheap: list[Any]
    ) -> list[tuple[float, Any]]:
        """The best ``q.limit`` hits of ``main`` under every filter (``cheap``: ``_filters(q, exact=False)``).

        Fast path: the best ``OVERFETCH × limit`` hits under the cheap filters, checked exactly and kept in order;
        that is the exact answer when at least ``limit`` pass or when the cheap filters ran out of hits. Otherwise
        the exact (slower) query runs.
        """
        wanted = OVERFETCH * q.limit
        found = list(searcher.search(_Q.boolean_query([(_O.Must, main), *cheap]), wanted, count=False).hits)
        kept = [h for h, ok in zip(found, self._passes(searcher, [a for _, a in found], q), strict=True) if ok]
        if len(kept) >= q.limit or len(found) < wanted:
            return kept[: q.limit]
        exact = _Q.boolean_query([(_O.Must, main), *self._filters(q, exact=True)])
        return list(searcher.search(exact, q.limit, count=False).hits)

    @staticmethod
    def _semantic(
        columns: Columns, vectors: VectorStore, vector: np.ndarray, q: SearchQuery
    ) -> list[tuple[int, float]]:
        """(firm id, similarity) of the best ``q.limit`` firms of the distinct texts closest to ``vector`` that pass
        every filter: the closest texts (up to ``NEIGHBOUR_TEXTS``, or fewer once their firms number
        ``NEIGHBOUR_FIRMS``), their firms read from the column store and filtered there."""
        near, total = [], 0
        for row, sim in vectors.nearest(vector, NEIGHBOUR_TEXTS):
            near.append((row, sim, columns.firms_of(row)))
            total += near[-1][2]
            if total >= NEIGHBOUR_FIRMS:
                break
        slots = columns.slots([row for row, _, _ in near])
        sims = np.repeat(np.array([sim for _, sim, _ in near]), [n for _, _, n in near])
        best = columns.best_passing(slots, sims, q, q.limit)
        return list(zip(columns.arrays["firm"][slots[best]].tolist(), sims[best].tolist(), strict=True))

    def _addresses(
        self, searcher: tantivy.Searcher, firm_ids: list[int], text_q: tantivy.Query | None
    ) -> dict[int, tuple[Any, float]]:
        """The document address of each firm and its BM25 for the need's words (0 without a shared word), as the
        text channel would score it: a firm the text channel's cut left out still gets credit for its words.
        One search: a union of term queries (~20× faster than a term-set query over the integer field)."""
        if not firm_ids:
            return {}
        ids = _Q.boolean_query([(_O.Should, _Q.term_query(self.schema, "firm_id", f)) for f in firm_ids])
        clauses = [(_O.Must, _Q.const_score_query(ids, 0.0)), *([(_O.Should, text_q)] if text_q else [])]
        hits = searcher.search(_Q.boolean_query(clauses), len(firm_ids), count=False).hits
        firms = searcher.fast_field_values("firm_id", [a for _, a in hits])
        return {int(cast(int, f)): (addr, float(score)) for (score, addr), f in zip(hits, firms, strict=True)}

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
        text_hits: Callable[[], list[tuple[float, Any]]] | None = None
        text_q = None
        if terms:
            text_q = _Q.boolean_query([(_O.Should, _Q.term_query(self.schema, "text", t)) for t in terms])
            text_hits = _in_parallel(self._run, searcher, text_q, query, cheap)
        vector = vector() if callable(vector) else vector
        columns = self._columns
        sem_hits = self._semantic(columns, vectors, vector, query) if vector is not None and columns else []
        sem_found = self._addresses(searcher, [firm_id for firm_id, _ in sem_hits], text_q)
        text = text_hits() if text_hits else []
        found: dict[int, tuple[Any, float, set[str]]] = {}  # by firm id
        text_ids = searcher.fast_field_values("firm_id", [a for _, a in text]) if text else []
        for (score, addr), firm_id in zip(text, text_ids, strict=True):
            found[int(cast(int, firm_id))] = (addr, float(score), {"text"})
        for firm_id, _sim in sem_hits:
            prev = found.get(firm_id)
            if prev is not None:
                found[firm_id] = (prev[0], prev[1], prev[2] | {"semantic"})
            elif firm_id in sem_found:
                addr, bm25 = sem_found[firm_id]
                found[firm_id] = (addr, bm25, {"semantic", "text"} if bm25 > 0 else {"semantic"})
        if not terms and vector is None:
            for _score, addr in self._run(searcher, _Q.all_query(), query, cheap):
                found[(addr.segment_ord << 32) | addr.doc] = (addr, 0.0, set())
        return shortlist(searcher, vectors, vector, query, found)

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

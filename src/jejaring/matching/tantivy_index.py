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
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import tantivy

from jejaring.matching.index import (
    Candidate,
    IndexDoc,
    Progress,
    SearchQuery,
    bounding_box,
    geo_cell,
    haversine_km,
)
from jejaring.matching.text import analyzed_text
from jejaring.matching.vectors import VectorStore

SCHEMA_VERSION = 1
WRITER_HEAP = 256_000_000
BATCH = 2_000
_Q = tantivy.Query
_O = tantivy.Occur


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("firm_id", stored=True, indexed=True, fast=True)
    sb.add_integer_field("geo_cell", fast=True)
    sb.add_integer_field("vec_row", indexed=True, fast=True)
    sb.add_text_field("text", tokenizer_name="default", index_option="freq")
    for name in ("roles", "certs", "province", "regency", "cap_dim"):
        sb.add_text_field(name, tokenizer_name="raw", index_option="basic")
    for name in ("lat", "lon", "capacity"):
        sb.add_float_field(name, indexed=True, fast=True)
    sb.add_json_field("data", stored=True)
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

    # -- files -------------------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.folder / "manifest.json"

    def exists(self) -> bool:
        """Whether a built index is present."""
        return self.manifest_path.exists() and (self.folder / "tantivy").exists()

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
            return self._index, self._vectors

    # -- writing -----------------------------------------------------------------------------
    def _document(self, doc: IndexDoc, vec_row: int) -> tantivy.Document:
        d = tantivy.Document()
        d.add_integer("firm_id", doc.firm_id)
        d.add_integer("geo_cell", geo_cell(doc.latitude, doc.longitude))
        d.add_integer("vec_row", vec_row)
        # name and product texts are analysed separately: product texts repeat a lot (cache hits), names do not
        rest = " ".join(p for p in (doc.products, *(o.text for o in doc.offers), *(n for _, n in doc.sentra)) if p)
        d.add_text("text", analyzed_text(doc.name) + " " + analyzed_text(rest))
        for role in doc.roles:
            d.add_text("roles", role)
        for cert in doc.certificates:
            d.add_text("certs", cert)
        d.add_text("province", doc.province_code)
        d.add_text("regency", doc.regency_code)
        if doc.latitude is not None and doc.longitude is not None:
            d.add_float("lat", doc.latitude)
            d.add_float("lon", doc.longitude)
        if doc.capacity is not None and doc.capacity_dimension:
            d.add_float("capacity", doc.capacity)
            d.add_text("cap_dim", doc.capacity_dimension)
        d.add_json("data", {**doc.to_json(), "vec_row": vec_row})
        return d

    def _write(self, writer: tantivy.IndexWriter, vectors: VectorStore, docs: list[IndexDoc]) -> None:
        rows = vectors.rows_for([d.semantic_text for d in docs])
        for doc, row in zip(docs, rows, strict=True):
            writer.add_document(self._document(doc, row))

    def build(self, docs: Iterable[IndexDoc], *, total: int, progress: Progress | None = None) -> int:
        """Build a fresh index from ``docs`` and swap it in."""
        started = time.perf_counter()
        staging = self.folder.with_name(self.folder.name + ".building")
        shutil.rmtree(staging, ignore_errors=True)
        (staging / "tantivy").mkdir(parents=True)
        index = tantivy.Index(self.schema, path=str(staging / "tantivy"), sort_by_field="geo_cell")
        writer = index.writer(WRITER_HEAP, 0)
        vectors = VectorStore(staging)
        done, batch = 0, []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= BATCH:
                self._write(writer, vectors, batch)
                done += len(batch)
                batch = []
                if progress:
                    progress(done, total)
        if batch:
            self._write(writer, vectors, batch)
            done += len(batch)
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
            )
        return done

    def update(self, docs: Iterable[IndexDoc], *, remove_ids: Iterable[int] = ()) -> int:
        """Re-index ``docs`` (replacing their old versions) and remove ``remove_ids``."""
        docs = list(docs)
        with self._lock:
            index, vectors = self._open()
            writer = index.writer(50_000_000, 1)
            for firm_id in {*remove_ids, *(d.firm_id for d in docs)}:
                writer.delete_documents_by_term("firm_id", firm_id)
            self._write(writer, vectors, docs)
            writer.commit()
            writer.wait_merging_threads()
            vectors.save()
            index.reload()
            self.write_manifest(documents=index.searcher().num_docs)
            self._manifest_mtime = self.manifest_path.stat().st_mtime
        return len(docs)

    # -- reading -----------------------------------------------------------------------------
    def _filters(self, q: SearchQuery) -> list[tuple[tantivy.Occur, tantivy.Query]]:
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
        if q.near and q.radius_km:
            lat0, lat1, lon0, lon1 = bounding_box(q.near[0], q.near[1], q.radius_km)
            out.append((_O.Must, _Q.range_query(s, "lat", f, lat0, lat1)))
            out.append((_O.Must, _Q.range_query(s, "lon", f, lon0, lon1)))
        if q.min_capacity is not None and q.capacity_dimension:
            out.append((_O.Must, _Q.term_query(s, "cap_dim", q.capacity_dimension)))
            out.append((_O.Must, _Q.range_query(s, "capacity", f, q.min_capacity, None)))
        for firm_id in q.exclude_firm_ids:
            out.append((_O.MustNot, _Q.term_query(s, "firm_id", firm_id)))
        return [(o, _Q.const_score_query(x, 0.0)) if o == _O.Must else (o, x) for o, x in out]

    def _run(self, searcher: tantivy.Searcher, main: tantivy.Query, q: SearchQuery) -> list[tuple[float, Any]]:
        clauses = [(_O.Must, main), *self._filters(q)]
        return list(searcher.search(_Q.boolean_query(clauses), q.limit, count=False).hits)

    def query(self, query: SearchQuery, *, vector: np.ndarray | None) -> list[Candidate]:
        """BM25 candidates ∪ embedding neighbours, filtered; exact radius checked on the way out."""
        if not self.exists():
            return []
        index, vectors = self._open()
        searcher = index.searcher()
        found: dict[int, tuple[Any, float, float, set[str]]] = {}
        terms = list(dict.fromkeys(analyzed_text(query.text).split()))
        if terms:
            text_q = _Q.boolean_query([(_O.Should, _Q.term_query(self.schema, "text", t)) for t in terms])
            for score, addr in self._run(searcher, text_q, query):
                found[(addr.segment_ord << 32) | addr.doc] = (addr, float(score), 0.0, {"text"})
        if vector is not None:
            near = vectors.nearest(vector, 48)
            if near:
                sem_q = _Q.boolean_query(
                    [(_O.Should, _Q.const_score_query(_Q.term_query(self.schema, "vec_row", r), s)) for r, s in near]
                )
                for _score, addr in self._run(searcher, sem_q, query):
                    key = (addr.segment_ord << 32) | addr.doc
                    prev = found.get(key)
                    found[key] = (addr, prev[1] if prev else 0.0, 0.0, (prev[3] if prev else set()) | {"semantic"})
        if not terms and vector is None:
            for _score, addr in self._run(searcher, _Q.all_query(), query):
                found[(addr.segment_ord << 32) | addr.doc] = (addr, 0.0, 0.0, set())
        entries = list(found.values())
        docs = [searcher.doc(e[0]).to_dict()["data"][0] for e in entries]
        rows = [int(d.get("vec_row", -1)) for d in docs]
        sims = vectors.similarity(vector, rows) if vector is not None else [0.0] * len(rows)
        out = []
        for (_addr, bm25, _s, sources), data, sim in zip(entries, docs, sims, strict=True):
            data = {k: v for k, v in data.items() if k != "vec_row"}
            doc = IndexDoc.from_json(data)
            dist = None
            if query.near and doc.latitude is not None and doc.longitude is not None:
                dist = haversine_km(query.near[0], query.near[1], doc.latitude, doc.longitude)
            if query.radius_km and (dist is None or dist > query.radius_km):
                continue
            out.append(Candidate(doc=doc, bm25=bm25, semantic=max(0.0, sim), distance_km=dist, sources=sources))
        return out

    def stats(self) -> dict[str, Any]:
        """Documents and build facts."""
        if not self.exists():
            return {"documents": 0, "built": False}
        index, vectors = self._open()
        return {
            **self.manifest(),
            "documents": index.searcher().num_docs,
            "distinct_texts": len(vectors.keys),
            "built": True,
        }

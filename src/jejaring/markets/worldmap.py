"""World country shapes for the choropleth: the ``world-atlas`` npm package's TopoJSON, decoded to GeoJSON.

``countries-110m.json`` (Natural Earth 1:110m, public domain; world-atlas ISC) is copied to
``web/static/vendor`` by ``make``; features carry the ISO 3166-1 numeric code as ``id``, which the page
joins to atlas-common-data's M49 codes.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
CANDIDATES = (
    HERE.parent.parent / "web" / "static" / "vendor" / "countries-110m.json",
    HERE.parents[3] / "node_modules" / "world-atlas" / "countries-110m.json",
)


def _arcs(topo: dict[str, Any]) -> list[list[list[float]]]:
    scale = topo.get("transform", {}).get("scale", [1, 1])
    translate = topo.get("transform", {}).get("translate", [0, 0])
    out = []
    for arc in topo["arcs"]:
        x = y = 0.0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append([round(x * scale[0] + translate[0], 4), round(y * scale[1] + translate[1], 4)])
        out.append(points)
    return out


def _ring(indices: list[int], arcs: list[list[list[float]]]) -> list[list[float]]:
    ring: list[list[float]] = []
    for i in indices:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


@lru_cache(maxsize=1)
def geojson() -> dict[str, Any]:
    """The world's countries as a GeoJSON FeatureCollection (empty when the asset is missing)."""
    path = next((p for p in CANDIDATES if p.exists()), None)
    if path is None:
        return {"type": "FeatureCollection", "features": []}
    topo = json.loads(path.read_text(encoding="utf-8"))
    arcs = _arcs(topo)
    features = []
    for g in topo["objects"]["countries"]["geometries"]:
        if g["type"] == "Polygon":
            coords: Any = [_ring(r, arcs) for r in g["arcs"]]
        elif g["type"] == "MultiPolygon":
            coords = [[_ring(r, arcs) for r in poly] for poly in g["arcs"]]
        else:
            continue
        features.append(
            {
                "type": "Feature",
                "id": g.get("id"),
                "properties": {"name": g.get("id") or g["properties"].get("name")},
                "geometry": {"type": g["type"], "coordinates": coords},
            }
        )
    return {"type": "FeatureCollection", "features": features}

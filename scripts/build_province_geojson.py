"""Build the indicative boundaries of Indonesia's 38 provinces as a small GeoJSON file.

No package ships the 38 provinces (four Papuan provinces were created in 2022), so the boundaries
are derived reproducibly:

1. the Voronoi cells of the 7,285 district (kecamatan) seats from the reference catalog
   (``jejaring.reference.catalog.districts()``; province = first two digits of the code),
2. clipped to Natural Earth's 1:10m outline of Indonesia from the npm package ``world-atlas``
   (``node_modules/world-atlas/countries-10m.json``, TopoJSON decoded here),
3. dissolved by province, simplified as a coverage (shared edges stay shared) and rounded.

The result is *indicative* ("batas indikatif"): good enough for a choropleth, not a legal boundary.

Run from the repository root (needs the dev extras ``shapely``; npm packages installed)::

    .venv/bin/python scripts/build_province_geojson.py

It writes ``src/jejaring/insights/static/insights/provinces.geojson`` (committed).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon, mapping
from shapely.ops import unary_union

from jejaring.reference import catalog

ROOT = Path(__file__).resolve().parent.parent
TOPOJSON = ROOT / "node_modules" / "world-atlas" / "countries-10m.json"
OUT = ROOT / "src" / "jejaring" / "insights" / "static" / "insights" / "provinces.geojson"
INDONESIA_ID = "360"  # ISO 3166-1 numeric, as world-atlas ids its countries


def _decode_arcs(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Absolute coordinates of every TopoJSON arc (delta-decoded and de-quantised)."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    coords: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        coords.extend(arc if not coords else arc[1:])
    return coords


def indonesia_outline() -> MultiPolygon:
    """Natural Earth 1:10m Indonesia as a shapely MultiPolygon."""
    topo = json.loads(TOPOJSON.read_text("utf-8"))
    arcs = _decode_arcs(topo)
    geometry = next(g for g in topo["objects"]["countries"]["geometries"] if g.get("id") == INDONESIA_ID)
    polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    shapes = []
    for rings in polygons:
        outer, *holes = (_ring(r, arcs) for r in rings)
        shapes.append(Polygon(outer, holes).buffer(0))
    return MultiPolygon([p for s in shapes for p in getattr(s, "geoms", [s])])


def province_cells(outline: MultiPolygon) -> dict[str, Any]:
    """Voronoi cells of the district seats, clipped to ``outline`` and dissolved by province."""
    seats: dict[tuple[float, float], str] = {}
    for d in catalog.districts():
        if d["latitude"] is None or d["longitude"] is None:
            continue
        seats.setdefault((round(d["longitude"], 6), round(d["latitude"], 6)), d["code"][:2])
    points = MultiPoint([Point(xy) for xy in seats])
    envelope = outline.envelope.buffer(2.0)
    cells = shapely.voronoi_polygons(points, extend_to=envelope, ordered=True)
    by_province: dict[str, list[Any]] = defaultdict(list)
    for code, cell in zip(seats.values(), cells.geoms, strict=True):
        clipped = cell.intersection(outline)
        if not clipped.is_empty:
            by_province[code].append(clipped)
    return {code: unary_union(parts) for code, parts in sorted(by_province.items())}


def _polygons_only(geom: Any, min_area: float) -> MultiPolygon:
    parts = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon) and g.area >= min_area]
    if not parts:  # keep at least the largest piece of a tiny province
        parts = [max((g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon)), key=lambda g: g.area)]
    return MultiPolygon(parts)


def build(tolerance: float, min_area: float, digits: int) -> dict[str, Any]:
    """The FeatureCollection of the 38 provinces (properties: code, name)."""
    names = {p["code"]: p["name"] for p in catalog.provinces()}
    dissolved = province_cells(indonesia_outline())
    codes = list(dissolved)
    cleaned = [_polygons_only(dissolved[c], min_area) for c in codes]
    simplified = shapely.coverage_simplify(cleaned, tolerance)
    features = []
    for code, geom in zip(codes, simplified, strict=True):
        geom = shapely.set_precision(_polygons_only(shapely.make_valid(geom), min_area), 10**-digits)
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": code, "label": names.get(code, code)},
                "geometry": mapping(geom),
            }
        )
    return {
        "type": "FeatureCollection",
        "name": "provinsi_indonesia_batas_indikatif",
        "note": (
            "Batas indikatif: Voronoi cells of the district seats clipped to Natural Earth 1:10m "
            "(world-atlas countries-10m) and dissolved by province. Not an official boundary. "
            "Built by scripts/build_province_geojson.py."
        ),
        "features": features,
    }


def main() -> None:
    """Build and write the GeoJSON file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tolerance", type=float, default=0.008, help="Simplification tolerance in degrees.")
    parser.add_argument("--min-area", type=float, default=0.0002, help="Drop islands smaller than this (deg²).")
    parser.add_argument("--digits", type=int, default=3, help="Decimal digits kept in coordinates.")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    collection = build(args.tolerance, args.min_area, args.digits)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(collection, separators=(",", ":")), "utf-8")
    size = args.out.stat().st_size
    print(f"{len(collection['features'])} provinces, {size / 1024:.0f} KiB -> {args.out}")  # noqa: T201 - a command-line script


if __name__ == "__main__":
    main()

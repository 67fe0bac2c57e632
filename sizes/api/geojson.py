"""Zone geometry as RFC 7946 GeoJSON: WGS84 longitude/latitude, exterior rings
counter-clockwise and holes clockwise (the right-hand rule), no `crs` member."""

from __future__ import annotations

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.polygon import orient

from sizes.geo import geometry as g

GEOJSON = "application/geo+json"


def rfc7946_geometry(stored: dict | None) -> dict | None:
    """A stored MultiPolygon, oriented by the right-hand rule and rounded to 6 decimals."""
    if not stored:
        return None
    geom = g.from_geojson(stored)
    polygons = list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]
    oriented = MultiPolygon([orient(p, sign=1.0) for p in polygons if isinstance(p, Polygon)])
    return g.to_geojson(oriented)


def bbox_of(stored: dict | None) -> list[float] | None:
    if not stored:
        return None
    return [round(v, 6) for v in shapely.bounds(g.from_geojson(stored)).tolist()]


def feature(*, fid, geometry: dict | None, properties: dict) -> dict:
    out = {"type": "Feature", "id": fid, "geometry": rfc7946_geometry(geometry)}
    if geometry:
        out["bbox"] = bbox_of(geometry)
    out["properties"] = properties
    return out

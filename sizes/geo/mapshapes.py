"""A boundary's shapes as the register map draws them, one per run of zoom levels.

At web-map zoom `z` one 256-pixel tile spans 360 / 2^z degrees of longitude, so a screen
pixel is about 360 / (256 · 2^z) degrees. Detail smaller than half a pixel cannot be seen, so
each geometry is simplified with that tolerance (Douglas–Peucker, keeping polygons valid);
from zoom 18 the full stored geometry is drawn.

Simplifying costs about 0.3 ms a geometry, so doing it for every zone inside a map request
took 16–20 s at 10,000 zones. Instead `zoom_shapes` is run when a boundary is set (and by the
migration that added `ZoneBoundaryMapShape`, for the boundaries already there), and the map
reads the stored text. Consecutive zoom levels whose shapes come out the same share one row.

No model imports here: the migration uses these functions too.
"""

from __future__ import annotations

import json

import shapely

from sizes.geo import geometry as g

MIN_ZOOM, MAX_ZOOM = 0, 20
# Register zoom levels from this one get the full stored geometry (about 0.1 m already).
FULL_DETAIL_ZOOM = 18


def tolerance_for_zoom(zoom: int) -> float:
    """Half a screen pixel at this zoom, in degrees; 0 (no simplification) from zoom 18."""
    if zoom >= FULL_DETAIL_ZOOM:
        return 0.0
    return 360.0 / (256 * 2**zoom) / 2


def simplify(geojson: dict, zoom: int) -> dict:
    """A stored GeoJSON MultiPolygon simplified for a zoom level (still valid, CCW outlines)."""
    if tolerance_for_zoom(zoom) == 0:
        return geojson
    return _simplified(g.from_geojson(geojson), geojson, zoom)


def _simplified(geom, geojson: dict, zoom: int) -> dict:
    """`simplify` of `geojson`, already read as the shapely geometry `geom`."""
    tolerance = tolerance_for_zoom(zoom)
    if tolerance == 0:
        return geojson
    simple = shapely.simplify(geom, tolerance, preserve_topology=True)
    if simple.is_empty or not simple.is_valid:
        return geojson
    return g.to_geojson(shapely.orient_polygons(simple, exterior_cw=False))


def compact(obj) -> str:
    return json.dumps(obj, separators=(",", ":"))


def zoom_shapes(core: dict, fringe: dict) -> list[tuple[int, int, str, str]]:
    """[(min_zoom, max_zoom, core text, fringe text)] covering zooms 0–20: the core and outer
    area simplified for those zooms as compact GeoJSON text, exactly what the map sends.
    Consecutive zooms with the same two texts share one entry."""
    runs: list[tuple[int, int, str, str]] = []
    core_geom, fringe_geom = g.from_geojson(core), g.from_geojson(fringe)  # read once
    for zoom in range(MIN_ZOOM, FULL_DETAIL_ZOOM + 1):
        core_text = compact(_simplified(core_geom, core, zoom))
        fringe_text = compact(_simplified(fringe_geom, fringe, zoom))
        if runs and runs[-1][2] == core_text and runs[-1][3] == fringe_text:
            runs[-1] = (runs[-1][0], zoom, core_text, fringe_text)
        else:
            runs.append((zoom, zoom, core_text, fringe_text))
    last = runs[-1]
    runs[-1] = (last[0], MAX_ZOOM, last[2], last[3])  # zooms 18–20: the full geometry
    return runs

"""Parse, validate, normalise and build boundary geometry. Pure functions: no database.

Every boundary SIZes stores is the same thing: a valid GeoJSON **MultiPolygon** per RFC 7946
(WGS84 longitude/latitude, exterior rings counter-clockwise and holes clockwise, coordinates
rounded to 6 decimal places, about 0.1 m), whichever way it was made:

* `geometry_from_geojson`: drawn on a map or uploaded (Feature, FeatureCollection, bare
  Polygon/MultiPolygon; the polygons of a collection are merged);
* `geometry_from_point`: a point and a radius in metres (one building, a street corner);
* `geometry_from_line`: a line and a width in metres (a high street);
* `union_geometries`: the union of reference areas or of small circles around postcodes
  (see `sizes.geo.services.zone_boundary_from_areas`, which reads them from the database).

Metric work (buffers, areas, distances) is done in a projected CRS, British National Grid
(EPSG:27700) unless `settings.SIZES_METRIC_CRS` says otherwise. Anything wrong with the input
raises `GeometryError` with a specific code (see `CODES`).
"""

from __future__ import annotations

import itertools
import json
import math
import re
from functools import lru_cache

import numpy as np
import shapely
from django.conf import settings
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from sizes.core.errors import DomainError

WGS84 = "EPSG:4326"
PRECISION = 6
# A repair by make_valid is accepted only when it keeps the area within this fraction.
REPAIR_AREA_TOLERANCE = 0.01

CODES = {
    "geojson_malformed": "The file or text is not valid JSON.",
    "geojson_too_large": "The file is larger than the limit.",
    "geojson_invalid": "The JSON is not GeoJSON geometry SIZes understands.",
    "geometry_wrong_type": "The geometry is not a Polygon or MultiPolygon.",
    "coordinates_invalid": "A position is not a pair of numbers.",
    "coordinates_out_of_range": "A longitude or latitude is out of range.",
    "coordinates_look_like_bng": "The coordinates look like British National Grid metres.",
    "crs_unsupported": "The coordinate reference system is not recognised.",
    "geometry_self_intersection": "The boundary crosses itself and cannot be repaired safely.",
    "geometry_empty": "There is no area.",
    "geometry_zero_area": "The area is zero.",
    "geometry_too_many_vertices": "The boundary has more vertices than the limit.",
    "radius_invalid": "The radius or width is not a positive number of metres.",
}


class GeometryError(DomainError):
    """Input geometry that cannot be used; `code` is one of `CODES`."""

    def __init__(self, code: str, message: str):
        super().__init__(code=code, message=message, status=400)


# --- settings and projections ---------------------------------------------------------------


def max_vertices() -> int:
    return int(getattr(settings, "SIZES_MAX_VERTICES", 100_000))


def max_upload_bytes() -> int:
    return int(getattr(settings, "SIZES_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))


def metric_crs() -> str:
    return getattr(settings, "SIZES_METRIC_CRS", "EPSG:27700")


@lru_cache(maxsize=16)
def _transformer(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def reproject(geom: BaseGeometry, src: str, dst: str) -> BaseGeometry:
    """Reproject a geometry (all coordinates at once) from `src` to `dst`."""
    transformer = _transformer(src, dst)

    def fn(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, fn)


def to_metric(geom: BaseGeometry) -> BaseGeometry:
    return reproject(geom, WGS84, metric_crs())


def to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    return reproject(geom, metric_crs(), WGS84)


def area_m2(geom: BaseGeometry) -> float:
    """Area in square metres, measured in the metric CRS."""
    return float(to_metric(geom).area)


def normalise_crs(crs: str | None) -> str | None:
    """'EPSG:27700', 'epsg:27700', '27700' or an OGC URN → 'EPSG:27700'; None stays None.

    Only EPSG codes (and OGC CRS84) are accepted; anything else raises `crs_unsupported`.
    Answers for text are remembered (pyproj takes a millisecond to look a code up, and an
    import asks once per feature).
    """
    if isinstance(crs, str):
        return _normalise_crs_text(crs)
    return _normalise_crs(crs)


@lru_cache(maxsize=64)
def _normalise_crs_text(crs: str) -> str | None:
    return _normalise_crs(crs)


def _normalise_crs(crs) -> str | None:
    if crs is None or str(crs).strip() == "":
        return None
    text = str(crs).strip()
    if re.fullmatch(r"\d{4,6}", text):
        text = f"EPSG:{text}"
    match = re.search(r"EPSG:+(\d+)$", text, re.IGNORECASE)
    if match:
        text = f"EPSG:{match.group(1)}"
    if re.search(r"CRS84$", text, re.IGNORECASE):
        return WGS84
    if not re.fullmatch(r"EPSG:\d{1,6}", text, re.IGNORECASE):
        # Only EPSG codes: given free text, pyproj searches its database by name, which takes
        # seconds (a file's `crs` member is anyone's text).
        raise GeometryError(
            "crs_unsupported",
            f"The coordinate reference system “{str(crs)[:60]}” is not recognised. "
            "Use an EPSG code such as EPSG:4326 or EPSG:27700.",
        )
    try:
        CRS.from_user_input(text)
    except CRSError as exc:
        raise GeometryError(
            "crs_unsupported",
            f"The coordinate reference system “{str(crs)[:60]}” is not recognised. "
            "Use an EPSG code such as EPSG:4326 or EPSG:27700.",
        ) from exc
    return text.upper() if text.upper().startswith("EPSG:") else text


# --- parsing ---------------------------------------------------------------------------------


def load_json(data: str | bytes) -> object:
    """Parse JSON text, enforcing the upload size limit."""
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    limit = max_upload_bytes()
    if size > limit:
        raise GeometryError(
            "geojson_too_large",
            f"The file is {size / 1_048_576:.1f} MB; the largest accepted is "
            f"{limit / 1_048_576:.1f} MB. Simplify the boundary and try again.",
        )
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        # RecursionError: nesting deeper than the decoder's limit ("[[[[..."); ValueError
        # covers an integer with more digits than Python converts.
        where = ""
        if isinstance(exc, json.JSONDecodeError):
            where = f" (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        raise GeometryError("geojson_malformed", f"The boundary is not valid JSON{where}.") from exc


def _position(value, where: str) -> tuple[float, float]:
    if (
        not isinstance(value, list | tuple)
        or len(value) < 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value[:2])
    ):
        raise GeometryError(
            "coordinates_invalid",
            f"Every position must be a pair of numbers [longitude, latitude]; {where} is "
            f"{json.dumps(value)[:60]}.",
        )
    try:
        x, y = float(value[0]), float(value[1])
    except OverflowError:  # an integer too large for a float: 1 followed by 400 zeros
        x = y = math.inf
    if not (math.isfinite(x) and math.isfinite(y)):
        raise GeometryError(
            "coordinates_invalid",
            f"Every position must be a pair of finite numbers; {where} is not.",
        )
    return x, y


def _fast_positions(value) -> np.ndarray | None:
    """A list of positions as an (n, 2) float array when every position is certainly one
    `_position` accepts (two or more finite numbers, no booleans); else None, and the caller
    checks them one by one for the exact message. numpy converts the whole list in C, so a
    large file is not checked number by number in Python."""
    try:
        arr = np.array(value)
    except (ValueError, TypeError, OverflowError):  # ragged, or not numbers
        return None
    if arr.ndim != 2 or arr.shape[1] < 2 or arr.dtype.kind not in "fiu":
        return None  # strings, None, nesting, integers too large for int64 (object dtype)
    arr = arr[:, :2].astype(float)
    if not np.isfinite(arr).all():
        return None
    # JSON true/false arrive as Python bools, which numpy turns into 1 and 0: look at the
    # original values only where a coordinate is exactly 0 or 1.
    for i in np.flatnonzero(((arr == 0) | (arr == 1)).any(axis=1)):
        if any(isinstance(v, bool) for v in value[i][:2]):
            return None
    return arr


def _ring(value, where: str) -> np.ndarray:
    """A ring's positions as an (n, 2) float array, closed, with three distinct corners."""
    if not isinstance(value, list | tuple):
        raise GeometryError("coordinates_invalid", f"{where} must be a list of positions.")
    points = _fast_positions(value)
    if points is None:
        checked = [_position(p, f"{where}, position {i + 1}") for i, p in enumerate(value)]
        points = np.array(checked, dtype=float).reshape(-1, 2)
    if len(points) and (points[0] != points[-1]).any():
        points = np.vstack([points, points[:1]])  # be forgiving: close an open ring
    if not _three_distinct(points):
        raise GeometryError(
            "geometry_zero_area",
            f"{where} has fewer than three distinct corners, so it encloses no area.",
        )
    return points


def _three_distinct(points: np.ndarray) -> bool:
    """Whether at least three of the positions differ (compared as numbers: -0.0 == 0.0)."""
    if len(points) < 3:
        return False
    first = points[0]
    other = (points != first).any(axis=1)
    if not other.any():
        return False
    second = points[int(np.argmax(other))]
    return bool((other & (points != second).any(axis=1)).any())


def _polygon_rings(value, where: str) -> list[np.ndarray]:
    if not isinstance(value, list | tuple) or not value:
        raise GeometryError(
            "coordinates_invalid", f"{where} must be a list of rings (an outline, then holes)."
        )
    return [
        _ring(ring, f"{where}, {'outline' if i == 0 else f'hole {i}'}")
        for i, ring in enumerate(value)
    ]


# GeometryCollections inside GeometryCollections (RFC 7946 says to avoid them): how deep we go.
MAX_COLLECTION_DEPTH = 8


def _polygons_from_geometry(obj, where: str, depth: int = 0) -> list[list[np.ndarray]]:
    """The polygons (each a list of rings) in one GeoJSON geometry object."""
    if not isinstance(obj, dict) or "type" not in obj:
        raise GeometryError("geojson_invalid", f"{where} is not a GeoJSON geometry.")
    kind = obj["type"]
    if kind == "GeometryCollection":
        if depth >= MAX_COLLECTION_DEPTH:
            raise GeometryError(
                "geojson_invalid",
                f"The GeometryCollections are nested more than {MAX_COLLECTION_DEPTH} deep; "
                "send the polygons in one collection.",
            )
        parts = obj.get("geometries") or []
        if not isinstance(parts, list):
            raise GeometryError("geojson_invalid", f"{where} has no geometries list.")
        polygons = []
        for i, part in enumerate(parts):
            polygons.extend(_polygons_from_geometry(part, f"{where}, part {i + 1}", depth + 1))
        return polygons
    if kind not in ("Polygon", "MultiPolygon"):
        raise GeometryError(
            "geometry_wrong_type",
            f"{where} is a {kind}; a zone boundary must be an area (Polygon or MultiPolygon). "
            + (
                "To make an area from a point or a line, give a radius or a width."
                if kind in ("Point", "LineString", "MultiPoint", "MultiLineString")
                else ""
            ),
        )
    coords = obj.get("coordinates")
    if kind == "Polygon":
        return [_polygon_rings(coords, where)]
    if not isinstance(coords, list | tuple) or not coords:
        raise GeometryError("coordinates_invalid", f"{where} must be a list of polygons.")
    return [_polygon_rings(p, f"{where}, polygon {i + 1}") for i, p in enumerate(coords)]


def _collect_polygons(obj) -> list[list[np.ndarray]]:
    if not isinstance(obj, dict):
        raise GeometryError(
            "geojson_invalid",
            "The JSON must be a GeoJSON object: a Feature, a FeatureCollection or a geometry.",
        )
    kind = obj.get("type")
    if kind == "FeatureCollection":
        features = obj.get("features")
        if not isinstance(features, list):
            raise GeometryError("geojson_invalid", "The FeatureCollection has no features list.")
        polygons = []
        for i, feature in enumerate(features):
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                raise GeometryError("geojson_invalid", f"Item {i + 1} is not a GeoJSON Feature.")
            if feature.get("geometry") is None:
                continue
            polygons.extend(_polygons_from_geometry(feature["geometry"], f"Feature {i + 1}"))
        return polygons
    if kind == "Feature":
        if obj.get("geometry") is None:
            return []
        return _polygons_from_geometry(obj["geometry"], "The feature's geometry")
    if isinstance(kind, str):
        return _polygons_from_geometry(obj, "The geometry")
    raise GeometryError(
        "geojson_invalid",
        "The JSON has no GeoJSON “type”: send a Feature, a FeatureCollection or a geometry.",
    )


def _legacy_crs(obj) -> str | None:
    """The pre-RFC 7946 `crs` member some tools (QGIS, older ONS files) still write."""
    crs = obj.get("crs") if isinstance(obj, dict) else None
    if isinstance(crs, dict):
        name = (crs.get("properties") or {}).get("name")
        if isinstance(name, str):
            return name
    return None


def _check_range(coords: np.ndarray, crs: str | None) -> None:
    if crs not in (None, WGS84):
        return
    if not np.isfinite(coords).all():
        # Input positions are finite (see _position); a reprojection can still give inf or NaN
        # for points far outside the area a projection covers.
        raise GeometryError(
            "coordinates_out_of_range",
            "Some positions cannot be converted to longitude and latitude: they lie far "
            "outside the area the coordinate reference system covers. Check the CRS.",
        )
    lon, lat = coords[:, 0], coords[:, 1]
    if (np.abs(lon) <= 180).all() and (np.abs(lat) <= 90).all():
        return
    # Eastings and northings of Great Britain: both in metres, 0–700 km east, 0–1,300 km north
    # (a little slack either way); real ones are rarely under 1 km from the false origin.
    looks_bng = (
        (lon >= -10_000).all()
        and (lon <= 800_000).all()
        and (lat >= -10_000).all()
        and (lat <= 1_400_000).all()
        and float(np.median(np.abs(lon))) > 1_000
        and float(np.median(np.abs(lat))) > 1_000
    )
    if looks_bng:
        raise GeometryError(
            "coordinates_look_like_bng",
            "The coordinates look like British National Grid eastings and northings "
            "(EPSG:27700), not longitude and latitude. Say the file is in EPSG:27700 "
            "and it will be converted.",
        )
    bad = coords[(np.abs(lon) > 180) | (np.abs(lat) > 90)][0]
    raise GeometryError(
        "coordinates_out_of_range",
        f"The position [{bad[0]:g}, {bad[1]:g}] is out of range: longitude must be between "
        "-180 and 180 and latitude between -90 and 90, in that order.",
    )


def _where(geom: BaseGeometry) -> str:
    """'near 52.43015, -1.93430' for the first problem location GEOS reports."""
    reason = shapely.is_valid_reason(geom)
    match = re.search(r"\[(-?[\d.e+-]+) (-?[\d.e+-]+)\]", reason)
    if match:
        return f"near latitude {float(match.group(2)):.5f}, longitude {float(match.group(1)):.5f}"
    return f"({reason})"


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Only the areas in a geometry (make_valid can leave lines and points behind)."""
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    parts = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon | MultiPolygon)]
    return shapely.union_all(parts) if parts else Polygon()


def _repair(geom: BaseGeometry, wgs_area: float) -> BaseGeometry:
    """Repair an invalid area when the repair is unambiguous, else refuse and say where."""
    where = _where(geom)
    repaired = _polygonal(shapely.make_valid(geom))
    if repaired.is_empty or repaired.area == 0:
        raise GeometryError(
            "geometry_zero_area",
            f"The boundary encloses no area: its corners lie on one line ({where}).",
        )
    if wgs_area <= 0:
        raise GeometryError(
            "geometry_self_intersection",
            f"The boundary crosses itself {where}, so it is not clear which side is inside. "
            "Redraw it so that no edge crosses another.",
        )
    change = abs(repaired.area - wgs_area) / wgs_area
    if change > REPAIR_AREA_TOLERANCE:
        raise GeometryError(
            "geometry_self_intersection",
            f"The boundary crosses itself {where}; repairing it would change its area by "
            f"{change:.0%}. Redraw it so that no edge crosses another.",
        )
    return repaired


def _to_multipolygon(geom: BaseGeometry) -> MultiPolygon:
    if isinstance(geom, MultiPolygon):
        return geom
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    return MultiPolygon([p for p in shapely.get_parts(_polygonal(geom)) if not p.is_empty])


def normalise(geom: BaseGeometry) -> MultiPolygon:
    """Round to 6 dp, orient rings (RFC 7946) and return a valid MultiPolygon."""
    rounded = shapely.set_precision(geom, 10**-PRECISION)
    if not rounded.is_valid:
        rounded = _polygonal(shapely.make_valid(rounded))
    rounded = _polygonal(rounded)
    if rounded.is_empty or rounded.area == 0:
        raise GeometryError(
            "geometry_zero_area",
            "The boundary has no area once rounded to about 10 cm: it is too small or flat.",
        )
    return shapely.orient_polygons(_to_multipolygon(rounded), exterior_cw=False)


def validate(geom: BaseGeometry) -> MultiPolygon:
    """Check a WGS84 shapely area (vertex limit, emptiness, validity) and normalise it."""
    if geom.is_empty:
        raise GeometryError("geometry_empty", "The boundary is empty: it contains no area.")
    count = shapely.get_num_coordinates(geom)
    if count > max_vertices():
        raise GeometryError(
            "geometry_too_many_vertices",
            f"The boundary has {count:,} vertices; the most accepted is {max_vertices():,}. "
            "Simplify it and try again.",
        )
    wgs_area = float(geom.area)
    if not geom.is_valid:
        geom = _repair(geom, wgs_area)
    elif wgs_area == 0:
        raise GeometryError(
            "geometry_zero_area",
            "The boundary has zero area: its corners lie on one line or on one point.",
        )
    return normalise(geom)


def geometry_from_geojson(data: str | bytes | dict, *, crs: str | None = None) -> MultiPolygon:
    """Parse GeoJSON text or a parsed object into a validated, normalised WGS84 MultiPolygon.

    `crs` names the CRS of the coordinates when it is not WGS84 (e.g. "EPSG:27700"); a legacy
    GeoJSON `crs` member in the data is honoured too.
    """
    obj = load_json(data) if isinstance(data, str | bytes | bytearray) else data
    crs = normalise_crs(crs) or normalise_crs(_legacy_crs(obj))
    polygons = _collect_polygons(obj)
    if not polygons:
        raise GeometryError("geometry_empty", "The GeoJSON contains no geometry.")
    count = sum(len(ring) for rings in polygons for ring in rings)
    if count > max_vertices():
        raise GeometryError(
            "geometry_too_many_vertices",
            f"The boundary has {count:,} vertices; the most accepted is {max_vertices():,}. "
            "Simplify it and try again.",
        )
    coords = np.concatenate([ring for rings in polygons for ring in rings])
    _check_range(coords, crs)
    shapes = [Polygon(rings[0], rings[1:]) for rings in polygons]
    geom = shapes[0] if len(shapes) == 1 else MultiPolygon(shapes)
    # Separate polygons that touch or overlap (two adjacent wards pasted together) are not an
    # error: merge them, as long as each one is valid on its own.
    if not geom.is_valid and len(shapes) > 1 and all(s.is_valid for s in shapes):
        geom = shapely.union_all(shapes)
    if crs not in (None, WGS84):
        geom = reproject(geom, crs, WGS84)
        _check_range(np.asarray(shapely.get_coordinates(geom)), None)
    return validate(geom)


def to_geojson(geom: BaseGeometry) -> dict:
    """A shapely geometry as a GeoJSON dict with lists and coordinates rounded to 6 dp.

    Polygons and multipolygons (every boundary) are rounded all at once with numpy, to the
    same values Python's `round(x, 6)` gives; anything else goes through `_round`.
    """
    if isinstance(geom, Polygon | MultiPolygon) and not geom.is_empty:
        kind, coords, offsets = shapely.to_ragged_array([geom])
        pairs = _round_array(coords).tolist()
        rings = [pairs[a:b] for a, b in itertools.pairwise(offsets[0].tolist())]
        polygons = [rings[a:b] for a, b in itertools.pairwise(offsets[1].tolist())]
        if isinstance(geom, Polygon):
            return {"type": "Polygon", "coordinates": polygons[0]}
        return {"type": "MultiPolygon", "coordinates": polygons}
    return _round(shapely.geometry.mapping(geom))


def _round_array(values: np.ndarray) -> np.ndarray:
    """`round(float(v), PRECISION)` for every value of a float array, vectorised.

    numpy rounds `v * 10**6` to an integer and divides, which is what Python's correctly
    rounded `round` gives except when `v * 10**6` lies within a rounding error of a half (or
    is too large for that to be exact); those few values are rounded by Python.
    """
    values = np.asarray(values, dtype=float)
    out = np.round(values, PRECISION)
    scaled = values * 10.0**PRECISION
    doubtful = (np.abs(np.abs(scaled - np.floor(scaled)) - 0.5) < 1e-6) | ~(
        np.abs(scaled) < 2.0**52
    )
    for index in zip(*np.nonzero(doubtful), strict=True):
        out[index] = round(float(values[index]), PRECISION)
    return out


def _round(value):
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, float | int) for v in value):
            return [round(float(v), PRECISION) for v in value]
        return [_round(v) for v in value]
    return value


def from_geojson(obj: dict) -> BaseGeometry:
    """A stored (already valid) GeoJSON geometry as a shapely geometry; no checks."""
    return shapely.geometry.shape(obj)


# --- builders --------------------------------------------------------------------------------


def _metres(value, label: str, *, allow_zero: bool = False) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        number = float("nan")
    if not math.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        raise GeometryError(
            "radius_invalid", f"The {label} must be a positive number of metres, not {value!r}."
        )
    if number > 100_000:
        raise GeometryError("radius_invalid", f"The {label} must be at most 100 km.")
    return number


def check_lat_lon(lat, lon) -> tuple[float, float]:
    """Validate a latitude and longitude given separately; return them as floats."""
    try:
        lat_f, lon_f = float(lat), float(lon)
    except (TypeError, ValueError, OverflowError) as exc:
        raise GeometryError(
            "coordinates_invalid", "Latitude and longitude must be numbers, like 52.43, -1.93."
        ) from exc
    if not (math.isfinite(lat_f) and math.isfinite(lon_f)) or abs(lat_f) > 90 or abs(lon_f) > 180:
        raise GeometryError(
            "coordinates_out_of_range",
            "Latitude must be between -90 and 90 and longitude between -180 and 180.",
        )
    return lat_f, lon_f


def geometry_from_point(*, lat: float, lon: float, radius_m: float) -> MultiPolygon:
    """A circle of `radius_m` metres around a point (64-sided, drawn in the metric CRS)."""
    lat, lon = check_lat_lon(lat, lon)
    radius = _metres(radius_m, "radius")
    centre = to_metric(Point(lon, lat))
    return validate(to_wgs84(centre.buffer(radius, quad_segs=16)))


def geometry_from_line(line, *, width_m: float) -> MultiPolygon:
    """An area `width_m` metres wide centred on a line (half each side, square ends).

    `line` is a GeoJSON LineString (dict) or a list of [lon, lat] positions. Ends are cut
    square, so a high street zone stops where the street stops.
    """
    width = _metres(width_m, "width")
    if isinstance(line, dict):
        if line.get("type") == "Feature":
            line = line.get("geometry") or {}
        if line.get("type") != "LineString":
            raise GeometryError(
                "geometry_wrong_type",
                f"A line must be a GeoJSON LineString, not {line.get('type')}.",
            )
        line = line.get("coordinates")
    if not isinstance(line, list | tuple):
        raise GeometryError("coordinates_invalid", "A line must be a list of positions.")
    points = [_position(p, f"position {i + 1}") for i, p in enumerate(line)]
    if len(set(points)) < 2:
        raise GeometryError("geometry_zero_area", "A line needs at least two different points.")
    _check_range(np.array(points), None)
    metric = to_metric(LineString(points))
    return validate(to_wgs84(metric.buffer(width / 2, cap_style="flat", join_style="round")))


def buffer_metres(geom: BaseGeometry, distance_m: float) -> BaseGeometry:
    """Grow a WGS84 geometry by `distance_m` metres (measured in the metric CRS)."""
    if distance_m == 0:
        return geom
    return to_wgs84(to_metric(geom).buffer(distance_m, quad_segs=8))


def union_geometries(geoms: list[BaseGeometry]) -> MultiPolygon:
    """The union of areas, validated and normalised."""
    if not geoms:
        raise GeometryError("geometry_empty", "No areas were given to join together.")
    return validate(shapely.union_all(geoms))


def fringe_from_width(core: BaseGeometry, fringe_m: float) -> MultiPolygon:
    """The outer area of a fringe band `fringe_m` metres wide around the core."""
    width = _metres(fringe_m, "fringe width", allow_zero=True)
    if width == 0:
        return core if isinstance(core, MultiPolygon) else normalise(core)
    return normalise(shapely.union(core, buffer_metres(core, width)))

"""Boundaries as maps show them: one zone's boundary for download (RFC 7946 GeoJSON), and every
zone in force, simplified for a zoom level, for the register's map.

Simplification: each geometry is simplified to half a screen pixel at the zoom asked for (see
`sizes.geo.mapshapes`). That is done when a boundary is set and stored with it
(`ZoneBoundaryMapShape`), so a map request only reads the text for its zoom; it is then kept
in this process per geography revision and zoom level. Zone names and statuses are read fresh
on every request, so a zone being declared or dissolved shows at once.

With many zones a map asks only for what it shows: `bbox=min_lon,min_lat,max_lon,max_lat`
keeps the zones whose outer area's bounding box meets that box (tested against the cached
boxes in memory, so the request costs the same queries whatever the box).
"""

from __future__ import annotations

import json
import math
import threading
import time

from django.db.models import FilteredRelation, Q
from django.urls import reverse

from sizes.core.errors import DomainError
from sizes.geo.mapshapes import (  # noqa: F401 (tolerance_for_zoom: part of this module's API)
    FULL_DETAIL_ZOOM,
    compact,
    simplify,
    tolerance_for_zoom,
    zoom_shapes,
)
from sizes.geo.models import GeoRevision, ZoneBoundary, ZoneBoundaryMapShape
from sizes.zones.models import IN_FORCE, Zone

MIN_ZOOM, MAX_ZOOM, DEFAULT_ZOOM = 0, 20, 12


def parse_zoom(value) -> int:
    """A zoom level from a query string: missing → 12; not a whole number 0–20 → DomainError."""
    if value is None or str(value).strip() == "":
        return DEFAULT_ZOOM
    text = str(value).strip()
    # isascii: str.isdigit() is also true for "²", which int() refuses.
    if not (text.isascii() and text.isdigit()) or not MIN_ZOOM <= int(text[:4]) <= MAX_ZOOM:
        raise DomainError(
            code="zoom_invalid",
            message=f"The zoom must be a whole number from {MIN_ZOOM} to {MAX_ZOOM}.",
        )
    return int(text)


def parse_bbox(value) -> tuple[float, float, float, float] | None:
    """`min_lon,min_lat,max_lon,max_lat` (WGS84 degrees) from a query string; missing → None.

    Anything else — not four numbers, outside −180…180 / −90…90, or a minimum above its
    maximum — is a DomainError saying which."""
    if value is None or str(value).strip() == "":
        return None
    parts = str(value).split(",")
    numbers = []
    for part in parts:
        try:
            number = float(part.strip()) if len(part) <= 40 else math.nan
        except ValueError:
            number = math.nan
        numbers.append(number)
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise DomainError(
            code="bbox_invalid",
            message="The bbox must be four numbers separated by commas: "
            "min_lon,min_lat,max_lon,max_lat (degrees, WGS84).",
        )
    min_lon, min_lat, max_lon, max_lat = numbers
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise DomainError(
            code="bbox_invalid", message="The bbox longitudes must be from -180 to 180."
        )
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise DomainError(code="bbox_invalid", message="The bbox latitudes must be from -90 to 90.")
    if min_lon > max_lon or min_lat > max_lat:
        raise DomainError(
            code="bbox_invalid",
            message="The bbox minimums must not be above its maximums: "
            "min_lon,min_lat,max_lon,max_lat (west, south, east, north).",
        )
    return min_lon, min_lat, max_lon, max_lat


def map_shape_rows(boundary: ZoneBoundary) -> list[ZoneBoundaryMapShape]:
    """The boundary's stored map shapes, unsaved (for `bulk_create`)."""
    return [
        ZoneBoundaryMapShape(
            boundary=boundary, min_zoom=lo, max_zoom=hi, core=core_text, fringe=fringe_text
        )
        for lo, hi, core_text, fringe_text in zoom_shapes(boundary.core, boundary.fringe)
    ]


def store_map_shapes(boundaries) -> None:
    """Compute and store the map shapes of these saved boundaries (replacing any stored)."""
    boundaries = list(boundaries)
    ZoneBoundaryMapShape.objects.filter(boundary__in=[b.pk for b in boundaries]).delete()
    rows = [row for b in boundaries for row in map_shape_rows(b)]
    ZoneBoundaryMapShape.objects.bulk_create(rows, batch_size=500)


_lock = threading.Lock()
_cache: dict[int, dict] = {}
# Per zoom, zone id -> ((name, slug, status), its two features as JSON text): built when a zone
# is first sent and again only when its name, slug or status has changed. Serialising 20,000
# features' properties on every request costs 100 ms at 10,000 zones.
_texts: dict[int, dict[int, tuple[tuple, str]]] = {}
_cache_revision: tuple | None = None


_compact = compact


_Shape = tuple[int, str, str, int | None, tuple[float, float, float, float]]


def _simplified(revision: tuple, zoom: int) -> tuple[dict[int, _Shape], dict]:
    """{zone_id: (boundary_id, core, outer, fringe_m, bbox)} for current boundaries at this
    zoom, the geometries already serialised as compact GeoJSON text (at 10,000 zones,
    serialising them on every request would cost far more than the rest of the request); bbox
    is the outer area's (min_lon, min_lat, max_lon, max_lat). With it, that zoom's feature
    texts (`_texts`), from the same revision."""
    global _cache_revision
    with _lock:
        if _cache_revision != revision:
            _cache.clear()
            _texts.clear()
            _cache_revision = revision
        if zoom in _cache:
            return _cache[zoom], _texts[zoom]
    # The stored shapes for this zoom (one query, a left join): only this zoom's text is read.
    rows = (
        ZoneBoundary.objects.current()
        .annotate(
            shape=FilteredRelation(
                "map_shapes",
                condition=Q(map_shapes__min_zoom__lte=zoom, map_shapes__max_zoom__gte=zoom),
            )
        )
        .order_by()
        .values_list(
            "pk",
            "zone_id",
            "shape__core",
            "shape__fringe",
            "fringe_m",
            "min_lon",
            "min_lat",
            "max_lon",
            "max_lat",
        )
    )
    built: dict[int, _Shape] = {}
    missing: dict[int, tuple] = {}
    for pk, zone_id, core, outer, fringe_m, *box in rows.iterator(chunk_size=2000):
        if core is None:
            missing[pk] = (zone_id, fringe_m, tuple(box))
        else:
            built[zone_id] = (pk, core, outer, fringe_m, tuple(box))
    if missing:
        # Boundaries written without their map shapes (not through the geo service or
        # `store_map_shapes`): simplified here, as before the shapes were stored. Not stored:
        # a read does not write.
        geometries = ZoneBoundary.objects.filter(pk__in=list(missing)).values_list(
            "pk", "core", "fringe"
        )
        for pk, core, outer in geometries.order_by().iterator(chunk_size=500):
            zone_id, fringe_m, box = missing[pk]
            built[zone_id] = (
                pk,
                _compact(simplify(core, zoom)),
                _compact(simplify(outer, zoom)),
                fringe_m,
                box,
            )
    texts: dict[int, tuple[tuple, str]] = {}
    with _lock:
        if _cache_revision == revision:
            _cache[zoom] = built
            _texts[zoom] = texts
    return built, texts


def reset() -> None:
    """Forget the cache (tests)."""
    global _cache_revision, _extent
    with _lock:
        _cache.clear()
        _texts.clear()
        _cache_revision = None
        _extent = None


# With more zones in force than this, the register map asks for the zones in its view only.
VIEWPORT_ABOVE = 300


_extent: tuple[float, tuple] | None = None  # (monotonic time, result)
EXTENT_SECONDS = 60


def zones_map_extent() -> tuple[int, tuple[float, float, float, float] | None]:
    """(number of zones in force with a boundary, the bounding box of their outer areas or
    None), for the register map to open on the zones before it asks for any. One query (20 ms
    at 10,000 zones), remembered in this process for a minute: the map data may be a minute
    old too (Cache-Control), and the register's list says which zones are in force."""
    global _extent
    now = time.monotonic()
    if _extent is not None and now - _extent[0] < EXTENT_SECONDS:
        return _extent[1]
    result = _zones_map_extent()
    _extent = (now, result)
    return result


def _zones_map_extent():
    from django.db.models import Count, Max, Min

    row = (
        ZoneBoundary.objects.current()
        .filter(zone__status__in=IN_FORCE)
        .aggregate(
            n=Count("id"),
            w=Min("min_lon"),
            s=Min("min_lat"),
            e=Max("max_lon"),
            nn=Max("max_lat"),
        )
    )
    if not row["n"]:
        return 0, None
    return row["n"], (row["w"], row["s"], row["e"], row["nn"])


def _meets(box, bbox) -> bool:
    return box[0] <= bbox[2] and box[2] >= bbox[0] and box[1] <= bbox[3] and box[3] >= bbox[1]


def zones_map_json(*, zoom: int, bbox: tuple[float, float, float, float] | None = None) -> str:
    """Every zone in force as a GeoJSON FeatureCollection (RFC 7946) simplified for `zoom`, as
    compact JSON text; with `bbox`, only the zones whose outer area's bounding box meets it.

    Two features per zone: its core (`part: "core"`) and its outer fringe area (`part:
    "fringe"`), each with properties name, slug, status and url. Ordered by zone name. Names
    and statuses are read fresh (one query); geometry comes from the per-revision cache.
    """
    shapes, texts = _simplified(GeoRevision.current(), zoom)
    zones = (
        Zone.objects.filter(status__in=IN_FORCE)
        .order_by("name", "pk")
        .values_list("pk", "name", "slug", "status")
    )
    url = reverse("zones:detail", args=["SLUG"])
    head, tail = url.split("SLUG")
    features = []
    for pk, name, slug, status in zones:
        shape = shapes.get(pk)
        if shape is None:
            continue
        box = shape[4]
        if bbox is not None and not _meets(box, bbox):
            continue
        key = (name, slug, status)
        known = texts.get(pk)
        if known is None or known[0] != key:
            known = texts[pk] = (key, _features_text(shape, name, slug, status, head + slug + tail))
        features.append(known[1])
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def _features_text(shape: _Shape, name: str, slug: str, status: str, url: str) -> str:
    """A zone's core and fringe features as compact JSON text (a comma between them)."""
    boundary_id, core, outer, fringe_m, _ = shape
    props = (
        f'"name":{_compact(name)},"slug":{_compact(slug)},"status":{_compact(status)},'
        f'"url":{_compact(url)}'
    )
    return (
        f'{{"type":"Feature","geometry":{core},"properties":{{{props},"part":"core"}},'
        f'"id":"{boundary_id}-core"}},'
        f'{{"type":"Feature","geometry":{outer},"properties":{{{props},"part":"fringe",'
        f'"fringe_m":{_compact(fringe_m)}}},"id":"{boundary_id}-fringe"}}'
    )


def zones_map(*, zoom: int, bbox=None) -> dict:
    """`zones_map_json` as a dict."""
    return json.loads(zones_map_json(zoom=zoom, bbox=bbox))


def _feature(geometry: dict, properties: dict, fid: str | None = None) -> dict:
    feature = {"type": "Feature", "geometry": geometry, "properties": properties}
    if fid:
        feature["id"] = fid
    return feature


def boundary_feature_collection(boundary: ZoneBoundary) -> dict:
    """A zone's boundary for download: its core and its fringe's outer area, RFC 7946."""
    zone = boundary.zone
    props = {
        "zone": zone.name,
        "slug": zone.slug,
        "valid_from": boundary.valid_from.isoformat(),
        "method": boundary.method,
        "source": boundary.source,
    }
    return {
        "type": "FeatureCollection",
        "features": [
            _feature(
                boundary.core,
                {**props, "part": "core", "area_m2": boundary.area_m2},
                f"{boundary.pk}-core",
            ),
            _feature(
                boundary.fringe,
                {
                    **props,
                    "part": "fringe",
                    "fringe_m": boundary.fringe_m,
                    "fringe_drawn": boundary.fringe_drawn,
                },
                f"{boundary.pk}-fringe",
            ),
        ],
    }


def zone_map_data(boundary: ZoneBoundary, *, zoom: int = 15, points=(), areas=()) -> dict:
    """What the zone page's map draws: core and fringe, lightly simplified for the page;
    `points` — (part, name, lat, lon) for partners' places and public assets; and `areas` —
    (name, GeoJSON geometry) for public assets that are areas (a park)."""
    return {
        "type": "FeatureCollection",
        "features": [
            _feature(simplify(boundary.core, zoom), {"part": "core"}),
            _feature(simplify(boundary.fringe, zoom), {"part": "fringe"}),
            *(
                _feature(
                    {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                    {"part": part, "name": name},
                )
                for part, name, lat, lon in points
            ),
            *(_feature(geometry, {"part": "asset", "name": name}) for name, geometry in areas),
        ],
    }

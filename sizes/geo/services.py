"""Writes to geography: setting a zone's boundary (with history), and building boundaries
from reference areas or postcodes."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from shapely.geometry import Point

from sizes.audit.services import audit_record
from sizes.core.errors import DomainError, InvalidTransition
from sizes.geo import geometry as g
from sizes.geo import maps
from sizes.geo.models import (
    AreaType,
    BoundaryMethod,
    GeoRevision,
    Postcode,
    ReferenceArea,
    ZoneBoundary,
)
from sizes.geo.postcodes import normalise_postcode
from sizes.zones import permissions as perms
from sizes.zones.models import ENDED, Zone

MAX_AREAS = 500
MAX_FRINGE_M = 5_000


def _codes_list(codes) -> list[str]:
    if isinstance(codes, str):
        codes = codes.replace(",", " ").split()
    cleaned = []
    for code in codes or []:
        code = str(code).strip()
        if code and code not in cleaned:
            cleaned.append(code)
    if not cleaned:
        raise DomainError(code="areas_missing", message="Choose at least one area.")
    if len(cleaned) > MAX_AREAS:
        raise DomainError(
            code="areas_too_many", message=f"Choose at most {MAX_AREAS} areas for one boundary."
        )
    return cleaned


def zone_boundary_from_areas(
    *, area_type: str, codes: list[str] | str, vintage: str | None = None
) -> dict:
    """The union of reference areas (or of circles around postcodes) as GeoJSON.

    `area_type` is a reference area type ("ward", "lsoa", ...) or "postcode". For areas, the
    latest imported vintage of each code is used unless `vintage` is given. For postcodes,
    each centroid becomes a circle of `settings.SIZES_POSTCODE_BUFFER_M` metres (default 50:
    a postcode is on average about 15 addresses, so this covers the homes around the
    centroid without reaching far into the next street); the circles are joined. Unknown
    codes are refused, all of them named. Returns a normalised GeoJSON MultiPolygon (dict).
    """
    codes = _codes_list(codes)
    if area_type == "postcode":
        normalised = [normalise_postcode(c) for c in codes]
        found = {p.postcode: p for p in Postcode.objects.filter(postcode__in=normalised)}
        missing = [c for c in normalised if c not in found]
        if missing:
            raise DomainError(
                code="postcodes_unknown",
                message="We do not know these postcodes: " + ", ".join(missing) + ".",
            )
        radius = float(getattr(settings, "SIZES_POSTCODE_BUFFER_M", 50))
        circles = [g.buffer_metres(Point(p.lon, p.lat), radius) for p in found.values()]
        return g.to_geojson(g.union_geometries(circles))
    if area_type not in AreaType.values:
        raise DomainError(
            code="area_type_unknown",
            message=f"“{area_type}” is not an area type; use one of "
            + ", ".join([*AreaType.values, "postcode"])
            + ".",
        )
    qs = ReferenceArea.objects.filter(type=area_type, code__in=codes)
    if vintage is not None:
        qs = qs.filter(vintage=vintage)
    latest: dict[str, ReferenceArea] = {}
    for area in qs.order_by("code", "-vintage"):
        latest.setdefault(area.code, area)
    missing = [c for c in codes if c not in latest]
    if missing:
        raise DomainError(
            code="areas_unknown",
            message=f"We have no {AreaType(area_type).label.lower()} with the code "
            + ", ".join(missing)
            + (f" (vintage {vintage})" if vintage else "")
            + ". Check the codes, or import the boundaries first.",
        )
    shapes = [g.from_geojson(latest[c].geometry) for c in codes]
    return g.to_geojson(g.union_geometries(shapes))


def _fringe(core, *, fringe_m, fringe) -> tuple[object, int | None, bool]:
    if fringe is not None:
        drawn = g.geometry_from_geojson(fringe) if not hasattr(fringe, "geom_type") else fringe
        return g.normalise(drawn.union(core)), None, True
    if fringe_m is None:
        fringe_m = getattr(settings, "SIZES_DEFAULT_FRINGE_M", 250)
    try:
        width = int(fringe_m)
    except (TypeError, ValueError):
        width = -1
    if width < 0 or width > MAX_FRINGE_M or str(width) != str(fringe_m).strip():
        raise DomainError(
            code="fringe_invalid",
            message=f"The fringe width must be a whole number of metres from 0 to {MAX_FRINGE_M}.",
        )
    return g.fringe_from_width(core, width), width, False


@transaction.atomic
def zone_set_boundary(
    *,
    actor,
    zone: Zone,
    geometry,
    fringe_m: int | None = 250,
    fringe=None,
    method: str = BoundaryMethod.DRAWN,
    source: str = "",
    crs: str | None = None,
) -> ZoneBoundary:
    """Give a zone a new boundary, keeping the old one as history.

    `geometry` is GeoJSON (text or dict: Feature, FeatureCollection or Polygon/MultiPolygon)
    or a shapely area; it is validated and normalised (see `sizes.geo.geometry`). The fringe
    is `fringe_m` metres wide (0 allowed), or `fringe` — a drawn area, GeoJSON — when given.
    `method` is a `BoundaryMethod` value; `source` says where it came from (e.g. ward codes).
    Setting the same boundary and fringe again changes nothing and returns the current row.
    Ended zones keep their last boundary. Audited; bumps the geography revision so every
    process's lookup index sees the change on its next lookup.
    """
    perms.require(
        perms.can_edit_zone(actor, zone), "Only the zone's stewards can change its boundary."
    )
    if method not in BoundaryMethod.values:
        raise DomainError(code="boundary_method_unknown", message=f"Unknown method “{method}”.")
    zone = Zone.objects.select_for_update().get(pk=zone.pk)
    if zone.status in ENDED:
        raise InvalidTransition(
            "This zone has ended, so its boundary can no longer change.", code="zone_ended"
        )
    if hasattr(geometry, "geom_type"):
        core = g.validate(geometry)
    else:
        core = g.geometry_from_geojson(geometry, crs=crs)
    outer, width, drawn = _fringe(core, fringe_m=fringe_m, fringe=fringe)
    core_json, outer_json = g.to_geojson(core), g.to_geojson(outer)

    current = ZoneBoundary.objects.select_for_update().filter(zone=zone).current().first()
    if (
        current is not None
        and current.core == core_json
        and current.fringe == outer_json
        and current.fringe_m == width
    ):
        return current

    now = timezone.now()
    if current is not None:
        current.valid_to = now
        current.save(update_fields=["valid_to"])
    boundary = ZoneBoundary(
        zone=zone,
        core=core_json,
        fringe=outer_json,
        fringe_m=width,
        fringe_drawn=drawn,
        area_m2=round(g.area_m2(core), 1),
        valid_from=now,
        method=method,
        source=source[:2000],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    boundary.set_bbox(outer.bounds)
    boundary.save()
    # Simplified for the register map's zoom levels now, so no map request has to (~10 ms here;
    # for every zone inside one request it was 16-20 s at 10,000 zones).
    maps.store_map_shapes([boundary])
    GeoRevision.bump()
    audit_record(
        actor=actor,
        action="zone.boundary_set",
        obj=boundary,
        zone_id=zone.pk,
        changes={
            "area_m2": [current.area_m2 if current else None, boundary.area_m2],
            "fringe_m": [current.fringe_m if current else None, width],
            "fringe_drawn": [current.fringe_drawn if current else None, drawn],
            "method": method,
            "source": boundary.source,
            "previous_boundary_id": current.pk if current else None,
        },
    )
    return boundary

"""What the geography partials need on other apps' pages, as Jinja globals.

The zone page and the register include `geo/_zone_map.html`, `geo/_zone_overlaps.html` and
`geo/_register_map.html`, and the variation page `geo/_variation_conflicts.html`; those
partials call these functions, so the pages that include them need no geography code in their
views. `GeoConfig.ready()` adds them to the Jinja environment.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from sizes.geo import maps
from sizes.geo.models import BoundaryMethod
from sizes.geo.selectors import (
    variation_conflicts_for,
    variations_conflicting_in_zone,
    zone_current_boundary,
    zones_overlapping,
)


def map_settings() -> dict:
    """The tile source for every map: `SIZES_TILE_URL` (empty: no tiles, outlines only)."""
    return {
        "tile_url": getattr(settings, "SIZES_TILE_URL", "") or "",
        "tile_attribution": getattr(settings, "SIZES_TILE_ATTRIBUTION", "") or "",
    }


def geo_zone_map(zone, assets: list | None = None) -> dict:
    """The zone's current boundary for its page: map data and the text alternative. `assets`:
    the zone's public assets in id order, when the page has them already (the zone page's
    resources section: `res_public_assets`)."""
    boundary = _current_boundary(zone)
    if boundary is None:
        return {"boundary": None, **map_settings()}
    assets = _public_assets(zone, assets)  # for points and areas alike
    points = zone_map_points(zone, assets=assets)
    areas = zone_map_asset_areas(zone, assets=assets)
    return {
        "boundary": boundary,
        "area_km2": boundary.area_m2 / 1_000_000,
        "method": BoundaryMethod(boundary.method).label
        if boundary.method in BoundaryMethod.values
        else boundary.method,
        "map_data": maps.zone_map_data(boundary, points=points, areas=areas),
        "points": points,
        "asset_areas": [name for name, _ in areas],
        "download_url": reverse("zones:boundary-geojson", args=[zone.slug]),
        **map_settings(),
    }


def _public_assets(zone, assets: list | None) -> list:
    from sizes.resources.selectors import assets_visible_to

    return assets if assets is not None else list(assets_visible_to(None, zone).order_by("pk"))


def zone_map_points(zone, *, assets: list | None = None) -> list[tuple[str, str, float, float]]:
    """Partners' places and the zone's public assets that have a point: (part, name, lat, lon).

    Only public records: this feeds a public page whoever is looking. `assets`: the zone's
    public assets in id order, when the caller has read them already. The partnerships are
    the zone's prefetched ones when the zone was read with them (as the zone page reads it).
    """
    partnerships = zone.partnerships.all()
    if "partnerships" not in getattr(zone, "_prefetched_objects_cache", {}):
        partnerships = partnerships.select_related("organisation")
    partnerships = sorted(
        (p for p in partnerships if p.organisation.lat is not None),
        key=lambda p: (p.organisation.name, p.pk),
    )
    points = [
        ("partner", p.organisation.name, p.organisation.lat, p.organisation.lon)
        for p in partnerships
        if p.organisation.lon is not None
    ]
    points += [
        ("asset", a.name, a.lat, a.lon)
        for a in _public_assets(zone, assets)
        if a.lat is not None and a.lon is not None
    ]
    return points


def zone_map_asset_areas(zone, *, assets: list | None = None) -> list[tuple[str, dict]]:
    """The zone's public assets that are areas (a park, an estate): (name, GeoJSON)."""
    return [(a.name, a.area) for a in _public_assets(zone, assets) if a.area]


def _current_boundary(zone):
    """The zone's current boundary, read once per zone object while a page renders (the map
    and the overlaps partials both need it)."""
    if not hasattr(zone, "_geo_current_boundary"):
        zone._geo_current_boundary = zone_current_boundary(zone=zone)
    return zone._geo_current_boundary


def geo_zone_overlaps(zone) -> dict:
    """Other zones this zone overlaps, and its active variations that conflict with theirs."""
    overlaps = zones_overlapping(zone, mine=_current_boundary(zone))
    return {
        "overlaps": overlaps,
        "conflicts": variations_conflicting_in_zone(zone, overlaps=overlaps),
    }


def geo_register_map() -> dict:
    """The register map's data address; with many zones in force, their extent and the
    `viewport` flag: the map then opens on that extent and asks only for the zones in view."""
    count, extent = maps.zones_map_extent()
    return {
        "data_url": reverse("zones:map-geojson"),
        "viewport": count > maps.VIEWPORT_ABOVE,
        "extent": ",".join(f"{x:.5f}" for x in extent) if extent else "",
        **map_settings(),
    }


GLOBALS = {
    "geo_zone_map": geo_zone_map,
    "geo_zone_overlaps": geo_zone_overlaps,
    "geo_register_map": geo_register_map,
    "geo_map_settings": map_settings,
    "geo_variation_conflicts": variation_conflicts_for,
}

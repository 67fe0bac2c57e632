"""The bulk exports: GeoJSON read back by an independent reader (shapely), checked against
RFC 7946; and CSV read back by the csv module."""

import csv
import io
import json

import shapely
from shapely.geometry import shape

from sizes.geo.models import ZoneBoundary
from sizes.zones.models import ZoneStatus
from tests.factories import ZoneFactory


def _rings(geometry):
    for polygon in geometry["coordinates"]:
        yield polygon[0], polygon[1:]


def _signed_area(ring) -> float:
    # Shoelace: positive for counter-clockwise rings in lon/lat.
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) / 2


def test_geojson_export_is_rfc7946_and_round_trips(client, world):
    ZoneFactory(name="No boundary yet", slug="no-boundary", status=ZoneStatus.PROPOSED)
    ZoneFactory(name="Draft", slug="draft", status=ZoneStatus.DRAFT)
    response = client.get("/api/v1/export/zones.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection" and "crs" not in data
    by_id = {f["id"]: f for f in data["features"]}
    assert set(by_id) == {world.zone.slug, "no-boundary"}  # public zones only
    assert by_id["no-boundary"]["geometry"] is None
    feature = by_id[world.zone.slug]
    assert "crs" not in feature and "crs" not in feature["geometry"]
    geom = shape(feature["geometry"])
    assert geom.is_valid and geom.geom_type == "MultiPolygon"
    stored = shape(ZoneBoundary.objects.get(zone=world.zone, valid_to__isnull=True).core)
    assert shapely.equals_exact(shapely.normalize(geom), shapely.normalize(stored), 1e-6)
    # Longitude first, in range; the bbox is [west, south, east, north] of the geometry.
    minx, miny, maxx, maxy = geom.bounds
    assert -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
    assert -3 < minx < 0 and 50 < miny < 56  # Birmingham: lon ~ -1.9, lat ~ 52.4
    assert feature["bbox"] == [round(v, 6) for v in geom.bounds]
    # Right-hand rule: exterior rings counter-clockwise, holes clockwise; rings closed.
    for exterior, holes in _rings(feature["geometry"]):
        assert exterior[0] == exterior[-1]
        assert _signed_area(exterior) > 0
        assert all(_signed_area(h) < 0 for h in holes)
    assert feature["properties"]["status"] == "declared"


def test_orientation_is_fixed_even_when_stored_clockwise(client, world):
    b = ZoneBoundary.objects.get(zone=world.zone, valid_to__isnull=True)
    core = b.core
    core["coordinates"] = [[list(reversed(ring)) for ring in poly] for poly in core["coordinates"]]
    ZoneBoundary.objects.filter(pk=b.pk).update(core=core)
    feature = client.get(f"/api/v1/zones/{world.zone.slug}/boundary").json()
    for exterior, _ in _rings(feature["geometry"]):
        assert _signed_area(exterior) > 0


def test_csv_export(client, world):
    response = client.get("/api/v1/export/zones.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["slug"] for r in rows] == [world.zone.slug]
    row = rows[0]
    assert row["status"] == "declared" and row["declared_on"] == world.zone.declared_on.isoformat()
    assert set(row["partners"].split(";")) == {world.council.slug, world.community.slug}
    assert float(row["min_lon"]) < float(row["max_lon"])

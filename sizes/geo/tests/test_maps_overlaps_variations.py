"""Boundary downloads (RFC 7946), register map data by zoom, overlapping zones and conflicting
variations, and the variations a lookup lists at a place."""

import datetime as dt
import json

import pytest
import shapely
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from shapely.geometry import Point, shape

from sizes.geo import maps
from sizes.geo.geometry import geometry_from_point
from sizes.geo.selectors import lookup_point, zones_overlapping
from sizes.geo.services import zone_set_boundary
from sizes.geo.tests.conftest import bng, declared_zone, seed_union
from sizes.variations.models import Variation
from sizes.zones.models import ZoneStatus
from tests.factories import OrganisationFactory, UserFactory

# Inside Stirchley ward (core of the seed zone), and 120 m outside the seed zone's edge.
CORE_POINT = (52.4300, -1.9250)


@pytest.fixture(autouse=True)
def _fresh_map_cache():
    maps.reset()
    yield
    maps.reset()


@pytest.fixture
def small_zone(geo_steward, seed_zone):
    """A declared zone: a 300 m circle inside the seed zone."""
    zone = declared_zone(geo_steward, name="Pershore Road block", slug="block")
    zone_set_boundary(
        actor=geo_steward,
        zone=zone,
        geometry=geometry_from_point(lat=CORE_POINT[0], lon=CORE_POINT[1], radius_m=300),
        fringe_m=50,
        method="point",
    )
    return zone


def fringe_point(zone_geom, metres=120):
    """A WGS84 point `metres` outside the edge of `zone_geom` (due south of its lowest point)."""
    from pyproj import Transformer

    lowest = min(
        zone_geom.exterior.coords
        if zone_geom.geom_type == "Polygon"
        else [c for p in zone_geom.geoms for c in p.exterior.coords],
        key=lambda c: c[1],
    )
    to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    back = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    x, y = to_bng.transform(*lowest)
    lon, lat = back.transform(x, y - metres)
    return lat, lon


def variation(
    zone, title, *, rule="Home visits only after referral", scope="whole_zone", status="active"
):
    return Variation.objects.create(
        zone=zone,
        owner=OrganisationFactory(),
        subject="practice",
        action="change",
        title=title,
        standard_rule=rule,
        rule_key=rule.lower(),
        difference="Different.",
        reason="Because.",
        applies_to="Everyone.",
        guaranteed="Everything else.",
        scope=scope,
        start_date=timezone.localdate() - dt.timedelta(days=10),
        accountable_name="A Person",
        accountable_role="Lead",
        status=status,
    )


# --- GeoJSON download --------------------------------------------------------------------


def _rings(geom):
    for poly in shapely.get_parts(geom):
        yield poly.exterior, True
        for hole in poly.interiors:
            yield hole, False


def test_boundary_download_is_rfc7946(client, seed_zone):
    response = client.get("/zones/stirchley/boundary.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "stirchley-boundary.geojson" in response["Content-Disposition"]
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection" and "crs" not in body
    core, fringe = body["features"]
    assert core["properties"]["part"] == "core" and fringe["properties"]["part"] == "fringe"
    assert fringe["properties"]["fringe_m"] == 250
    for feature in (core, fringe):
        geom = shape(feature["geometry"])
        assert geom.is_valid and geom.geom_type == "MultiPolygon"
        minx, miny, maxx, maxy = geom.bounds
        assert -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
        for ring, outer in _rings(geom):
            assert ring.is_ccw == outer  # RFC 7946 §3.1.6: outlines anticlockwise, holes clockwise
    assert (
        bng(shape(core["geometry"])).symmetric_difference(bng(seed_union())).area
        < 0.001 * bng(seed_union()).area
    )


def test_boundary_download_404_without_boundary_and_for_drafts(client, geo_steward, wards):
    declared_zone(geo_steward, slug="nothing-yet")
    assert client.get("/zones/nothing-yet/boundary.geojson").status_code == 404
    declared_zone(geo_steward, slug="a-draft", status=ZoneStatus.DRAFT)
    assert client.get("/zones/a-draft/boundary.geojson").status_code == 404


def test_zone_page_shows_map_and_text_alternative(client, seed_zone):
    html = client.get("/zones/stirchley/").content.decode()
    assert 'data-sizes-map="zone"' in html and 'id="zone-map-data"' in html
    assert "km²" in html and "Union of reference areas" in html
    assert 'href="/zones/stirchley/boundary.geojson"' in html
    data = html.split('id="zone-map-data">', 1)[1].split("</script>", 1)[0]
    parts = [f["properties"]["part"] for f in json.loads(data)["features"]]
    assert parts == ["core", "fringe"]


# --- Register map --------------------------------------------------------------------------


def test_register_map_data_simplifies_by_zoom(client, seed_zone, small_zone):
    low = client.get("/zones/map.geojson", {"zoom": "9"})
    high = client.get("/zones/map.geojson", {"zoom": "18"})
    assert low.status_code == high.status_code == 200
    assert low["Content-Type"] == "application/geo+json"
    low, high = low.json(), high.json()
    names = [f["properties"]["name"] for f in high["features"]]
    assert names == ["Pershore Road block"] * 2 + ["Stirchley and Cotteridge"] * 2
    props = high["features"][2]["properties"]
    assert props == {
        "name": "Stirchley and Cotteridge",
        "slug": "stirchley",
        "status": "declared",
        "url": "/zones/stirchley/",
        "part": "core",
    }

    def vertices(fc, slug):
        geoms = [shape(f["geometry"]) for f in fc["features"] if f["properties"]["slug"] == slug]
        return sum(shapely.get_num_coordinates(g) for g in geoms), geoms

    n_low, low_geoms = vertices(low, "stirchley")
    n_high, _ = vertices(high, "stirchley")
    assert n_low < n_high / 3, (n_low, n_high)
    assert all(g.is_valid and not g.is_empty for g in low_geoms)
    # Simplified, the zone still covers nearly the same ground.
    assert abs(bng(low_geoms[0]).area - bng(seed_union()).area) / bng(seed_union()).area < 0.02


def test_register_map_only_zones_in_force_and_cached_per_revision(
    client, seed_zone, small_zone, geo_steward
):
    small_zone.status = ZoneStatus.DISSOLVED
    small_zone.save()
    body = client.get("/zones/map.geojson").json()
    assert {f["properties"]["slug"] for f in body["features"]} == {"stirchley"}
    with CaptureQueriesContext(connection) as queries:
        client.get("/zones/map.geojson")
    assert not any("geo_zoneboundary" in q["sql"] for q in queries.captured_queries)
    # A new boundary is seen at once.
    zone_set_boundary(
        actor=geo_steward,
        zone=seed_zone,
        geometry=geometry_from_point(lat=52.44, lon=-1.93, radius_m=100),
        method="point",
    )
    core = client.get("/zones/map.geojson").json()["features"][0]
    assert shape(core["geometry"]).contains(Point(-1.93, 52.44))
    assert not shape(core["geometry"]).contains(Point(-1.9250, 52.4300))


@pytest.mark.parametrize("zoom", ["-1", "21", "abc", "1.5"])
def test_register_map_bad_zoom(client, db, zoom):
    response = client.get("/zones/map.geojson", {"zoom": zoom})
    assert response.status_code == 400
    assert response.json()["code"] == "zoom_invalid"


def test_register_page_has_map_and_data_link(client, seed_zone):
    html = client.get("/zones/").content.decode()
    assert 'data-sizes-map="register"' in html and 'href="/zones/map.geojson"' in html


# --- Overlaps and conflicts ------------------------------------------------------------------


def test_zones_overlapping_both_ways(seed_zone, small_zone, geo_steward):
    circle = bng(shape(small_zone.boundaries.current().get().core))
    seed = bng(shape(seed_zone.boundaries.current().get().core))
    shared = circle.intersection(seed).area  # the circle reaches past the seed zone's edge
    assert 0 < shared < circle.area
    [o] = zones_overlapping(seed_zone)
    assert o.zone == small_zone
    assert o.overlap_m2 == pytest.approx(shared, rel=0.001)
    assert o.share_of_this == pytest.approx(shared / seed.area, rel=0.001)
    assert o.share_of_other == pytest.approx(shared / circle.area, rel=0.001)
    [back] = zones_overlapping(small_zone)
    assert back.zone == seed_zone
    assert back.share_of_this == pytest.approx(o.share_of_other)
    assert back.share_of_other == pytest.approx(o.share_of_this)
    # Drafts are not public; a zone far away does not overlap.
    far = declared_zone(geo_steward, slug="far", status=ZoneStatus.DRAFT)
    zone_set_boundary(
        actor=geo_steward,
        zone=far,
        geometry=geometry_from_point(lat=52.43, lon=-1.925, radius_m=50),
        method="point",
    )
    assert [o.zone for o in zones_overlapping(seed_zone)] == [small_zone]


def test_overlaps_are_measured_once_per_pair_of_shapes(
    seed_zone, small_zone, geo_steward, monkeypatch
):
    """A process keeps each pair's measures: asked again, no shape is projected; a new
    boundary (a new shape) is measured afresh, never answered from the old one."""
    from sizes.geo import selectors

    selectors._OVERLAPS.clear()
    selectors._AREAS.clear()
    projected = []
    real = selectors.g.to_metric
    monkeypatch.setattr(selectors.g, "to_metric", lambda geom: projected.append(1) or real(geom))
    [first] = zones_overlapping(seed_zone)
    assert projected  # measured
    projected.clear()
    assert zones_overlapping(seed_zone) == [first]
    assert projected == []  # kept
    # The circle grows: a new boundary, a larger overlap.
    zone_set_boundary(
        actor=geo_steward,
        zone=small_zone,
        geometry=geometry_from_point(lat=CORE_POINT[0], lon=CORE_POINT[1], radius_m=400),
        fringe_m=50,
        method="point",
    )
    [grown] = zones_overlapping(seed_zone)
    assert projected and grown.overlap_m2 > first.overlap_m2
    circle = bng(shape(small_zone.boundaries.current().get().core))
    seed = bng(shape(seed_zone.boundaries.current().get().core))
    assert grown.overlap_m2 == pytest.approx(circle.intersection(seed).area, rel=0.001)
    # Kept measures are bounded: past the limit they are forgotten, then measured again.
    monkeypatch.setattr(selectors, "OVERLAPS_KEPT", 1)
    zones_overlapping(small_zone)
    assert len(selectors._OVERLAPS) == 1


def test_zones_overlapping_leaves_out_drafts_except_for_who_may_see_them(
    seed_zone, small_zone, geo_steward
):
    small_zone.status = ZoneStatus.DRAFT
    small_zone.save()
    assert zones_overlapping(seed_zone) == []
    outsider = UserFactory(username="outsider")
    assert zones_overlapping(seed_zone, user=outsider) == []
    assert [o.zone for o in zones_overlapping(seed_zone, user=geo_steward)] == [small_zone]


def test_conflicting_variations_shown_to_both_zones(client, seed_zone, small_zone):
    a = variation(seed_zone, "Open referrals in Stirchley")
    b = variation(small_zone, "Open referrals on the block")
    variation(small_zone, "Something else", rule="Library opening hours")
    html = client.get("/zones/stirchley/").content.decode()
    assert "Zones that overlap this one" in html and "Pershore Road block" in html
    assert 'id="variation-conflicts"' in html and "Open referrals on the block" in html
    html = client.get("/zones/block/").content.decode()
    assert (
        "Open referrals in Stirchley" in html
        and "Something else" not in html.split('id="variation-conflicts"')[1].split("</ul>")[0]
    )
    html = client.get(f"/variations/{a.pk}/").content.decode()
    assert "Conflicts with" in html and f'href="/variations/{b.pk}/"' in html
    b.status = "ended"
    b.save()
    assert "Conflicts with" not in client.get(f"/variations/{a.pk}/").content.decode()


def test_conflicts_in_a_zone_are_read_in_one_query_with_what_the_page_shows(
    seed_zone, small_zone, django_assert_num_queries
):
    from sizes.geo.selectors import variations_conflicting_in_zone

    b = variation(seed_zone, "B: open referrals", rule="Open referrals")
    a = variation(seed_zone, "A: home visits")  # the default rule
    variation(seed_zone, "C: no match here", rule="Library hours")
    variation(seed_zone, "D: ended", rule="Open referrals", status="ended")
    theirs = variation(small_zone, "Their home visits")
    theirs_too = variation(small_zone, "Their open referrals", rule="Open referrals")
    variation(small_zone, "Their ended visits", status="ended")
    overlaps = zones_overlapping(seed_zone)
    with django_assert_num_queries(1):
        found = variations_conflicting_in_zone(seed_zone, overlaps=overlaps)
        # What geo/_zone_overlaps.html shows of each: no more queries for it.
        shown = [
            (v.pk, v.title, v.owner.name, [(c.pk, c.title, c.owner.name, c.zone.name) for c in cs])
            for v, cs in found
        ]
    assert [(v, cs) for v, cs in found] == [(a, [theirs]), (b, [theirs_too])]  # by title
    assert shown[0][3] == [(theirs.pk, theirs.title, theirs.owner.name, "Pershore Road block")]
    # Only public zones list conflicts; the zone's overlaps name public zones only.
    seed_zone.status = ZoneStatus.DRAFT
    assert variations_conflicting_in_zone(seed_zone, overlaps=overlaps) == []


# --- Lookup lists variations -----------------------------------------------------------------


def test_lookup_in_core_lists_all_variations(client, seed_zone):
    whole = variation(seed_zone, "Whole zone change")
    core = variation(seed_zone, "Core only change", scope="core", rule="Other rule")
    variation(seed_zone, "Not yet", status="proposed", rule="Third rule")
    result = lookup_point(*CORE_POINT)
    [item] = result.in_force
    assert item.active_variations == 2
    assert [(v.variation, v.near) for v in result.variations] == [(core, False), (whole, False)]
    body = client.get("/api/v1/lookup", {"lat": CORE_POINT[0], "lon": CORE_POINT[1]}).json()
    assert body["in_force"][0]["active_variations"] == 2
    assert {v["title"] for v in body["variations"]} == {"Whole zone change", "Core only change"}
    assert body["variations"][0]["url"] == f"/variations/{core.pk}/"


def test_lookup_in_fringe_marks_near_you_and_skips_core_only(client, seed_zone):
    variation(seed_zone, "Whole zone change")
    variation(seed_zone, "Core only change", scope="core", rule="Other rule")
    lat, lon = fringe_point(seed_union(), metres=120)
    result = lookup_point(lat, lon)
    [item] = result.in_force
    assert item.membership == "fringe" and item.active_variations == 2
    assert [(v.variation.title, v.near) for v in result.variations] == [("Whole zone change", True)]
    html = client.get("/lookup/", {"lat": f"{lat:.6f}", "lon": f"{lon:.6f}"}).content.decode()
    assert "Whole zone change" in html and "Near you" in html
    assert "Core only change" not in html and "2 active variations" in html


def test_lookup_cli_json_has_variations(seed_zone):
    from io import StringIO

    from django.core.management import call_command

    variation(seed_zone, "Whole zone change")
    out = StringIO()
    call_command("lookup", "--point", f"{CORE_POINT[0]},{CORE_POINT[1]}", "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert body["in_force"][0]["active_variations"] == 1
    assert body["variations"][0]["title"] == "Whole zone change"


# --- Register map: only the zones in view --------------------------------------------------


@pytest.fixture
def grid_zones(db):
    """Twelve declared zones on a grid (bench shapes: each about 1.3 km by 0.8 km)."""
    from bench.pagedata import populate, simple_shapes

    populate(n_zones=12, shapes=simple_shapes(12, 1, 0), rich=False, variations_per_zone=0)


def _boxes(fc) -> dict[str, tuple]:
    """slug -> the bounding box of its fringe feature."""
    return {
        f["properties"]["slug"]: shape(f["geometry"]).bounds
        for f in fc["features"]
        if f["properties"]["part"] == "fringe"
    }


def test_register_map_bbox_keeps_only_zones_meeting_the_box(client, grid_zones):
    everything = _boxes(client.get("/zones/map.geojson", {"zoom": "18"}).json())
    assert len(everything) == 12
    # A box round the middle of the first zone, and one just past its east edge.
    w, s, e, n = everything[min(everything)]
    box = (w + (e - w) / 3, s + (n - s) / 3, e - (e - w) / 3, n - (n - s) / 3)
    for bbox in [box, (w - 0.3, s - 0.3, w + 0.001, n), (-2.2, 52.3, -1.5, 52.7)]:
        param = ",".join(str(x) for x in bbox)
        got = _boxes(client.get("/zones/map.geojson", {"zoom": "18", "bbox": param}).json())
        meets = {
            slug
            for slug, (zw, zs, ze, zn) in everything.items()
            if zw <= bbox[2] and ze >= bbox[0] and zs <= bbox[3] and zn >= bbox[1]
        }
        assert set(got) == meets and meets, (bbox, sorted(got), sorted(meets))
    assert len(_boxes(client.get("/zones/map.geojson", {"bbox": box_str(everything)}).json())) < 12
    far = client.get("/zones/map.geojson", {"bbox": "10,10,11,11"}).json()
    assert far == {"type": "FeatureCollection", "features": []}


def box_str(everything) -> str:
    """A box over the first zone only."""
    w, s, e, n = everything[min(everything)]
    return f"{w},{s},{e - (e - w) / 2},{n - (n - s) / 2}"


@pytest.mark.parametrize(
    "bbox, says",
    [
        ("1,2,3", "four numbers"),
        ("1,2,3,4,5", "four numbers"),
        ("a,b,c,d", "four numbers"),
        ("nan,1,2,3", "four numbers"),
        ("inf,1,2,3", "four numbers"),
        ("1e400,1,2,3", "four numbers"),
        (",,,", "four numbers"),
        ("-181,50,-1,53", "longitudes"),
        ("-2,50,181,53", "longitudes"),
        ("-2,-91,-1,53", "latitudes"),
        ("-2,50,-1,90.5", "latitudes"),
        ("-1,50,-2,53", "minimums"),
        ("-2,53,-1,50", "minimums"),
        ("1" * 500 + ",1,2,3", "four numbers"),
    ],
)
def test_register_map_bad_bbox_is_a_400_saying_why(client, db, bbox, says):
    response = client.get("/zones/map.geojson", {"bbox": bbox})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bbox_invalid" and says in body["detail"], body


def test_register_map_bbox_costs_the_same_queries_whatever_the_box(client, grid_zones):
    counts = []
    for params in [{}, {"bbox": "-2.2,52.3,-1.5,52.7"}, {"bbox": "10,10,11,11"}]:
        client.get("/zones/map.geojson", params)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/zones/map.geojson", params).status_code == 200
        counts.append(len(queries))
    assert counts == [counts[0]] * 3, counts


def test_register_map_data_is_gzipped_for_clients_that_accept_it(client, grid_zones):
    import gzip

    plain = client.get("/zones/map.geojson")
    packed = client.get("/zones/map.geojson", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 3


def test_register_map_asks_for_the_view_only_when_many_zones(client, grid_zones, monkeypatch):
    html = client.get("/zones/").content.decode()
    assert 'data-sizes-map="register"' in html and "data-viewport" not in html
    monkeypatch.setattr(maps, "VIEWPORT_ABOVE", 11)
    html = client.get("/zones/").content.decode()
    extent = html.split('data-viewport="', 1)[1].split('"', 1)[0]
    w, s, e, n = (float(x) for x in extent.split(","))
    every = _boxes(client.get("/zones/map.geojson", {"zoom": "18"}).json()).values()
    assert w == pytest.approx(min(b[0] for b in every), abs=1e-5)
    assert s == pytest.approx(min(b[1] for b in every), abs=1e-5)
    assert e == pytest.approx(max(b[2] for b in every), abs=1e-5)
    assert n == pytest.approx(max(b[3] for b in every), abs=1e-5)


def test_register_map_shows_a_renamed_zone_at_once(client, grid_zones):
    from sizes.zones.models import Zone

    zone = Zone.objects.order_by("pk").first()
    before = client.get("/zones/map.geojson").json()  # every feature's text now cached
    Zone.objects.filter(pk=zone.pk).update(name="Renamed zone", status=ZoneStatus.REVIEW_DUE)
    after = client.get("/zones/map.geojson").json()
    renamed = [f["properties"] for f in after["features"] if f["properties"]["slug"] == zone.slug]
    assert [(p["name"], p["status"]) for p in renamed] == [("Renamed zone", "review_due")] * 2
    assert len(after["features"]) == len(before["features"])
    others = [f for f in after["features"] if f["properties"]["slug"] != zone.slug]
    assert others == [f for f in before["features"] if f["properties"]["slug"] != zone.slug]

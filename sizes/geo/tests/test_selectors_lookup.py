"""Point and postcode lookups: membership checked against shapely on the source file."""

import datetime as dt

import pytest
from django.utils import timezone
from shapely.geometry import Point

from sizes.core.errors import DomainError, NotFound
from sizes.geo import geometry as g
from sizes.geo import index
from sizes.geo.models import ZoneBoundary
from sizes.geo.selectors import lookup_point, lookup_postcode, status_on
from sizes.geo.services import zone_boundary_from_areas, zone_set_boundary
from sizes.geo.tests.conftest import STIRCHLEY, bng, declared_zone, postcode_rows, seed_union
from sizes.zones.models import ZoneStatus


def _independent_cases():
    """Real south-Birmingham postcodes classified with shapely directly on the ward file."""
    union = bng(seed_union())
    cases = {"core": [], "fringe": [], "outside": []}
    for row in postcode_rows().values():
        lon, lat = float(row["longitude"]), float(row["latitude"])
        p = bng(Point(lon, lat))
        distance = union.boundary.distance(p)
        inside = union.contains(p)
        # Stay clear of the edges (generalised boundaries, 6 dp rounding) for a crisp answer.
        if inside and distance > 20:
            cases["core"].append((lat, lon, distance))
        elif not inside and 20 < distance < 230:
            cases["fringe"].append((lat, lon, distance))
        elif not inside and distance > 270:
            cases["outside"].append((lat, lon, distance))
    return {k: v[:: max(1, len(v) // 12)] for k, v in cases.items()}  # about 12 of each


CASES = _independent_cases()


def test_membership_matches_an_independent_computation(seed_zone):
    assert all(len(v) >= 10 for v in CASES.values())
    for expected, points in CASES.items():
        for lat, lon, distance in points:
            result = lookup_point(lat, lon)
            if expected == "outside":
                assert result.in_force == [], (lat, lon)
                continue
            [hit] = result.in_force
            assert hit.zone == seed_zone
            assert hit.membership == expected, (lat, lon, distance)
            assert hit.distance_m == pytest.approx(distance, abs=1.0)


def test_readme_postcodes(seed_zone, postcodes):
    # B30 2AA is in Bournville & Cotteridge, B30 2JT in Stirchley: both inside the zone.
    for pc in ("b302aa", "B30 2JT", " b30  2jt "):
        result = lookup_postcode(pc)
        assert [i.membership for i in result.in_force] == ["core"]
    result = lookup_postcode("b302aa")
    assert result.postcode == "B30 2AA"
    assert result.answer() == "B30 2AA is inside the Stirchley and Cotteridge zone."


def test_fringe_and_outside_answers(seed_zone):
    (lat, lon, distance) = CASES["fringe"][0]
    assert lookup_point(lat, lon).answer().startswith(f"{lat:.5f}, {lon:.5f} is near (within ")
    (lat, lon, _) = CASES["outside"][0]
    assert lookup_point(lat, lon).answer() == f"{lat:.5f}, {lon:.5f} is not in any zone."


def test_bad_postcodes_and_points(seed_zone, postcodes):
    for bad in ("", "hello", "B30", "12345", "B30 2AAA"):
        with pytest.raises(DomainError) as err:
            lookup_postcode(bad)
        assert err.value.code == "postcode_malformed" and err.value.status == 400
    with pytest.raises(NotFound) as err:
        lookup_postcode("B30 9ZZ")
    assert err.value.code == "postcode_unknown" and err.value.status == 404
    with pytest.raises(DomainError) as err:
        lookup_point("ninety", "-1.9")
    assert err.value.code == "coordinates_invalid"
    with pytest.raises(DomainError) as err:
        lookup_point(95, -1.9)
    assert err.value.code == "coordinates_out_of_range"
    with pytest.raises(DomainError) as err:
        lookup_point(52.43, -1.93, at="last tuesday")
    assert err.value.code == "date_invalid"


def test_ended_zones_are_history_and_drafts_are_hidden(seed_zone, geo_steward):
    lat, lon, _ = CASES["core"][0]
    ended = declared_zone(geo_steward, name="Old zone")
    draft = declared_zone(geo_steward, name="Draft zone", status=ZoneStatus.DRAFT)
    for zone in (ended, draft):
        zone_set_boundary(
            actor=geo_steward,
            zone=zone,
            geometry=g.geometry_from_point(lat=lat, lon=lon, radius_m=300),
        )
    ended.status, ended.ended_on = ZoneStatus.DISSOLVED, timezone.localdate()
    ended.save()
    result = lookup_point(lat, lon)
    assert [i.zone for i in result.in_force] == [seed_zone]
    assert [i.zone for i in result.history] == [ended]
    assert result.proposed == []


def test_index_is_not_rebuilt_per_lookup_but_sees_an_edit_at_once(seed_zone, geo_steward):
    lat, lon, _ = CASES["core"][0]
    start = index.rebuilds
    for _ in range(25):
        assert lookup_point(lat, lon).in_force
    assert index.rebuilds == start + 1
    # Shrink the zone to Stirchley alone: a Bournville point drops out on the next lookup.
    zone_set_boundary(
        actor=geo_steward,
        zone=seed_zone,
        geometry=zone_boundary_from_areas(area_type="ward", codes=[STIRCHLEY]),
        fringe_m=0,
        method="areas",
    )
    row = postcode_rows()["B30 2AA"]  # Bournville & Cotteridge
    assert lookup_point(row["latitude"], row["longitude"]).in_force == []
    assert index.rebuilds == start + 2
    lookup_point(lat, lon)
    assert index.rebuilds == start + 2


def test_lookup_at_a_date_uses_boundary_history(seed_zone, geo_steward):
    today = timezone.localdate()
    row = postcode_rows()["B30 2AA"]  # Bournville & Cotteridge: in the first boundary only
    # The zone was declared 60 days ago with both wards; 10 days ago it shrank to Stirchley.
    ZoneBoundary.objects.filter(zone=seed_zone).update(
        valid_from=timezone.now() - dt.timedelta(days=60)
    )
    zone_set_boundary(
        actor=geo_steward,
        zone=seed_zone,
        geometry=zone_boundary_from_areas(area_type="ward", codes=[STIRCHLEY]),
        fringe_m=0,
        method="areas",
    )
    ten_days_ago = timezone.now() - dt.timedelta(days=10)
    ZoneBoundary.objects.filter(zone=seed_zone, valid_to__isnull=False).update(
        valid_to=ten_days_ago
    )
    ZoneBoundary.objects.filter(zone=seed_zone, valid_to__isnull=True).update(
        valid_from=ten_days_ago
    )
    lat, lon = row["latitude"], row["longitude"]
    assert lookup_point(lat, lon).in_force == []
    then = lookup_point(lat, lon, at=(today - dt.timedelta(days=30)).isoformat())
    assert [i.zone for i in then.in_force] == [seed_zone]
    assert "was inside the Stirchley and Cotteridge zone on" in then.answer()
    # Before the declaration it was only proposed; before that, not public at all.
    before = lookup_point(lat, lon, at=today - dt.timedelta(days=90))
    assert before.in_force == []
    # The boundary history starts 60 days ago, so 90 days ago nothing is known.
    assert before.proposed == []
    # A Stirchley point is in the zone on both dates.
    stirchley = postcode_rows()["B30 2JT"]
    for at in (None, today - dt.timedelta(days=30), today - dt.timedelta(days=5)):
        assert lookup_point(stirchley["latitude"], stirchley["longitude"], at=at).in_force


def test_status_on_a_date(geo_steward):
    today = timezone.localdate()
    zone = declared_zone(geo_steward)
    zone.status, zone.ended_on = ZoneStatus.DISSOLVED, today - dt.timedelta(days=10)
    assert status_on(zone, today - dt.timedelta(days=200)) is None
    assert status_on(zone, today - dt.timedelta(days=100)) == ZoneStatus.PROPOSED
    assert status_on(zone, today - dt.timedelta(days=30)) == ZoneStatus.DECLARED
    assert status_on(zone, today) == ZoneStatus.DISSOLVED

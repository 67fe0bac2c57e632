"""Setting a zone's boundary: the four inputs, history, revision, audit, permission."""

import io

import pytest
from shapely.geometry import Point, shape

from sizes.audit.models import AuditEvent
from sizes.core.errors import DomainError, InvalidTransition, NotAllowed
from sizes.geo import geometry as g
from sizes.geo.models import GeoRevision, ZoneBoundary
from sizes.geo.services import zone_boundary_from_areas, zone_set_boundary
from sizes.geo.tests.conftest import (
    BOURNVILLE,
    STIRCHLEY,
    bng,
    declared_zone,
    postcode_rows,
    seed_union,
)
from sizes.zones.models import ZoneStatus
from tests.factories import UserFactory


def test_union_of_wards_matches_the_source_file(wards):
    geojson = zone_boundary_from_areas(area_type="ward", codes=[STIRCHLEY, BOURNVILLE])
    assert geojson["type"] == "MultiPolygon"
    built = bng(shape(geojson))
    expected = bng(seed_union())
    assert built.symmetric_difference(expected).area < 1.0  # m², 6 dp rounding only


def test_union_of_lsoas(db):
    from django.core.management import call_command

    from sizes.geo.tests.conftest import LSOA_FILE

    call_command(
        "import_boundaries", str(LSOA_FILE), "--type", "lsoa", "--code-field", "lsoa_code",
        "--name-field", "lsoa_name", "--vintage", "2011", stdout=io.StringIO(),
        stderr=io.StringIO(),
    )  # fmt: skip
    geojson = zone_boundary_from_areas(area_type="lsoa", codes="E01009281 E01008952")
    # B30 2AA is in E01009281, B30 2JT in E01008952 (data README)
    geom = shape(geojson)
    for pc in ("B30 2AA", "B30 2JT"):
        row = postcode_rows()[pc]
        assert geom.covers(Point(float(row["longitude"]), float(row["latitude"])))


def test_union_of_postcodes_is_circles_around_each(postcodes, settings):
    settings.SIZES_POSTCODE_BUFFER_M = 50
    geojson = zone_boundary_from_areas(area_type="postcode", codes=["b302aa", "B30 2JT"])
    geom = bng(shape(geojson))
    for pc in ("B30 2AA", "B30 2JT"):
        row = postcode_rows()[pc]
        centre = bng(Point(float(row["longitude"]), float(row["latitude"])))
        assert geom.contains(centre)
        assert geom.contains(centre.buffer(49))
        assert not geom.contains(centre.buffer(51))


def test_unknown_codes_are_all_named(wards, postcodes):
    with pytest.raises(DomainError) as err:
        zone_boundary_from_areas(area_type="ward", codes=[STIRCHLEY, "E05999999", "E05888888"])
    assert err.value.code == "areas_unknown"
    assert "E05999999" in err.value.message and "E05888888" in err.value.message
    with pytest.raises(DomainError) as err:
        zone_boundary_from_areas(area_type="postcode", codes=["B30 9ZZ"])
    assert err.value.code == "postcodes_unknown"
    with pytest.raises(DomainError) as err:
        zone_boundary_from_areas(area_type="county", codes=["X"])
    assert err.value.code == "area_type_unknown"
    with pytest.raises(DomainError) as err:
        zone_boundary_from_areas(area_type="ward", codes=[])
    assert err.value.code == "areas_missing"


def test_all_four_inputs_store_the_same_kind_of_geometry(wards, geo_steward):
    zone = declared_zone(geo_steward)
    inputs = [
        ("areas", zone_boundary_from_areas(area_type="ward", codes=[STIRCHLEY])),
        ("upload", '{"type":"Polygon","coordinates":[[[-1.93,52.43],[-1.92,52.43],[-1.92,52.44],[-1.93,52.43]]]}'),  # noqa: E501
        ("point", g.geometry_from_point(lat=52.43, lon=-1.93, radius_m=80)),
        ("line", g.geometry_from_line([[-1.93, 52.43], [-1.92, 52.43]], width_m=20)),
    ]  # fmt: skip
    for method, geometry in inputs:
        b = zone_set_boundary(actor=geo_steward, zone=zone, geometry=geometry, method=method)
        assert b.core["type"] == "MultiPolygon"
        assert shape(b.core).is_valid
        assert (b.min_lon, b.min_lat, b.max_lon, b.max_lat) == pytest.approx(shape(b.fringe).bounds)
    assert ZoneBoundary.objects.filter(zone=zone).count() == 4
    assert ZoneBoundary.objects.filter(zone=zone).current().count() == 1


def test_editing_keeps_history_bumps_revision_and_audits(wards, geo_steward):
    zone = declared_zone(geo_steward)
    first = zone_set_boundary(
        actor=geo_steward,
        zone=zone,
        geometry=zone_boundary_from_areas(area_type="ward", codes=[STIRCHLEY]),
        method="areas",
    )
    revision = GeoRevision.current()
    second = zone_set_boundary(
        actor=geo_steward,
        zone=zone,
        geometry=zone_boundary_from_areas(area_type="ward", codes=[STIRCHLEY, BOURNVILLE]),
        fringe_m=0,
        method="areas",
    )
    first.refresh_from_db()
    assert first.valid_to == second.valid_from
    assert second.valid_to is None
    assert second.fringe == second.core  # a 0 m fringe is the core itself
    assert GeoRevision.current() != revision
    assert GeoRevision.current()[0] == revision[0] + 1
    event = AuditEvent.objects.filter(action="zone.boundary_set").latest("id")
    assert event.zone_id == zone.pk
    assert event.changes["previous_boundary_id"] == first.pk
    assert event.changes["area_m2"][1] == pytest.approx(6.88e6, rel=0.01)


def test_setting_the_same_boundary_again_changes_nothing(wards, geo_steward):
    zone = declared_zone(geo_steward)
    geometry = zone_boundary_from_areas(area_type="ward", codes=[STIRCHLEY])
    first = zone_set_boundary(actor=geo_steward, zone=zone, geometry=geometry, method="areas")
    revision = GeoRevision.current()
    again = zone_set_boundary(actor=geo_steward, zone=zone, geometry=geometry, method="areas")
    assert again.pk == first.pk
    assert GeoRevision.current() == revision


def test_drawn_fringe(geo_steward):
    zone = declared_zone(geo_steward)
    core = g.geometry_from_point(lat=52.43, lon=-1.93, radius_m=100)
    fringe = g.to_geojson(g.geometry_from_point(lat=52.43, lon=-1.93, radius_m=300))
    b = zone_set_boundary(actor=geo_steward, zone=zone, geometry=core, fringe=fringe)
    assert b.fringe_drawn and b.fringe_m is None
    assert shape(b.fringe).covers(shape(b.core))


@pytest.mark.parametrize("fringe_m", [-1, 5001, "wide", 2.5])
def test_bad_fringe_width(geo_steward, fringe_m):
    zone = declared_zone(geo_steward)
    core = g.geometry_from_point(lat=52.43, lon=-1.93, radius_m=100)
    with pytest.raises(DomainError) as err:
        zone_set_boundary(actor=geo_steward, zone=zone, geometry=core, fringe_m=fringe_m)
    assert err.value.code == "fringe_invalid"
    assert not ZoneBoundary.objects.exists()


def test_only_stewards_may_set_a_boundary_and_bad_geometry_stores_nothing(geo_steward):
    zone = declared_zone(geo_steward)
    with pytest.raises(NotAllowed):
        zone_set_boundary(actor=UserFactory(), zone=zone, geometry="{}")
    with pytest.raises(g.GeometryError):
        zone_set_boundary(actor=geo_steward, zone=zone, geometry="{bad")
    assert not ZoneBoundary.objects.exists()
    assert GeoRevision.current()[0] == 0


def test_ended_zone_boundary_is_frozen(geo_steward):
    zone = declared_zone(geo_steward, status=ZoneStatus.DISSOLVED)
    with pytest.raises(InvalidTransition) as err:
        zone_set_boundary(
            actor=geo_steward,
            zone=zone,
            geometry=g.geometry_from_point(lat=52.43, lon=-1.93, radius_m=100),
        )
    assert err.value.code == "zone_ended"

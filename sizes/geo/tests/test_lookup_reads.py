"""The lookup's own reads (sizes/geo/selectors.py: plain SQL on indexed keys, issue 9): a fixed,
small number of queries whatever is found, the same answer the ORM gives, and every change
seen by the next lookup (nothing is kept between lookups but the geometry index and where
postcodes are, checked in the lookup's own query)."""

import datetime as dt
import gc

import pytest
import shapely
import shapely.geometry
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix

from sizes.core import gcfreeze
from sizes.core.errors import NotFound
from sizes.geo import index, selectors
from sizes.geo.api import _url, lookup_as_json
from sizes.geo.geometry import geometry_from_point
from sizes.geo.models import GeoRevision, Postcode, ZoneBoundary
from sizes.geo.selectors import lookup_point, lookup_postcode
from sizes.geo.services import zone_set_boundary
from sizes.geo.tests.conftest import declared_zone
from sizes.geo.tests.test_maps_overlaps_variations import CORE_POINT, variation
from sizes.zones.models import Zone, ZoneStatus

SQUARE_AROUND_CORE_POINT = {
    "type": "Polygon",
    "coordinates": [
        [
            [CORE_POINT[1] - 0.001, CORE_POINT[0] - 0.001],
            [CORE_POINT[1] + 0.001, CORE_POINT[0] - 0.001],
            [CORE_POINT[1] + 0.001, CORE_POINT[0] + 0.001],
            [CORE_POINT[1] - 0.001, CORE_POINT[0] + 0.001],
            [CORE_POINT[1] - 0.001, CORE_POINT[0] - 0.001],
        ]
    ],
}
SQUARE_ELSEWHERE = {
    "type": "Polygon",
    "coordinates": [
        [[c[0] + 0.05, c[1]] for c in SQUARE_AROUND_CORE_POINT["coordinates"][0]],
    ],
}


@pytest.fixture
def two_zones(seed_zone, geo_steward):
    """The seed zone and a small zone inside it around CORE_POINT, each with variations."""
    small = declared_zone(geo_steward, name="Small", slug="small")
    zone_set_boundary(
        actor=geo_steward,
        zone=small,
        geometry=geometry_from_point(lat=CORE_POINT[0], lon=CORE_POINT[1], radius_m=300),
        fringe_m=50,
        method="point",
    )
    variation(seed_zone, "Whole zone change")
    variation(seed_zone, "Core only change", scope="core", rule="Other rule")
    variation(seed_zone, "Ended one", status="ended", rule="Third rule")
    variation(small, "Small zone change", rule="Fourth rule")
    return seed_zone, small


def test_a_lookup_makes_one_query_whatever_it_finds(two_zones):
    lookup_point(*CORE_POINT)  # the index is built on the first lookup
    with CaptureQueriesContext(connection) as queries:
        result = lookup_point(*CORE_POINT)
    assert len(result.in_force) == 2 and len(result.variations) == 3
    # The zones with their boundaries and active variations, and the geography revision.
    assert len(queries) == 1, [q["sql"] for q in queries]


def test_the_lookups_instances_behave_as_the_orms(two_zones):
    """The lookup makes its model instances directly, not through Model.__init__: they are
    loaded (not new), from this database, equal to the ORM's, with the unread fields deferred
    and loaded on use; with a post_init receiver connected, Model.from_db makes them."""
    result = lookup_point(*CORE_POINT)
    for item in result.in_force:
        zone = item.zone
        orm = Zone.objects.only("id", "slug", "name", "status").get(pk=zone.pk)
        assert zone == orm and hash(zone) == hash(orm)
        assert zone._state.adding is False and zone._state.db == orm._state.db
        assert zone.get_deferred_fields() == orm.get_deferred_fields() != set()
        assert zone.summary == orm.summary  # loaded on use
        assert "summary" not in zone.get_deferred_fields()
    made = []

    def receiver(sender, instance, **kwargs):
        made.append(instance)

    post_init.connect(receiver, sender=Zone)
    try:
        again = lookup_point(*CORE_POINT)
    finally:
        post_init.disconnect(receiver, sender=Zone)
    assert {z.pk for z in made} == {item.zone.pk for item in again.in_force}


def test_a_postcode_lookup_adds_one_query_the_first_time_only(two_zones):
    Postcode.objects.create(postcode="B30 2ZZ", lat=CORE_POINT[0], lon=CORE_POINT[1])
    lookup_point(*CORE_POINT)  # the index is built on the first lookup
    with CaptureQueriesContext(connection) as queries:
        first = lookup_postcode("b302zz")
    assert len(queries) == 2  # the postcode, then the zones
    with CaptureQueriesContext(connection) as queries:
        again = lookup_postcode("b30 2zz")
    # Its place is kept: the zones' query reads the postcode's row again to check it.
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert again.postcode == first.postcode == "B30 2ZZ"
    assert lookup_as_json(again) == lookup_as_json(first) and len(again.in_force) == 2


def test_a_postcode_moved_renamed_or_deleted_is_seen_by_the_next_lookup(two_zones):
    """As if by another process: the rows change under a kept place."""
    here = Postcode.objects.create(postcode="B30 2ZZ", lat=CORE_POINT[0], lon=CORE_POINT[1])
    assert len(lookup_postcode("B30 2ZZ").in_force) == 2
    # Moved out of every zone: checked in the zones' query.
    Postcode.objects.filter(pk=here.pk).update(lat=52.0, lon=-1.0)
    moved = lookup_postcode("B30 2ZZ")
    assert (moved.lat, moved.lon) == (52.0, -1.0) and moved.in_force == []
    # Moved back: found no zone from the kept place, so checked with the revision's query.
    Postcode.objects.filter(pk=here.pk).update(lat=CORE_POINT[0], lon=CORE_POINT[1])
    with CaptureQueriesContext(connection) as queries:
        back = lookup_postcode("B30 2ZZ")
    assert len(back.in_force) == 2
    assert len(queries) == 3  # the check, the postcode read afresh, the zones
    # Renamed: the old postcode is unknown, the new one found.
    Postcode.objects.filter(pk=here.pk).update(postcode="B30 2ZY")
    with pytest.raises(NotFound, match="B30 2ZZ"):
        lookup_postcode("B30 2ZZ")
    assert len(lookup_postcode("B30 2ZY").in_force) == 2
    # Deleted, then the same postcode made again elsewhere (a new row).
    Postcode.objects.filter(pk=here.pk).delete()
    with pytest.raises(NotFound):
        lookup_postcode("B30 2ZY")
    Postcode.objects.create(postcode="B30 2ZY", lat=52.0, lon=-1.0)
    assert lookup_postcode("B30 2ZY").in_force == []


def test_postcode_places_kept_are_bounded(two_zones, monkeypatch):
    monkeypatch.setattr(selectors, "POSTCODE_PLACES", 2)
    for code in ("B30 2ZA", "B30 2ZB", "B30 2ZD"):
        Postcode.objects.create(postcode=code, lat=CORE_POINT[0], lon=CORE_POINT[1])
    lookup_postcode("B30 2ZA")
    lookup_postcode("B30 2ZB")
    lookup_postcode("B30 2ZA")  # now the most recently asked
    lookup_postcode("B30 2ZD")
    assert list(selectors._places) == ["B30 2ZA", "B30 2ZD"]


def test_a_postcode_on_a_past_date_is_read_afresh(two_zones):
    Postcode.objects.create(postcode="B30 2ZZ", lat=CORE_POINT[0], lon=CORE_POINT[1])
    lookup_postcode("B30 2ZZ")
    Postcode.objects.filter(postcode="B30 2ZZ").update(lat=52.0, lon=-1.0)
    past = lookup_postcode("B30 2ZZ", at=dt.date.today())
    assert (past.lat, past.lon) == (52.0, -1.0) and past.in_force == []


def test_the_api_lookup_makes_no_other_query(client, two_zones):
    client.get("/api/v1/lookup", {"lat": CORE_POINT[0], "lon": CORE_POINT[1]})
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/lookup", {"lat": CORE_POINT[0], "lon": CORE_POINT[1]})
    assert response.status_code == 200
    assert len(queries) == 1, [q["sql"] for q in queries]


def test_the_answer_is_what_the_orm_reads(two_zones):
    seed, small = two_zones
    result = lookup_point(*CORE_POINT)
    for item in result.in_force:
        orm = Zone.objects.get(pk=item.zone.pk)
        assert (item.zone.slug, item.zone.name, item.zone.status) == (
            orm.slug,
            orm.name,
            orm.status,
        )
        # A field the lookup did not read is loaded when asked for, as with only().
        assert item.zone.summary == orm.summary
        boundary = ZoneBoundary.objects.get(pk=item.boundary.pk)
        assert item.boundary.valid_from == boundary.valid_from
        assert item.boundary.valid_from.tzinfo is not None
        assert item.fringe_m == boundary.fringe_m
    # Zone by zone (in the order the zones are listed), each zone's by title.
    assert [(v.variation.zone.slug, v.variation.title) for v in result.variations] == [
        ("small", "Small zone change"),
        ("stirchley", "Core only change"),
        ("stirchley", "Whole zone change"),
    ]
    # Each variation comes with its owner's name and its zone (the same instance as the zone
    # listed), read with it: using them asks nothing more.
    zones = {item.zone.pk: item.zone for item in result.in_force}
    with CaptureQueriesContext(connection) as queries:
        read = [(v.variation.owner.name, v.variation.zone) for v in result.variations]
    assert len(queries) == 0 and all(name for name, _ in read)
    assert all(zone is zones[zone.pk] for _, zone in read)
    for v in result.variations:
        assert v.variation.owner.name == type(v.variation).objects.get(pk=v.variation.pk).owner.name


def test_every_change_is_seen_by_the_next_lookup(two_zones):
    seed, small = two_zones
    [whole] = [
        v.variation
        for v in lookup_point(*CORE_POINT).variations
        if v.variation.title == "Whole zone change"
    ]
    whole.owner.name = "Renamed council"
    whole.owner.save()
    result = lookup_point(*CORE_POINT)
    assert "Renamed council" in [v.variation.owner.name for v in result.variations]

    whole.status = "ended"
    whole.save()
    result = lookup_point(*CORE_POINT)
    assert "Whole zone change" not in [v.variation.title for v in result.variations]
    assert {i.zone.slug: i.active_variations for i in result.in_force} == {
        "stirchley": 1,
        "small": 1,
    }

    Zone.objects.filter(pk=small.pk).update(name="Renamed small", status=ZoneStatus.DISSOLVED)
    result = lookup_point(*CORE_POINT)
    assert [i.zone.slug for i in result.in_force] == ["stirchley"]
    assert [i.zone.name for i in result.history] == ["Renamed small"]
    # An ended zone's variations do not apply there any more.
    assert "Small zone change" not in [v.variation.title for v in result.variations]


def test_a_part_of_the_zone_variation_applies_only_in_its_area(seed_zone):
    here = variation(seed_zone, "Here", scope="sub_area", rule="Rule A")
    here.sub_area = SQUARE_AROUND_CORE_POINT
    here.save()
    there = variation(seed_zone, "There", scope="sub_area", rule="Rule B")
    there.sub_area = SQUARE_ELSEWHERE
    there.save()
    result = lookup_point(*CORE_POINT)
    assert [v.variation.title for v in result.variations] == ["Here"]
    assert result.in_force[0].active_variations == 2


def test_a_point_in_no_zone_still_checks_the_revision(two_zones):
    lookup_point(*CORE_POINT)
    with CaptureQueriesContext(connection) as queries:
        assert lookup_point(52.0, -1.0).in_force == []
    assert len(queries) == 1  # the revision


def test_a_new_revision_read_with_the_zones_rebuilds_the_index(two_zones, geo_steward):
    seed, small = two_zones
    lookup_point(*CORE_POINT)
    built = index.rebuilds
    # Another process moves the small zone away (its new boundary and revision committed).
    zone_set_boundary(
        actor=geo_steward,
        zone=small,
        geometry=geometry_from_point(lat=52.40, lon=-1.86, radius_m=300),
        fringe_m=50,
        method="point",
    )
    assert index.cached_index().revision != GeoRevision.current()
    result = lookup_point(*CORE_POINT)
    assert [i.zone.slug for i in result.in_force] == ["stirchley"]
    assert index.rebuilds == built + 1
    assert index.cached_index().revision == GeoRevision.current()
    assert [i.zone.slug for i in lookup_point(52.40, -1.86).in_force] == ["small"]
    assert index.rebuilds == built + 1


def test_the_index_holds_exactly_the_stored_coordinates(two_zones, monkeypatch):
    """The index reads each boundary's GeoJSON as text and lets GEOS parse it, in chunks: the
    same zones in the same order, and the very same doubles as parsing it in Python."""
    seed, small = two_zones
    ZoneBoundary.objects.filter(zone=seed, valid_to__isnull=True).update(
        core={"type": "MultiPolygon", "coordinates": [[[
            [-1.9301234567890123, 52.42], [-1.9200000000000002, 52.42],
            [-1.92, 52.430000000000007], [-1.9301234567890123, 52.42],
        ]]]},
    )  # fmt: skip
    monkeypatch.setattr(index, "GEOJSON_CHUNK", 1)  # more than one chunk
    built = index.ZoneIndex.from_database((0, ""))
    rows = list(ZoneBoundary.objects.current().order_by("id"))
    assert built.boundary_ids.tolist() == [b.pk for b in rows]
    assert built.zone_ids.tolist() == [b.zone_id for b in rows] == [seed.pk, small.pk]
    for entry, b in enumerate(rows):
        for mine, stored in ((built.cores[entry], b.core), (built.outers[entry], b.fringe)):
            expected = shapely.geometry.shape(stored)
            assert mine.geom_type == expected.geom_type
            assert (
                shapely.get_coordinates(mine).tolist() == shapely.get_coordinates(expected).tolist()
            )


def test_a_new_revision_with_no_zone_found_rebuilds_too(two_zones):
    lookup_point(*CORE_POINT)
    built = index.rebuilds
    GeoRevision.bump()
    assert lookup_point(52.0, -1.0).in_force == []
    assert index.rebuilds == built + 1


def test_boundaries_gone_from_under_a_stale_index_are_not_shown(two_zones):
    seed, small = two_zones
    lookup_point(*CORE_POINT)
    built = index.rebuilds
    # Rows deleted and the revision bumped by another process: the stale index still finds
    # the small zone's boundary, whose row is gone.
    ZoneBoundary.objects.filter(zone=small).delete()
    GeoRevision.bump()
    result = lookup_point(*CORE_POINT)
    assert [i.zone.slug for i in result.in_force] == ["stirchley"]
    assert index.rebuilds == built + 1


def test_the_revision_is_read_in_one_query(seed_zone):
    number, stamp = GeoRevision.current()
    assert number >= 1 and len(stamp) == 32
    GeoRevision.bump()
    assert GeoRevision.current()[0] == number + 1
    GeoRevision.objects.all().delete()
    assert GeoRevision.current() == (0, "")


@pytest.mark.parametrize("prefix", ["/", "/sizes/"])
def test_links_are_what_reverse_gives(prefix):
    set_script_prefix(prefix)
    try:
        assert _url("zones:detail", "stirchley") == reverse("zones:detail", args=["stirchley"])
        assert _url("variations:detail", 12) == reverse("variations:detail", args=[12])
        assert _url("zones:detail", "zone-9876543210") == reverse(
            "zones:detail", args=["zone-9876543210"]
        )
    finally:
        set_script_prefix("/")


def test_a_lookup_on_a_past_date_still_works(two_zones):
    result = lookup_point(*CORE_POINT, at=dt.date.today())
    assert {i.zone.slug for i in result.in_force} == {"stirchley", "small"}


def test_a_server_freezes_the_index_it_builds(two_zones, monkeypatch):
    """In a server process (sizes/core/gcfreeze.py) a newly built index is kept out of full
    garbage collections: its containers are no longer tracked by the collector."""
    index.reset()
    ordinary = index.current_index()  # not a server: tracked as usual
    assert any(o is ordinary._core_list for o in gc.get_objects())
    monkeypatch.setattr(gcfreeze, "_enabled", True)
    index.reset()
    try:
        built = index.current_index()
        assert gc.get_freeze_count() > 0
        assert not any(o is built._core_list for o in gc.get_objects())
        assert [i.zone.slug for i in lookup_point(*CORE_POINT).in_force]  # still answers
    finally:
        gc.unfreeze()
        index.reset()

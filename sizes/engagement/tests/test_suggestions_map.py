"""Suggestions marked or drawn on the map: a point or an area, the wards an area counts in,
the limits, and the map data on /suggestions/ (with nothing personal in it)."""

import json

import pytest
import shapely
from django.urls import reverse

from sizes.core.errors import DomainError
from sizes.engagement import selectors, services
from sizes.engagement.models import Suggestion
from sizes.engagement.tests.conftest import BOURNVILLE, STIRCHLEY
from sizes.geo import geometry as g
from sizes.geo.models import ReferenceArea
from sizes.zones.services import themes_ensure_defaults

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _themes(db):
    themes_ensure_defaults()


def ward_shape(code):
    return g.from_geojson(ReferenceArea.objects.get(code=code).geometry)


def drawn(*geometries) -> str:
    """What the map script writes: a FeatureCollection of what was drawn."""
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(x)}
                for x in geometries
            ],
        }
    )


def suggest(actor, **kw):
    return services.suggestion_create(
        actor=actor, place="The park", why="Room to meet.", themes=["housing"], **kw
    )


def test_an_area_inside_one_ward_counts_there_and_is_kept(alex, wards):
    inside = ward_shape(STIRCHLEY).representative_point().buffer(0.001)
    s = suggest(alex, drawn=drawn(inside))
    assert [w.code for w in s.wards.all()] == [STIRCHLEY]
    assert s.lat is None and s.lon is None
    kept = g.from_geojson(s.area)
    assert kept.symmetric_difference(inside).area < inside.area * 0.01


def test_an_area_across_two_wards_counts_in_both(alex, wards):
    stirchley, bournville = ward_shape(STIRCHLEY), ward_shape(BOURNVILLE)
    on_the_edge = stirchley.boundary.intersection(bournville.boundary).representative_point()
    s = suggest(alex, drawn=drawn(on_the_edge.buffer(0.002)))
    assert sorted(w.code for w in s.wards.all()) == sorted([STIRCHLEY, BOURNVILLE])
    density = {row.ward.code: row.count for row in selectors.suggestion_density()[0]}
    assert density == {STIRCHLEY: 1, BOURNVILLE: 1}


def test_a_point_marked_on_the_map(alex, wards):
    point = ward_shape(BOURNVILLE).representative_point()
    s = suggest(alex, drawn=drawn(point))
    assert (s.lon, s.lat) == pytest.approx((point.x, point.y))
    assert s.area is None
    assert [w.code for w in s.wards.all()] == [BOURNVILLE]


@pytest.mark.parametrize(
    "make, code",
    [
        (lambda: "{not json", "geojson_malformed"),
        (lambda: drawn(shapely.Point(-0.14, 51.5).buffer(0.01)), "outside_service_area"),
        (lambda: drawn(shapely.Point(-0.14, 51.5)), "outside_service_area"),
        (
            lambda: drawn(shapely.LineString([(-1.92, 52.42), (-1.93, 52.43)])),
            "geometry_wrong_type",
        ),
        (
            lambda: drawn(
                ward_shape(STIRCHLEY).representative_point(),
                ward_shape(STIRCHLEY).representative_point().buffer(0.001),
            ),
            "place_ambiguous",
        ),
        (lambda: drawn(ward_shape(STIRCHLEY).centroid.buffer(0.2)), "area_too_large"),
    ],
)
def test_bad_drawings_are_refused_and_nothing_stored(alex, wards, make, code):
    with pytest.raises(DomainError) as e:
        suggest(alex, drawn=make())
    assert code in [p.code for p in e.value.details]
    assert not Suggestion.objects.exists()


def test_drawing_and_a_postcode_is_ambiguous(alex, wards, postcodes):
    inside = ward_shape(STIRCHLEY).representative_point().buffer(0.001)
    with pytest.raises(DomainError) as e:
        suggest(alex, drawn=drawn(inside), postcode="B30 2BJ")
    assert [p.code for p in e.value.details] == ["place_ambiguous"]


def test_area_limit_is_a_setting(alex, wards, settings):
    inside = ward_shape(STIRCHLEY).representative_point().buffer(0.004)  # about 0.2 km²
    settings.SIZES_SUGGESTION_MAX_KM2 = 1
    assert suggest(alex, drawn=drawn(inside))
    settings.SIZES_SUGGESTION_MAX_KM2 = 0.1
    with pytest.raises(DomainError) as e:
        suggest(alex, drawn=drawn(inside))
    assert "at most 0.1 km²" in e.value.details[0].message


def test_pages_show_points_and_areas_on_the_map_without_personal_data(client, alex, wards):
    area = suggest(alex, drawn=drawn(ward_shape(STIRCHLEY).representative_point().buffer(0.001)))
    point = suggest(alex, drawn=drawn(ward_shape(BOURNVILLE).representative_point()))
    by_wards = suggest(alex, area_codes=[STIRCHLEY])
    page = client.get(reverse("engagement:suggestions")).content.decode()
    assert 'data-sizes-map="places"' in page
    start = page.index('id="suggestions-map-data">') + len('id="suggestions-map-data">')
    data = json.loads(page[start : page.index("</script>", start)])
    by_url = {f["properties"]["url"]: f for f in data["features"]}
    assert set(by_url) == {
        reverse("engagement:suggestion", args=[area.pk]),
        reverse("engagement:suggestion", args=[point.pk]),
    }
    assert by_url[reverse("engagement:suggestion", args=[point.pk])]["geometry"]["type"] == "Point"
    assert "alex" not in json.dumps(data).lower()
    assert reverse("engagement:suggestion", args=[by_wards.pk]) in page  # in the list
    detail = client.get(reverse("engagement:suggestion", args=[area.pk])).content.decode()
    assert "An area drawn on the map" in detail or "an area drawn on the map" in detail
    assert 'id="suggestion-map-data"' in detail


def test_the_form_posts_a_drawing_and_shows_problems_beside_the_place(client, alex, wards):
    client.force_login(alex)
    form = client.get(reverse("engagement:suggestion-new")).content.decode()
    assert 'data-sizes-map="suggest"' in form and 'name="drawn"' in form
    base = {"place": "P", "why": "W", "themes": ["housing"]}
    r = client.post(
        reverse("engagement:suggestion-new"),
        {**base, "drawn": drawn(shapely.Point(-0.14, 51.5).buffer(0.01))},
    )
    assert r.status_code == 400 and "outside the area this service covers" in r.content.decode()
    assert not Suggestion.objects.exists()
    inside = ward_shape(STIRCHLEY).representative_point().buffer(0.001)
    r = client.post(reverse("engagement:suggestion-new"), {**base, "drawn": drawn(inside)})
    assert r.status_code == 302
    assert Suggestion.objects.get().area["type"] == "MultiPolygon"

"""/zones/<slug>/boundary/: every way of giving a boundary, through the page, checked against
Shapely and pyproj used directly; bad input shows a specific message and stores nothing."""

import json
import math
import re

import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from shapely.geometry import LineString, Point, Polygon, shape

from sizes.geo.models import ZoneBoundary
from sizes.geo.tests.conftest import (
    BOURNVILLE,
    STIRCHLEY,
    bng,
    declared_zone,
    postcode_rows,
    seed_union,
    ward_shape,
)
from tests.factories import UserFactory

# A small square in Stirchley (lon, lat), about 340 m by 560 m.
SQUARE = [[-1.93, 52.428], [-1.925, 52.428], [-1.925, 52.433], [-1.93, 52.433], [-1.93, 52.428]]


@pytest.fixture
def zone(geo_steward, wards):
    return declared_zone(geo_steward, name="Test zone", slug="test-zone")


@pytest.fixture
def steward_client(client, geo_steward):
    client.force_login(geo_steward)
    return client


def url(zone):
    return f"/zones/{zone.slug}/boundary/"


def post(client, zone, **data):
    data.setdefault("fringe_m", "250")
    return client.post(url(zone), data)


def stored(zone):
    return ZoneBoundary.objects.filter(zone=zone).current().get()


def core_of(zone):
    return shape(stored(zone).core)


def same_area(a, b, tolerance=0.001):
    """Two WGS84 areas are the same to within `tolerance` of their area (in BNG metres)."""
    a, b = bng(a), bng(b)
    return a.symmetric_difference(b).area / b.area < tolerance


def test_page_lists_wards_by_name_for_the_steward(steward_client, zone):
    response = steward_client.get(url(zone))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Set the boundary" in html
    names = ["Bournville &amp; Cotteridge", "Stirchley"]
    assert html.index(names[0]) < html.index(names[1])
    assert 'enctype="multipart/form-data"' in html
    assert 'value="250"' in html
    # No inline script of ours (the one is GOV.UK Frontend's template's): map data is a JSON
    # block, code comes from static files.
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    assert len(inline) == 1 and "js-enabled" in html, inline
    assert "vendor/leaflet/leaflet.js" in html and "leaflet-geoman.min.js" in html


def test_zone_page_links_to_the_boundary_page(steward_client, zone):
    html = steward_client.get(f"/zones/{zone.slug}/").content.decode()
    assert f'href="/zones/{zone.slug}/boundary/"' in html and "Set the boundary" in html


def test_anonymous_is_sent_to_sign_in_and_resident_is_refused(client, zone):
    response = client.get(url(zone))
    assert response.status_code == 302 and "/account/" in response["Location"]
    client.force_login(UserFactory(username="resident1"))
    assert client.get(url(zone)).status_code == 403
    assert (
        post(client, zone, method="point", lat="52.43", lon="-1.92", radius_m="100").status_code
        == 403
    )
    assert not ZoneBoundary.objects.filter(zone=zone).exists()


def test_wards(steward_client, zone):
    response = post(steward_client, zone, method="areas", wards=[STIRCHLEY, BOURNVILLE])
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == f"/zones/{zone.slug}/"
    b = stored(zone)
    assert b.method == "areas" and b.fringe_m == 250
    assert b.source == f"ward:{STIRCHLEY},{BOURNVILLE}"
    assert same_area(shape(b.core), seed_union())


def test_postcodes_make_circles_and_mix_with_wards(steward_client, zone, postcodes):
    response = post(steward_client, zone, method="areas", codes="b30 2aa, B30 2AB")
    assert response.status_code == 302
    b = stored(zone)
    assert b.method == "postcodes"
    for pc in ("B30 2AA", "B30 2AB"):
        row = postcode_rows()[pc]
        assert shape(b.core).contains(Point(float(row["longitude"]), float(row["latitude"])))
    response = post(
        steward_client, zone, method="areas", wards=[STIRCHLEY], codes="B30 2AA", fringe_m="0"
    )
    assert response.status_code == 302
    b = stored(zone)
    assert b.method == "areas" and b.fringe_m == 0 and b.core == b.fringe
    assert "ward:" in b.source and "postcode:B30 2AA" in b.source
    assert bng(shape(b.core)).area >= bng(ward_shape(STIRCHLEY)).area * 0.999


def test_upload_geojson_file(steward_client, zone):
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [SQUARE]},
    }
    upload = SimpleUploadedFile(
        "zone.geojson", json.dumps(feature).encode(), "application/geo+json"
    )
    response = post(steward_client, zone, method="upload", file=upload, crs="EPSG:4326")
    assert response.status_code == 302
    b = stored(zone)
    assert b.method == "upload" and b.source == "file:zone.geojson"
    assert same_area(core_of(zone), Polygon(SQUARE), 1e-4)


def test_upload_in_british_national_grid(steward_client, zone):
    square_bng = bng(Polygon(SQUARE))
    body = {"type": "Polygon", "coordinates": [list(map(list, square_bng.exterior.coords))]}
    upload = SimpleUploadedFile("bng.json", json.dumps(body).encode())
    response = post(steward_client, zone, method="upload", file=upload, crs="EPSG:27700")
    assert response.status_code == 302
    assert same_area(core_of(zone), Polygon(SQUARE), 1e-4)


def test_point_and_radius(steward_client, zone):
    response = post(
        steward_client, zone, method="point", lat="52.4300", lon="-1.9250", radius_m="150"
    )
    assert response.status_code == 302
    core = bng(core_of(zone))
    centre = bng(Point(-1.925, 52.43))
    assert core.centroid.distance(centre) < 1
    assert math.isclose(core.area, math.pi * 150**2, rel_tol=0.01)
    assert stored(zone).method == "point"


def test_line_and_width(steward_client, zone):
    text = "52.4290, -1.9262\n52.4310, -1.9262\n\n52.4330, -1.9250\n"
    response = post(steward_client, zone, method="line", line=text, width_m="40")
    assert response.status_code == 302
    line = bng(LineString([(-1.9262, 52.4290), (-1.9262, 52.4310), (-1.9250, 52.4330)]))
    expected = line.buffer(20, cap_style="flat", join_style="round")
    got = bng(core_of(zone))
    assert got.symmetric_difference(expected).area / expected.area < 0.01
    assert stored(zone).method == "line"


def test_drawn_geojson(steward_client, zone):
    drawn = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "Polygon", "coordinates": [SQUARE]},
            }
        ],
    }
    response = post(steward_client, zone, method="drawn", drawn=json.dumps(drawn), fringe_m="100")
    assert response.status_code == 302
    b = stored(zone)
    assert b.method == "drawn" and b.fringe_m == 100
    assert same_area(shape(b.core), Polygon(SQUARE), 1e-4)
    # The fringe reaches 100 m beyond the core.
    assert math.isclose(
        bng(shape(b.fringe)).area, bng(Polygon(SQUARE)).buffer(100).area, rel_tol=0.01
    )


def _upload(content: bytes, name="zone.geojson"):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"method": ""}, "method", "Choose how to give the boundary."),
        ({"method": "areas"}, "wards", "Choose at least one ward"),
        ({"method": "areas", "wards": ["E05999999"]}, "wards", "Choose wards from the list."),
        ({"method": "areas", "codes": "E01999999"}, "codes", "E01999999"),
        (
            {"method": "areas", "codes": "B30 9ZZ"},
            "codes",
            "We do not know these postcodes: B30 9ZZ",
        ),
        ({"method": "areas", "codes": "not a postcode!"}, "codes", "postcode"),
        ({"method": "upload"}, "file", "Choose a GeoJSON file to upload."),
        ({"method": "upload", "file": b"{not json"}, "file", "not valid JSON"),
        ({"method": "upload", "file": b"\xff\xfe\x00"}, "file", "not a text"),
        (
            {
                "method": "upload",
                "file": json.dumps({"type": "Point", "coordinates": [-1.9, 52.4]}).encode(),
            },
            "file",
            "is a Point; a zone boundary must be an area",
        ),
        (
            {
                "method": "upload",
                "file": json.dumps(
                    {"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [200, 95], [0, 0]]]}
                ).encode(),
            },
            "file",
            "out of range",
        ),
        (
            {
                "method": "upload",
                "file": json.dumps(
                    {
                        "type": "Polygon",
                        "coordinates": [
                            [[406000, 280000], [407000, 280000], [407000, 281000], [406000, 280000]]
                        ],
                    }
                ).encode(),
            },
            "file",
            "British National Grid",
        ),
        (
            {
                "method": "upload",
                "file": json.dumps(
                    {
                        "type": "Polygon",
                        "coordinates": [
                            [
                                [-1.93, 52.42],
                                [-1.92, 52.43],
                                [-1.93, 52.43],
                                [-1.92, 52.42],
                                [-1.93, 52.42],
                            ]
                        ],
                    }
                ).encode(),
            },
            "file",
            "crosses itself",
        ),
        ({"method": "point", "lat": "52.43", "lon": "-1.92"}, "radius_m", "Enter the radius"),
        (
            {"method": "point", "lat": "95", "lon": "-1.92", "radius_m": "100"},
            "lat",
            "Latitude must be between -90 and 90",
        ),
        (
            {"method": "point", "lat": "abc", "lon": "-1.92", "radius_m": "100"},
            "lat",
            "must be numbers",
        ),
        (
            {"method": "point", "lat": "52.43", "lon": "-1.92", "radius_m": "-5"},
            "radius_m",
            "positive number of metres",
        ),
        (
            {"method": "line", "line": "52.43, -1.92", "width_m": "20"},
            "line",
            "at least two different points",
        ),
        ({"method": "line", "line": "52.43, -1.92\nhello", "width_m": "20"}, "line", "Line 2"),
        (
            {"method": "line", "line": "52.43, -1.92\n52.44, -1.92", "width_m": "0"},
            "width_m",
            "positive number",
        ),
        ({"method": "drawn"}, "drawn", "Draw the boundary on the map"),
        (
            {"method": "drawn", "drawn": '{"type": "LineString", "coordinates": [[0, 0], [1, 1]]}'},
            "drawn",
            "is a LineString",
        ),
        (
            {
                "method": "point",
                "lat": "52.43",
                "lon": "-1.92",
                "radius_m": "100",
                "fringe_m": "-1",
            },
            "fringe_m",
            "fringe width must be a whole number",
        ),
        (
            {
                "method": "point",
                "lat": "52.43",
                "lon": "-1.92",
                "radius_m": "100",
                "fringe_m": "9999",
            },
            "fringe_m",
            "from 0 to 5000",
        ),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_nothing_is_stored(
    steward_client, zone, postcodes, data, field, message
):
    data = dict(data)
    if isinstance(data.get("file"), bytes):
        data["file"] = _upload(data["file"])
    response = post(steward_client, zone, **data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html, html[html.find("govuk-error-summary") :][:1500]
    error = html[html.index(f'id="id_{field}-error"') :][:600]
    assert message.replace("&", "&amp;") in error or message in html, error
    assert "govuk-error-summary" in html
    assert not ZoneBoundary.objects.filter(zone=zone).exists()


def test_file_over_the_size_limit_is_refused(steward_client, zone, settings):
    settings.SIZES_MAX_UPLOAD_BYTES = 200
    body = {"type": "Polygon", "coordinates": [SQUARE * 3]}
    response = post(steward_client, zone, method="upload", file=_upload(json.dumps(body).encode()))
    assert response.status_code == 400
    assert "the largest accepted is" in response.content.decode()
    assert not ZoneBoundary.objects.filter(zone=zone).exists()


def test_a_second_boundary_keeps_the_first_as_history(steward_client, zone):
    post(steward_client, zone, method="point", lat="52.43", lon="-1.925", radius_m="100")
    first = stored(zone)
    response = steward_client.get(url(zone))
    assert "Change the boundary" in response.content.decode()
    assert 'id="current-boundary-data"' in response.content.decode()
    post(steward_client, zone, method="point", lat="52.43", lon="-1.925", radius_m="200")
    first.refresh_from_db()
    assert first.valid_to is not None
    assert shapely.area(bng(core_of(zone))) > 3 * shapely.area(bng(shape(first.core)))

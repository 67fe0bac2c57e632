"""GET /api/v1/lookup, the /lookup/ page and the /wards/<code>/ page."""

import pytest

from sizes.geo.tests.conftest import BOURNVILLE, STIRCHLEY

API = "/api/v1/lookup"


def test_api_postcode(client, seed_zone, postcodes):
    response = client.get(API, {"postcode": "b302aa"})
    assert response.status_code == 200
    body = response.json()
    assert body["query"]["postcode"] == "B30 2AA"
    assert body["answer"] == "B30 2AA is inside the Stirchley and Cotteridge zone."
    [item] = body["in_force"]
    assert item["zone"]["slug"] == "stirchley"
    assert item["membership"] == "core" and item["status"] == "declared"
    assert item["fringe_m"] == 250
    assert body["proposed"] == [] and body["history"] == []


def test_api_point_and_date(client, seed_zone):
    response = client.get(API, {"lat": "52.5", "lon": "-1.7"})
    assert response.status_code == 200
    assert response.json()["in_zone"] is False
    response = client.get(API, {"lat": "52.428883", "lon": "-1.923509", "at": "2020-01-01"})
    assert response.status_code == 200
    assert response.json()["query"]["at"] == "2020-01-01"
    assert response.json()["in_force"] == []


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"postcode": "not-a-postcode"}, 400, "postcode_malformed"),
        ({"postcode": "B30 9ZZ"}, 404, "postcode_unknown"),
        ({"lat": "abc", "lon": "-1.9"}, 400, "coordinates_invalid"),
        ({"lat": "91", "lon": "-1.9"}, 400, "coordinates_out_of_range"),
        ({"lat": "52.4"}, 400, "point_incomplete"),
        ({}, 400, "place_missing"),
        ({"postcode": "B30 2AA", "at": "2026-13-45"}, 400, "date_invalid"),
    ],
)
def test_api_errors_are_problem_json(client, seed_zone, postcodes, params, status, code):
    response = client.get(API, params)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail", "code"}
    assert body["status"] == status and body["code"] == code
    assert body["detail"]


def test_api_is_get_only(client, db):
    assert client.post(API, {"postcode": "B30 2AA"}).status_code == 405


def test_lookup_page_form_and_answers(client, seed_zone, postcodes):
    response = client.get("/lookup/")
    assert response.status_code == 200
    assert 'name="postcode"' in response.content.decode()
    html = client.get("/lookup/", {"postcode": "B30 2JT"}).content.decode()
    assert "B30 2JT is inside the Stirchley and Cotteridge zone." in html
    assert 'href="/zones/stirchley/"' in html
    html = client.get("/lookup/", {"lat": "52.5", "lon": "-1.7"}).content.decode()
    assert "is not in any zone" in html


@pytest.mark.parametrize(
    ("params", "status", "text"),
    [
        ({"postcode": "zzz"}, 400, "is not a UK postcode"),
        ({"postcode": "B30 9ZZ"}, 404, "We do not have B30 9ZZ"),
        ({"lat": "52.4"}, 400, "Enter both a latitude and a longitude"),
        ({"postcode": "B30 2AA", "at": "yesterday"}, 400, "is not a date"),
    ],
)
def test_lookup_page_errors(client, seed_zone, postcodes, params, status, text):
    response = client.get("/lookup/", params)
    assert response.status_code == status
    html = response.content.decode()
    assert "There is a problem" in html and text in html
    assert "govuk-error-summary" in html


def test_ward_page_lists_zones_with_share(client, seed_zone):
    html = client.get(f"/wards/{STIRCHLEY}/").content.decode()
    assert "Zones in Stirchley" in html
    assert "Stirchley and Cotteridge" in html and "100%" in html
    html = client.get(f"/wards/{BOURNVILLE}/").content.decode()
    assert "100%" in html
    # A neighbouring ward shares only an edge with the zone: not listed.
    html = client.get("/wards/E05011130/").content.decode()
    assert "No zone touches this ward." in html


def test_ward_page_unknown_ward(client, db):
    assert client.get("/wards/E05999999/").status_code == 404

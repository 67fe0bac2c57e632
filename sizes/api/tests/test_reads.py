"""Anonymous reads: filters, pagination, conditional requests, CORS and problem+json errors."""

import datetime as dt

import pytest
from django.utils import timezone

from sizes.zones.models import ZoneStatus
from tests.factories import ZoneFactory, give_boundary

API = "/api/v1"


def problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["code"] == code
    assert body["title"] and body["detail"] and body["type"] == "about:blank"
    return body


def test_zone_list_and_detail(client, world):
    ZoneFactory(name="Secret draft", slug="secret-draft", status=ZoneStatus.DRAFT)
    body = client.get(f"{API}/zones").json()
    assert [z["slug"] for z in body["items"]] == [world.zone.slug]
    assert body["next_cursor"] is None
    zone = client.get(f"{API}/zones/{world.zone.slug}").json()
    assert zone["status"] == "declared" and zone["version"] == world.zone.version
    assert {p["organisation"] for p in zone["partners"]} == {
        world.council.slug,
        world.community.slug,
    }
    assert zone["bbox"][0] < zone["bbox"][2] and zone["bbox"][1] < zone["bbox"][3]
    assert zone["declared_on"] == world.zone.declared_on.isoformat()
    problem(client.get(f"{API}/zones/secret-draft"), 404, "zone_not_found")


def test_updated_since_takes_dates_and_times(client, world):
    for value in ("2020-01-01", "2020-01-01T10:00:00", "2020-01-01T10:00:00+01:00"):
        items = client.get(f"{API}/zones", {"updated_since": value}).json()["items"]
        assert [z["slug"] for z in items] == [world.zone.slug]


def test_zone_filters(client, world):
    other = ZoneFactory(
        name="Proposed elsewhere", slug="elsewhere", status=ZoneStatus.PROPOSED,
        stewards=[world.steward],
    )  # fmt: skip
    give_boundary(other, world.steward, lat=52.60, lon=-1.60)
    slugs = lambda **q: [z["slug"] for z in client.get(f"{API}/zones", q).json()["items"]]  # noqa: E731
    assert slugs(status="proposed") == ["elsewhere"]
    assert slugs(partner=world.council.slug) == [world.zone.slug]
    assert slugs(bbox="-1.9,52.35,-1.8,52.45") == [world.zone.slug]
    assert slugs(bbox="-1.7,52.55,-1.5,52.65") == ["elsewhere"]
    assert slugs(bbox="0,0,1,1") == []
    since = (timezone.now() + dt.timedelta(days=1)).isoformat()
    assert slugs(updated_since=since) == []


@pytest.mark.parametrize(
    ("query", "status", "code", "field"),
    [
        ({"bbox": "1,2,3"}, 400, "bbox_invalid", "bbox"),
        ({"bbox": "a,b,c,d"}, 400, "bbox_invalid", "bbox"),
        ({"bbox": "10,0,-10,1"}, 400, "bbox_invalid", "bbox"),
        ({"bbox": "0,95,1,96"}, 400, "bbox_invalid", "bbox"),
        ({"colour": "red"}, 400, "parameter_unknown", "colour"),
        ({"cursor": "not-a-cursor"}, 400, "cursor_invalid", "cursor"),
        ({"limit": "1000"}, 400, "parameter_invalid", "limit"),
        ({"limit": "0"}, 400, "parameter_invalid", "limit"),
        ({"status": "draft"}, 400, "parameter_invalid", "status"),
        ({"updated_since": "yesterday"}, 400, "parameter_invalid", "updated_since"),
        ({"ward": "E05999999"}, 400, "ward_unknown", "ward"),
    ],
)
def test_zone_list_bad_input(client, world, query, status, code, field):
    body = problem(client.get(f"{API}/zones", query), status, code)
    assert field in {e["field"] for e in body["errors"]}


def test_cursor_pagination_walks_every_zone_once(client, world):
    for i in range(4):
        ZoneFactory(name=f"Zone {i}", slug=f"zone-{i}", status=ZoneStatus.DECLARED)
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        body = client.get(f"{API}/zones", query).json()
        seen += [z["id"] for z in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert pages == 3 and len(seen) == 5 and seen == sorted(set(seen))


def test_etag_and_last_modified(client, world):
    url = f"{API}/zones/{world.zone.slug}"
    first = client.get(url)
    assert first["ETag"].startswith('"') and first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    head = client.head(url)
    assert head.status_code == 200 and head["ETag"] == first["ETag"] and not head.content
    # A change to the zone changes its representation, so the old ETag no longer matches.
    world.zone.summary = "A zone for health walks and runs."
    world.zone.save()
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_variation_reads(client, world):
    body = client.get(f"{API}/variations", {"zone": world.zone.slug, "status": "active"}).json()
    assert [v["id"] for v in body["items"]] == [world.active.pk]
    v = client.get(f"{API}/variations/{world.active.pk}")
    assert v["ETag"] == f'"{world.active.version}"'
    data = v.json()
    assert data["owner"] == world.council.slug and data["owner_agreed"] and data["steward_agreed"]
    problem(client.get(f"{API}/variations/999999"), 404, "variation_not_found")
    problem(client.get(f"{API}/variations", {"subject": "nonsense"}), 400, "parameter_invalid")


def test_organisations_and_reviews(client, world):
    orgs = client.get(f"{API}/organisations").json()["items"]
    council = next(o for o in orgs if o["slug"] == world.council.slug)
    assert council["zones"][0]["zone"] == world.zone.slug
    assert client.get(f"{API}/organisations/{world.council.slug}").json()["kind"] == "council"
    assert client.get(f"{API}/reviews", {"zone": world.zone.slug}).json()["items"] == []
    problem(client.get(f"{API}/organisations/nobody"), 404, "organisation_not_found")


def test_history_has_no_personal_data(client, world):
    for url in (
        f"{API}/zones/{world.zone.slug}/history",
        f"{API}/variations/{world.active.pk}/history",
    ):
        response = client.get(url)
        assert response.status_code == 200 and response.json()["items"]
        text = response.content.decode()
        for private in world.private_strings:
            assert private not in text
    # Comment text is moderated elsewhere and never appears in public history.
    assert (
        "I walk here every morning"
        not in client.get(f"{API}/zones/{world.zone.slug}/history").content.decode()
    )


def test_history_pages(client, world):
    url = f"{API}/zones/{world.zone.slug}/history"
    everything = [e["id"] for e in client.get(url, {"limit": 200}).json()["items"]]
    first = client.get(url, {"limit": 3}).json()
    second = client.get(url, {"limit": 3, "cursor": first["next_cursor"]}).json()
    assert [e["id"] for e in first["items"] + second["items"]] == everything[:6]


def test_unknown_address_and_method_are_problems(client, db):
    problem(client.get(f"{API}/nowhere"), 404, "not_found")
    body = problem(client.delete(f"{API}/zones"), 405, "method_not_allowed")
    assert "GET" in body["detail"]


def test_cors_for_reads_only(client, world, settings):
    settings.SIZES_API_CORS_ORIGINS = "https://data.example.org"
    ok = client.get(f"{API}/zones", HTTP_ORIGIN="https://data.example.org")
    assert ok["Access-Control-Allow-Origin"] == "https://data.example.org"
    assert "ETag" in ok["Access-Control-Expose-Headers"]
    other = client.get(f"{API}/zones", HTTP_ORIGIN="https://evil.example")
    assert not other.has_header("Access-Control-Allow-Origin")
    preflight = client.options(
        f"{API}/zones",
        HTTP_ORIGIN="https://data.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 204 and "POST" not in preflight["Access-Control-Allow-Methods"]
    write = client.post(f"{API}/variations", {}, HTTP_ORIGIN="https://data.example.org")
    assert not write.has_header("Access-Control-Allow-Origin")
    settings.SIZES_API_CORS_ORIGINS = ""
    assert not client.get(f"{API}/zones", HTTP_ORIGIN="https://data.example.org").has_header(
        "Access-Control-Allow-Origin"
    )


def test_lookup_moved_into_the_api(client, world):
    body = client.get(f"{API}/lookup", {"lat": "52.40", "lon": "-1.86"}).json()
    assert body["in_zone"] is True and body["in_force"][0]["zone"]["slug"] == world.zone.slug
    problem(client.get(f"{API}/lookup"), 400, "place_missing")
    problem(client.get(f"{API}/lookup", {"place": "x"}), 400, "parameter_unknown")


def test_lookup_is_matched_first_and_nothing_else_moved():
    """The lookup's URL pattern is tried first (the busiest request); every other pattern
    keeps ninja's order, and the catch-all 404 stays last."""
    from django.urls import resolve

    from sizes.api.api import api

    names = [p.name for p in api.urls[0]]
    assert names[0] == "lookup"
    assert names[-1] == "not-found"
    ninja_order = [p.name for p in super(type(api), api).urls[0]]
    assert names[1:-1] == [n for n in ninja_order if n != "lookup"]
    assert resolve(f"{API}/lookup").url_name == "lookup"
    assert resolve(f"{API}/zones/some-zone").url_name == "get_zone"


def test_lookup_answer_is_the_documented_shape(client, world):
    from sizes.api.routers.lookup import LookupOut

    # Inside the zone, in its fringe, outside every zone, by postcode-less points.
    for lat, lon in [("52.40", "-1.86"), ("52.4005", "-1.8605"), ("51.0", "-1.0")]:
        response = client.get(f"{API}/lookup", {"lat": lat, "lon": lon})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json; charset=utf-8"
        body = response.json()
        assert LookupOut.model_validate(body).model_dump(mode="json") == body


def test_openapi_document(client, db):
    doc = client.get(f"{API}/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    assert doc["info"]["version"] == "1"
    ops = [op for item in doc["paths"].values() for op in item.values()]
    assert len(ops) >= 18
    for op in ops:
        for code, response in op["responses"].items():
            if int(code) >= 400:
                assert list(response["content"]) == ["application/problem+json"], op
    boundary = doc["paths"]["/api/v1/zones/{slug}/boundary"]["get"]["responses"]["200"]
    assert list(boundary["content"]) == ["application/geo+json"]
    assert "bearer" in str(doc["components"]["securitySchemes"]).lower()


def test_docs_page_uses_only_local_assets(client, db):
    html = client.get(f"{API}/docs").content.decode()
    assert "/static/api/swagger-ui/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert "<script>" not in html  # no inline script: JS comes from static files
    assert client.get("/static/api/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_ward_filter(client, world):
    from shapely.geometry import box

    from sizes.geo import geometry as g
    from sizes.geo.models import ReferenceArea

    def ward(code, bounds):
        geom = g.geometry_from_geojson(g.to_geojson(box(*bounds)))
        area = ReferenceArea(
            type="ward", code=code, name=code, vintage="2018", geometry=g.to_geojson(geom),
            area_m2=g.area_m2(geom),
        )  # fmt: skip
        area.set_bbox(geom.bounds)
        area.save()

    ward("E05000001", (-1.87, 52.39, -1.85, 52.41))  # around the zone
    ward("E05000002", (-1.70, 52.50, -1.69, 52.51))  # elsewhere
    slugs = lambda w: [z["slug"] for z in client.get(f"{API}/zones", {"ward": w}).json()["items"]]  # noqa: E731
    assert slugs("E05000001") == [world.zone.slug]
    assert slugs("E05000002") == []


def test_schema_names_are_unique():
    """The OpenAPI document names schemas by class name: two classes with one name would
    silently share one (wrong) schema."""
    import inspect

    from ninja import Schema

    from sizes.api import routers, schemas

    modules = [schemas] + [
        m for m in vars(routers).values() if inspect.ismodule(m) and hasattr(m, "router")
    ]
    seen: dict[str, str] = {}
    for module in modules:
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and issubclass(obj, Schema)
                and obj.__module__ == module.__name__
            ):
                assert name not in seen, f"{name} in both {seen[name]} and {module.__name__}"
                seen[name] = module.__name__
    assert len(seen) > 20

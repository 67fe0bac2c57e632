"""The zone map shows where partners are based and the zone's public assets, never
partners-only ones; organisations may record where they are based."""

import datetime

import pytest

from sizes.core.errors import DomainError
from sizes.geo.templating import geo_zone_map
from sizes.partners import services as partner_services
from sizes.resources.tests import builders
from sizes.zones.models import ZoneStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone(ready_zone, council, community):
    ready_zone.status = ZoneStatus.DECLARED
    ready_zone.save(update_fields=["status"])
    council.lat, council.lon = 52.4796, -1.9030
    council.save()
    return ready_zone


def test_partners_places_and_public_assets_are_on_the_map(zone, council, council_signer):
    builders.asset(council_signer, zone, council, name="Park pavilion")
    builders.asset(council_signer, zone, council, name="Case notes", visibility="partners")
    geo = geo_zone_map(zone)
    assert geo["points"] == [
        ("partner", "Test City Council", 52.4796, -1.903),
        ("asset", "Park pavilion", 52.4193, -1.9278),
    ]
    points = [f for f in geo["map_data"]["features"] if f["geometry"]["type"] == "Point"]
    assert [f["properties"] for f in points] == [
        {"part": "partner", "name": "Test City Council"},
        {"part": "asset", "name": "Park pavilion"},
    ]
    assert points[0]["geometry"]["coordinates"] == [-1.903, 52.4796]  # lon, lat (RFC 7946)


def test_zone_page_lists_them_for_people_without_the_map(client, zone, council, council_signer):
    builders.asset(council_signer, zone, council, name="Park pavilion")
    body = client.get(f"/zones/{zone.slug}/").content.decode()
    assert "Park pavilion (asset)" in body
    assert "Test City Council (where the partner is based)" in body


def test_zone_page_map_shows_only_public_assets_to_a_partner_who_sees_more(
    client, zone, council, council_signer
):
    """The page's map takes the public assets from what the reader may see: a partner sees
    partners-only assets in the resources section, never on the map."""
    builders.asset(council_signer, zone, council, name="Park pavilion")
    builders.asset(council_signer, zone, council, name="Case notes", visibility="partners")
    zone.declared_on = datetime.date(2026, 1, 5)  # the resources section shows from then
    zone.save(update_fields=["declared_on"])
    client.force_login(council_signer)
    body = client.get(f"/zones/{zone.slug}/").content.decode()
    assert "<strong>Case notes</strong>" in body  # the resources section lists it for them
    assert "Case notes (asset)" not in body and "Park pavilion (asset)" in body
    zone.status = ZoneStatus.PROPOSED  # still public: the same
    zone.save(update_fields=["status"])
    body = client.get(f"/zones/{zone.slug}/").content.decode()
    assert "Case notes (asset)" not in body and "Park pavilion (asset)" in body


def test_organisation_location_is_checked(council_admin):
    org = partner_services.organisation_create(
        actor=council_admin, name="Hall", kind="voluntary", lat=52.43, lon=-1.92
    )
    assert (org.lat, org.lon) == (52.43, -1.92)
    for lat, lon, code in [
        (52.43, None, "location_incomplete"),
        (95, 0, "coordinates_out_of_range"),
    ]:
        with pytest.raises(DomainError) as exc:
            partner_services.organisation_create(
                actor=council_admin, name=f"Bad {code}", kind="voluntary", lat=lat, lon=lon
            )
        assert exc.value.code == code


def test_organisation_form_takes_a_location(client, council_admin):
    client.force_login(council_admin)
    data = {"name": "Cotteridge Church", "kind": "voluntary", "description": "", "website": ""}
    r = client.post("/organisations/new/", {**data, "lat": "52.41", "lon": ""})
    assert r.status_code == 400 and "Give both the latitude and the longitude" in r.content.decode()
    r = client.post("/organisations/new/", {**data, "lat": "north", "lon": "-1.93"})
    assert r.status_code == 400 and "Enter the latitude as a number" in r.content.decode()
    r = client.post("/organisations/new/", {**data, "lat": "52.41", "lon": "-1.93"})
    assert r.status_code == 302


def test_public_asset_areas_are_drawn_too(zone, council, council_signer):
    park = {
        "type": "Polygon",
        "coordinates": [[[-1.93, 52.418], [-1.925, 52.418], [-1.925, 52.421], [-1.93, 52.421],
                         [-1.93, 52.418]]],
    }  # fmt: skip
    builders.asset(council_signer, zone, council, name="The park", lat="", lon="", area=park)
    builders.asset(
        council_signer, zone, council, name="Private yard", lat="", lon="", area=park,
        visibility="partners",
    )  # fmt: skip
    geo = geo_zone_map(zone)
    assert geo["asset_areas"] == ["The park"]
    names = [f["properties"].get("name") for f in geo["map_data"]["features"]]
    assert "The park" in names and "Private yard" not in names

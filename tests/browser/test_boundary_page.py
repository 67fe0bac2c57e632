"""The steward's boundary page in a real browser: accessible (with the drawing tools started),
no JavaScript errors, the map shows, and GeoJSON in the drawing box is saved as the boundary."""

import json

import pytest
from django.test import Client

from sizes.geo.models import ZoneBoundary
from tests.factories import UserFactory, ZoneFactory

pytestmark = pytest.mark.browser

SQUARE = [[-1.93, 52.428], [-1.925, 52.428], [-1.925, 52.433], [-1.93, 52.433], [-1.93, 52.428]]


@pytest.fixture
def signed_in(page, live_server, transactional_db):
    steward = UserFactory(username="drawer")
    zone = ZoneFactory(slug="drawn-zone", name="Drawn zone", stewards=[steward])
    client = Client()
    client.force_login(steward)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return zone


def test_boundary_page_map_tools_and_save(page, page_problems, axe_check, signed_in):
    zone = signed_in
    page.goto(f"/zones/{zone.slug}/boundary/")
    axe_check(page, "boundary page")
    assert page.locator("#draw-map").is_visible()
    # Leaflet-Geoman's tools started, each with an accessible name.
    assert page.get_by_role("button", name="Draw Polygons").count() == 1
    page.locator("input[name='method'][value='drawn']").check()
    geojson = {"type": "Polygon", "coordinates": [SQUARE]}
    page.locator("#id_drawn").fill(json.dumps(geojson))
    page.get_by_role("button", name="Save the boundary").click()
    page.wait_for_url(f"**/zones/{zone.slug}/")
    assert ZoneBoundary.objects.filter(zone=zone, method="drawn").exists()
    assert page.locator("#zone-map").is_visible()
    assert (
        page.locator("#zone-map .leaflet-overlay-pane path").count() == 2
    )  # core and fringe outlines
    assert not page_problems.summary(), page_problems.summary()

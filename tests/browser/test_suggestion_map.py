"""Suggesting a place by drawing on the map, in a real browser: the drawing tools start, an
area drawn with the rectangle tool (or a point marked) is saved as the suggestion's place, and
/suggestions/ shows it on its map. Axe checks the pages with the map running."""

import pytest

from sizes.engagement.models import Suggestion
from sizes.engagement.services import profile_mark_verified
from sizes.engagement.tests.geo_data import load_wards
from sizes.zones.services import themes_ensure_defaults
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str) -> None:
    page.goto("/account/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("a-long-test-password")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def middle_of(locator) -> tuple[float, float]:
    """The middle of an element in the viewport, once it is scrolled into view."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def click_map(page, x: float, y: float) -> None:
    """A click as a person makes it: move there, press, release (Leaflet needs the move)."""
    page.mouse.move(x - 5, y - 5)
    page.mouse.move(x, y, steps=3)
    page.mouse.down()
    page.mouse.up()
    page.wait_for_timeout(400)  # not a double click


def fill_in(page, place: str) -> None:
    page.get_by_label("Name the place").fill(place)
    page.get_by_label("Why would a zone help here?").fill("Nowhere to meet.")
    page.get_by_label("Housing").check()


@pytest.fixture
def resident_signed_in(page):
    load_wards()
    themes_ensure_defaults()
    user = UserFactory(username="drawer")
    profile_mark_verified(user=user)
    sign_in(page, "drawer")
    return user


def test_draw_an_area_then_see_it_on_the_suggestions_map(
    page, page_problems, axe_check, resident_signed_in
):
    page.goto("/suggestions/new/")
    the_map = page.locator("#suggest-map")
    assert the_map.is_visible()
    axe_check(page, "suggestion form with the drawing tools")
    fill_in(page, "The allotments")
    page.locator("#suggest-map .leaflet-pm-icon-rectangle").click()
    cx, cy = middle_of(the_map)
    click_map(page, cx - 15, cy - 15)
    click_map(page, cx + 15, cy + 15)
    assert '"Polygon"' in page.locator("#id_drawn").input_value()
    with page.expect_navigation():
        page.get_by_role("button", name="Publish the suggestion").click()
    assert "Your suggestion has been published" in page.content(), page.content()
    s = Suggestion.objects.get()
    assert s.area["type"] == "MultiPolygon" and s.lat is None
    assert s.wards.exists()
    assert page.locator("#suggestion-map").is_visible()

    page.goto("/suggestions/")
    assert page.locator("#suggestions-map").is_visible()
    assert page.locator("#suggestions-map path.leaflet-interactive").count() == 1
    axe_check(page, "suggestions with the map")
    assert not page_problems.summary(), page_problems.summary()


def test_mark_a_point_and_drawing_again_replaces_it(page, page_problems, resident_signed_in):
    page.goto("/suggestions/new/")
    fill_in(page, "The corner shop")
    tool = page.locator("#suggest-map .leaflet-pm-icon-circle-marker")
    tool.click()
    cx, cy = middle_of(page.locator("#suggest-map"))
    page.mouse.click(cx + 40, cy)
    tool.click()
    page.mouse.click(cx, cy)
    value = page.locator("#id_drawn").input_value()
    assert value.count('"Point"') == 1, value
    with page.expect_navigation():
        page.get_by_role("button", name="Publish the suggestion").click()
    s = Suggestion.objects.get()
    assert s.lat is not None and s.area is None and s.wards.exists()
    assert not page_problems.summary(), page_problems.summary()

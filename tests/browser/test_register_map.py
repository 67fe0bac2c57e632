"""The register's map of every zone in force, in a real browser: with few zones it loads them
all and fits them; with many it opens on their extent and asks only for the zones in view
(`bbox=`), again when the view moves. No JavaScript errors either way."""

import pytest

from bench.pagedata import populate, simple_shapes
from sizes.geo import maps

pytestmark = pytest.mark.browser


@pytest.fixture
def grid(transactional_db):
    maps.reset()
    populate(n_zones=12, shapes=simple_shapes(12, 1, 0), rich=False, variations_per_zone=0)
    yield
    maps.reset()


def _map_requests(page) -> list[str]:
    seen = []
    page.on("request", lambda r: seen.append(r.url) if "map.geojson" in r.url else None)
    return seen


def _outlines(page):
    page.locator("#register-map .leaflet-overlay-pane path").first.wait_for()
    return page.locator("#register-map .leaflet-overlay-pane path").count()


def test_register_map_with_few_zones_loads_them_all(page, page_problems, grid):
    seen = _map_requests(page)
    page.goto("/zones/")
    assert _outlines(page) == 24  # every zone's core and fringe
    assert seen and not any("bbox=" in url for url in seen), seen
    assert not page_problems.summary(), page_problems.summary()


def test_register_map_with_many_zones_asks_for_the_view(page, page_problems, grid, monkeypatch):
    monkeypatch.setattr(maps, "VIEWPORT_ABOVE", 5)
    seen = _map_requests(page)
    page.goto("/zones/")
    assert _outlines(page) == 24  # the view is the zones' extent: all of them are in it
    assert seen and all("bbox=" in url for url in seen), seen
    # Zoom in three times: each zoom asks again, for a smaller box, and fewer zones draw.
    before = len(seen)
    for _ in range(3):
        with page.expect_response(lambda r: "bbox=" in r.url):
            page.locator("#register-map .leaflet-control-zoom-in").click()
        page.wait_for_timeout(300)
    assert len(seen) >= before + 3 and "bbox=" in seen[-1], seen
    assert _outlines(page) < 24
    assert not page_problems.summary(), page_problems.summary()

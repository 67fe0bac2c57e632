"""Every list page and API list costs a fixed number of SQL queries, however many rows there are.

The list pages are rendered with a few zones (each with variations, partners, outcomes,
indicators, measurements, a review, a lesson, pooled records, a meeting, an idea ...), then with
ten times as many; each must take the same number of queries both times, and no more than its
bound. A page that runs a query per row (an "N+1") fails. The zone's own pages are checked the
same way with a small zone and a zone with many more rows of each kind. Timings live in
bench/b_pages.py, not here.
"""

from __future__ import annotations

import pytest
import shapely
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.pagedata import multipolygon, populate, simple_shapes
from sizes.geo import maps
from tests.factories import MembershipFactory, UserFactory

SMALL, LARGE = 3, 30
WARD = "E05999999"

# url -> the most queries it may take. The bound is a ceiling against regressions; what matters
# is that the count is the same at SMALL and at LARGE zones.
LIST_PAGES = {
    "/": 4,
    "/zones/": 22,
    "/zones/?status=declared&page=1": 22,
    "/zones/map.geojson?zoom=10": 2,
    "/zones/map.geojson?zoom=12&bbox=-2.06,52.37,-2.0,52.4": 2,
    "/variations/": 8,
    f"/variations/?ward={WARD}": 10,
    f"/wards/{WARD}/": 6,
    "/lessons/": 5,
    "/suggestions/": 10,
    "/organisations/": 4,
    "/funders/": 12,
    "/feeds/zones.atom": 4,
    "/feeds/calendar.ics": 6,
    f"/accountability/ward/{WARD}/": 10,
    "/api/v1/zones?limit=100": 8,
    "/api/v1/variations?limit=100": 6,
    "/api/v1/organisations?limit=100": 5,
    "/api/v1/reviews?limit=100": 4,
    "/api/v1/budgets?limit=100": 4,
    "/api/v1/export/zones.geojson": 8,
    "/api/v1/export/zones.csv": 8,
    "/api/v1/lookup?lat=52.38&lon=-2.05": 9,
}

# Pages about one zone: {slug} is filled in. A signed-in partner member sees more controls.
ZONE_PAGES = {
    "/zones/{slug}/": 45,
    "/zones/{slug}/resources/": 40,
    "/zones/{slug}/ideas/": 15,
    "/zones/{slug}/meetings/": 15,
    "/zones/{slug}/sroi/": 15,
    "/variations/?zone={slug}": 10,
    "/history/zone/{slug}/": 15,
    "/accountability/zone/{slug}/": 10,
    "/api/v1/zones/{slug}": 6,
    "/api/v1/zones/{slug}/grade": 20,
    "/api/v1/zones/{slug}/outcomes": 10,
    "/api/v1/zones/{slug}/history": 8,
}


@pytest.fixture(autouse=True)
def _fresh_map_cache():
    maps.reset()
    yield
    maps.reset()


def _ward():
    """A ward covering every generated zone, for the ward pages and the ward filter."""
    from sizes.geo.models import AreaType, ReferenceArea

    box = shapely.box(-2.2, 52.3, -1.5, 52.7)
    area = ReferenceArea(
        type=AreaType.WARD, code=WARD, name="Bench ward", vintage="2024",
        geometry=multipolygon(box), area_m2=1e9,
    )  # fmt: skip
    area.set_bbox(box.bounds)
    area.save()


def _count(client, url: str) -> int:
    client.get(url)  # warm per-process caches (map shapes, lookup index) as a live server has
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return len(ctx)


def _counts(clients, pages: dict[str, int], **fmt) -> dict[tuple[str, str], int]:
    return {
        (who, url): _count(client, url.format(**fmt))
        for who, client in clients.items()
        for url in pages
    }


def _problems(pages, small, large, what) -> list[str]:
    out = []
    for (who, url), n in large.items():
        if n != small[(who, url)]:
            out.append(
                f"{url} ({who}): {small[(who, url)]} queries with {what[0]}, {n} with {what[1]}"
            )
        if n > pages[url]:
            out.append(f"{url} ({who}): {n} queries, more than the {pages[url]} allowed")
    return out


@pytest.fixture
def clients(client, django_user_model):
    from django.test import Client

    member = Client()
    member.force_login(UserFactory(username="member"))
    return {"anonymous": client, "signed in": member}


@pytest.mark.django_db
def test_list_pages_take_the_same_queries_for_3_and_30_zones(clients):
    _ward()
    populate(n_zones=SMALL, shapes=simple_shapes(SMALL, 1, 0))
    small = _counts(clients, LIST_PAGES)
    populate(n_zones=LARGE - SMALL, shapes=simple_shapes(LARGE - SMALL, 1, SMALL))
    large = _counts(clients, LIST_PAGES)
    problems = _problems(LIST_PAGES, small, large, (f"{SMALL} zones", f"{LARGE} zones"))
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_zone_pages_take_the_same_queries_for_a_small_and_a_big_zone(clients):
    from sizes.partners.models import Partnership
    from sizes.zones.models import Zone

    populate(n_zones=1, shapes=simple_shapes(1, 1, 0), variations_per_zone=2,
             partners_per_zone=2, years=1)  # fmt: skip
    populate(n_zones=1, shapes=simple_shapes(1, 1, 1), variations_per_zone=20,
             partners_per_zone=8, years=6, outcomes_per_zone=5,
             indicators_per_zone=8)  # fmt: skip
    small_zone, big_zone = Zone.objects.order_by("pk")[:2]
    # A neighbour over each, with variations of the same rules: overlaps and conflicts show.
    populate(n_zones=2, shapes=simple_shapes(1, 1, 0) + simple_shapes(1, 1, 1),
             variations_per_zone=7)  # fmt: skip
    # The signed-in person belongs to a partner of both zones (controls, partners-only rows).
    org = Partnership.objects.filter(zone=small_zone).first().organisation
    Partnership.objects.get_or_create(
        zone=big_zone, organisation=org, defaults={"commitment": "We take part."}
    )
    member = clients["signed in"].session["_auth_user_id"]
    MembershipFactory(user_id=member, organisation=org)
    small = _counts(clients, ZONE_PAGES, slug=small_zone.slug)
    large = _counts(clients, ZONE_PAGES, slug=big_zone.slug)
    problems = _problems(ZONE_PAGES, small, large, ("a small zone", "a big zone"))
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_lookup_takes_the_same_queries_for_one_zone_or_several_at_the_place(client):
    """A place inside several zones costs no more queries than a place inside one."""
    shape = simple_shapes(1, 1, 0)
    centre = shape[0][0].centroid
    url = f"/api/v1/lookup?lat={centre.y:.6f}&lon={centre.x:.6f}"
    populate(n_zones=1, shapes=shape, rich=False)
    one = _count(client, url)
    populate(n_zones=3, shapes=shape * 3, rich=False)  # three more zones over the same place
    assert len(client.get(url).json()["in_force"]) == 4
    several = _count(client, url)
    assert several == one, f"{one} queries for a place in one zone, {several} in four"

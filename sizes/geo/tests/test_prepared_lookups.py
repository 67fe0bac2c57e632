"""The place lookup's reads as prepared statements on PostgreSQL (sizes/core/prepared.py): made
once per connection and reused, the same answers as without, still logged and counted by
Django, turned off by SIZES_PG_PREPARE_LOOKUPS, and never on SQLite."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sizes.core import prepared
from sizes.geo.models import Postcode
from sizes.geo.selectors import lookup_point, lookup_postcode
from sizes.geo.tests.test_lookup_reads import two_zones  # noqa: F401 - a fixture
from sizes.geo.tests.test_maps_overlaps_variations import CORE_POINT

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


def lookup_statements() -> dict[str, int]:
    """This connection's prepared statements that read the lookup's tables: {text: plans}."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        return {
            text: plans
            for text, plans in cursor.fetchall()
            if "geo_zoneboundary" in text or "geo_postcode" in text
        }


def answer(result) -> list:
    return [
        [(i.zone.slug, i.membership, i.distance_m, i.active_variations) for i in result.in_force],
        [(v.variation.title, v.variation.owner.name, v.near) for v in result.variations],
    ]


@on_postgresql
def test_the_lookups_reads_are_prepared_once_and_reused(two_zones):  # noqa: F811
    Postcode.objects.create(postcode="B30 2ZZ", lat=CORE_POINT[0], lon=CORE_POINT[1])
    before = lookup_statements()
    first = lookup_postcode("B30 2ZZ")
    made = lookup_statements()
    # The postcode's read and the zones' read, each prepared, with placeholders for values.
    new = {text: plans for text, plans in made.items() if plans > before.get(text, 0)}
    assert len(new) == 2 and all("$1" in text and "B30" not in text for text in new)
    for _ in range(3):
        again = lookup_postcode("B30 2ZZ")
        point = lookup_point(*CORE_POINT)
    used = lookup_statements()
    # From then on the postcode's place is kept: one read, the zones' with the postcode's row
    # checked, prepared once and reused (and the zones' read by point reused as it was).
    added = {text: plans for text, plans in used.items() if text not in made}
    assert len(added) == 1 and list(added.values()) == [3]
    [checked] = added
    assert "geo_postcode" in checked and "geo_zoneboundary" in checked and "B30" not in checked
    [zones_read] = [text for text in new if "geo_zoneboundary" in text]
    assert used[zones_read] == made[zones_read] + 3
    assert answer(again) == answer(first) == answer(point) and first.in_force


@on_postgresql
def test_prepared_or_not_the_answer_is_the_same(two_zones, settings):  # noqa: F811
    with_prepared = lookup_point(*CORE_POINT)
    before = lookup_statements()
    settings.SIZES_PG_PREPARE_LOOKUPS = False
    without = lookup_point(*CORE_POINT)
    assert lookup_statements() == before  # neither made nor used
    assert answer(without) == answer(with_prepared)
    assert len(with_prepared.in_force) == 2 and len(with_prepared.variations) == 3


def test_the_prepared_reads_are_still_counted_as_queries(two_zones):  # noqa: F811
    lookup_point(*CORE_POINT)
    with CaptureQueriesContext(connection) as queries:
        lookup_point(*CORE_POINT)
    # Counted and shown in Django's log as any query is.
    assert len(queries) == 1
    assert '"geo_zoneboundary" b' in queries[0]["sql"]


def test_only_postgresql_prepares(settings):
    assert prepared.enabled(connection) is (connection.vendor == "postgresql")
    settings.SIZES_PG_PREPARE_LOOKUPS = False
    assert prepared.enabled(connection) is False


@on_postgresql
def test_a_point_in_no_zone_reads_the_revision_prepared_too(two_zones):  # noqa: F811
    far = (CORE_POINT[0] + 1.0, CORE_POINT[1])
    assert lookup_point(*far).in_force == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        texts = [text for (text,) in cursor.fetchall()]
    assert any("geo_georevision" in t and "$1" in t and "JOIN" not in t for t in texts)

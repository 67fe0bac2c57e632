"""The zones and variations registers come in pages (GOV.UK pagination), so they stay quick
with thousands of zones; filters with thousands of choices become text boxes."""

from __future__ import annotations

import re

import pytest

from bench.pagedata import populate, simple_shapes
from sizes.core.pagination import PER_PAGE, page_numbers
from sizes.variations import selectors as variation_selectors


def test_page_numbers_show_ends_neighbours_and_gaps():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 3) == [1, 2, 3]
    assert page_numbers(5, 20) == [1, None, 4, 5, 6, None, 20]
    assert page_numbers(20, 20) == [1, None, 19, 20]


@pytest.fixture
def many_zones(db):
    populate(n_zones=PER_PAGE + 5, shapes=simple_shapes(PER_PAGE + 5, 1, 0), rich=False)


def test_zone_register_pages(client, many_zones):
    first = client.get("/zones/").content.decode()
    assert f"Showing 1 to {PER_PAGE} of {PER_PAGE + 5} zones" in first
    assert "Bench zone 000000" in first and f"Bench zone {PER_PAGE:06d}" not in first
    assert 'class="govuk-pagination' in first and 'href="/zones/?page=2"' in first
    second = client.get("/zones/?page=2").content.decode()
    assert f"Showing {PER_PAGE + 1} to {PER_PAGE + 5} of {PER_PAGE + 5} zones" in second
    assert f"Bench zone {PER_PAGE:06d}" in second and "Bench zone 000000<" not in second
    assert 'href="/zones/"' in second  # back to page 1, without ?page=1


def test_zone_register_keeps_filters_in_page_links(client, many_zones):
    body = client.get("/zones/?status=declared").content.decode()
    assert 'href="/zones/?status=declared&amp;page=2"' in body


@pytest.mark.parametrize("page", ["abc", "-1", "999"])
def test_a_bad_page_number_still_shows_a_page(client, many_zones, page):
    response = client.get(f"/zones/?page={page}")
    assert response.status_code == 200
    assert "Showing" in response.content.decode()


def test_a_short_register_has_no_page_links(client, db):
    populate(n_zones=2, shapes=simple_shapes(2, 1, 0), rich=False)
    body = client.get("/zones/").content.decode()
    assert "2 zones" in body and "govuk-pagination" not in body


def test_variation_register_pages_in_subject_order(client, db):
    populate(n_zones=20, shapes=simple_shapes(20, 1, 0), variations_per_zone=3, rich=False)
    first = client.get("/variations/").content.decode()
    assert f"Showing 1 to {PER_PAGE} of 60 variations" in first
    assert 'href="/variations/?page=2"' in first
    second = client.get("/variations/?page=2").content.decode()
    assert f"Showing {PER_PAGE + 1} to 60 of 60 variations" in second
    titles = [set(re.findall(r"Variation \d+ in zone \d+", page)) for page in (first, second)]
    assert not titles[0] & titles[1] and len(titles[0] | titles[1]) == 60


def test_variation_filters_become_text_boxes_when_there_are_too_many(client, db, monkeypatch):
    populate(n_zones=3, shapes=simple_shapes(3, 1, 0), variations_per_zone=1, rich=False)
    body = client.get("/variations/").content.decode()
    assert '<select class="govuk-select" id="filter-zone"' in body
    monkeypatch.setattr(variation_selectors, "FILTER_SELECT_MAX", 2)
    body = client.get("/variations/").content.decode()
    assert '<input class="govuk-input" id="filter-zone" name="zone"' in body
    assert '<input class="govuk-input" id="filter-partner" name="partner"' in body
    # The text box takes the zone's name as well as its slug.
    by_name = client.get("/variations/?zone=bench+zone+000001").content.decode()
    assert "1 variation<" in by_name and "Variation 1 in zone" in by_name
    by_partner = client.get("/variations/?partner=Bench+organisation+0").content.decode()
    assert "No variations match" not in by_partner


def test_register_pages_keep_the_register_order(client, db):
    """Each page's rows come in the queryset's order (the page is sorted by id, then loaded)."""
    from sizes.zones.models import Zone

    populate(n_zones=20, shapes=simple_shapes(20, 1, 0), variations_per_zone=4, rich=False)
    # Names in the reverse of the order the rows were made: id order is not the register's.
    for i, pk in enumerate(Zone.objects.order_by("pk").values_list("pk", flat=True)):
        Zone.objects.filter(pk=pk).update(name=f"Zone {99 - i}")
    expected = [
        v.title
        for v in variation_selectors.in_register_order(variation_selectors.variations_public())
    ]
    shown = []
    for page in (1, 2):
        body = client.get(f"/variations/?page={page}").content.decode()
        shown += re.findall(r"Variation \d+ in zone \d+", body)
    # Each title appears once in its row (a heading or link); keep the first of each.
    assert list(dict.fromkeys(shown)) == expected
    names = [z.name for z in Zone.objects.order_by("name")]
    zones = re.findall(
        r'<a class="govuk-link" href="/zones/[^"]+/">([^<]+)</a>',
        client.get("/zones/").content.decode(),
    )
    assert zones == names[:PER_PAGE] or zones == names


def test_pages_read_by_subject_give_the_register_order_on_every_page(db):
    """The register reads each page from its subject's rows (`GroupedIds`): every page, those
    crossing from one subject into the next included, is the slice of the register order."""
    from django.core.paginator import Paginator

    from sizes.core.pagination import GroupedIds
    from sizes.variations.models import Variation
    from sizes.zones.models import Zone, ZoneStatus

    populate(n_zones=12, shapes=simple_shapes(12, 1, 0), variations_per_zone=5, rich=False)
    # Zones sharing a name (their variations interleave by title), and a subject that is not
    # in the list (last, as its unknown rank put it).
    for i, pk in enumerate(Zone.objects.order_by("pk").values_list("pk", flat=True)):
        Zone.objects.filter(pk=pk).update(name=f"Zone {i % 4}")
    Variation.objects.filter(pk=Variation.objects.order_by("pk")[3].pk).update(subject="other")
    # A zone that is not public: its variations are neither shown nor counted.
    Zone.objects.filter(pk=Zone.objects.order_by("pk")[5].pk).update(status=ZoneStatus.DRAFT)
    public = variation_selectors.variations_public()
    counting = variation_selectors.variations_public(counting=True)
    expected = list(variation_selectors.in_register_order(public).values_list("pk", flat=True))
    assert len(expected) == 12 * 5 - 5
    assert sorted(counting.values_list("pk", flat=True)) == sorted(expected)
    assert len({v.subject for v in public}) >= 4
    for per_page, count_with in ((7, None), (13, counting), (50, counting)):
        ids = GroupedIds(public, **variation_selectors.register_groups(counting=count_with))
        paginator = Paginator(ids, per_page)
        shown = [pk for n in paginator.page_range for pk in paginator.page(n).object_list]
        assert paginator.count == len(expected)
        assert shown == expected, per_page
    # A filter keeps its order too.
    some = public.filter(zone__name="Zone 1")
    ids = GroupedIds(some, **variation_selectors.register_groups())
    want = list(variation_selectors.in_register_order(some).values_list("pk", flat=True))
    assert [pk for n in (1, 2) for pk in Paginator(ids, 8).page(n).object_list] == want[:16]

"""Atom and iCalendar feeds parse with standard parsers, list only public zones, and carry no
personal data."""

import datetime as dt

import feedparser
import icalendar
import pytest

from sizes.variations.tests.builders import build_world
from sizes.zones.models import ZoneStatus
from tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def draft(db):
    return ZoneFactory(name="Hidden draft zone", slug="hidden-draft", status=ZoneStatus.DRAFT)


def test_site_feed_parses_and_lists_declarations_and_variation_changes(client, world, draft):
    response = client.get("/feeds/zones.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    titles = [e.title for e in feed.entries]
    assert f"{world.zone.name} declared" in titles
    assert (
        f"Variation in effect in {world.zone.name}: “Park pavilion open early for health walks”"
    ) in titles
    assert f"Variation ended in {world.zone.name}: “Community room booking rule relaxed”" in titles
    assert sum(t.startswith("Variation agreed") for t in titles) == 3  # once each, not per side
    assert not any("proposed" in t.lower() for t in titles)
    # Stable ids and links to the public history.
    ids = [e.id for e in feed.entries]
    assert len(set(ids)) == len(ids)
    assert all("/history/" in e.link and "#event-" in e.link for e in feed.entries)
    # Newest first.
    published = [e.published_parsed for e in feed.entries]
    assert published == sorted(published, reverse=True)
    body = response.content.decode()
    assert "Hidden draft zone" not in body
    for private in world.private_strings:
        assert private not in body


def test_zone_feed_covers_one_zone_and_reviews(client, world):
    from sizes.zones import services as zs

    other = build_world(name="Other zone")
    zs.zone_mark_review_due(zone=world.zone, today=world.zone.review_date)
    feed = feedparser.parse(client.get(f"/feeds/zones/{world.zone.slug}.atom").content)
    assert not feed.bozo
    titles = [e.title for e in feed.entries]
    assert titles[0] == f"{world.zone.name} is due for review"
    assert not any(other.zone.name in t for t in titles)
    assert feed.feed.title == f"{world.zone.name}: declaration, reviews and variations"


def test_feeds_of_drafts_and_unknown_zones_are_not_found(client, draft):
    for url in (
        "/feeds/zones/hidden-draft.atom",
        "/feeds/zones/hidden-draft.ics",
        "/feeds/zones/nowhere.atom",
        "/feeds/zones/nowhere.ics",
    ):
        assert client.get(url).status_code == 404, url


def _events(response) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_calendar_lists_review_and_variation_dates_with_stable_uids(client, world, draft):
    response = client.get(f"/feeds/zones/{world.zone.slug}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = _events(response)
    zone, active, ended = world.zone, world.active, world.ended_recently
    review_uid = f"zone-{zone.pk}-review-{zone.review_date:%Y%m%d}@testserver"
    assert events[review_uid]["DTSTART"].dt == zone.review_date
    assert events[f"variation-{active.pk}-start@testserver"]["DTSTART"].dt == active.start_date
    assert f"variation-{active.pk}-end@testserver" not in events  # no end date: runs to the end
    ended.refresh_from_db()
    assert events[f"variation-{ended.pk}-end@testserver"]["DTSTART"].dt == ended.ended_on
    assert f"variation-{world.proposed.pk}-start@testserver" not in events  # not agreed yet
    # The same request again gives the same UIDs.
    assert set(_events(client.get(f"/feeds/zones/{zone.slug}.ics"))) == set(events)
    body = response.content.decode()
    for private in world.private_strings:
        assert private not in body


def test_site_calendar_has_every_public_zone_and_no_draft(client, world, draft):
    draft.review_date = dt.date(2031, 1, 1)
    draft.save()
    response = client.get("/feeds/calendar.ics")
    assert response.status_code == 200
    events = _events(response)
    assert any(uid.startswith(f"zone-{world.zone.pk}-review") for uid in events)
    assert not any(uid.startswith(f"zone-{draft.pk}-") for uid in events)


def test_every_page_announces_the_site_feed(client, world):
    html = client.get("/zones/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/feeds/zones.atom"' in html

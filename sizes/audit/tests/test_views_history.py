"""Public history pages: plain English, newest first, no personal data, drafts hidden."""

import re

import pytest

from sizes.audit.models import AuditEvent
from sizes.audit.selectors import AUTOMATIC, PUBLIC_MEMBER, STEWARD, zone_history
from sizes.core.errors import NotAllowed
from sizes.variations import services as vs
from sizes.variations.tests.builders import build_world
from sizes.zones import services as zs
from sizes.zones.models import ZoneStatus
from tests.factories import UserFactory, ZoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def page_text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_zone_history_tells_the_story_in_plain_english_newest_first(client, world):
    response = client.get(f"/history/zone/{world.zone.slug}/")
    assert response.status_code == 200
    text = page_text(response)
    for sentence in [
        "Birmingham City Council agreed to take part.",
        "Friends of Park Lane agreed to take part.",
        "A steward of the zone declared the zone.",
        "A steward of the zone opened the zone for public consultation.",
        "Birmingham City Council put the variation “Park pavilion open early for health "
        "walks” into effect.",
        "A member of the public commented on the zone.",
        "Reason given: Moved to a new room.",
    ]:
        assert sentence in text, sentence
    # Field-level before and after, with plain status names.
    assert "Status proposed – in consultation declared" in text
    assert "Status active ended" in text
    # Newest first.
    assert text.index("commented on the zone") < text.index("declared the zone")


def test_no_username_or_email_of_anyone_appears(client, world):
    for url in (f"/history/zone/{world.zone.slug}/", f"/history/variation/{world.active.pk}/"):
        html = client.get(url).content.decode()
        for private in world.private_strings:
            assert private not in html, (url, private)


def test_comment_text_is_not_repeated_in_the_history(client, world):
    html = client.get(f"/history/zone/{world.zone.slug}/").content.decode()
    assert "I walk here every morning" not in html


def test_refused_attempts_are_kept_but_not_shown(client, world):
    with pytest.raises(NotAllowed):
        vs.variation_end(actor=world.resident, variation=world.active, reason="Stop it.")
    assert AuditEvent.objects.filter(action="refused.variation.end").exists()
    for url in (f"/history/zone/{world.zone.slug}/", f"/history/variation/{world.active.pk}/"):
        text = page_text(client.get(url))
        assert "refused" not in text.lower()
        assert "Stop it." not in text


def test_automatic_changes_are_shown_as_automatic(world):
    import datetime as dt

    zs.zone_mark_review_due(zone=world.zone, today=world.zone.review_date + dt.timedelta(days=1))
    newest = zone_history(zone=world.zone)[0]
    assert newest.who == AUTOMATIC
    assert newest.text == "The zone's review date came: it is now due for review."


def test_actors_are_named_by_role(world):
    entries = zone_history(zone=world.zone)
    whos = {e.who for e in entries}
    assert {"Birmingham City Council", "Friends of Park Lane", STEWARD, PUBLIC_MEMBER} <= whos
    assert not whos & set(world.private_strings)


def test_a_steward_who_leaves_no_name_when_their_account_goes(client, world):
    world.steward.delete()  # the events keep actor_label (a username); the page must not
    html = client.get(f"/history/zone/{world.zone.slug}/").content.decode()
    assert world.steward.username not in html
    assert "Someone whose account has since been closed declared the zone." in html


def test_variation_history_shows_only_that_variation(client, world):
    response = client.get(f"/history/variation/{world.ended_recently.pk}/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Community room booking rule relaxed" in text
    assert "Birmingham City Council ended the variation" in text
    assert "Park pavilion" not in text
    assert "declared the zone" not in text


def test_drafts_and_unknown_objects_are_not_found(client, world):
    steward = UserFactory(username="draft_steward_zz")
    draft = ZoneFactory(status=ZoneStatus.DRAFT, slug="secret-draft", stewards=[steward])
    assert client.get("/history/zone/secret-draft/").status_code == 404
    assert client.get("/history/zone/no-such-zone/").status_code == 404
    assert client.get("/history/variation/999999/").status_code == 404
    # A variation whose zone is a draft again is unreachable too (e.g. data fixed by an admin).
    world.zone.status = ZoneStatus.DRAFT
    world.zone.save(update_fields=["status"])
    assert client.get(f"/history/variation/{world.active.pk}/").status_code == 404
    assert draft.pk


def test_the_zone_history_announces_its_feeds(client, world):
    html = client.get(f"/history/zone/{world.zone.slug}/").content.decode()
    assert f'href="/feeds/zones/{world.zone.slug}.atom"' in html
    assert f'href="/feeds/zones/{world.zone.slug}.ics"' in html
    assert 'type="application/atom+xml"' in html

"""Privacy: download all my data; delete my account keeping the public record coherent;
personal data never in public pages, feeds or the API."""

import json

import pytest
from django.urls import reverse

from sizes.core.errors import DomainError, NotAllowed
from sizes.engagement import services
from sizes.engagement.models import (
    FORMER_MEMBER,
    Comment,
    Follow,
    Idea,
    Notice,
    Profile,
    Suggestion,
    Support,
)
from sizes.engagement.privacy import account_delete, privacy_export
from sizes.engagement.tests.conftest import verified
from sizes.engagement.tests.test_ideas import propose
from sizes.engagement.tests.test_suggestions import suggest
from sizes.zones.services import themes_ensure_defaults
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "private.person@example.org"
HOME = "B30 2AA"


@pytest.fixture
def person(db, wards, postcodes, declared, council):
    themes_ensure_defaults()
    user = verified(UserFactory(username="pat", email=EMAIL, display_name="Pat"))
    services.profile_update(
        actor=user, user=user, display_name="Pat", home_postcode=HOME, role="resident"
    )
    s = suggest(user)
    other = verified(UserFactory(username="other"))
    services.suggestion_support(actor=user, suggestion=suggest(other, place="Other place"))
    idea = propose(user, declared, council)
    services.comment_add(actor=user, target=declared, body="My zone comment")
    services.comment_add(actor=user, target=s, body="My suggestion comment")
    services.comment_add(actor=user, target=idea, body="My idea comment")
    services.follow_zone(actor=user, zone=declared)
    services.follow_area(actor=user, radius_m=1000)
    return user


def test_export_contains_every_record(person):
    data = json.loads(json.dumps(privacy_export(user=person)))
    assert data["account"]["email"] == EMAIL
    assert data["profile"]["home_postcode"] == HOME
    assert [s["place"] for s in data["suggestions"]] == ["Stirchley high street"]
    assert len(data["supports"]) == 1 and len(data["ideas"]) == 1
    assert sorted(c["body"] for c in data["comments"]) == [
        "My idea comment", "My suggestion comment", "My zone comment"]  # fmt: skip
    assert len(data["follows"]) == 2
    assert {a["action"] for a in data["activity"]} >= {"suggestion.created", "idea.proposed",
                                                       "comment.added"}  # fmt: skip


def test_download_page(client, person):
    client.force_login(person)
    assert client.get(reverse("engagement:privacy")).status_code == 200
    r = client.get(reverse("engagement:privacy-download"))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/json")
    assert json.loads(r.content)["account"]["username"] == "pat"


def test_delete_keeps_contributions_as_a_former_members(client, person, declared):
    with pytest.raises(NotAllowed):
        account_delete(actor=UserFactory(), user=person, password="a-long-test-password")
    with pytest.raises(DomainError):
        account_delete(actor=person, user=person, password="wrong")
    pk = person.pk
    account_delete(actor=person, user=person, password="a-long-test-password")
    assert not Profile.objects.filter(user_id=pk).exists()
    assert not Follow.objects.filter(user_id=pk).exists()
    assert not Notice.objects.filter(user_id=pk).exists()
    s = Suggestion.objects.get(place="Stirchley high street")
    assert s.author is None and s.author_name == FORMER_MEMBER
    assert Support.objects.filter(user__isnull=True).count() == 1  # support still counts
    assert Idea.objects.get().author_name == FORMER_MEMBER
    assert Comment.objects.filter(author__isnull=True).count() == 3
    page = client.get(reverse("engagement:suggestion", args=[s.pk])).content.decode()
    assert FORMER_MEMBER in page and "My suggestion comment" in page
    idea_page = client.get(reverse("engagement:idea", args=[declared.slug, Idea.objects.get().pk]))
    assert FORMER_MEMBER in idea_page.content.decode()


def test_delete_page(client, person):
    client.force_login(person)
    url = reverse("engagement:account-delete")
    assert client.get(url).status_code == 200
    r = client.post(url, {"password": "nope"})
    assert r.status_code == 400 and "The password is not right" in r.content.decode()
    r = client.post(url, {"password": "a-long-test-password"})
    assert r.status_code == 302
    assert not type(person).objects.filter(pk=person.pk).exists()


def test_personal_data_never_in_public_pages_feeds_or_api(client, person, declared):
    s = Suggestion.objects.get(place="Stirchley high street")
    idea = Idea.objects.get()
    urls = [
        reverse("engagement:suggestions"),
        reverse("engagement:suggestion", args=[s.pk]),
        reverse("engagement:ideas", args=[declared.slug]),
        reverse("engagement:idea", args=[declared.slug, idea.pk]),
        reverse("engagement:meetings", args=[declared.slug]),
        reverse("zones:detail", args=[declared.slug]),
        reverse("feeds:zone", args=[declared.slug]),
        reverse("feeds:zone-calendar", args=[declared.slug]),
        reverse("feeds:zones"),
        reverse("history:zone", args=[declared.slug]),
    ]
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200, url
        text = r.content.decode()
        assert EMAIL not in text and HOME not in text, url
        assert "B30 2BJ" not in text, url  # the postcode typed for the suggestion
    for url in [f"/api/v1/zones/{declared.slug}", f"/api/v1/zones/{declared.slug}/history",
                "/api/v1/zones"]:  # fmt: skip
        r = client.get(url)
        assert r.status_code < 500, url
        assert EMAIL not in r.content.decode() and HOME not in r.content.decode(), url

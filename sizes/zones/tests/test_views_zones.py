"""Zone pages: register, detail, propose, edit, outcomes, comments."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from sizes.engagement.models import Comment, CommentStatus
from sizes.partners.models import Partnership
from sizes.zones.models import Outcome, Zone, ZoneStatus
from tests.factories import PartnershipFactory, UserFactory, ZoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Factories hash a password for every user; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def html(response) -> str:
    return response.content.decode()


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", html(response), re.S).group(1).strip()


def assert_one_h1(response):
    assert html(response).count("<h1") == 1


def future(days=200) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def date_fields(name: str, d: dt.date) -> dict:
    return {f"{name}_day": d.day, f"{name}_month": d.month, f"{name}_year": d.year}


def propose_data(**overrides) -> dict:
    data = {
        "name": "Stirchley health zone",
        "summary": "Better health for people in Stirchley.",
        "themes": ["Health and well-being", "Housing"],
        "other_themes": "Food, digital skills",
        "intention": "We will work together on health.",
        "outcome_title": "Fewer emergency admissions",
        "outcome_description": "Fewer people taken to hospital in an emergency.",
        **date_fields("review_date", future()),
    }
    data.update(overrides)
    return data


# --- Register ---------------------------------------------------------------------------------


def test_register_lists_public_zones_with_their_details(client, ready_zone):
    ZoneFactory(name="Secret draft", status=ZoneStatus.DRAFT)
    r = client.get(reverse("zones:register"))
    assert r.status_code == 200
    assert_one_h1(r)
    body = html(r)
    assert "Ready zone" in body and "Secret draft" not in body
    assert "Test City Council" in body and "Friends of Test Park" in body
    assert "1 of 5 stars" not in body and "0 of 5 stars" in body  # proposed: not declared
    assert "Propose a zone" not in body  # anonymous


def test_register_shows_days_left_and_filters(client, steward):
    today = timezone.localdate()
    ZoneFactory(
        name="Open zone",
        status=ZoneStatus.PROPOSED,
        proposed_on=today,
        consultation_ends=today + dt.timedelta(days=10),
    )
    ZoneFactory(name="Declared zone", status=ZoneStatus.DECLARED, declared_on=today)
    r = client.get(reverse("zones:register"))
    assert "10 days left" in html(r)
    r = client.get(reverse("zones:register"), {"status": "declared"})
    assert "Declared zone" in html(r) and "Open zone" not in html(r)
    r = client.get(reverse("zones:register"), {"status": "nonsense", "theme": "<script>x"})
    assert r.status_code == 200 and "<script>x" not in html(r)


def test_register_filters_by_theme(client, steward):
    client.force_login(steward)
    client.post(reverse("zones:propose"), propose_data(action="publish"))
    ZoneFactory(name="Other zone", status=ZoneStatus.PROPOSED)
    r = client.get(reverse("zones:register"), {"theme": "housing"})
    assert "Stirchley health zone" in html(r) and "Other zone" not in html(r)
    assert "Propose a zone" in html(r)


# --- Propose ----------------------------------------------------------------------------------


def test_propose_needs_sign_in(client):
    r = client.get(reverse("zones:propose"))
    assert r.status_code == 302 and r.url.startswith(reverse("accounts:sign-in"))


def test_propose_form_has_labelled_fields(client, resident):
    client.force_login(resident)
    r = client.get(reverse("zones:propose"))
    assert r.status_code == 200
    assert_one_h1(r)
    body = html(r)
    for label in (
        "Zone name",
        "Summary",
        "Themes",
        "Other themes (optional)",
        "Intended review date",
        "Statement of shared intention",
        "First outcome",
        "Save as draft",
        "Propose and open consultation",
    ):
        assert label in body
    assert 'for="id_name"' in body and 'name="review_date_day"' in body
    assert title(r).startswith("Propose a zone")


def test_propose_saves_a_draft(client, resident):
    client.force_login(resident)
    r = client.post(reverse("zones:propose"), propose_data(action="draft"))
    zone = Zone.objects.get()
    assert r.status_code == 302 and r.url == reverse("zones:detail", args=[zone.slug])
    assert zone.status == ZoneStatus.DRAFT
    assert zone.stewards.filter(pk=resident.pk).exists()
    assert sorted(t.name for t in zone.themes.all()) == [
        "Food",
        "Health and well-being",
        "Housing",
        "digital skills",
    ]
    assert zone.outcomes.get().title == "Fewer emergency admissions"
    r = client.get(r.url)
    assert "has been saved as a draft" in html(r)


def test_propose_and_publish(client, resident):
    client.force_login(resident)
    client.post(reverse("zones:propose"), propose_data(action="publish"))
    zone = Zone.objects.get()
    assert zone.status == ZoneStatus.PROPOSED and zone.consultation_ends is not None


@pytest.mark.parametrize(
    ("overrides", "message", "href"),
    [
        ({"name": "  "}, "Enter a name for the zone.", "#id_name"),
        (
            {"review_date_day": "31", "review_date_month": "2", "review_date_year": "2030"},
            "Review date must be a real date.",
            "#id_review_date",
        ),
        (
            {"review_date_day": "x", "review_date_month": "2", "review_date_year": "2030"},
            "Review date must be a real date.",
            "#id_review_date",
        ),
        (
            {"review_date_day": "1", "review_date_month": "", "review_date_year": "2030"},
            "Review date must include a month.",
            "#id_review_date",
        ),
        (
            {"review_date_day": "", "review_date_month": "", "review_date_year": ""},
            "Enter the review date.",
            "#id_review_date",
        ),
        (
            {"review_date_day": "1", "review_date_month": "1", "review_date_year": "30"},
            "Year must include 4 numbers.",
            "#id_review_date",
        ),
        (
            date_fields("review_date", timezone.localdate()),
            "The intended review date must be in the future.",
            "#id_review_date",
        ),
        ({"name": "x" * 201}, "must be 200 characters or fewer", "#id_name"),
        ({"themes": ["Not a theme"]}, "Choose themes from the list.", "#id_themes"),
    ],
)
def test_propose_bad_input_says_what_is_wrong_and_saves_nothing(
    client, resident, overrides, message, href
):
    client.force_login(resident)
    r = client.post(reverse("zones:propose"), propose_data(action="publish", **overrides))
    assert r.status_code == 400
    body = html(r)
    assert message in body
    assert f'href="{href}"' in body
    assert title(r).startswith("Error: ")
    assert_one_h1(r)
    assert not Zone.objects.exists()


def test_propose_with_everything_missing_lists_every_error(client, resident):
    client.force_login(resident)
    r = client.post(reverse("zones:propose"), {})
    assert r.status_code == 400
    for message in (
        "Enter a name for the zone.",
        "Enter a summary.",
        "Enter the review date.",
        "Enter the statement of shared intention.",
    ):
        assert message in html(r)


# --- Detail -----------------------------------------------------------------------------------


def test_detail_for_anonymous_shows_public_facts_and_no_actions(client, ready_zone):
    p = ready_zone.partnerships.first()
    p.response, p.response_text = Partnership.Response.RESERVATIONS, "Only on weekdays."
    p.save()
    Comment.objects.create(zone=ready_zone, author=UserFactory(), body="Good idea")
    Comment.objects.create(
        zone=ready_zone, author=UserFactory(), body="Hidden spam", hidden=True,
        status=CommentStatus.HIDDEN, moderation_reason="Spam.",
    )  # fmt: skip
    r = client.get(reverse("zones:detail", args=[ready_zone.slug]))
    assert r.status_code == 200
    assert_one_h1(r)
    body = html(r)
    assert "More people active in the park" in body
    assert "Agreed with reservations" in body and "Only on weekdays." in body
    assert "Good idea" in body and "Hidden spam" not in body
    assert "Edit the zone" not in body and "Declare the zone" not in body
    assert "Sign in to comment" in body
    assert "1 of 5 stars" not in body and "0 of 5 stars" in body  # proposed: not declared


def test_detail_shows_steward_actions_only_to_stewards(client, ready_zone, steward, resident):
    client.force_login(resident)
    body = html(client.get(reverse("zones:detail", args=[ready_zone.slug])))
    assert "Edit the zone" not in body and "Invite a partner" not in body
    assert "Add a comment" in body
    client.force_login(steward)
    body = html(client.get(reverse("zones:detail", args=[ready_zone.slug])))
    for action in ("Edit the zone", "Add an outcome", "Invite a partner", "Declare the zone"):
        assert action in body
    assert "Withdraw the zone" in body and "Record a review" not in body


def test_detail_offers_a_signer_the_answer_link(client, ready_zone, council_signer):
    client.force_login(council_signer)
    body = html(client.get(reverse("zones:detail", args=[ready_zone.slug])))
    assert "Answer for Test City Council" in body
    assert "Answer for Friends of Test Park" not in body


def test_drafts_and_unknown_slugs_are_404(client, resident, steward):
    draft = ZoneFactory(status=ZoneStatus.DRAFT, stewards=[steward])
    assert client.get(reverse("zones:detail", args=[draft.slug])).status_code == 404
    client.force_login(resident)
    assert client.get(reverse("zones:detail", args=[draft.slug])).status_code == 404
    assert client.get(reverse("zones:edit", args=[draft.slug])).status_code == 404
    assert client.get(reverse("zones:detail", args=["no-such-zone"])).status_code == 404
    client.force_login(steward)
    assert client.get(reverse("zones:detail", args=[draft.slug])).status_code == 200


# --- Edit -------------------------------------------------------------------------------------


def edit_data(zone, **overrides) -> dict:
    data = {
        "version": zone.version,
        "name": zone.name,
        "summary": "A new summary.",
        "intention": zone.intention,
        "themes": ["Environment"],
        "other_themes": "",
        "reason": "Clearer words.",
        **date_fields("review_date", zone.review_date),
    }
    data.update(overrides)
    return data


def test_edit_permissions(client, ready_zone, resident, steward):
    url = reverse("zones:edit", args=[ready_zone.slug])
    assert client.get(url).status_code == 302
    client.force_login(resident)
    assert client.get(url).status_code == 403
    assert client.post(url, edit_data(ready_zone)).status_code == 403
    client.force_login(steward)
    r = client.get(url)
    assert r.status_code == 200 and f'value="{ready_zone.version}"' in html(r)


def test_edit_saves(client, ready_zone, steward):
    client.force_login(steward)
    r = client.post(reverse("zones:edit", args=[ready_zone.slug]), edit_data(ready_zone))
    assert r.status_code == 302
    ready_zone.refresh_from_db()
    assert ready_zone.summary == "A new summary."
    assert [t.name for t in ready_zone.themes.all()] == ["Environment"]


def test_stale_edit_is_a_conflict_and_changes_nothing(client, ready_zone, steward):
    client.force_login(steward)
    stale = edit_data(ready_zone, summary="My stale change.")
    Zone.objects.filter(pk=ready_zone.pk).update(version=ready_zone.version + 1, summary="Theirs")
    r = client.post(reverse("zones:edit", args=[ready_zone.slug]), stale)
    assert r.status_code == 409
    body = html(r)
    assert "Someone else changed this while you were editing it." in body
    assert title(r).startswith("Error: ")
    assert "Theirs" in body and "My stale change." not in body
    assert f'value="{ready_zone.version + 1}"' in body
    assert Zone.objects.get(pk=ready_zone.pk).summary == "Theirs"


@pytest.mark.parametrize("version", ["", "abc"])
def test_edit_with_a_broken_version_is_refused(client, ready_zone, steward, version):
    client.force_login(steward)
    r = client.post(
        reverse("zones:edit", args=[ready_zone.slug]), edit_data(ready_zone, version=version)
    )
    assert r.status_code == 400
    assert "Reload the page and try again." in html(r)
    assert Zone.objects.get(pk=ready_zone.pk).summary == "A zone for testing."


def test_declared_zone_edit_has_no_review_date(client, ready_zone, steward):
    Zone.objects.filter(pk=ready_zone.pk).update(status=ZoneStatus.DECLARED)
    client.force_login(steward)
    r = client.get(reverse("zones:edit", args=[ready_zone.slug]))
    assert 'name="review_date_day"' not in html(r)
    data = edit_data(ready_zone)
    r = client.post(reverse("zones:edit", args=[ready_zone.slug]), data)
    assert r.status_code == 302


# --- Outcomes and comments --------------------------------------------------------------------


def test_add_outcome(client, ready_zone, steward, resident):
    url = reverse("zones:outcome-add", args=[ready_zone.slug])
    client.force_login(resident)
    assert client.get(url).status_code == 403
    client.force_login(steward)
    r = client.post(url, {"title": "", "description": ""})
    assert r.status_code == 400 and "Enter the outcome&#39;s title." in html(r)
    r = client.post(url, {"title": "Cleaner streets", "description": ""})
    assert r.status_code == 302
    assert Outcome.objects.filter(zone=ready_zone, title="Cleaner streets").exists()


def test_comment(client, ready_zone, resident):
    url = reverse("zones:comment", args=[ready_zone.slug])
    r = client.post(url, {"body": "Hello"})
    assert r.status_code == 302 and "sign-in" in r.url
    client.force_login(resident)
    r = client.post(url, {"body": "  "})
    assert r.status_code == 400 and "Enter your comment." in html(r)
    assert title(r).startswith("Error: ")
    r = client.post(url, {"body": "I like it"})
    assert r.status_code == 302
    assert Comment.objects.get().body == "I like it"
    assert client.get(url).status_code == 405


def test_comment_on_a_draft_is_404(client, resident):
    draft = ZoneFactory(status=ZoneStatus.DRAFT)
    client.force_login(resident)
    assert client.post(reverse("zones:comment", args=[draft.slug]), {"body": "x"}).status_code == (
        404
    )


def test_partner_answer_link_hidden_from_other_zones(client, council_signer, council):
    zone = ZoneFactory(status=ZoneStatus.PROPOSED)
    PartnershipFactory(zone=zone, organisation=council)
    client.force_login(council_signer)
    assert "Answer for Test City Council" in html(
        client.get(reverse("zones:detail", args=[zone.slug]))
    )


@pytest.mark.django_db
def test_zone_page_grade_is_the_grade_read_afresh(client):
    """The zone page hands the grade what its sections read (partners, pooled records,
    reviews, indicators, SROI analyses, variations): it shows what the API, which reads them
    all itself, says."""
    from markupsafe import escape

    from bench.pagedata import populate, simple_shapes
    from sizes.zones.models import Zone

    populate(n_zones=1, shapes=simple_shapes(1, 1, 0), variations_per_zone=6,
             partners_per_zone=3, years=2, outcomes_per_zone=2, indicators_per_zone=3)  # fmt: skip
    zone = Zone.objects.get()
    # An active variation whose subject is not one of the listed ones (written around the
    # services) still counts, as it does for the API.
    zone.variations.filter(status="active").update(subject="unlisted")
    grade = client.get(f"/api/v1/zones/{zone.slug}/grade").json()
    html = client.get(f"/zones/{zone.slug}/").content.decode()
    assert f"{grade['stars']} of 5 stars" in html
    evidence = [e for level in grade["levels"] for e in level["evidence"]]
    assert len(evidence) >= 5  # the data reaches several stars
    for line in evidence + grade["missing_for_next"]:
        assert str(escape(line)) in html, line


@pytest.mark.django_db
def test_steward_check_uses_the_stewards_read_with_the_zone(
    ready_zone, steward, resident, council_admin, django_assert_num_queries
):
    """The zone page reads the stewards with the zone: asking whether someone is one then
    costs no query, and gives the same answer as asking the database."""
    from django.contrib.auth.models import AnonymousUser

    from sizes.zones import permissions as perms
    from sizes.zones.selectors import zone_get_for_user

    people = [steward, resident, council_admin, AnonymousUser()]
    expected = [perms.is_steward(p, ready_zone) for p in people]
    assert expected == [True, False, True, False]
    zone = zone_get_for_user(slug=ready_zone.slug, user=steward)  # stewards prefetched
    with django_assert_num_queries(0):
        assert [perms.is_steward(p, zone) for p in people] == expected

"""The two resident journeys of engagement in a real browser, with axe checks on the way:

1. sign up → confirm the email address → suggest a place → someone else supports it;
2. a frontline worker sends an idea → the partner adopts it → a proposed variation.
"""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from sizes.engagement.models import Idea, IdeaStatus, Suggestion
from sizes.engagement.services import profile_mark_verified
from sizes.engagement.tests.geo_data import load_postcodes, load_wards
from sizes.partners.models import OrganisationKind
from sizes.variations.models import VariationStatus
from sizes.zones.models import ZoneStatus
from sizes.zones.services import themes_ensure_defaults
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    PartnershipFactory,
    UserFactory,
    ZoneFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def _mail_and_tasks(settings, live_server):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SIZES_SITE_URL = live_server.url


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.context.clear_cookies()
    page.goto("/account/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def test_sign_up_verify_suggest_support(page, page_problems, axe_check, live_server):
    load_wards()
    load_postcodes()
    themes_ensure_defaults()
    supporter = UserFactory(username="supporter")
    profile_mark_verified(user=supporter)

    page.goto("/account/sign-up/")
    page.get_by_label("Username").fill("newresident")
    page.get_by_label("Email address").fill("new@example.org")
    page.get_by_label("Password", exact=True).fill("a-very-good-phrase-42")
    page.get_by_label("Confirm password").fill("a-very-good-phrase-42")
    with page.expect_navigation():
        page.get_by_role("button", name="Create account").click()
    assert "We have emailed" in page.content()
    assert len(mail.outbox) == 1
    link = re.search(r"(http://\S+/account/verify-email/\S+/)", mail.outbox[0].body).group(1)
    page.goto(link)
    assert "Email address confirmed" in page.content()
    axe_check(page, "email confirmed")

    page.goto("/suggestions/new/")
    axe_check(page, "suggestion form")
    page.get_by_label("Name the place").fill("Stirchley high street")
    page.get_by_label("Why would a zone help here?").fill("Lonely older people, no benches.")
    page.get_by_label("Older people").check()
    page.get_by_label("Postcode of the place").fill("b30 2bj")
    with page.expect_navigation():
        page.get_by_role("button", name="Publish the suggestion").click()
    assert "Your suggestion has been published" in page.content()
    axe_check(page, "suggestion page")
    s = Suggestion.objects.get()
    assert s.author.username == "newresident" and s.wards.get().name == "Stirchley"

    sign_in(page, "supporter")
    page.goto(f"/suggestions/{s.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Support this suggestion").click()
    assert "Thank you for your support" in page.content()
    assert page.locator("#support-count").inner_text() == "1"
    page.goto("/suggestions/")
    axe_check(page, "suggestions list with ward density")
    assert "Stirchley high street" in page.content()
    assert not page_problems.summary(), page_problems.summary()


def test_frontline_idea_adopted_as_proposed_variation(page, page_problems, axe_check):
    today = timezone.localdate()
    council = OrganisationFactory(name="Test City Council", kind=OrganisationKind.COUNCIL)
    zone = ZoneFactory(
        name="Test Park zone", slug="test-park", status=ZoneStatus.DECLARED,
        proposed_on=today - dt.timedelta(days=90), declared_on=today - dt.timedelta(days=30),
    )  # fmt: skip
    PartnershipFactory(zone=zone, organisation=council)
    OutcomeFactory(zone=zone, title="More people walking")
    worker = UserFactory(username="worker")
    profile_mark_verified(user=worker)
    MembershipFactory(organisation=council, user=UserFactory(username="councilmember"))

    sign_in(page, "worker")
    page.goto("/zones/test-park/ideas/new/")
    axe_check(page, "idea form")
    page.get_by_label("Frontline worker").check()
    page.get_by_label("Test City Council").check()
    page.get_by_label("A short title for your idea").fill("Open the pavilion early")
    page.get_by_label("What gets in the way?").fill("The pavilion opens at 10, walks start at 8.")
    page.get_by_label("What would you do instead?").fill("Open it at 7:30 for walk groups.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the idea").click()
    assert "Your idea has been sent to Test City Council" in page.content()
    axe_check(page, "idea page")
    idea = Idea.objects.get()

    sign_in(page, "councilmember")
    page.goto(f"/zones/test-park/ideas/{idea.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Adopt it as a variation").click()
    axe_check(page, "adopt form")
    assert page.get_by_label("Title").input_value() == "Open the pavilion early"
    page.locator("input[name=subject]").first.check()
    page.locator("input[name=action]").first.check()
    page.get_by_label("The standard rule or service").fill("Pavilion opens 10:00")
    page.get_by_label("More people walking").check()
    page.get_by_label("Who it applies to").fill("Walk groups")
    page.get_by_label("What stays guaranteed").fill("Normal hours for everyone else")
    page.locator("input[name=start_date_day]").fill(str(today.day))
    page.locator("input[name=start_date_month]").fill(str(today.month))
    page.locator("input[name=start_date_year]").fill(str(today.year))
    page.get_by_label("Name of the accountable leader").fill("Cllr Jane Smith")
    page.get_by_label("Their role").fill("Ward councillor")
    with page.expect_navigation():
        page.get_by_role("button", name="Adopt and propose the variation").click()
    assert "The idea has been adopted" in page.content()
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.ADOPTED
    assert idea.variation.status == VariationStatus.PROPOSED
    axe_check(page, "proposed variation page")
    assert not page_problems.summary(), page_problems.summary()

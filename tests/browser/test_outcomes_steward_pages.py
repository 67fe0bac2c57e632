"""The outcomes steward pages in a real browser, signed in as the demo zone's steward:
WCAG 2.2 AA (axe-core) on each form, empty and with errors."""

import datetime as dt

import pytest
from django.core.management import call_command

from sizes.demo.outcomes import SLUG, load
from sizes.outcomes.models import Indicator, Measurement
from sizes.variations.models import Variation
from sizes.zones.models import Review, Zone

pytestmark = pytest.mark.browser

STEWARD, PASSWORD = "council.officer", "sizes-demo-2026"


@pytest.fixture
def demo_evidence(db):
    call_command("demo", "--no-serve")
    load(today=dt.date.today())
    zone = Zone.objects.get(slug=SLUG)
    review = zone.reviews.first() or Review.objects.create(
        zone=zone,
        held_on=dt.date.today(),
        evidence_summary="Mid-term check of the evidence",
        decision=Review.Decision.RENEW,
        new_review_date=dt.date.today() + dt.timedelta(days=3 * 365),
    )
    return zone, review


def sign_in(page) -> None:
    page.context.clear_cookies()
    page.goto("/account/sign-in/")
    page.get_by_label("Username").fill(STEWARD)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def test_steward_forms_are_accessible(page, axe_check, page_problems, demo_evidence):
    zone, review = demo_evidence
    indicator = Indicator.objects.filter(outcome__zone=zone).order_by("pk").first()
    variation = Variation.objects.filter(zone=zone).order_by("pk").first()
    sign_in(page)
    urls = [
        f"/zones/{SLUG}/outcomes/{indicator.outcome_id}/indicators/new/",
        f"/zones/{SLUG}/indicators/{indicator.pk}/baseline/",
        f"/zones/{SLUG}/indicators/{indicator.pk}/measurements/new/",
        f"/zones/{SLUG}/indicators/{indicator.pk}/comparison-areas/",
        f"/zones/{SLUG}/reviews/{review.pk}/lessons/new/",
        f"/zones/{SLUG}/variations/{variation.pk}/adopted/",
    ]
    for url in urls:
        response = page.goto(url, wait_until="load")
        assert response.status == 200, url
        axe_check(page, url)
        # Submitting the form empty (or as it is) shows errors or saves: never a 500.
        with page.expect_navigation() as nav:
            page.locator("main form button[type=submit]").first.click()
        assert nav.value.status in (200, 302, 400), url
        if nav.value.status == 400:
            assert "There is a problem" in page.content(), url
            axe_check(page, f"{url} with errors")
    # The 400 answers are logged by Chromium as console errors on purpose; nothing else may be.
    assert not page_problems.page_errors and not page_problems.offsite_requests


def test_steward_enters_a_measurement_from_the_outcome_page(page, axe_check, demo_evidence):
    zone, _ = demo_evidence
    indicator = Indicator.objects.filter(outcome__zone=zone).order_by("pk").first()
    sign_in(page)
    page.goto(f"/zones/{SLUG}/outcomes/{indicator.outcome_id}/")
    axe_check(page, "outcome page as steward")
    with page.expect_navigation():
        page.locator(f"#manage-{indicator.pk}").get_by_role(
            "link", name="Enter a measurement"
        ).click()
    page.get_by_label("Period").fill("1999")
    page.get_by_label("Value").fill("12")
    with page.expect_navigation():
        page.get_by_role("button", name="Save measurement").click()
    assert page.url.endswith(f"/zones/{SLUG}/outcomes/{indicator.outcome_id}/")
    assert Measurement.objects.filter(indicator=indicator, period="1999", area_code="").exists()

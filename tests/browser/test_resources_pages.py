"""Pooled information pages in a real browser: WCAG 2.2 AA (axe-core), forms without JS."""

import datetime as dt

import pytest
from django.core.management import call_command

from sizes.demo.loader import DEMO_PASSWORD
from sizes.demo.resources import SLUG, load

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_resources(db):
    call_command("demo", "--no-serve")
    load(today=dt.date.today())


def sign_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/account/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def test_public_resource_pages_are_accessible(page, axe_check, page_problems, demo_resources):
    for url in (
        f"/zones/{SLUG}/resources/",
        "/funders/",
        "/funders/?theme=health-and-well-being&outcome=active",
        "/organisations/birmingham-city-council/resources/",
    ):
        response = page.goto(url, wait_until="load")
        assert response.status == 200, url
        axe_check(page, url)
    assert not page_problems.summary()


def test_partner_forms_are_accessible_and_show_errors(page, axe_check, demo_resources):
    sign_in(page, "council.officer")
    for kind in ("budget", "asset", "objective", "plan"):
        url = f"/zones/{SLUG}/{kind}s/add/"
        assert page.goto(url).status == 200, url
        axe_check(page, url)
    page.goto(f"/zones/{SLUG}/budgets/add/")
    page.get_by_label("Whole budget for the service").fill("-10")
    page.get_by_role("button", name="Save").click()
    # Wait for the whole answer: reading the page mid-load saw the title but not the summary.
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert "There is a problem" in page.content()
    axe_check(page, "budget errors")
    assert page.goto(f"/zones/{SLUG}/import/").status == 200
    axe_check(page, "import")
    sign_in(page, "funder.demo")
    assert page.goto(f"/zones/{SLUG}/pledge/").status == 200
    axe_check(page, "pledge")

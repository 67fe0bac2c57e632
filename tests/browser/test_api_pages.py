"""API token pages and the API's interactive docs in a real browser: make a token (shown once),
see it listed, revoke it; error messages; axe-core WCAG 2.2 AA checks on each page. The docs
page loads Swagger UI from this site only."""

import pytest
from playwright.sync_api import expect

from sizes.partners.models import OrganisationKind
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def sign_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/account/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def test_make_and_revoke_a_token(page, page_problems, axe_check):
    council = OrganisationFactory(name="Test City Council", kind=OrganisationKind.COUNCIL)
    MembershipFactory(organisation=council, user=UserFactory(username="officer"))
    sign_in(page, "officer")

    page.goto("/account/tokens/")
    axe_check(page, "tokens page, empty")
    page.get_by_role("button", name="Make token").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page, "tokens page with errors")
    page_problems.clear()  # Chromium logs the intended 400 answer as a console error

    page.get_by_label("Name").fill("Case system")
    page.get_by_label("Test City Council").check()
    page.get_by_role("button", name="Make token").click()
    expect(page.get_by_role("heading", name="Token made")).to_be_visible()
    secret = page.get_by_label("Your token").input_value()
    assert secret.startswith("sizes_")
    axe_check(page, "token made")

    page.get_by_role("link", name="Back to your API tokens").click()
    expect(page.get_by_role("heading", name="Your tokens")).to_be_visible()
    assert "Case system" in page.content() and secret not in page.content()
    axe_check(page, "tokens page with a token")
    page.get_by_role("button", name="Revoke Case system").click()
    expect(page.get_by_text("no longer works")).to_be_visible()
    expect(page.get_by_text("Revoked", exact=True)).to_be_visible()
    axe_check(page, "tokens page after revoking")
    assert not page_problems.summary()


def test_api_docs_load_locally(page, page_problems):
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
    assert page.locator(".opblock").count() >= 18
    assert not page_problems.offsite_requests
    assert not page_problems.page_errors

"""The register and zone pages carry their content without JavaScript."""

import pytest
from django.urls import reverse

from sizes.zones.models import PUBLIC, Zone
from tests.browser.site_data import load_site_data

pytestmark = pytest.mark.browser


def test_register_and_zone_page_work_without_javascript(nojs_page, page_problems):
    load_site_data()
    zone = Zone.objects.filter(status__in=PUBLIC).order_by("name").first()
    assert zone is not None

    response = nojs_page.goto(reverse("zones:register"))
    assert response.status == 200
    # JavaScript is really off: GOV.UK Frontend did not run.
    assert "govuk-frontend-supported" not in (
        nojs_page.locator("body").get_attribute("class") or ""
    )
    assert nojs_page.locator("h1").first.is_visible()
    with nojs_page.expect_navigation():
        nojs_page.get_by_role("link", name=zone.name).first.click()
    assert nojs_page.url.endswith(reverse("zones:detail", kwargs={"slug": zone.slug}))

    main = nojs_page.locator("main")
    assert nojs_page.locator("h1").first.inner_text().strip() == zone.name
    assert zone.summary.strip()[:40] in main.inner_text()
    assert page_problems.offsite_requests == []

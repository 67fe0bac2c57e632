"""The strict Content-Security-Policy (sizes/settings.py) breaks nothing: on the main pages,
the maps (Leaflet, and Leaflet-Geoman's drawing tools), the charts, the API's interactive
documentation and the admin, a real Chromium reports no CSP violation and no JavaScript error.

Violations are collected two ways: a `securitypolicyviolation` listener installed before any
page script runs, and Chromium's console messages ("Refused to ... because it violates the
following Content Security Policy directive"). A control test proves the collector sees one.
"""

import pytest
from django.test import Client
from django.urls import reverse

from sizes.zones.models import PUBLIC, Zone
from tests.browser.site_data import load_site_data
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

COLLECT = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
  );
});
"""


def _violations(page, page_problems) -> list[str]:
    seen = page.evaluate("() => window.__cspViolations || []")
    console = [e for e in page_problems.console_errors if "Content Security Policy" in e]
    return seen + console


@pytest.fixture
def admin_page(page, live_server, transactional_db):
    """The page, signed in as a site administrator, with the violation listener installed."""
    admin = UserFactory(username="csp-admin", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.context.add_init_script(COLLECT)
    return page


def _main_pages() -> list[str]:
    zones = Zone.objects.filter(status__in=PUBLIC).order_by("slug")
    zone = zones.filter(boundaries__isnull=False).first() or zones.first()
    assert zone is not None, "the demo has no public zone"
    outcome = zone.outcomes.order_by("pk").first()
    pages = [
        reverse("web:home"),
        reverse("zones:register"),  # the register's map of every zone
        reverse("zones:detail", kwargs={"slug": zone.slug}),  # the zone's map and charts
        reverse("zones:boundary", kwargs={"slug": zone.slug}),  # Leaflet-Geoman drawing tools
        reverse("geo:lookup") + "?postcode=B30+2AA",
        reverse("variations:register"),
        reverse("accountability:zone", kwargs={"slug": zone.slug}),
        reverse("engagement:suggestions"),
        reverse("engagement:suggestion-new"),  # a map to place the suggestion on
        reverse("outcomes:zone_sroi", kwargs={"slug": zone.slug}),
        reverse("accounts:sign-in"),
        reverse("accounts:profile"),
        "/api/v1/docs",  # Swagger UI, vendored
        "/admin/",
        "/admin/zones/zone/",
        f"/admin/zones/zone/{zone.pk}/change/",
        "/admin/accounts/user/add/",
        "/admin/audit/auditevent/",
    ]
    if outcome is not None:
        pages.append(reverse("outcomes:outcome", kwargs={"slug": zone.slug, "pk": outcome.pk}))
    return pages


def test_no_csp_violation_on_the_main_pages_maps_and_admin(admin_page, page_problems, subtests):
    load_site_data()
    page = admin_page
    pages = _main_pages()
    print("Pages checked:", *pages, sep="\n  ")
    for url in pages:
        with subtests.test(msg=url):
            page_problems.clear()
            response = page.goto(url, wait_until="load")
            assert response is not None and response.status == 200, (url, response)
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_load_state("networkidle")
            problems = _violations(page, page_problems) + page_problems.summary()
            assert not problems, f"{url}:\n" + "\n".join(problems)
    # The maps really ran under the policy (not merely failed quietly).
    page.goto(reverse("zones:register"))
    page.wait_for_load_state("networkidle")
    assert page.locator(".leaflet-container").count() >= 1


def test_the_collector_sees_an_inline_script_being_refused(admin_page, page_problems):
    """Control: an inline script added to a page is refused, and the test above would see it."""
    page = admin_page
    page.goto(reverse("web:home"))
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.__ran = true"; document.body.appendChild(s); }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__ran === undefined")
    assert any("script-src" in v for v in _violations(page, page_problems))

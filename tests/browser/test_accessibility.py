"""Every public page meets WCAG 2.2 AA as axe-core sees it in a real browser, runs its
JavaScript without errors, starts GOV.UK Frontend, and asks for nothing from another site."""

import pytest
from django.urls import reverse

from tests.browser.conftest import axe_violations, format_violations
from tests.browser.site_data import load_site_data, public_urls

pytestmark = pytest.mark.browser


def test_every_public_page_is_accessible_and_error_free(page, page_problems, subtests):
    source = load_site_data()
    urls = public_urls()
    print(f"Pages checked ({source} data):", *urls, sep="\n  ")
    # The walk must reach the pages that matter, or it proves little.
    assert reverse("web:home") in urls
    assert any(u.startswith("/zones/") and u.count("/") == 3 for u in urls), (source, urls)

    for url in urls:
        with subtests.test(msg=url):
            page_problems.clear()
            response = page.goto(url, wait_until="load")
            assert response is not None, f"{url}: no response"
            expected = 404 if url.startswith("/this-page-does-not-exist") else 200
            assert response.status == expected, f"{url}: HTTP {response.status}"
            page.wait_for_load_state("networkidle")
            problems = []
            if not page.evaluate(
                "() => document.body.classList.contains('govuk-frontend-supported')"
            ):
                problems.append("GOV.UK Frontend did not start (no govuk-frontend-supported)")
            violations = axe_violations(page)
            if violations:
                problems.append(format_violations(violations, url))
            if expected == 404:
                # Chromium logs the page's own 404 status as a console error: that one is meant.
                own = f"status of 404 (Not Found) ({page.url})"
                page_problems.console_errors[:] = [
                    e for e in page_problems.console_errors if not e.endswith(own)
                ]
            problems += page_problems.summary()
            assert not problems, f"{url} ({source} data):\n" + "\n".join(problems)


def test_axe_check_fixture_reports_a_violation(page, axe_check):
    """The checker itself works: a page with an unlabelled field and no language fails."""
    page.set_content("<html><body><main><input type='text'></main></body></html>")
    with pytest.raises(AssertionError) as failure:
        axe_check(page, "a broken page")
    message = str(failure.value)
    assert "html-has-lang" in message
    assert "label" in message
    assert '["input"]' in message


def test_home_page_passes_axe_check(page, axe_check):
    page.goto(reverse("web:home"))
    axe_check(page)

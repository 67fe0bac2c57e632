"""Outcomes pages in a real browser: WCAG 2.2 AA (axe-core), no JavaScript needed."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command

from sizes.demo.outcomes import SLUG, load
from sizes.outcomes.models import Indicator, SROIAnalysis

pytestmark = pytest.mark.browser

EXAMPLE = (
    Path(__file__).resolve().parents[2]
    / "sizes"
    / "outcomes"
    / "tests"
    / "data"
    / "sroi_example.json"
)


@pytest.fixture
def demo_evidence(db):
    call_command("demo", "--no-serve")
    load(today=dt.date.today())


def test_outcomes_pages_are_accessible(page, axe_check, page_problems, demo_evidence):
    from sizes.outcomes.services import financial_proxies_import

    financial_proxies_import(
        actor=None,
        rows=[
            {
                "outcome": "Regular physical activity",
                "unit": "per person a year",
                "value": "100",
                "price_year": "2023",
                "value_type": "wellbeing",
                "source": "Own survey",
                "source_url": "https://example.org/survey",
                "licence": "Open Government Licence v3.0",
            }
        ],
    )
    activity = Indicator.objects.get(outcome__zone__slug=SLUG, unit="%")
    analysis = SROIAnalysis.objects.get(zone__slug=SLUG)
    for url in (
        f"/zones/{SLUG}/outcomes/{activity.outcome_id}/",
        f"/zones/{SLUG}/sroi/",
        f"/zones/{SLUG}/sroi/{analysis.pk}/",
        "/lessons/",
        "/lessons/?q=nothing&theme=health-and-well-being",
        "/financial-proxies/",
        "/financial-proxies/?type=fiscal",
    ):
        response = page.goto(url, wait_until="load")
        assert response.status == 200, url
        axe_check(page, url)
    assert not page_problems.summary()


def test_sroi_calculator_results_and_errors_are_accessible(page, axe_check, demo_evidence):
    page.goto(f"/zones/{SLUG}/sroi/")
    page.fill("#id_input", EXAMPLE.read_text())
    with page.expect_navigation():
        page.get_by_role("button", name="Calculate").click()
    assert page.locator("#sroi-sensitivity").count() == 1
    axe_check(page, "SROI results")
    page.fill("#id_input", "{broken")
    with page.expect_navigation():
        page.get_by_role("button", name="Calculate").click()
    assert "There is a problem" in page.content()
    axe_check(page, "SROI error")


def test_sroi_calculator_works_without_javascript(nojs_page, demo_evidence):
    # (axe-core needs JavaScript, so this one checks only that the page works.)
    nojs_page.goto(f"/zones/{SLUG}/sroi/")
    nojs_page.fill("#id_input", EXAMPLE.read_text())
    with nojs_page.expect_navigation():
        nojs_page.get_by_role("button", name="Calculate").click()
    assert "SROI ratio" in nojs_page.content()
    assert nojs_page.locator("#sroi-sensitivity").count() == 1

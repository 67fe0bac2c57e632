"""Outcome, SROI, lessons pages; the zone page section; evidence frozen into a review."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from sizes.core.errors import InvalidTransition, NotAllowed
from sizes.outcomes.models import Lesson, ReviewEvidence, SROIAnalysis
from sizes.outcomes.selectors import evidence_summary_text, latest_figure
from sizes.outcomes.services import (
    comparison_areas_set,
    lesson_record,
    measurement_record,
    review_evidence_freeze,
    sroi_analysis_publish,
)
from sizes.outcomes.tests.helpers import declared_zone, indicator, make_area
from sizes.outcomes.views import zone_outcomes_context
from sizes.zones.models import Review, Theme

EXAMPLE = Path(__file__).parent / "data" / "sroi_example.json"


@pytest.fixture
def measured(steward):
    zone = declared_zone(steward, declared_on=dt.date(2024, 1, 1))
    make_area("E01000300", 5000, 0, 6000, 1000, name="Far Away 001A")
    ind = indicator(
        steward,
        zone,
        geography_level="zone",
        baseline_value=40,
        baseline_date=dt.date(2023, 12, 31),
    )
    comparison_areas_set(actor=steward, indicator=ind, codes=["E01000300"])
    for year, z, c in ((2022, 39, 35), (2023, 40, 36), (2024, 46, 37), (2025, 48, 38)):
        measurement_record(actor=steward, indicator=ind, period=str(year), value=z)
        measurement_record(
            actor=steward, indicator=ind, period=str(year), value=c, area_code="E01000300"
        )
    return zone, ind


def test_outcome_page_shows_chart_table_and_did(client, measured):
    zone, ind = measured
    r = client.get(f"/zones/{zone.slug}/outcomes/{ind.outcome_id}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "<svg" in html and "polyline" in html and "comparison-line" in html
    assert "Zone declared" in html
    assert "Difference-in-differences" in html
    assert "Far Away 001A (E01000300)" in html
    assert "46.00" in html and "37.00" in html  # table
    assert "40 % on 31 December 2023" in html
    assert client.get(f"/zones/{zone.slug}/outcomes/99999/").status_code == 404


def test_latest_figure_for_the_accountability_report(measured, steward):
    zone, ind = measured
    assert latest_figure(ind.outcome) == "48 % (2025)"
    other = zone.outcomes.create(title="Not measured")
    assert latest_figure(other) is None


def test_zone_section_renders(rf, measured, steward):
    zone, ind = measured
    request = RequestFactory().get("/")
    request.user = steward
    ctx = zone_outcomes_context(request, zone)
    html = render_to_string("outcomes/_zone_section.html", {"zone": zone, **ctx}, request=request)
    assert "1 of 5 stars" in html
    assert "Needed for the next star" in html
    assert "48 % (2025)" in html
    assert "40 % (31 December 2023)" in html


def test_sroi_save_publish_and_visibility(client, steward, resident, measured):
    zone, _ = measured
    url = f"/zones/{zone.slug}/sroi/"
    text = EXAMPLE.read_text()
    client.force_login(steward)
    r = client.post(url, {"input": text, "save": "on", "title": "", "period": "2024-13"})
    assert r.status_code == 400
    assert "Enter a title" in r.content.decode() and "not a period" in r.content.decode()
    assert not SROIAnalysis.objects.exists()
    r = client.post(url, {"input": text, "save": "on", "title": "Year one", "period": "FY 2024/25"})
    assert r.status_code == 302
    analysis = SROIAnalysis.objects.get()
    assert analysis.period_start == dt.date(2024, 4, 1)
    assert float(analysis.sroi_ratio) == analysis.results["sroi_ratio"]
    detail = f"/zones/{zone.slug}/sroi/{analysis.pk}/"
    client.force_login(resident)
    assert client.get(detail).status_code == 404  # unpublished: stewards only
    assert "Year one" not in client.get(url).content.decode()
    assert (
        client.post(url, {"input": text, "save": "on", "title": "x", "period": "2024"}).status_code
        == 200
    )
    assert SROIAnalysis.objects.count() == 1  # a resident only calculates
    client.force_login(steward)
    r = client.post(detail, {"version": "7"})
    assert r.status_code == 409
    r = client.post(detail, {"version": str(analysis.version)})
    assert r.status_code == 302
    client.logout()
    r = client.get(detail)
    assert r.status_code == 200 and "Published" in r.content.decode()
    with pytest.raises(InvalidTransition):
        sroi_analysis_publish(actor=steward, analysis=SROIAnalysis.objects.get())
    with pytest.raises(NotAllowed):
        sroi_analysis_publish(actor=resident, analysis=analysis)


def test_review_freezes_evidence(steward, measured):
    zone, ind = measured
    review = Review.objects.create(
        zone=zone,
        held_on=dt.date(2025, 6, 1),
        evidence_summary="x",
        decision="renew",
        new_review_date=dt.date(2027, 1, 1),
    )
    evidence = review_evidence_freeze(actor=steward, review=review)
    snap = evidence.snapshot
    assert snap["grade"]["stars"] == 1
    assert snap["outcomes"][0]["latest"] == "48 % (2025)"
    did = snap["outcomes"][0]["indicators"][0]["did"]
    assert did is not None and "reading" in did
    # later measurements do not change what was frozen
    measurement_record(actor=steward, indicator=ind, period="2026", value=10)
    assert ReviewEvidence.objects.get().snapshot == snap
    with pytest.raises(InvalidTransition):
        review_evidence_freeze(actor=steward, review=review)
    assert "Star grade: 1 of 5." in evidence_summary_text(snap)


def test_lessons_page_search(client, steward, measured):
    zone, ind = measured
    theme = Theme.objects.create(name="Health and well-being test", slug="health-test")
    lesson_record(
        actor=steward,
        zone=zone,
        title="Early opening works",
        what_worked="Gym at 7am",
        theme=theme,
        outcome=ind.outcome,
        publish=True,
    )
    lesson_record(actor=steward, zone=zone, title="Draft lesson", what_worked="secret")
    r = client.get("/lessons/")
    html = r.content.decode()
    assert r.status_code == 200 and "Early opening works" in html and "Draft lesson" not in html
    assert "Early opening" in client.get("/lessons/?theme=health-test").content.decode()
    assert "No published lessons match" in client.get("/lessons/?theme=housing").content.decode()
    assert "Early opening" in client.get("/lessons/?outcome=active").content.decode()
    assert "Early opening" in client.get("/lessons/?q=gym").content.decode()
    assert "No published lessons" in client.get("/lessons/?q=nothinglikeit").content.decode()
    assert client.get("/lessons/?theme=" + "x" * 300).status_code == 400
    assert Lesson.objects.filter(published=True).count() == 1


def test_zone_sroi_page_bad_json_is_400(client, measured):
    zone, _ = measured
    r = client.post(f"/zones/{zone.slug}/sroi/", {"input": json.dumps({"investments": 3})})
    assert r.status_code == 400

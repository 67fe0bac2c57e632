"""The accountability report: which variations it lists for a period, for a zone and for a
ward; the HTML page; the PDF (its text read back with pypdf); and bad input."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from sizes.core.errors import NotFound, RulesNotMet
from sizes.geo import geometry as g
from sizes.geo.models import ReferenceArea
from sizes.geo.services import zone_set_boundary
from sizes.variations.report import (
    NOT_MEASURED,
    Period,
    accountability_report_for_ward,
    accountability_report_for_zone,
    report_period_parse,
)
from sizes.variations.tests.builders import build_world
from sizes.zones.models import ZoneStatus
from tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db


def square(west, south, east, north) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north],
                         [west, south]]],
    }  # fmt: skip


@pytest.fixture
def today():
    """Today, read when the test runs (a module-level date goes stale across midnight)."""
    return timezone.localdate()


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def ward(db):
    geom = g.geometry_from_geojson(square(-1.92, 52.43, -1.90, 52.44))
    area = ReferenceArea(
        type="ward", code="E05099999", name="Testbrook", vintage="2018",
        geometry=g.to_geojson(geom), area_m2=g.area_m2(geom),
    )  # fmt: skip
    area.set_bbox(geom.bounds)
    area.save()
    return area


def titles(report) -> list[str]:
    return [line.variation.title for s in report.sections for line in s.variations]


# The period ------------------------------------------------------------------------------------


def test_default_period_is_the_last_twelve_months():
    period = report_period_parse(start=None, end=None, today=dt.date(2026, 5, 1))
    assert period == Period(dt.date(2025, 5, 1), dt.date(2026, 5, 1))


@pytest.mark.parametrize(
    ("start", "end", "codes"),
    [
        ("2025-02-30", None, {"from_invalid"}),
        ("yesterday", "2025-13-01", {"from_invalid", "to_invalid"}),
        ("2026-01-02", "2026-01-01", {"period_reversed"}),
        ("1900-01-01", "2026-01-01", {"period_too_long"}),
    ],
)
def test_bad_periods_are_refused_with_every_problem(start, end, codes):
    with pytest.raises(RulesNotMet) as exc:
        report_period_parse(start=start, end=end)
    assert exc.value.code == "period_invalid"
    assert {p.code for p in exc.value.details} == codes


# What it lists --------------------------------------------------------------------------------


def test_zone_report_lists_variations_in_force_or_ended_in_the_period(world, today):
    report = accountability_report_for_zone(
        zone=world.zone, period=report_period_parse(start=None, end=None)
    )
    assert sorted(titles(report)) == [
        "Community room booking rule relaxed",  # ended 200 days ago
        "Park pavilion open early for health walks",  # active
    ]
    section = report.sections[0]
    assert [line.variation.title for line in section.upcoming] == [
        "Social prescribing referral to park activities"
    ]
    line = next(x for x in section.variations if x.variation == world.ended_recently)
    assert line.leader == "Dr Asha Patel, Service director"
    assert [(o.title, o.latest) for o in line.outcomes] == [
        ("More people active in the park", NOT_MEASURED)
    ]
    assert line.in_force == [(today - dt.timedelta(days=300), today - dt.timedelta(days=200))]


def test_a_past_period_shows_what_was_in_force_then(world, today):
    period = Period(today - dt.timedelta(days=398), today - dt.timedelta(days=395))
    report = accountability_report_for_zone(zone=world.zone, period=period)
    assert titles(report) == ["Library card rule relaxed"]


def test_ward_report_covers_every_zone_touching_the_ward(world, ward):
    zone_set_boundary(
        actor=world.steward, zone=world.zone, geometry=square(-1.91, 52.43, -1.89, 52.44)
    )
    elsewhere = build_world(name="Far away zone")
    zone_set_boundary(
        actor=elsewhere.steward, zone=elsewhere.zone, geometry=square(-1.80, 52.40, -1.79, 52.41)
    )
    draft = ZoneFactory(status=ZoneStatus.DRAFT, stewards=[world.steward])
    zone_set_boundary(actor=world.steward, zone=draft, geometry=square(-1.92, 52.43, -1.90, 52.44))
    report = accountability_report_for_ward(
        code="e05099999", period=report_period_parse(start=None, end=None)
    )
    assert report.area == "Testbrook ward (E05099999)"
    assert [s.zone for s in report.sections] == [world.zone]
    assert report.sections[0].share == pytest.approx(0.5, abs=0.02)
    assert report.sections[0].share_text == "50%"
    assert len(report.sections[0].variations) == 2


def test_unknown_ward_is_not_found(ward, today):
    with pytest.raises(NotFound):
        accountability_report_for_ward(code="E05000000", period=Period(today, today))


# Pages and the PDF ----------------------------------------------------------------------------


def test_html_report_shows_each_variation_with_limits_and_leader(client, world):
    response = client.get(f"/accountability/zone/{world.zone.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Park pavilion open early for health walks",
        "Normal opening hours stay the same for everyone else.",
        "Up to 3 mornings a week",
        "Cllr Jane Smith, Ward councillor",
        "Community room booking rule relaxed",
        "Dr Asha Patel, Service director",
        "Park buildings open 10:00 to 16:00",
        NOT_MEASURED,
        f"/accountability/zone/{world.zone.slug}.pdf",
    ]:
        assert text in html, text
    assert "Library card rule relaxed" not in html  # ended before the period
    for private in world.private_strings:
        assert private not in html


def test_pdf_contains_each_variations_title_limits_and_leader(client, world, today):
    start = (today - dt.timedelta(days=365)).isoformat()
    response = client.get(
        f"/accountability/zone/{world.zone.slug}.pdf?from={start}&to={today.isoformat()}"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="accountability-{world.zone.slug}-{start}-{today.isoformat()}.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert f"Accountability report: {world.zone.name}" in text
    assert "Period:" in text and "Generated:" in text
    for v in (world.active, world.ended_recently):
        for expected in (v.title, v.applies_to, v.guaranteed, v.cap, v.accountable_name,
                         v.accountable_role):  # fmt: skip
            assert " ".join(expected.split()) in text, expected
    assert world.ended_long_ago.title not in text


def test_ward_pdf_and_page(client, world, ward):
    zone_set_boundary(
        actor=world.steward, zone=world.zone, geometry=square(-1.91, 52.43, -1.89, 52.44)
    )
    page = client.get("/accountability/ward/E05099999/")
    assert page.status_code == 200
    assert "Share of the ward covered" in page.content.decode()
    pdf = client.get("/accountability/ward/E05099999.pdf")
    assert pdf.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Testbrook ward" in text and world.zone.name in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2025-02-30", "is not a real date"),
        ("to=tomorrow", "is not a real date"),
        ("from=2026-02-01&to=2026-01-01", "must be on or before"),
    ],
)
def test_bad_dates_give_400_with_a_message(client, world, query, message):
    for url in (
        f"/accountability/zone/{world.zone.slug}/",
        f"/accountability/zone/{world.zone.slug}.pdf",
    ):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400
        assert message in response.content.decode()


def test_drafts_and_unknown_places_are_not_found(client, ward):
    ZoneFactory(status=ZoneStatus.DRAFT, slug="draft-zone")
    assert client.get("/accountability/zone/draft-zone/").status_code == 404
    assert client.get("/accountability/zone/draft-zone.pdf").status_code == 404
    assert client.get("/accountability/zone/nowhere/").status_code == 404
    assert client.get("/accountability/ward/E05000000/").status_code == 404

"""Steward write pages: indicators, baselines, measurements, comparison areas, lessons and
adoptions beyond the zone. Each: success, bad input (400, nothing stored), permissions."""

import datetime as dt

import pytest

from sizes.outcomes.models import ComparisonArea, Indicator, Lesson, Measurement, VariationAdoption
from sizes.outcomes.services import measurement_record
from sizes.outcomes.tests.helpers import declared_zone, indicator, make_area
from sizes.variations.models import Variation, VariationStatus
from sizes.zones.models import Review
from tests.factories import OrganisationFactory, OutcomeFactory


@pytest.fixture
def zone(steward):
    return declared_zone(steward)


@pytest.fixture
def ind(steward, zone):
    return indicator(steward, zone, geography_level="lsoa")


@pytest.fixture
def review(zone, steward):
    return Review.objects.create(
        zone=zone,
        held_on=dt.date(2025, 6, 1),
        evidence_summary="Good progress",
        decision="renew",
        new_review_date=dt.date(2028, 6, 1),
        recorded_by=steward,
    )


@pytest.fixture
def variation(zone):
    return Variation.objects.create(
        zone=zone,
        owner=OrganisationFactory(name="Parks trust"),
        subject="practice",
        action="change",
        title="Open the park gym early",
        standard_rule="Gym opens at 9",
        rule_key="gym opens at 9",
        difference="Opens at 7",
        reason="More people active",
        applies_to="Everyone",
        guaranteed="Staffed hours stay the same",
        start_date=dt.date(2024, 2, 1),
        accountable_name="A. Leader",
        accountable_role="Park manager",
        status=VariationStatus.ACTIVE,
    )


def _date(prefix, d):
    return {f"{prefix}_day": d.day, f"{prefix}_month": d.month, f"{prefix}_year": d.year}


INDICATOR = {
    "name": "Adults active",
    "definition": "Share of adults active 150 minutes a week",
    "unit": "%",
    "polarity": "higher",
    "source": "Active Lives survey",
    "source_url": "https://example.org/active-lives",
    "licence": "Open Government Licence v3.0",
    "geography_level": "zone",
    "aggregation": "mean",
    "baseline_value": "41.5",
    **_date("baseline_date", dt.date(2023, 12, 31)),
    "target_value": "50",
    **_date("target_date", dt.date(2027, 12, 31)),
}


def _urls(zone, outcome, ind, review, variation):
    return [
        f"/zones/{zone.slug}/outcomes/{outcome.pk}/indicators/new/",
        f"/zones/{zone.slug}/indicators/{ind.pk}/baseline/",
        f"/zones/{zone.slug}/indicators/{ind.pk}/edit/",
        f"/zones/{zone.slug}/indicators/{ind.pk}/measurements/new/",
        f"/zones/{zone.slug}/indicators/{ind.pk}/comparison-areas/",
        f"/zones/{zone.slug}/reviews/{review.pk}/lessons/new/",
        f"/zones/{zone.slug}/variations/{variation.pk}/adopted/",
    ]


def test_pages_refuse_residents_and_send_anonymous_to_sign_in(
    client, resident, zone, ind, review, variation
):
    urls = _urls(zone, ind.outcome, ind, review, variation)
    for url in urls:
        r = client.get(url)
        assert r.status_code == 302 and "/account/sign-in/" in r["Location"], url
    client.force_login(resident)
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"name": "x"}).status_code == 403, url
    assert Indicator.objects.count() == 1 and not Lesson.objects.exists()


def test_unknown_objects_are_404(client, steward, zone, ind):
    client.force_login(steward)
    for url in (
        f"/zones/{zone.slug}/outcomes/99999/indicators/new/",
        f"/zones/{zone.slug}/indicators/99999/measurements/new/",
        f"/zones/{zone.slug}/indicators/99999/comparison-areas/",
        f"/zones/{zone.slug}/reviews/99999/lessons/new/",
        f"/zones/{zone.slug}/variations/99999/adopted/",
        f"/zones/no-such-zone/indicators/{ind.pk}/baseline/",
        f"/zones/{zone.slug}/indicators/99999/edit/",
    ):
        assert client.get(url).status_code == 404, url


def test_indicator_another_zones_indicator_is_404(client, steward, zone, ind):
    other = declared_zone(steward, slug="other-zone")
    client.force_login(steward)
    r = client.get(f"/zones/{other.slug}/indicators/{ind.pk}/measurements/new/")
    assert r.status_code == 404


def test_steward_adds_an_indicator(client, steward, zone):
    outcome = OutcomeFactory(zone=zone, title="People more active")
    client.force_login(steward)
    url = f"/zones/{zone.slug}/outcomes/{outcome.pk}/indicators/new/"
    page = client.get(url)
    assert page.status_code == 200 and "Add an indicator" in page.content.decode()
    r = client.post(url, INDICATOR)
    assert r.status_code == 302 and r["Location"] == f"/zones/{zone.slug}/outcomes/{outcome.pk}/"
    i = Indicator.objects.get(outcome=outcome)
    assert (i.name, i.polarity, i.geography_level) == ("Adults active", "higher", "zone")
    assert str(i.baseline_value) == "41.500000" and i.baseline_date == dt.date(2023, 12, 31)
    assert i.target_date == dt.date(2027, 12, 31) and i.created_by == steward


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"baseline_value": "lots"}, "baseline_value", "The baseline must be a number."),
        (_date("target_date", dt.date(2020, 1, 1)), "target_date", "must be after the baseline"),
        (
            {"baseline_date_day": "", "baseline_date_month": "", "baseline_date_year": ""},
            "baseline_date",
            "Enter the date of the baseline.",
        ),
        ({"baseline_date_month": "13"}, "baseline_date", "Baseline date must be a real date."),
        ({"polarity": "sideways"}, "polarity", "Select a valid choice"),
        ({"name": ""}, "name", "Enter the indicator"),
    ],
)
def test_indicator_bad_input_is_400_beside_the_field(client, steward, zone, change, field, message):
    outcome = OutcomeFactory(zone=zone)
    client.force_login(steward)
    r = client.post(
        f"/zones/{zone.slug}/outcomes/{outcome.pk}/indicators/new/", {**INDICATOR, **change}
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert "There is a problem" in html and f'href="#id_{field}"' in html
    assert message in html.replace("&#39;", "'")
    assert not Indicator.objects.exists()


def test_steward_changes_the_baseline_and_a_stale_form_is_refused(client, steward, zone, ind):
    client.force_login(steward)
    url = f"/zones/{zone.slug}/indicators/{ind.pk}/baseline/"
    assert client.get(url).status_code == 200
    data = {"baseline_value": "38", **_date("baseline_date", dt.date(2023, 1, 1)), "version": 1}
    assert client.post(url, data).status_code == 302
    ind.refresh_from_db()
    assert str(ind.baseline_value) == "38.000000" and ind.version == 2
    stale = client.post(url, {**data, "baseline_value": "99"})
    assert stale.status_code == 409
    bad = client.post(url, {**data, "version": 2, "baseline_value": "x"})
    assert bad.status_code == 400 and "The baseline must be a number." in bad.content.decode()
    ind.refresh_from_db()
    assert str(ind.baseline_value) == "38.000000"


def test_steward_enters_measurements_for_zone_and_area(client, steward, zone, ind):
    make_area("E01000300", 5000, 0, 6000, 1000)
    client.force_login(steward)
    url = f"/zones/{zone.slug}/indicators/{ind.pk}/measurements/new/"
    assert client.get(url).status_code == 200
    assert (
        client.post(url, {"area_code": "", "period": "2024-Q1", "value": "42"}).status_code == 302
    )
    r = client.post(url, {"area_code": "e01000300", "period": "FY 2024/25", "value": "1,200"})
    assert r.status_code == 302
    rows = {(m.area_code, m.period): m.value for m in Measurement.objects.filter(indicator=ind)}
    assert rows[("", "2024-Q1")] == 42 and rows[("E01000300", "FY 2024/25")] == 1200


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"area_code": "", "period": "Spring 2024", "value": "1"}, "period", "period"),
        ({"area_code": "", "period": "2024-13", "value": "1"}, "period", "01 to 12"),
        ({"area_code": "E01999999", "period": "2024", "value": "1"}, "area_code", "E01999999"),
        ({"area_code": "", "period": "2024", "value": "ten"}, "value", "must be a number"),
        ({"area_code": "", "period": "", "value": "1"}, "period", "Enter the period"),
    ],
)
def test_measurement_bad_input_is_400_and_stores_nothing(
    client, steward, zone, ind, data, field, message
):
    client.force_login(steward)
    r = client.post(f"/zones/{zone.slug}/indicators/{ind.pk}/measurements/new/", data)
    assert r.status_code == 400
    html = r.content.decode()
    assert f'href="#id_{field}"' in html and message in html
    assert not Measurement.objects.exists()


@pytest.fixture
def with_candidates(steward, zone, ind):
    """Zone and three outside areas measured before the zone was declared (2024-01-01)."""
    make_area("E01000301", 5000, 0, 6000, 1000, name="Far 1")
    make_area("E01000302", 7000, 0, 8000, 1000, name="Far 2")
    make_area("E01000303", 9000, 0, 10000, 1000, name="Far 3")
    make_area("E01000304", 1000, 0, 1500, 1000, name="Next door")  # touches the zone
    measurement_record(actor=steward, indicator=ind, period="2023", value=40)
    for code, v in (("E01000301", 41), ("E01000302", 60), ("E01000303", 39)):
        measurement_record(actor=steward, indicator=ind, period="2023", value=v, area_code=code)
    return ind


def test_comparison_page_lists_suggestions_and_saves_ticked_and_typed(
    client, steward, zone, with_candidates
):
    ind = with_candidates
    client.force_login(steward)
    url = f"/zones/{zone.slug}/indicators/{ind.pk}/comparison-areas/"
    page = client.get(url).content.decode()
    assert "Far 1 (E01000301)" in page and "Far 3 (E01000303)" in page
    assert 'type="checkbox"' in page and "Next door" not in page
    r = client.post(url, {"suggested": ["E01000301"], "codes": "e01000303, "})
    assert r.status_code == 302
    chosen = dict(ComparisonArea.objects.values_list("area__code", "chosen"))
    assert chosen == {"E01000301": "picked", "E01000303": "picked"}
    r = client.post(url, {"suggested": ["E01000301", "E01000303"], "codes": ""})
    assert r.status_code == 302
    assert set(ComparisonArea.objects.values_list("chosen", flat=True)) == {"suggested"}


@pytest.mark.parametrize(
    "data, message",
    [
        ({"codes": "E01000304"}, "touch the zone"),
        ({"codes": "E01999999"}, "Not a known reference area: E01999999"),
        ({"codes": ""}, "Choose at least one comparison area."),
        ({"suggested": ["E01000305"]}, "Select a valid choice"),
    ],
)
def test_comparison_refusals_are_explained_and_nothing_changes(
    client, steward, zone, with_candidates, data, message
):
    ind = with_candidates
    client.force_login(steward)
    r = client.post(f"/zones/{zone.slug}/indicators/{ind.pk}/comparison-areas/", data)
    assert r.status_code == 400
    assert message in r.content.decode()
    assert not ComparisonArea.objects.exists()


def test_steward_writes_and_publishes_a_lesson(client, steward, zone, review):
    outcome = OutcomeFactory(zone=zone, title="People more active")
    client.force_login(steward)
    url = f"/zones/{zone.slug}/reviews/{review.pk}/lessons/new/"
    assert client.get(url).status_code == 200
    data = {"title": "Early gym", "what_worked": "Opening at 7", "outcome": str(outcome.pk)}
    assert client.post(url, data).status_code == 302
    draft = Lesson.objects.get()
    assert (draft.review, draft.outcome, draft.published) == (review, outcome, False)
    assert "Draft lessons from this review" in client.get(url).content.decode()
    r = client.post(f"/zones/{zone.slug}/lessons/{draft.pk}/publish/")
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.published
    assert client.post(url, {**data, "title": "Two", "publish": "on"}).status_code == 302
    assert Lesson.objects.get(title="Two").published


def test_lesson_bad_input_and_resident_cannot_publish(client, steward, resident, zone, review):
    client.force_login(steward)
    url = f"/zones/{zone.slug}/reviews/{review.pk}/lessons/new/"
    r = client.post(url, {"title": "Nothing said"})
    assert r.status_code == 400
    assert "Say what worked, what did not, or what should spread." in r.content.decode()
    r = client.post(url, {"title": "", "what_worked": "x"})
    assert r.status_code == 400 and "Enter a title for the lesson." in r.content.decode()
    assert not Lesson.objects.exists()
    client.post(url, {"title": "Draft", "what_worked": "x"})
    lesson = Lesson.objects.get()
    client.force_login(resident)
    assert client.post(f"/zones/{zone.slug}/lessons/{lesson.pk}/publish/").status_code == 403
    lesson.refresh_from_db()
    assert not lesson.published


def test_steward_records_an_adoption(client, steward, zone, variation):
    client.force_login(steward)
    url = f"/zones/{zone.slug}/variations/{variation.pk}/adopted/"
    assert client.get(url).status_code == 200
    data = {
        "adopted_beyond": "Solihull",
        "url": "https://example.org/solihull",
        **_date("adopted_on", dt.date(2025, 9, 1)),
    }
    assert client.post(url, data).status_code == 302
    a = VariationAdoption.objects.get()
    assert (a.variation, a.adopted_beyond, a.adopted_on) == (
        variation,
        "Solihull",
        dt.date(2025, 9, 1),
    )


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"adopted_beyond": "Solihull", "url": "ftp://x"}, "url", "must start with https://"),
        ({"adopted_beyond": ""}, "adopted_beyond", "Enter where it was adopted."),
        ({"adopted_beyond": "Solihull", "adopted_on_day": "31", "adopted_on_month": "2",
          "adopted_on_year": "2025"}, "adopted_on", "must be a real date"),
    ],
)  # fmt: skip
def test_adoption_bad_input_is_400(client, steward, zone, variation, data, field, message):
    client.force_login(steward)
    r = client.post(f"/zones/{zone.slug}/variations/{variation.pk}/adopted/", data)
    assert r.status_code == 400
    html = r.content.decode()
    assert f'href="#id_{field}"' in html and message in html
    assert not VariationAdoption.objects.exists()


def test_links_to_steward_pages_only_for_stewards(client, steward, resident, zone, ind, review):
    outcome_url = f"/zones/{zone.slug}/outcomes/{ind.outcome_id}/"
    new_measurement = f"/zones/{zone.slug}/indicators/{ind.pk}/measurements/new/"
    lesson = f"/zones/{zone.slug}/reviews/{review.pk}/lessons/new/"
    assert new_measurement not in client.get(outcome_url).content.decode()
    client.force_login(resident)
    assert new_measurement not in client.get(outcome_url).content.decode()
    assert lesson not in client.get(f"/zones/{zone.slug}/").content.decode()
    client.force_login(steward)
    html = client.get(outcome_url).content.decode()
    assert new_measurement in html
    assert f"/zones/{zone.slug}/outcomes/{ind.outcome_id}/indicators/new/" in html
    assert lesson in client.get(f"/zones/{zone.slug}/").content.decode()


def test_steward_edits_an_indicator_with_version_and_audit(client, steward, zone, ind):
    from sizes.audit.models import AuditEvent

    client.force_login(steward)
    url = f"/zones/{zone.slug}/indicators/{ind.pk}/edit/"
    page = client.get(url).content.decode()
    assert "Change the indicator" in page and f'value="{ind.name}"' in page
    data = {**INDICATOR, "geography_level": ind.geography_level, "unit": ind.unit}
    data.update(name="Adults active (Active Lives)", version=1)
    r = client.post(url, data)
    assert r.status_code == 302
    ind.refresh_from_db()
    assert ind.name == "Adults active (Active Lives)" and ind.version == 2
    event = AuditEvent.objects.filter(action="indicator.changed").get()
    assert event.changes["name"][1] == "Adults active (Active Lives)"
    stale = client.post(url, {**data, "name": "Lost"})
    assert stale.status_code == 409
    ind.refresh_from_db()
    assert ind.name == "Adults active (Active Lives)"


def test_unit_and_geography_are_fixed_once_measured(client, steward, zone, ind):
    measurement_record(actor=steward, indicator=ind, period="2024", value="40")
    client.force_login(steward)
    url = f"/zones/{zone.slug}/indicators/{ind.pk}/edit/"
    assert "cannot change" in client.get(url).content.decode()
    data = {**INDICATOR, "unit": "people", "geography_level": "ward", "version": ind.version}
    r = client.post(url, data)
    html = r.content.decode()
    assert r.status_code == 400
    assert 'href="#id_unit"' in html and 'href="#id_geography_level"' in html
    ind.refresh_from_db()
    assert (ind.unit, ind.geography_level, ind.version) == ("%", "lsoa", 1)

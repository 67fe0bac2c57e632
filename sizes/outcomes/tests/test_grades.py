"""The star grade at each level, and what it says is missing for the next star."""

import datetime as dt

import pytest

from sizes.outcomes import grades
from sizes.outcomes.grades import zone_grade
from sizes.outcomes.models import Lesson, SROIAnalysis
from sizes.outcomes.services import (
    comparison_areas_set,
    indicator_create,
    lesson_record,
    measurement_record,
    variation_adoption_record,
)
from sizes.outcomes.tests.helpers import declared_zone, make_area
from sizes.variations.models import Variation, VariationStatus
from sizes.zones.models import Review, ZoneStatus
from tests.factories import MembershipFactory, OrganisationFactory, OutcomeFactory, ZoneFactory


@pytest.fixture
def pooled(monkeypatch):
    """Stand-in for sizes.resources.selectors.zones_pooled_summary, set per test."""
    state = {"summary": {}}
    monkeypatch.setattr(
        grades,
        "_pooled_summaries",
        lambda zone_ids, partners=None: dict.fromkeys(zone_ids, state["summary"]),
    )
    return state


def _orgs(n):
    return [OrganisationFactory(name=f"Partner {i}") for i in range(n)]


def _variation(zone, org, **over):
    fields = {
        "zone": zone,
        "owner": org,
        "subject": "practice",
        "action": "change",
        "title": "Open the park gym early",
        "standard_rule": "Gym opens at 9",
        "rule_key": "gym opens at 9",
        "difference": "Opens at 7",
        "reason": "More people active",
        "applies_to": "Everyone",
        "guaranteed": "Staffed hours stay the same",
        "start_date": dt.date(2024, 2, 1),
        "accountable_name": "A. Leader",
        "accountable_role": "Park manager",
        "status": VariationStatus.ACTIVE,
    }
    fields.update(over)
    return Variation.objects.create(**fields)


def _measured(steward, zone):
    make_area("E01000200", 5000, 0, 6000, 1000)
    ind = indicator_create(
        actor=steward,
        outcome=OutcomeFactory(zone=zone, title="People more active"),
        name="Adults active",
        definition="Share active",
        unit="%",
        polarity="higher",
        source="Survey",
        licence="OGL",
        geography_level="zone",
        baseline_value=40,
        baseline_date=dt.date(2023, 12, 31),
    )
    measurement_record(actor=steward, indicator=ind, period="2024", value=45)
    measurement_record(actor=steward, indicator=ind, period="2024", value=41, area_code="E01000200")
    comparison_areas_set(actor=steward, indicator=ind, codes=["E01000200"])
    return ind


def test_not_declared_has_no_stars(steward, pooled):
    zone = ZoneFactory(status=ZoneStatus.PROPOSED, stewards=[steward])
    g = zone_grade(zone=zone)
    assert g.stars == 0
    assert g.missing_for_next == ["The zone has not been declared yet."]


def test_one_star_then_missing_pooling(steward, pooled):
    zone = declared_zone(steward)
    a, b = _orgs(2)
    pooled["summary"] = {a.pk: {"budget", "asset", "objective", "plan"}, b.pk: {"budget"}}
    g = zone_grade(zone=zone)
    assert g.stars == 1
    assert g.levels[0].evidence == ["Declared on 1 January 2024."]
    missing = g.missing_for_next
    assert (
        "At least 2 partners must each share their budgets, assets, objectives, plans; "
        "1 has so far." in missing
    )
    assert "Partner 1 has not shared its assets, objectives, plans." in missing


def test_stars_build_up_to_five(steward, pooled):
    zone = declared_zone(steward)
    a, b = _orgs(2)
    pooled["summary"] = {o.pk: {"budget", "asset", "objective", "plan"} for o in (a, b)}
    g = zone_grade(zone=zone)
    assert g.stars == 2
    assert any("active" in m for m in g.missing_for_next)

    # a variation without limits does not count; one with them does
    _variation(zone, a, guaranteed="", cap="", title="No limits")
    assert zone_grade(zone=zone).stars == 2
    assert "Active variations need an accountable leader and stated limits." in (
        zone_grade(zone=zone).missing_for_next
    )
    v = _variation(zone, a)
    g = zone_grade(zone=zone)
    assert g.stars == 3
    assert g.missing_for_next == [
        "Measure at least one outcome against its baseline and against comparison areas outside "
        "the zone.",
        "Publish an SROI analysis.",
    ]

    ind = _measured(steward, zone)
    assert zone_grade(zone=zone).missing_for_next == ["Publish an SROI analysis."]
    SROIAnalysis.objects.create(
        zone=zone,
        title="Year 1",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        inputs={},
        results={},
        sroi_ratio="2.50",
        published=False,
    )
    assert zone_grade(zone=zone).stars == 3  # not published yet
    SROIAnalysis.objects.update(published=True)
    g = zone_grade(zone=zone)
    assert g.stars == 4
    assert g.missing_for_next == [
        "Hold a review of the zone.",
        "Publish the lessons learned at a review.",
        "Have a variation adopted beyond the zone, or renew the zone on improved outcomes.",
    ]

    review = Review.objects.create(
        zone=zone,
        held_on=dt.date(2025, 1, 10),
        evidence_summary="x",
        decision="renew",
        new_review_date=dt.date(2027, 1, 1),
    )
    lesson_record(actor=steward, zone=zone, review=review, title="Early hours", what_worked="Yes")
    assert zone_grade(zone=zone).stars == 4  # lesson not published
    Lesson.objects.update(published=True)
    # renewed, and the indicator improved (45 > baseline 40): five stars
    g = zone_grade(zone=zone)
    assert g.stars == 5
    assert g.next_star is None and g.missing_for_next == []
    assert any("Renewed with improved outcomes (Adults active)" in e for e in g.levels[4].evidence)

    # if the outcome got worse, renewal alone is not enough; an adoption is
    measurement_record(actor=steward, indicator=ind, period="2025", value=35)
    assert zone_grade(zone=zone).stars == 4
    variation_adoption_record(
        actor=steward, variation=v, adopted_beyond="Kings Heath", url="https://example.org/x"
    )
    assert zone_grade(zone=zone).stars == 5


def test_criteria_are_configurable(steward, pooled, settings):
    zone = declared_zone(steward)
    (a,) = _orgs(1)
    pooled["summary"] = {a.pk: {"budget", "asset", "objective", "plan"}}
    assert zone_grade(zone=zone).stars == 1
    settings.SIZES_GRADE_CRITERIA = {"min_pooling_partners": 1}
    assert zone_grade(zone=zone).stars == 2


def test_real_pooled_summary_is_used_when_present(steward):
    """With the resources app installed, grades call its zone_pooled_summary."""
    zone = declared_zone(steward)
    g = zone_grade(zone=zone)
    assert g.stars == 1  # no partner has shared anything
    assert g.levels[1].missing[0].startswith("At least 2 partners")


def test_a_pooled_summary_given_is_used_instead_of_reading_one(steward, pooled):
    """The zone page reads the summary once for its resources section and the grade."""

    zone = declared_zone(steward)
    a, b = _orgs(2)
    everything = {"budget", "asset", "objective", "plan"}
    pooled["summary"] = {o.pk: set(everything) for o in (a, b)}  # what a read would find
    assert zone_grade(zone=zone).stars == 2
    given = {a.pk: set(everything), b.pk: {"budget"}}
    assert zone_grade(zone=zone, pooled=given).stars == 1
    pooled["summary"] = given
    assert zone_grade(zone=zone, pooled=given).as_dict() == zone_grade(zone=zone).as_dict()


def test_a_pooled_summary_given_saves_reading_it(steward):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sizes.resources.selectors import zone_pooled_summary

    zone = declared_zone(steward)
    summary = zone_pooled_summary(zone=zone)
    with CaptureQueriesContext(connection) as read:
        expected = zone_grade(zone=zone)
    with CaptureQueriesContext(connection) as passed:
        got = zone_grade(zone=zone, pooled=summary)
    assert got.as_dict() == expected.as_dict()
    assert len(read) - len(passed) == 2  # the partners, and who pooled what


def _sroi(zone, title, end, published=True):
    return SROIAnalysis.objects.create(
        zone=zone, title=title, period_start=dt.date(2024, 1, 1), period_end=end, inputs={},
        results={}, sroi_ratio="2.50", published=published,
    )  # fmt: skip


def test_what_the_zone_page_read_gives_the_same_grade_in_fewer_queries(steward, pooled):
    """The zone page gives the grade its partners' names, reviews, indicators and SROI
    analyses and variations (`Known`): the same grade, evidence and missing items, five
    queries fewer."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sizes.outcomes.selectors import zone_indicators

    zone = declared_zone(steward)
    a, b = _orgs(2)
    pooled["summary"] = {o.pk: {"budget", "asset", "objective", "plan"} for o in (a, b)}
    v = _variation(zone, a)
    _variation(zone, a, title="Agreed, not active yet", status=VariationStatus.AGREED)
    _variation(zone, b, title="also active", rule_key="other rule")
    ind = _measured(steward, zone)
    indicator_create(
        actor=steward, outcome=ind.outcome, name="Context only", definition="x", unit="%",
        polarity="higher", source="Survey", licence="OGL", geography_level="zone",
        baseline_value=10, baseline_date=dt.date(2023, 12, 31), is_context=True,
    )  # fmt: skip
    indicator_create(
        actor=steward, outcome=OutcomeFactory(zone=zone, title="A"), name="No baseline yet",
        definition="x", unit="%", polarity="lower", source="Survey", licence="OGL",
        geography_level="zone",
    )  # fmt: skip
    for name in ("cycling more", "Walking more"):  # named so that collations disagree
        more = indicator_create(
            actor=steward, outcome=ind.outcome, name=name, definition="x", unit="%",
            polarity="higher", source="Survey", licence="OGL", geography_level="zone",
            baseline_value=10, baseline_date=dt.date(2023, 12, 31),
        )  # fmt: skip
        measurement_record(actor=steward, indicator=more, period="2024", value=20)
    _sroi(zone, "Draft", dt.date(2025, 12, 31), published=False)
    _sroi(zone, "Year 1", dt.date(2024, 12, 31))
    _sroi(zone, "Year 2", dt.date(2025, 6, 30))
    for held_on, decision in [(dt.date(2025, 1, 10), "renew"), (dt.date(2025, 9, 1), "continue")]:
        Review.objects.create(
            zone=zone, held_on=held_on, evidence_summary="x", decision=decision,
            new_review_date=dt.date(2027, 1, 1),
        )  # fmt: skip
    variation_adoption_record(
        actor=steward, variation=v, adopted_beyond="Kings Heath", url="https://example.org/x"
    )

    def page_reads():
        return grades.Known(
            names={a.pk: a.name, b.pk: b.name},
            # In another order than the grade's (newest first): it sorts them itself.
            reviews=list(zone.reviews.order_by("held_on")),
            indicators=zone_indicators(zone=zone),
            sroi=list(SROIAnalysis.objects.filter(zone=zone).order_by("period_end")),
            variations=list(Variation.objects.filter(zone=zone).order_by("-title")),
        )

    known = page_reads()
    with CaptureQueriesContext(connection) as read:
        expected = zone_grade(zone=zone)
    with CaptureQueriesContext(connection) as given:
        got = zone_grade(zone=zone, known=known)
    assert got.as_dict() == expected.as_dict()
    assert expected.stars == 4  # a renewal on improved outcomes needs lessons: star 5 not met
    assert "Reviewed on 1 September 2025." in expected.levels[4].evidence
    # Indicators in (outcome, name, id) order by code point, whatever the database's collation.
    assert (
        "Renewed with improved outcomes (Adults active, Walking more, cycling more)."
        in expected.levels[4].evidence
    )
    assert "Draft" not in str(expected.as_dict())  # unpublished analyses do not count
    assert len(read) - len(given) == 5  # names, indicators, SROI, reviews, variations
    assert [e for e in expected.levels[2].evidence if "active" in e] == [
        "“Open the park gym early” is active, led by A. Leader, with stated limits.",
        "“also active” is active, led by A. Leader, with stated limits.",
    ]
    # Names that miss a pooling organisation are not used: the grade reads them all.
    partial = grades.Known(names={a.pk: a.name})
    assert zone_grade(zone=zone, known=partial).as_dict() == expected.as_dict()


def test_register_zones_with_their_partners_read_are_graded_in_two_queries_fewer(steward):
    """The register reads each zone's partners and their organisations to list them: the
    grades use those instead of reading the partners and their names again."""
    from django.db import connection
    from django.db.models import Prefetch
    from django.test.utils import CaptureQueriesContext

    from sizes.partners.models import Partnership
    from sizes.resources.tests import builders
    from sizes.zones.models import Zone

    zones = [declared_zone(steward), declared_zone(steward, slug="second")]
    a, b, c = _orgs(3)
    for zone, orgs in zip(zones, [(a, b), (c,)], strict=True):
        for org in orgs:
            Partnership.objects.create(zone=zone, organisation=org, commitment="Yes.")
    sharer = Partnership.objects.filter(zone=zones[0]).first().organisation
    builders.budget(MembershipFactory(organisation=sharer).user, zones[0], sharer)

    def read(prefetch):
        qs = Zone.objects.filter(pk__in=[z.pk for z in zones]).order_by("pk")
        if prefetch:
            qs = qs.prefetch_related(
                Prefetch("partnerships", Partnership.objects.select_related("organisation"))
            )
        return list(qs)

    plain, prefetched = read(False), read(True)
    with CaptureQueriesContext(connection) as without:
        expected = grades.zone_grades(zones=plain)
    with CaptureQueriesContext(connection) as given:
        got = grades.zone_grades(zones=prefetched)
    assert {k: g.as_dict() for k, g in got.items()} == {k: g.as_dict() for k, g in expected.items()}
    assert len(without) - len(given) == 2
    # None of the grade's reads joins the zones (ordering variations by their zone's name made
    # PostgreSQL hash every zone: 2.6 ms at 10,000 zones); they are sorted in Python.
    assert not [q["sql"] for q in given.captured_queries if '"zones_zone"' in q["sql"]]
    assert any("has not shared" in m for m in expected[zones[0].pk].missing_for_next)

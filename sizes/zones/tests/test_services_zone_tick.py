import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from sizes.audit.models import AuditEvent
from sizes.zones import services
from sizes.zones.models import Review, Zone, ZoneStatus
from tests.factories import ZoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def declared(steward):
    return ZoneFactory(
        status=ZoneStatus.DECLARED,
        declared_on=dt.date(2026, 1, 10),
        review_date=dt.date(2027, 1, 10),
        stewards=[steward],
    )


def tick_on(day: dt.date):
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)):
        assert timezone.localdate() == day
        return services.zones_tick()


def test_nothing_happens_before_the_review_date(declared):
    result = tick_on(dt.date(2027, 1, 9))
    assert (result.marked_review_due, result.dissolved) == (0, 0)
    assert Zone.objects.get(pk=declared.pk).status == ZoneStatus.DECLARED


def test_review_becomes_due_on_the_review_date_and_tick_is_idempotent(declared):
    assert tick_on(dt.date(2027, 1, 10)).marked_review_due == 1
    zone = Zone.objects.get(pk=declared.pk)
    assert zone.status == ZoneStatus.REVIEW_DUE
    assert zone.review_due_since == dt.date(2027, 1, 10)
    assert tick_on(dt.date(2027, 1, 10)).marked_review_due == 0
    assert tick_on(dt.date(2027, 1, 11)).marked_review_due == 0
    assert AuditEvent.objects.filter(action="zone.review_due").count() == 1


def test_unreviewed_zone_is_dissolved_after_the_grace_period(declared, settings):
    settings.SIZES_REVIEW_GRACE_DAYS = 90
    tick_on(dt.date(2027, 1, 12))
    last_grace_day = dt.date(2027, 1, 10) + dt.timedelta(days=90)
    assert tick_on(last_grace_day).dissolved == 0
    assert Zone.objects.get(pk=declared.pk).status == ZoneStatus.REVIEW_DUE
    result = tick_on(last_grace_day + dt.timedelta(days=1))
    assert result.dissolved == 1
    zone = Zone.objects.get(pk=declared.pk)
    assert zone.status == ZoneStatus.DISSOLVED
    assert zone.ended_on == last_grace_day + dt.timedelta(days=1)
    assert "not reviewed within 90 days" in zone.end_reason
    assert tick_on(last_grace_day + dt.timedelta(days=2)).dissolved == 0


def test_a_long_missed_tick_catches_up_in_one_run(declared):
    result = tick_on(dt.date(2027, 6, 1))
    assert (result.marked_review_due, result.dissolved) == (1, 1)
    assert Zone.objects.get(pk=declared.pk).status == ZoneStatus.DISSOLVED


def test_review_renews_to_a_new_date(declared, steward):
    tick_on(dt.date(2027, 1, 10))
    with time_machine.travel(dt.datetime(2027, 2, 1, 12, tzinfo=dt.UTC)):
        review = services.zone_record_review(
            actor=steward,
            zone=declared,
            evidence_summary="Park use doubled.",
            decision=Review.Decision.RENEW,
            new_review_date=dt.date(2028, 2, 1),
        )
    zone = Zone.objects.get(pk=declared.pk)
    assert review.held_on == dt.date(2027, 2, 1)
    assert zone.status == ZoneStatus.DECLARED
    assert zone.review_date == dt.date(2028, 2, 1)
    assert zone.review_due_since is None
    assert tick_on(dt.date(2027, 6, 1)).dissolved == 0


def test_review_dissolves(declared, steward):
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)):
        services.zone_record_review(
            actor=steward,
            zone=declared,
            evidence_summary="It did not work.",
            decision=Review.Decision.DISSOLVE,
        )
    zone = Zone.objects.get(pk=declared.pk)
    assert zone.status == ZoneStatus.DISSOLVED
    assert zone.ended_on == dt.date(2026, 12, 1)


def test_a_review_freezes_the_evidence_as_it_stood(declared, steward):
    from sizes.outcomes.models import ReviewEvidence

    review = services.zone_record_review(
        actor=steward, zone=declared, evidence_summary="Done.", decision=Review.Decision.DISSOLVE
    )
    frozen = ReviewEvidence.objects.get(review=review)
    # Frozen before the decision took effect: the zone was still declared (one star).
    assert frozen.snapshot["grade"]["stars"] == 1
    from sizes.core.errors import DomainError
    from sizes.outcomes.services import review_evidence_freeze

    with pytest.raises(DomainError):  # frozen evidence never changes
        review_evidence_freeze(actor=steward, review=review)
    assert ReviewEvidence.objects.filter(review=review).count() == 1

import datetime as dt

import pytest
from django.utils import timezone

from sizes.audit.models import AuditEvent
from sizes.core.errors import Conflict, NotAllowed, RulesNotMet
from sizes.partners.models import Partnership
from sizes.zones import services
from sizes.zones.models import Zone, ZoneStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def codes(exc) -> set[str]:
    return {p.code for p in exc.value.details}


def test_declare_when_every_rule_holds(ready_zone, steward):
    zone = services.zone_declare(actor=steward, zone=ready_zone)
    assert zone.status == ZoneStatus.DECLARED
    assert zone.declared_on == timezone.localdate()
    event = AuditEvent.objects.get(action="zone.declared")
    assert event.actor == steward and event.zone_id == zone.pk
    assert event.changes["status"] == ["proposed", "declared"]


def test_declare_lists_every_broken_rule_and_changes_nothing(steward, council, community):
    from tests.factories import PartnershipFactory, ZoneFactory

    today = timezone.localdate()
    zone = ZoneFactory(
        status=ZoneStatus.PROPOSED,
        consultation_ends=today + dt.timedelta(days=3),
        review_date=today + dt.timedelta(days=5 * 365),
        stewards=[steward],
    )
    PartnershipFactory(
        zone=zone,
        organisation=council,
        response=Partnership.Response.OBJECTED,
        response_text="We have not budgeted for this.",
    )
    PartnershipFactory(zone=zone, organisation=community)  # not answered
    before = Zone.objects.filter(pk=zone.pk).values().get()
    events = AuditEvent.objects.count()

    with pytest.raises(RulesNotMet) as exc:
        services.zone_declare(actor=steward, zone=zone)

    assert codes(exc) == {
        "consultation_open",
        "no_boundary",
        "no_outcome",
        "review_date_too_far",
        "no_council_agreement",
        "no_community_agreement",
        "unresolved_objection",
    }
    assert Zone.objects.filter(pk=zone.pk).values().get() == before
    assert AuditEvent.objects.count() == events


def test_review_date_in_the_past_blocks_declaration(ready_zone, steward):
    Zone.objects.filter(pk=ready_zone.pk).update(review_date=timezone.localdate())
    with pytest.raises(RulesNotMet) as exc:
        services.zone_declare(actor=steward, zone=ready_zone)
    assert codes(exc) == {"review_date_past"}


def test_consultation_must_be_over_including_its_last_day(ready_zone, steward):
    Zone.objects.filter(pk=ready_zone.pk).update(consultation_ends=timezone.localdate())
    with pytest.raises(RulesNotMet) as exc:
        services.zone_declare(actor=steward, zone=ready_zone)
    assert codes(exc) == {"consultation_open"}


def test_answered_objection_no_longer_blocks(ready_zone, steward):
    from tests.factories import OrganisationFactory, PartnershipFactory

    objector = PartnershipFactory(
        zone=ready_zone,
        organisation=OrganisationFactory(name="Objectors"),
        response=Partnership.Response.OBJECTED,
        response_text="Too soon.",
    )
    with pytest.raises(RulesNotMet) as exc:
        services.zone_declare(actor=steward, zone=ready_zone)
    assert codes(exc) == {"unresolved_objection"}
    from sizes.partners.services import partnership_answer_objection

    partnership_answer_objection(actor=steward, partnership=objector, answer="We start in spring.")
    assert services.zone_declare(actor=steward, zone=ready_zone).status == ZoneStatus.DECLARED


def test_reservations_count_as_agreement(ready_zone, steward):
    ready_zone.partnerships.update(
        response=Partnership.Response.RESERVATIONS, response_text="Only on weekdays."
    )
    assert services.zone_declare(actor=steward, zone=ready_zone).status == ZoneStatus.DECLARED


def test_only_stewards_and_admins_may_declare(ready_zone, council_admin):
    with pytest.raises(NotAllowed):
        services.zone_declare(actor=UserFactory(username="someone"), zone=ready_zone)
    assert Zone.objects.get(pk=ready_zone.pk).status == ZoneStatus.PROPOSED
    assert services.zone_declare(actor=council_admin, zone=ready_zone).status == "declared"


def test_declaring_twice_is_refused(ready_zone, steward):
    services.zone_declare(actor=steward, zone=ready_zone)
    with pytest.raises(RulesNotMet) as exc:
        services.zone_declare(actor=steward, zone=ready_zone)
    assert "not_proposed" in codes(exc)


def test_stale_version_is_a_conflict(ready_zone, steward):
    stale = ready_zone.version
    services.zone_update(
        actor=steward,
        zone=ready_zone,
        expected_version=stale,
        name="Renamed",
        summary="s",
        intention="i",
    )
    with pytest.raises(Conflict):
        services.zone_declare(actor=steward, zone=ready_zone, expected_version=stale)
    assert Zone.objects.get(pk=ready_zone.pk).status == ZoneStatus.PROPOSED

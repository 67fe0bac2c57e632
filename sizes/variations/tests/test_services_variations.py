import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from sizes.audit.models import AuditEvent
from sizes.audit.services import audit_verify
from sizes.core.errors import Conflict, InvalidTransition, NotAllowed, RulesNotMet
from sizes.partners.models import Partnership
from sizes.variations import services
from sizes.variations.models import Variation, VariationStatus
from sizes.zones import services as zone_services
from sizes.zones.models import Review, ZoneStatus
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    PartnershipFactory,
    UserFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def zone(steward, council):
    z = ZoneFactory(
        status=ZoneStatus.DECLARED,
        declared_on=TODAY - dt.timedelta(days=10),
        review_date=TODAY + dt.timedelta(days=300),
        stewards=[steward],
    )
    PartnershipFactory(zone=z, organisation=council, response=Partnership.Response.AGREED)
    return z


@pytest.fixture
def outcome(zone):
    return OutcomeFactory(zone=zone, title="More people active")


@pytest.fixture
def council_member(council):
    return MembershipFactory(organisation=council, can_sign=False).user


def fields(outcome, **kw):
    data = {
        "subject": "asset",
        "action": "change",
        "title": "Park pavilion open early for health walks",
        "standard_rule": "Park buildings open 10:00 to 16:00",
        "difference": "The pavilion opens at 07:30 on weekdays for health walks.",
        "reason": "Walks before work reach people who are not active now.",
        "applies_to": "Health walk groups booked through the Friends of the park.",
        "guaranteed": "Normal opening hours stay the same for everyone else.",
        "cap": "Up to 3 mornings a week",
        "start_date": TODAY,
        "end_date": TODAY + dt.timedelta(days=100),
        "accountable_name": "Cllr Jane Smith",
        "accountable_role": "Ward councillor",
        "outcomes": [outcome.pk],
    }
    data.update(kw)
    return data


def propose(actor, zone, owner, outcome, **kw):
    return services.variation_propose(actor=actor, zone=zone, owner=owner, **fields(outcome, **kw))


def test_full_lifecycle_is_audited_and_kept_as_history(
    zone, outcome, council, council_member, council_signer, steward
):
    v = propose(council_member, zone, council, outcome)
    assert v.status == VariationStatus.PROPOSED
    v = services.variation_agree(actor=council_signer, variation=v)
    assert v.status == VariationStatus.PROPOSED  # the steward has not agreed yet
    v = services.variation_agree(actor=steward, variation=v)
    assert v.status == VariationStatus.AGREED
    v = services.variation_activate(actor=council_member, variation=v)
    assert (v.status, v.activated_on) == (VariationStatus.ACTIVE, TODAY)
    v = services.variation_end(actor=steward, variation=v, reason="Trial finished early.")
    assert (v.status, v.end_reason) == (VariationStatus.ENDED, "Trial finished early.")
    assert list(v.events.values_list("status", flat=True)) == [
        "proposed", "agreed", "active", "ended",
    ]  # fmt: skip
    actions = list(
        AuditEvent.objects.filter(object_type="variations.variation").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "variation.proposed", "variation.agreed", "variation.agreed", "variation.activated",
        "variation.ended",
    ]  # fmt: skip
    assert audit_verify().ok


def test_bad_input_lists_every_problem_and_stores_nothing(zone, outcome, council, council_member):
    other_zone_outcome = OutcomeFactory()
    with pytest.raises(RulesNotMet) as exc:
        propose(
            council_member, zone, council, outcome,
            start_date=TODAY - dt.timedelta(days=30),
            end_date=TODAY - dt.timedelta(days=31),
            accountable_name=" ", guaranteed="", outcomes=[other_zone_outcome.pk],
            scope="sub_area",
        )  # fmt: skip
    assert {p.code for p in exc.value.details} == {
        "start_before_zone", "end_before_start", "accountable_name_required",
        "guaranteed_required", "outcomes_invalid", "sub_area_missing",
    }  # fmt: skip
    assert not Variation.objects.exists()


def test_dates_must_sit_inside_the_zones_life(zone, outcome, council, council_member):
    with pytest.raises(RulesNotMet) as exc:
        propose(council_member, zone, council, outcome, end_date=TODAY + dt.timedelta(days=400))
    assert [p.code for p in exc.value.details] == ["end_after_zone"]


@pytest.mark.parametrize("status", [ZoneStatus.PROPOSED, ZoneStatus.DISSOLVED, ZoneStatus.DRAFT])
def test_only_declared_zones_take_variations(zone, outcome, council, council_member, status):
    type(zone).objects.filter(pk=zone.pk).update(status=status)
    with pytest.raises(InvalidTransition):
        propose(council_member, zone, council, outcome)


def test_another_organisation_cannot_propose_or_edit_and_the_refusal_is_audited(
    zone, outcome, council, council_member
):
    other = OrganisationFactory(name="Other org")
    PartnershipFactory(zone=zone, organisation=other)
    outsider = MembershipFactory(organisation=other).user
    with pytest.raises(NotAllowed):
        propose(outsider, zone, council, outcome)
    v = propose(council_member, zone, council, outcome)
    with pytest.raises(NotAllowed):
        services.variation_update(
            actor=outsider, variation=v, expected_version=v.version, **fields(outcome, title="X")
        )
    refusals = AuditEvent.objects.filter(action__startswith="refused.")
    assert sorted(refusals.values_list("action", flat=True)) == [
        "refused.variation.propose", "refused.variation.update",
    ]  # fmt: skip
    assert refusals.get(action="refused.variation.update").actor == outsider
    assert Variation.objects.get().title == "Park pavilion open early for health walks"


def test_stale_edit_is_a_conflict(zone, outcome, council, council_member):
    v = propose(council_member, zone, council, outcome)
    services.variation_update(
        actor=council_member, variation=v, expected_version=v.version, **fields(outcome, cap="")
    )
    with pytest.raises(Conflict):
        services.variation_update(
            actor=council_member, variation=v, expected_version=v.version, **fields(outcome)
        )
    assert Variation.objects.get().cap == ""


def test_editing_an_agreed_variation_needs_agreement_again(
    zone, outcome, council, council_member, council_signer
):
    v = propose(council_member, zone, council, outcome)
    v = services.variation_agree(actor=council_signer, variation=v)
    v = services.variation_agree(actor=UserFactory(is_council_admin=True), variation=v)
    assert v.status == VariationStatus.AGREED
    v = services.variation_update(
        actor=council_member, variation=v, expected_version=v.version, **fields(outcome, cap="")
    )
    assert v.status == VariationStatus.PROPOSED and v.owner_agreed_by is None


def test_activation_waits_for_the_start_date(
    zone, outcome, council, council_member, council_signer, steward
):
    v = propose(council_member, zone, council, outcome, start_date=TODAY + dt.timedelta(days=5))
    services.variation_agree(actor=council_signer, variation=v)
    v = services.variation_agree(actor=steward, variation=v)
    with pytest.raises(RulesNotMet) as exc:
        services.variation_activate(actor=council_member, variation=v)
    assert [p.code for p in exc.value.details] == ["before_start"]
    with time_machine.travel(TODAY + dt.timedelta(days=5, hours=12)):
        assert services.variation_activate(actor=council_member, variation=v).status == "active"


def test_a_proposed_variation_cannot_be_activated(zone, outcome, council, council_member):
    v = propose(council_member, zone, council, outcome)
    with pytest.raises(InvalidTransition):
        services.variation_activate(actor=council_member, variation=v)


def agreed(actor, signer, steward, zone, owner, outcome, **kw):
    v = propose(actor, zone, owner, outcome, **kw)
    services.variation_agree(actor=signer, variation=v)
    return services.variation_agree(actor=steward, variation=v)


def test_zone_limits_subjects_and_active_count(
    zone, outcome, council, council_member, council_signer, steward, council_admin
):
    with pytest.raises(NotAllowed):
        services.zone_variation_limits_set(
            actor=steward, zone=zone, allowed_subjects=["asset"], max_active=1
        )
    services.zone_variation_limits_set(
        actor=council_admin, zone=zone, allowed_subjects=["asset", "practice"], max_active=1
    )
    with pytest.raises(RulesNotMet) as exc:
        propose(council_member, zone, council, outcome, subject="staff")
    assert [p.code for p in exc.value.details] == ["subject_not_allowed"]
    first = agreed(council_member, council_signer, steward, zone, council, outcome)
    second = agreed(council_member, council_signer, steward, zone, council, outcome, title="Second")
    services.variation_activate(actor=council_member, variation=first)
    with pytest.raises(RulesNotMet) as exc:
        services.variation_activate(actor=council_member, variation=second)
    assert [p.code for p in exc.value.details] == ["too_many_active"]
    assert Variation.objects.get(pk=second.pk).status == VariationStatus.AGREED


def test_dissolving_the_zone_ends_every_variation_the_same_day(
    zone, outcome, council, council_member, council_signer, steward
):
    active = agreed(council_member, council_signer, steward, zone, council, outcome)
    services.variation_activate(actor=council_member, variation=active)
    pending = propose(council_member, zone, council, outcome, title="Pending")
    zone_services.zone_record_review(
        actor=steward, zone=zone, evidence_summary="Done.", decision=Review.Decision.DISSOLVE
    )
    active.refresh_from_db()
    pending.refresh_from_db()
    assert (active.status, active.ended_on) == (VariationStatus.ENDED, TODAY)
    assert active.end_reason == "Ended because the zone was dissolved."
    assert pending.status == VariationStatus.WITHDRAWN


def test_automatic_dissolution_ends_variations_too(
    zone, outcome, council, council_member, council_signer, steward, settings
):
    settings.SIZES_REVIEW_GRACE_DAYS = 10
    v = agreed(council_member, council_signer, steward, zone, council, outcome, end_date=None)
    services.variation_activate(actor=council_member, variation=v)
    later = zone.review_date + dt.timedelta(days=11)
    with time_machine.travel(dt.datetime.combine(later, dt.time(12), tzinfo=dt.UTC)):
        result = zone_services.zones_tick()
    assert result.dissolved == 1
    v.refresh_from_db()
    assert (v.status, v.ended_on) == (VariationStatus.ENDED, later)


def test_tick_ends_variations_after_their_end_date(
    zone, outcome, council, council_member, council_signer, steward
):
    v = agreed(council_member, council_signer, steward, zone, council, outcome)
    services.variation_activate(actor=council_member, variation=v)
    day_after = v.end_date + dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(day_after, dt.time(12), tzinfo=dt.UTC)):
        assert zone_services.zones_tick().variations_ended == 1
        assert zone_services.zones_tick().variations_ended == 0
    v.refresh_from_db()
    assert (v.status, v.end_reason) == (VariationStatus.ENDED, "Reached its end date.")


def test_baseline_statement_by_a_partner_member(zone, council, council_member, resident):
    b = services.baseline_publish(
        actor=council_member, zone=zone, organisation=council, service="Parks",
        statement="Parks open 08:00 to dusk; buildings 10:00 to 16:00.",
    )  # fmt: skip
    assert b.statement.startswith("Parks open")
    with pytest.raises(NotAllowed):
        services.baseline_publish(
            actor=resident, zone=zone, organisation=council, service="Parks", statement="x"
        )


def test_what_applied_on_a_past_date(
    zone, outcome, council, council_member, council_signer, steward
):
    from sizes.variations.selectors import variations_in_force_on

    v = agreed(council_member, council_signer, steward, zone, council, outcome)
    services.variation_activate(actor=council_member, variation=v)
    v.events.filter(status="active").update(on=TODAY - dt.timedelta(days=5))
    v.events.filter(status__in=["proposed", "agreed"]).update(on=TODAY - dt.timedelta(days=8))
    services.variation_end(actor=steward, variation=v, reason="Stopped.")
    assert list(variations_in_force_on(on=TODAY - dt.timedelta(days=6))) == []
    assert list(variations_in_force_on(on=TODAY - dt.timedelta(days=3))) == [v]
    assert list(variations_in_force_on(on=TODAY)) == []


def test_conflicting_rule_in_an_overlapping_zone(
    zone, outcome, council, council_member, council_signer, steward
):
    from sizes.variations.selectors import variation_conflicts

    other = ZoneFactory(
        status=ZoneStatus.DECLARED, declared_on=zone.declared_on, stewards=[steward]
    )
    PartnershipFactory(zone=other, organisation=council, response=Partnership.Response.AGREED)
    other_outcome = OutcomeFactory(zone=other)
    mine = agreed(council_member, council_signer, steward, zone, council, outcome)
    theirs = agreed(
        council_member, council_signer, steward, other, council, other_outcome,
        standard_rule="PARK buildings open: 10:00 to 16:00.",
    )  # fmt: skip
    for v in (mine, theirs):
        services.variation_activate(actor=council_member, variation=v)
    assert list(variation_conflicts(variation=mine, overlapping_zone_ids=[other.pk])) == [theirs]
    assert list(variation_conflicts(variation=mine, overlapping_zone_ids=[])) == []

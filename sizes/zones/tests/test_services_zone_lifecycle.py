import datetime as dt

import pytest
from django.utils import timezone

from sizes.audit.models import AuditEvent
from sizes.audit.services import audit_verify
from sizes.core.errors import DomainError, InvalidTransition, NotAllowed
from sizes.engagement.models import Comment
from sizes.zones import services
from sizes.zones.models import Zone, ZoneStatus
from tests.factories import UserFactory, ZoneFactory

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.localdate() + dt.timedelta(days=365)


def create(actor, **kw):
    args = {
        "actor": actor, "name": "Cotteridge Park", "summary": "Around the park.",
        "intention": "We intend to work together.", "review_date": NEXT_YEAR,
        "themes": ["Health and well-being", "Dog walkers"], "outcomes": [("More walking", "")],
    }  # fmt: skip
    args.update(kw)
    return services.zone_create(**args)


def test_create_makes_a_private_draft_with_its_proposer_as_steward(resident):
    zone = create(resident)
    assert zone.status == ZoneStatus.DRAFT
    assert list(zone.stewards.all()) == [resident]
    assert sorted(t.name for t in zone.themes.all()) == ["Dog walkers", "Health and well-being"]
    assert zone.outcomes.get().title == "More walking"
    assert list(Zone.objects.visible_to(UserFactory())) == []
    assert list(Zone.objects.visible_to(resident)) == [zone]
    assert audit_verify().ok


def test_anonymous_cannot_propose():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAllowed):
        create(AnonymousUser())
    assert not Zone.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("name", "  ", "name_required"),
        ("name", "x" * 201, "name_too_long"),
        ("summary", "", "summary_required"),
        ("review_date", timezone.localdate(), "review_date_past"),
        ("themes", [f"t{i}" for i in range(13)], "too_many_themes"),
        ("outcomes", [("", "no title")], "title_required"),
    ],
)
def test_create_refuses_bad_input_and_stores_nothing(resident, field, value, code):
    with pytest.raises(DomainError) as exc:
        create(resident, **{field: value})
    assert exc.value.code == code
    assert not Zone.objects.exists()
    assert not AuditEvent.objects.exists()


def test_same_name_gets_a_distinct_address(resident):
    assert create(resident).slug == "cotteridge-park"
    assert create(resident).slug == "cotteridge-park-2"


def test_publish_opens_consultation_for_the_configured_days(resident, settings):
    settings.SIZES_CONSULTATION_DAYS = 42
    zone = services.zone_publish(actor=resident, zone=create(resident))
    today = timezone.localdate()
    assert zone.status == ZoneStatus.PROPOSED
    assert zone.consultation_ends == today + dt.timedelta(days=42)
    assert zone.consultation_days_left() == 42
    with pytest.raises(InvalidTransition):
        services.zone_publish(actor=resident, zone=zone)


def test_withdraw_needs_a_reason_and_only_before_declaration(resident):
    zone = services.zone_publish(actor=resident, zone=create(resident))
    with pytest.raises(DomainError) as exc:
        services.zone_withdraw(actor=resident, zone=zone, reason=" ")
    assert exc.value.code == "reason_required"
    zone = services.zone_withdraw(actor=resident, zone=zone, reason="Merged with another zone.")
    assert zone.status == ZoneStatus.WITHDRAWN
    assert zone.end_reason == "Withdrawn: Merged with another zone."
    declared = ZoneFactory(status=ZoneStatus.DECLARED, stewards=[resident])
    with pytest.raises(InvalidTransition):
        services.zone_withdraw(actor=resident, zone=declared, reason="No.")


def test_update_records_field_level_changes(resident):
    zone = create(resident)
    services.zone_update(
        actor=resident, zone=zone, expected_version=zone.version, name="Cotteridge Park zone",
        summary=zone.summary, intention=zone.intention, themes=["Housing"],
    )  # fmt: skip
    event = AuditEvent.objects.filter(action="zone.updated").get()
    assert event.changes == {
        "name": ["Cotteridge Park", "Cotteridge Park zone"],
        "themes": [["Dog walkers", "Health and well-being"], ["Housing"]],
    }


def test_other_people_cannot_edit(resident):
    zone = create(resident)
    with pytest.raises(NotAllowed):
        services.zone_update(
            actor=UserFactory(), zone=zone, expected_version=zone.version, name="Mine",
            summary="s", intention="i",
        )  # fmt: skip
    assert Zone.objects.get(pk=zone.pk).name == "Cotteridge Park"


def test_review_refuses_bad_renewal_dates(steward, settings):
    settings.SIZES_MAX_TERM_DAYS = 365
    zone = ZoneFactory(status=ZoneStatus.REVIEW_DUE, stewards=[steward])
    today = timezone.localdate()
    cases = [
        (None, "review_date_missing"),
        (today, "review_date_past"),
        (today + dt.timedelta(days=366), "review_date_too_far"),
    ]
    for bad, code in cases:
        with pytest.raises(DomainError) as exc:
            services.zone_record_review(
                actor=steward, zone=zone, evidence_summary="ok", decision="renew",
                new_review_date=bad,
            )  # fmt: skip
        assert [p.code for p in exc.value.details] == [code]
    assert Zone.objects.get(pk=zone.pk).status == ZoneStatus.REVIEW_DUE
    assert not zone.reviews.exists()


def test_drafts_and_ended_zones_cannot_be_reviewed(steward):
    for status in (ZoneStatus.DRAFT, ZoneStatus.PROPOSED, ZoneStatus.DISSOLVED):
        zone = ZoneFactory(status=status, stewards=[steward])
        with pytest.raises(InvalidTransition):
            services.zone_record_review(
                actor=steward, zone=zone, evidence_summary="x", decision="dissolve"
            )


def test_comments_on_public_zones_by_signed_in_people(resident):
    from django.contrib.auth.models import AnonymousUser

    public = ZoneFactory(status=ZoneStatus.PROPOSED)
    comment = services.comment_add(actor=resident, zone=public, body=" Lovely idea ")
    assert comment.body == "Lovely idea"
    with pytest.raises(NotAllowed):
        services.comment_add(actor=AnonymousUser(), zone=public, body="Hi")
    with pytest.raises(NotAllowed):
        services.comment_add(actor=resident, zone=ZoneFactory(), body="On a draft")
    with pytest.raises(DomainError) as exc:
        services.comment_add(actor=resident, zone=public, body="x" * 5001)
    assert exc.value.code == "body_too_long"
    assert Comment.objects.count() == 1

import pytest

from sizes.audit.models import AuditEvent
from sizes.core.errors import DomainError, InvalidTransition, NotAllowed
from sizes.partners import services
from sizes.partners.models import Membership, OrganisationKind, Partnership
from sizes.zones.models import ZoneStatus
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone(steward):
    return ZoneFactory(status=ZoneStatus.PROPOSED, stewards=[steward])


def test_steward_invites_a_partner_and_it_is_audited(zone, steward, council):
    p = services.partnership_invite(
        actor=steward, zone=zone, organisation=council, role="lead", commitment="Open the hall."
    )
    assert p.response == Partnership.Response.PENDING
    event = AuditEvent.objects.get(action="partnership.invited")
    assert event.changes["organisation"] == [None, council.name]


@pytest.mark.parametrize(
    ("role", "commitment", "code"),
    [("boss", "x", "role_invalid"), ("lead", "   ", "commitment_required")],
)
def test_invite_refuses_bad_input(zone, steward, council, role, commitment, code):
    with pytest.raises(DomainError) as exc:
        services.partnership_invite(
            actor=steward, zone=zone, organisation=council, role=role, commitment=commitment
        )
    assert exc.value.code == code
    assert not Partnership.objects.exists()


def test_only_stewards_invite(zone, resident, council):
    with pytest.raises(NotAllowed):
        services.partnership_invite(
            actor=resident, zone=zone, organisation=council, role="lead", commitment="x"
        )


def test_an_organisation_joins_a_zone_once(zone, steward, council):
    services.partnership_invite(
        actor=steward, zone=zone, organisation=council, role="lead", commitment="x"
    )
    with pytest.raises(DomainError) as exc:
        services.partnership_invite(
            actor=steward, zone=zone, organisation=council, role="partner", commitment="y"
        )
    assert exc.value.code == "already_partner"


def test_ended_zone_takes_no_partners(steward, council):
    zone = ZoneFactory(status=ZoneStatus.DISSOLVED, stewards=[steward])
    with pytest.raises(InvalidTransition):
        services.partnership_invite(
            actor=steward, zone=zone, organisation=council, role="lead", commitment="x"
        )


def test_only_a_signing_member_answers_for_the_organisation(zone, council, council_signer):
    p = PartnershipFactory(zone=zone, organisation=council)
    member_without_signing = MembershipFactory(organisation=council, can_sign=False).user
    requested = MembershipFactory(organisation=council, status=Membership.Status.REQUESTED).user
    for outsider in (member_without_signing, requested, UserFactory()):
        with pytest.raises(NotAllowed):
            services.partnership_respond(actor=outsider, partnership=p, response="agreed")
    services.partnership_respond(actor=council_signer, partnership=p, response="agreed")
    p.refresh_from_db()
    assert p.response == "agreed" and p.responded_by == council_signer


@pytest.mark.parametrize(
    ("response", "code"),
    [("reservations", "response_text_required"), ("objected", "response_text_required"),
     ("maybe", "response_invalid")],
)  # fmt: skip
def test_reservations_and_objections_need_words(zone, council, council_signer, response, code):
    p = PartnershipFactory(zone=zone, organisation=council)
    with pytest.raises(DomainError) as exc:
        services.partnership_respond(actor=council_signer, partnership=p, response=response)
    assert exc.value.code == code
    p.refresh_from_db()
    assert p.response == Partnership.Response.PENDING


def test_withdrawing_an_objection_by_agreeing_clears_the_answer(
    zone, steward, council, council_signer
):
    p = PartnershipFactory(zone=zone, organisation=council)
    services.partnership_respond(
        actor=council_signer, partnership=p, response="objected", text="Too big."
    )
    services.partnership_answer_objection(actor=steward, partnership=p, answer="We shrank it.")
    p.refresh_from_db()
    assert not p.is_unresolved_objection
    services.partnership_respond(actor=council_signer, partnership=p, response="agreed")
    p.refresh_from_db()
    assert p.response == "agreed" and p.objection_answer == ""


def test_only_objections_can_be_answered(zone, steward, council):
    p = PartnershipFactory(zone=zone, organisation=council)
    with pytest.raises(InvalidTransition):
        services.partnership_answer_objection(actor=steward, partnership=p, answer="Hello")


def test_membership_request_and_approval(council, council_signer):
    newcomer = UserFactory()
    m = services.membership_request(actor=newcomer, organisation=council)
    assert m.status == Membership.Status.REQUESTED
    with pytest.raises(DomainError) as exc:
        services.membership_request(actor=newcomer, organisation=council)
    assert exc.value.code == "membership_exists"
    with pytest.raises(NotAllowed):
        services.membership_decide(actor=UserFactory(), membership=m, approve=True)
    services.membership_decide(actor=council_signer, membership=m, approve=True, can_sign=True)
    m.refresh_from_db()
    assert m.status == Membership.Status.APPROVED and m.can_sign


def test_organisations_are_created_by_admins_only(resident, council_admin):
    with pytest.raises(NotAllowed):
        services.organisation_create(actor=resident, name="Fake Council", kind="council")
    org = services.organisation_create(
        actor=council_admin, name="Cotteridge Church", kind=OrganisationKind.VOLUNTARY
    )
    assert org.slug == "cotteridge-church"
    with pytest.raises(DomainError) as exc:
        services.organisation_create(actor=council_admin, name="cotteridge church", kind="other")
    assert exc.value.code == "organisation_exists"
    with pytest.raises(DomainError) as exc:
        services.organisation_create(actor=council_admin, name="X", kind="alien")
    assert exc.value.code == "kind_invalid"


def test_partner_may_sit_outside_the_zone_and_in_several_zones(steward):
    org = OrganisationFactory()
    for zone in (ZoneFactory(stewards=[steward]), ZoneFactory(stewards=[steward])):
        services.partnership_invite(
            actor=steward, zone=zone, organisation=org, role="supporter", commitment="Help."
        )
    assert org.partnerships.count() == 2

"""Writes about organisations, memberships and partnerships."""

from django.db import transaction
from django.utils import timezone

from sizes.audit.services import audit_record
from sizes.core.errors import DomainError, InvalidTransition
from sizes.core.text import clean_text, unique_slug
from sizes.partners import permissions as pperms
from sizes.partners.models import Membership, Organisation, OrganisationKind, Partnership
from sizes.zones import permissions as zperms
from sizes.zones.models import ENDED, Zone


def organisation_create(
    *,
    actor,
    name: str,
    kind: str,
    description: str = "",
    website: str = "",
    lat: float | None = None,
    lon: float | None = None,
) -> Organisation:
    zperms.require(
        pperms.can_create_organisation(actor), "Only council administrators can add organisations."
    )
    name = clean_text(name, field="name", label="the organisation's name", max_length=200)
    description = clean_text(
        description, field="description", label="the description", max_length=5000, required=False
    )
    if kind not in OrganisationKind.values:
        raise DomainError(code="kind_invalid", message="Choose what kind of organisation it is.")
    if (lat is None) != (lon is None):
        raise DomainError(
            code="location_incomplete",
            message="Give both the latitude and the longitude, or neither.",
        )
    if lat is not None:
        from sizes.geo.geometry import check_lat_lon

        lat, lon = check_lat_lon(lat, lon)
    if Organisation.objects.filter(name__iexact=name).exists():
        raise DomainError(
            code="organisation_exists", message=f"An organisation called {name} already exists."
        )
    with transaction.atomic():
        org = Organisation.objects.create(
            name=name,
            slug=unique_slug(Organisation, name),
            kind=kind,
            description=description,
            website=website.strip(),
            lat=lat,
            lon=lon,
        )
        audit_record(
            actor=actor,
            action="organisation.created",
            obj=org,
            changes={"name": [None, name], "kind": [None, kind]},
        )
    return org


def membership_request(*, actor, organisation: Organisation) -> Membership:
    """Ask to join an organisation; an existing signing member or an admin decides."""
    zperms.require(pperms.can_request_membership(actor), "Sign in to join an organisation.")
    existing = Membership.objects.filter(user=actor, organisation=organisation).first()
    if existing is not None:
        raise DomainError(
            code="membership_exists",
            message=f"You have already asked to join {organisation.name} "
            f"({existing.get_status_display().lower()}).",
        )
    with transaction.atomic():
        membership = Membership.objects.create(user=actor, organisation=organisation)
        audit_record(
            actor=actor,
            action="membership.requested",
            obj=membership,
            changes={"organisation": [None, organisation.name]},
        )
    return membership


def membership_decide(
    *, actor, membership: Membership, approve: bool, can_sign: bool = False
) -> Membership:
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .select_related("organisation")
            .get(pk=membership.pk)
        )
        zperms.require(
            pperms.can_manage_members(actor, membership.organisation),
            "Only a signing member of the organisation, or an administrator, can decide this.",
        )
        if membership.user_id == actor.pk and not zperms.is_admin(actor):
            raise DomainError(
                code="own_membership", message="You cannot approve your own membership."
            )
        before = {"status": membership.status, "can_sign": membership.can_sign}
        membership.status = Membership.Status.APPROVED if approve else Membership.Status.DECLINED
        membership.can_sign = bool(approve and can_sign)
        membership.decided_by = actor
        membership.decided_at = timezone.now()
        membership.save()
        audit_record(
            actor=actor,
            action="membership.decided",
            obj=membership,
            changes={
                "status": [before["status"], membership.status],
                "can_sign": [before["can_sign"], membership.can_sign],
            },
        )
    return membership


def partnership_invite(
    *, actor, zone: Zone, organisation: Organisation, role: str, commitment: str
) -> Partnership:
    """Invite an organisation to take part in a zone, with a role and a commitment to answer."""
    commitment = clean_text(commitment, field="commitment", label="the commitment", max_length=5000)
    if role not in Partnership.Role.values:
        raise DomainError(code="role_invalid", message="Choose the organisation's role.")
    with transaction.atomic():
        zone = Zone.objects.select_for_update().get(pk=zone.pk)
        zperms.require(
            zperms.can_manage_partners(actor, zone), "Only the zone's stewards can invite partners."
        )
        if zone.status in ENDED:
            raise InvalidTransition("This zone has ended; it cannot take new partners.")
        if Partnership.objects.filter(zone=zone, organisation=organisation).exists():
            raise DomainError(
                code="already_partner",
                message=f"{organisation.name} is already a partner in this zone.",
            )
        partnership = Partnership.objects.create(
            zone=zone,
            organisation=organisation,
            role=role,
            commitment=commitment,
            invited_by=actor,
        )
        audit_record(
            actor=actor,
            action="partnership.invited",
            obj=partnership,
            zone_id=zone.pk,
            changes={
                "organisation": [None, organisation.name],
                "role": [None, role],
                "commitment": [None, commitment],
            },
        )
    return partnership


def partnership_respond(
    *, actor, partnership: Partnership, response: str, text: str = ""
) -> Partnership:
    """Answer for an organisation: agree, agree with reservations (stated), or object (reason).

    A new answer replaces the old one; changing an objection to agreement withdraws it.
    """
    allowed = (
        Partnership.Response.AGREED,
        Partnership.Response.RESERVATIONS,
        Partnership.Response.OBJECTED,
    )
    if response not in allowed:
        raise DomainError(
            code="response_invalid", message="Choose agree, agree with reservations, or object."
        )
    needs_text = response != Partnership.Response.AGREED
    label = (
        "your reservations"
        if response == Partnership.Response.RESERVATIONS
        else "the reason for the objection"
    )
    text = clean_text(
        text, field="response_text", label=label, max_length=5000, required=needs_text
    )
    with transaction.atomic():
        partnership = (
            Partnership.objects.select_for_update()
            .select_related("organisation", "zone")
            .get(pk=partnership.pk)
        )
        zperms.require(
            pperms.can_sign_for(actor, partnership.organisation),
            f"Only a member authorised to sign for {partnership.organisation.name} can answer.",
        )
        if partnership.zone.status in ENDED:
            raise InvalidTransition("This zone has ended; answers can no longer change.")
        before = {"response": partnership.response, "response_text": partnership.response_text}
        partnership.response = response
        partnership.response_text = text
        partnership.responded_by = actor
        partnership.responded_at = timezone.now()
        if response != Partnership.Response.OBJECTED:
            partnership.objection_answer = ""
            partnership.objection_answered_by = None
            partnership.objection_answered_at = None
        partnership.save()
        audit_record(
            actor=actor,
            action="partnership.answered",
            obj=partnership,
            zone_id=partnership.zone_id,
            changes={
                "response": [before["response"], response],
                "response_text": [before["response_text"], text],
            },
        )
    return partnership


def partnership_answer_objection(*, actor, partnership: Partnership, answer: str) -> Partnership:
    """A steward's public answer to an objection; it then no longer blocks declaration."""
    answer = clean_text(answer, field="objection_answer", label="your answer", max_length=5000)
    with transaction.atomic():
        partnership = (
            Partnership.objects.select_for_update().select_related("zone").get(pk=partnership.pk)
        )
        zperms.require(
            zperms.can_manage_partners(actor, partnership.zone),
            "Only the zone's stewards can answer an objection.",
        )
        if partnership.response != Partnership.Response.OBJECTED:
            raise InvalidTransition("There is no objection to answer.")
        partnership.objection_answer = answer
        partnership.objection_answered_by = actor
        partnership.objection_answered_at = timezone.now()
        partnership.save()
        audit_record(
            actor=actor,
            action="partnership.objection_answered",
            obj=partnership,
            zone_id=partnership.zone_id,
            changes={"objection_answer": [None, answer]},
        )
    return partnership

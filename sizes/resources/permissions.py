"""Who may write pooled information and pledges. One predicate per question; deny by default.

Services call `sizes.zones.permissions.require(...)` with these before any write.
"""

from sizes.partners.models import Membership, OrganisationKind, Partnership
from sizes.variations.permissions import is_member
from sizes.zones.models import ENDED
from sizes.zones.permissions import _signed_in, is_admin

# Organisations that may pledge: funders and bodies offering expertise.
PLEDGING_KINDS = (OrganisationKind.FUNDER, OrganisationKind.UNIVERSITY)
PLEDGING_ROLES = (Partnership.Role.FUNDER, Partnership.Role.EXPERT)


def member_org_ids(user) -> set[int]:
    """Ids of the organisations the person is an approved member of."""
    if not _signed_in(user):
        return set()
    return set(
        Membership.objects.filter(user=user, status=Membership.Status.APPROVED).values_list(
            "organisation_id", flat=True
        )
    )


def is_partner(zone, organisation) -> bool:
    return Partnership.objects.filter(zone=zone, organisation=organisation).exists()


def can_share_for(user, zone, organisation) -> bool:
    """Add a budget, asset, objective or plan: a member of a partner organisation of the zone."""
    return (
        zone.is_public
        and zone.status not in ENDED
        and is_member(user, organisation)
        and is_partner(zone, organisation)
    )


def can_edit_record(user, record) -> bool:
    """Edit a pooled record: only a member of the organisation that owns it."""
    return is_member(user, record.organisation) and is_partner(record.zone, record.organisation)


def is_pledger(organisation) -> bool:
    return (
        organisation.kind in PLEDGING_KINDS
        or Partnership.objects.filter(organisation=organisation, role__in=PLEDGING_ROLES).exists()
    )


def can_pledge_for(user, zone, organisation) -> bool:
    """Pledge to a public zone that has not ended: a member of a funder or expert body."""
    return (
        zone.is_public
        and zone.status not in ENDED
        and is_member(user, organisation)
        and is_pledger(organisation)
    )


def can_manage_pledge(user, pledge) -> bool:
    """Record a grant or withdraw a pledge: a member of the pledging organisation."""
    return is_member(user, pledge.organisation)


def can_manage_identifiers(user, organisation) -> bool:
    """Add or remove org-id identifiers: a signing member of the organisation, or an admin."""
    if is_admin(user):
        return True
    return (
        _signed_in(user)
        and Membership.objects.filter(
            user=user,
            organisation=organisation,
            status=Membership.Status.APPROVED,
            can_sign=True,
        ).exists()
    )


def can_see_partners_only(user, zone) -> bool:
    """Partners-only records of a zone: members of its partner organisations, and admins."""
    if is_admin(user):
        return True
    ids = member_org_ids(user)
    return bool(ids) and Partnership.objects.filter(zone=zone, organisation_id__in=ids).exists()

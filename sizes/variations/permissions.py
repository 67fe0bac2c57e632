"""Who may do what to a variation. Deny by default."""

from sizes.partners.models import Membership
from sizes.partners.permissions import can_sign_for
from sizes.zones.permissions import _signed_in, is_admin, is_steward


def is_member(user, organisation) -> bool:
    if not _signed_in(user):
        return False
    return Membership.objects.filter(
        user=user, organisation=organisation, status=Membership.Status.APPROVED
    ).exists()


def can_propose_variation(user, zone, owner) -> bool:
    """An approved member of a partner organisation of the zone."""
    return is_member(user, owner) and zone.partnerships.filter(organisation=owner).exists()


def can_edit_variation(user, variation) -> bool:
    return is_member(user, variation.owner)


def can_agree_for_owner(user, variation) -> bool:
    return can_sign_for(user, variation.owner)


def can_agree_as_steward(user, variation) -> bool:
    return is_steward(user, variation.zone)


def can_activate_or_end(user, variation) -> bool:
    return is_member(user, variation.owner) or is_steward(user, variation.zone)


def can_set_limits(user, zone) -> bool:
    return is_admin(user)


def can_publish_baseline(user, zone, organisation) -> bool:
    return can_propose_variation(user, zone, organisation)

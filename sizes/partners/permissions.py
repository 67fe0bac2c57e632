"""Who may answer for an organisation, and who manages its members."""

from sizes.partners.models import Membership
from sizes.zones.permissions import _signed_in, is_admin


def can_sign_for(user, organisation) -> bool:
    """An approved member with signing rights may answer for the organisation."""
    if not _signed_in(user):
        return False
    return Membership.objects.filter(
        user=user, organisation=organisation, status=Membership.Status.APPROVED, can_sign=True
    ).exists()


def can_manage_members(user, organisation) -> bool:
    return is_admin(user) or can_sign_for(user, organisation)


def can_create_organisation(user) -> bool:
    return is_admin(user)


def can_request_membership(user) -> bool:
    return _signed_in(user)

"""Reads about organisations for their pages."""

from django.db.models import QuerySet

from sizes.partners.models import Membership, Organisation, Partnership
from sizes.zones.models import Zone


def organisation_partnerships_for_user(
    *, organisation: Organisation, user
) -> QuerySet[Partnership]:
    """The organisation's part in each zone this person may see (drafts stay hidden)."""
    return (
        Partnership.objects.filter(
            organisation=organisation, zone__in=Zone.objects.visible_to(user)
        )
        .select_related("zone")
        .order_by("zone__name")
    )


def membership_requests_pending(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation, status=Membership.Status.REQUESTED)
        .select_related("user")
        .order_by("requested_at", "id")
    )


def membership_for(*, organisation: Organisation, user) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(organisation=organisation, user=user).first()

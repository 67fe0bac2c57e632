"""Reads of the variations register: by zone, across zones, and as they stood on a date."""

import datetime as dt
from collections import defaultdict

from django.db.models import OuterRef, QuerySet, Subquery

from sizes.variations.models import Subject, Variation, VariationEvent, VariationStatus
from sizes.zones.models import PUBLIC


def variations_public(
    *,
    zone=None,
    owner_slug: str | None = None,
    subject: str | None = None,
    status: str | None = None,
    zone_ids: list[int] | None = None,
) -> QuerySet[Variation]:
    """Variations of public zones, filtered; with what the register shows loaded."""
    qs = Variation.objects.filter(zone__status__in=PUBLIC)
    if zone is not None:
        qs = qs.filter(zone=zone)
    if zone_ids is not None:
        qs = qs.filter(zone_id__in=zone_ids)
    if owner_slug:
        qs = qs.filter(owner__slug=owner_slug)
    if subject:
        qs = qs.filter(subject=subject)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("zone", "owner").prefetch_related("outcomes")


def variations_by_subject(variations) -> list[tuple[str, list[Variation]]]:
    """Group variations under their subject's plain name, in the order subjects are listed."""
    groups = defaultdict(list)
    for v in variations:
        groups[v.subject].append(v)
    return [(label, groups[value]) for value, label in Subject.choices if groups[value]]


def status_on(*, on: dt.date) -> Subquery:
    """Subquery: a variation's status at the end of day `on`, from its kept history."""
    latest = VariationEvent.objects.filter(variation=OuterRef("pk"), on__lte=on).order_by(
        "-on", "-id"
    )
    return Subquery(latest.values("status")[:1])


def variations_in_force_on(*, on: dt.date, zone_ids: list[int] | None = None):
    """Variations that were active on `on` (what applied then), whatever they are now."""
    qs = Variation.objects.annotate(status_then=status_on(on=on)).filter(
        status_then=VariationStatus.ACTIVE
    )
    if zone_ids is not None:
        qs = qs.filter(zone_id__in=zone_ids)
    return qs.select_related("zone", "owner")


def variation_conflicts(*, variation: Variation, overlapping_zone_ids: list[int]):
    """Active variations of the same standard rule in zones that overlap this one's zone."""
    return Variation.objects.filter(
        zone_id__in=[z for z in overlapping_zone_ids if z != variation.zone_id],
        rule_key=variation.rule_key,
        status=VariationStatus.ACTIVE,
    ).select_related("zone", "owner")

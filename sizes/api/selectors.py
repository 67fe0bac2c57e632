"""Reads the API needs beyond the apps' own selectors: filters over public data, composed from
those selectors so the public/private line is drawn in one place (the apps')."""

from __future__ import annotations

import datetime as dt
import math

from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone

from sizes.api.models import ApiToken
from sizes.audit.models import AuditEvent
from sizes.core.errors import DomainError, NotFound
from sizes.geo.models import AreaType, ZoneBoundary
from sizes.geo.selectors import reference_area_get, zones_touching_area
from sizes.partners.models import Organisation, Partnership
from sizes.variations.selectors import variations_public
from sizes.zones.models import PUBLIC, Review, Zone


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """`minLon,minLat,maxLon,maxLat` in WGS84 degrees, or DomainError `bbox_invalid`."""

    def bad(why: str):
        return DomainError(
            code="bbox_invalid",
            message=f"bbox must be minLon,minLat,maxLon,maxLat in degrees: {why}",
            field="bbox",
        )

    parts = text.split(",")
    if len(parts) != 4:
        raise bad(f"give 4 numbers, not {len(parts)}.")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise bad("every part must be a number.") from None
    if not all(math.isfinite(v) for v in values):
        raise bad("every part must be a finite number.")
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise bad("longitudes must be between -180 and 180.")
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise bad("latitudes must be between -90 and 90.")
    if min_lon > max_lon or min_lat > max_lat:
        raise bad("the minimum must not be greater than the maximum.")
    return min_lon, min_lat, max_lon, max_lat


def zones_public_filtered(
    *,
    status: str | None = None,
    theme: str | None = None,
    partner: str | None = None,
    bbox: str | None = None,
    ward: str | None = None,
    updated_since: dt.datetime | None = None,
) -> QuerySet[Zone]:
    """Public zones, filtered: status value, theme slug, partner organisation slug, bounding box
    (of the current boundary), ward GSS code (current core overlaps it), updated since."""
    qs = Zone.objects.public()
    if status:
        qs = qs.filter(status=status)
    if theme:
        qs = qs.filter(themes__slug=theme)
    if partner:
        qs = qs.filter(partnerships__organisation__slug=partner)
    if bbox:
        bounds = parse_bbox(bbox)
        qs = qs.filter(
            pk__in=ZoneBoundary.objects.current().overlapping_bbox(bounds).values("zone_id")
        )
    if ward:
        try:
            area = reference_area_get(area_type=AreaType.WARD, code=ward)
        except NotFound as exc:
            raise DomainError(code="ward_unknown", message=exc.message, field="ward") from None
        qs = qs.filter(pk__in=[z.zone.pk for z in zones_touching_area(area=area)])
    if updated_since:
        try:
            if timezone.is_naive(updated_since):
                # A date or a time without an offset means the site's local time.
                updated_since = timezone.make_aware(updated_since)
            # In UTC: PostgreSQL refuses offsets beyond ±15:59 that ISO 8601 (and Python) allow.
            updated_since = updated_since.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            raise DomainError(
                code="parameter_invalid",
                message="updated_since must be an ISO 8601 date-time between the years 1 and 9999.",
                field="updated_since",
            ) from None
        qs = qs.filter(updated_at__gte=updated_since)
    return qs.distinct().prefetch_related(
        "themes",
        "outcomes",
        Prefetch("partnerships", queryset=Partnership.objects.select_related("organisation")),
        Prefetch("boundaries", queryset=ZoneBoundary.objects.current(), to_attr="current"),
    )


def public_zone(*, slug: str) -> Zone:
    zone = zones_public_filtered().filter(slug=slug).first()
    if zone is None:
        raise NotFound("There is no public zone with this slug.", code="zone_not_found")
    return zone


def variations_filtered(
    *,
    zone: str | None = None,
    owner: str | None = None,
    subject: str | None = None,
    status: str | None = None,
):
    qs = variations_public(owner_slug=owner, subject=subject, status=status)
    if zone:
        qs = qs.filter(zone__slug=zone)
    return qs


def public_variation(*, pk: int):
    v = variations_public().filter(pk=pk).first()
    if v is None:
        raise NotFound("There is no public variation with this id.", code="variation_not_found")
    return v


def organisations_filtered(*, kind: str | None = None) -> QuerySet[Organisation]:
    qs = Organisation.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    return qs.prefetch_related(
        Prefetch(
            "partnerships",
            queryset=Partnership.objects.filter(zone__status__in=PUBLIC).select_related("zone"),
            to_attr="public_partnerships",
        )
    )


def public_organisation(*, slug: str) -> Organisation:
    org = organisations_filtered().filter(slug=slug).first()
    if org is None:
        raise NotFound("There is no organisation with this slug.", code="organisation_not_found")
    return org


def reviews_public(*, zone: str | None = None) -> QuerySet[Review]:
    qs = Review.objects.filter(zone__status__in=PUBLIC).select_related("zone")
    if zone:
        qs = qs.filter(zone__slug=zone)
    return qs


def public_review(*, pk: int) -> Review:
    review = reviews_public().filter(pk=pk).first()
    if review is None:
        raise NotFound("There is no public review with this id.", code="review_not_found")
    return review


def last_changed(*, object_type: str, ids: list) -> dt.datetime | None:
    """When any of these objects last changed, from the audit trail."""
    if not ids:
        return None
    return AuditEvent.objects.filter(
        object_type=object_type, object_id__in=[str(i) for i in ids]
    ).aggregate(at=Max("at"))["at"]


def tokens_for_user(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).prefetch_related("organisations")

"""JSON endpoint: `GET /api/v1/lookup?postcode=…` or `?lat=…&lon=…` [`&at=YYYY-MM-DD`].

Errors are RFC 9457 problem details (`application/problem+json`) with SIZes' stable `code`.
"""

from http import HTTPStatus

from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from sizes.core.errors import DomainError
from sizes.geo.selectors import (
    PlaceLookup,
    VariationAtPlace,
    ZoneAtPlace,
    lookup_point,
    lookup_postcode,
)


def problem(error: DomainError) -> JsonResponse:
    """A DomainError as an RFC 9457 problem+json response."""
    status = error.status
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": error.message,
        "code": error.code,
    }
    if error.details:
        body["errors"] = [
            {"code": p.code, "detail": p.message, "field": p.field} for p in error.details
        ]
    return JsonResponse(body, status=status, content_type="application/problem+json")


def _zone_json(item: ZoneAtPlace) -> dict:
    zone = item.zone
    return {
        "zone": {
            "id": zone.pk,
            "slug": zone.slug,
            "name": zone.name,
            "url": reverse("zones:detail", args=[zone.slug]) if zone.slug else None,
        },
        "status": str(item.status),
        "membership": item.membership,
        "active_variations": item.active_variations,
        "distance_m": item.distance_m,
        "fringe_m": item.fringe_m,
        "boundary": {
            "id": item.boundary.pk,
            "valid_from": item.boundary.valid_from.isoformat()
            if hasattr(item.boundary, "valid_from") and item.boundary.valid_from
            else None,
        }
        if item.boundary
        else None,
    }


def lookup_as_json(result: PlaceLookup) -> dict:
    """The lookup answer as the API (and `sizes lookup --json`) shows it."""
    return {
        "query": {
            "postcode": result.postcode,
            "lat": result.lat,
            "lon": result.lon,
            "at": result.at.isoformat() if result.at else None,
        },
        "answer": result.answer(),
        "in_zone": bool(result.in_force),
        "in_force": [_zone_json(i) for i in result.in_force],
        "proposed": [_zone_json(i) for i in result.proposed],
        "history": [_zone_json(i) for i in result.history],
        "variations": [_variation_json(v) for v in result.variations],
    }


def _variation_json(item: VariationAtPlace) -> dict:
    v = item.variation
    return {
        "id": v.pk,
        "title": v.title,
        "owner": v.owner.name,
        "zone": v.zone.slug,
        "scope": v.scope,
        "near": item.near,
        "url": reverse("variations:detail", args=[v.pk]),
    }


@require_GET
def lookup(request):
    postcode = request.GET.get("postcode", "").strip()
    lat, lon = request.GET.get("lat", "").strip(), request.GET.get("lon", "").strip()
    at = request.GET.get("at") or None
    try:
        if postcode:
            result = lookup_postcode(postcode, at)
        elif lat or lon:
            if not (lat and lon):
                raise DomainError(
                    code="point_incomplete", message="Give both lat and lon, or a postcode."
                )
            result = lookup_point(lat, lon, at)
        else:
            raise DomainError(
                code="place_missing",
                message="Say where: give ?postcode=B30+2AA, or ?lat=52.43&lon=-1.93.",
            )
    except DomainError as exc:
        return problem(exc)
    return JsonResponse(lookup_as_json(result))

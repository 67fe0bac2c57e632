"""The lookup answer as JSON, and DomainErrors as problem+json, for the geography's JSON views.

The endpoint `GET /api/v1/lookup` itself lives in the public API (sizes/api/routers/lookup.py),
which calls `lookup_as_json`; so does `sizes lookup --json`.
"""

from http import HTTPStatus

from django.http import JsonResponse
from django.urls import get_script_prefix, reverse

from sizes.core.errors import DomainError
from sizes.geo.selectors import (
    PlaceLookup,
    VariationAtPlace,
    ZoneAtPlace,
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


_PLACEHOLDER = "9876543210"  # matches both <slug:> and <int:>


def _url(name: str, arg) -> str:
    """reverse(name, args=[arg]) for a slug or an id, from a pattern reversed once per URL
    prefix (a lookup shows several links; reversing each cost more than finding the zones)."""
    key = (get_script_prefix(), name)
    pattern = _patterns.get(key)
    if pattern is None:
        pattern = _patterns[key] = reverse(name, args=[_PLACEHOLDER])
    return pattern.replace(_PLACEHOLDER, str(arg), 1)


_patterns: dict[tuple[str, str], str] = {}


def _zone_json(item: ZoneAtPlace) -> dict:
    zone = item.zone
    return {
        "zone": {
            "id": zone.pk,
            "slug": zone.slug,
            "name": zone.name,
            "url": _url("zones:detail", zone.slug) if zone.slug else None,
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
        "url": _url("variations:detail", v.pk),
    }

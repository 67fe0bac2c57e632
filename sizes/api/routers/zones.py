"""Zones: the register, one zone, and its boundary and fringe as GeoJSON."""

from __future__ import annotations

import datetime as dt
import json
from typing import Literal

from django.http import HttpResponse
from django.urls import reverse
from ninja import Path, Query, Schema
from pydantic import Field

from sizes.api import selectors
from sizes.api.conventions import DEFAULT_LIMIT, ApiRouter, paginate, set_last_modified
from sizes.api.geojson import GEOJSON, bbox_of, feature
from sizes.api.schemas import Code, Cursor, Feature, Limit, PageMeta, Slug
from sizes.core.errors import NotFound
from sizes.zones.models import PUBLIC

router = ApiRouter(tags=["zones"])

PublicStatus = Literal[tuple(str(s) for s in PUBLIC)]  # type: ignore[valid-type]


class PartnerOut(Schema):
    organisation: str = Field(description="The organisation's slug.")
    name: str
    role: str
    response: str


class ZoneOutcomeRef(Schema):
    id: int
    title: str
    description: str


class ZoneLinks(Schema):
    self: str
    html: str
    boundary: str
    fringe: str
    variations: str
    history: str


class ZoneOut(Schema):
    id: int
    slug: str
    name: str
    summary: str
    intention: str
    status: str
    status_label: str
    themes: list[str]
    proposed_on: dt.date | None
    consultation_ends: dt.date | None
    declared_on: dt.date | None
    review_date: dt.date
    ended_on: dt.date | None
    end_reason: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    bbox: list[float] | None = Field(description="[minLon, minLat, maxLon, maxLat] of the fringe.")
    fringe_m: int | None
    partners: list[PartnerOut]
    outcomes: list[ZoneOutcomeRef]
    links: ZoneLinks


class ZonePage(PageMeta):
    items: list[ZoneOut]


class ZoneFilters(Schema):
    status: PublicStatus | None = None
    theme: Slug | None = Field(None, description="A theme's slug.")
    partner: Slug | None = Field(None, description="An organisation's slug.")
    bbox: str | None = Field(
        None, max_length=200, description="minLon,minLat,maxLon,maxLat (WGS84 degrees)."
    )
    ward: Code | None = Field(None, description="A ward's GSS code, e.g. E05011172.")
    updated_since: dt.datetime | None = Field(None, description="ISO 8601 date-time.")
    cursor: Cursor | None = None
    limit: Limit = DEFAULT_LIMIT


def zone_out(zone) -> dict:
    current = getattr(zone, "current", None)
    boundary = current[0] if current else None
    api = "/api/v1/zones/" + zone.slug
    return {
        "id": zone.pk,
        "slug": zone.slug,
        "name": zone.name,
        "summary": zone.summary,
        "intention": zone.intention,
        "status": zone.status,
        "status_label": zone.get_status_display(),
        "themes": [t.slug for t in zone.themes.all()],
        "proposed_on": zone.proposed_on,
        "consultation_ends": zone.consultation_ends,
        "declared_on": zone.declared_on,
        "review_date": zone.review_date,
        "ended_on": zone.ended_on,
        "end_reason": zone.end_reason,
        "created_at": zone.created_at,
        "updated_at": zone.updated_at,
        "version": zone.version,
        "bbox": bbox_of(boundary.fringe) if boundary else None,
        "fringe_m": boundary.fringe_m if boundary else None,
        "partners": [
            {
                "organisation": p.organisation.slug,
                "name": p.organisation.name,
                "role": p.role,
                "response": p.response,
            }
            for p in zone.partnerships.all()
        ],
        "outcomes": [
            {"id": o.pk, "title": o.title, "description": o.description}
            for o in zone.outcomes.all()
        ],
        "links": {
            "self": api,
            "html": reverse("zones:detail", args=[zone.slug]),
            "boundary": api + "/boundary",
            "fringe": api + "/fringe",
            "variations": f"/api/v1/variations?zone={zone.slug}",
            "history": api + "/history",
        },
    }


@router.get("", response=ZonePage, summary="List public zones")
def list_zones(request, response: HttpResponse, filters: Query[ZoneFilters]):
    """Public zones in id order, filtered. Drafts are never listed."""
    qs = selectors.zones_public_filtered(
        status=filters.status, theme=filters.theme, partner=filters.partner,
        bbox=filters.bbox, ward=filters.ward, updated_since=filters.updated_since,
    )  # fmt: skip
    page = paginate(qs, cursor=filters.cursor, limit=filters.limit)
    set_last_modified(response, max((z.updated_at for z in page.items), default=None))
    return {
        "items": [zone_out(z) for z in page.items],
        "next_cursor": page.next_cursor,
        "limit": filters.limit,
    }


@router.get("/{slug}", response=ZoneOut, summary="One public zone")
def get_zone(request, response: HttpResponse, slug: Path[Slug]):
    zone = selectors.public_zone(slug=slug)
    set_last_modified(response, zone.updated_at)
    return zone_out(zone)


def _geometry_feature(zone, which: str) -> HttpResponse:
    current = getattr(zone, "current", None)
    if not current:
        raise NotFound("This zone has no boundary yet.", code="boundary_not_found")
    boundary = current[0]
    body = feature(
        fid=zone.slug,
        geometry=getattr(boundary, which),
        properties={
            "zone": zone.slug,
            "name": zone.name,
            "status": zone.status,
            "part": which,
            "fringe_m": boundary.fringe_m,
            "valid_from": boundary.valid_from.isoformat(),
            "method": boundary.method,
        },
    )
    response = HttpResponse(json.dumps(body), content_type=GEOJSON)
    set_last_modified(response, boundary.valid_from)
    return response


@router.get(
    "/{slug}/boundary", response=Feature, summary="A zone's core boundary (GeoJSON Feature)",
    openapi_extra={"x-media-type": GEOJSON},
)  # fmt: skip
def get_zone_boundary(request, slug: Path[Slug]):
    """The core: the declared area, as an RFC 7946 Feature with a MultiPolygon."""
    return _geometry_feature(selectors.public_zone(slug=slug), "core")


@router.get(
    "/{slug}/fringe", response=Feature, summary="A zone's fringe (GeoJSON Feature)",
    openapi_extra={"x-media-type": GEOJSON},
)  # fmt: skip
def get_zone_fringe(request, slug: Path[Slug]):
    """The core plus the fringe band around it, where neighbours take part too."""
    return _geometry_feature(selectors.public_zone(slug=slug), "fringe")

"""Organisations (partners) and their part in public zones."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.urls import reverse
from ninja import Path, Query, Schema
from pydantic import Field

from sizes.api import selectors
from sizes.api.conventions import DEFAULT_LIMIT, ApiRouter, paginate
from sizes.api.schemas import Cursor, Limit, PageMeta, Slug
from sizes.partners.models import OrganisationKind

router = ApiRouter(tags=["organisations"])


class ZonePart(Schema):
    zone: str = Field(description="The zone's slug.")
    zone_name: str
    role: str
    response: str
    commitment: str


class OrganisationOut(Schema):
    id: int
    slug: str
    name: str
    kind: OrganisationKind
    kind_label: str
    description: str
    website: str
    created_at: dt.datetime
    zones: list[ZonePart]
    html: str


class OrganisationPage(PageMeta):
    items: list[OrganisationOut]


class OrganisationFilters(Schema):
    kind: OrganisationKind | None = None
    cursor: Cursor | None = None
    limit: Limit = DEFAULT_LIMIT


def organisation_out(org) -> dict:
    return {
        "id": org.pk,
        "slug": org.slug,
        "name": org.name,
        "kind": org.kind,
        "kind_label": org.get_kind_display(),
        "description": org.description,
        "website": org.website,
        "created_at": org.created_at,
        "zones": [
            {
                "zone": p.zone.slug,
                "zone_name": p.zone.name,
                "role": p.role,
                "response": p.response,
                "commitment": p.commitment,
            }
            for p in org.public_partnerships
        ],
        "html": reverse("partners:organisation", args=[org.slug]),
    }


@router.get("", response=OrganisationPage, summary="List organisations")
def list_organisations(request, response: HttpResponse, filters: Query[OrganisationFilters]):
    page = paginate(
        selectors.organisations_filtered(kind=filters.kind),
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return {
        "items": [organisation_out(o) for o in page.items],
        "next_cursor": page.next_cursor,
        "limit": filters.limit,
    }


@router.get("/{slug}", response=OrganisationOut, summary="One organisation")
def get_organisation(request, slug: Path[Slug]):
    return organisation_out(selectors.public_organisation(slug=slug))

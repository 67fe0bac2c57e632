"""Variations: the public register, and writes for partners' systems through the same services
(and so the same permission checks and rules) as the web forms."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpResponse
from django.urls import reverse
from ninja import Header, Path, Query, Schema, Status
from pydantic import Field

from sizes.api import selectors
from sizes.api.auth import token_auth
from sizes.api.conventions import (
    DEFAULT_LIMIT,
    ApiRouter,
    expected_version,
    paginate,
    set_last_modified,
)
from sizes.api.permissions import token_may_act_for
from sizes.api.schemas import Cursor, Id, Limit, PageMeta, Problem, Slug
from sizes.core.errors import NotAllowed, NotFound
from sizes.geo import geometry as g
from sizes.partners.models import Organisation
from sizes.variations import services
from sizes.variations.models import Action, Scope, Subject, VariationStatus
from sizes.zones.models import Zone

router = ApiRouter(tags=["variations"])

OBJECT_TYPE = "variations.variation"
IfMatch = Annotated[
    str | None,
    Header(
        None, alias="If-Match", max_length=100,
        description='The version you read, as the ETag of GET /variations/{id}: "3".',
    ),
]  # fmt: skip


class VariationLinks(Schema):
    self: str
    html: str
    zone: str
    history: str


class VariationOut(Schema):
    id: int
    zone: str = Field(description="The zone's slug.")
    owner: str = Field(description="The owning organisation's slug.")
    owner_name: str
    subject: Subject
    action: Action
    title: str
    standard_rule: str
    standard_rule_url: str
    difference: str
    reason: str
    applies_to: str
    guaranteed: str
    cap: str
    scope: Scope
    sub_area: dict | None
    start_date: dt.date
    end_date: dt.date | None
    accountable_name: str
    accountable_role: str
    status: VariationStatus
    owner_agreed: bool
    steward_agreed: bool
    activated_on: dt.date | None
    ended_on: dt.date | None
    end_reason: str
    outcomes: list[int]
    created_at: dt.datetime
    version: int
    links: VariationLinks


class VariationPage(PageMeta):
    items: list[VariationOut]


class VariationFilters(Schema):
    zone: Slug | None = Field(None, description="A zone's slug.")
    owner: Slug | None = Field(None, description="The owning organisation's slug.")
    subject: Subject | None = None
    status: VariationStatus | None = None
    cursor: Cursor | None = None
    limit: Limit = DEFAULT_LIMIT


Text = Annotated[str, Field(max_length=10000)]
ShortText = Annotated[str, Field(max_length=1000)]


class VariationFields(Schema):
    """What a partner says about a variation (checked by the same rules as the web form)."""

    subject: Subject
    action: Action
    title: ShortText
    standard_rule: ShortText
    standard_rule_url: ShortText = ""
    difference: Text
    reason: Text
    applies_to: Text
    guaranteed: Text
    cap: ShortText = ""
    scope: Scope = Scope.WHOLE_ZONE
    sub_area: dict | None = Field(
        None, description="GeoJSON (WGS84) of the part of the zone, when scope is sub_area."
    )
    start_date: dt.date
    end_date: dt.date | None = None
    accountable_name: ShortText
    accountable_role: ShortText
    outcomes: list[Id] = Field(max_length=100, description="Ids of the zone's outcomes.")


class VariationCreate(VariationFields):
    zone: Slug = Field(description="The zone's slug.")
    owner: Slug = Field(description="The owning organisation's slug (one the token acts for).")


class EndIn(Schema):
    reason: Text


def variation_out(v) -> dict:
    return {
        "id": v.pk,
        "zone": v.zone.slug,
        "owner": v.owner.slug,
        "owner_name": v.owner.name,
        "subject": v.subject,
        "action": v.action,
        "title": v.title,
        "standard_rule": v.standard_rule,
        "standard_rule_url": v.standard_rule_url,
        "difference": v.difference,
        "reason": v.reason,
        "applies_to": v.applies_to,
        "guaranteed": v.guaranteed,
        "cap": v.cap,
        "scope": v.scope,
        "sub_area": v.sub_area,
        "start_date": v.start_date,
        "end_date": v.end_date,
        "accountable_name": v.accountable_name,
        "accountable_role": v.accountable_role,
        "status": v.status,
        "owner_agreed": v.owner_agreed_at is not None,
        "steward_agreed": v.steward_agreed_at is not None,
        "activated_on": v.activated_on,
        "ended_on": v.ended_on,
        "end_reason": v.end_reason,
        "outcomes": sorted(o.pk for o in v.outcomes.all()),
        "created_at": v.created_at,
        "version": v.version,
        "links": {
            "self": f"/api/v1/variations/{v.pk}",
            "html": reverse("variations:detail", args=[v.pk]),
            "zone": f"/api/v1/zones/{v.zone.slug}",
            "history": f"/api/v1/variations/{v.pk}/history",
        },
    }


@router.get("", response=VariationPage, summary="List public variations")
def list_variations(request, response: HttpResponse, filters: Query[VariationFilters]):
    """Variations of public zones, in id order, filtered."""
    qs = selectors.variations_filtered(
        zone=filters.zone, owner=filters.owner, subject=filters.subject, status=filters.status
    )
    page = paginate(qs, cursor=filters.cursor, limit=filters.limit)
    ids = [v.pk for v in page.items]
    set_last_modified(response, selectors.last_changed(object_type=OBJECT_TYPE, ids=ids))
    return {
        "items": [variation_out(v) for v in page.items],
        "next_cursor": page.next_cursor,
        "limit": filters.limit,
    }


def _with_version(response: HttpResponse, v) -> None:
    # The ETag of a variation is its version: send it back as If-Match to update it.
    response["ETag"] = f'"{v.version}"'
    set_last_modified(response, selectors.last_changed(object_type=OBJECT_TYPE, ids=[v.pk]))


@router.get("/{id}", response=VariationOut, summary="One public variation")
def get_variation(request, response: HttpResponse, id: Path[Id]):
    """The ETag is the variation's version: send it as If-Match to change it."""
    v = selectors.public_variation(pk=id)
    _with_version(response, v)
    return variation_out(v)


# --- writes ----------------------------------------------------------------------------------


def _fields(payload: VariationFields) -> dict:
    data = payload.dict(exclude={"zone", "owner"})
    if data.get("scope") == Scope.SUB_AREA and data.get("sub_area") is not None:
        # The same parsing as a boundary upload: invalid GeoJSON is refused with a reason.
        data["sub_area"] = g.to_geojson(g.geometry_from_geojson(data["sub_area"]))
    return data


def _writable(request, pk: int):
    """The variation, if the token acts for its owner; 404/403 otherwise."""
    v = selectors.public_variation(pk=pk)
    if not token_may_act_for(request.auth, v.owner):
        raise NotAllowed(
            f"This token does not act for {v.owner.name}, which owns this variation.",
            code="token_scope",
        )
    return v


WRITE = {"auth": token_auth}
_UPDATE = {200: VariationOut, 409: Problem, 428: Problem}
_TRANSITION = {200: VariationOut, 409: Problem}


@router.post(
    "",
    response={201: VariationOut, 404: Problem, 409: Problem},
    summary="Propose a variation",
    **WRITE,
)
def create_variation(request, response: HttpResponse, payload: VariationCreate):
    """Record a proposed variation in a declared zone, for an organisation the token acts for."""
    zone = Zone.objects.public().filter(slug=payload.zone).first()
    if zone is None:
        raise NotFound("There is no public zone with this slug.", code="zone_not_found")
    owner = Organisation.objects.filter(slug=payload.owner).first()
    if owner is None:
        raise NotFound("There is no organisation with this slug.", code="organisation_not_found")
    if not token_may_act_for(request.auth, owner):
        raise NotAllowed(f"This token does not act for {owner.name}.", code="token_scope")
    v = services.variation_propose(
        actor=request.auth.user, zone=zone, owner=owner, **_fields(payload)
    )
    v = selectors.public_variation(pk=v.pk)
    response["Location"] = f"/api/v1/variations/{v.pk}"
    _with_version(response, v)
    return Status(201, variation_out(v))


@router.put("/{id}", response=_UPDATE, summary="Change a proposed or agreed variation", **WRITE)
def update_variation(
    request, response: HttpResponse, id: Path[Id], payload: VariationFields, if_match: IfMatch
):
    """Replace what the variation says. Needs If-Match with the version you read (428 without
    it, 409 if it changed since). Changing an agreed variation needs agreeing again."""
    v = _writable(request, id)
    version = expected_version(if_match, required=True)
    v = services.variation_update(
        actor=request.auth.user, variation=v, expected_version=version, **_fields(payload)
    )
    v = selectors.public_variation(pk=v.pk)
    _with_version(response, v)
    return Status(200, variation_out(v))


def _transition(request, response, pk, if_match, service, **kwargs):
    v = _writable(request, pk)
    v = service(
        actor=request.auth.user, variation=v,
        expected_version=expected_version(if_match, required=False), **kwargs,
    )  # fmt: skip
    v = selectors.public_variation(pk=v.pk)
    _with_version(response, v)
    return Status(200, variation_out(v))


@router.post("/{id}/agree", response=_TRANSITION, summary="Agree a proposed variation", **WRITE)
def agree_variation(request, response: HttpResponse, id: Path[Id], if_match: IfMatch):
    """Agree for the owning partner (a signer) and/or as a steward of the zone."""
    return _transition(request, response, id, if_match, services.variation_agree)


@router.post("/{id}/activate", response=_TRANSITION, summary="Put a variation into effect", **WRITE)
def activate_variation(request, response: HttpResponse, id: Path[Id], if_match: IfMatch):
    return _transition(request, response, id, if_match, services.variation_activate)


@router.post("/{id}/end", response=_TRANSITION, summary="End or withdraw a variation", **WRITE)
def end_variation(request, response: HttpResponse, id: Path[Id], payload: EndIn, if_match: IfMatch):
    """End an active variation, or withdraw one not yet active, with a public reason."""
    return _transition(
        request, response, id, if_match, services.variation_end, reason=payload.reason
    )

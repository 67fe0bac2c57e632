"""Which zones cover a place: `GET /lookup?postcode=…` or `?lat=…&lon=…`, optionally `&at=`.

The answer is built by sizes.geo (`lookup_as_json`, shared with `sizes lookup --json`).
"""

from __future__ import annotations

import json
from typing import Annotated

from django.http import HttpResponse
from ninja import Query, Schema
from ninja.responses import NinjaJSONEncoder
from pydantic import Field

from sizes.api.conventions import ApiRouter
from sizes.api.schemas import Problem
from sizes.core.errors import DomainError
from sizes.geo.api import lookup_as_json
from sizes.geo.selectors import lookup_point, lookup_postcode

router = ApiRouter(tags=["lookup"])

Short = Annotated[str, Field(max_length=40)]


class LookupParams(Schema):
    postcode: Short | None = Field(None, description="A UK postcode, e.g. B30 2AA.")
    lat: Short | None = Field(None, description="Latitude, WGS84 degrees, e.g. 52.43.")
    lon: Short | None = Field(None, description="Longitude, WGS84 degrees, e.g. -1.93.")
    at: Short | None = Field(None, description="A date (YYYY-MM-DD): what covered it then.")


class LookupQuery(Schema):
    postcode: str | None
    lat: float
    lon: float
    at: str | None


class LookupZoneRef(Schema):
    id: int
    slug: str
    name: str
    url: str | None


class LookupBoundary(Schema):
    id: int
    valid_from: str | None


class LookupZone(Schema):
    zone: LookupZoneRef
    status: str
    membership: str = Field(description='"core" or "fringe".')
    active_variations: int
    distance_m: float
    fringe_m: int | None
    boundary: LookupBoundary | None


class LookupVariation(Schema):
    id: int
    title: str
    owner: str = Field(description="The owning organisation's name.")
    zone: str = Field(description="The zone's slug.")
    scope: str
    near: bool = Field(description="True when the place is in the zone's fringe, not its core.")
    url: str


class LookupOut(Schema):
    query: LookupQuery
    answer: str
    in_zone: bool
    in_force: list[LookupZone]
    proposed: list[LookupZone]
    history: list[LookupZone]
    variations: list[LookupVariation] = Field(
        description="Active variations that apply at the place."
    )


@router.get("/lookup", response={200: LookupOut, 404: Problem}, summary="Which zones cover a place")
def lookup(request, params: Query[LookupParams]):
    """Give `postcode`, or both `lat` and `lon`; add `at` for the answer on a past date."""
    postcode = (params.postcode or "").strip()
    lat, lon = (params.lat or "").strip(), (params.lon or "").strip()
    at = params.at or None
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
    # The busiest request (issue 9): the answer is serialised here rather than validated
    # again by pydantic against LookupOut (about an eighth of the request's CPU).
    # lookup_as_json builds exactly that shape: test_lookup_answer_is_the_documented_shape
    # checks it against LookupOut, and the contract test every answer against the OpenAPI
    # document.
    return HttpResponse(
        json.dumps(lookup_as_json(result), cls=NinjaJSONEncoder),
        content_type="application/json; charset=utf-8",
    )

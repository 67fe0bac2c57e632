"""Reviews of public zones: the evidence and the decision (renew or dissolve)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import Path, Query, Schema
from pydantic import Field

from sizes.api import selectors
from sizes.api.conventions import DEFAULT_LIMIT, ApiRouter, paginate, set_last_modified
from sizes.api.schemas import Cursor, Id, Limit, PageMeta, Slug
from sizes.zones.models import Review

router = ApiRouter(tags=["reviews"])


class ReviewOut(Schema):
    id: int
    zone: str = Field(description="The zone's slug.")
    held_on: dt.date
    evidence_summary: str
    decision: Review.Decision
    new_review_date: dt.date | None
    created_at: dt.datetime


class ReviewPage(PageMeta):
    items: list[ReviewOut]


class ReviewFilters(Schema):
    zone: Slug | None = Field(None, description="A zone's slug.")
    cursor: Cursor | None = None
    limit: Limit = DEFAULT_LIMIT


def review_out(r) -> dict:
    return {
        "id": r.pk,
        "zone": r.zone.slug,
        "held_on": r.held_on,
        "evidence_summary": r.evidence_summary,
        "decision": r.decision,
        "new_review_date": r.new_review_date,
        "created_at": r.created_at,
    }


@router.get("", response=ReviewPage, summary="List reviews of public zones")
def list_reviews(request, response: HttpResponse, filters: Query[ReviewFilters]):
    page = paginate(
        selectors.reviews_public(zone=filters.zone), cursor=filters.cursor, limit=filters.limit
    )
    set_last_modified(response, max((r.created_at for r in page.items), default=None))
    return {
        "items": [review_out(r) for r in page.items],
        "next_cursor": page.next_cursor,
        "limit": filters.limit,
    }


@router.get("/{id}", response=ReviewOut, summary="One review")
def get_review(request, response: HttpResponse, id: Path[Id]):
    review = selectors.public_review(pk=id)
    set_last_modified(response, review.created_at)
    return review_out(review)

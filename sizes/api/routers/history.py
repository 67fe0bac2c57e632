"""Public history of a zone or a variation, from the audit trail.

The same public view as the history pages (sizes.audit.selectors): people appear by the part
they played, never by name or account; refused attempts and comment text are left out.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import Path, Query, Schema

from sizes.api.conventions import (
    DEFAULT_LIMIT,
    ApiRouter,
    paginate_newest_first,
    set_last_modified,
)
from sizes.api.schemas import Cursor, Id, Limit, PageMeta, Slug
from sizes.audit import selectors as audit

router = ApiRouter(tags=["history"])


class ChangeOut(Schema):
    field: str
    before: str
    after: str


class HistoryEntryOut(Schema):
    id: int
    at: dt.datetime
    who: str
    text: str
    reason: str
    object_type: str
    object_id: str
    changes: list[ChangeOut]


class HistoryPage(PageMeta):
    items: list[HistoryEntryOut]


class PageParams(Schema):
    cursor: Cursor | None = None
    limit: Limit = DEFAULT_LIMIT


def _page(entries, params: PageParams, response) -> dict:
    page = paginate_newest_first(entries, cursor=params.cursor, limit=params.limit)
    set_last_modified(response, entries[0].at if entries else None)
    return {
        "items": [
            {
                "id": e.id,
                "at": e.at,
                "who": e.who,
                "text": e.text,
                "reason": e.reason,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "changes": [
                    {"field": c.label, "before": c.before, "after": c.after} for c in e.changes
                ],
            }
            for e in page.items
        ],
        "next_cursor": page.next_cursor,
        "limit": params.limit,
    }


@router.get("/zones/{slug}/history", response=HistoryPage, summary="A zone's public history")
def zone_history(request, response: HttpResponse, slug: Path[Slug], params: Query[PageParams]):
    """Everything that happened to the zone and what belongs to it, newest first."""
    zone = audit.public_zone_get(slug=slug)
    return _page(audit.zone_history(zone=zone), params, response)


@router.get(
    "/variations/{id}/history", response=HistoryPage, summary="A variation's public history"
)
def variation_history(request, response: HttpResponse, id: Path[Id], params: Query[PageParams]):
    variation = audit.public_variation_get(pk=id)
    return _page(audit.variation_history(variation=variation), params, response)

"""Public history of a zone, a variation, or any other public object, from the audit trail.

The same public view as the history pages (sizes.audit.selectors): people appear by the part
they played, never by name or account; refused attempts and comment text are left out.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

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
from sizes.core.errors import NotFound

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


HistoryKind = Literal[
    "budgets", "assets", "objectives", "plans", "meetings", "suggestions", "ideas"
]


def _public_object(kind: str, pk: int):
    """The public object of this kind with this id: (object, its zone), or NotFound."""
    from sizes.engagement.models import Idea, Meeting, Suggestion
    from sizes.resources import selectors as pooled
    from sizes.zones.models import PUBLIC

    if kind == "suggestions":
        obj = Suggestion.objects.filter(pk=pk).first()
        return obj, None
    qs = {
        "budgets": lambda: pooled.budgets_visible_to(None),
        "assets": lambda: pooled.assets_visible_to(None),
        "objectives": lambda: pooled.objectives_visible_to(None),
        "plans": lambda: pooled.plans_visible_to(None),
        "meetings": lambda: Meeting.objects.filter(zone__status__in=PUBLIC),
        "ideas": lambda: Idea.objects.filter(zone__status__in=PUBLIC),
    }[kind]()
    obj = qs.select_related("zone").filter(pk=pk).first()
    return obj, obj.zone if obj is not None else None


@router.get(
    "/history/{kind}/{id}", response=HistoryPage,
    summary="The public history of a budget, asset, objective, plan, meeting, suggestion or idea",
)  # fmt: skip
def object_history(
    request, response: HttpResponse, kind: Path[HistoryKind], id: Path[Id],
    params: Query[PageParams],
):  # fmt: skip
    """Everything that happened to one public object, newest first (a zone's and a variation's
    history have their own addresses). People appear by the part they played."""
    obj, zone = _public_object(kind, id)
    if obj is None:
        raise NotFound(f"There is no public {kind[:-1]} with this id.", code="not_found")
    return _page(audit.object_history(obj=obj, zone=zone), params, response)

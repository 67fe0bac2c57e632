"""How people take part, as public data: zone meetings, suggestions of where a zone would help,
and ideas from the edge.

Only what the public pages show: a contribution's author appears by the name the pages show
beside it (`public_name`), never an email address, postcode or account; a suggestion's place is
the wards it falls in, never the point typed to find it; comments are listed only while they
are shown (never pending or hidden ones); meeting attendance is counts only.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Path, Query, Schema
from pydantic import Field

from sizes.api.conventions import DEFAULT_LIMIT, ApiRouter, paginate, set_last_modified
from sizes.api.schemas import Cursor, Id, Limit, PageMeta, Slug
from sizes.core.errors import DomainError, NotFound
from sizes.engagement.models import (
    Comment,
    CommentStatus,
    Idea,
    IdeaStatus,
    Meeting,
    Suggestion,
    SuggestionStatus,
    public_name,
)
from sizes.variations.selectors import variations_public
from sizes.zones.models import PUBLIC

router = ApiRouter(tags=["taking part"])


# --- shapes ----------------------------------------------------------------------------------


class CommentOut(Schema):
    id: int
    author: str = Field(description="The name the site shows beside the comment.")
    body: str = Field(description="As written (plain text, or the safe Markdown subset).")
    format: str
    created_at: dt.datetime


class MeetingOut(Schema):
    id: int
    zone: str = Field(description="The zone's slug.")
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    online_url: str
    agenda: str
    minutes: str
    decisions: str
    attended_residents: int | None = Field(description="A count: attendance never has names.")
    attended_partners: int | None
    attended_others: int | None
    cancelled: bool
    updated_at: dt.datetime
    version: int
    html: str
    calendar: str = Field(description="The meeting as an iCalendar file.")


class MeetingPage(PageMeta):
    items: list[MeetingOut]


class MeetingFilters(Schema):
    zone: Slug | None = Field(None, description="A zone's slug.")
    after: dt.datetime | None = Field(
        None, description="Only meetings ending at or after this ISO 8601 date-time."
    )
    cursor: Cursor | None = None
    limit: Limit = DEFAULT_LIMIT


class WardOut(Schema):
    code: str = Field(description="The ward's GSS code.")
    name: str


class SuggestionOut(Schema):
    id: int
    place: str
    why: str
    themes: list[str] = Field(description="Theme slugs.")
    wards: list[WardOut] = Field(description="The wards the place falls in.")
    status: SuggestionStatus
    status_label: str
    zone: str | None = Field(description="The public zone it became, if any (slug).")
    decision_reason: str
    decided_at: dt.datetime | None
    supporters: int
    author: str = Field(description="The name the site shows beside the suggestion.")
    created_at: dt.datetime
    html: str


class SuggestionDetail(SuggestionOut):
    comments: list[CommentOut] = Field(description="Shown comments only, oldest first.")


class SuggestionPage(PageMeta):
    items: list[SuggestionOut]


class SuggestionFilters(Schema):
    status: SuggestionStatus | None = None
    cursor: Cursor | None = None
    limit: Limit = DEFAULT_LIMIT


class IdeaOut(Schema):
    id: int
    zone: str = Field(description="The zone's slug.")
    organisation: str = Field(description="The slug of the organisation asked to answer.")
    title: str
    obstacle: str
    proposal: str
    author: str = Field(description="The name the site shows beside the idea.")
    author_role: str = Field(description="resident, frontline or service_user.")
    created_at: dt.datetime
    answer_due: dt.date
    overdue: bool = Field(description="Still unanswered after answer_due.")
    status: IdeaStatus
    status_label: str
    answer: str
    answered_at: dt.datetime | None
    variation: int | None = Field(description="The public variation it became, if any.")
    html: str


class IdeaDetail(IdeaOut):
    comments: list[CommentOut] = Field(description="Shown comments only, oldest first.")


class IdeaPage(PageMeta):
    items: list[IdeaOut]


class IdeaFilters(Schema):
    zone: Slug | None = Field(None, description="A zone's slug.")
    organisation: Slug | None = Field(None, description="The organisation's slug.")
    status: IdeaStatus | None = None
    cursor: Cursor | None = None
    limit: Limit = DEFAULT_LIMIT


# --- reads -----------------------------------------------------------------------------------


def _shown_comments(**target) -> list[dict]:
    rows = (
        Comment.objects.filter(**target, hidden=False, status=CommentStatus.VISIBLE)
        .select_related("author")
        .order_by("created_at", "id")
    )
    return [
        {
            "id": c.pk,
            "author": public_name(c.author),
            "body": c.body,
            "format": c.format,
            "created_at": c.created_at,
        }
        for c in rows
    ]


def _meetings(zone: str | None = None):
    qs = Meeting.objects.filter(zone__status__in=PUBLIC).select_related("zone")
    if zone:
        qs = qs.filter(zone__slug=zone)
    return qs


def meeting_out(m: Meeting) -> dict:
    return {
        "id": m.pk,
        "zone": m.zone.slug,
        "title": m.title,
        "starts_at": m.starts_at,
        "ends_at": m.ends_at,
        "place": m.place,
        "online_url": m.online_url,
        "agenda": m.agenda,
        "minutes": m.minutes,
        "decisions": m.decisions,
        "attended_residents": m.attended_residents,
        "attended_partners": m.attended_partners,
        "attended_others": m.attended_others,
        "cancelled": m.cancelled,
        "updated_at": m.updated_at,
        "version": m.version,
        "html": reverse("engagement:meeting", args=[m.pk]),
        "calendar": reverse("engagement:meeting-ics", args=[m.pk]),
    }


@router.get("/meetings", response=MeetingPage, summary="List meetings of public zones")
def list_meetings(request, response: HttpResponse, filters: Query[MeetingFilters]):
    """Meetings in id order; `after` keeps those not yet over at that moment (e.g. now)."""
    qs = _meetings(filters.zone)
    if filters.after:
        after = filters.after
        try:
            if timezone.is_naive(after):
                after = timezone.make_aware(after)
            # In UTC: PostgreSQL refuses offsets beyond ±15:59 that ISO 8601 (and Python) allow.
            after = after.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            raise DomainError(
                code="parameter_invalid",
                message="after must be an ISO 8601 date-time between the years 1 and 9999.",
                field="after",
            ) from None
        qs = qs.filter(ends_at__gte=after)
    page = paginate(qs, cursor=filters.cursor, limit=filters.limit)
    set_last_modified(response, max((m.updated_at for m in page.items), default=None))
    return {
        "items": [meeting_out(m) for m in page.items],
        "next_cursor": page.next_cursor,
        "limit": filters.limit,
    }


@router.get("/meetings/{id}", response=MeetingOut, summary="One meeting")
def get_meeting(request, response: HttpResponse, id: Path[Id]):
    m = _meetings().filter(pk=id).first()
    if m is None:
        raise NotFound("There is no public meeting with this id.", code="meeting_not_found")
    set_last_modified(response, m.updated_at)
    return meeting_out(m)


def _suggestions():
    return (
        Suggestion.objects.select_related("author", "zone")
        .prefetch_related("themes", "wards")
        .annotate(support_count=Count("supports", distinct=True))
    )


def suggestion_out(s: Suggestion) -> dict:
    return {
        "id": s.pk,
        "place": s.place,
        "why": s.why,
        "themes": sorted(t.slug for t in s.themes.all()),
        "wards": [{"code": w.code, "name": w.name} for w in s.wards.all()],
        "status": s.status,
        "status_label": s.get_status_display(),
        "zone": s.zone.slug if s.zone is not None and s.zone.status in PUBLIC else None,
        "decision_reason": s.decision_reason,
        "decided_at": s.decided_at,
        "supporters": s.support_count,
        "author": s.author_name,
        "created_at": s.created_at,
        "html": reverse("engagement:suggestion", args=[s.pk]),
    }


@router.get("/suggestions", response=SuggestionPage, summary="List suggestions")
def list_suggestions(request, response: HttpResponse, filters: Query[SuggestionFilters]):
    """Where people think a zone would help, in id order, with the number of supporters."""
    qs = _suggestions()
    if filters.status:
        qs = qs.filter(status=filters.status)
    page = paginate(qs, cursor=filters.cursor, limit=filters.limit)
    set_last_modified(response, max((s.created_at for s in page.items), default=None))
    return {
        "items": [suggestion_out(s) for s in page.items],
        "next_cursor": page.next_cursor,
        "limit": filters.limit,
    }


@router.get("/suggestions/{id}", response=SuggestionDetail, summary="One suggestion")
def get_suggestion(request, id: Path[Id]):
    s = _suggestions().filter(pk=id).first()
    if s is None:
        raise NotFound("There is no suggestion with this id.", code="suggestion_not_found")
    return suggestion_out(s) | {"comments": _shown_comments(suggestion=s)}


def _ideas():
    public_variations = variations_public()
    return (
        Idea.objects.filter(zone__status__in=PUBLIC)
        .select_related("zone", "organisation", "author")
        .annotate(variation_public=Exists(public_variations.filter(pk=OuterRef("variation_id"))))
    )


def idea_out(i: Idea, today: dt.date) -> dict:
    return {
        "id": i.pk,
        "zone": i.zone.slug,
        "organisation": i.organisation.slug,
        "title": i.title,
        "obstacle": i.obstacle,
        "proposal": i.proposal,
        "author": i.author_name,
        "author_role": i.author_role,
        "created_at": i.created_at,
        "answer_due": i.answer_due,
        "overdue": i.is_overdue(today),
        "status": i.status,
        "status_label": i.get_status_display(),
        "answer": i.answer,
        "answered_at": i.answered_at,
        "variation": i.variation_id if i.variation_public else None,
        "html": reverse("engagement:idea", args=[i.zone.slug, i.pk]),
    }


@router.get("/ideas", response=IdeaPage, summary="List ideas from the edge")
def list_ideas(request, response: HttpResponse, filters: Query[IdeaFilters]):
    """Changes proposed by residents, frontline workers and service users, addressed to a
    partner organisation, with its answer (or that it is overdue), in id order."""
    qs = _ideas()
    if filters.zone:
        qs = qs.filter(zone__slug=filters.zone)
    if filters.organisation:
        qs = qs.filter(organisation__slug=filters.organisation)
    if filters.status:
        qs = qs.filter(status=filters.status)
    page = paginate(qs, cursor=filters.cursor, limit=filters.limit)
    today = timezone.localdate()
    return {
        "items": [idea_out(i, today) for i in page.items],
        "next_cursor": page.next_cursor,
        "limit": filters.limit,
    }


@router.get("/ideas/{id}", response=IdeaDetail, summary="One idea from the edge")
def get_idea(request, id: Path[Id]):
    i = _ideas().filter(pk=id).first()
    if i is None:
        raise NotFound("There is no public idea with this id.", code="idea_not_found")
    return idea_out(i, timezone.localdate()) | {"comments": _shown_comments(idea=i)}
